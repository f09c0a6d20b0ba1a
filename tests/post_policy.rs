//! POST policies (browser uploads) against the S3 server: what the policy allows is stored,
//! everything else is refused; the signature matches botocore's for the same policy.

mod common;

use std::process::Command;

use common::*;

fn post_json(server: &TestServer, args: &[&str]) -> serde_json::Value {
    let run = server
        .s3presign()
        .args(["post", "--region", "us-east-1"])
        .args(args)
        .run();
    run.expect_code(0);
    serde_json::from_str(run.stdout.trim()).unwrap()
}

fn fields(post: &serde_json::Value) -> Vec<(String, String)> {
    post["fields"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(n, v)| (n.clone(), v.as_str().unwrap().to_string()))
        .collect()
}

/// Posts the form as a browser would: the fields in order, then the file.
fn upload(
    url: &str,
    fields: &[(String, String)],
    file_name: &str,
    content_type: &str,
    body: &[u8],
) -> Fetched {
    let boundary = "----s3presign-test-boundary";
    let mut form = Vec::new();
    for (name, value) in fields {
        form.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes());
    }
    form.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: {content_type}\r\n\r\n").as_bytes(),
    );
    form.extend_from_slice(body);
    form.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let header = format!("multipart/form-data; boundary={boundary}");
    fetch("POST", url, &[("Content-Type", header.as_str())], &form)
}

/// Refused by policy: S3 says 403, the test server 400 for some conditions; either way a 4xx.
fn assert_refused(response: Fetched, why: &str) {
    assert!(
        (400..500).contains(&response.status),
        "{why}: {} {}",
        response.status,
        response.body
    );
}

fn set(fields: &mut [(String, String)], name: &str, value: &str) {
    fields.iter_mut().find(|(n, _)| n == name).unwrap().1 = value.to_string();
}

#[test]
fn the_policy_allows_exactly_what_it_says() {
    let server = TestServer::start();
    server.create_bucket("drop");
    let post = post_json(
        &server,
        &[
            "--bucket",
            "drop",
            "--key-prefix",
            "in/",
            "--content-length-range",
            "1,100",
            "--content-type-prefix",
            "image/",
            "--expires-in",
            "10m",
        ],
    );
    let url = post["url"].as_str().unwrap();
    let good = fields(&post);
    assert_eq!(good[0], ("key".to_string(), "in/${filename}".to_string()));
    assert_eq!(good.last().unwrap().0, "x-amz-signature");

    // S3 replaces ${filename} with the uploaded file's name; s3s-fs does not, so the form names the key.
    let mut png = good.clone();
    set(&mut png, "Content-Type", "image/png");
    set(&mut png, "key", "in/photo.png");
    let ok = upload(url, &png, "photo.png", "image/png", b"png bytes");
    assert!(
        ok.status == 204 || ok.status == 200 || ok.status == 201,
        "{} {}",
        ok.status,
        ok.body
    );
    assert_eq!(
        server.object("drop", "in/photo.png").as_deref(),
        Some(&b"png bytes"[..])
    );

    let mut big = png.clone();
    set(&mut big, "key", "in/big.png");
    let too_big = upload(url, &big, "big.png", "image/png", &[b'x'; 101]);
    assert_refused(too_big, "over the size range");
    assert_eq!(server.object("drop", "in/big.png"), None);

    let mut text = png.clone();
    set(&mut text, "Content-Type", "text/plain");
    set(&mut text, "key", "in/note.txt");
    assert_refused(
        upload(url, &text, "note.txt", "text/plain", b"hi"),
        "content type outside the prefix",
    );
    assert_eq!(server.object("drop", "in/note.txt"), None);

    let mut outside = png.clone();
    set(&mut outside, "key", "elsewhere/x.png");
    assert_refused(
        upload(url, &outside, "x.png", "image/png", b"x"),
        "key outside the prefix",
    );
    assert_eq!(server.object("drop", "elsewhere/x.png"), None);

    let mut tampered = png.clone();
    set(&mut tampered, "key", "in/t.png");
    let signature = tampered.last().unwrap().1.clone();
    let flipped = if signature.ends_with('0') { "1" } else { "0" };
    set(
        &mut tampered,
        "x-amz-signature",
        &format!("{}{flipped}", &signature[..63]),
    );
    assert_eq!(
        upload(url, &tampered, "t.png", "image/png", b"x").status,
        403
    );
    assert_eq!(server.object("drop", "in/t.png"), None);
}

#[test]
fn an_expired_policy_is_refused() {
    let server = TestServer::start();
    server.create_bucket("drop");
    let start = (chrono::Utc::now() - chrono::Duration::hours(2)).to_rfc3339();
    let post = post_json(
        &server,
        &[
            "--bucket",
            "drop",
            "--key",
            "a.txt",
            "--expires-in",
            "1h",
            "--start-time",
            &start,
        ],
    );
    let refused = upload(
        post["url"].as_str().unwrap(),
        &fields(&post),
        "a.txt",
        "text/plain",
        b"late",
    );
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert_eq!(server.object("drop", "a.txt"), None);
}

