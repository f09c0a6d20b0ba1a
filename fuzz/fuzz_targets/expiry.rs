//! Any text as an expiry instant or lifetime: parsed or refused, never a panic; whatever parses
//! is checked against the SigV4 window without overflow.
#![no_main]

use chrono::{DateTime, Utc};
use libfuzzer_sys::fuzz_target;
use s3presign::expiry::{self, ExpirySpec, MAX_EXPIRES_SECONDS};

fuzz_target!(|text: &str| {
    let signed_at = DateTime::<Utc>::from_timestamp(1_750_000_000, 0).unwrap();
    if let Ok(instant) = expiry::parse_instant(text) {
        let spec = ExpirySpec::At { instant, text: text.to_string() };
        if let Ok(e) = expiry::resolve(&spec, signed_at) {
            assert!((1..=MAX_EXPIRES_SECONDS).contains(&e.seconds));
            assert!(e.expires_at <= instant);
        }
    }
    if let Ok(seconds) = expiry::parse_duration(text) {
        assert!(seconds >= 0);
        let spec = ExpirySpec::In { seconds, text: text.to_string() };
        if let Ok(e) = expiry::resolve(&spec, signed_at) {
            assert_eq!(e.seconds, seconds);
        }
    }
});
