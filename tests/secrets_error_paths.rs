//! Canaries on the error paths: secrets that reach s3presign through a failing credential helper,
//! a reflecting STS or S3, a mangled URL, a key put in the wrong flag or an input field that is not
//! the protocol's never come out again — not literally, percent-encoded or base64-encoded — on
//! stdout, stderr or in JSON records. Also: assume-role profiles sign through `--profile`
//! (against a loopback STS stand-in), and bad lines in `inspect` are item errors, never a stop.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;

use common::leaks::{assert_absent, secret_forms as forms};
use common::*;

const SECRET: &str = "CANARYsecretKEYcanary/secret+key0123456789";
const TOKEN: &str = "CANARYsessionTOKEN/canary+session=token0123456789abcdef";
/// 32 bytes, base64: a well-formed SSE-C key.
const SSE_KEY: &str = "Q0FOQVJZLXNzZS1jLWtleS1DQU5BUlktc3NlLWMtayE=";

/// Fails if any form of any canary appears in what the run printed.
fn assert_no_leak(run: &Run, what: &str, canaries: &[&str]) {
    let printed = format!("{}\n{}", run.stdout, run.stderr);
    for canary in canaries {
        assert_absent(&printed, canary, what);
    }
}

fn profile_files(dir: &Path, config: &str, credentials: &str) -> S3Presign {
    let config = write_file(dir, "config", config);
    let credentials = write_file(dir, "credentials", credentials);
    s3presign()
        .env("AWS_CONFIG_FILE", &config)
        .env("AWS_SHARED_CREDENTIALS_FILE", &credentials)
}

/// A helper script that prints the canaries on stderr (as helpers that log do) and fails.
fn failing_helper(dir: &Path) -> String {
    let script = write_file(
        dir,
        "helper.sh",
        &format!(
            "#!/bin/sh\necho \"using cached {{\\\"SecretAccessKey\\\":\\\"{SECRET}\\\",\\\"SessionToken\\\":\\\"{TOKEN}\\\"}}\" >&2\nexit 3\n"
        ),
    );
    make_executable(&script);
    script.display().to_string()
}

fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn a_failing_credential_helper_is_reported_without_its_output() {
    let dir = tempfile::tempdir().unwrap();
    let helper = failing_helper(dir.path());
    let config = format!("[profile helper]\nregion = eu-west-1\ncredential_process = {helper}\n");
    let commands: [&[&str]; 4] = [
        &[
            "url",
            "--bucket",
            "b-1",
            "--key",
            "k",
            "--profile",
            "helper",
        ],
        &["batch", "--profile", "helper"],
        &[
            "post",
            "--bucket",
            "b-1",
            "--key",
            "k",
            "--profile",
            "helper",
            "--output",
            "json",
        ],
        &[
            "inspect",
            "--verify",
            "--profile",
            "helper",
            "--output",
            "json",
            "https://b-1.s3.eu-west-1.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256",
        ],
    ];
    for args in commands {
        let run = profile_files(dir.path(), &config, "")
            .args(args)
            .run_with_stdin("{\"bucket\":\"b-1\",\"key\":\"k\"}\n");
        run.expect_code(2);
        assert!(
            run.stderr
                .contains("credential_process helper failed (exit status: 3)"),
            "{args:?}: {}",
            run.stderr
        );
        assert!(run.stderr.contains("by hand"), "{args:?}: {}", run.stderr);
        assert_no_leak(&run, &format!("{args:?}"), &[SECRET, TOKEN]);
    }
}

