//! 10,000 generated requests signed by s3presign and again by botocore (an independent SigV4
//! implementation, from PyPI): every path, query parameter and signature must be identical.
//! Lifetimes come in every form a request may give them (seconds, durations such as 1d12h,
//! instants with and without an offset, dates, none), and the oracle computes each one itself.

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
            let mut request = serde_json::json!({"bucket": bucket, "key": key, "verb": verb});
            if let Some((field, value)) = expiry(&mut rng) {
                request[field] = value;
            }
            // PutObject has no version id (tests/option_table.rs).
            if verb != "PUT" && rng.below(4) == 0 {
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

const START: &str = "2025-06-01T12:34:56Z";

/// A lifetime within S3's 7 days of START, in one of the forms a request may give it.
fn expiry(rng: &mut XorShift) -> Option<(&'static str, serde_json::Value)> {
    let start = chrono::DateTime::parse_from_rfc3339(START).unwrap();
    let seconds = 1 + rng.below(604_800) as i64;
    let (d, h, m, s) = (
        seconds / 86_400,
        seconds / 3_600 % 24,
        seconds / 60 % 60,
        seconds % 60,
    );
    let at = start + chrono::TimeDelta::seconds(seconds);
    Some(match rng.below(7) {
        0 => ("expires_in", seconds.into()),
        1 => ("expires_in", seconds.to_string().into()),
        2 => ("expires_in", format!("{d}d{h}h{m}m{s}s").into()),
        3 => ("expires_in", format!("{}d", 1 + rng.below(7)).into()),
        4 => (
            "expires",
            at.format("%Y-%m-%dT%H:%M:%SZ").to_string().into(),
        ),
        5 => {
            let offset =
                chrono::FixedOffset::east_opt(3_600 * (rng.below(25) as i32 - 12)).unwrap();
            ("expires", at.with_timezone(&offset).to_rfc3339().into())
        }
        _ if rng.below(2) == 0 => {
            let day = start.date_naive() + chrono::TimeDelta::days(1 + rng.below(7) as i64);
            ("expires", day.to_string().into())
        }
        _ => return None, // the default lifetime
    })
}

fn check_against_botocore(session_token: Option<&str>, region: &str) {
    let requests = requests(0x5eed_cafe_f00d + session_token.is_some() as u64, 10_000);
    let input: String = requests.iter().map(|r| r.to_string() + "\n").collect();
    let mut cmd = s3presign()
        .with_example_keys()
        .env("AWS_REGION", region)
        .args(["batch", "--start-time", START]);
    if let Some(token) = session_token {
        cmd = cmd.env("AWS_SESSION_TOKEN", token);
    }
    let run = cmd.run_with_stdin(&input);
    run.expect_code(0);
    let results = run.records();
    assert_eq!(results.len(), requests.len());

    let signing = Signing {
        start_time: START,
        region,
        session_token,
    };
    let report = botocore_check(&signing, &requests, &results);
    assert!(
        report.contains("botocore: 10000 passed, 0 failed"),
        "{report}"
    );
}

#[test]
fn ten_thousand_urls_match_botocore() {
    check_against_botocore(None, "eu-central-1");
}

#[test]
fn ten_thousand_urls_with_a_session_token_match_botocore() {
    check_against_botocore(
        Some("FwoGZXIvYXdzEXAMPLE+token/with=chars"),
        "ap-southeast-2",
    );
}
