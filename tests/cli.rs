//! `s3presign url`: flags, outputs, expiry rules and exit codes, through the real binary.

mod common;

use chrono::{DateTime, Duration, Utc};
use common::*;

fn query_param<'a>(url: &'a str, name: &str) -> Option<&'a str> {
    url.split_once('?')?
        .1
        .split('&')
        .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
}

#[test]
fn prints_a_bare_url_by_default() {
    let run = s3presign()
        .with_example_keys()
        .args([
            "url",
            "--bucket",
            "my-bucket",
            "--key",
            "reports/q1 2025.pdf",
        ])
        .run();
    run.expect_code(0);
    let url = run.stdout.trim_end();
    assert_eq!(run.stdout.lines().count(), 1);
    assert!(
        url.starts_with("https://my-bucket.s3.us-east-1.amazonaws.com/reports/q1%202025.pdf?"),
        "{url}"
    );
    assert_eq!(
        query_param(url, "X-Amz-Algorithm"),
        Some("AWS4-HMAC-SHA256")
    );
    assert_eq!(
        query_param(url, "X-Amz-Expires"),
        Some("3600"),
        "default lifetime is 1 hour"
    );
    assert!(query_param(url, "X-Amz-Credential")
        .unwrap()
        .starts_with("AKIAIOSFODNN7EXAMPLE%2F"));
    assert_eq!(query_param(url, "X-Amz-Signature").unwrap().len(), 64);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
}

#[test]
fn json_output_carries_exact_utc_instants() {
    let run = s3presign()
        .with_example_keys()
        .args(["url", "--bucket", "b-1", "--key", "k", "--output", "json"])
        .args([
            "--start-time",
            "2025-03-01T10:00:00Z",
            "--expires",
            "2025-03-01T12:30:00+01:00",
        ])
        .run();
    run.expect_code(0);
    let r = &run.records()[0];
    assert_eq!(r["type"], "url");
    assert_eq!(r["signed_at"], "2025-03-01T10:00:00Z");
    assert_eq!(
        r["expires_at"], "2025-03-01T11:30:00Z",
        "the offset is converted to UTC"
    );
    assert_eq!(r["effective_expires_at"], "2025-03-01T11:30:00Z");
    assert_eq!(r["expires_in_seconds"], 5400);
    assert_eq!(r["requested_expiry"], "2025-03-01T12:30:00+01:00");
    assert_eq!(r["credentials_expire_at"], serde_json::Value::Null);
    assert!(r["url"]
        .as_str()
        .unwrap()
        .contains("X-Amz-Date=20250301T100000Z"));
}

#[test]
fn fixed_start_time_gives_the_same_url_twice() {
    let sign = || {
        s3presign()
            .with_example_keys()
            .args([
                "url",
                "--bucket",
                "b-1",
                "--key",
                "k",
                "--start-time",
                "2025-01-01T00:00:00Z",
            ])
            .run()
    };
    let (first, second) = (sign(), sign());
    first.expect_code(0);
    second.expect_code(0);
    assert!(
        first
            .stdout
            .starts_with("https://b-1.s3.us-east-1.amazonaws.com/k?")
            && first.stdout.contains("X-Amz-Date=20250101T000000Z")
            && first.stdout.contains("X-Amz-Signature="),
        "{}",
        first.stdout
    );
    assert_eq!(first.stdout, second.stdout);
}

#[test]
fn table_output_shows_what_was_asked_and_the_utc_expiry() {
    let run = s3presign()
        .with_example_keys()
        .args([
            "url",
            "--bucket",
            "b-1",
            "--key",
            "k",
            "--output",
            "table",
            "--expires-in",
            "1d12h",
        ])
        .args(["--start-time", "2025-01-01T00:00:00Z"])
        .run();
    run.expect_code(0);
    for expected in [
        "Requested expiry",
        "1d12h",
        "Expires at (UTC)",
        "2025-01-02T12:00:00Z",
        "X-Amz-Signature",
    ] {
        assert!(
            run.stdout.contains(expected),
            "missing {expected:?} in\n{}",
            run.stdout
        );
    }
}

