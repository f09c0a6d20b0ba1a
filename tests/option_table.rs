//! Every request option on every S3 operation s3presign signs (tests/data/option_table.json),
//! against botocore's `generate_presigned_url` for that operation: each pair is either signed
//! into the same URL at the same frozen time, or refused by both (botocore's S3 model has no
//! such parameter for the operation; s3presign answers `option_not_for_verb`).

mod common;

use common::*;
use serde_json::{json, Map, Value};

const SSE_C_KEY_VARIABLE: &str = "S3PRESIGN_TABLE_SSE_C_KEY";

fn table() -> Value {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/option_table.json"
    ))
    .unwrap();
    serde_json::from_str(&text).unwrap()
}

fn merged(parts: &[&Value]) -> Map<String, Value> {
    let mut out = Map::new();
    for part in parts {
        for (k, v) in part.as_object().unwrap() {
            out.insert(k.clone(), v.clone());
        }
    }
    out
}

/// One pair of the table, as s3presign and botocore each get it.
struct Case {
    name: String,
    run_args: Vec<String>,
    line: Value,
    botocore: Value,
}

fn cases(table: &Value) -> Vec<Case> {
    let signing = &table["signing"];
    let mut cases = Vec::new();
    for operation in table["operations"].as_array().unwrap() {
        for option in table["options"].as_array().unwrap() {
            let mut line = merged(&[&operation["line"], &option["line"]]);
            line.insert("bucket".into(), signing["bucket"].clone());
            line.insert("key".into(), signing["key"].clone());
            line.insert("expires_in".into(), signing["expires_in"].clone());
            let mut params = merged(&[&operation["params"], &option["params"]]);
            params.insert("Bucket".into(), signing["bucket"].clone());
            params.insert("Key".into(), signing["key"].clone());
            cases.push(Case {
                name: format!(
                    "{} with {}",
                    operation["operation"].as_str().unwrap(),
                    option["option"].as_str().unwrap()
                ),
                run_args: option["run_args"]
                    .as_array()
                    .map(|a| a.iter().map(|v| v.as_str().unwrap().to_string()).collect())
                    .unwrap_or_default(),
                line: Value::Object(line),
                botocore: json!({
                    "operation": operation["boto_operation"],
                    "params": params,
                    "region": signing["region"],
                    "signed_at": signing["signed_at"],
                    "expires_in": signing["expires_in"],
                }),
            });
        }
    }
    cases
}

/// s3presign's result for each case: one `batch` run per distinct set of run flags.
fn s3presign_results(table: &Value, cases: &[Case]) -> Vec<Value> {
    let signing = &table["signing"];
    let mut results = vec![Value::Null; cases.len()];
    let mut groups: Vec<Vec<String>> = cases.iter().map(|c| c.run_args.clone()).collect();
    groups.sort();
    groups.dedup();
    for run_args in groups {
        let indexes: Vec<usize> = (0..cases.len())
            .filter(|&i| cases[i].run_args == run_args)
            .collect();
        let input: String = indexes
            .iter()
            .map(|&i| cases[i].line.to_string() + "\n")
            .collect();
        let run = s3presign()
            .with_example_keys()
            .env(
                SSE_C_KEY_VARIABLE,
                signing["sse_customer_key"].as_str().unwrap(),
            )
            .args(["batch", "--region", signing["region"].as_str().unwrap()])
            .args(["--start-time", signing["signed_at"].as_str().unwrap()])
            .args(&run_args)
            .run_with_stdin(&input);
        let records = run.records();
        assert_eq!(records.len(), indexes.len(), "{}", run.stderr);
        for (i, record) in indexes.into_iter().zip(records) {
            results[i] = record;
        }
    }
    results
}

