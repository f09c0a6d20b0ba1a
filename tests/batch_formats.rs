//! `batch --input-format` and `--output` beyond the JSON Lines protocol:
//! what shell users feed in (key lists, S3 URIs, CSV files) and get out (URL lines, CSV).

mod common;

use common::*;

const START: &str = "2030-01-01T00:00:00Z";

fn batch(args: &[&str], stdin: &str) -> Run {
    s3presign()
        .with_example_keys()
        .args(["batch", "--start-time", START])
        .args(args)
        .run_with_stdin(stdin)
}

fn url(args: &[&str]) -> Run {
    s3presign()
        .with_example_keys()
        .args(["url", "--start-time", START])
        .args(args)
        .run()
}

/// The URL `url --bucket --key` makes: the reference every other form must equal.
fn reference(bucket: &str, key: &str) -> String {
    let run = url(&["--bucket", bucket, "--key", key]);
    run.expect_code(0);
    run.stdout.trim_end_matches('\n').to_string()
}

#[test]
fn keys_input_signs_each_line_with_the_bucket_flag() {
    let run = batch(
        &[
            "--input-format",
            "keys",
            "--bucket",
            "b-1",
            "--output",
            "url",
        ],
        "a.txt\r\ndir/b c.txt\n",
    );
    run.expect_code(0);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines,
        [reference("b-1", "a.txt"), reference("b-1", "dir/b c.txt")]
    );
}

#[test]
fn url_output_keeps_one_line_per_input_with_failures_in_the_middle() {
    // Line 2 blank, line 4 not an S3 URI, line 5 a 64 KiB key (S3 keys are at most 1 KiB).
    let long = "k".repeat(64 * 1024);
    let input = format!(
        "s3://b-1/one\n\ns3://b-1/three\nhttps://b-1/four\ns3://b-1/{long}\ns3://b-1/six\n"
    );
    let run = batch(&["--input-format", "uri", "--output", "url"], &input);
    run.expect_code(1);
    let lines: Vec<&str> = run.stdout.split('\n').collect();
    assert_eq!(lines.len(), 7, "six lines and the final newline");
    assert_eq!(lines[0], reference("b-1", "one"));
    assert_eq!(lines[1], "");
    assert_eq!(lines[2], reference("b-1", "three"));
    assert_eq!(lines[3], "");
    assert_eq!(lines[4], "");
    assert_eq!(lines[5], reference("b-1", "six"));
    for line in ["line 2:", "line 4:", "line 5:"] {
        assert!(run.stderr.contains(line), "{line} in {}", run.stderr);
    }
    assert!(!run.stderr.contains("line 1:") && !run.stderr.contains("line 3:"));
}

#[test]
fn a_byte_order_mark_is_not_part_of_the_first_line() {
    for format in ["keys", "jsonl"] {
        let first = if format == "keys" {
            "a.txt"
        } else {
            r#"{"key":"a.txt"}"#
        };
        let run = batch(
            &[
                "--input-format",
                format,
                "--bucket",
                "b-1",
                "--output",
                "url",
            ],
            &format!("\u{feff}{first}\n"),
        );
        run.expect_code(0);
        assert_eq!(run.stdout.trim_end(), reference("b-1", "a.txt"), "{format}");
    }
}

#[test]
fn csv_with_a_header_reads_columns_by_name_in_any_case() {
    let input = "\u{feff}BucketName,KEY,Size,verb,ExpiresIn\r\n\
                 b-1,\"a,b.txt\",10,,\r\n\
                 \r\n\
                 b-1,put.bin,3,PUT,60\r\n";
    let run = batch(&["--input-format", "csv"], input);
    run.expect_code(0);
    let records = run.records();
    assert_eq!(records.len(), 2, "the blank line is not a row");
    assert_eq!(records[0]["key"], "a,b.txt");
    assert_eq!(records[0]["line"], 1);
    assert_eq!(records[1]["verb"], "PUT");
    assert_eq!(records[1]["expires_in_seconds"], 60);
    assert_eq!(records[1]["line"], 2);
}

