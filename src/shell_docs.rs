//! `s3presign completions SHELL` and `s3presign man`: generated from the flags in `cli`, so
//! they cannot drift from them (clap_complete, clap_mangen). Release archives ship both.

use std::io::{self, Write};
use std::path::Path;

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::Cli;
use crate::exit_codes::ExitCode;

/// Writes the completion script for `shell` to stdout.
pub fn completions(shell: Shell) -> ExitCode {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "s3presign", &mut script);
    finish(
        io::stdout().lock().write_all(&script),
        "the completion script",
    )
}

/// Writes the top-level man page to stdout, or, with `out_dir`, `s3presign.1` and one page per
/// subcommand (`s3presign-url.1`, `s3presign-multipart-create.1`, ...) into that folder.
pub fn man(out_dir: Option<&Path>) -> ExitCode {
    let command = Cli::command();
    match out_dir {
        Some(dir) => finish(
            std::fs::create_dir_all(dir).and_then(|_| clap_mangen::generate_to(command, dir)),
            &format!("the man pages in {}", dir.display()),
        ),
        None => {
            let mut page = Vec::new();
            let rendered = clap_mangen::Man::new(command).render(&mut page);
            finish(
                rendered.and_then(|_| io::stdout().lock().write_all(&page)),
                "the man page",
            )
        }
    }
}

fn finish(written: io::Result<()>, what: &str) -> ExitCode {
    match written {
        Ok(()) => ExitCode::Success,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::Success,
        Err(e) => {
            eprintln!("s3presign: error: cannot write {what}: {e}");
            ExitCode::SetupFailed
        }
    }
}
