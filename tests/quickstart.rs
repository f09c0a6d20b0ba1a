//! The README's quick start, run exactly as written (so it cannot drift), and the scheduled-job
//! example. Lines that build and install (`cargo …`) are the one thing skipped: this test runs
//! the binary that `cargo test` just built, put first on PATH.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The code block between `<!-- quickstart: NAME -->` and `<!-- /quickstart -->`.
fn readme_block(name: &str) -> String {
    let readme = std::fs::read_to_string(Path::new(ROOT).join("README.md")).unwrap();
    let start = format!("<!-- quickstart: {name} -->");
    let section = readme
        .split_once(&start)
        .unwrap_or_else(|| panic!("README.md has no {start}"))
        .1
        .split_once("<!-- /quickstart -->")
        .expect("the quick start block is closed")
        .0;
    let code: Vec<&str> = section
        .lines()
        .skip_while(|l| !l.starts_with("```"))
        .skip(1)
        .take_while(|l| !l.starts_with("```"))
        .collect();
    assert!(!code.is_empty(), "empty quick start block {name}");
    code.join("\n")
}

/// A clean environment: the built binary first on PATH, an empty HOME, no inherited AWS_*.
fn clean(command: &mut Command, home: &Path) {
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("AWS_") || name == "S3PRESIGN_BIN" {
            command.env_remove(&name);
        }
    }
    let bin_dir = bin_path().parent().unwrap().to_path_buf();
    let path = std::env::join_paths(std::iter::once(bin_dir).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .unwrap();
    command
        .current_dir(ROOT)
        .env("PATH", path)
        .env("HOME", home)
        .env("AWS_EC2_METADATA_DISABLED", "true");
}

#[test]
fn shell_quick_start_runs_as_written() {
    let script: String = readme_block("sh")
        .lines()
        .filter(|l| !l.trim_start().starts_with("cargo "))
        .collect::<Vec<_>>()
        .join("\n");
    let home = tempfile::tempdir().unwrap();
    let mut command = Command::new("bash");
    command.args(["-euo", "pipefail", "-c", &script]);
    clean(&mut command, home.path());
    let run = Run::from(command.output().unwrap());
    run.expect_code(0);
    let first = run.stdout.lines().next().unwrap();
    assert!(
        first.starts_with("https://my-bucket.s3.us-east-1.amazonaws.com/reports/2025%20Q1.pdf?"),
        "{first}"
    );
    assert!(
        first.contains("X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F"),
        "{first}"
    );
    assert!(first.contains("X-Amz-Expires=86400"), "{first}");
    assert!(
        run.stdout.contains("Expires at (UTC)"),
        "the table: {}",
        run.stdout
    );
}

#[test]
fn powershell_quick_start_runs_as_written() {
    let home = tempfile::tempdir().unwrap();
    let mut command = Command::new("pwsh");
    command.args([
        "-NoProfile",
        "-NonInteractive",
        "-Command",
        &readme_block("pwsh"),
    ]);
    clean(&mut command, home.path());
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("cannot run pwsh ({e}); put PowerShell 7.4+ on PATH"));
    let run = Run::from(output);
    run.expect_code(0);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    // Format-List wraps long values onto indented lines: join them back.
    let flat = unwrap_lines(&run.stdout);
    for expected in [
        "Bucket",
        "my-bucket",
        "ExpiresAt",
        "X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F",
        "X-Amz-Signature=",
    ] {
        assert!(
            flat.contains(expected),
            "missing {expected:?} in:\n{}",
            run.stdout
        );
    }
}

fn unwrap_lines(text: &str) -> String {
    let mut flat = String::new();
    for line in text.lines() {
        if line.starts_with(' ') {
            flat.push_str(line.trim_start());
        } else {
            flat.push('\n');
            flat.push_str(line);
        }
    }
    flat
}

