//! Runs the PowerShell module's Pester tests (tests/pwsh) in real pwsh, against the binary this
//! build produced and a signature-checking S3 server, so `cargo test` covers both halves.
//! A missing pwsh, a missing Pester, an `Invoke-Pester` that throws, a run with no passed test,
//! any failure and any skip all fail this test: the module is half of the product.

mod common;

use std::process::Command;

use common::*;

/// The script pwsh runs. A Pester that cannot be imported or an `Invoke-Pester` that throws ends
/// it with a non-zero exit code (the catch), never a silent pass; the last line it prints is the
/// summary that the Rust side checks.
const SCRIPT: &str = r#"
    try {
        # Stop: a Pester that cannot be imported is a failure. The tests themselves run with the
        # default preference, which their non-terminating errors rely on.
        $ErrorActionPreference = 'Stop'
        Import-Module Pester -MinimumVersion 5.5
        $ErrorActionPreference = 'Continue'
        $config = New-PesterConfiguration
        $config.Run.Path = 'tests/pwsh'
        $config.Run.PassThru = $true
        $config.Output.Verbosity = 'Detailed'
        $result = Invoke-Pester -Configuration $config
        if ($null -eq $result) { throw 'Invoke-Pester returned no result' }
        $failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
        "PESTER SUMMARY: $($result.PassedCount) passed, $failed failed, $($result.SkippedCount) skipped"
        if ($result.PassedCount -eq 0 -or $failed -gt 0 -or $result.SkippedCount -gt 0) { exit 1 }
        exit 0
    } catch {
        "Pester could not run: $_"
        exit 2
    }
"#;

/// The counts of the summary line, `PESTER SUMMARY: N passed, F failed, S skipped`.
fn summary(stdout: &str) -> Option<(u64, u64, u64)> {
    let line = stdout
        .lines()
        .rev()
        .find_map(|l| l.trim().strip_prefix("PESTER SUMMARY: "))?;
    let mut numbers = line
        .split(',')
        .map(|part| part.split_whitespace().next()?.parse::<u64>().ok());
    Some((numbers.next()??, numbers.next()??, numbers.next()??))
}

#[test]
fn summary_is_read_and_malformed_summaries_are_not() {
    assert_eq!(
        summary("x\nPESTER SUMMARY: 12 passed, 0 failed, 0 skipped\n"),
        Some((12, 0, 0))
    );
    assert_eq!(summary("PESTER SUMMARY:  passed,  failed,  skipped"), None);
    assert_eq!(summary("Pester could not run: no module"), None);
}

#[test]
fn pester_suite_passes() {
    let server = TestServer::start();
    server.create_bucket("pester");
    server.put_object("pester", "hello.txt", b"hello world");

    let mut command = Command::new("pwsh");
    command
        .args(["-NoProfile", "-NonInteractive", "-Command", SCRIPT])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("S3PRESIGN_BIN", bin_path())
        .env("S3PRESIGN_TEST_ENDPOINT", &server.endpoint)
        .env("S3PRESIGN_TEST_ACCESS_KEY", ACCESS_KEY)
        .env("S3PRESIGN_TEST_SECRET_KEY", SECRET_KEY)
        .env("S3PRESIGN_TEST_BUCKET", "pester")
        // s3s-fs keeps objects as files here: tests compare stored bytes with what they uploaded.
        .env("S3PRESIGN_TEST_ROOT", server.root.path())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        // A missing test server is a failure, never a skip (tests/pwsh/TestHelpers.ps1).
        .env("CI", "true");
    let output = command.output().unwrap_or_else(|e| {
        panic!(
            "cannot run pwsh ({e}). The module tests need PowerShell 7.4+ on PATH; in this \
             repository `.ci/run` puts ../shared/tools/bin on PATH"
        )
    });
    let stdout = String::from_utf8_lossy(&output.stdout);
    print!("{stdout}");
    eprint!("{}", String::from_utf8_lossy(&output.stderr));
    let (passed, failed, skipped) = summary(&stdout).unwrap_or_else(|| {
        panic!(
            "Pester did not run to its summary ({}); its output is above",
            output.status
        )
    });
    assert!(passed > 0, "Pester passed no test");
    assert_eq!(failed, 0, "Pester: {failed} failed; its report is above");
    assert_eq!(
        skipped, 0,
        "Pester skipped {skipped} test(s): every test must run"
    );
    assert!(
        output.status.success(),
        "pwsh exited with {}",
        output.status
    );
}