#[test]
fn expired_or_empty_credentials_are_setup_errors() {
    let dir = tempfile::tempdir().unwrap();
    let expired = write_file(
        dir.path(),
        "expired.sh",
        &format!(
            "#!/bin/sh\necho '{{\"Version\":1,\"AccessKeyId\":\"ASIAEXPIRED000000001\",\"SecretAccessKey\":\"{SECRET}\",\"SessionToken\":\"{TOKEN}\",\"Expiration\":\"2020-01-01T00:00:00Z\"}}'\n"
        ),
    );
    make_executable(&expired);
    let config = format!(
        "[profile stale]\nregion = eu-west-1\ncredential_process = {}\n[profile blank]\nregion = eu-west-1\n",
        expired.display()
    );
    let run = profile_files(dir.path(), &config, "")
        .args(["url", "--bucket", "b-1", "--key", "k", "--profile", "stale"])
        .run();
    run.expect_code(2);
    assert!(
        run.stderr.contains("expired at 2020-01-01T00:00:00Z"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty(), "nothing is signed: {}", run.stdout);
    assert_no_leak(&run, "expired", &[SECRET, TOKEN]);

    let run = profile_files(
        dir.path(),
        &config,
        &format!("[blank]\naws_access_key_id =\naws_secret_access_key = {SECRET}\n"),
    )
    .args(["url", "--bucket", "b-1", "--key", "k", "--profile", "blank"])
    .run();
    run.expect_code(2);
    assert!(run.stderr.contains("empty access key id"), "{}", run.stderr);
    assert_no_leak(&run, "empty key id", &[SECRET]);
}

/// A token URL whose separators were percent-encoded, and other mangled forms of it.
#[test]
fn inspect_never_quotes_parameter_values_and_redacts_tokens_in_any_form() {
    let signature = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    let token_once: String = forms(TOKEN)[1].clone();
    let query = format!(
        "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=ASIAEXAMPLE%2F20260101%2Fus-east-1%2Fs3%2Faws4_request\
         &X-Amz-Date=20260101T000000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host\
         &X-Amz-Security-Token={token_once}&X-Amz-Signature={signature}"
    );
    let base = "https://b-1.s3.amazonaws.com/k";
    let percent_separators = format!("{base}?{}", query.replace('&', "%26"));
    let run = s3presign()
        .args(["inspect", "--output", "json"])
        .run_with_stdin(&format!("{percent_separators}\n"));
    run.expect_code(1);
    assert_no_leak(&run, "%26 separators", &[TOKEN, signature]);
    let record = &run.records()[0];
    assert_eq!(record["type"], "error", "{record}");
    assert!(
        record["input"]["url"]
            .as_str()
            .unwrap()
            .contains("REDACTED"),
        "{record}"
    );

    // The token's name percent-encoded: S3 decodes names, so this is a token URL.
    let encoded_name = format!(
        "{base}?{}",
        query.replace("X-Amz-Security-Token", "X-Amz-Security%2DToken")
    );
    let html_escaped = format!("{base}?{}", query.replace('&', "&amp;"));
    for (what, url) in [
        ("encoded name", &encoded_name),
        ("plain", &format!("{base}?{query}")),
    ] {
        let run = s3presign().args(["inspect", "--output", "json", url]).run();
        run.expect_code(0);
        let record = &run.records()[0];
        assert_eq!(record["has_session_token"], true, "{what}: {record}");
        assert!(
            record["url"].as_str().unwrap().contains("REDACTED"),
            "{what}: {record}"
        );
        assert_no_leak(&run, what, &[TOKEN]);
    }
    let run = s3presign()
        .args(["inspect", "--output", "json", &html_escaped])
        .run();
    assert_no_leak(&run, "&amp; separators", &[TOKEN]);
}

#[test]
fn inspect_reads_every_line_and_never_panics() {
    let good = "https://b-1.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256\
                &X-Amz-Credential=AKIAEXAMPLE%2F20260101%2Fus-east-1%2Fs3%2Faws4_request\
                &X-Amz-Date=20260101T000000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host\
                &X-Amz-Signature=00";
    let with = |expires: &str, date: &str| {
        good.replace("X-Amz-Expires=3600", &format!("X-Amz-Expires={expires}"))
            .replace("X-Amz-Date=20260101T000000Z", &format!("X-Amz-Date={date}"))
    };
    let mut input: Vec<u8> = Vec::new();
    for line in [
        with("99999999999999999999", "20260101T000000Z"),
        with("9223372036854775807", "20260101T000000Z"),
        with("-5", "20260101T000000Z"),
        with("3600", "99991231T235959Z"),
    ] {
        input.extend_from_slice(line.as_bytes());
        input.push(b'\n');
    }
    input.extend_from_slice(b"https://b-1.s3.amazonaws.com/\xff\xfe?x=1\n");
    input.extend_from_slice(good.as_bytes());
    input.push(b'\n');

    let mut child = std::process::Command::new(bin_path())
        .args(["inspect", "--output", "json"])
        .env("HOME", tempfile::tempdir().unwrap().path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&input).unwrap();
    let output = child.wait_with_output().unwrap();
    let run = Run::from(output);
    run.expect_code(1);
    let records = run.records();
    let kinds: Vec<&str> = records
        .iter()
        .map(|r| r["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["error", "error", "error", "error", "error", "inspection"],
        "{}",
        run.stdout
    );
    let messages: Vec<&str> = records[..5]
        .iter()
        .map(|r| r["message"].as_str().unwrap())
        .collect();
    assert!(
        messages[0].contains("X-Amz-Expires is not a whole number"),
        "{messages:?}"
    );
    assert!(messages[1].contains("past the year 9999"), "{messages:?}");
    assert!(messages[2].contains("negative"), "{messages:?}");
    assert!(messages[3].contains("past the year 9999"), "{messages:?}");
    assert!(messages[4].contains("not UTF-8"), "{messages:?}");
    assert_eq!(records[5]["line"], 6);
}

#[test]
fn an_sse_c_key_in_the_wrong_place_is_never_echoed() {
    let dir = tempfile::tempdir().unwrap();
    let key_file = write_file(dir.path(), "key.b64", SSE_KEY);
    let put = ["url", "--bucket", "b-1", "--key", "k", "--verb", "PUT"];
    let unpadded = SSE_KEY.trim_end_matches('=');
    let wrong: Vec<Vec<String>> = vec![
        vec!["--sse-customer-key".into(), format!("env:{SSE_KEY}")],
        vec!["--sse-customer-key".into(), format!("env:{unpadded}")],
        vec!["--sse-customer-key".into(), format!("file:{SSE_KEY}")],
        vec!["--sse-customer-key".into(), SSE_KEY.into()],
        vec![
            "--sse-customer-key".into(),
            format!("file:{}", key_file.display()),
            "--sse-customer-key-md5".into(),
            SSE_KEY.into(),
        ],
    ];
    for extra in wrong {
        let run = s3presign()
            .with_example_keys()
            .args(put)
            .args(&extra)
            .args(["--output", "json"])
            .run();
        run.expect_code(2);
        assert!(run.stderr.contains("--sse-customer-key"), "{}", run.stderr);
        assert_no_leak(&run, &format!("{extra:?}"), &[SSE_KEY, unpadded]);
    }
    let run = s3presign()
        .args([
            "inspect",
            "--header",
            &format!("x-amz-server-side-encryption-customer-key={SSE_KEY}"),
            "https://b-1.s3.amazonaws.com/k",
        ])
        .run();
    run.expect_code(2);
    assert!(run.stderr.contains("--header number 1"), "{}", run.stderr);
    assert_no_leak(&run, "inspect --header", &[SSE_KEY]);
}

#[test]
fn the_sse_c_key_variable_is_not_passed_on_to_credential_helpers() {
    let dir = tempfile::tempdir().unwrap();
    let seen = dir.path().join("helper-env");
    let helper = write_file(
        dir.path(),
        "helper.sh",
        &format!(
            "#!/bin/sh\nenv > '{}'\necho '{{\"Version\":1,\"AccessKeyId\":\"AKIAHELPER0000000001\",\"SecretAccessKey\":\"{SECRET}\"}}'\n",
            seen.display()
        ),
    );
    make_executable(&helper);
    let config = format!(
        "[profile helper]\nregion = eu-west-1\ncredential_process = {}\n",
        helper.display()
    );
    let run = profile_files(dir.path(), &config, "")
        .env("MY_SSE_KEY", SSE_KEY)
        .args([
            "url",
            "--bucket",
            "b-1",
            "--key",
            "k",
            "--verb",
            "PUT",
            "--profile",
            "helper",
            "--sse-customer-key",
            "env:MY_SSE_KEY",
        ])
        .run();
    run.expect_code(0);
    assert!(
        run.stdout.contains("X-Amz-Credential=AKIAHELPER0000000001"),
        "{}",
        run.stdout
    );
    let environment = std::fs::read_to_string(&seen).expect("the helper ran");
    assert!(
        environment.contains("AWS_CONFIG_FILE="),
        "the helper's environment was written"
    );
    assert!(!environment.contains("MY_SSE_KEY"), "{environment}");
    assert!(!environment.contains(SSE_KEY), "{environment}");
}

#[test]
fn batch_errors_echo_only_the_protocols_fields() {
    let run = s3presign()
        .with_example_keys()
        .args(["batch"])
        .run_with_stdin(&format!(
            "{{\"bucket\":\"b-1\",\"key\":\"k\",\"aws_secret_access_key\":\"{SECRET}\",\"sse_customer_key\":\"{SSE_KEY}\"}}\n\
             {{\"bucket\":\"b-1\",\"key\":7,\"token\":\"{TOKEN}\"}}\n"
        ));
    run.expect_code(1);
    let records = run.records();
    assert_eq!(records.len(), 2);
    assert_eq!(records[0]["code"], "unknown_field");
    assert_eq!(records[0]["input"]["bucket"], "b-1");
    assert_eq!(records[1]["input"]["key"], 7);
    assert_no_leak(&run, "batch", &[SECRET, SSE_KEY, TOKEN]);
}

/// A loopback HTTP server that answers every request with `respond(request text)`; returns its
/// base URL. It runs until the test process ends.
fn serve(respond: fn(&str) -> (u16, String)) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream);
            let mut head = String::new();
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                head.push_str(&line);
            }
            let length = head
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                })
                .unwrap_or(0);
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            let request = format!("{head}\n{}", String::from_utf8_lossy(&body));
            let (status, text) = respond(&request);
            let mut stream = reader.into_inner();
            let _ = write!(
                stream,
                "HTTP/1.1 {status} X\r\ncontent-type: text/xml\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{text}",
                text.len()
            );
        }
    });
    format!("http://{address}")
}

