//! A 100,000-line batch that mixes valid lines with every kind of bad one: exactly one result per
//! line, in order; each good line a URL that botocore agrees with; each bad line an error that
//! names the line and the problem; exit code 1.

mod common;

use common::*;
use serde_json::json;

const VERBS: [&str; 4] = ["GET", "PUT", "HEAD", "DELETE"];

/// The line for index `i` and the error code it must produce (None: it must be signed).
fn line(i: usize) -> (String, Option<&'static str>, Option<serde_json::Value>) {
    let key = format!("data/{i:06}/file name+{}.bin", i % 13);
    let valid = |request: serde_json::Value| (request.to_string(), None, Some(request));
    let bad = |text: String, code| (text, Some(code), None);
    match i % 16 {
        0..=5 => valid(json!({"bucket": "my-bucket", "key": key, "verb": VERBS[i % 4]})),
        6 => valid(
            json!({"bucket": "my-bucket", "key": key, "expires_in": "7d", "version_id": format!("v{i}")}),
        ),
        7 => valid(
            json!({"bucket": "my-bucket", "key": key, "verb": "PUT", "content_type": "text/csv", "expires": "2025-06-02T00:00:00Z"}),
        ),
        8 => bad(
            format!("{{\"bucket\":\"my-bucket\",\"key\":\"{i}\""),
            "invalid_json",
        ),
        9 => bad(json!({"bucket": "my-bucket"}).to_string(), "missing_key"),
        10 => bad(
            json!({"bucket": "my-bucket", "key": key, "verb": "POST"}).to_string(),
            "invalid_verb",
        ),
        11 => bad(
            json!({"bucket": "my-bucket", "key": key, "expires": "2025-13-45"}).to_string(),
            "invalid_expiry",
        ),
        12 => bad(
            json!({"bucket": "my-bucket", "key": key, "expires": "2025-05-31T00:00:00Z"})
                .to_string(),
            "expiry_in_past",
        ),
        13 => bad(
            json!({"bucket": "my-bucket", "key": key, "expires_in": "8d"}).to_string(),
            "expiry_too_far",
        ),
        14 => match i % 3 {
            0 => bad(
                json!({"bucket": "my-bucket", "key": ""}).to_string(),
                "missing_key",
            ),
            1 => bad(
                json!({"bucket": "my-bucket", "key": "k".repeat(1025)}).to_string(),
                "invalid_key",
            ),
            _ => bad(json!({"key": key}).to_string(), "missing_bucket"),
        },
        _ => bad(
            json!({"bucket": format!("Invalid Bucket {i}"), "key": key}).to_string(),
            "invalid_bucket",
        ),
    }
}

#[test]
fn a_hundred_thousand_mixed_lines_give_a_hundred_thousand_results_in_order() {
    const LINES: usize = 100_000;
    let cases: Vec<_> = (0..LINES).map(line).collect();
    let input: String = cases
        .iter()
        .map(|(text, _, _)| format!("{text}\n"))
        .collect();
    let run = s3presign()
        .with_example_keys()
        .args(["batch", "--start-time", "2025-06-01T12:00:00Z"])
        .run_with_stdin(&input);
    run.expect_code(1);
    let records = run.records();
    assert_eq!(records.len(), LINES, "exactly one result per line");

    let mut signed_requests = Vec::new();
    let mut signed_results = Vec::new();
    for (i, ((_, code, request), record)) in cases.iter().zip(&records).enumerate() {
        let line_number = (i + 1) as u64;
        assert_eq!(record["line"], line_number, "{record}");
        match code {
            None => {
                assert_eq!(record["type"], "url", "line {line_number}: {record}");
                signed_requests.push(request.clone().unwrap());
                signed_results.push(record.clone());
            }
            Some(code) => {
                assert_eq!(record["type"], "error", "line {line_number}: {record}");
                assert_eq!(record["code"], *code, "line {line_number}: {record}");
                let message = record["message"].as_str().unwrap();
                assert!(
                    message.starts_with(&format!("line {line_number}: ")),
                    "{message}"
                );
                assert!(
                    message.len() > 30,
                    "a message says what is wrong: {message}"
                );
            }
        }
    }
    assert_eq!(signed_requests.len(), LINES / 16 * 8);
    botocore_check(
        &Signing::us_east_1("2025-06-01T12:00:00Z"),
        &signed_requests,
        &signed_results,
    );
}
