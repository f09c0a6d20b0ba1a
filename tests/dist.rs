//! The installable module as `cargo xtask dist` assembles it (xtask/src/module_layout.rs, the
//! same code, around the binary this `cargo test` built — no second, release build): found on
//! `$env:PSModulePath` and auto-loaded by its first command, with the binary from its own
//! `bin/<os>-<arch>/` folder; a valid manifest whose ModuleVersion is Cargo's.

mod common;

#[path = "../xtask/src/module_layout.rs"]
#[allow(dead_code)]
mod module_layout;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The manifest's `ModuleVersion = '…'` value.
fn module_version(manifest: &str) -> Option<&str> {
    manifest.lines().find_map(|line| {
        let (name, value) = line.split_once('=')?;
        (name.trim() == "ModuleVersion")
            .then(|| value.trim().trim_matches(|c| c == '\'' || c == '"'))
    })
}

#[test]
fn the_source_manifest_has_cargos_version() {
    let manifest = std::fs::read_to_string(Path::new(ROOT).join("module/S3PreSign.psd1")).unwrap();
    assert_eq!(
        module_version(&manifest),
        Some(VERSION),
        "module/S3PreSign.psd1's ModuleVersion must be Cargo.toml's version"
    );
}

/// The host's `<os>-<arch>`, as the module looks it up.
fn host_platform() -> &'static str {
    let os = match std::env::consts::OS {
        "linux" => "unknown-linux-gnu",
        "macos" => "apple-darwin",
        "windows" => "pc-windows-msvc",
        other => panic!("no module platform for {other}"),
    };
    let target = format!("{}-{os}", std::env::consts::ARCH);
    module_layout::platform_of_target(&target).expect("a platform the module ships for")
}

/// PATH without any folder that holds an s3presign program (but with pwsh's).
fn path_without_s3presign() -> std::ffi::OsString {
    let dirs = std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .filter(|dir| !dir.join("s3presign").exists() && !dir.join("s3presign.exe").exists())
        .collect::<Vec<PathBuf>>();
    std::env::join_paths(dirs).unwrap()
}

#[test]
fn the_assembled_module_auto_loads_from_psmodulepath_with_its_own_binary() {
    let work = tempfile::tempdir().unwrap();
    let modules = work.path().join("modules");
    let binary_name = if cfg!(windows) {
        "s3presign.exe"
    } else {
        "s3presign"
    };
    let module = module_layout::assemble(
        Path::new(ROOT),
        &modules,
        &bin_path(),
        host_platform(),
        binary_name,
        VERSION,
    )
    .expect("the module assembles");
    let bundled = module.join("bin").join(host_platform()).join(binary_name);
    assert!(bundled.is_file(), "{} is missing", bundled.display());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&bundled).unwrap().permissions().mode();
        assert_eq!(mode & 0o111, 0o111, "the bundled binary is executable");
    }

    // No Import-Module: the first call loads the module from $env:PSModulePath.
    let script = r#"
        $ErrorActionPreference = 'Stop'
        if (Get-Module S3PreSign) { throw 'S3PreSign is loaded before its first command' }
        $result = Get-S3PreSignedURL -BucketName my-bucket -Key 'reports/2025 Q1.pdf' -Expire (Get-Date).AddHours(1) -ProfileName example
        "TYPE $($result.GetType().FullName)"
        "URL $result"
        "ABOUT $(Test-Path -LiteralPath (Join-Path (Get-Module S3PreSign).ModuleBase 'en-US' 'about_S3PreSign.help.txt'))"
        "BASE $((Get-Module S3PreSign).ModuleBase)"
        $manifest = Test-ModuleManifest -Path (Join-Path (Get-Module S3PreSign).ModuleBase 'S3PreSign.psd1')
        "VERSION $($manifest.Version)"
        "EXPORTS $(($manifest.ExportedFunctions.Keys | Sort-Object) -join ',')"
    "#;
    let pwsh = which("pwsh").unwrap_or_else(|| {
        panic!("pwsh is not on PATH; the module tests need PowerShell 7.4+ (cargo xtask test checks for it)")
    });
    let home = work.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let mut command = Command::new(pwsh);
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("AWS_") {
            command.env_remove(&name);
        }
    }
    command
        .args(["-NoProfile", "-NonInteractive", "-Command", script])
        .current_dir(work.path())
        .env_remove("S3PRESIGN_BIN")
        .env("PATH", path_without_s3presign())
        .env("HOME", &home)
        .env("PSModulePath", &modules)
        .env(
            "AWS_CONFIG_FILE",
            Path::new(ROOT).join("examples/aws/config"),
        )
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            Path::new(ROOT).join("examples/aws/credentials"),
        )
        .env("AWS_EC2_METADATA_DISABLED", "true");
    let run = Run::from(command.output().unwrap());
    run.expect_code(0);
    let field = |name: &str| {
        run.stdout
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{name} ")))
            .unwrap_or_else(|| panic!("no {name} line in:\n{}\n{}", run.stdout, run.stderr))
            .to_string()
    };
    assert_eq!(
        field("TYPE"),
        "System.String",
        "AWS.Tools' contract: the URL as a string"
    );
    assert_eq!(
        field("ABOUT"),
        "True",
        "the module ships its about_S3PreSign topic"
    );
    let url = field("URL");
    assert!(
        url.starts_with("https://my-bucket.s3.us-east-1.amazonaws.com/reports/2025%20Q1.pdf?")
            && url.contains("X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F")
            && url.contains("X-Amz-Signature="),
        "{url}"
    );
    assert_eq!(
        Path::new(&field("BASE")).canonicalize().unwrap(),
        module.canonicalize().unwrap(),
        "loaded from the temporary PSModulePath folder"
    );
    assert_eq!(field("VERSION"), VERSION);
    assert!(
        field("EXPORTS").contains("Get-S3PreSignedURL"),
        "{}",
        run.stdout
    );
}

fn which(program: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(program))
        .find(|path| path.is_file())
}
