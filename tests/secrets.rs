//! Canary: a recognisable secret key and session token never reach any output, except the token
//! inside the URLs themselves (X-Amz-Security-Token), where temporary credentials need it.

mod common;

use common::*;

const SECRET: &str = "CANARYSECRETKEYcanarysecretkey0123456789";
const TOKEN: &str = "CANARYSESSIONTOKENcanarysessiontoken";

fn with_canary(cmd: S3Presign) -> S3Presign {
    cmd.env("AWS_ACCESS_KEY_ID", "ASIACANARYEXAMPLE001")
        .env("AWS_SECRET_ACCESS_KEY", SECRET)
        .env("AWS_SESSION_TOKEN", TOKEN)
        .env("AWS_REGION", "us-east-1")
}

/// Everything printed, with the URLs' own token parameters cut out.
fn leak_check(run: &Run, what: &str) {
    let printed = format!("{}\n{}", run.stdout, run.stderr);
    let without_url_tokens = printed.replace(&format!("X-Amz-Security-Token={TOKEN}"), "");
    assert!(
        !printed.contains(SECRET),
        "{what}: secret key printed:\n{printed}"
    );
    assert!(
        !without_url_tokens.contains(TOKEN),
        "{what}: session token printed outside a URL:\n{printed}"
    );
    assert!(
        !printed.contains("canarysecret"),
        "{what}: part of the secret printed"
    );
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
                    .contains(&format!("X-Amz-Security-Token={TOKEN}")),
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