#[test]
fn a_malformed_csv_row_is_an_error_naming_it_and_the_rows_after_it_are_signed() {
    let input = "Bucket,Key\nb-1,one\nb-1,two,extra\nb-1,\nb-1,four\n";
    let run = batch(&["--input-format", "csv", "--output", "url"], input);
    run.expect_code(1);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines,
        [
            reference("b-1", "one"),
            String::new(),
            String::new(),
            reference("b-1", "four")
        ]
    );
    assert!(
        run.stderr
            .contains("line 2: (file line 3) the row has 3 fields"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(
            "line 3: (file line 4) the Key cell is empty: give every row a key [missing_key]"
        ),
        "{}",
        run.stderr
    );
    // The last line of stderr counts the failures, for a log that shows only stderr.
    assert_eq!(
        run.stderr.lines().last(),
        Some("s3presign: 2 of 4 requests failed; their errors are above"),
        "{}",
        run.stderr
    );
    let csv = batch(&["--input-format", "csv", "--output", "csv"], input);
    csv.expect_code(1);
    assert_eq!(
        csv.stderr.trim_end(),
        "s3presign: 2 of 4 requests failed; see their Error column"
    );
}

#[test]
fn file_lines_are_right_for_crlf_files_and_after_blank_lines() {
    // As Windows' Export-Csv writes it (CRLF), with a blank line before the last rows.
    let input = "Bucket,Key\r\nb-1,one\r\nb-1,two,extra\r\n\r\nb-1,\r\n";
    let run = batch(&["--input-format", "csv", "--output", "url"], input);
    run.expect_code(1);
    assert!(
        run.stderr
            .contains("line 2: (file line 3) the row has 3 fields"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("line 3: (file line 5) the Key cell is empty"),
        "{}",
        run.stderr
    );
}

#[test]
fn empty_bucket_and_key_cells_are_named_as_cells_unless_a_flag_fills_them() {
    let input = "Bucket,Key\n,one\nb-1,\n";
    let run = batch(&["--input-format", "csv"], input);
    run.expect_code(1);
    let records = run.records();
    assert_eq!(records[0]["code"], "missing_bucket");
    assert_eq!(
        records[0]["message"],
        "line 1: (file line 2) the Bucket cell is empty: fill it, or give --bucket for the rows without one"
    );
    assert_eq!(records[1]["code"], "missing_key");
    assert_eq!(
        records[1]["message"],
        "line 2: (file line 3) the Key cell is empty: give every row a key"
    );

    // --bucket and --key fill the empty cells.
    let filled = batch(
        &[
            "--input-format",
            "csv",
            "--output",
            "url",
            "--bucket",
            "b-2",
            "--key",
            "k",
        ],
        "Bucket,Key\n,one\nb-1,\n",
    );
    filled.expect_code(0);
    let lines: Vec<&str> = filled.stdout.lines().collect();
    assert_eq!(lines, [reference("b-2", "one"), reference("b-1", "k")]);
}

#[test]
fn a_csv_header_without_a_key_column_stops_before_signing() {
    let run = batch(&["--input-format", "csv"], "Bucket,Name\nb-1,x\n");
    run.expect_code(2);
    assert!(run.stderr.contains("no Key column"), "{}", run.stderr);
    // JSON Lines output: the one fatal record of a run that could sign nothing.
    let records = run.records();
    assert_eq!(records.len(), 1, "{}", run.stdout);
    assert_eq!(records[0]["type"], "fatal");
    assert_eq!(records[0]["code"], "usage");
}

#[test]
fn headerless_inventory_csv_with_encoded_keys() {
    // An S3 Inventory report: bucket, key (URL-encoded, '+' for a space), size, last modified.
    let input = "\"b-1\",\"dir/a+b%2Bc.txt\",\"5\",\"2025-01-01T00:00:00.000Z\"\n";
    let run = batch(
        &[
            "--input-format",
            "csv",
            "--columns",
            "bucket,key,size,last_modified_date",
            "--keys-url-encoded",
            "--output",
            "url",
        ],
        input,
    );
    run.expect_code(0);
    assert_eq!(run.stdout.trim_end(), reference("b-1", "dir/a b+c.txt"));
}

#[test]
fn csv_and_tsv_output_have_a_header_and_utc_instants() {
    let input = "{\"bucket\":\"b-1\",\"key\":\"a\\tb,c\"}\n{\"bucket\":\"b-1\"}\n";
    for (format, delimiter) in [("csv", b','), ("tsv", b'\t')] {
        let run = batch(&["--output", format], input);
        run.expect_code(1);
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .from_reader(run.stdout.as_bytes());
        let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
        assert_eq!(&header[..5], ["Line", "Bucket", "Key", "Verb", "Url"]);
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), 2, "{format}");
        let column = |name: &str| header.iter().position(|h| h == name).unwrap();
        assert_eq!(&rows[0][column("Key")], "a\tb,c");
        assert_eq!(&rows[0][column("Url")], reference("b-1", "a\tb,c"));
        assert_eq!(&rows[0][column("SignedAt")], START);
        assert_eq!(&rows[0][column("ExpiresAt")], "2030-01-01T01:00:00Z");
        assert_eq!(&rows[1][column("Line")], "2");
        assert_eq!(&rows[1][column("ErrorCode")], "missing_key");
        assert_eq!(&rows[1][column("Url")], "");
    }
}

