//! Canary: a recognisable secret key and session token never reach any output, except the token
//! inside the URLs themselves (X-Amz-Security-Token), where temporary credentials need it.

mod common;

use common::leaks::{assert_absent, base64_encode, secret_forms as forms};
use common::*;

/// Like real secret keys, these have `/` and `+`, so their percent-encoded forms differ.
const SECRET: &str = "CANARYSECRETKEYcanarysecret/key+01234567";
const TOKEN: &str = "CANARYSESSIONTOKEN/canarysessiontoken+x=";
/// An SSE-C key (the base64 of 32 bytes) whose raw bytes are printable too.
const SSE_C_KEY_RAW: &str = "CANARYSSECKEYcanaryssec/key+0123";

fn with_canary(cmd: S3Presign) -> S3Presign {
    cmd.env("AWS_ACCESS_KEY_ID", "ASIACANARYEXAMPLE001")
        .env("AWS_SECRET_ACCESS_KEY", SECRET)
        .env("AWS_SESSION_TOKEN", TOKEN)
        .env("AWS_REGION", "us-east-1")
}

/// Everything printed, with the URLs' own token parameters cut out.
fn leak_check(run: &Run, what: &str) {
    let printed = format!("{}\n{}", run.stdout, run.stderr);
    let mut without_url_tokens = printed.clone();
    for form in forms(TOKEN) {
        without_url_tokens =
            without_url_tokens.replace(&format!("X-Amz-Security-Token={form}"), "");
    }
    assert_absent(&printed, SECRET, what);
    assert_absent(&without_url_tokens, TOKEN, what);
    assert_absent(&printed, SSE_C_KEY_RAW, what);
    assert!(
        !printed.contains("canarysecret"),
        "{what}: part of the secret printed"
    );
}

#[test]
fn the_canary_forms_are_what_they_claim() {
    assert_eq!(
        base64_encode(b"any carnal pleas"),
        "YW55IGNhcm5hbCBwbGVhcw=="
    );
    assert_eq!(
        base64_encode(b"any carnal pleasu"),
        "YW55IGNhcm5hbCBwbGVhc3U="
    );
    let f = forms("a/b+");
    assert_eq!(&f[..3], ["a/b+", "a%2Fb%2B", "a%2fb%2b"]);
    assert_eq!(SSE_C_KEY_RAW.len(), 32, "an SSE-C key is 32 bytes");
    let url_form = forms(TOKEN)[1].clone();
    let run = with_canary(s3presign())
        .args(["url", "--bucket", "b-1", "--key", "k"])
        .run();
    run.expect_code(0);
    assert!(
        run.stdout
            .contains(&format!("X-Amz-Security-Token={url_form}")),
        "{}",
        run.stdout
    );
}

/// `post` puts the token in the form (S3 needs it), never the secret key, in every output.
#[test]
fn post_outputs_never_contain_the_secret() {
    for output in ["json", "html", "curl", "powershell"] {
        let run = with_canary(s3presign())
            .args([
                "post",
                "--bucket",
                "b-1",
                "--key-prefix",
                "in/",
                "--output",
                output,
            ])
            .args(["--metadata", "owner=ops", "--content-length-range", "1,100"])
            .run();
        run.expect_code(0);
        let printed = format!("{}\n{}", run.stdout, run.stderr);
        assert!(printed.contains("policy"), "{output}: {printed}");
        assert_absent(&printed, SECRET, output);
    }
    let error = with_canary(s3presign())
        .args([
            "post",
            "--bucket",
            "b-1",
            "--key",
            "k",
            "--expires-in",
            "9d",
        ])
        .run();
    error.expect_code(1);
    leak_check(&error, "post error");
}