/// An S3 that refuses every request and quotes it back in its error message.
fn reflecting_s3(request: &str) -> (u16, String) {
    (
        400,
        format!(
            "<?xml version=\"1.0\"?><Error><Code>InvalidRequest</Code><Message>you sent: {}</Message><RequestId>1</RequestId></Error>",
            request.replace('<', "&lt;").replace('&', "&amp;")
        ),
    )
}

#[test]
fn an_s3_error_body_is_not_relayed() {
    let endpoint = serve(reflecting_s3);
    let dir = tempfile::tempdir().unwrap();
    let key_file = write_file(dir.path(), "key.b64", SSE_KEY);
    let run = s3presign()
        .env("AWS_ACCESS_KEY_ID", "ASIAREFLECT000000001")
        .env("AWS_SECRET_ACCESS_KEY", SECRET)
        .env("AWS_SESSION_TOKEN", TOKEN)
        .env("AWS_REGION", "us-east-1")
        .args([
            "multipart",
            "create",
            "--bucket",
            "b-1",
            "--key",
            "k",
            "--endpoint-url",
            &endpoint,
            "--path-style",
            "--sse-customer-key",
            &format!("file:{}", key_file.display()),
        ])
        .run();
    assert_ne!(run.code, 0, "{}", run.stdout);
    assert!(
        run.stderr.contains("S3 answered InvalidRequest"),
        "{}",
        run.stderr
    );
    assert_no_leak(&run, "multipart create", &[SECRET, TOKEN, SSE_KEY]);
}