#[test]
fn json_is_still_the_name_of_jsonl_output() {
    let input = "{\"bucket\":\"b-1\",\"key\":\"a\"}\n";
    let jsonl = batch(&["--output", "jsonl"], input);
    let json = batch(&["--output", "JSON"], input);
    jsonl.expect_code(0);
    assert_eq!(jsonl.stdout, json.stdout);
    assert_eq!(jsonl.records()[0]["type"], "url");
}

#[test]
fn powershell_output_carries_the_jsonl_record_in_the_module_s_property_names() {
    let input = concat!(
        "{\"bucket\":\"b-1\",\"key\":\"a\",\"version_id\":\"v1\"}\n",
        "{\"bucket\":\"b-1\",\"key\":\"up\",\"verb\":\"PUT\",\"content_type\":\"text/csv\",\"metadata\":{\"owner\":\"ops\"}}\n",
        "{\"bucket\":\"b-1\"}\n",
    );
    let jsonl = batch(&["--output", "jsonl"], input);
    let ps = batch(&["--output", "powershell"], input);
    jsonl.expect_code(1);
    ps.expect_code(1);
    let (jsonl, ps) = (jsonl.records(), ps.records());
    assert_eq!(ps.len(), 3);
    // PowerShell property name -> protocol field, for every property of S3PreSignedUrl.
    let names = [
        ("Bucket", "bucket"),
        ("Key", "key"),
        ("Verb", "verb"),
        ("Url", "url"),
        ("ExpiresAt", "expires_at"),
        ("EffectiveExpiresAt", "effective_expires_at"),
        ("CredentialExpiresAt", "credentials_expire_at"),
        ("SignedAt", "signed_at"),
        ("ExpiresInSeconds", "expires_in_seconds"),
        ("Region", "region"),
        ("VersionId", "version_id"),
        ("ContentType", "content_type"),
        ("UploadId", "upload_id"),
        ("PartNumber", "part_number"),
        ("Curl", "curl"),
        ("InvokeWebRequest", "invoke_web_request"),
    ];
    for (record, reference) in ps.iter().zip(&jsonl).take(2) {
        assert_eq!(record["type"], "url");
        for (property, field) in names {
            assert_eq!(record[property], reference[field], "{property}");
        }
        let headers: Vec<String> = reference["headers"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(name, value)| format!("{name}: {}", value.as_str().unwrap()))
            .collect();
        assert_eq!(record["Headers"], headers.join("\n"));
    }
    assert_eq!(
        ps[1]["Headers"],
        "Content-Type: text/csv\nx-amz-meta-owner: ops"
    );
    assert_eq!(ps[0]["Headers"], "");
    assert_eq!(ps[0]["VersionId"], "v1");
    assert!(
        ps[1].get("VersionId").is_none(),
        "no null fields: {}",
        ps[1]
    );
    // Errors are the protocol's error records, as in every JSON output.
    assert_eq!(ps[2], jsonl[2]);
}

#[test]
fn signing_threads_keep_input_order_and_give_the_same_output_as_one() {
    let mut input = String::new();
    for i in 0..5_000 {
        match i % 97 {
            13 => input.push_str("{\"bucket\":\"b-1\",\"key\":\"\"}\n"),
            50 => input.push_str("not json\n"),
            _ => input.push_str(&format!("{{\"bucket\":\"b-1\",\"key\":\"obj/{i}\"}}\n")),
        }
    }
    for format in ["jsonl", "url", "url-or-error", "powershell", "csv"] {
        let one = batch(&["--output", format, "--threads", "1"], &input);
        let three = batch(&["--output", format, "--threads", "3"], &input);
        one.expect_code(1);
        three.expect_code(1);
        assert_eq!(one.stdout, three.stdout, "{format}");
        assert_eq!(one.stderr, three.stderr, "{format}");
        let lines = one.stdout.lines().count();
        assert_eq!(lines, 5_000 + usize::from(format == "csv"), "{format}");
    }
}

