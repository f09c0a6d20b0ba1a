//! SSE-C (customer-provided keys): the key is signed into the URL's headers, the server accepts
//! exactly those headers, botocore signs the same, and the key itself is never printed.

mod common;

use std::process::Command;

use common::*;

/// 32 bytes, base64: a test key, not a secret.
const KEY: &str = "qUzwbTA3mHy+5YkGJQGKh3ErcfpL6nCqeQnEqQRXVKs=";
const OTHER_KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

fn sign(server: &TestServer, key: &str, args: &[&str]) -> serde_json::Value {
    let run = server
        .s3presign()
        .env("SSE_KEY", KEY)
        .args(["url", "--bucket", "vault", "--key", key, "--output", "json"])
        .args(["--sse-customer-key", "env:SSE_KEY"])
        .args(args)
        .run();
    run.expect_code(0);
    assert!(!run.stdout.contains(KEY) && !run.stderr.contains(KEY));
    run.records().remove(0)
}

/// The headers a client sends: the result's, with the real key where it says (redacted).
fn headers_with_key(record: &serde_json::Value, key: &str) -> Vec<(String, String)> {
    record["headers"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(name, value)| {
            let value = value.as_str().unwrap();
            let value = if value == "(redacted)" { key } else { value };
            (name.clone(), value.to_string())
        })
        .collect()
}

fn refs(headers: &[(String, String)]) -> Vec<(&str, &str)> {
    headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect()
}

#[test]
fn an_sse_c_upload_and_download_work_only_with_the_key() {
    let server = TestServer::start();
    server.create_bucket("vault");

    let put = sign(&server, "secret.bin", &["--verb", "PUT"]);
    let shown = put["headers"].as_object().unwrap();
    assert_eq!(
        shown["x-amz-server-side-encryption-customer-key"],
        "(redacted)"
    );
    assert_eq!(
        shown["x-amz-server-side-encryption-customer-algorithm"],
        "AES256"
    );
    let url = put["url"].as_str().unwrap();
    assert!(url.contains("x-amz-server-side-encryption-customer-key%3B"));

    // Without the key header, or with another key, the signature does not match.
    let right = headers_with_key(&put, KEY);
    let without: Vec<_> = right
        .iter()
        .filter(|(n, _)| n != "x-amz-server-side-encryption-customer-key")
        .cloned()
        .collect();
    assert_eq!(fetch("PUT", url, &refs(&without), b"body").status, 403);
    let wrong = headers_with_key(&put, OTHER_KEY);
    assert_eq!(fetch("PUT", url, &refs(&wrong), b"body").status, 403);
    assert_eq!(server.object("vault", "secret.bin"), None);
    assert_eq!(fetch("PUT", url, &refs(&right), b"body").status, 200);
    assert_eq!(server.object("vault", "secret.bin").unwrap(), b"body");

    let get = sign(&server, "secret.bin", &[]);
    let url = get["url"].as_str().unwrap();
    assert_eq!(fetch("GET", url, &[], b"").status, 403);
    let fetched = fetch("GET", url, &refs(&headers_with_key(&get, KEY)), b"");
    assert_eq!((fetched.status, fetched.body.as_str()), (200, "body"));
}

#[test]
fn the_suggested_curl_command_uploads_with_the_key_from_its_variable() {
    let server = TestServer::start();
    server.create_bucket("vault");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("LOCAL_FILE"), b"from curl").unwrap();
    let key_file = write_file(dir.path(), "key.b64", &format!("{KEY}\n"));

    for (source, object) in [
        ("env:SSE_KEY".to_string(), "by-env.bin"),
        (format!("file:{}", key_file.display()), "by-file.bin"),
    ] {
        let run = server
            .s3presign()
            .env("SSE_KEY", KEY)
            .args(["url", "--bucket", "vault", "--key", object, "--verb", "PUT"])
            .args(["--sse-customer-key", &source, "--output", "json"])
            .run();
        run.expect_code(0);
        let curl = run.records()[0]["curl"].as_str().unwrap().to_string();
        assert!(!curl.contains(KEY), "{curl}");
        let status = Command::new("sh")
            .args(["-c", &format!("{curl} -s -o /dev/null")])
            .current_dir(dir.path())
            .env("SSE_KEY", KEY)
            .status()
            .expect("sh and curl run");
        assert!(status.success(), "{source}: {curl}");
        assert_eq!(server.object("vault", object).unwrap(), b"from curl");
    }
}

