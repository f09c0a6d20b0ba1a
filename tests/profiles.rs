//! Credentials and region through the AWS SDK's providers, from temporary config files.

mod common;

use chrono::{Duration, Utc};
use common::*;

const DEV_KEY: &str = "AKIADEVEXAMPLE000001";

/// A config and a credentials file with a default and a `dev` profile in different regions.
fn two_profiles(dir: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let config = write_file(
        dir,
        "config",
        "[default]\nregion = eu-west-1\n\n[profile dev]\nregion = ap-southeast-2\n",
    );
    let credentials = write_file(
        dir,
        "credentials",
        &format!(
            "[default]\naws_access_key_id = {ACCESS_KEY}\naws_secret_access_key = {SECRET_KEY}\n\n\
             [dev]\naws_access_key_id = {DEV_KEY}\naws_secret_access_key = devsecretdevsecretdevsecret\n"
        ),
    );
    (config, credentials)
}

fn credential_of(url: &str) -> &str {
    url.split("X-Amz-Credential=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
}

#[test]
fn the_default_profile_gives_keys_and_region() {
    let dir = tempfile::tempdir().unwrap();
    let (config, credentials) = two_profiles(dir.path());
    let run = s3presign()
        .env("AWS_CONFIG_FILE", &config)
        .env("AWS_SHARED_CREDENTIALS_FILE", &credentials)
        .args(["url", "--bucket", "b-1", "--key", "k"])
        .run();
    run.expect_code(0);
    assert!(credential_of(&run.stdout).starts_with("AKIAIOSFODNN7EXAMPLE%2F"));
    assert!(credential_of(&run.stdout).contains("%2Feu-west-1%2Fs3%2F"));
}

#[test]
fn a_named_profile_wins_over_environment_keys() {
    let dir = tempfile::tempdir().unwrap();
    let (config, credentials) = two_profiles(dir.path());
    let run = s3presign()
        .env("AWS_CONFIG_FILE", &config)
        .env("AWS_SHARED_CREDENTIALS_FILE", &credentials)
        .env("AWS_ACCESS_KEY_ID", "AKIAENVIRONMENT00001")
        .env("AWS_SECRET_ACCESS_KEY", "environment-secret")
        .args(["url", "--bucket", "b-1", "--key", "k", "--profile", "dev"])
        .run();
    run.expect_code(0);
    let credential = credential_of(&run.stdout);
    assert!(credential.starts_with(DEV_KEY), "{credential}");
    assert!(
        credential.contains("%2Fap-southeast-2%2F"),
        "the profile's region: {credential}"
    );
}

#[test]
fn aws_profile_environment_variable_selects_a_profile() {
    let dir = tempfile::tempdir().unwrap();
    let (config, credentials) = two_profiles(dir.path());
    let run = s3presign()
        .env("AWS_CONFIG_FILE", &config)
        .env("AWS_SHARED_CREDENTIALS_FILE", &credentials)
        .env("AWS_PROFILE", "dev")
        .args([
            "url",
            "--bucket",
            "b-1",
            "--key",
            "k",
            "--region",
            "us-west-2",
        ])
        .run();
    run.expect_code(0);
    let credential = credential_of(&run.stdout);
    assert!(credential.starts_with(DEV_KEY), "{credential}");
    assert!(
        credential.contains("%2Fus-west-2%2F"),
        "--region beats the profile: {credential}"
    );
}

#[test]
fn an_unknown_profile_lists_the_profiles_found() {
    let dir = tempfile::tempdir().unwrap();
    let (config, credentials) = two_profiles(dir.path());
    for args in [
        &["url", "--bucket", "b-1", "--key", "k", "--profile", "prod"][..],
        &["batch", "--profile", "prod"],
    ] {
        let run = s3presign()
            .env("AWS_CONFIG_FILE", &config)
            .env("AWS_SHARED_CREDENTIALS_FILE", &credentials)
            .args(args)
            .run();
        run.expect_code(2);
        assert!(
            run.stderr.contains("profile 'prod' was not found"),
            "{}",
            run.stderr
        );
        assert!(
            run.stderr.contains("profiles found: default, dev"),
            "{}",
            run.stderr
        );
        assert!(
            run.stderr.contains(&*config.to_string_lossy()),
            "names the files: {}",
            run.stderr
        );
    }
}

#[test]
fn credentials_file_flag_replaces_the_default_credentials_file() {
    let dir = tempfile::tempdir().unwrap();
    let other = write_file(
        dir.path(),
        "other-credentials",
        "[ops]\naws_access_key_id = AKIAOPSEXAMPLE000001\naws_secret_access_key = opssecret\n",
    );
    let run = s3presign()
        .args([
            "url",
            "--bucket",
            "b-1",
            "--key",
            "k",
            "--region",
            "us-east-1",
        ])
        .args(["--profile", "ops", "--credentials-file"])
        .arg_path(&other)
        .run();
    run.expect_code(0);
    assert!(credential_of(&run.stdout).starts_with("AKIAOPSEXAMPLE000001"));
}

#[test]
fn a_credentials_file_that_is_not_there_is_named_not_taken_for_a_missing_profile() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-credentials");
    let run = s3presign()
        .args([
            "url",
            "--bucket",
            "b-1",
            "--key",
            "k",
            "--region",
            "us-east-1",
        ])
        .args(["--profile", "ops", "--credentials-file"])
        .arg_path(&missing)
        .run();
    run.expect_code(2);
    assert!(run.stderr.contains("--credentials-file"), "{}", run.stderr);
    assert!(run.stderr.contains("is not a file"), "{}", run.stderr);
    assert!(
        !run.stderr.contains("not found"),
        "not an unknown profile: {}",
        run.stderr
    );
}

