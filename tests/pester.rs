//! Runs the PowerShell module's Pester tests (tests/pwsh) in real pwsh, against the binary this
//! build produced and a signature-checking S3 server, so `cargo test` covers both halves.
//! A missing pwsh fails this test: the module is half of the product.

mod common;

use std::process::Command;

use common::*;

#[test]
fn pester_suite_passes() {
    let server = TestServer::start();
    server.create_bucket("pester");
    server.put_object("pester", "hello.txt", b"hello world");

    let script = r#"
        Import-Module Pester -MinimumVersion 5.5
        $config = New-PesterConfiguration
        $config.Run.Path = 'tests/pwsh'
        $config.Run.PassThru = $true
        $config.Output.Verbosity = 'Detailed'
        $result = Invoke-Pester -Configuration $config
        "Pester: $($result.PassedCount) passed, $($result.FailedCount) failed, $($result.SkippedCount) skipped"
        if ($result.TotalCount -eq 0) { 'Pester ran no test'; exit 3 }
        if ($result.FailedCount -gt 0 -or $result.FailedBlocksCount -gt 0 -or $result.FailedContainersCount -gt 0) { exit 1 }
        if ($result.SkippedCount -gt 0 -and $env:CI) { 'Pester skipped tests in CI'; exit 4 }
        exit 0
    "#;
    let mut command = Command::new("pwsh");
    command
        .args(["-NoProfile", "-NonInteractive", "-Command", script])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("S3PRESIGN_BIN", bin_path())
        .env("S3PRESIGN_TEST_ENDPOINT", &server.endpoint)
        .env("S3PRESIGN_TEST_ACCESS_KEY", ACCESS_KEY)
        .env("S3PRESIGN_TEST_SECRET_KEY", SECRET_KEY)
        .env("S3PRESIGN_TEST_BUCKET", "pester")
        // s3s-fs keeps objects as files here: tests compare stored bytes with what they uploaded.
        .env("S3PRESIGN_TEST_ROOT", server.root.path())
        .env("AWS_EC2_METADATA_DISABLED", "true");
    let status = command.status().unwrap_or_else(|e| {
        panic!(
            "cannot run pwsh ({e}). The module tests need PowerShell 7.4+ on PATH; in this \
             repository `.ci/run` puts ../shared/tools/bin on PATH"
        )
    });
    assert!(
        status.success(),
        "Pester failed ({status}); its report is above"
    );
}