/// STS's AssumeRole, answered with fixed temporary credentials (valid for an hour).
fn sts(request: &str) -> (u16, String) {
    if !request.contains("Action=AssumeRole") {
        return (
            400,
            "<ErrorResponse><Error><Code>InvalidAction</Code></Error></ErrorResponse>".into(),
        );
    }
    let expiration =
        (chrono::Utc::now() + chrono::TimeDelta::hours(1)).format("%Y-%m-%dT%H:%M:%SZ");
    (
        200,
        format!(
            "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult>\
             <Credentials><AccessKeyId>ASIAASSUMED000000001</AccessKeyId>\
             <SecretAccessKey>assumedSecretKey0000000000000000000000000</SecretAccessKey>\
             <SessionToken>assumedSessionToken</SessionToken><Expiration>{expiration}</Expiration></Credentials>\
             <AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/reader/s3presign</Arn>\
             <AssumedRoleId>AROAEXAMPLE:s3presign</AssumedRoleId></AssumedRoleUser></AssumeRoleResult>\
             <ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></AssumeRoleResponse>"
        ),
    )
}

/// An STS that refuses and quotes the request (with the source profile's session token) back.
fn reflecting_sts(request: &str) -> (u16, String) {
    (
        403,
        format!(
            "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>you sent: {}</Message></Error><RequestId>1</RequestId></ErrorResponse>",
            request.replace('<', "&lt;").replace('&', "&amp;")
        ),
    )
}