/// A credential_process profile returning session credentials that expire in 30 minutes:
/// a URL asked for 2 hours works only 30 minutes, and says so.
fn expiring_profile(dir: &std::path::Path, expires_in_minutes: i64) -> std::path::PathBuf {
    let expiration = (Utc::now() + Duration::minutes(expires_in_minutes)).to_rfc3339();
    let script = write_file(
        dir,
        "creds.sh",
        &format!(
            "#!/bin/sh\nprintf '%s' '{{\"Version\":1,\"AccessKeyId\":\"ASIATEMPEXAMPLE00001\",\
             \"SecretAccessKey\":\"temp-secret-CANARY\",\"SessionToken\":\"session-token-CANARY\",\
             \"Expiration\":\"{expiration}\"}}'\n"
        ),
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    write_file(
        dir,
        "config",
        &format!(
            "[profile temp]\nregion = us-east-1\ncredential_process = {}\n",
            script.display()
        ),
    )
}

#[test]
fn credentials_that_expire_first_shorten_the_effective_expiry_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let config = expiring_profile(dir.path(), 30);
    let run = s3presign()
        .env("AWS_CONFIG_FILE", &config)
        .args([
            "url",
            "--profile",
            "temp",
            "--bucket",
            "b-1",
            "--key",
            "k",
            "--expires-in",
            "2h",
            "--output",
            "json",
        ])
        .run();
    run.expect_code(0);
    let r = &run.records()[0];
    let credentials_end = r["credentials_expire_at"]
        .as_str()
        .expect("credential expiry is reported");
    assert_eq!(r["effective_expires_at"], credentials_end);
    assert_ne!(r["expires_at"], credentials_end);
    assert_eq!(
        r["expires_in_seconds"], 7200,
        "the requested lifetime is signed, never capped"
    );
    assert!(
        run.stderr
            .contains("s3presign: warning: the signing credentials expire at"),
        "{}",
        run.stderr
    );
    // Temporary credentials put their session token in the URL, and nowhere else.
    let url = r["url"].as_str().unwrap();
    assert!(
        url.contains("X-Amz-Security-Token=session-token-CANARY"),
        "{url}"
    );
    assert!(!run.stderr.contains("CANARY"));
    assert!(!run.stdout.contains("temp-secret"));

    // One warning per run, not one per line.
    let batch = s3presign()
        .env("AWS_CONFIG_FILE", &config)
        .args(["batch", "--profile", "temp", "--expires-in", "2h"])
        .run_with_stdin("{\"bucket\":\"b-1\",\"key\":\"a\"}\n{\"bucket\":\"b-1\",\"key\":\"b\"}\n");
    batch.expect_code(0);
    assert_eq!(
        batch.stderr.matches("warning").count(),
        1,
        "{}",
        batch.stderr
    );
    assert!(batch
        .records()
        .iter()
        .all(|r| r["warnings"].as_array().unwrap().len() == 1));
}

