//! The installable PowerShell module: `S3PreSign/` with the manifest, every file of `module/`,
//! LICENSE and the binary under `bin/<os>-<arch>/`, where the module looks for it.
//!
//! Standard library only: `cargo xtask dist` uses it, and so does the auto-loading test
//! (tests/dist.rs includes this file), which assembles the module around the binary that
//! `cargo test` built instead of building a release binary of its own.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// The module's folder name, which must equal the manifest's base name for auto-loading.
pub const MODULE_NAME: &str = "S3PreSign";

/// The module's name for a platform (`<os>-<arch>`: os linux, osx or win; arch x64 or arm64),
/// from a Rust target triple such as `x86_64-unknown-linux-gnu`. `None` for a platform the
/// module does not ship for.
pub fn platform_of_target(target: &str) -> Option<&'static str> {
    let arch = match target.split('-').next()? {
        "x86_64" => "x64",
        "aarch64" => "arm64",
        _ => return None,
    };
    let os = if target.contains("-linux-") {
        "linux"
    } else if target.contains("-apple-darwin") {
        "osx"
    } else if target.contains("-windows-") {
        "win"
    } else {
        return None;
    };
    Some(match (os, arch) {
        ("linux", "x64") => "linux-x64",
        ("linux", _) => "linux-arm64",
        ("osx", "x64") => "osx-x64",
        ("osx", _) => "osx-arm64",
        ("win", "x64") => "win-x64",
        _ => "win-arm64",
    })
}

/// The binary's file name on a target: `s3presign.exe` on Windows, else `s3presign`.
pub fn binary_name(target: &str) -> &'static str {
    if target.contains("-windows-") {
        "s3presign.exe"
    } else {
        "s3presign"
    }
}

/// Builds `<out>/S3PreSign/` afresh from `<repo>/module` (every file and folder in it, except
/// a local `bin/`), `<repo>/LICENSE`, and `binary` copied to `bin/<platform>/<binary_name>`
/// with its execute bit set. The copied manifest's `ModuleVersion` is set to `version`.
/// Returns the module's folder.
///
/// Errors: any file that cannot be read or written, and a manifest without a
/// `ModuleVersion = '…'` line.
pub fn assemble(
    repo: &Path,
    out: &Path,
    binary: &Path,
    platform: &str,
    binary_name: &str,
    version: &str,
) -> io::Result<PathBuf> {
    let module = out.join(MODULE_NAME);
    if module.exists() {
        fs::remove_dir_all(&module)?;
    }
    copy_tree(&repo.join("module"), &module, &|name| name == "bin")?;
    fs::copy(repo.join("LICENSE"), module.join("LICENSE"))?;
    let manifest = module.join(format!("{MODULE_NAME}.psd1"));
    let text = fs::read_to_string(&manifest)?;
    fs::write(&manifest, with_module_version(&text, version)?)?;
    let bin_dir = module.join("bin").join(platform);
    fs::create_dir_all(&bin_dir)?;
    let installed = bin_dir.join(binary_name);
    fs::copy(binary, &installed)?;
    set_executable(&installed)?;
    Ok(module)
}

/// The manifest text with its `ModuleVersion` line's value replaced, all else unchanged.
fn with_module_version(manifest: &str, version: &str) -> io::Result<String> {
    let mut found = false;
    let mut out = String::with_capacity(manifest.len());
    for line in manifest.split_inclusive('\n') {
        match line.split_once('=') {
            Some((name, _)) if !found && name.trim() == "ModuleVersion" => {
                found = true;
                let ending = if line.ends_with("\r\n") {
                    "\r\n"
                } else if line.ends_with('\n') {
                    "\n"
                } else {
                    ""
                };
                out.push_str(&format!("{name}= '{version}'{ending}"));
            }
            _ => out.push_str(line),
        }
    }
    if !found {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{MODULE_NAME}.psd1 has no ModuleVersion = '...' line to set"),
        ));
    }
    Ok(out)
}

fn copy_tree(from: &Path, to: &Path, skip: &dyn Fn(&str) -> bool) -> io::Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let name = entry.file_name();
        if skip(&name.to_string_lossy()) {
            continue;
        }
        let target = to.join(&name);
        if entry.file_type()?.is_dir() {
            copy_tree(&entry.path(), &target, &|_| false)?;
        } else {
            fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}

#[cfg(unix)]
fn set_executable(path: &Path) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(0o755))
}

#[cfg(not(unix))]
fn set_executable(_path: &Path) -> io::Result<()> {
    Ok(())
}
