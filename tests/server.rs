//! The URLs used as a customer would, against a real S3 server that checks SigV4 (s3s-fs).

mod common;

use common::*;

fn sign(server: &TestServer, args: &[&str]) -> String {
    let run = server
        .s3presign()
        .args(["url", "--region", "us-east-1"])
        .args(args)
        .run();
    run.expect_code(0);
    run.stdout.trim_end().to_string()
}

#[test]
fn get_head_put_delete_work_as_signed() {
    let server = TestServer::start();
    server.create_bucket("files");
    server.put_object("files", "docs/hello.txt", b"hello world");

    let get = fetch(
        "GET",
        &sign(&server, &["--bucket", "files", "--key", "docs/hello.txt"]),
        &[],
        b"",
    );
    assert_eq!(get.status, 200, "{}", get.body);
    assert_eq!(get.body, "hello world");

    let head = fetch(
        "HEAD",
        &sign(
            &server,
            &[
                "--bucket",
                "files",
                "--key",
                "docs/hello.txt",
                "--verb",
                "HEAD",
            ],
        ),
        &[],
        b"",
    );
    assert_eq!(head.status, 200);
    assert!(
        head.headers
            .iter()
            .any(|(n, v)| n == "content-length" && v == "11"),
        "{:?}",
        head.headers
    );

    let put_url = sign(
        &server,
        &[
            "--bucket",
            "files",
            "--key",
            "up/new file.txt",
            "--verb",
            "PUT",
        ],
    );
    let put = fetch("PUT", &put_url, &[], b"uploaded bytes");
    assert_eq!(put.status, 200, "{}", put.body);
    assert_eq!(
        server.object("files", "up/new file.txt").as_deref(),
        Some(&b"uploaded bytes"[..])
    );

    let delete = fetch(
        "DELETE",
        &sign(
            &server,
            &[
                "--bucket",
                "files",
                "--key",
                "docs/hello.txt",
                "--verb",
                "DELETE",
            ],
        ),
        &[],
        b"",
    );
    assert_eq!(delete.status, 204, "{}", delete.body);
    assert_eq!(server.object("files", "docs/hello.txt"), None);
}

#[test]
fn a_signed_content_type_must_be_sent() {
    let server = TestServer::start();
    server.create_bucket("files");
    let url = sign(
        &server,
        &[
            "--bucket",
            "files",
            "--key",
            "photo.png",
            "--verb",
            "PUT",
            "--content-type",
            "image/png",
        ],
    );

    let wrong = fetch("PUT", &url, &[("Content-Type", "text/plain")], b"png bytes");
    assert_eq!(
        wrong.status, 403,
        "another Content-Type is refused: {}",
        wrong.body
    );
    let right = fetch("PUT", &url, &[("Content-Type", "image/png")], b"png bytes");
    assert_eq!(right.status, 200, "{}", right.body);
    assert_eq!(
        server.object("files", "photo.png").as_deref(),
        Some(&b"png bytes"[..])
    );
}

#[test]
fn tampered_misused_and_wrongly_signed_urls_are_refused() {
    let server = TestServer::start();
    server.create_bucket("files");
    server.put_object("files", "a.txt", b"A");
    server.put_object("files", "b.txt", b"B");
    let url = sign(&server, &["--bucket", "files", "--key", "a.txt"]);
    assert_eq!(fetch("GET", &url, &[], b"").status, 200);

    // One character of the signature changed.
    let last = url.chars().last().unwrap();
    let tampered = format!(
        "{}{}",
        &url[..url.len() - 1],
        if last == '0' { '1' } else { '0' }
    );
    assert_eq!(fetch("GET", &tampered, &[], b"").status, 403);
    // X-Amz-Expires edited.
    assert_eq!(
        fetch(
            "GET",
            &url.replace("X-Amz-Expires=3600", "X-Amz-Expires=7200"),
            &[],
            b""
        )
        .status,
        403
    );
    // Another object's path.
    assert_eq!(
        fetch("GET", &url.replace("/a.txt?", "/b.txt?"), &[], b"").status,
        403
    );
    // Another verb.
    assert_eq!(fetch("DELETE", &url, &[], b"").status, 403);
    assert_eq!(server.object("files", "a.txt").as_deref(), Some(&b"A"[..]));

    // Signed with a wrong secret.
    let wrong_secret = server
        .s3presign()
        .env(
            "AWS_SECRET_ACCESS_KEY",
            "not-the-secret-not-the-secret-xxxxxxxx",
        )
        .args(["url", "--bucket", "files", "--key", "a.txt"])
        .run();
    wrong_secret.expect_code(0);
    assert_eq!(
        fetch("GET", wrong_secret.stdout.trim_end(), &[], b"").status,
        403
    );
}

