//! Any key: its encoding uses only unreserved characters, `/` and %XX, and decodes back to the
//! key's exact bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use s3presign::uri_encode::encode_key;

fuzz_target!(|key: &str| {
    let encoded = encode_key(key);
    let bytes = encoded.as_bytes();
    let mut decoded = Vec::with_capacity(key.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
            assert!(hex.bytes().all(|h| h.is_ascii_digit() || (b'A'..=b'F').contains(&h)));
            decoded.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            assert!(b.is_ascii_alphanumeric() || b"-_.~/".contains(&b), "unsafe byte {b:#x}");
            decoded.push(b);
            i += 1;
        }
    }
    assert_eq!(decoded, key.as_bytes());
});