#[test]
fn every_option_on_every_operation_is_signed_as_botocore_signs_it_or_refused_by_both() {
    let table = table();
    let cases = cases(&table);
    let ours = s3presign_results(&table, &cases);
    let theirs = botocore_presign(&cases.iter().map(|c| c.botocore.clone()).collect::<Vec<_>>());

    let mut failures = Vec::new();
    let (mut signed, mut refused) = (0, 0);
    for ((case, ours), theirs) in cases.iter().zip(&ours).zip(&theirs) {
        match (theirs.get("url"), ours["type"].as_str()) {
            (Some(url), Some("url")) => {
                if url_parts(ours["url"].as_str().unwrap()) == url_parts(url.as_str().unwrap()) {
                    signed += 1;
                } else {
                    failures.push(format!(
                        "{}: URLs differ\n  ours:     {}\n  botocore: {url}",
                        case.name, ours["url"]
                    ));
                }
            }
            (Some(url), _) => failures.push(format!(
                "{}: botocore signs it ({url}), s3presign refused: {ours}",
                case.name
            )),
            (None, Some("error"))
                if ours["code"] == "option_not_for_verb"
                    || ours["code"] == "content_type_not_put" =>
            {
                refused += 1
            }
            (None, _) => failures.push(format!(
                "{}: botocore refuses it ({}), s3presign gave: {ours}",
                case.name, theirs["refused"]
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The table must exercise both outcomes, or it proves nothing about one of them.
    assert!(
        signed >= 40 && refused >= 60,
        "{signed} signed, {refused} refused"
    );
}

/// The failing input of the report, through `url` flags: an SSE header on an UploadPart URL.
#[test]
fn url_refuses_a_header_the_operation_does_not_take() {
    let run = s3presign()
        .with_example_keys()
        .args([
            "url",
            "--bucket",
            "my-bucket",
            "--key",
            "k",
            "--verb",
            "PUT",
        ])
        .args(["--upload-id", "U1", "--part-number", "1", "--sse", "AES256"])
        .args(["--output", "json"])
        .run();
    run.expect_code(1);
    let record = &run.records()[0];
    assert_eq!(record["code"], "option_not_for_verb", "{record}");
    let message = record["message"].as_str().unwrap();
    assert!(
        message.contains("UploadPart") && message.contains("PutObject"),
        "{message}"
    );
}

/// Server-side encryption and an SSE-C key are two encryption methods: S3 refuses a request
/// with both (400 InvalidArgument), so no URL is made.
#[test]
fn sse_and_an_sse_c_key_together_are_refused() {
    let key = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
    for sse in [
        &["--sse", "AES256"][..],
        &["--sse", "aws:kms", "--sse-kms-key-id", "k1"],
    ] {
        let run = s3presign()
            .with_example_keys()
            .env(SSE_C_KEY_VARIABLE, key)
            .args([
                "url",
                "--bucket",
                "my-bucket",
                "--key",
                "k",
                "--verb",
                "PUT",
            ])
            .args(sse)
            .args(["--sse-customer-key", &format!("env:{SSE_C_KEY_VARIABLE}")])
            .args(["--output", "json"])
            .run();
        run.expect_code(1);
        let record = &run.records()[0];
        assert_eq!(record["code"], "invalid_header", "{record}");
        let message = record["message"].as_str().unwrap();
        assert!(
            message.contains(&format!("sse {}", sse[1])) && message.contains("SSE-C"),
            "{message}"
        );
        assert!(!run.stdout.contains(key) && !run.stderr.contains(key));
    }
}

/// Metadata names that differ only in case would sign one header twice (S3 answers 403
/// SignatureDoesNotMatch): refused in `url` and `batch`, naming both.
#[test]
fn metadata_names_differing_only_in_case_are_refused_in_url_and_batch() {
    let url = s3presign()
        .with_example_keys()
        .args([
            "url",
            "--bucket",
            "my-bucket",
            "--key",
            "k",
            "--verb",
            "PUT",
        ])
        .args(["--metadata", "Owner=a", "--metadata", "owner=b"])
        .run();
    url.expect_code(1);
    assert!(url.stderr.contains("'Owner' and 'owner'"), "{}", url.stderr);
    let batch = s3presign()
        .with_example_keys()
        .args(["batch"])
        .run_with_stdin(
            "{\"bucket\":\"my-bucket\",\"key\":\"k\",\"verb\":\"PUT\",\"metadata\":{\"Tag\":\"a\",\"TAG\":\"b\"}}\n",
        );
    batch.expect_code(1);
    let record = &batch.records()[0];
    assert_eq!(record["code"], "invalid_header", "{record}");
    assert!(
        record["message"]
            .as_str()
            .unwrap()
            .contains("x-amz-meta-tag"),
        "{record}"
    );
}
