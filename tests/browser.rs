//! The HTML form of `s3presign post --output html`, opened in headless Chromium: a chosen file
//! uploads to the S3 server with its bytes intact, and a file over the size range is refused
//! and not stored. Needs Chromium (/usr/bin/chromium or $CHROMIUM) and playwright-core
//! (`npm install --prefix tests/browser`), both installed by .ci/run.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;

fn submit_in_browser(form: &Path, file: &Path, profile: &Path) -> u16 {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/upload.mjs");
    assert!(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/browser/node_modules/playwright-core")
            .exists(),
        "playwright-core is missing: run `npm install --prefix tests/browser` (as .ci/run does)"
    );
    let out = Command::new("node")
        .arg(&script)
        .args([form, file, profile])
        .output()
        .expect("node runs (install Node.js)");
    assert!(
        out.status.success(),
        "the browser run failed (is Chromium installed at /usr/bin/chromium?):\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let result: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    result["status"].as_u64().unwrap() as u16
}

#[test]
fn a_browser_uploads_through_the_generated_form() {
    let server = TestServer::start();
    server.create_bucket("browser");
    let dir = tempfile::tempdir().unwrap();
    let form_for = |key: &str| {
        let run = server
            .s3presign()
            .args([
                "post",
                "--region",
                "us-east-1",
                "--bucket",
                "browser",
                "--key",
                key,
            ])
            .args(["--content-length-range", "1,2048", "--output", "html"])
            .run();
        run.expect_code(0);
        let path = dir.path().join(format!("{}.html", key.replace('/', "_")));
        std::fs::write(&path, run.stdout).unwrap();
        path
    };

    let bytes: Vec<u8> = (0..1500u32).map(|i| (i * 7 % 251) as u8).collect();
    let file = dir.path().join("report.bin");
    std::fs::write(&file, &bytes).unwrap();
    let status = submit_in_browser(
        &form_for("uploads/report.bin"),
        &file,
        &dir.path().join("profile-1"),
    );
    assert!((200..300).contains(&status), "the upload got {status}");
    assert_eq!(
        server.object("browser", "uploads/report.bin"),
        Some(bytes),
        "stored with the right bytes"
    );

    let big = dir.path().join("big.bin");
    std::fs::write(&big, vec![b'x'; 4096]).unwrap();
    let status = submit_in_browser(
        &form_for("uploads/big.bin"),
        &big,
        &dir.path().join("profile-2"),
    );
    assert!(
        (400..500).contains(&status),
        "an over-size upload got {status}"
    );
    assert_eq!(
        server.object("browser", "uploads/big.bin"),
        None,
        "and is not stored"
    );
}
