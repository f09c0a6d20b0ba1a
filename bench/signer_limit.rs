//! The in-process limit a batch is measured against: the fast signer alone (`Signer::presign_url`,
//! signing key cached), on the same requests as the batch benchmark, with no parsing, no output
//! and no I/O. Prints microseconds per URL.
//!
//!     cargo bench --bench signer_limit -- 1000000

use std::time::{Duration, Instant, SystemTime};

use aws_credential_types::Credentials;
use s3presign::signer::{SignInput, Signer};

fn main() {
    let count: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let mut signer = Signer::new(Credentials::new(
        "AKIAIOSFODNN7EXAMPLE",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        None,
        None,
        "bench",
    ));
    let mut unsigned = String::with_capacity(128);
    let started = Instant::now();
    let mut total_length = 0usize;
    for i in 0..count {
        unsigned.clear();
        use std::fmt::Write as _;
        let _ = write!(
            unsigned,
            "https://my-bucket.s3.amazonaws.com/data/{i:07}/file.bin"
        );
        let url = signer
            .presign_url(&SignInput {
                method: "GET",
                url: &unsigned,
                headers: &[],
                region: "us-east-1",
                service: "s3",
                signed_at: SystemTime::now(),
                expires_in: Duration::from_secs(3600),
            })
            .expect("signing works offline");
        total_length += url.len();
    }
    let elapsed = started.elapsed();
    assert!(total_length > count * 100);
    println!(
        "signer_limit {count} urls {:.3} s {:.2} us/url",
        elapsed.as_secs_f64(),
        elapsed.as_secs_f64() * 1e6 / count as f64
    );
}
