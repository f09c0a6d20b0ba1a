//! A batch fed slowly keeps signing with valid credentials: a credential_process hands out
//! 8-second credentials (a new key each time), the refresh buffer is set to 3 seconds
//! (S3PRESIGN_CREDENTIALS_REFRESH_SECONDS), and lines arrive one a second for 14 seconds. Every
//! URL must verify with the credentials that were current when it was signed, none may be signed
//! with credentials about to expire, and each says that it stops working with its credentials.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::Duration;

use chrono::{DateTime, Utc};
use common::*;

const LIFETIME_SECONDS: i64 = 8;
const BUFFER_SECONDS: i64 = 3;
const LINES: usize = 14;

#[test]
fn a_slow_batch_refreshes_short_lived_credentials_before_they_expire() {
    let dir = tempfile::tempdir().unwrap();
    let counter = dir.path().join("count");
    let helper = write_file(
        dir.path(),
        "helper.sh",
        &format!(
            "#!/bin/sh\nn=$(( $(cat {c} 2>/dev/null || echo 0) + 1 ))\necho $n > {c}\n\
             id=$(printf 'ASIAREFRESHTEST%05d' $n)\n\
             exp=$(date -u -d '+{LIFETIME_SECONDS} seconds' +%Y-%m-%dT%H:%M:%SZ)\n\
             printf '{{\"Version\":1,\"AccessKeyId\":\"%s\",\"SecretAccessKey\":\"secret-%s\",\
             \"SessionToken\":\"token-%s\",\"Expiration\":\"%s\"}}' $id $n $n $exp\n",
            c = counter.display()
        ),
    );
    let config = write_file(
        dir.path(),
        "config",
        &format!(
            "[profile short]\nregion = us-east-1\ncredential_process = sh {}\n",
            helper.display()
        ),
    );
    let mut child = Command::new(bin_path())
        .args(["batch", "--profile", "short", "--bucket", "b-1"])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap())
        .env("HOME", dir.path())
        .env("AWS_CONFIG_FILE", &config)
        .env("AWS_SHARED_CREDENTIALS_FILE", dir.path().join("none"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env(
            "S3PRESIGN_CREDENTIALS_REFRESH_SECONDS",
            BUFFER_SECONDS.to_string(),
        )
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut results = Vec::new();
    for n in 0..LINES {
        writeln!(stdin, "{{\"key\":\"k{n}\"}}").unwrap();
        stdin.flush().unwrap();
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let record: serde_json::Value =
            serde_json::from_str(&line).unwrap_or_else(|e| panic!("line {n}: {e}: {line}"));
        results.push(record);
        std::thread::sleep(Duration::from_secs(1));
    }
    drop(stdin);
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    let instant = |v: &serde_json::Value| {
        DateTime::parse_from_rfc3339(v.as_str().unwrap())
            .unwrap()
            .with_timezone(&Utc)
    };
    let mut keys: Vec<String> = Vec::new();
    for r in &results {
        assert_eq!(r["type"], "url", "{r}");
        let url = r["url"].as_str().unwrap();
        let key_id = url
            .split("X-Amz-Credential=")
            .nth(1)
            .unwrap()
            .split("%2F")
            .next()
            .unwrap()
            .to_string();
        let signed_at = instant(&r["signed_at"]);
        let credentials_end = instant(&r["credentials_expire_at"]);
        let left = (credentials_end - signed_at).num_seconds();
        assert!(
            left >= BUFFER_SECONDS - 1,
            "signed at {signed_at} with credentials that expire at {credentials_end}: {r}"
        );
        assert_eq!(r["effective_expires_at"], r["credentials_expire_at"]);
        assert!(
            r["warnings"][0]
                .as_str()
                .unwrap()
                .contains("credentials expire"),
            "a URL that outlives its credentials says so: {r}"
        );
        if !keys.contains(&key_id) {
            keys.push(key_id);
        }
    }
    let fetched: usize = std::fs::read_to_string(&counter)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(keys.len() >= 3, "credentials were refreshed: {keys:?}");
    assert!(
        fetched < LINES,
        "fresh credentials are reused, not fetched per line: {fetched} fetches"
    );

    // Each URL verifies with the secret of the key it names (the helper's secret-N).
    for key in &keys {
        let n: u32 = key.trim_start_matches("ASIAREFRESHTEST").parse().unwrap();
        let urls: String = results
            .iter()
            .map(|r| r["url"].as_str().unwrap())
            .filter(|u| u.contains(key.as_str()))
            .map(|u| format!("{u}\n"))
            .collect();
        let run = s3presign()
            .env("AWS_ACCESS_KEY_ID", key)
            .env("AWS_SECRET_ACCESS_KEY", format!("secret-{n}"))
            .args(["inspect", "--verify"])
            .run_with_stdin(&urls);
        run.expect_code(0);
        for record in run.records() {
            assert_eq!(record["signature_valid"], true, "{record}");
        }
    }
}
