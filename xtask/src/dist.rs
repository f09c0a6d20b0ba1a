//! `cargo xtask dist`: what a release ships, built from this checkout.
//!
//! - `DIR/S3PreSign/` — the PowerShell module, ready for `$env:PSModulePath` or the PowerShell
//!   Gallery, with this target's binary under `bin/<os>-<arch>/` (module_layout.rs);
//! - `DIR/s3presign-<version>-<target>.tar.gz` — `s3presign-<version>-<target>/` holding the
//!   binary, LICENSE, README.md, `complete/` (bash, zsh, fish, PowerShell, elvish) and `doc/`
//!   (man pages), as ripgrep's archives do;
//! - `DIR/SHA256SUMS` — `sha256sum -c` format, for the archive and every file of the module.
//!
//! The version is Cargo's (`[workspace.package]` in Cargo.toml), the one place it lives.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use sha2::{Digest, Sha256};

use crate::module_layout;
use crate::process::{self, output_of, run_step};

const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The completion scripts `s3presign completions SHELL` writes, by shell and file name.
const COMPLETIONS: [(&str, &str); 5] = [
    ("bash", "s3presign.bash"),
    ("zsh", "_s3presign"),
    ("fish", "s3presign.fish"),
    ("powershell", "_s3presign.ps1"),
    ("elvish", "s3presign.elv"),
];

pub struct Options {
    /// A Rust target triple; the host's when not given.
    target: Option<String>,
    out: Option<PathBuf>,
}

impl Options {
    pub fn parse(args: &[String]) -> Result<Options, String> {
        let mut options = Options {
            target: None,
            out: None,
        };
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let mut value = |name: &str| {
                args.next()
                    .cloned()
                    .ok_or_else(|| format!("{name} needs a value"))
            };
            match arg.as_str() {
                "--target" => options.target = Some(value("--target")?),
                "--out" => options.out = Some(PathBuf::from(value("--out")?)),
                other => {
                    return Err(format!(
                        "dist: unknown argument '{other}' (expected --target TRIPLE or --out DIR)"
                    ))
                }
            }
        }
        Ok(options)
    }
}

pub fn run(repo: &Path, options: &Options) -> Result<ExitCode, String> {
    let target = match &options.target {
        Some(target) => target.clone(),
        None => host_target()?,
    };
    let platform = module_layout::platform_of_target(&target).ok_or_else(|| {
        format!("the module ships for linux, osx and win on x86_64 and aarch64, not {target}")
    })?;
    let binary_name = module_layout::binary_name(&target);
    let out = options.out.clone().unwrap_or_else(|| repo.join("dist"));

    let mut build = Command::new(process::cargo());
    build
        .args(["build", "--release", "--locked", "--bin", "s3presign"])
        .current_dir(repo);
    let mut release_dir = target_dir(repo);
    if options.target.is_some() {
        build.args(["--target", &target]);
        release_dir.push(&target);
    }
    run_step(&format!("release build for {target}"), &mut build)?;
    let binary = release_dir.join("release").join(binary_name);

    fs::create_dir_all(&out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let module = module_layout::assemble(repo, &out, &binary, platform, binary_name, VERSION)
        .map_err(|e| format!("assembling the module in {}: {e}", out.display()))?;
    eprintln!("xtask: module {}", module.display());

    let archive = write_archive(repo, &out, &binary, &target)?;
    eprintln!("xtask: archive {}", archive.display());

    let mut files = vec![archive];
    list_files(&module, &mut files).map_err(|e| e.to_string())?;
    let sums = write_checksums(&out, &files)?;
    eprintln!("xtask: checksums {}", sums.display());
    Ok(ExitCode::SUCCESS)
}

/// `s3presign-<version>-<target>.tar.gz`. The completions and man pages come from the binary
/// itself, so they always match its flags.
fn write_archive(repo: &Path, out: &Path, binary: &Path, target: &str) -> Result<PathBuf, String> {
    let name = format!("s3presign-{VERSION}-{target}");
    let staging = out.join(&name);
    let fail = |what: &str, e: &dyn std::fmt::Display| format!("{what}: {e}");
    if staging.exists() {
        fs::remove_dir_all(&staging).map_err(|e| fail("clearing the staging folder", &e))?;
    }
    fs::create_dir_all(staging.join("complete")).map_err(|e| fail("staging", &e))?;
    fs::create_dir_all(staging.join("doc")).map_err(|e| fail("staging", &e))?;
    fs::copy(binary, staging.join(binary.file_name().unwrap()))
        .map_err(|e| fail(&format!("copying {}", binary.display()), &e))?;
    for file in ["LICENSE", "README.md"] {
        fs::copy(repo.join(file), staging.join(file)).map_err(|e| fail(file, &e))?;
    }
    for (shell, file) in COMPLETIONS {
        let script = output_of(binary, &["completions", shell]).ok_or_else(|| {
            format!(
                "`{} completions {shell}` failed; the completions and man pages come from the \
                     binary, so dist runs on the platform it builds for",
                binary.display()
            )
        })?;
        fs::write(staging.join("complete").join(file), script + "\n")
            .map_err(|e| fail(file, &e))?;
    }
    run_step(
        "man pages",
        Command::new(binary)
            .args(["man", "--out-dir"])
            .arg(staging.join("doc")),
    )?;

    let archive = out.join(format!("{name}.tar.gz"));
    let file = fs::File::create(&archive).map_err(|e| fail("creating the archive", &e))?;
    let gzip = flate2::write::GzEncoder::new(file, flate2::Compression::best());
    let mut tar = tar::Builder::new(gzip);
    tar.follow_symlinks(false);
    tar.append_dir_all(&name, &staging)
        .map_err(|e| fail("writing the archive", &e))?;
    tar.into_inner()
        .and_then(|gzip| gzip.finish())
        .and_then(|mut file| file.flush())
        .map_err(|e| fail("writing the archive", &e))?;
    fs::remove_dir_all(&staging).map_err(|e| fail("removing the staging folder", &e))?;
    Ok(archive)
}

/// `SHA256SUMS` beside the files, with paths relative to `out` and `/` separators.
fn write_checksums(out: &Path, files: &[PathBuf]) -> Result<PathBuf, String> {
    let mut lines: Vec<String> = Vec::with_capacity(files.len());
    for file in files {
        let bytes = fs::read(file).map_err(|e| format!("reading {}: {e}", file.display()))?;
        let relative = file.strip_prefix(out).unwrap_or(file);
        let name: Vec<String> = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let digest: String = Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        lines.push(format!("{digest}  {}\n", name.join("/")));
    }
    lines.sort_by(|a, b| a[66..].cmp(&b[66..]));
    let sums = out.join("SHA256SUMS");
    fs::write(&sums, lines.concat()).map_err(|e| format!("writing {}: {e}", sums.display()))?;
    Ok(sums)
}

fn list_files(dir: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            list_files(&entry.path(), files)?;
        } else {
            files.push(entry.path());
        }
    }
    Ok(())
}

fn host_target() -> Result<String, String> {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    output_of(&rustc, &["-vV"])
        .and_then(|info| {
            info.lines()
                .find_map(|line| line.strip_prefix("host: ").map(str::to_string))
        })
        .ok_or_else(|| "cannot learn the host's target triple from `rustc -vV`".into())
}

fn target_dir(repo: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo.join("target"))
}