/// `inspect --verify` signs again with the secret key: neither it nor the SSE-C key is shown,
/// whatever the verdict and output.
#[test]
fn inspect_verify_never_shows_the_secret_or_the_sse_c_key() {
    let sse_c = base64_encode(SSE_C_KEY_RAW.as_bytes());
    let signed = with_canary(s3presign())
        .env("CANARY_SSE_C", &sse_c)
        .args([
            "url",
            "--bucket",
            "b-1",
            "--key",
            "k",
            "--sse-customer-key",
            "env:CANARY_SSE_C",
        ])
        .run();
    signed.expect_code(0);
    let url = signed.stdout.trim().to_string();
    let tampered = url.replace("/k?", "/j?");
    for (target, valid) in [(&url, true), (&tampered, false)] {
        for output in ["json", "table"] {
            let run = with_canary(s3presign())
                .env("CANARY_SSE_C", &sse_c)
                .args([
                    "inspect",
                    "--verify",
                    "--sse-customer-key",
                    "env:CANARY_SSE_C",
                ])
                .args(["--output", output, target])
                .run();
            run.expect_code(if valid { 0 } else { 1 });
            if output == "json" {
                assert_eq!(run.records()[0]["signature_valid"], valid, "{}", run.stdout);
            }
            leak_check(&run, "inspect --verify");
        }
    }
}

/// `multipart create` calls S3 and reports its errors: with the server refusing the keys, and
/// with no server at all, the message names the failure without any secret.
#[test]
fn multipart_create_errors_never_show_a_secret() {
    let server = TestServer::start();
    server.create_bucket("b-1");
    let sse_c = base64_encode(SSE_C_KEY_RAW.as_bytes());
    for endpoint in [server.endpoint.as_str(), "http://127.0.0.1:9"] {
        let run = with_canary(s3presign())
            .env("CANARY_SSE_C", &sse_c)
            .args(["multipart", "create", "--bucket", "b-1", "--key", "k"])
            .args(["--sse-customer-key", "env:CANARY_SSE_C", "--output", "json"])
            .args(["--endpoint-url", endpoint, "--path-style"])
            .run();
        run.expect_code(1);
        assert!(
            run.stderr
                .contains("CreateMultipartUpload for s3://b-1/k failed"),
            "{endpoint}: {}",
            run.stderr
        );
        leak_check(&run, endpoint);
    }
}

#[test]
fn no_output_of_any_command_contains_the_secret_or_the_token() {
    for output in ["url", "json", "table"] {
        let run = with_canary(s3presign())
            .args(["url", "--bucket", "b-1", "--key", "k", "--output", output])
            .run();
        run.expect_code(0);
        leak_check(&run, output);
        if output != "table" {
            assert!(
                run.stdout
                    .contains(&format!("X-Amz-Security-Token={}", forms(TOKEN)[1])),
                "the token must travel in the URL"
            );
        }
    }
    let errors = with_canary(s3presign())
        .args(["url", "--bucket", "Bad!", "--key", "k"])
        .run();
    errors.expect_code(1);
    leak_check(&errors, "item error");

    let batch = with_canary(s3presign())
        .args(["batch"])
        .run_with_stdin("{\"bucket\":\"b-1\",\"key\":\"k\"}\nnot json\n{\"bucket\":\"b-1\",\"key\":\"k\",\"expires_in\":\"9d\"}\n");
    batch.expect_code(1);
    leak_check(&batch, "batch");

    let bad_region = with_canary(s3presign())
        .args(["batch", "--region", "not a region"])
        .run();
    bad_region.expect_code(2);
    leak_check(&bad_region, "setup error");

    let bad_profile = with_canary(s3presign())
        .args(["batch", "--profile", "absent"])
        .run();
    bad_profile.expect_code(2);
    leak_check(&bad_profile, "unknown profile");
}

#[test]
fn the_table_never_shows_the_session_token() {
    let run = with_canary(s3presign())
        .args(["url", "--bucket", "b-1", "--key", "k", "--output", "table"])
        .run();
    run.expect_code(0);
    // The table shows the URL, which carries the token; nothing else may.
    let outside_url: String = run
        .stdout
        .lines()
        .filter(|l| !l.contains("X-Amz-") && !l.contains("amazonaws.com"))
        .collect();
    assert!(!outside_url.contains("CANARYSESSION"), "{}", run.stdout);
}
