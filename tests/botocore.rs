//! 10,000 generated requests signed by s3presign and again by botocore (an independent SigV4
//! implementation, from PyPI): every path, query parameter and signature must be identical.

mod common;

use common::*;

fn requests(seed: u64, count: usize) -> Vec<serde_json::Value> {
    let mut rng = XorShift(seed);
    let verbs = ["GET", "PUT", "HEAD", "DELETE"];
    let types = [
        "text/plain",
        "image/png",
        "application/octet-stream",
        "text/csv; charset=utf-8",
    ];
    (0..count)
        .map(|_| {
            let mut key = String::new();
            for _ in 0..1 + rng.below(40) {
                key.push_str(ALPHABET[rng.below(ALPHABET.len())]);
            }
            let verb = verbs[rng.below(verbs.len())];
            let bucket = ["my-bucket", "logs-2025", "a1b2c3"][rng.below(3)];
            let mut request = serde_json::json!({
                "bucket": bucket,
                "key": key,
                "verb": verb,
                "expires_in": 1 + rng.below(604_800),
            });
            if rng.below(4) == 0 {
                request["version_id"] =
                    format!("v{}+/={}", rng.next(), ALPHABET[rng.below(ALPHABET.len())]).into();
            }
            if verb == "PUT" && rng.below(2) == 0 {
                request["content_type"] = types[rng.below(types.len())].into();
            }
            request
        })
        .collect()
}

fn check_against_botocore(session_token: Option<&str>) {
    let requests = requests(0x5eed_cafe_f00d + session_token.is_some() as u64, 10_000);
    let input: String = requests.iter().map(|r| r.to_string() + "\n").collect();
    let mut cmd =
        s3presign()
            .with_example_keys()
            .args(["batch", "--start-time", "2025-06-01T12:34:56Z"]);
    if let Some(token) = session_token {
        cmd = cmd.env("AWS_SESSION_TOKEN", token);
    }
    let run = cmd.run_with_stdin(&input);
    run.expect_code(0);
    let results = run.records();
    assert_eq!(results.len(), requests.len());

    let report = botocore_check(&requests, &results, session_token);
    assert!(
        report.contains("botocore: 10000 passed, 0 failed"),
        "{report}"
    );
}

#[test]
fn ten_thousand_urls_match_botocore() {
    check_against_botocore(None);
}

#[test]
fn ten_thousand_urls_with_a_session_token_match_botocore() {
    check_against_botocore(Some("FwoGZXIvYXdzEXAMPLE+token/with=chars"));
}