#[test]
fn the_signature_matches_botocore_for_the_same_policy() {
    let run = s3presign()
        .with_example_keys()
        .env("AWS_SESSION_TOKEN", "token/with+chars=")
        .args([
            "post",
            "--bucket",
            "my-bucket",
            "--key",
            "k.bin",
            "--metadata",
            "owner=ops",
            "--field",
            "acl=private",
        ])
        .args([
            "--condition",
            r#"["starts-with","$x-amz-meta-tag",""]"#,
            "--start-time",
            "2025-06-01T00:00:00Z",
        ])
        .run();
    run.expect_code(0);
    let post: serde_json::Value = serde_json::from_str(run.stdout.trim()).unwrap();
    let f = &post["fields"];
    assert_eq!(
        f["x-amz-security-token"], "token/with+chars=",
        "temporary credentials travel in the form"
    );
    let script = r#"
import sys
from botocore.auth import S3SigV4PostAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
policy, amz_date, access, secret = sys.argv[1:5]
request = AWSRequest()
request.context['timestamp'] = amz_date
print(S3SigV4PostAuth(Credentials(access, secret), 's3', 'us-east-1').signature(policy, request))
"#;
    let out = Command::new(python())
        .args(["-c", script])
        .args([
            f["policy"].as_str().unwrap(),
            f["x-amz-date"].as_str().unwrap(),
            ACCESS_KEY,
            SECRET_KEY,
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        f["x-amz-signature"].as_str().unwrap()
    );
}

#[test]
fn bad_conditions_and_ranges_are_clear_errors() {
    let run = s3presign()
        .with_example_keys()
        .args([
            "post",
            "--bucket",
            "my-bucket",
            "--key",
            "k",
            "--condition",
            r#"["ends-with","$key","x"]"#,
        ])
        .run();
    run.expect_code(2);
    assert!(
        run.stderr.contains("unknown operator 'ends-with'"),
        "{}",
        run.stderr
    );
    let run = s3presign()
        .with_example_keys()
        .args([
            "post",
            "--bucket",
            "my-bucket",
            "--key",
            "k",
            "--content-length-range",
            "10,1",
        ])
        .run();
    run.expect_code(2);
    assert!(
        run.stderr.contains("minimum is above the maximum"),
        "{}",
        run.stderr
    );

    // A form for any key is asked for explicitly (--key-prefix ''), never the default.
    let run = s3presign()
        .with_example_keys()
        .args(["post", "--bucket", "my-bucket"])
        .run();
    run.expect_code(2);
    assert!(run.stderr.contains("--key-prefix"), "{}", run.stderr);
    let any = s3presign()
        .with_example_keys()
        .args(["post", "--bucket", "my-bucket", "--key-prefix", ""])
        .run();
    any.expect_code(0);
    let policy = &any.records()[0]["policy"];
    assert!(
        policy.to_string().contains(r#"["starts-with","$key",""]"#),
        "{policy}"
    );
}

#[test]
fn html_curl_and_powershell_outputs() {
    let base = ["post", "--bucket", "my-bucket", "--key", "it's.txt"];
    let html = s3presign()
        .with_example_keys()
        .args(base)
        .args(["--output", "html"])
        .run();
    html.expect_code(0);
    assert!(html.stdout.contains("<form action=\"https://my-bucket.s3.us-east-1.amazonaws.com/\" method=\"post\" enctype=\"multipart/form-data\">"));
    assert!(html.stdout.contains("name=\"key\" value=\"it's.txt\""));
    assert!(
        html.stdout.find("name=\"x-amz-signature\"").unwrap()
            < html.stdout.find("type=\"file\"").unwrap()
    );
    let curl = s3presign()
        .with_example_keys()
        .args(base)
        .args(["--output", "curl"])
        .run();
    assert!(
        curl.stdout.contains("--form-string 'key=it'\\''s.txt'")
            && curl.stdout.contains("-F file=@LOCAL_FILE"),
        "{}",
        curl.stdout
    );
    let ps = s3presign()
        .with_example_keys()
        .args(base)
        .args(["--output", "powershell"])
        .run();
    assert!(
        ps.stdout
            .contains("-Form ([ordered]@{ 'key' = 'it''s.txt';")
            && ps.stdout.contains("'file' = Get-Item LOCAL_FILE"),
        "{}",
        ps.stdout
    );
}

#[test]
fn post_checks_bucket_metadata_and_status_like_url_does() {
    let cases: [(&[&str], i32, &str, &str); 4] = [
        (
            &["--bucket", "Bad_Bucket!", "--key", "a"],
            1,
            "invalid_bucket",
            "not a valid bucket name",
        ),
        (
            &[
                "--bucket",
                "my-bucket",
                "--key",
                "a",
                "--metadata",
                "bad name=x",
            ],
            1,
            "invalid_header",
            "not a valid header name",
        ),
        (
            &[
                "--bucket",
                "my-bucket",
                "--key",
                "a",
                "--success-action-status",
                "500",
            ],
            2,
            "usage",
            "200, 201 or 204",
        ),
        (
            &["--bucket", "my-bucket", "--key", "a", "--expires-in", "8d"],
            1,
            "expiry_too_far",
            "at most 7 days",
        ),
    ];
    for (args, exit, code, expected) in cases {
        let run = s3presign()
            .with_example_keys()
            .args(["post"])
            .args(args)
            .run();
        run.expect_code(exit);
        assert!(run.stderr.contains(expected), "{args:?}: {}", run.stderr);
        // The JSON output carries the failure as a record with its code.
        assert_eq!(run.records()[0]["code"], code, "{args:?}: {}", run.stdout);
    }
    let html = s3presign()
        .with_example_keys()
        .args([
            "post",
            "--bucket",
            "my-bucket",
            "--key-prefix",
            "in/",
            "--content-type-prefix",
            "image/",
            "--output",
            "html",
        ])
        .run();
    html.expect_code(0);
    assert!(
        html.stdout.contains("this.files[0].type"),
        "the page takes the file's own type: {}",
        html.stdout
    );
}
