//! `s3presign inspect`: reading URLs back, and checking their signatures offline.

mod common;

use common::*;

fn signed(args: &[&str]) -> String {
    let run = s3presign()
        .with_example_keys()
        .args(["url"])
        .args(args)
        .run();
    run.expect_code(0);
    run.stdout.trim_end().to_string()
}

#[test]
fn reads_back_what_was_signed() {
    let url = signed(&[
        "--bucket",
        "my-bucket",
        "--key",
        "reports/Q1 2025+final.pdf",
        "--start-time",
        "2025-01-01T00:00:00Z",
        "--expires-in",
        "2h",
        "--version-id",
        "v1",
        "--response-content-disposition",
        "attachment; filename=\"q1.pdf\"",
    ]);
    let run = s3presign().args(["inspect", &url]).run();
    run.expect_code(0);
    let r = &run.records()[0];
    assert_eq!(r["type"], "inspection");
    assert_eq!(r["signature_version"], "v4");
    assert_eq!(
        r["endpoint"],
        "https://my-bucket.s3.us-east-1.amazonaws.com"
    );
    assert_eq!(r["bucket"], "my-bucket");
    assert_eq!(r["key"], "reports/Q1 2025+final.pdf");
    assert_eq!(r["region"], "us-east-1");
    assert_eq!(r["access_key_id"], ACCESS_KEY);
    assert_eq!(r["signed_at"], "2025-01-01T00:00:00Z");
    assert_eq!(r["expires_at"], "2025-01-01T02:00:00Z");
    assert_eq!(r["expired"], true);
    assert_eq!(r["seconds_left"], 0);
    assert_eq!(r["version_id"], "v1");
    assert_eq!(
        r["overrides"]["response-content-disposition"],
        "attachment; filename=\"q1.pdf\""
    );
    assert_eq!(r["has_session_token"], false);
    assert_eq!(
        r["signature_valid"],
        serde_json::Value::Null,
        "not checked without --verify"
    );
}

#[test]
fn verifies_signatures_offline() {
    let url = signed(&[
        "--bucket",
        "my-bucket",
        "--key",
        "a b.txt",
        "--expires-in",
        "1h",
    ]);
    let verify = |url: &str, extra: &[&str]| {
        s3presign()
            .with_example_keys()
            .args(["inspect", "--verify"])
            .args(extra)
            .args([url])
            .run()
    };
    let good = verify(&url, &[]);
    good.expect_code(0);
    assert_eq!(good.records()[0]["signature_valid"], true);
    assert_eq!(good.records()[0]["expired"], false);

    let tampered = url.replace("a%20b.txt", "a%20c.txt");
    let bad = verify(&tampered, &[]);
    bad.expect_code(1);
    assert_eq!(bad.records()[0]["signature_valid"], false);

    let wrong_verb = verify(&url, &["--verb", "DELETE"]);
    wrong_verb.expect_code(1);
    assert_eq!(wrong_verb.records()[0]["signature_valid"], false);

    let put = signed(&[
        "--bucket",
        "my-bucket",
        "--key",
        "k",
        "--verb",
        "PUT",
        "--content-type",
        "text/csv",
    ]);
    let needs_header = verify(&put, &["--verb", "PUT"]);
    needs_header.expect_code(1);
    assert!(needs_header.records()[0]["verify_note"]
        .as_str()
        .unwrap()
        .contains("content-type"));
    let with_header = verify(
        &put,
        &["--verb", "PUT", "--header", "Content-Type: text/csv"],
    );
    with_header.expect_code(0);
    assert_eq!(with_header.records()[0]["signature_valid"], true);

    let other_keys = s3presign()
        .env("AWS_ACCESS_KEY_ID", "AKIAOTHEREXAMPLE0001")
        .env("AWS_SECRET_ACCESS_KEY", "other")
        .args(["inspect", "--verify", &url])
        .run();
    other_keys.expect_code(1);
    assert!(other_keys.records()[0]["verify_note"]
        .as_str()
        .unwrap()
        .contains(ACCESS_KEY));
}

