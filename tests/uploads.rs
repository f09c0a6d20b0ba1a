//! Signed headers, download overrides and multipart uploads, used against the S3 server as a
//! client holding no credentials would.

mod common;

use common::*;

fn sign_json(server: &TestServer, args: &[&str]) -> serde_json::Value {
    let run = server
        .s3presign()
        .args(["url", "--region", "us-east-1", "--output", "json"])
        .args(args)
        .run();
    run.expect_code(0);
    run.records().remove(0)
}

fn headers_of(record: &serde_json::Value) -> Vec<(String, String)> {
    record["headers"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(n, v)| (n.clone(), v.as_str().unwrap().to_string()))
        .collect()
}

#[test]
fn signed_put_headers_must_be_sent_exactly() {
    let server = TestServer::start();
    server.create_bucket("uploads");
    let record = sign_json(
        &server,
        &[
            "--bucket",
            "uploads",
            "--key",
            "doc.txt",
            "--verb",
            "PUT",
            "--content-type",
            "text/plain",
            "--metadata",
            "owner=ops",
            "--storage-class",
            "STANDARD",
            "--content-md5",
            "XrY7u+Ae7tCTyyK7j1rNww==",
        ],
    );
    let url = record["url"].as_str().unwrap();
    let headers = headers_of(&record);
    assert_eq!(headers.len(), 4, "{headers:?}");
    assert!(record["curl"]
        .as_str()
        .unwrap()
        .contains("-H 'x-amz-meta-owner: ops'"));
    assert!(record["invoke_web_request"]
        .as_str()
        .unwrap()
        .contains("-ContentType 'text/plain'"));
    let as_refs = |h: &[(String, String)]| {
        h.iter()
            .map(|(n, v)| (n.clone(), v.clone()))
            .collect::<Vec<_>>()
    };

    // Without the metadata header, or with another value: refused.
    let missing: Vec<_> = as_refs(&headers)
        .into_iter()
        .filter(|(n, _)| n != "x-amz-meta-owner")
        .collect();
    let send = |h: &[(String, String)], body: &[u8]| {
        let h: Vec<(&str, &str)> = h.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
        fetch("PUT", url, &h, body)
    };
    assert_eq!(send(&missing, b"hello world").status, 403);
    let mut changed = as_refs(&headers);
    changed
        .iter_mut()
        .find(|(n, _)| n == "x-amz-meta-owner")
        .unwrap()
        .1 = "someone-else".into();
    assert_eq!(send(&changed, b"hello world").status, 403);
    assert_eq!(server.object("uploads", "doc.txt"), None);

    // With every signed header, and the body whose MD5 was signed: stored.
    let ok = send(&headers, b"hello world");
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert_eq!(
        server.object("uploads", "doc.txt").as_deref(),
        Some(&b"hello world"[..])
    );
}

#[test]
fn download_overrides_are_signed() {
    let server = TestServer::start();
    server.create_bucket("files");
    server.put_object("files", "r.pdf", b"%PDF");
    let record = sign_json(
        &server,
        &[
            "--bucket",
            "files",
            "--key",
            "r.pdf",
            "--response-content-disposition",
            "attachment; filename=\"Q1 report.pdf\"",
        ],
    );
    let url = record["url"].as_str().unwrap();
    assert!(
        url.contains(
            "response-content-disposition=attachment%3B%20filename%3D%22Q1%20report.pdf%22"
        ),
        "{url}"
    );
    let got = fetch("GET", url, &[], b"");
    assert_eq!(got.status, 200, "{}", got.body);
    let edited = url.replace("Q1%20report", "other");
    assert_eq!(
        fetch("GET", &edited, &[], b"").status,
        403,
        "the override is part of the signature"
    );
}

