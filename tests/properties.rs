//! Invariants that hold for every input, checked with proptest on the library's steps.

use aws_credential_types::Credentials;
use chrono::{DateTime, TimeDelta, Utc};
use proptest::prelude::*;
use s3presign::batch_line;
use s3presign::endpoint::{EndpointOptions, EndpointResolver};
use s3presign::errors::ItemErrorKind;
use s3presign::expiry::{self, ExpirySpec, MAX_EXPIRES_SECONDS};
use s3presign::presign::Presigner;
use s3presign::request::{ExpiresIn, RequestFields};
use s3presign::session::Session;
use s3presign::uri_encode::encode_key;

fn percent_decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            out.push(u8::from_str_radix(&text[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

fn presigner(start: DateTime<Utc>) -> Presigner {
    let session = Session {
        credentials: Credentials::new(
            "AKIAIOSFODNN7EXAMPLE",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            None,
            None,
            "test",
        ),
        region: "us-east-1".into(),
        credentials_expire_at: None,
    };
    let endpoints = EndpointResolver::new(EndpointOptions {
        region: "us-east-1".into(),
        ..Default::default()
    });
    Presigner::new(&session, endpoints, Some(start), false)
}

/// Keys from characters that break signers: ASCII punctuation, whitespace, Unicode of every width.
fn key() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[ -~\t/éß日本😀\u{301}\u{200b}]{1,120}").unwrap()
}

proptest! {
    #[test]
    fn encoded_keys_use_only_safe_characters_and_decode_back(key in any::<String>()) {
        let encoded = encode_key(&key);
        prop_assert!(encoded.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.~/%".contains(&b)));
        prop_assert_eq!(percent_decode(&encoded), key.as_bytes());
    }

    #[test]
    fn every_valid_key_becomes_a_url_whose_path_is_that_key(key in key(), verb in "GET|PUT|HEAD|DELETE") {
        let start = DateTime::parse_from_rfc3339("2025-01-01T00:00:00Z").unwrap().with_timezone(&Utc);
        let request = RequestFields {
            bucket: Some("my-bucket".into()),
            key: Some(key.clone()),
            verb: Some(verb),
            ..Default::default()
        }
        .validate()
        .unwrap();
        let signed = presigner(start).presign(request).unwrap();
        let rest = signed.url.strip_prefix("https://my-bucket.s3.us-east-1.amazonaws.com/").unwrap();
        let (path, query) = rest.split_once('?').unwrap();
        prop_assert_eq!(percent_decode(path), key.as_bytes());
        prop_assert!(!query.contains(' ') && !query.contains('#'));
        prop_assert_eq!(query.matches("X-Amz-Signature=").count(), 1);
    }

    #[test]
    fn batch_lines_never_panic(line in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = batch_line::parse(&line);
    }

    #[test]
    fn json_object_lines_are_read_or_refused_with_a_code(
        fields in proptest::collection::btree_map("bucket|key|verb|expires|expires_in|version_id|content_type|other", any::<String>(), 0..6)
    ) {
        let line = serde_json::to_string(&fields).unwrap();
        match batch_line::parse(line.as_bytes()) {
            Ok(parsed) => {
                prop_assert!(!fields.contains_key("other"));
                prop_assert_eq!(parsed.fields.key, fields.get("key").cloned());
                prop_assert_eq!(parsed.fields.expires_in, fields.get("expires_in").cloned().map(ExpiresIn::Text));
            }
            Err(e) => {
                prop_assert!(fields.contains_key("other"), "a line of known string fields is read: {line}");
                prop_assert_eq!(e.error.kind, ItemErrorKind::UnknownField);
                prop_assert!(e.input.is_some(), "what could be read comes back");
            }
        }
    }

    #[test]
    fn lifetimes_inside_the_window_are_kept_exactly_and_outside_refused(seconds in -10_000i64..700_000) {
        let signed_at = DateTime::parse_from_rfc3339("2025-06-01T12:00:00Z").unwrap().with_timezone(&Utc);
        let outcome = expiry::resolve(&ExpirySpec::In { seconds, text: seconds.to_string() }, signed_at);
        match outcome {
            Ok(e) => {
                prop_assert!((1..=MAX_EXPIRES_SECONDS).contains(&seconds));
                prop_assert_eq!(e.seconds, seconds);
                prop_assert_eq!(e.expires_at, signed_at + TimeDelta::seconds(seconds));
            }
            Err(e) if seconds <= 0 => prop_assert_eq!(e.kind, ItemErrorKind::ExpiryInPast),
            Err(e) => {
                prop_assert!(seconds > MAX_EXPIRES_SECONDS);
                prop_assert_eq!(e.kind, ItemErrorKind::ExpiryTooFar);
            }
        }
    }

    #[test]
    fn durations_with_units_add_up(d in 0i64..10, h in 0i64..24, m in 0i64..60, s in 0i64..60) {
        let text = format!("{d}d{h}h{m}m{s}s");
        prop_assert_eq!(expiry::parse_duration(&text), Ok(d * 86_400 + h * 3_600 + m * 60 + s));
    }

    #[test]
    fn instants_round_trip_through_their_utc_form(secs in 0i64..4_102_444_800) {
        let instant = DateTime::from_timestamp(secs, 0).unwrap();
        prop_assert_eq!(expiry::parse_instant(&expiry::format_utc(instant)), Ok(instant));
    }
}
