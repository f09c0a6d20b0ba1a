//! Every shell and PowerShell example in README.md says what it needs, in an HTML comment on
//! the line before its fence, and the ones that can run offline do run here, as written:
//!
//! - `<!-- runs offline -->` (or `<!-- runs offline, exits N -->`): run by this test, which
//!   expects exit code 0 (or N);
//! - `<!-- needs AWS -->`: needs an account, AWS.Tools or real keys; not run;
//! - `<!-- not run: why -->`: builds, installs or runs for minutes (the test command itself);
//! - `<!-- quickstart: NAME -->`: run by tests/quickstart.rs.
//!
//! The examples run in a scratch copy of `examples/` and `module/`, with the built binary first
//! on PATH, the example profile as the default (`AWS_PROFILE=example`, as README.md says), and
//! for PowerShell the module imported and `$ErrorActionPreference = 'Stop'`, so any error fails.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

struct Example {
    /// README.md's line number of the opening fence.
    line: usize,
    language: String,
    marker: Option<String>,
    code: String,
}

fn examples() -> Vec<Example> {
    let readme = std::fs::read_to_string(Path::new(ROOT).join("README.md")).unwrap();
    let lines: Vec<&str> = readme.lines().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some(language) = lines[i].strip_prefix("```") else {
            i += 1;
            continue;
        };
        let opening = i;
        let end = (i + 1..lines.len())
            .find(|&j| lines[j].starts_with("```"))
            .unwrap_or_else(|| panic!("README.md:{}: the fence is never closed", i + 1));
        let marker = lines[..opening]
            .iter()
            .rev()
            .find(|l| !l.trim().is_empty())
            .and_then(|l| l.trim().strip_prefix("<!--"))
            .and_then(|l| l.strip_suffix("-->"))
            .map(|m| m.trim().to_string());
        found.push(Example {
            line: opening + 1,
            language: language.trim().to_string(),
            marker,
            code: lines[opening + 1..end].join("\n"),
        });
        i = end + 1;
    }
    found
}

fn is_shell(language: &str) -> bool {
    matches!(language, "sh" | "bash" | "powershell" | "pwsh")
}

#[test]
fn every_shell_example_says_whether_it_runs_offline() {
    let unmarked: Vec<String> = examples()
        .into_iter()
        .filter(|e| is_shell(&e.language))
        .filter(|e| {
            !e.marker.as_deref().is_some_and(|m| {
                m.starts_with("runs offline")
                    || m.starts_with("needs AWS")
                    || m.starts_with("not run: ")
                    || m.starts_with("quickstart: ")
            })
        })
        .map(|e| format!("README.md:{} ({})", e.line, e.language))
        .collect();
    assert!(
        unmarked.is_empty(),
        "examples without <!-- runs offline -->, <!-- needs AWS --> or <!-- not run: why -->:\n{}",
        unmarked.join("\n")
    );
}

/// The exit code an offline example is expected to end with.
fn expected_code(marker: &str) -> Option<i32> {
    let rest = marker.strip_prefix("runs offline")?;
    match rest.trim().strip_prefix(", exits ") {
        Some(code) => Some(code.trim().parse().expect("a number after 'exits'")),
        None if rest.trim().is_empty() => Some(0),
        None => panic!("unknown marker <!-- {marker} -->"),
    }
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            if entry.file_name() != "bin" {
                copy_tree(&entry.path(), &target);
            }
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn run_example(example: &Example, expected: i32) -> Result<(), String> {
    let work = tempfile::tempdir().unwrap();
    copy_tree(
        &Path::new(ROOT).join("examples"),
        &work.path().join("examples"),
    );
    copy_tree(&Path::new(ROOT).join("module"), &work.path().join("module"));
    let home = work.path().join("home");
    std::fs::create_dir_all(&home).unwrap();

    let mut command = if example.language.ends_with("sh") {
        let mut bash = Command::new("bash");
        bash.args(["-euo", "pipefail", "-c", &example.code]);
        bash
    } else {
        let script = format!(
            "$ErrorActionPreference = 'Stop'\nImport-Module ./module/S3PreSign.psd1\n{}",
            example.code
        );
        let mut pwsh = Command::new("pwsh");
        pwsh.args(["-NoProfile", "-NonInteractive", "-Command", &script]);
        pwsh
    };
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("AWS_") {
            command.env_remove(&name);
        }
    }
    let bin_dir = bin_path().parent().unwrap().to_path_buf();
    let path = std::env::join_paths(std::iter::once(bin_dir).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .unwrap();
    let aws = work.path().join("examples/aws");
    command
        .current_dir(work.path())
        .env_remove("S3PRESIGN_BIN")
        .env("PATH", path)
        .env("HOME", &home)
        .env("TMPDIR", work.path())
        .env("AWS_CONFIG_FILE", aws.join("config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", aws.join("credentials"))
        .env("AWS_PROFILE", "example")
        .env("AWS_EC2_METADATA_DISABLED", "true");
    let output = command
        .output()
        .map_err(|e| format!("cannot start {:?}: {e}", command.get_program()))?;
    let run = Run::from(output);
    if run.code != expected {
        return Err(format!(
            "exit {}, expected {expected}\n--- stdout\n{}\n--- stderr\n{}",
            run.code, run.stdout, run.stderr
        ));
    }
    if expected == 0 && run.stderr.contains("s3presign: error") {
        return Err(format!("an error on stderr:\n{}", run.stderr));
    }
    Ok(())
}

#[test]
fn offline_examples_run_as_written() {
    let offline: Vec<(Example, i32)> = examples()
        .into_iter()
        .filter(|e| is_shell(&e.language))
        .filter_map(|e| {
            let code = expected_code(e.marker.as_deref()?)?;
            Some((e, code))
        })
        .collect();
    assert!(
        offline.len() >= 8,
        "README.md has only {} offline examples",
        offline.len()
    );
    let failures: Vec<String> = offline
        .iter()
        .filter_map(|(example, code)| {
            run_example(example, *code).err().map(|why| {
                format!(
                    "README.md:{} ({}):\n{}\n=> {why}",
                    example.line, example.language, example.code
                )
            })
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} offline examples failed:\n\n{}",
        failures.len(),
        offline.len(),
        failures.join("\n\n")
    );
}

/// Dates in examples rot: one that has passed makes `--expires` fail. Examples use relative
/// expiries (`--expires-in`, `(Get-Date).AddDays(2)`) instead.
#[test]
fn no_example_has_a_date_in_the_past() {
    let today = chrono::Utc::now().date_naive();
    let mut past = Vec::new();
    for example in examples() {
        let bytes = example.code.as_bytes();
        for start in 0..bytes.len().saturating_sub(9) {
            let window = &bytes[start..start + 10];
            let shape = window.iter().enumerate().all(|(i, &b)| match i {
                4 | 7 => b == b'-',
                _ => b.is_ascii_digit(),
            });
            if !shape {
                continue;
            }
            let candidate = std::str::from_utf8(window).expect("ASCII digits and hyphens");
            if let Ok(date) = chrono::NaiveDate::parse_from_str(candidate, "%Y-%m-%d") {
                if date < today {
                    past.push(format!("README.md:{}: {candidate}", example.line));
                }
            }
        }
    }
    assert!(
        past.is_empty(),
        "dates in the past in examples:\n{}",
        past.join("\n")
    );
}