#[test]
fn parts_and_batches_carry_the_key_and_delete_is_refused() {
    let server = TestServer::start();
    let run = server
        .s3presign()
        .env("SSE_KEY", KEY)
        .args([
            "batch",
            "--bucket",
            "vault",
            "--sse-customer-key",
            "env:SSE_KEY",
        ])
        .run_with_stdin(concat!(
            "{\"key\":\"a\",\"verb\":\"PUT\",\"upload_id\":\"u1\",\"part_number\":2}\n",
            "{\"key\":\"b\",\"verb\":\"DELETE\"}\n",
            "{\"key\":\"c\",\"verb\":\"HEAD\"}\n",
        ));
    run.expect_code(1);
    assert!(!run.stdout.contains(KEY) && !run.stderr.contains(KEY));
    let records = run.records();
    assert_eq!(records.len(), 3);
    assert!(records[0]["url"]
        .as_str()
        .unwrap()
        .contains("x-amz-server-side-encryption-customer-key-md5"));
    assert_eq!(records[1]["code"], "option_not_for_verb");
    assert_eq!(records[2]["type"], "url");
}

type Env<'a> = &'a [(&'a str, &'a str)];

/// `url` for bucket vault, key k, with the SSE-C key in $SSE_KEY.
fn url_with_key(server: &TestServer) -> S3Presign {
    server
        .s3presign()
        .env("SSE_KEY", KEY)
        .args(["url", "--bucket", "vault", "--key", "k"])
        .args(["--sse-customer-key", "env:SSE_KEY"])
}

#[test]
fn bad_keys_stop_the_run_before_anything_is_signed_without_echoing_the_key() {
    let server = TestServer::start();
    let short = "c2hvcnQga2V5";
    // (environment, --sse-customer-key, what the message says)
    let cases: [(Env, &str, &str); 5] = [
        (&[], KEY, "env:NAME or file:PATH"),
        (&[], "env:NOT_SET_ANYWHERE", "NOT_SET_ANYWHERE is not set"),
        (&[("SSE_KEY", short)], "env:SSE_KEY", "9 bytes"),
        (&[("SSE_KEY", "not base64!")], "env:SSE_KEY", "not base64"),
        (
            &[],
            "file:/nonexistent/key.b64",
            "cannot read the SSE-C key",
        ),
    ];
    for (env, source, expected) in cases {
        let mut command = server.s3presign();
        for (name, value) in env {
            command = command.env(name, value);
        }
        let run = command
            .args(["batch", "--bucket", "vault", "--sse-customer-key", source])
            .run_with_stdin("{\"key\":\"a\"}\n");
        run.expect_code(2);
        let records = run.records();
        assert_eq!(records.len(), 1, "{source}: {}", run.stdout);
        assert_eq!(records[0]["type"], "fatal");
        assert_eq!(records[0]["code"], "usage");
        let message = records[0]["message"].as_str().unwrap();
        assert!(message.contains(expected), "{source}: {message}");
        assert!(
            !message.contains(KEY) && !message.contains(short),
            "{message}"
        );
    }

    let md5 = url_with_key(&server)
        .args(["--sse-customer-key-md5", "AAAAAAAAAAAAAAAAAAAAAA=="])
        .run();
    md5.expect_code(2);
    assert!(!md5.stderr.contains(KEY));

    let table = url_with_key(&server).args(["--output", "table"]).run();
    table.expect_code(0);
    assert!(table.stdout.contains("(redacted)"), "{}", table.stdout);
    assert!(!table.stdout.contains(KEY) && !table.stderr.contains(KEY));
    assert!(
        md5.stderr.contains("is not the MD5 of the SSE-C key"),
        "{}",
        md5.stderr
    );
}

#[test]
fn botocore_signs_the_same_sse_c_url() {
    let server = TestServer::start();
    let put = sign(
        &server,
        "reports/q1.pdf",
        &[
            "--verb",
            "PUT",
            "--start-time",
            "2026-01-02T03:04:05Z",
            "--expires-in",
            "15m",
        ],
    );
    let script = r#"
import base64, datetime, sys
import botocore.auth, botocore.session
from botocore.config import Config
botocore.auth.get_current_datetime = lambda: datetime.datetime(2026, 1, 2, 3, 4, 5)
session = botocore.session.get_session()
client = session.create_client("s3", region_name="us-east-1", endpoint_url=sys.argv[1],
    aws_access_key_id=sys.argv[2], aws_secret_access_key=sys.argv[3],
    config=Config(signature_version="s3v4", s3={"addressing_style": "path"}))
print(client.generate_presigned_url("put_object", ExpiresIn=900, Params={
    "Bucket": "vault", "Key": "reports/q1.pdf", "SSECustomerAlgorithm": "AES256",
    "SSECustomerKey": base64.b64decode(sys.argv[4])}))
"#;
    let output = Command::new(python())
        .args(["-c", script, &server.endpoint, ACCESS_KEY, SECRET_KEY, KEY])
        .output()
        .expect("python runs (.ci/run makes the venv with botocore)");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let theirs = String::from_utf8(output.stdout).unwrap();
    let query = |url: &str, name: &str| {
        url.trim()
            .split(['?', '&'])
            .find_map(|p| p.strip_prefix(name)?.strip_prefix('='))
            .map(str::to_string)
            .unwrap_or_else(|| panic!("{url} has no {name}"))
    };
    let ours = put["url"].as_str().unwrap();
    for name in ["X-Amz-SignedHeaders", "X-Amz-Signature"] {
        assert_eq!(
            query(ours, name),
            query(&theirs, name),
            "\nours: {ours}\nbotocore: {theirs}"
        );
    }
}