#[test]
fn scheduled_job_example_writes_links_and_logs_the_bad_row() {
    let home = tempfile::tempdir().unwrap();
    let out = home.path().join("links.csv");
    let mut command = Command::new("pwsh");
    command
        .args([
            "-NoProfile",
            "-NonInteractive",
            "-File",
            "examples/nightly-links.ps1",
        ])
        .args([
            "-InputCsv",
            "examples/keys.csv",
            "-ProfileName",
            "example",
            "-OutputCsv",
        ])
        .arg(&out);
    clean(&mut command, home.path());
    command
        .env(
            "AWS_CONFIG_FILE",
            Path::new(ROOT).join("examples/aws/config"),
        )
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            Path::new(ROOT).join("examples/aws/credentials"),
        );
    let run = Run::from(command.output().expect("pwsh runs"));
    run.expect_code(1);
    let csv = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 4, "a header and the three good rows:\n{csv}");
    assert!(
        lines[0].contains("\"Url\"") && lines[0].contains("\"ExpiresAt\""),
        "{csv}"
    );
    assert!(
        lines[3].contains("versionId=3HL4kqtJlcpXroDTDmJ%2BrmSpXd3dIbrHY"),
        "{csv}"
    );
    let log = std::fs::read_to_string(out.with_extension("log")).unwrap();
    assert!(
        log.contains("invalid_bucket") && log.contains("Bad_Bucket!"),
        "{log}"
    );
}

/// A scheduled run that fails at setup (here: an unknown profile) must not cost yesterday's
/// links: the output file stays byte for byte, the reason reaches stderr and the log, and no
/// temporary file is left behind.
#[test]
fn scheduled_job_failing_at_setup_leaves_the_old_output_untouched() {
    let home = tempfile::tempdir().unwrap();
    let out_dir = home.path().join("out");
    std::fs::create_dir_all(&out_dir).unwrap();
    let out = out_dir.join("links.csv");
    let yesterday = b"\"Bucket\",\"Key\",\"VersionId\",\"Url\",\"ExpiresAt\"\r\n\"my-bucket\",\"a.txt\",,\"https://example/\",\"x\"\r\n";
    std::fs::write(&out, yesterday).unwrap();
    let mut command = Command::new("pwsh");
    command
        .args([
            "-NoProfile",
            "-NonInteractive",
            "-File",
            "examples/nightly-links.ps1",
            "-InputCsv",
            "examples/keys.csv",
            "-ProfileName",
            "no-such-profile",
            "-OutputCsv",
        ])
        .arg(&out);
    clean(&mut command, home.path());
    command
        .env(
            "AWS_CONFIG_FILE",
            Path::new(ROOT).join("examples/aws/config"),
        )
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            Path::new(ROOT).join("examples/aws/credentials"),
        );
    let run = Run::from(command.output().expect("pwsh runs"));
    run.expect_code(2);
    assert_eq!(
        std::fs::read(&out).unwrap(),
        yesterday,
        "the previous links.csv is unchanged"
    );
    assert!(
        run.stderr.contains("no-such-profile"),
        "the reason is on stderr: {}",
        run.stderr
    );
    let log = std::fs::read_to_string(out.with_extension("log")).unwrap();
    assert!(
        log.contains("FATAL") && log.contains("no-such-profile"),
        "{log}"
    );
    let mut left: Vec<String> = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(
        left,
        ["links.csv", "links.log"],
        "no temporary file is left"
    );
}

/// README.md's scheduled-job line, as written, from a copy of the repository's examples and
/// module: it signs the three good rows of examples/keys.csv with the example profile, logs
/// the bad one and exits 1.
#[test]
fn readme_scheduled_job_line_runs_as_written() {
    let readme = std::fs::read_to_string(Path::new(ROOT).join("README.md")).unwrap();
    let line = readme
        .lines()
        .find(|l| l.starts_with("pwsh ") && l.contains("examples/nightly-links.ps1"))
        .expect("README.md shows how to run examples/nightly-links.ps1");
    let work = tempfile::tempdir().unwrap();
    for folder in ["examples", "module"] {
        copy_tree(&Path::new(ROOT).join(folder), &work.path().join(folder));
    }
    let mut command = Command::new("bash");
    command.args(["-c", line]);
    clean(&mut command, work.path());
    command
        .current_dir(work.path())
        .env(
            "AWS_CONFIG_FILE",
            Path::new(ROOT).join("examples/aws/config"),
        )
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            Path::new(ROOT).join("examples/aws/credentials"),
        );
    let run = Run::from(command.output().unwrap());
    run.expect_code(1);
    let csv = std::fs::read_to_string(work.path().join("links.csv")).unwrap();
    assert_eq!(csv.lines().count(), 4, "a header and three links:\n{csv}");
    assert!(
        csv.contains("X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F"),
        "{csv}"
    );
    let log = std::fs::read_to_string(work.path().join("links.log")).unwrap();
    assert!(log.contains("invalid_bucket"), "{log}");
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
