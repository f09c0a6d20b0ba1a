//! `url s3://BUCKET/KEY`, the `aws s3 presign` form: the same URL as `--bucket` and `--key`
//! (keys taken literally, as the AWS CLI takes them), `--recursive` over s3s-fs with
//! `s3://BUCKET/PREFIX`, and the usage errors: the URI beside `--bucket`/`--key`/`--key-prefix`,
//! a stray word that is no URI (an unquoted key split by the shell), a URI without a bucket or key.

mod common;

use common::*;

const START: &str = "2025-03-01T12:00:00Z";

fn url_with(args: &[&str]) -> Run {
    let mut all = vec!["url"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--start-time", START]);
    s3presign().with_example_keys().args(all).run()
}

#[test]
fn the_uri_form_signs_the_same_url_as_bucket_and_key() {
    for key in [
        "reports/q1.pdf",
        "a?versionId=1",
        "hash#tag.txt",
        "with space/and  two.txt",
        "100%.txt",
        "%41 not an escape",
        "plus+sign",
        "日本語/ファイル.txt",
        "emoji-😀",
        "folder/",
        "/leading-slash",
    ] {
        let uri = format!("s3://my-bucket/{key}");
        for output in ["url", "json"] {
            let by_uri = url_with(&[&uri, "--output", output]);
            by_uri.expect_code(0);
            let by_flags = url_with(&["--bucket", "my-bucket", "--key", key, "--output", output]);
            by_flags.expect_code(0);
            assert_eq!(by_uri.stdout, by_flags.stdout, "{uri} --output {output}");
        }
        // The key is in the URL's path, not its query or fragment: `?` and `#` are escaped.
        let url = url_with(&[&uri]).stdout;
        let (path_part, _) = url.split_once("?X-Amz-").unwrap();
        assert!(
            !path_part["https://".len()..].contains(['#', '?', ' ']),
            "{url}"
        );
    }
    // Other flags combine with the URI as with --bucket and --key.
    let extra = [
        "--verb",
        "PUT",
        "--expires-in",
        "90s",
        "--content-type",
        "text/plain",
    ];
    let by_uri = url_with(&[&["s3://my-bucket/in/a.txt"][..], &extra].concat());
    let by_flags =
        url_with(&[&["--bucket", "my-bucket", "--key", "in/a.txt"][..], &extra].concat());
    by_uri.expect_code(0);
    assert_eq!(by_uri.stdout, by_flags.stdout);
    assert!(
        by_uri.stdout.contains("X-Amz-Expires=90&"),
        "{}",
        by_uri.stdout
    );
}

#[test]
fn a_uri_ending_in_a_slash_signs_that_folder_marker_and_says_so() {
    let run = url_with(&["s3://my-bucket/reports/2025/"]);
    run.expect_code(0);
    assert!(
        run.stdout
            .starts_with("https://my-bucket.s3.us-east-1.amazonaws.com/reports/2025/?"),
        "{}",
        run.stdout
    );
    assert!(run.stderr.contains("add --recursive"), "{}", run.stderr);
}

#[test]
fn the_uri_beside_bucket_key_or_key_prefix_is_a_usage_error_naming_both() {
    for (args, flag) in [
        (&["s3://my-bucket/k", "--bucket", "other"][..], "--bucket"),
        (&["--key", "k", "s3://my-bucket/k"][..], "--key"),
        (
            &["s3://my-bucket/p/", "--recursive", "--key-prefix", "p/"][..],
            "--key-prefix",
        ),
    ] {
        let run = url_with(args);
        run.expect_code(2);
        assert!(run.stdout.is_empty(), "{}", run.stdout);
        let first = run.stderr.lines().next().unwrap();
        assert!(
            first.starts_with("error: '")
                && first.contains("s3://my-bucket/")
                && first.contains(flag),
            "{args:?}: {}",
            run.stderr
        );
    }
    // With JSON output, the usage error is a fatal record too.
    let json = url_with(&["s3://my-bucket/k", "--bucket", "other", "--output", "json"]);
    json.expect_code(2);
    assert_eq!(json.records()[0]["code"], "usage", "{}", json.stdout);
}

#[test]
fn a_word_that_is_no_uri_is_a_stray_argument_with_the_quoting_tip() {
    let split = url_with(&["--bucket", "my-bucket", "--key", "reports/2025", "Q1.pdf"]);
    split.expect_code(2);
    assert!(
        split.stderr.contains("unexpected argument 'Q1.pdf'"),
        "{}",
        split.stderr
    );
    assert!(
        split.stderr.contains("--key 'reports/2025 Q1.pdf'"),
        "{}",
        split.stderr
    );

    let alone = url_with(&["my-bucket/reports/q1.pdf"]);
    alone.expect_code(2);
    assert!(
        alone
            .stderr
            .contains("unexpected argument 'my-bucket/reports/q1.pdf'"),
        "{}",
        alone.stderr
    );
}

#[test]
fn a_uri_without_bucket_or_key_or_in_upper_case_is_refused_clearly() {
    for (uri, says) in [
        ("s3:///k", "names no bucket"),
        ("s3://", "names no bucket"),
        ("s3://my-bucket", "names no key"),
        ("s3://my-bucket/", "names no key"),
        ("S3://my-bucket/k", "lower case"),
    ] {
        let run = url_with(&[uri]);
        run.expect_code(2);
        assert!(run.stdout.is_empty(), "{}", run.stdout);
        assert!(
            run.stderr.starts_with(&format!("error: '{uri}'")) && run.stderr.contains(says),
            "{uri}: {}",
            run.stderr
        );
    }
    // Neither form: the required flags are named, as before.
    let none = url_with(&[]);
    none.expect_code(2);
    assert!(
        none.stderr
            .starts_with("error: --bucket and --key are required"),
        "{}",
        none.stderr
    );
}

#[test]
fn help_man_and_completions_show_the_uri_form() {
    let help = s3presign().args(["url", "--help"]).run();
    help.expect_code(0);
    for text in [
        "Usage: s3presign url [OPTIONS] --bucket <BUCKET> --key <KEY>",
        "s3presign url [OPTIONS] s3://BUCKET/KEY",
        "s3presign url s3://my-bucket/reports/q1.pdf",
        "s3presign url s3://my-bucket/reports/2025/ --recursive",
    ] {
        assert!(
            help.stdout.contains(text),
            "no {text:?} in\n{}",
            help.stdout
        );
    }
    let dir = tempfile::tempdir().unwrap();
    s3presign()
        .args(["man", "--out-dir"])
        .arg_path(dir.path())
        .run()
        .expect_code(0);
    let page = std::fs::read_to_string(dir.path().join("s3presign-url.1")).unwrap();
    assert!(page.contains("S3_URI"), "{page}");
    let bash = s3presign().args(["completions", "bash"]).run();
    bash.expect_code(0);
    assert!(bash.stdout.contains("--key-prefix"), "{}", bash.stdout);
}

fn body_of(key: &str) -> Vec<u8> {
    format!("object {key}").into_bytes()
}

#[test]
fn recursive_with_a_uri_lists_its_prefix_or_the_whole_bucket() {
    let server = TestServer::start();
    server.create_bucket("my-bucket");
    let keys = [
        "reports/2025/a.pdf",
        "reports/2025/with space #1?.pdf",
        "reports/2025/deep/100%.txt",
        "reports/2024/old.pdf",
        "top.txt",
    ];
    for key in keys {
        server.put_object("my-bucket", key, &body_of(key));
    }
    // At a frozen signing time, to compare the two forms; fetched below when signed now.
    let signed_at = |start_time: Option<&str>, args: &[&str]| {
        let mut all = vec!["url", "--recursive"];
        if let Some(start_time) = start_time {
            all.extend_from_slice(&["--start-time", start_time]);
        }
        all.extend_from_slice(args);
        let run = server.s3presign().args(all).run();
        run.expect_code(0);
        run.stdout
    };
    let signed = |args: &[&str]| signed_at(Some(START), args);
    assert_eq!(
        signed(&["s3://my-bucket/reports/2025/"]),
        signed(&["--bucket", "my-bucket", "--key-prefix", "reports/2025/"])
    );
    let mut fetched: Vec<Vec<u8>> = signed_at(None, &["s3://my-bucket/reports/2025/"])
        .lines()
        .map(|url| {
            let got = fetch("GET", url, &[], b"");
            assert_eq!(got.status, 200, "GET {url}: {}", got.body);
            got.body.into_bytes()
        })
        .collect();
    fetched.sort();
    let mut expected: Vec<Vec<u8>> = keys[..3].iter().map(|k| body_of(k)).collect();
    expected.sort();
    assert_eq!(
        fetched, expected,
        "every object under the prefix, and only those"
    );

    let whole = signed(&["--bucket", "my-bucket"]);
    assert_eq!(whole.lines().count(), keys.len(), "{whole}");
    for uri in ["s3://my-bucket", "s3://my-bucket/"] {
        assert_eq!(signed(&[uri]), whole, "{uri}: the whole bucket");
    }
    // Filters and output formats combine with the URI as with --bucket.
    let filtered = signed(&[
        "s3://my-bucket/reports/",
        "--exclude",
        "*",
        "--include",
        "*.pdf",
        "--output",
        "csv",
    ]);
    assert_eq!(
        filtered.lines().count(),
        1 + 3,
        "a header and three PDFs:\n{filtered}"
    );
}
