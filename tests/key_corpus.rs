//! Keys that break signers in the wild. Each round-trips through PUT then GET on the S3 server,
//! except those the file-backed server cannot store (long keys, a trailing `/`, `.` and `..`
//! segments): those are checked against botocore's signer instead.

mod common;

use common::*;

const STORABLE: &[&str] = &[
    "with space.txt",
    "plus+sign",
    "percent%2Fliteral",
    "equals=sign",
    "amp&ersand",
    "question?mark",
    "hash#tag",
    "tilde~",
    "star*",
    "quote'",
    "bang!",
    "(parens)",
    "double//slash",
    "nfc-\u{e9}",
    "nfd-e\u{301}",
    "日本語のキー",
    "한국어",
    "emoji-😀🎉",
    "tab\there",
    "-starts-with-dash",
    "--double-dash",
    "a/b/c/deep.txt",
    "semi;colon,comma",
    "at@dollar$",
    "brackets[]{}",
    "caret^pipe|",
    "back\\slash",
    "lt<gt>",
    "back`tick",
    "\"quoted\"",
];

fn unstorable() -> Vec<String> {
    let mut keys: Vec<String> = [
        "trailing/",
        "a/../b",
        "./here",
        "a/./b",
        "..",
        ".",
        "/leading-slash",
    ]
    .iter()
    .map(|k| k.to_string())
    .collect();
    keys.push("k".repeat(1024)); // the maximum key length
    keys.push(format!("{}é", "x".repeat(1022))); // 1024 bytes, ending in a 2-byte character
    keys.push("a/".repeat(512)); // 1024 bytes of segments
    keys
}

fn batch(server: Option<&TestServer>, lines: &[serde_json::Value]) -> Vec<serde_json::Value> {
    let input: String = lines.iter().map(|l| format!("{l}\n")).collect();
    let cmd = match server {
        Some(s) => s.s3presign().args(["batch", "--region", "us-east-1"]),
        None => {
            s3presign()
                .with_example_keys()
                .args(["batch", "--start-time", "2025-06-01T00:00:00Z"])
        }
    };
    let run = cmd.run_with_stdin(&input);
    run.expect_code(0);
    run.records()
}

#[test]
fn every_storable_key_round_trips_through_put_and_get() {
    let server = TestServer::start();
    server.create_bucket("corpus");
    let puts: Vec<_> = STORABLE
        .iter()
        .map(|k| serde_json::json!({"bucket": "corpus", "key": k, "verb": "PUT"}))
        .collect();
    for (record, key) in batch(Some(&server), &puts).iter().zip(STORABLE) {
        let put = fetch("PUT", record["url"].as_str().unwrap(), &[], key.as_bytes());
        assert_eq!(put.status, 200, "PUT {key:?}: {}", put.body);
    }
    let gets: Vec<_> = STORABLE
        .iter()
        .map(|k| serde_json::json!({"bucket": "corpus", "key": k}))
        .collect();
    for (record, key) in batch(Some(&server), &gets).iter().zip(STORABLE) {
        let got = fetch("GET", record["url"].as_str().unwrap(), &[], b"");
        assert_eq!((got.status, got.body.as_str()), (200, *key), "GET {key:?}");
    }
}

#[test]
fn nfc_and_nfd_spellings_are_different_keys() {
    let server = TestServer::start();
    server.create_bucket("corpus");
    server.put_object("corpus", "caf\u{e9}", b"composed");
    let records = batch(
        Some(&server),
        &[
            serde_json::json!({"bucket": "corpus", "key": "caf\u{e9}"}),
            serde_json::json!({"bucket": "corpus", "key": "cafe\u{301}"}),
        ],
    );
    assert_ne!(
        records[0]["url"], records[1]["url"],
        "keys are bytes: no Unicode normalisation"
    );
    assert_eq!(
        fetch("GET", records[0]["url"].as_str().unwrap(), &[], b"").body,
        "composed"
    );
    assert_eq!(
        fetch("GET", records[1]["url"].as_str().unwrap(), &[], b"").status,
        404
    );
}

#[test]
fn keys_the_server_cannot_store_match_botocore() {
    let requests: Vec<_> = unstorable()
        .iter()
        .chain(
            STORABLE
                .iter()
                .map(|k| k.to_string())
                .collect::<Vec<_>>()
                .iter(),
        )
        .flat_map(|k| {
            ["GET", "PUT"]
                .map(|verb| serde_json::json!({"bucket": "my-bucket", "key": k, "verb": verb}))
        })
        .collect();
    let results = batch(None, &requests);
    botocore_check(
        &Signing::us_east_1("2025-06-01T00:00:00Z"),
        &requests,
        &results,
    );
}

#[test]
fn a_key_one_byte_over_the_limit_is_refused() {
    let run = s3presign()
        .with_example_keys()
        .args(["url", "--bucket", "my-bucket", "--key", &"k".repeat(1025)])
        .run();
    run.expect_code(1);
    assert!(
        run.stderr.contains("1025 bytes") && run.stderr.contains("1024"),
        "{}",
        run.stderr
    );
}

#[test]
fn dot_segment_keys_are_signed_with_a_warning() {
    let run = s3presign()
        .with_example_keys()
        .args(["batch"])
        .run_with_stdin("{\"bucket\":\"b-1\",\"key\":\"a/../b\"}\n{\"bucket\":\"b-1\",\"key\":\"./c\"}\n{\"bucket\":\"b-1\",\"key\":\"a..b/c.\"}\n");
    run.expect_code(0);
    let r = run.records();
    assert!(r[0]["warnings"][0]
        .as_str()
        .unwrap()
        .contains("--path-as-is"));
    assert_eq!(r[1]["warnings"].as_array().unwrap().len(), 1);
    assert_eq!(
        r[2]["warnings"].as_array().unwrap().len(),
        0,
        "dots inside a segment are fine"
    );
    assert_eq!(
        run.stderr.matches("warning:").count(),
        1,
        "once per kind: {}",
        run.stderr
    );
}