/// Signing threads parse the lines themselves: line numbers, CRLF ends and blank lines come
/// out as on one thread, across chunk boundaries.
#[test]
fn signing_threads_number_raw_lines_as_one_thread_does() {
    let mut input = String::from("\u{feff}");
    for i in 0..3_000 {
        match i % 101 {
            7 => input.push_str("\r\n"),
            8 => input.push_str("s3://b-1/\r\n"),
            _ => input.push_str(&format!("s3://b-1/obj/{i} é?#\r\n")),
        }
    }
    input.push_str("s3://b-1/no-line-end");
    for format in ["jsonl", "url"] {
        let args = ["--input-format", "uri", "--output", format];
        let one = batch(&[&args[..], &["--threads", "1"]].concat(), &input);
        let three = batch(&[&args[..], &["--threads", "3"]].concat(), &input);
        one.expect_code(1);
        assert_eq!(one.stdout, three.stdout, "{format}");
        assert_eq!(one.stderr, three.stderr, "{format}");
        assert_eq!(one.stdout.lines().count(), 3_001, "{format}");
    }
    let url = batch(&["--input-format", "uri", "--output", "url"], &input);
    for line in ["line 8: ", "line 9: ", "line 2836: ", "line 2837: "] {
        assert!(url.stderr.contains(line), "{line}: {}", url.stderr);
    }
    assert!(url.stdout.lines().last().unwrap().contains("/no-line-end?"));
}