#[test]
fn path_style_sigv2_and_bad_urls_from_stdin() {
    let path_style = signed(&[
        "--bucket",
        "my.bucket",
        "--key",
        "x/y.txt",
        "--endpoint-url",
        "http://127.0.0.1:9000",
        "--path-style",
    ]);
    let v2 = "https://legacy.s3.amazonaws.com/old%20file.txt?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Expires=1735689600&Signature=abc%2Bdef%3D";
    let input = format!("{path_style}\nhttps://example.com/not-signed\n{v2}\n \n");
    let run = s3presign().args(["inspect"]).run_with_stdin(&input);
    run.expect_code(1);
    let r = run.records();
    assert_eq!(r.len(), 4);
    assert_eq!(
        r[3]["message"],
        "line 4: not a pre-signed URL: the line is empty"
    );
    assert!(
        run.stderr
            .contains("error: line 2: not a pre-signed URL: it has no query string"),
        "{}",
        run.stderr
    );
    assert_eq!(
        (r[0]["bucket"].as_str(), r[0]["key"].as_str()),
        (Some("my.bucket"), Some("x/y.txt"))
    );
    assert_eq!(r[1]["type"], "error");
    assert_eq!(r[1]["code"], "invalid_url");
    assert_eq!(r[1]["line"], 2);
    assert_eq!(r[2]["signature_version"], "v2");
    assert_eq!(r[2]["key"], "old file.txt");
    assert_eq!(r[2]["expires_at"], "2025-01-01T00:00:00Z");
}

#[test]
fn a_session_token_is_reported_but_never_shown() {
    let token = "SESSIONTOKENCANARYxyz";
    let run = s3presign()
        .with_example_keys()
        .env("AWS_SESSION_TOKEN", token)
        .args(["url", "--bucket", "my-bucket", "--key", "k"])
        .run();
    let url = run.stdout.trim_end();
    assert!(url.contains(token));
    for output in ["json", "table"] {
        let inspected = s3presign().args(["inspect", "--output", output, url]).run();
        inspected.expect_code(0);
        assert!(
            !inspected.stdout.contains(token) && !inspected.stderr.contains(token),
            "{}",
            inspected.stdout
        );
        assert!(
            inspected.stdout.contains("true") || inspected.stdout.contains("yes"),
            "{}",
            inspected.stdout
        );
    }
}

#[test]
fn verifies_urls_made_with_temporary_credentials() {
    let url = {
        let run = s3presign()
            .with_example_keys()
            .env("AWS_SESSION_TOKEN", "the-token-inside")
            .args(["url", "--bucket", "my-bucket", "--key", "k"])
            .run();
        run.expect_code(0);
        run.stdout.trim_end().to_string()
    };
    // The checker holds the same keys but no token, or another one: the URL's own token counts.
    for token in ["", "another-token"] {
        let run = s3presign()
            .with_example_keys()
            .env("AWS_SESSION_TOKEN", token)
            .args(["inspect", "--verify", &url])
            .run();
        run.expect_code(0);
        assert_eq!(
            run.records()[0]["signature_valid"],
            true,
            "checker token {token:?}"
        );
        assert!(!run.stdout.contains("the-token-inside"));
    }
}

/// The example of the S3 API Reference ("Authenticating Requests: Using Query Parameters",
/// example: GET test.txt from examplebucket, 2013-05-24, 86400 s), with its documented signature.
const AWS_DOCUMENTATION_URL: &str = "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404";

/// `inspect --verify` of one URL: (signature_valid, the record).
fn verify_url(url: &str, extra: &[&str]) -> (serde_json::Value, serde_json::Value) {
    let run = s3presign()
        .with_example_keys()
        .args(["inspect", "--verify"])
        .args(extra)
        .args([url])
        .run();
    let record = run.records().remove(0);
    (record["signature_valid"].clone(), record)
}

/// The URL with one character of its signature changed, and one of its path.
fn one_character_changed(url: &str) -> [String; 2] {
    let last = url.chars().last().unwrap();
    let mut signature = url[..url.len() - 1].to_string();
    signature.push(if last == '0' { '1' } else { '0' });
    let (base, query) = url.split_once('?').unwrap();
    let mut path: Vec<char> = base.chars().collect();
    let at = path.len() - 1;
    path[at] = if path[at] == 'x' { 'y' } else { 'x' };
    [
        signature,
        format!("{}?{query}", path.into_iter().collect::<String>()),
    ]
}