#[test]
fn a_multipart_upload_completes_with_presigned_urls_only() {
    let server = TestServer::start();
    server.create_bucket("big");
    let created = server
        .s3presign()
        .args([
            "multipart",
            "create",
            "--region",
            "us-east-1",
            "--bucket",
            "big",
            "--key",
            "video.bin",
        ])
        .run();
    created.expect_code(0);
    let upload_id = created.stdout.trim().to_string();
    assert!(!upload_id.is_empty());

    // Parts of 5 MiB and a last short one, uploaded with part URLs signed in one batch.
    let parts: Vec<Vec<u8>> = vec![
        vec![b'a'; 5 * 1024 * 1024],
        vec![b'b'; 5 * 1024 * 1024],
        b"tail".to_vec(),
    ];
    let lines: String = (1..=parts.len())
        .map(|n| format!("{{\"key\":\"video.bin\",\"verb\":\"PUT\",\"part_number\":{n}}}\n"))
        .collect();
    let batch = server
        .s3presign()
        .args([
            "batch",
            "--region",
            "us-east-1",
            "--bucket",
            "big",
            "--upload-id",
            &upload_id,
        ])
        .run_with_stdin(&lines);
    batch.expect_code(0);
    let mut etags = Vec::new();
    for (record, body) in batch.records().iter().zip(&parts) {
        let url = record["url"].as_str().unwrap();
        assert!(
            url.contains("partNumber=") && url.contains("uploadId="),
            "{url}"
        );
        assert_eq!(record["upload_id"], upload_id.as_str());
        assert_eq!(record["part_number"], etags.len() + 1);
        let put = fetch("PUT", url, &[], body);
        assert_eq!(put.status, 200, "{}", put.body);
        let etag = put
            .headers
            .iter()
            .find(|(n, _)| n == "etag")
            .expect("an ETag")
            .1
            .clone();
        etags.push(etag);
    }

    let complete = sign_json(
        &server,
        &[
            "--bucket",
            "big",
            "--key",
            "video.bin",
            "--verb",
            "POST",
            "--upload-id",
            &upload_id,
        ],
    );
    let xml: String = etags
        .iter()
        .enumerate()
        .map(|(i, etag)| {
            format!(
                "<Part><PartNumber>{}</PartNumber><ETag>{etag}</ETag></Part>",
                i + 1
            )
        })
        .collect();
    let body = format!("<CompleteMultipartUpload>{xml}</CompleteMultipartUpload>");
    let done = fetch(
        "POST",
        complete["url"].as_str().unwrap(),
        &[],
        body.as_bytes(),
    );
    assert_eq!(done.status, 200, "{}", done.body);
    let stored = server
        .object("big", "video.bin")
        .expect("the object exists");
    assert_eq!(stored.len(), 10 * 1024 * 1024 + 4);
    assert!(stored.ends_with(b"tail"));
}

#[test]
fn option_errors_name_the_problem() {
    let run = s3presign()
        .with_example_keys()
        .args(["batch"])
        .run_with_stdin(concat!(
            "{\"bucket\":\"b-1\",\"key\":\"k\",\"verb\":\"PUT\",\"part_number\":3}\n",
            "{\"bucket\":\"b-1\",\"key\":\"k\",\"response_content_type\":\"text/plain\",\"verb\":\"PUT\"}\n",
            "{\"bucket\":\"b-1\",\"key\":\"k\",\"verb\":\"PUT\",\"sse\":\"rot13\"}\n",
            "{\"bucket\":\"b-1\",\"key\":\"k\",\"verb\":\"PUT\",\"metadata\":{\"owner\":7}}\n",
            "{\"bucket\":\"b-1\",\"key\":\"k\",\"verb\":\"PUT\",\"metadata\":{\"owner\":\"ops\"},\"requester_pays\":true}\n",
        ));
    run.expect_code(1);
    let r = run.records();
    assert_eq!(r[0]["code"], "invalid_multipart");
    assert_eq!(r[1]["code"], "option_not_for_verb");
    assert_eq!(r[2]["code"], "invalid_header");
    assert!(r[2]["message"]
        .as_str()
        .unwrap()
        .contains("AES256, aws:kms"));
    assert_eq!(r[3]["code"], "invalid_field");
    assert_eq!(r[4]["headers"]["x-amz-request-payer"], "requester");
    assert_eq!(r[4]["headers"]["x-amz-meta-owner"], "ops");
}

#[test]
fn a_bare_url_that_needs_headers_names_them_on_stderr() {
    let put = s3presign()
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
        .args(["--content-type", "text/csv", "--metadata", "owner=ops"])
        .run();
    put.expect_code(0);
    assert_eq!(put.stdout.lines().count(), 1, "stdout is the URL alone");
    assert!(
        put.stderr.contains(
            "the client must send these signed headers: Content-Type: text/csv; x-amz-meta-owner: ops"
        ),
        "{}",
        put.stderr
    );
    let get = s3presign()
        .with_example_keys()
        .args(["url", "--bucket", "my-bucket", "--key", "k"])
        .run();
    get.expect_code(0);
    assert_eq!(get.stderr, "");
}

/// What `multipart create` sends: a one-request S3 stand-in that records the request head and
/// answers CreateMultipartUpload with upload id `U1`.
fn capture_create(args: &[&str]) -> (Run, String) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let server = std::thread::spawn(move || {
        let (mut socket, _) = listener.accept().unwrap();
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") && socket.read(&mut byte).unwrap() == 1 {
            head.push(byte[0]);
        }
        let body = "<InitiateMultipartUploadResult><Bucket>b-1</Bucket><Key>k</Key><UploadId>U1</UploadId></InitiateMultipartUploadResult>";
        let answer = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        socket.write_all(answer.as_bytes()).unwrap();
        String::from_utf8_lossy(&head).to_string()
    });
    let run = s3presign()
        .with_example_keys()
        .args(["multipart", "create", "--bucket", "b-1", "--key", "k"])
        .args(["--endpoint-url", &endpoint, "--path-style"])
        .args(args)
        .run();
    (run, server.join().unwrap())
}

