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

/// Refused with this status and S3 error code (the `<Code>` of the XML body). A failed policy
/// condition is 400 InvalidPolicyDocument on s3s-fs 0.14.1, 403 AccessDenied on AWS: the tests
/// assert what the server they run against answers.
fn assert_refused(response: Fetched, status: u16, code: &str, why: &str) {
    assert!(
        response.status == status && response.body.contains(&format!("<Code>{code}</Code>")),
        "{why}: expected {status} {code}, got {} {}",
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
    assert_refused(too_big, 400, "EntityTooLarge", "over the size range");
    assert_eq!(server.object("drop", "in/big.png"), None);

    let mut text = png.clone();
    set(&mut text, "Content-Type", "text/plain");
    set(&mut text, "key", "in/note.txt");
    assert_refused(
        upload(url, &text, "note.txt", "text/plain", b"hi"),
        400,
        "InvalidPolicyDocument",
        "content type outside the prefix",
    );
    assert_eq!(server.object("drop", "in/note.txt"), None);

    let mut outside = png.clone();
    set(&mut outside, "key", "elsewhere/x.png");
    assert_refused(
        upload(url, &outside, "x.png", "image/png", b"x"),
        400,
        "InvalidPolicyDocument",
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

/// botocore's `generate_presigned_post` for the same inputs (tests/botocore_post.py).
fn botocore_post(request: &serde_json::Value, session_token: Option<&str>) -> serde_json::Value {
    use std::io::Write;
    let mut child = Command::new(python())
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/botocore_post.py"
        ))
        .args([ACCESS_KEY, SECRET_KEY, session_token.unwrap_or("")])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(request.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// botocore's SigV4 POST signature over exactly these policy bytes.
fn botocore_post_signature(policy: &str, amz_date: &str, region: &str) -> String {
    let script = r#"
import sys
from botocore.auth import S3SigV4PostAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
policy, amz_date, access, secret, region = sys.argv[1:6]
request = AWSRequest()
request.context['timestamp'] = amz_date
print(S3SigV4PostAuth(Credentials(access, secret), 's3', region).signature(policy, request))
"#;
    let out = Command::new(python())
        .args(["-c", script])
        .args([policy, amz_date, ACCESS_KEY, SECRET_KEY, region])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// The same form: URL, every field but the policy's bytes and signature, the policy's
/// expiration instant and conditions (in any order); and a signature botocore also makes over
/// s3presign's policy bytes.
fn assert_same_form(ours: &serde_json::Value, theirs: &serde_json::Value, region: &str) {
    assert_eq!(ours["url"], theirs["url"]);
    let without_policy = |form: &serde_json::Value| {
        let mut fields = form["fields"].as_object().unwrap().clone();
        fields.remove("policy");
        fields.remove("x-amz-signature");
        fields
    };
    assert_eq!(without_policy(ours), without_policy(theirs));
    let policy = |form: &serde_json::Value| {
        use base64_decode::decode;
        let document: serde_json::Value =
            serde_json::from_slice(&decode(form["fields"]["policy"].as_str().unwrap())).unwrap();
        let expiration =
            chrono::DateTime::parse_from_rfc3339(document["expiration"].as_str().unwrap()).unwrap();
        let mut conditions: Vec<String> = document["conditions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.to_string())
            .collect();
        conditions.sort();
        (expiration, conditions)
    };
    assert_eq!(policy(ours), policy(theirs));
    let f = &ours["fields"];
    assert_eq!(
        botocore_post_signature(
            f["policy"].as_str().unwrap(),
            f["x-amz-date"].as_str().unwrap(),
            region
        ),
        f["x-amz-signature"].as_str().unwrap()
    );
}

/// Standard base64, enough to read a policy document back.
mod base64_decode {
    pub fn decode(text: &str) -> Vec<u8> {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut bits = 0u32;
        let mut count = 0;
        let mut out = Vec::new();
        for c in text.bytes().filter(|&c| c != b'=') {
            let v = ALPHABET.iter().position(|&a| a == c).expect("base64") as u32;
            bits = bits << 6 | v;
            count += 6;
            if count >= 8 {
                count -= 8;
                out.push((bits >> count) as u8);
            }
        }
        out
    }
}

const START: &str = "2025-06-01T12:34:56Z";

#[test]
fn the_form_matches_botocores_generate_presigned_post_for_the_same_inputs() {
    // An exact key, temporary credentials, a lifetime, and every kind of field and condition.
    let token = "token/with+chars=";
    let run = s3presign()
        .with_example_keys()
        .env("AWS_SESSION_TOKEN", token)
        .args(["post", "--region", "eu-west-1", "--start-time", START])
        .args([
            "--bucket",
            "my-bucket",
            "--key",
            "uploads/k 1.bin",
            "--expires-in",
            "2h",
        ])
        .args(["--acl", "private", "--success-action-status", "201"])
        .args([
            "--content-type",
            "image/png",
            "--content-length-range",
            "1,1048576",
        ])
        .args([
            "--metadata",
            "owner=ops",
            "--field",
            "Cache-Control=no-cache",
        ])
        .args(["--condition", r#"["starts-with","$x-amz-meta-tag",""]"#])
        .run();
    run.expect_code(0);
    let ours: serde_json::Value = serde_json::from_str(run.stdout.trim()).unwrap();
    assert_eq!(
        ours["fields"]["x-amz-security-token"], token,
        "temporary credentials travel in the form"
    );
    let theirs = botocore_post(
        &serde_json::json!({
            "bucket": "my-bucket",
            "key": "uploads/k 1.bin",
            "region": "eu-west-1",
            "signed_at": START,
            "expires_in": 7200,
            "fields": {
                "acl": "private", "success_action_status": "201", "Content-Type": "image/png",
                "x-amz-meta-owner": "ops", "Cache-Control": "no-cache",
                // The field the condition names, which the uploader completes.
                "x-amz-meta-tag": "FILL_IN",
            },
            "conditions": [
                {"acl": "private"}, {"success_action_status": "201"},
                {"Content-Type": "image/png"}, {"x-amz-meta-owner": "ops"},
                {"Cache-Control": "no-cache"}, ["content-length-range", 1, 1_048_576],
                ["starts-with", "$x-amz-meta-tag", ""],
            ],
        }),
        Some(token),
    );
    assert_same_form(&ours, &theirs, "eu-west-1");

    // A key prefix (S3 fills in ${filename}) and an expiry instant with an offset: the
    // lifetime botocore gets is computed here from the instant, not read from our result.
    let expires = "2025-06-02T00:00:00+02:00";
    let lifetime = chrono::DateTime::parse_from_rfc3339(expires).unwrap()
        - chrono::DateTime::parse_from_rfc3339(START).unwrap();
    let run = s3presign()
        .with_example_keys()
        .args(["post", "--region", "ap-northeast-1", "--start-time", START])
        .args([
            "--bucket",
            "photos-2025",
            "--key-prefix",
            "in/",
            "--expires",
            expires,
        ])
        .run();
    run.expect_code(0);
    let ours: serde_json::Value = serde_json::from_str(run.stdout.trim()).unwrap();
    let theirs = botocore_post(
        &serde_json::json!({
            "bucket": "photos-2025",
            "key": "in/${filename}",
            "region": "ap-northeast-1",
            "signed_at": START,
            "expires_in": lifetime.num_seconds(),
            "fields": {},
            "conditions": [],
        }),
        None,
    );
    assert_same_form(&ours, &theirs, "ap-northeast-1");
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
        ps.stdout.contains("([ordered]@{ 'key' = 'it''s.txt';")
            && ps.stdout.contains("(Resolve-Path -LiteralPath LOCAL_FILE)")
            && ps.stdout.contains("(Split-Path -Leaf LOCAL_FILE)"),
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

/// A form that carries one field twice can satisfy neither exact condition: refused, naming it,
/// as a request that cannot be signed (exit 1, an error record), as `url` reports its refusals.
#[test]
fn a_field_given_twice_is_refused() {
    let cases: [(&[&str], &str, &str); 5] = [
        (
            &["--metadata", "Owner=a", "--metadata", "owner=b"],
            "invalid_header",
            "'Owner' and 'owner'",
        ),
        (
            &["--acl", "public-read", "--field", "acl=private"],
            "invalid_policy",
            "'acl'",
        ),
        (&["--field", "key=other"], "invalid_policy", "'key'"),
        (
            &["--field", "X-Amz-Meta-Test=a", "--metadata", "test=b"],
            "invalid_header",
            "'test' and 'Test'",
        ),
        (
            &["--field", "x-amz-meta-test=a", "--metadata", "test=b"],
            "invalid_header",
            "'test' is given twice",
        ),
    ];
    for (args, code, named) in cases {
        let run = s3presign()
            .with_example_keys()
            .args(["post", "--bucket", "my-bucket", "--key", "k"])
            .args(args)
            .run();
        run.expect_code(1);
        assert!(run.stderr.contains(named), "{args:?}: {}", run.stderr);
        assert_eq!(run.records()[0]["code"], code, "{args:?}: {}", run.stdout);
    }
}

/// Runs a generated command: `sh -c` for curl, pwsh for Invoke-WebRequest (a missing pwsh fails
/// the test: the module's commands must be checked in the shell they are for).
fn run_command(output: &str, command: &str) -> Run {
    let mut shell = match output {
        "curl" => {
            let mut sh = Command::new("sh");
            sh.arg("-c");
            sh
        }
        _ => {
            let mut pwsh = Command::new("pwsh");
            pwsh.args(["-NoProfile", "-NonInteractive", "-Command"]);
            pwsh
        }
    };
    let out = shell.arg(command).output().unwrap_or_else(|e| {
        panic!("cannot run {output}'s shell ({e}); put curl, sh and PowerShell 7.4+ on PATH")
    });
    Run::from(out)
}

/// The command with its placeholders filled in: the file (quoted for its shell) and its type.
fn filled(command: &str, file: &std::path::Path, content_type: &str) -> String {
    let path = file.to_str().unwrap();
    command
        .replace("LOCAL_FILE_CONTENT_TYPE", content_type)
        .replace("LOCAL_FILE", &format!("'{path}'"))
}

/// The Content-Type S3 serves the object with.
fn served_content_type(server: &TestServer, bucket: &str, key: &str) -> String {
    let run = server
        .s3presign()
        .args([
            "url",
            "--region",
            "us-east-1",
            "--bucket",
            bucket,
            "--key",
            key,
        ])
        .run();
    run.expect_code(0);
    let got = fetch("GET", run.stdout.trim(), &[], b"");
    assert_eq!(got.status, 200, "{}", got.body);
    got.headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("content-type"))
        .map(|(_, value)| value.clone())
        .unwrap_or_default()
}

/// With a Content-Type prefix, the ready-to-run commands send the file's own type (a named
/// placeholder), never the prefix: S3 stores the object with the form's Content-Type field.
#[test]
fn the_commands_send_the_files_own_content_type_not_the_prefix() {
    let server = TestServer::start();
    server.create_bucket("drop");
    let dir = tempfile::tempdir().unwrap();
    let photo = dir.path().join("photo.jpg");
    std::fs::write(&photo, b"\xff\xd8\xff jpeg bytes").unwrap();
    for output in ["curl", "powershell"] {
        let key = format!("in/{output}.jpg");
        let run = server
            .s3presign()
            .args(["post", "--region", "us-east-1", "--bucket", "drop"])
            .args(["--key", &key, "--content-type-prefix", "image/"])
            .args(["--output", output])
            .run();
        run.expect_code(0);
        let command = run.stdout.trim();
        assert!(
            command.contains("LOCAL_FILE_CONTENT_TYPE")
                && !command.contains("Content-Type=image/'")
                && !command.contains("'Content-Type' = 'image/'"),
            "{command}"
        );
        let ran = run_command(output, &filled(command, &photo, "image/jpeg"));
        assert_eq!(ran.code, 0, "{output}: {}\n{}", ran.stdout, ran.stderr);
        assert_eq!(
            server.object("drop", &key).as_deref(),
            Some(&b"\xff\xd8\xff jpeg bytes"[..])
        );
        assert_eq!(
            served_content_type(&server, "drop", &key),
            "image/jpeg",
            "{output}"
        );

        // A type outside the prefix is refused by the policy.
        let other = format!("in/{output}-text.jpg");
        let text = server
            .s3presign()
            .args(["post", "--region", "us-east-1", "--bucket", "drop"])
            .args(["--key", &other, "--content-type-prefix", "image/"])
            .args(["--output", output])
            .run();
        let refused = run_command(output, &filled(text.stdout.trim(), &photo, "text/plain"));
        assert_ne!(refused.code, 0, "{output}: {}", refused.stdout);
        assert_eq!(server.object("drop", &other), None);
    }
}

/// A condition on a field the form would not carry brings the field into every form: its value
/// for `eq`, the prefix and FILL_IN for `starts-with`; each form then uploads.
#[test]
fn a_condition_brings_its_field_into_every_form() {
    let server = TestServer::start();
    server.create_bucket("drop");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("notes.txt");
    std::fs::write(&file, b"notes").unwrap();
    let conditions = [
        r#"["eq","$x-amz-meta-tag","v"]"#,
        r#"{"x-amz-meta-kind":"report"}"#,
        r#"["starts-with","$x-amz-meta-note","n"]"#,
        r#"["starts-with","$key","in/"]"#,
        r#"["eq","$bucket","drop"]"#,
    ];
    let post_for = |key: &str, output: &str| {
        let mut command = server
            .s3presign()
            .args([
                "post",
                "--region",
                "us-east-1",
                "--bucket",
                "drop",
                "--key",
                key,
            ])
            .args(["--output", output]);
        for condition in conditions {
            command = command.args(["--condition", condition]);
        }
        let run = command.run();
        run.expect_code(0);
        run.stdout
    };

    let json: serde_json::Value =
        serde_json::from_str(post_for("in/form.txt", "json").trim()).unwrap();
    let form = fields(&json);
    let value = |name: &str| {
        form.iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or_else(|| panic!("no {name} field in {form:?}"))
    };
    assert_eq!(value("x-amz-meta-tag"), "v");
    assert_eq!(value("x-amz-meta-kind"), "report");
    assert_eq!(value("x-amz-meta-note"), "nFILL_IN");
    assert!(form.iter().all(|(n, _)| n != "bucket"), "{form:?}");
    let sent = upload(
        json["url"].as_str().unwrap(),
        &form,
        "notes.txt",
        "text/plain",
        b"notes",
    );
    assert!(
        matches!(sent.status, 200 | 201 | 204),
        "{} {}",
        sent.status,
        sent.body
    );
    assert!(server.object("drop", "in/form.txt").is_some());

    for output in ["curl", "powershell"] {
        let key = format!("in/{output}.txt");
        let ran = run_command(output, &filled(post_for(&key, output).trim(), &file, ""));
        assert_eq!(ran.code, 0, "{output}: {}\n{}", ran.stdout, ran.stderr);
        assert_eq!(
            server.object("drop", &key).as_deref(),
            Some(&b"notes"[..]),
            "{output}"
        );
    }

    // The page shows the field the uploader completes, starting with its prefix.
    let html = post_for("in/page.txt", "html");
    assert!(
        html.contains(r#"<input type="hidden" name="x-amz-meta-tag" value="v">"#),
        "{html}"
    );
    assert!(
        html.contains(r#"<input type="text" name="x-amz-meta-note" value="n" required>"#),
        "{html}"
    );
}

/// A condition that the form's own fields contradict could never be met: refused, naming the field.
#[test]
fn a_condition_the_form_contradicts_is_refused() {
    let cases: [(&[&str], &str); 5] = [
        (
            &[
                "--key",
                "k",
                "--acl",
                "private",
                "--condition",
                r#"{"acl":"public-read"}"#,
            ],
            "'acl'",
        ),
        (
            &[
                "--key",
                "k",
                "--condition",
                r#"["eq","$bucket","other-bucket"]"#,
            ],
            "bucket 'my-bucket'",
        ),
        (
            &[
                "--key-prefix",
                "in/",
                "--condition",
                r#"["starts-with","$key","out/"]"#,
            ],
            "'key'",
        ),
        (
            &[
                "--key",
                "k",
                "--condition",
                r#"["eq","$x-amz-signature","x"]"#,
            ],
            "'x-amz-signature'",
        ),
        (
            &[
                "--key",
                "k",
                "--content-type-prefix",
                "image/",
                "--condition",
                r#"["starts-with","$Content-Type","text/"]"#,
            ],
            "'Content-Type'",
        ),
    ];
    for (args, named) in cases {
        let run = s3presign()
            .with_example_keys()
            .args(["post", "--bucket", "my-bucket"])
            .args(args)
            .run();
        run.expect_code(1);
        assert!(run.stderr.contains(named), "{args:?}: {}", run.stderr);
        assert_eq!(run.records()[0]["code"], "invalid_policy", "{args:?}");
    }
    // Conditions that narrow what the uploader completes are kept.
    for args in [
        &[
            "--key-prefix",
            "in/",
            "--condition",
            r#"["starts-with","$key","in/sub/"]"#,
        ][..],
        &[
            "--key",
            "k",
            "--content-type-prefix",
            "image/",
            "--condition",
            r#"["eq","$Content-Type","image/png"]"#,
        ],
    ] {
        s3presign()
            .with_example_keys()
            .args(["post", "--bucket", "my-bucket"])
            .args(args)
            .run()
            .expect_code(0);
    }
}

/// `post` JSON has `credentials_expire_at` and `warnings`, as `url` results do.
#[test]
fn the_post_result_has_credentials_expire_at_and_warnings() {
    let run = s3presign()
        .with_example_keys()
        .args(["post", "--bucket", "my-bucket", "--key", "k"])
        .run();
    run.expect_code(0);
    let record = &run.records()[0];
    assert!(record["credentials_expire_at"].is_null(), "{record}");
    assert_eq!(record["warnings"], serde_json::json!([]), "{record}");
}

/// A reader that closes stdout early (`| head -c1`) ends `post` quietly, as it ends `url`.
#[test]
fn post_does_not_panic_on_a_closed_stdout() {
    for command in ["url", "post"] {
        let mut child = Command::new(bin_path())
            .args([
                command,
                "--bucket",
                "my-bucket",
                "--key",
                "k",
                "--output",
                "json",
            ])
            .env("AWS_ACCESS_KEY_ID", ACCESS_KEY)
            .env("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
            .env("AWS_REGION", "us-east-1")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // The reader is gone before the result is written.
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{command}: {stderr}");
        assert_eq!(out.status.code(), Some(0), "{command}: {stderr}");
    }
}