#[test]
fn the_aws_documentation_url_verifies_and_one_changed_character_does_not() {
    let (valid, record) = verify_url(AWS_DOCUMENTATION_URL, &[]);
    assert_eq!(valid, true, "{record}");
    assert_eq!(record["expired"], true, "signed in 2013 for a day");
    for changed in one_character_changed(AWS_DOCUMENTATION_URL) {
        let (valid, record) = verify_url(&changed, &[]);
        assert_eq!(valid, false, "{changed}: {record}");
    }
}

#[test]
fn urls_made_by_botocore_verify_and_one_changed_character_does_not() {
    let now = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let request = |operation: &str, region: &str, params: serde_json::Value| {
        let mut params = params;
        params["Bucket"] = "my-bucket".into();
        params["Key"] = "reports/a b+c.pdf".into();
        serde_json::json!({"operation": operation, "params": params, "region": region,
                           "signed_at": now, "expires_in": 900})
    };
    // (request, --verb and --header flags inspect needs to check it)
    let cases: Vec<(serde_json::Value, Vec<&str>)> = vec![
        (
            request("get_object", "eu-west-1", serde_json::json!({})),
            vec![],
        ),
        (
            request(
                "get_object",
                "us-west-2",
                serde_json::json!({"ResponseContentDisposition": "attachment; filename=\"x y.pdf\"", "VersionId": "v1+/="}),
            ),
            vec![],
        ),
        (
            request(
                "put_object",
                "ap-southeast-2",
                serde_json::json!({"ContentType": "text/csv"}),
            ),
            vec!["--verb", "PUT", "--header", "Content-Type: text/csv"],
        ),
        (
            request("delete_object", "sa-east-1", serde_json::json!({})),
            vec!["--verb", "DELETE"],
        ),
        (
            request(
                "upload_part",
                "eu-central-1",
                serde_json::json!({"UploadId": "U1~x", "PartNumber": 2}),
            ),
            vec!["--verb", "PUT"],
        ),
    ];
    let answers = botocore_presign(&cases.iter().map(|(r, _)| r.clone()).collect::<Vec<_>>());
    for ((request, flags), answer) in cases.iter().zip(&answers) {
        let url = answer["url"]
            .as_str()
            .unwrap_or_else(|| panic!("{request}: {answer}"));
        let (valid, record) = verify_url(url, flags);
        assert_eq!(valid, true, "{url}: {record}");
        assert_eq!(record["expired"], false, "{record}");
        for changed in one_character_changed(url) {
            let (valid, record) = verify_url(&changed, flags);
            assert_eq!(valid, false, "{changed}: {record}");
        }
    }
}

/// S3 refuses any X-Amz-Expires over 604800 (AuthorizationQueryParametersError), whatever the
/// time; botocore makes such URLs when asked to.
#[test]
fn urls_over_seven_days_are_reported_as_never_valid() {
    let now = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let requests: Vec<_> = [604_800, 604_801, 864_000]
        .iter()
        .map(|seconds| {
            serde_json::json!({"operation": "get_object", "region": "eu-west-1", "signed_at": now,
                               "expires_in": seconds, "params": {"Bucket": "my-bucket", "Key": "k"}})
        })
        .collect();
    let answers = botocore_presign(&requests);
    let inspect = |url: &str| {
        let run = s3presign().args(["inspect", url]).run();
        run.expect_code(0);
        run.records().remove(0)
    };
    let week = inspect(answers[0]["url"].as_str().unwrap());
    assert_eq!(week["never_valid"], serde_json::Value::Null, "{week}");
    assert_eq!(week["expired"], false);
    assert!(week["seconds_left"].as_i64().unwrap() > 604_000, "{week}");
    for answer in &answers[1..] {
        let record = inspect(answer["url"].as_str().unwrap());
        let reason = record["never_valid"]
            .as_str()
            .unwrap_or_else(|| panic!("{record}"));
        assert!(
            reason.contains(&record["expires_in_seconds"].to_string())
                && reason.contains("604800")
                && reason.contains("AuthorizationQueryParametersError"),
            "{reason}"
        );
        assert_eq!(record["seconds_left"], 0, "{record}");
    }
    let table = s3presign()
        .args([
            "inspect",
            "--output",
            "table",
            answers[2]["url"].as_str().unwrap(),
        ])
        .run();
    assert!(table.stdout.contains("never valid"), "{}", table.stdout);
}