#[test]
fn an_sse_c_multipart_upload_is_created_uploaded_and_completed_with_the_key() {
    let server = TestServer::start();
    server.create_bucket("vault");
    let created = server
        .s3presign()
        .env("SSE_KEY", KEY)
        .args(["multipart", "create", "--region", "us-east-1"])
        .args(["--bucket", "vault", "--key", "big.bin"])
        .args(["--sse-customer-key", "env:SSE_KEY"])
        .run();
    created.expect_code(0);
    let upload_id = created.stdout.trim().to_string();
    assert!(!upload_id.is_empty() && !created.stderr.contains(KEY));

    let part = sign(
        &server,
        "big.bin",
        &[
            "--verb",
            "PUT",
            "--upload-id",
            &upload_id,
            "--part-number",
            "1",
        ],
    );
    let url = part["url"].as_str().unwrap();
    assert_eq!(fetch("PUT", url, &[], b"only part").status, 403);
    let put = fetch(
        "PUT",
        url,
        &refs(&headers_with_key(&part, KEY)),
        b"only part",
    );
    assert_eq!(put.status, 200, "{}", put.body);
    let etag = &put.headers.iter().find(|(n, _)| n == "etag").unwrap().1;

    let complete = sign(
        &server,
        "big.bin",
        &["--verb", "POST", "--upload-id", &upload_id],
    );
    let body = format!(
        "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>{etag}</ETag></Part></CompleteMultipartUpload>"
    );
    let url = complete["url"].as_str().unwrap();
    let headers = headers_with_key(&complete, KEY);
    assert_eq!(headers.len(), 3, "{headers:?}");
    let done = fetch("POST", url, &refs(&headers), body.as_bytes());
    assert_eq!(done.status, 200, "{}", done.body);
    assert_eq!(server.object("vault", "big.bin").unwrap(), b"only part");
}

#[test]
fn inspect_verifies_an_sse_c_url_with_the_key_from_its_source() {
    let server = TestServer::start();
    let put = sign(&server, "checked.bin", &["--verb", "PUT"]);
    let url = put["url"].as_str().unwrap();
    let inspect = |key: &str| {
        let run = s3presign()
            .with_example_keys()
            .env("SSE_KEY", key)
            .args(["inspect", "--verify", "--verb", "PUT", url])
            .args(["--sse-customer-key", "env:SSE_KEY"])
            .run();
        assert!(!run.stdout.contains(key) && !run.stderr.contains(key));
        run
    };
    let good = inspect(KEY);
    good.expect_code(0);
    assert_eq!(good.records()[0]["signature_valid"], true);
    let other = inspect(OTHER_KEY);
    other.expect_code(1);
    assert_eq!(other.records()[0]["signature_valid"], false);

    // A URL that signs no SSE-C headers is checked without them.
    let plain = server
        .s3presign()
        .args(["url", "--bucket", "vault", "--key", "plain.bin"])
        .run();
    plain.expect_code(0);
    let checked = s3presign()
        .with_example_keys()
        .env("SSE_KEY", KEY)
        .args(["inspect", "--verify", plain.stdout.trim()])
        .args(["--sse-customer-key", "env:SSE_KEY"])
        .run();
    checked.expect_code(0);
    assert_eq!(checked.records()[0]["signature_valid"], true);

    // Without the key, the signed key header is named as missing.
    let without = s3presign()
        .with_example_keys()
        .args(["inspect", "--verify", "--verb", "PUT", url])
        .run();
    without.expect_code(1);
    assert!(
        without.records()[0]["verify_note"]
            .as_str()
            .unwrap()
            .contains("x-amz-server-side-encryption-customer-algorithm"),
        "{}",
        without.stdout
    );
}