/// `url` signed as profile `reader` (role_arn + source_profile `base`, whose keys are the canaries),
/// with STS at `sts_endpoint`; the profile named by `--profile`, or else by AWS_PROFILE.
fn sign_as_reader(sts_endpoint: &str, by_flag: bool) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let config = "[profile reader]\nrole_arn = arn:aws:iam::123456789012:role/reader\n\
                  source_profile = base\nregion = eu-west-1\n[profile base]\nregion = eu-west-1\n";
    let credentials = format!(
        "[base]\naws_access_key_id = ASIABASE000000000001\naws_secret_access_key = {SECRET}\naws_session_token = {TOKEN}\n"
    );
    let command = profile_files(dir.path(), config, &credentials)
        .env("AWS_ENDPOINT_URL_STS", sts_endpoint)
        .args(["url", "--bucket", "b-1", "--key", "k"]);
    if by_flag {
        command.args(["--profile", "reader"]).run()
    } else {
        command.env("AWS_PROFILE", "reader").run()
    }
}

#[test]
fn assume_role_profiles_sign_with_the_profile_flag_and_with_aws_profile() {
    let endpoint = serve(sts);
    for (what, by_flag) in [("--profile", true), ("AWS_PROFILE", false)] {
        let run = sign_as_reader(&endpoint, by_flag);
        run.expect_code(0);
        assert!(
            run.stdout
                .contains("X-Amz-Credential=ASIAASSUMED000000001%2F")
                && run.stdout.contains("%2Feu-west-1%2Fs3%2Faws4_request")
                && run
                    .stdout
                    .contains("X-Amz-Security-Token=assumedSessionToken"),
            "{what}: {}",
            run.stdout
        );
        assert_no_leak(&run, what, &[SECRET, TOKEN]);
    }
}

#[test]
fn an_sts_error_body_is_not_relayed() {
    let endpoint = serve(reflecting_sts);
    let run = sign_as_reader(&endpoint, true);
    run.expect_code(2);
    assert!(run.stderr.contains("reader"), "{}", run.stderr);
    assert!(
        run.stderr.contains("AccessDenied"),
        "STS was asked: {}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("you sent"),
        "the body is not relayed: {}",
        run.stderr
    );
    assert_no_leak(&run, "reflecting STS", &[SECRET, TOKEN]);
}