#[test]
fn strict_expiry_turns_the_warning_into_an_item_error() {
    let dir = tempfile::tempdir().unwrap();
    let config = expiring_profile(dir.path(), 30);
    let run = s3presign()
        .env("AWS_CONFIG_FILE", &config)
        .args(["batch", "--profile", "temp", "--strict-expiry"])
        .run_with_stdin("{\"bucket\":\"b-1\",\"key\":\"long\",\"expires_in\":\"2h\"}\n{\"bucket\":\"b-1\",\"key\":\"short\",\"expires_in\":\"10m\"}\n");
    run.expect_code(1);
    let r = run.records();
    assert_eq!(r[0]["code"], "credentials_expire_first");
    assert_eq!(
        r[1]["type"], "url",
        "a URL that dies before the credentials is fine"
    );
}

#[test]
fn a_failing_credential_process_is_a_setup_error() {
    let dir = tempfile::tempdir().unwrap();
    let config = write_file(
        dir.path(),
        "config",
        "[profile broken]\nregion = us-east-1\ncredential_process = /bin/false\n",
    );
    let run = s3presign()
        .env("AWS_CONFIG_FILE", &config)
        .args(["batch", "--profile", "broken"])
        .run();
    run.expect_code(2);
    assert_eq!(run.records()[0]["code"], "no_credentials");
    assert!(run.stderr.contains("profile 'broken'"), "{}", run.stderr);
}

#[test]
fn environment_keys_take_their_region_from_flag_environment_or_profile() {
    let dir = tempfile::tempdir().unwrap();
    let (config, _) = two_profiles(dir.path());
    let region_of = |extra: &[(&str, &str)], args: &[&str]| {
        let mut cmd = s3presign()
            .env("AWS_CONFIG_FILE", &config)
            .env("AWS_ACCESS_KEY_ID", "AKIAENVIRONMENT00001")
            .env("AWS_SECRET_ACCESS_KEY", "environment-secret");
        for (name, value) in extra {
            cmd = cmd.env(name, value);
        }
        let run = cmd
            .args(["url", "--bucket", "b-1", "--key", "k"])
            .args(args)
            .run();
        run.expect_code(0);
        let credential = credential_of(&run.stdout).to_string();
        assert!(
            credential.starts_with("AKIAENVIRONMENT00001"),
            "{credential}"
        );
        credential.split("%2F").nth(2).unwrap().to_string()
    };
    assert_eq!(
        region_of(&[], &[]),
        "eu-west-1",
        "the default profile's region"
    );
    assert_eq!(
        region_of(&[("AWS_DEFAULT_REGION", "us-west-1")], &[]),
        "us-west-1"
    );
    assert_eq!(
        region_of(
            &[
                ("AWS_DEFAULT_REGION", "us-west-1"),
                ("AWS_REGION", "sa-east-1")
            ],
            &[]
        ),
        "sa-east-1"
    );
    assert_eq!(
        region_of(
            &[("AWS_REGION", "sa-east-1")],
            &["--region", "ca-central-1"]
        ),
        "ca-central-1"
    );
}
