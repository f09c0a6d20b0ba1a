//! The fast signer against the AWS SDK's signer (`aws-sigv4`), on 10,000 generated requests:
//! keys from the corpus alphabet, every verb, version ids, signed content types, path-style and
//! virtual-hosted URLs, ports, session tokens. Any difference in any URL is a failure.

use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_smithy_runtime_api::client::identity::Identity;
use s3presign::signer::{sdk, SignInput, Signer};

mod common;
use common::{XorShift, ALPHABET};
use s3presign::uri_encode::{encode_key, encode_query};

#[test]
fn fast_signer_matches_the_sdk_signer_on_ten_thousand_requests() {
    let mut rng = XorShift(0x0dd_ba11_5eed);
    let bases = [
        "https://my-bucket.s3.eu-west-1.amazonaws.com",
        "https://s3.us-east-1.amazonaws.com/my.dotted.bucket",
        "http://127.0.0.1:9000/local",
        "https://minio.example.com:443/b",
        "http://minio.example.com:80/b",
        "https://b.s3-accelerate.dualstack.amazonaws.com",
    ];
    let content_types = [
        "",
        "text/plain",
        "text/csv; charset=utf-8",
        "  padded  value  ",
        "image/png",
    ];
    let mut differences = Vec::new();
    for i in 0..10_000u64 {
        let token = if i % 3 == 0 {
            Some(format!("FwoGZXIvYXdz+{i}/token="))
        } else {
            None
        };
        let credentials = Credentials::new(
            "AKIAIOSFODNN7EXAMPLE",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            token,
            None,
            "test",
        );
        let identity: Identity = credentials.clone().into();
        let mut signer = Signer::new(credentials);

        let mut key = String::new();
        for _ in 0..1 + rng.next() % 30 {
            key.push_str(rng.pick(ALPHABET));
        }
        let mut url = format!("{}/{}", rng.pick(&bases), encode_key(&key));
        if rng.next().is_multiple_of(4) {
            url.push_str("?versionId=");
            url.push_str(&encode_query(&format!(
                "v{}+/={}",
                rng.next(),
                rng.pick(ALPHABET)
            )));
        }
        let content_type = rng.pick(&content_types);
        let headers: Vec<(&str, &str)> = if content_type.is_empty() {
            vec![]
        } else {
            vec![("Content-Type", content_type)]
        };
        let input = SignInput {
            method: rng.pick(&["GET", "PUT", "HEAD", "DELETE"]),
            url: &url,
            headers: &headers,
            region: rng.pick(&["us-east-1", "eu-west-1", "ap-southeast-2"]),
            service: "s3",
            signed_at: SystemTime::UNIX_EPOCH
                + Duration::from_secs(1_700_000_000 + rng.next() % 100_000_000),
            expires_in: Duration::from_secs(1 + rng.next() % 604_800),
        };
        let fast = signer.presign_url(&input).unwrap();
        let reference = sdk::presign_url(&input, &identity).unwrap();
        if fast != reference {
            differences.push(format!(
                "{} {url}\n  fast: {fast}\n  sdk:  {reference}",
                input.method
            ));
        }
    }
    assert!(
        differences.is_empty(),
        "{} of 10000 differ; first:\n{}",
        differences.len(),
        differences[..differences.len().min(3)].join("\n")
    );
}

#[test]
fn the_signing_key_cache_follows_date_and_region() {
    let credentials = Credentials::new(
        "AKIAIOSFODNN7EXAMPLE",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        None,
        None,
        "test",
    );
    let identity: Identity = credentials.clone().into();
    let mut signer = Signer::new(credentials);
    // Alternate days and regions so that a stale cached key would show.
    for (day, region) in [
        (0, "us-east-1"),
        (0, "eu-west-1"),
        (1, "eu-west-1"),
        (1, "us-east-1"),
        (0, "us-east-1"),
    ] {
        let input = SignInput {
            method: "GET",
            url: "https://b.s3.amazonaws.com/k",
            headers: &[],
            region,
            service: "s3",
            signed_at: SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000 + day * 86_400),
            expires_in: Duration::from_secs(60),
        };
        assert_eq!(
            signer.presign_url(&input).unwrap(),
            sdk::presign_url(&input, &identity).unwrap()
        );
    }
}

#[test]
fn debug_output_never_shows_the_secret() {
    let signer = Signer::new(Credentials::new(
        "AKIAIOSFODNN7EXAMPLE",
        "CANARY-SECRET",
        Some("CANARY-TOKEN".into()),
        None,
        "test",
    ));
    let shown = format!("{signer:?}");
    assert!(
        shown.contains("(redacted)") && !shown.contains("CANARY"),
        "{shown}"
    );
}
