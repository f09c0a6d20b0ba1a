//! `url --recursive`: listing a prefix on s3s-fs (a server that checks signatures) and signing
//! every object; each URL is fetched and must return its object's bytes. Also the listing's
//! errors, the `--include`/`--exclude` filters (checked against Python's `fnmatch`, which the
//! AWS CLI uses) and the progress line's absence when stderr is not a terminal.

mod common;

use std::collections::BTreeMap;
use std::io::Write;
use std::process::{Command, Stdio};

use common::{fetch, python, TestServer, XorShift};
use s3presign::key_filter::Pattern;

/// The body each test object gets: its own key, so a URL that fetched another object fails.
fn body_of(key: &str) -> Vec<u8> {
    format!("object {key}").into_bytes()
}

fn server_with(bucket: &str, keys: &[&str]) -> TestServer {
    let server = TestServer::start();
    server.create_bucket(bucket);
    for key in keys {
        server.put_object(bucket, key, &body_of(key));
    }
    server
}

/// Fetches every URL of `url`-per-line output; returns the keys whose bytes came back.
fn fetch_all(stdout: &str) -> Vec<Vec<u8>> {
    stdout
        .lines()
        .map(|url| {
            let got = fetch("GET", url, &[], b"");
            assert_eq!(got.status, 200, "GET {url}: {}", got.body);
            got.body.into_bytes()
        })
        .collect()
}

#[test]
fn every_object_of_several_pages_is_signed_once_and_fetches_its_bytes() {
    let server = TestServer::start();
    server.create_bucket("big");
    let mut keys: Vec<String> = (0..2500)
        .map(|i| format!("reports/2025/{i:05}.txt"))
        .collect();
    for key in &keys {
        server.put_object("big", key, &body_of(key));
    }
    // Outside the prefix: never listed.
    server.put_object("big", "reports/2024/old.txt", b"old");
    server.put_object("big", "reports/2025.txt", b"beside");
    let run = server
        .s3presign()
        .args([
            "url",
            "--bucket",
            "big",
            "--key-prefix",
            "reports/2025/",
            "--recursive",
        ])
        .run();
    run.expect_code(0);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines.len(),
        2500,
        "one URL per object over 3 pages of 1,000"
    );
    assert!(
        run.stderr.is_empty(),
        "no progress off a terminal: {}",
        run.stderr
    );
    keys.sort();
    // S3 order, and each URL is for its own key: the bytes prove it.
    let bodies = fetch_all(&run.stdout);
    for (key, body) in keys.iter().zip(&bodies) {
        assert_eq!(body, &body_of(key), "{key}");
    }
}

/// Keys that break signers. s3s-fs keeps objects as files, so a key with `//` (or a final `/`)
/// cannot exist on it; the signer's handling of `//` is checked against botocore in
/// tests/key_corpus.rs.
const AWKWARD: &[&str] = &[
    "awkward/with space.txt",
    "awkward/plus+sign.txt",
    "awkward/100%.txt",
    "awkward/%41 not an escape.txt",
    "awkward/hash#tag.txt",
    "awkward/question?.txt",
    "awkward/ampersand&equals=.txt",
    "awkward/日本語/ファイル.txt",
    "awkward/e\u{301}-combining.txt",
    "awkward/emoji-😀.txt",
    "awkward/tilde~quote'paren(1).txt",
];

#[test]
fn awkward_keys_are_signed_as_listed() {
    let server = server_with("odd", AWKWARD);
    for output in ["url", "jsonl"] {
        let run = server
            .s3presign()
            .args([
                "url",
                "--bucket",
                "odd",
                "--key-prefix",
                "awkward/",
                "--recursive",
                "--output",
                output,
            ])
            .run();
        run.expect_code(0);
        let urls: Vec<String> = if output == "url" {
            run.stdout.lines().map(str::to_string).collect()
        } else {
            run.records()
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    assert_eq!(r["type"], "url");
                    assert_eq!(r["line"], i as u64 + 1, "numbered in output order");
                    assert_eq!(r["bucket"], "odd");
                    r["url"].as_str().unwrap().to_string()
                })
                .collect()
        };
        let mut expected: Vec<&str> = AWKWARD.to_vec();
        expected.sort();
        assert_eq!(urls.len(), expected.len(), "{output}: {}", run.stdout);
        for (key, url) in expected.iter().zip(&urls) {
            let got = fetch("GET", url, &[], b"");
            assert_eq!(got.status, 200, "{key}: {url}: {}", got.body);
            assert_eq!(got.body.as_bytes(), body_of(key), "{key}");
        }
    }
}