/// `multipart create --checksum-algorithm` asks S3 for part checksums of that algorithm, so parts
/// signed with `--checksum-sha256` fit the upload; the values are aws-sdk-s3's, in any case.
#[test]
fn multipart_create_sets_the_checksum_algorithm() {
    let (run, head) = capture_create(&["--checksum-algorithm", "sha256"]);
    run.expect_code(0);
    assert_eq!(run.stdout.trim(), "U1");
    let head = head.to_ascii_lowercase();
    assert!(
        head.contains("x-amz-checksum-algorithm: sha256\r\n"),
        "{head}"
    );
    assert!(
        head.contains("x-amz-checksum-algorithm;") || head.contains(";x-amz-checksum-algorithm"),
        "the header is signed: {head}"
    );

    let refused = s3presign()
        .with_example_keys()
        .args(["multipart", "create", "--bucket", "b-1", "--key", "k"])
        .args(["--checksum-algorithm", "CRC16"])
        .run();
    refused.expect_code(2);
    assert!(
        refused.stderr.contains("CRC16") && refused.stderr.contains("CRC32C"),
        "{}",
        refused.stderr
    );
}

/// The live flow: an upload created for SHA-256 part checksums takes a part signed with one.
#[test]
fn a_sha256_upload_takes_parts_signed_with_their_checksum() {
    let server = TestServer::start();
    server.create_bucket("uploads");
    let created = server
        .s3presign()
        .args([
            "multipart",
            "create",
            "--region",
            "us-east-1",
            "--bucket",
            "uploads",
            "--key",
            "big.bin",
        ])
        .args(["--checksum-algorithm", "SHA256"])
        .run();
    created.expect_code(0);
    let upload_id = created.stdout.trim().to_string();
    let body = b"part one bytes";
    // base64 of the SHA-256 of `body`, from Python's standard library.
    let out = std::process::Command::new("python3")
        .args(["-c", "import base64,hashlib,sys; print(base64.b64encode(hashlib.sha256(sys.argv[1].encode()).digest()).decode())", "part one bytes"])
        .output()
        .unwrap();
    let sha = String::from_utf8(out.stdout).unwrap().trim().to_string();
    let part = sign_json(
        &server,
        &[
            "--bucket",
            "uploads",
            "--key",
            "big.bin",
            "--verb",
            "PUT",
            "--upload-id",
            &upload_id,
            "--part-number",
            "1",
            "--checksum-sha256",
            &sha,
        ],
    );
    let headers = headers_of(&part);
    let headers: Vec<(&str, &str)> = headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let sent = fetch("PUT", part["url"].as_str().unwrap(), &headers, body);
    assert_eq!(sent.status, 200, "{}", sent.body);
}

/// One digest from the run's defaults signed into several parts: warned about once.
#[test]
fn one_content_md5_for_several_parts_is_warned_about() {
    let run = s3presign()
        .with_example_keys()
        .args([
            "batch",
            "--bucket",
            "b-1",
            "--key",
            "k",
            "--verb",
            "PUT",
            "--upload-id",
            "U1",
        ])
        .args(["--content-md5", "1B2M2Y8AsgTpgAmY7PhCfg=="])
        .run_with_stdin("{\"part_number\":1}\n{\"part_number\":2}\n{\"part_number\":3}\n");
    run.expect_code(0);
    assert_eq!(run.records().len(), 3, "every part is signed");
    let warnings: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains("content_md5"))
        .collect();
    assert_eq!(warnings.len(), 1, "{}", run.stderr);
    assert!(
        warnings[0].contains("parts 1 and 2") && warnings[0].contains("at most one part"),
        "{}",
        run.stderr
    );

    let own = s3presign()
        .with_example_keys()
        .args(["batch", "--bucket", "b-1", "--key", "k", "--verb", "PUT", "--upload-id", "U1"])
        .run_with_stdin("{\"part_number\":1,\"content_md5\":\"1B2M2Y8AsgTpgAmY7PhCfg==\"}\n{\"part_number\":2,\"content_md5\":\"rL0Y20zC+Fzt72VPzMSk2A==\"}\n");
    own.expect_code(0);
    assert!(!own.stderr.contains("at most one part"), "{}", own.stderr);
}
