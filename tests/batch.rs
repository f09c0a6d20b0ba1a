//! `s3presign batch`: the JSON Lines protocol, order, per-line errors and exit codes.

mod common;

use common::*;

#[test]
fn one_result_per_line_in_order_and_bad_lines_do_not_stop_the_run() {
    let input = [
        r#"{"bucket":"b-1","key":"first"}"#,
        r#"not json"#,
        r#"{"key":"no-bucket-here"}"#,
        r#""#,
        r#"{"bucket":"b-1","key":"k","expries":"1h"}"#,
        r#"{"bucket":"b-1","key":"k","verb":"PATCH"}"#,
        r#"{"bucket":"b-1","key":"k","expires":"next tuesday"}"#,
        r#"{"bucket":"b-1","key":"k","expires_in":"30d"}"#,
        r#"{"bucket":"Bad_Bucket!","key":"k"}"#,
        r#"{"bucket":"b-1","key":""}"#,
        r#"{"bucket":"b-1","key":7}"#,
        r#"{"bucket":"b-1","key":"last","verb":"delete","expires_in":60}"#,
    ]
    .join("\n");
    let run = s3presign()
        .with_example_keys()
        .args(["batch"])
        .run_with_stdin(&input);
    run.expect_code(1);
    let records = run.records();
    let expected = [
        "url",
        "invalid_json",
        "missing_bucket",
        "empty_line",
        "unknown_field",
        "invalid_verb",
        "invalid_expiry",
        "expiry_too_far",
        "invalid_bucket",
        "missing_key",
        "invalid_field",
        "url",
    ];
    assert_eq!(records.len(), expected.len(), "{}", run.stdout);
    for (i, (record, code)) in records.iter().zip(expected).enumerate() {
        assert_eq!(record["line"], (i + 1) as u64, "{record}");
        if code == "url" {
            assert_eq!(record["type"], "url", "{record}");
        } else {
            assert_eq!(record["type"], "error", "{record}");
            assert_eq!(record["code"], code, "{record}");
            let message = record["message"].as_str().unwrap();
            assert!(
                message.starts_with(&format!("line {}: ", i + 1)),
                "{message}"
            );
        }
    }
    assert_eq!(records[11]["verb"], "DELETE");
    assert_eq!(records[11]["expires_in_seconds"], 60);
    // What could be read of a bad line comes back with its error.
    assert_eq!(records[8]["input"]["bucket"], "Bad_Bucket!");
    assert_eq!(records[1]["input"], serde_json::Value::Null);
    assert!(records[4]["message"]
        .as_str()
        .unwrap()
        .contains("\"expries\""));
}

#[test]
fn flags_are_defaults_and_lines_override_them() {
    let input = [
        r#"{"key":"a"}"#,
        r#"{"key":"b","bucket":"other-bucket","expires_in":"15m"}"#,
        r#"{"key":"c","expires":"2025-01-01T06:00:00Z"}"#,
    ]
    .join("\n");
    let run = s3presign()
        .with_example_keys()
        .args([
            "batch",
            "--bucket",
            "default-bucket",
            "--expires-in",
            "2h",
            "--start-time",
            "2025-01-01T00:00:00Z",
        ])
        .run_with_stdin(&input);
    run.expect_code(0);
    let r = run.records();
    assert_eq!(r[0]["bucket"], "default-bucket");
    assert_eq!(r[0]["expires_in_seconds"], 7200);
    assert_eq!(r[1]["bucket"], "other-bucket");
    assert_eq!(r[1]["expires_in_seconds"], 900);
    // A line's own expiry replaces --expires-in rather than conflicting with it.
    assert_eq!(r[2]["expires_at"], "2025-01-01T06:00:00Z");
}

#[test]
fn a_run_wide_flag_every_line_would_fail_on_is_refused_once_before_the_first_line() {
    let lines = "{\"key\":\"x\"}\n{\"key\":\"y\"}\n";
    let cases: [(&[&str], &str, &str, &str); 6] = [
        (
            &["--expires-in", "9d"],
            "--expires-in: lifetime 9d (777600 seconds) is more than 7 days",
            "expiry_too_far",
            "an expiry",
        ),
        (
            &["--expires-in", "soon"],
            "--expires-in: 'soon' is not a duration",
            "invalid_expiry",
            "an expiry",
        ),
        (
            &["--expires", "2024-12-31T00:00:00Z"],
            "--expires: expiry 2024-12-31T00:00:00Z is not after",
            "expiry_in_past",
            "an expiry",
        ),
        (
            &["--verb", "BOGUS"],
            "--verb: verb 'BOGUS' is not supported",
            "invalid_verb",
            "a verb",
        ),
        (
            &["--bucket", "Bad_Bucket!"],
            "--bucket: ",
            "invalid_bucket",
            "a bucket",
        ),
        (
            &[
                "--verb",
                "PUT",
                "--upload-id",
                "U1",
                "--part-number",
                "10001",
            ],
            "--part-number: part number 10001 is out of range",
            "invalid_multipart",
            "a part number",
        ),
    ];
    for (flags, named, code, what) in cases {
        let bucket: &[&str] = if flags.contains(&"--bucket") {
            &[]
        } else {
            &["--bucket", "b-1"]
        };
        let run = s3presign()
            .with_example_keys()
            .args(["batch", "--start-time", "2025-01-01T00:00:00Z"])
            .args(bucket)
            .args(flags)
            .run_with_stdin(lines);
        run.expect_code(2);
        let records = run.records();
        assert_eq!(records.len(), 1, "{flags:?}: {}", run.stdout);
        assert_eq!(records[0]["type"], "fatal");
        // The code each line would have had; exit 2, as for a usage error.
        assert_eq!(records[0]["code"], code);
        let message = records[0]["message"].as_str().unwrap();
        assert!(
            message.starts_with(named)
                && message.ends_with(&format!(
                    "; nothing was signed: every request without {what} of its own would fail the same way"
                )),
            "{flags:?}: {message}"
        );
        assert_eq!(
            run.stderr.matches("s3presign: error:").count(),
            1,
            "{flags:?}: {}",
            run.stderr
        );
    }
}

