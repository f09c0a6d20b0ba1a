//! The baseline s3presign is measured against: aws-sdk-s3's `presigned()` called in a loop in
//! one process, on the same requests as the batch benchmark. Prints microseconds per URL.
//!
//!     cargo bench --bench sdk_loop -- 100000

use std::time::{Duration, Instant};

use aws_credential_types::Credentials;
use aws_sdk_s3::config::{BehaviorVersion, Region};
use aws_sdk_s3::presigning::PresigningConfig;

fn main() {
    let count: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(100_000);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let config = aws_sdk_s3::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new(
            "AKIAIOSFODNN7EXAMPLE",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            None,
            None,
            "bench",
        ))
        .build();
    let client = aws_sdk_s3::Client::from_conf(config);
    let presigning = PresigningConfig::expires_in(Duration::from_secs(3600)).unwrap();
    let started = Instant::now();
    let total_length = runtime.block_on(async {
        let mut total = 0usize;
        for i in 0..count {
            let request = client
                .get_object()
                .bucket("my-bucket")
                .key(format!("data/{i:07}/file.bin"))
                .presigned(presigning.clone())
                .await
                .expect("presigning works offline");
            total += request.uri().len();
        }
        total
    });
    let elapsed = started.elapsed();
    assert!(total_length > count * 100);
    println!(
        "sdk_loop {count} urls {:.3} s {:.2} us/url",
        elapsed.as_secs_f64(),
        elapsed.as_secs_f64() * 1e6 / count as f64
    );
}
