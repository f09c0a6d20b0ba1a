//! `post` checks every value as `url --verb PUT` checks the same value: the same bad input gives
//! the same exit code, error code and message through both commands (a form is a PutObject, so a
//! value S3 refuses in a PUT header is refused in a form field too).

mod common;

use common::*;

/// A bad value, as `url --verb PUT` takes it and as `post` takes it.
struct Case {
    what: &'static str,
    url: Vec<String>,
    post: Vec<String>,
}

fn case(what: &'static str, url: &[&str], post: &[&str]) -> Case {
    let owned = |args: &[&str]| args.iter().map(|a| a.to_string()).collect();
    Case {
        what,
        url: owned(url),
        post: owned(post),
    }
}

fn cases() -> Vec<Case> {
    let long_key = "k".repeat(1025);
    let long_key: &'static str = Box::leak(long_key.into_boxed_str());
    vec![
        case(
            "bucket name",
            &["--bucket", "Bad_Bucket!"],
            &["--bucket", "Bad_Bucket!"],
        ),
        case(
            "key over 1024 bytes",
            &["--key", long_key],
            &["--key", long_key],
        ),
        case("empty key", &["--key", ""], &["--key", ""]),
        case(
            "lifetime over 7 days",
            &["--expires-in", "8d"],
            &["--expires-in", "8d"],
        ),
        case(
            "unreadable lifetime",
            &["--expires-in", "soon"],
            &["--expires-in", "soon"],
        ),
        case(
            "expiry in the past",
            &["--expires", "2001-01-01"],
            &["--expires", "2001-01-01"],
        ),
        case(
            "unreadable start time",
            &["--start-time", "noon"],
            &["--start-time", "noon"],
        ),
        case(
            "region",
            &["--region", "eu west 1"],
            &["--region", "eu west 1"],
        ),
        case("unknown ACL", &["--acl", "public"], &["--acl", "public"]),
        case(
            "ACL as a field",
            &["--acl", "public"],
            &["--field", "acl=public"],
        ),
        case(
            "metadata name",
            &["--metadata", "bad name=x"],
            &["--metadata", "bad name=x"],
        ),
        case(
            "metadata value",
            &["--metadata", "owner=é"],
            &["--metadata", "owner=é"],
        ),
        case(
            "metadata names differing in case",
            &["--metadata", "Owner=a", "--metadata", "owner=b"],
            &["--metadata", "Owner=a", "--metadata", "owner=b"],
        ),
        case(
            "metadata as a field",
            &["--metadata", "bad name=x"],
            &["--field", "x-amz-meta-bad name=x"],
        ),
        case(
            "storage class",
            &["--storage-class", "COLD"],
            &["--field", "x-amz-storage-class=COLD"],
        ),
        case(
            "server-side encryption",
            &["--sse", "aes"],
            &["--field", "x-amz-server-side-encryption=aes"],
        ),
        case(
            "KMS key without aws:kms",
            &["--sse", "AES256", "--sse-kms-key-id", "k"],
            &[
                "--field",
                "x-amz-server-side-encryption=AES256",
                "--field",
                "x-amz-server-side-encryption-aws-kms-key-id=k",
            ],
        ),
        case(
            "SHA-256 checksum",
            &["--checksum-sha256", "nope"],
            &["--field", "x-amz-checksum-sha256=nope"],
        ),
        case(
            "accelerate with a dotted bucket",
            &["--bucket", "my.bucket", "--accelerate"],
            &["--bucket", "my.bucket", "--accelerate"],
        ),
    ]
}

/// Runs a command over the base flags, later flags (the case's) replacing a base flag's value.
fn run(command: &str, base: &[&str], args: &[String]) -> Run {
    let mut all: Vec<String> = Vec::new();
    let mut index = 0;
    while index < base.len() {
        let (flag, value) = (base[index], base[index + 1]);
        if !args.iter().any(|a| a == flag) {
            all.extend([flag.to_string(), value.to_string()]);
        }
        index += 2;
    }
    all.extend(args.iter().cloned());
    s3presign()
        .with_example_keys()
        .args([command])
        .args(all)
        .args(["--output", "json"])
        .run()
}

/// What a program reading the result sees: exit code, the record's type and code, its message.
fn outcome(run: &Run) -> (i32, String, String, String) {
    let record = run
        .records()
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no record: {}", run.stderr));
    (
        run.code,
        record["type"].as_str().unwrap_or_default().to_string(),
        record["code"].as_str().unwrap_or_default().to_string(),
        record["message"].as_str().unwrap_or_default().to_string(),
    )
}

#[test]
fn post_refuses_what_url_refuses_with_the_same_exit_code_code_and_message() {
    // A fixed signing time: messages that name "the latest allowed expiry" are then the same for
    // both commands, whichever second each runs in.
    let url_base = [
        "--bucket",
        "my-bucket",
        "--key",
        "k",
        "--verb",
        "PUT",
        "--region",
        "eu-west-1",
        "--start-time",
        "2030-01-01T00:00:00Z",
    ];
    let post_base = [
        "--bucket",
        "my-bucket",
        "--key",
        "k",
        "--region",
        "eu-west-1",
        "--start-time",
        "2030-01-01T00:00:00Z",
    ];
    let mut differences = Vec::new();
    for case in cases() {
        let url = outcome(&run("url", &url_base, &case.url));
        let post = outcome(&run("post", &post_base, &case.post));
        assert_ne!(url.0, 0, "{}: url signed it", case.what);
        if url != post {
            differences.push(format!("{}:\n  url:  {url:?}\n  post: {post:?}", case.what));
        }
    }
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}

/// The good values of the same options are signed by both.
#[test]
fn post_signs_the_header_fields_url_signs() {
    let run = s3presign()
        .with_example_keys()
        .args(["post", "--bucket", "my-bucket", "--key", "k"])
        .args(["--field", "x-amz-storage-class=STANDARD_IA"])
        .args(["--field", "x-amz-server-side-encryption=aws:kms"])
        .args([
            "--field",
            "x-amz-server-side-encryption-aws-kms-key-id=alias/k",
        ])
        .args(["--field", "X-Amz-Meta-Owner=ops", "--acl", "private"])
        .run();
    run.expect_code(0);
    let fields = &run.records()[0]["fields"];
    assert_eq!(fields["x-amz-storage-class"], "STANDARD_IA");
    assert_eq!(fields["X-Amz-Meta-Owner"], "ops");
}