#[test]
fn include_and_exclude_select_as_the_aws_cli_does() {
    let server = server_with(
        "sel",
        &[
            "r/q1.pdf",
            "r/q1.txt",
            "r/drafts/q2.pdf",
            "r/sub/deep/q3.pdf",
            "r/notes.tmp",
        ],
    );
    let keys = |filters: &[&str]| -> Vec<String> {
        let run = server
            .s3presign()
            .args([
                "url",
                "--bucket",
                "sel",
                "--key-prefix",
                "r/",
                "--recursive",
                "--output",
                "jsonl",
            ])
            .args(filters)
            .run();
        run.expect_code(0);
        run.records()
            .iter()
            .map(|r| r["key"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        keys(&[
            "--exclude",
            "*",
            "--include",
            "*.pdf",
            "--exclude",
            "drafts/*"
        ]),
        ["r/q1.pdf", "r/sub/deep/q3.pdf"]
    );
    // The order decides: the same filters the other way round end with an exclusion of all.
    assert_eq!(
        keys(&[
            "--exclude",
            "drafts/*",
            "--include",
            "*.pdf",
            "--exclude",
            "*"
        ]),
        Vec::<String>::new()
    );
    assert_eq!(
        keys(&["--exclude", "*.tmp", "--exclude", "*/*"]),
        ["r/q1.pdf", "r/q1.txt"]
    );
}

#[test]
fn an_empty_prefix_signs_nothing_and_says_so() {
    let server = server_with("empty", &["other/a.txt"]);
    for output in ["url", "jsonl", "csv"] {
        let run = server
            .s3presign()
            .args([
                "url",
                "--bucket",
                "empty",
                "--key-prefix",
                "nothing/here/",
                "--recursive",
                "--output",
                output,
            ])
            .run();
        run.expect_code(0);
        if output == "csv" {
            assert_eq!(
                run.stdout.lines().count(),
                1,
                "the header alone: {}",
                run.stdout
            );
        } else {
            assert_eq!(run.stdout, "", "{output}");
        }
        assert!(
            run.stderr.contains("no objects") && run.stderr.contains("s3://empty/nothing/here/"),
            "{}",
            run.stderr
        );
    }
    // Objects listed, all filtered out: the note says so.
    let run = server
        .s3presign()
        .args([
            "url",
            "--bucket",
            "empty",
            "--key-prefix",
            "",
            "--recursive",
            "--exclude",
            "*",
        ])
        .run();
    run.expect_code(0);
    assert!(run.stderr.contains("1 listed"), "{}", run.stderr);
}

#[test]
fn listing_errors_are_setup_errors_with_the_code_only() {
    let server = server_with("exists", &["a.txt"]);
    let run = server
        .s3presign()
        .args([
            "url",
            "--bucket",
            "no-such-bucket",
            "--key-prefix",
            "p/",
            "--recursive",
        ])
        .run();
    run.expect_code(2);
    assert_eq!(run.stdout, "");
    assert!(run.stderr.contains("NoSuchBucket"), "{}", run.stderr);
    assert!(
        run.stderr.contains("s3://no-such-bucket/p/"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("check the bucket name"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);

    // Wrong secret key: S3 says SignatureDoesNotMatch; its error body (which echoes the
    // string to sign) is not shown.
    let run = server
        .s3presign()
        .env(
            "AWS_SECRET_ACCESS_KEY",
            "not-the-secret-key-of-this-server-000000",
        )
        .args([
            "url",
            "--bucket",
            "exists",
            "--key-prefix",
            "",
            "--recursive",
            "--output",
            "jsonl",
        ])
        .run();
    run.expect_code(2);
    assert!(
        run.stderr.contains("SignatureDoesNotMatch"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("refused the credentials"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("AWS4-HMAC-SHA256\n"), "{}", run.stderr);
    let records = run.records();
    assert_eq!(records.len(), 1, "one fatal record: {}", run.stdout);
    assert_eq!(records[0]["type"], "fatal");
    assert_eq!(records[0]["code"], "listing_failed");

    // Unknown access key id.
    let run = server
        .s3presign()
        .env("AWS_ACCESS_KEY_ID", "AKIANOTKNOWNHERE0000")
        .args([
            "url",
            "--bucket",
            "exists",
            "--key-prefix",
            "",
            "--recursive",
        ])
        .run();
    run.expect_code(2);
    // AWS answers InvalidAccessKeyId; s3s answers NotSignedUp (tests/common/s3_server.rs).
    assert!(
        run.stderr.contains("S3 answered NotSignedUp"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("refused the credentials"),
        "{}",
        run.stderr
    );

    // Nothing listens there.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let run = common::s3presign()
        .with_example_keys()
        .args([
            "url",
            "--bucket",
            "bucket",
            "--key-prefix",
            "p/",
            "--recursive",
            "--endpoint-url",
            &endpoint,
        ])
        .run();
    run.expect_code(2);
    assert!(
        run.stderr.contains("could not be reached"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--endpoint-url"), "{}", run.stderr);
}

#[test]
fn only_existing_objects_verbs_are_signed() {
    let server = server_with("verbs", &["a.txt"]);
    let run = server
        .s3presign()
        .args([
            "url",
            "--bucket",
            "verbs",
            "--key-prefix",
            "",
            "--recursive",
            "--verb",
            "PUT",
        ])
        .run();
    run.expect_code(2);
    assert!(run.stderr.contains("GET, HEAD or DELETE"), "{}", run.stderr);
    let run = server
        .s3presign()
        .args([
            "url",
            "--bucket",
            "verbs",
            "--key-prefix",
            "",
            "--recursive",
            "--verb",
            "head",
        ])
        .run();
    run.expect_code(0);
    let got = fetch("HEAD", run.stdout.trim(), &[], b"");
    assert_eq!(got.status, 200);
}

/// The matcher against Python's `fnmatch.fnmatchcase` (what the AWS CLI's filters call on
/// Linux and macOS), on generated patterns rich in the characters its rules are about.
#[test]
fn the_glob_matcher_agrees_with_python_fnmatch() {
    const PIECES: &[&str] = &[
        "a", "b", "z", "-", "!", "^", "[", "]", "*", "?", "/", "\\", ".", "é", "{", ",", "}",
    ];
    let mut rng = XorShift(0x5eed_cafe);
    let mut cases: Vec<(String, String)> = Vec::new();
    for _ in 0..4000 {
        let pattern: String = (0..rng.below(7) + 1).map(|_| rng.pick(PIECES)).collect();
        // A text made from the pattern (a `*` becoming 0-2 characters, a `?` one), sometimes
        // with one character changed, so that both answers are common.
        const CHARS: &[&str] = &["a", "b", "z", "-", "!", "^", "[", "]", "/", "é", "m", "\\"];
        let mut text = String::new();
        for c in pattern.chars() {
            match c {
                '*' => (0..rng.below(3)).for_each(|_| text.push_str(rng.pick(CHARS))),
                '?' => text.push_str(rng.pick(CHARS)),
                c => text.push(c),
            }
        }
        if rng.below(3) == 0 {
            let mut chars: Vec<char> = text.chars().collect();
            if !chars.is_empty() {
                let at = rng.below(chars.len());
                chars[at] = rng.pick(CHARS).chars().next().unwrap();
            }
            text = chars.into_iter().collect();
        }
        cases.push((pattern, text));
    }
    let mut child = Command::new(python())
        .args([
            "-c",
            "import sys, json, fnmatch\n\
             for line in sys.stdin:\n    p, t = json.loads(line)\n    print(json.dumps(fnmatch.fnmatchcase(t, p)))",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python runs");
    let input: String = cases
        .iter()
        .map(|c| serde_json::to_string(&[&c.0, &c.1]).unwrap() + "\n")
        .collect();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(out.status.success());
    let answers: Vec<bool> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| l == "true")
        .collect();
    assert_eq!(answers.len(), cases.len());
    let mut disagreements = BTreeMap::new();
    for ((pattern, text), python_says) in cases.iter().zip(answers) {
        if Pattern::new(pattern).matches(text) != python_says {
            disagreements.insert(pattern.clone(), (text.clone(), python_says));
        }
    }
    assert!(
        disagreements.is_empty(),
        "pattern -> (text, fnmatch): {disagreements:?}"
    );
    // The generated cases do exercise both answers.
    let matched = cases
        .iter()
        .filter(|(p, t)| Pattern::new(p).matches(t))
        .count();
    assert!(matched > 100 && matched < cases.len() - 100, "{matched}");
}

/// On a terminal the progress line is drawn on stderr, never on stdout, and `--no-progress`
/// silences it. util-linux's `script` gives the run a pseudo-terminal; stdout goes to a file.
#[cfg(target_os = "linux")]
#[test]
fn progress_is_drawn_on_a_terminal_only_on_stderr() {
    let server = server_with("tty", &["p/a.txt", "p/b.txt"]);
    let dir = tempfile::tempdir().unwrap();
    let terminal_output = |extra: &str| -> (String, String) {
        let out = dir.path().join("urls.txt");
        let command_line = format!(
            "'{}' url --bucket tty --key-prefix p/ --recursive --endpoint-url '{}' --path-style {extra} > '{}'",
            common::bin_path().display(),
            server.endpoint,
            out.display()
        );
        // The keys reach the child through its environment, as everywhere.
        let ran = Command::new("script")
            .args(["-qec", &command_line, "/dev/null"])
            .env("AWS_ACCESS_KEY_ID", common::ACCESS_KEY)
            .env("AWS_SECRET_ACCESS_KEY", common::SECRET_KEY)
            .env("AWS_REGION", "us-east-1")
            .env("AWS_CONFIG_FILE", dir.path().join("no-config"))
            .env(
                "AWS_SHARED_CREDENTIALS_FILE",
                dir.path().join("no-credentials"),
            )
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("TERM", "xterm")
            .stdin(Stdio::null())
            .output()
            .expect("util-linux's `script` runs (it gives the test a pseudo-terminal)");
        assert!(ran.status.success(), "{ran:?}");
        let urls = std::fs::read_to_string(&out).unwrap();
        (String::from_utf8_lossy(&ran.stdout).into_owned(), urls)
    };
    let (terminal, urls) = terminal_output("");
    assert!(terminal.contains("objects listed"), "{terminal:?}");
    assert!(terminal.contains("s3://tty/p/"), "{terminal:?}");
    assert_eq!(urls.lines().count(), 2, "{urls}");
    assert!(urls.lines().all(|l| l.starts_with("http://")), "{urls}");
    let (terminal, urls) = terminal_output("--no-progress");
    assert!(!terminal.contains("objects listed"), "{terminal:?}");
    assert_eq!(urls.lines().count(), 2, "{urls}");
}

/// Options that every listed object would fail on are refused before the listing: with an
/// endpoint where nothing listens, a listing would be a `listing_failed` error instead.
#[test]
fn options_every_object_would_fail_on_are_refused_before_listing() {
    let cases: [(&[&str], &str); 3] = [
        (&["--bucket", "b-1", "--expires-in", "8d"], "expiry_too_far"),
        (
            &["--bucket", "b-1", "--upload-id", "U1", "--part-number", "3"],
            "invalid_multipart",
        ),
        (&["--bucket", "Bad_Bucket!"], "invalid_bucket"),
    ];
    for (flags, code) in cases {
        let run = common::s3presign()
            .with_example_keys()
            .args([
                "url",
                "--recursive",
                "--endpoint-url",
                "http://127.0.0.1:9",
                "--output",
                "json",
            ])
            .args(flags)
            .run();
        run.expect_code(2);
        assert!(run.stderr.contains(code), "{flags:?}: {}", run.stderr);
        assert!(
            run.stderr.contains("nothing was listed"),
            "{flags:?}: {}",
            run.stderr
        );
        assert!(
            !run.stderr.contains("cannot list"),
            "{flags:?}: {}",
            run.stderr
        );
        let records = run.records();
        assert_eq!(records.len(), 1, "{flags:?}: {}", run.stdout);
        assert_eq!(records[0]["type"], "fatal");
    }
}

#[test]
fn a_key_prefix_without_recursive_is_refused_not_ignored() {
    let run = common::s3presign()
        .with_example_keys()
        .args([
            "url",
            "--bucket",
            "my-bucket",
            "--key-prefix",
            "p/",
            "--key",
            "k",
        ])
        .run();
    run.expect_code(2);
    assert!(run.stdout.is_empty(), "nothing signed: {}", run.stdout);
    assert!(run.stderr.contains("--recursive"), "{}", run.stderr);
}