#[test]
fn expiry_beyond_seven_days_is_refused_with_the_latest_allowed_instant() {
    let run = s3presign()
        .with_example_keys()
        .args(["url", "--bucket", "b-1", "--key", "k", "--expires-in", "8d"])
        .args(["--start-time", "2025-01-01T00:00:00Z"])
        .run();
    run.expect_code(1);
    assert!(run.stdout.is_empty());
    assert!(run.stderr.contains("at most 7 days"), "{}", run.stderr);
    assert!(
        run.stderr.contains("2025-01-08T00:00:00Z"),
        "{}",
        run.stderr
    );

    // The lifetime in the unit it was given in, and in a JSON record without "line 1: " (url signs one
    // request: there are no lines to tell apart).
    let json = s3presign()
        .with_example_keys()
        .args(["url", "--bucket", "b-1", "--key", "k", "--expires-in", "8d"])
        .args(["--start-time", "2025-01-01T00:00:00Z", "--output", "json"])
        .run();
    json.expect_code(1);
    let record = &json.records()[0];
    assert_eq!(record["code"], "expiry_too_far");
    let message = record["message"].as_str().unwrap();
    assert!(
        message.starts_with("--expires-in: lifetime 8d (691200 seconds) is more than 7 days;"),
        "{message}"
    );

    // Exactly 7 days is allowed.
    s3presign()
        .with_example_keys()
        .args(["url", "--bucket", "b-1", "--key", "k", "--expires-in", "7d"])
        .run()
        .expect_code(0);
}

#[test]
fn a_url_signed_as_of_a_past_start_time_that_expired_already_is_warned_about() {
    let run = s3presign()
        .with_example_keys()
        .args(["url", "--bucket", "b-1", "--key", "k", "--output", "json"])
        .args(["--start-time", "2025-01-01T00:00:00Z"])
        .run();
    run.expect_code(0);
    let warnings = run.records()[0]["warnings"].clone();
    assert_eq!(warnings.as_array().map(Vec::len), Some(1), "{warnings}");
    let warning = warnings[0].as_str().unwrap();
    assert!(
        warning.starts_with(
            "signed as of --start-time 2025-01-01T00:00:00Z, the URL expired at 2025-01-01T01:00:00Z, which is already past:"
        ),
        "{warning}"
    );
    assert!(
        run.stderr
            .contains("s3presign: warning: signed as of --start-time"),
        "{}",
        run.stderr
    );

    // A start time in the past whose URL still lives: nothing to say.
    let recent = (Utc::now() - Duration::minutes(10)).to_rfc3339();
    let run = s3presign()
        .with_example_keys()
        .args(["url", "--bucket", "b-1", "--key", "k", "--output", "json"])
        .args(["--start-time", &recent])
        .run();
    run.expect_code(0);
    assert_eq!(run.records()[0]["warnings"], serde_json::json!([]));
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
}

