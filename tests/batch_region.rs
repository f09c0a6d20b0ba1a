//! `region` on a batch line (and a Region column in CSV): the request is signed for that region,
//! exactly as `url --region` signs it, and a bad region fails that line alone.

mod common;

use common::*;

const START: &str = "2030-01-01T00:00:00Z";

fn batch(args: &[&str], stdin: &str) -> Run {
    s3presign()
        .with_example_keys()
        .args(["batch", "--start-time", START, "--region", "us-east-1"])
        .args(args)
        .run_with_stdin(stdin)
}

/// The URL `url --region REGION` makes for my-bucket/k: the reference.
fn url_for(region: &str, extra: &[&str]) -> String {
    let run = s3presign()
        .with_example_keys()
        .args([
            "url",
            "--start-time",
            START,
            "--bucket",
            "my-bucket",
            "--key",
            "k",
            "--region",
            region,
        ])
        .args(extra)
        .run();
    run.expect_code(0);
    run.stdout.trim_end().to_string()
}

#[test]
fn each_line_is_signed_for_its_own_region_and_the_others_for_the_run_s() {
    let input = concat!(
        "{\"bucket\":\"my-bucket\",\"key\":\"k\",\"region\":\"eu-west-1\"}\n",
        "{\"bucket\":\"my-bucket\",\"key\":\"k\"}\n",
        "{\"bucket\":\"my-bucket\",\"key\":\"k\",\"region\":\"ap-southeast-2\"}\n",
        "{\"bucket\":\"my-bucket\",\"key\":\"k\",\"region\":\"eu-west-1\"}\n",
    );
    let run = batch(&["--output", "url"], input);
    run.expect_code(0);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines,
        [
            url_for("eu-west-1", &[]),
            url_for("us-east-1", &[]),
            url_for("ap-southeast-2", &[]),
            url_for("eu-west-1", &[]),
        ]
    );
    assert!(
        lines[0].contains("s3.eu-west-1.amazonaws.com"),
        "{}",
        lines[0]
    );
    let records = batch(&["--output", "jsonl"], input).records();
    assert_eq!(records[0]["region"], "eu-west-1");
    assert_eq!(records[1]["region"], "us-east-1");
}

#[test]
fn a_typo_or_malformed_region_fails_its_line_only() {
    let input = concat!(
        "{\"bucket\":\"my-bucket\",\"key\":\"k\",\"region\":\"eu-wset-1\"}\n",
        "{\"bucket\":\"my-bucket\",\"key\":\"k\",\"region\":\"eu west 1\"}\n",
        "{\"bucket\":\"my-bucket\",\"key\":\"k\"}\n",
    );
    let run = batch(&[], input);
    run.expect_code(1);
    let records = run.records();
    assert_eq!(records[0]["code"], "invalid_region");
    assert!(
        records[0]["message"]
            .as_str()
            .unwrap()
            .contains("eu-west-1"),
        "a typo gets a suggestion: {}",
        records[0]
    );
    assert_eq!(records[1]["code"], "invalid_region");
    assert_eq!(records[2]["type"], "url");
}

#[test]
fn a_region_this_build_does_not_know_is_signed_with_one_warning() {
    let input = "{\"bucket\":\"my-bucket\",\"key\":\"k\",\"region\":\"xx-north-9\"}\n".repeat(2);
    let run = batch(&["--output", "url"], &input);
    run.expect_code(0);
    assert_eq!(run.stdout.lines().count(), 2);
    assert!(
        run.stdout.contains("%2Fxx-north-9%2Fs3%2F"),
        "{}",
        run.stdout
    );
    assert_eq!(
        run.stderr.matches("xx-north-9").count(),
        1,
        "one warning per region: {}",
        run.stderr
    );
}

#[test]
fn each_unknown_region_is_warned_about_once_at_its_first_line() {
    let line = |region: &str| {
        format!("{{\"bucket\":\"my-bucket\",\"key\":\"k\",\"region\":\"{region}\"}}\n")
    };
    let input = [
        line("us-east-1"),
        line("xx-north-9"),
        line("us-east-1"),
        line("yy-south-7"),
        line("xx-north-9"),
    ]
    .concat();
    for threads in ["1", "2"] {
        let run = batch(&["--output", "url", "--threads", threads], &input);
        run.expect_code(0);
        let warnings: Vec<&str> = run
            .stderr
            .lines()
            .filter(|l| l.starts_with("s3presign: warning:"))
            .collect();
        assert_eq!(warnings.len(), 2, "{threads} thread(s): {}", run.stderr);
        assert!(
            warnings[0].starts_with("s3presign: warning: line 2: region 'xx-north-9'"),
            "{}",
            warnings[0]
        );
        assert!(
            warnings[1].starts_with("s3presign: warning: line 4: region 'yy-south-7'"),
            "{}",
            warnings[1]
        );
    }
}

#[test]
fn a_custom_endpoint_takes_any_well_formed_region_name() {
    let endpoint = ["--endpoint-url", "http://127.0.0.1:9000"];
    let input = "{\"bucket\":\"my-bucket\",\"key\":\"k\",\"region\":\"garage-local\"}\n";
    let run = batch(&[&endpoint[..], &["--output", "url"]].concat(), input);
    run.expect_code(0);
    assert_eq!(run.stdout.trim_end(), url_for("garage-local", &endpoint));
}

#[test]
fn a_csv_region_column_is_the_line_s_region() {
    let input = "Bucket,Key,Region\nmy-bucket,k,eu-west-1\nmy-bucket,k,\n";
    let run = batch(&["--input-format", "csv", "--output", "url"], input);
    run.expect_code(0);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines,
        [url_for("eu-west-1", &[]), url_for("us-east-1", &[])]
    );
}