#[test]
fn an_expired_url_is_refused() {
    let server = TestServer::start();
    server.create_bucket("files");
    server.put_object("files", "a.txt", b"A");
    // Signed two hours ago for one hour: its window closed an hour ago.
    let start = (chrono::Utc::now() - chrono::Duration::hours(2)).to_rfc3339();
    let url = sign(
        &server,
        &[
            "--bucket",
            "files",
            "--key",
            "a.txt",
            "--start-time",
            &start,
            "--expires-in",
            "1h",
        ],
    );
    assert_eq!(fetch("GET", &url, &[], b"").status, 403);
}

#[test]
fn version_ids_are_signed_into_the_query() {
    let server = TestServer::start();
    server.create_bucket("files");
    server.put_object("files", "a.txt", b"A");
    // s3s-fs has no versioning; a GET with any versionId still has its signature checked first.
    let url = sign(
        &server,
        &[
            "--bucket",
            "files",
            "--key",
            "a.txt",
            "--version-id",
            "null",
        ],
    );
    assert!(url.contains("versionId=null&"));
    // s3s-fs 0.14.1 has no versioning: it serves the current object for any version id, once
    // the signature over that version id holds.
    let got = fetch("GET", &url, &[], b"");
    assert_eq!((got.status, got.body.as_str()), (200, "A"));
    assert_eq!(
        fetch(
            "GET",
            &url.replace("versionId=null", "versionId=other"),
            &[],
            b""
        )
        .status,
        403
    );
}

#[test]
fn batch_urls_for_awkward_keys_round_trip() {
    let server = TestServer::start();
    server.create_bucket("files");
    let keys = [
        "with space.txt",
        "plus+sign",
        "percent%41",
        "equals=and&amp",
        "question?mark",
        "hash#tag",
        "tilde~star*",
        "quote'bang!",
        "(parens)",
        "é-nfc",
        "e\u{301}-nfd",
        "日本語/キー",
        "emoji-😀",
        "-starts-with-dash",
    ];
    let lines: String = keys
        .iter()
        .map(|k| serde_json::json!({"bucket": "files", "key": k, "verb": "PUT"}).to_string() + "\n")
        .collect();
    let run = server
        .s3presign()
        .args(["batch", "--region", "us-east-1"])
        .run_with_stdin(&lines);
    run.expect_code(0);
    for (record, key) in run.records().iter().zip(keys) {
        let put = fetch("PUT", record["url"].as_str().unwrap(), &[], key.as_bytes());
        assert_eq!(put.status, 200, "PUT {key:?}: {}", put.body);
    }
    let gets: String = keys
        .iter()
        .map(|k| serde_json::json!({"bucket": "files", "key": k}).to_string() + "\n")
        .collect();
    let run = server
        .s3presign()
        .args(["batch", "--region", "us-east-1"])
        .run_with_stdin(&gets);
    run.expect_code(0);
    for (record, key) in run.records().iter().zip(keys) {
        let got = fetch("GET", record["url"].as_str().unwrap(), &[], b"");
        assert_eq!((got.status, got.body.as_str()), (200, key), "GET {key:?}");
    }
}