#[test]
fn an_unreadable_expiry_flag_is_a_usage_error_naming_the_flag() {
    let run = s3presign()
        .with_example_keys()
        .args([
            "url",
            "--bucket",
            "b-1",
            "--key",
            "k",
            "--expires-in",
            "soon",
        ])
        .run();
    run.expect_code(2);
    assert!(
        run.stderr
            .contains("s3presign: error: --expires-in: 'soon' is not a duration"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_past_expiry_is_refused() {
    let yesterday = (Utc::now() - Duration::days(1))
        .format("%Y-%m-%d")
        .to_string();
    let run = s3presign()
        .with_example_keys()
        .args([
            "url",
            "--bucket",
            "b-1",
            "--key",
            "k",
            "--expires",
            &yesterday,
        ])
        .run();
    run.expect_code(1);
    assert!(
        run.stderr.contains("not after the signing time"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_date_without_time_means_midnight_utc() {
    let tomorrow = (Utc::now() + Duration::days(2)).date_naive();
    let run = s3presign()
        .with_example_keys()
        .args(["url", "--bucket", "b-1", "--key", "k", "--output", "json"])
        .args(["--expires", &tomorrow.format("%Y-%m-%d").to_string()])
        .run();
    run.expect_code(0);
    let expires_at: DateTime<Utc> = run.records()[0]["expires_at"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(expires_at, tomorrow.and_hms_opt(0, 0, 0).unwrap().and_utc());
}

#[test]
fn usage_errors_exit_2() {
    let missing_key = s3presign()
        .with_example_keys()
        .args(["url", "--bucket", "b-1"])
        .run();
    missing_key.expect_code(2);
    assert!(
        missing_key.stderr.contains("--key is required"),
        "{}",
        missing_key.stderr
    );

    let both = s3presign()
        .with_example_keys()
        .args([
            "url",
            "--bucket",
            "b-1",
            "--key",
            "k",
            "--expires",
            "2030-01-01",
            "--expires-in",
            "1h",
        ])
        .run();
    both.expect_code(2);

    let bad_start = s3presign()
        .with_example_keys()
        .args([
            "url",
            "--bucket",
            "b-1",
            "--key",
            "k",
            "--start-time",
            "soon",
        ])
        .run();
    bad_start.expect_code(2);
    assert!(
        bad_start.stderr.contains("--start-time"),
        "{}",
        bad_start.stderr
    );

    s3presign().args(["--help"]).run().expect_code(0);
}

#[test]
fn put_signs_the_content_type_and_says_to_send_it() {
    let run = s3presign()
        .with_example_keys()
        .args([
            "url",
            "--bucket",
            "b-1",
            "--key",
            "k",
            "--verb",
            "put",
            "--content-type",
            "image/png",
            "--output",
            "json",
        ])
        .run();
    run.expect_code(0);
    let r = &run.records()[0];
    assert_eq!(r["verb"], "PUT");
    assert_eq!(r["headers"]["Content-Type"], "image/png");
    assert_eq!(
        query_param(r["url"].as_str().unwrap(), "X-Amz-SignedHeaders"),
        Some("content-type%3Bhost")
    );

    let get_with_type = s3presign()
        .with_example_keys()
        .args([
            "url",
            "--bucket",
            "b-1",
            "--key",
            "k",
            "--content-type",
            "image/png",
        ])
        .run();
    get_with_type.expect_code(1);
    assert!(
        get_with_type
            .stderr
            .contains("content_type is not an option of GetObject (GET)")
            && get_with_type.stderr.contains("taken by PutObject (PUT)"),
        "{}",
        get_with_type.stderr
    );
}

#[test]
fn endpoint_flags_shape_the_url() {
    let url = |args: &[&str]| {
        let run = s3presign()
            .with_example_keys()
            .args([
                "url",
                "--bucket",
                "b-1",
                "--key",
                "a/b",
                "--region",
                "eu-west-1",
            ])
            .args(args)
            .run();
        run.expect_code(0);
        run.stdout.trim_end().to_string()
    };
    assert!(url(&[]).starts_with("https://b-1.s3.eu-west-1.amazonaws.com/a/b?"));
    assert!(url(&["--path-style"]).starts_with("https://s3.eu-west-1.amazonaws.com/b-1/a/b?"));
    assert!(url(&["--http"]).starts_with("http://b-1.s3.eu-west-1.amazonaws.com/a/b?"));
    assert!(url(&["--accelerate"]).starts_with("https://b-1.s3-accelerate.amazonaws.com/a/b?"));
    assert!(
        url(&["--dualstack"]).starts_with("https://b-1.s3.dualstack.eu-west-1.amazonaws.com/a/b?")
    );
    assert!(url(&[
        "--endpoint-url",
        "https://minio.example.com:9000",
        "--path-style"
    ])
    .starts_with("https://minio.example.com:9000/b-1/a/b?"));
    assert!(url(&["--version-id", "3/L4kqtJl+cB"]).contains("versionId=3%2FL4kqtJl%2BcB&"));
}

#[test]
fn json_output_reports_failures_as_records_with_codes() {
    let too_far = s3presign()
        .with_example_keys()
        .args([
            "url",
            "--bucket",
            "b-1",
            "--key",
            "k",
            "--expires-in",
            "8d",
            "--output",
            "json",
        ])
        .run();
    too_far.expect_code(1);
    let r = &too_far.records()[0];
    assert_eq!(
        (r["type"].as_str(), r["code"].as_str()),
        (Some("error"), Some("expiry_too_far"))
    );

    let no_profile = s3presign()
        .args([
            "url",
            "--bucket",
            "b-1",
            "--key",
            "k",
            "--profile",
            "absent",
            "--output",
            "json",
        ])
        .run();
    no_profile.expect_code(2);
    let r = &no_profile.records()[0];
    assert_eq!(
        (r["type"].as_str(), r["code"].as_str()),
        (Some("fatal"), Some("unknown_profile"))
    );

    let plain = s3presign()
        .with_example_keys()
        .args(["url", "--bucket", "b-1", "--key", "k", "--expires-in", "8d"])
        .run();
    plain.expect_code(1);
    assert!(
        plain.stdout.is_empty(),
        "the bare-URL output stays empty on failure"
    );
}

#[test]
fn regions_lists_each_known_region_once_and_each_signs_without_a_warning() {
    let run = s3presign().args(["regions"]).run();
    run.expect_code(0);
    let regions: Vec<&str> = run.stdout.lines().collect();
    let mut sorted = regions.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(regions, sorted, "sorted, each once");
    for expected in [
        "us-east-1",
        "eu-west-1",
        "ap-southeast-2",
        "cn-north-1",
        "us-gov-west-1",
    ] {
        assert!(regions.contains(&expected), "{expected} in {regions:?}");
    }
    assert!(
        !regions.contains(&"aws-global"),
        "a pseudo-region is not listed"
    );
    for region in regions {
        let signed = s3presign()
            .with_example_keys()
            .args([
                "url",
                "--bucket",
                "my-bucket",
                "--key",
                "k",
                "--region",
                region,
            ])
            .run();
        signed.expect_code(0);
        assert!(signed.stderr.is_empty(), "{region}: {}", signed.stderr);
        assert!(
            signed.stdout.contains(&format!("%2F{region}%2Fs3%2F")),
            "{region}: {}",
            signed.stdout
        );
    }
}