#[test]
fn all_good_lines_exit_0_and_crlf_lines_are_accepted() {
    let input = "{\"bucket\":\"b-1\",\"key\":\"x\"}\r\n{\"bucket\":\"b-1\",\"key\":\"y\"}\r\n";
    let run = s3presign()
        .with_example_keys()
        .args(["batch"])
        .run_with_stdin(input);
    run.expect_code(0);
    let r = run.records();
    assert_eq!(r.len(), 2);
    assert_eq!(r[1]["key"], "y", "the \\r is not part of the key");
}

#[test]
fn empty_input_is_success_with_no_output() {
    let run = s3presign().with_example_keys().args(["batch"]).run();
    run.expect_code(0);
    assert!(run.stdout.is_empty());
}

#[test]
fn setup_failures_exit_2_with_a_fatal_record() {
    let run = s3presign()
        .env("AWS_ACCESS_KEY_ID", ACCESS_KEY)
        .env("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
        .args(["batch", "--region", "eu west 1"])
        .run_with_stdin("{\"bucket\":\"b-1\",\"key\":\"x\"}\n");
    run.expect_code(2);
    let r = run.records();
    assert_eq!(r.len(), 1);
    assert_eq!(r[0]["type"], "fatal");
    assert_eq!(r[0]["code"], "invalid_region");
    assert!(run.stderr.contains("--region"), "{}", run.stderr);

    let run = s3presign()
        .env("AWS_REGION", "us-east-1")
        .args(["batch"])
        .run();
    run.expect_code(2);
    assert_eq!(run.records()[0]["code"], "no_credentials");
    assert!(run.stderr.contains("AWS_ACCESS_KEY_ID"), "{}", run.stderr);

    let run = s3presign()
        .with_example_keys()
        .args(["batch", "--protocol", "2"])
        .run();
    run.expect_code(2);
}

#[test]
fn a_large_batch_streams_every_result_in_order() {
    let lines = 20_000;
    let mut input = String::new();
    for i in 0..lines {
        if i % 7 == 3 {
            input.push_str("{\"bucket\":\"b-1\",\"key\":\"\"}\n");
        } else {
            input.push_str(&format!("{{\"bucket\":\"b-1\",\"key\":\"obj/{i}\"}}\n"));
        }
    }
    let run = s3presign()
        .with_example_keys()
        .args(["batch"])
        .run_with_stdin(&input);
    run.expect_code(1);
    let records = run.records();
    assert_eq!(records.len(), lines);
    for (i, r) in records.iter().enumerate() {
        assert_eq!(r["line"], (i + 1) as u64);
        if i % 7 == 3 {
            assert_eq!(r["code"], "missing_key");
        } else {
            assert_eq!(r["key"], format!("obj/{i}"));
        }
    }
}

#[test]
fn each_result_is_sent_before_the_next_line_arrives() {
    use std::io::{BufRead, BufReader, Write};
    use std::process::{Command, Stdio};
    use std::sync::mpsc;
    use std::time::Duration;

    let mut child = Command::new(bin_path())
        .args(["batch", "--region", "us-east-1"])
        .env("AWS_ACCESS_KEY_ID", ACCESS_KEY)
        .env("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if tx.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    // Lockstep: the second line is only written once the first answer has arrived.
    for key in ["first", "second"] {
        writeln!(stdin, "{{\"bucket\":\"b-1\",\"key\":\"{key}\"}}").unwrap();
        stdin.flush().unwrap();
        let answer = rx
            .recv_timeout(Duration::from_secs(10))
            .unwrap_or_else(|_| panic!("no answer for {key} while stdin stays open"));
        assert!(answer.contains(&format!("\"key\":\"{key}\"")), "{answer}");
    }
    drop(stdin);
    assert!(child.wait().unwrap().success());
}

/// `--output url-or-error` (what the module's default output reads): a signed line is its URL
/// alone, a failed line its JSON error record, one line each, in order.
#[test]
fn url_or_error_output_writes_urls_bare_and_errors_as_records() {
    let input = "{\"bucket\":\"b-1\",\"key\":\"a\"}\n{\"bucket\":\"b-1\",\"key\":7}\n{\"bucket\":\"b-1\",\"key\":\"c\"}\n";
    let run = s3presign()
        .with_example_keys()
        .args(["batch", "--output", "URL-OR-ERROR"])
        .run_with_stdin(input);
    run.expect_code(1);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", run.stdout);
    assert!(
        lines[0].starts_with("https://b-1.s3.") && lines[0].contains("/a?X-Amz-Algorithm="),
        "{}",
        lines[0]
    );
    let error: serde_json::Value =
        serde_json::from_str(lines[1]).expect("the failed line is a JSON record");
    assert_eq!(
        (
            error["type"].as_str(),
            error["line"].as_u64(),
            error["code"].as_str()
        ),
        (Some("error"), Some(2), Some("invalid_field"))
    );
    assert!(
        lines[2].starts_with("https://b-1.s3.") && lines[2].contains("/c?X-Amz-Algorithm="),
        "{}",
        lines[2]
    );
}
