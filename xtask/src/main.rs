//! The project's tasks, run as `cargo xtask <task>` (the alias is in .cargo/config.toml):
//!
//! - `test [ARGS…]` — checks every prerequisite of the test suite up front and installs those it
//!   can (a Python virtual environment with botocore and boto3, the browser test's npm packages,
//!   Chromium through apt), names each missing one with how to get it, and only then runs
//!   `cargo test --locked` over the workspace (or `cargo test --locked ARGS…`), which includes the
//!   Pester suite.
//! - `dist [--target TRIPLE] [--out DIR]` — a release build, the installable PowerShell module
//!   `DIR/S3PreSign/`, the archive `DIR/s3presign-<version>-<target>.tar.gz` (binary, shell
//!   completions, man pages) and `DIR/SHA256SUMS`.
//!
//! Written in Rust rather than shell so that the same commands work on Linux, macOS and Windows.

mod dist;
mod module_layout;
mod prerequisites;
mod process;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "\
Usage: cargo xtask <task>

Tasks:
  test [ARGS...]                        check and install what the tests need, then run
                                        `cargo test --locked [ARGS...]` (Rust tests and Pester)
  dist [--target TRIPLE] [--out DIR]    release build, then DIR/S3PreSign/ (the PowerShell module),
                                        DIR/s3presign-<version>-<target>.tar.gz and DIR/SHA256SUMS
                                        [default DIR: dist]";

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let task = args.next();
    let rest: Vec<String> = args.collect();
    let result = match task.as_deref() {
        Some("test") => prerequisites::run_tests(&repo_root(), &rest),
        Some("dist") => dist::Options::parse(&rest).and_then(|o| dist::run(&repo_root(), &o)),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some(other) => Err(format!("unknown task '{other}'\n\n{USAGE}")),
        None => Err(USAGE.to_string()),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("xtask: error: {message}");
            ExitCode::from(2)
        }
    }
}

/// The workspace root: xtask/ is one of its members.
fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives inside the repository")
        .to_path_buf()
}