/// stdin a file (progress would be possible) but stderr a pipe, not a terminal: no progress.
#[test]
fn no_progress_line_when_stderr_is_not_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let mut input = String::new();
    for i in 0..3_000 {
        input.push_str(&format!("k/{i}\n"));
    }
    let path = write_file(dir.path(), "keys.txt", &input);
    let output = std::process::Command::new(bin_path())
        .args([
            "batch",
            "--bucket",
            "b-1",
            "--input-format",
            "keys",
            "--output",
            "url",
        ])
        .env("AWS_ACCESS_KEY_ID", ACCESS_KEY)
        .env("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .stdin(std::fs::File::open(&path).unwrap())
        .output()
        .unwrap();
    assert!(output.status.success());
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).lines().count(),
        3_000
    );
    assert!(
        output.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The same batch with stderr on a pseudo-terminal (util-linux `script`): the progress line
/// appears there, and stdout still holds nothing but the URLs; `--no-progress` silences it.
#[test]
fn a_progress_line_on_a_terminal_and_never_on_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let mut input = String::new();
    for i in 0..20_000 {
        input.push_str(&format!("k/{i}\n"));
    }
    write_file(dir.path(), "keys.txt", &input);
    for (flag, shown) in [("", true), ("--no-progress", false)] {
        let command = format!(
            "{} batch --bucket b-1 --input-format keys --output url {flag} < keys.txt > urls.txt",
            bin_path().display()
        );
        let output = std::process::Command::new("script")
            .args(["-qec", &command, "/dev/null"])
            .current_dir(dir.path())
            .env("AWS_ACCESS_KEY_ID", ACCESS_KEY)
            .env("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
            .env("AWS_REGION", "us-east-1")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env_remove("AWS_PROFILE")
            .output()
            .expect("util-linux `script` runs (it gives the batch a pseudo-terminal)");
        assert!(output.status.success(), "{output:?}");
        let terminal = String::from_utf8_lossy(&output.stdout);
        assert_eq!(terminal.contains("requests"), shown, "{flag}: {terminal}");
        let urls = std::fs::read_to_string(dir.path().join("urls.txt")).unwrap();
        assert_eq!(urls.lines().count(), 20_000);
        assert!(urls.lines().all(|l| l.starts_with("https://")), "{flag}");
    }
}

#[test]
fn a_setup_failure_leaves_url_and_csv_output_free_of_json() {
    for output in ["url", "csv", "tsv"] {
        let run = s3presign()
            .with_example_keys()
            .args(["batch", "--input-format", "keys", "--bucket", "b-1"])
            .args(["--region", "eu-wset-1", "--output", output])
            .run_with_stdin("a\n");
        run.expect_code(2);
        assert_eq!(run.stdout, "", "--output {output}");
        assert!(
            run.stderr.contains("s3presign: error:") && run.stderr.contains("eu-wset-1"),
            "--output {output}: {}",
            run.stderr
        );
    }
    // JSON record outputs keep their fatal record.
    let run = s3presign()
        .with_example_keys()
        .args(["batch", "--input-format", "keys", "--bucket", "b-1"])
        .args(["--region", "eu-wset-1", "--output", "url-or-error"])
        .run_with_stdin("a\n");
    run.expect_code(2);
    assert_eq!(run.records()[0]["type"], "fatal");
}

#[test]
fn a_csv_input_that_stops_at_its_header_leaves_csv_output_empty() {
    for threads in ["1", "2"] {
        for output in ["csv", "tsv"] {
            let run = batch(
                &[
                    "--input-format",
                    "csv",
                    "--output",
                    output,
                    "--threads",
                    threads,
                ],
                "Bucket,Name\nb-1,a\n",
            );
            run.expect_code(2);
            assert_eq!(run.stdout, "", "--output {output}, {threads} thread(s)");
            assert!(run.stderr.contains("no Key column"), "{}", run.stderr);
        }
        // An empty CSV input is no rows, as an empty key list is.
        let no_csv = batch(
            &[
                "--input-format",
                "csv",
                "--output",
                "csv",
                "--threads",
                threads,
            ],
            "",
        );
        no_csv.expect_code(0);
        assert_eq!(no_csv.stdout.lines().count(), 1, "{}", no_csv.stdout);
        // An input with no lines still gets the header.
        let empty = batch(
            &[
                "--input-format",
                "keys",
                "--bucket",
                "b-1",
                "--output",
                "csv",
                "--threads",
                threads,
            ],
            "",
        );
        empty.expect_code(0);
        assert!(
            empty.stdout.starts_with("Line,Bucket,Key,"),
            "{}",
            empty.stdout
        );
        assert_eq!(empty.stdout.lines().count(), 1);
    }
}

#[test]
fn a_key_list_without_bucket_is_one_usage_error_not_one_per_line() {
    let run = batch(&["--input-format", "keys"], "a\nb\nc\n");
    run.expect_code(2);
    let records = run.records();
    assert_eq!(records.len(), 1, "{}", run.stdout);
    assert_eq!(records[0]["type"], "fatal");
    assert!(
        records[0]["message"].as_str().unwrap().contains("--bucket"),
        "{}",
        records[0]
    );
}

#[test]
fn a_csv_without_bucket_column_or_flag_stops_before_the_first_row() {
    let run = batch(&["--input-format", "csv"], "Key\na\nb\n");
    run.expect_code(2);
    let records = run.records();
    assert_eq!(records.len(), 1, "nothing signed: {}", run.stdout);
    assert_eq!(records[0]["type"], "fatal");
    assert!(
        run.stderr.contains("no Bucket (or BucketName) column"),
        "{}",
        run.stderr
    );
    assert_eq!(
        run.stderr.lines().count(),
        1,
        "one error, not one per row: {}",
        run.stderr
    );
    // With --bucket, the same file signs.
    let run = batch(
        &[
            "--input-format",
            "csv",
            "--bucket",
            "b-1",
            "--output",
            "url",
        ],
        "Key\na\nb\n",
    );
    run.expect_code(0);
    assert_eq!(run.stdout.lines().count(), 2);
}

#[test]
fn a_uri_line_without_a_key_says_to_write_the_key() {
    let run = batch(
        &["--input-format", "uri"],
        "s3://b-1\ns3://b-1/\ns3://b-1/k\n",
    );
    run.expect_code(1);
    let records = run.records();
    for record in &records[..2] {
        assert_eq!(record["code"], "missing_key");
        let message = record["message"].as_str().unwrap();
        assert!(message.contains("s3://BUCKET/KEY"), "{message}");
        assert!(
            !message.contains("--key"),
            "a URI line has no --key: {message}"
        );
    }
    assert_eq!(records[2]["type"], "url");
}
