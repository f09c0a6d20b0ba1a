//! The forms in which a secret could leak, for canary checks: as is, percent-encoded (upper- and
//! lower-case hex, once and twice, as in URLs and form bodies), and base64 (standard, unpadded
//! and URL-safe, as in headers and policies). Written here, not taken from the product, so that a
//! check never shares the encoder it checks.

/// Every form of `secret` listed above.
pub fn secret_forms(secret: &str) -> Vec<String> {
    let percent = |upper: bool| -> String {
        secret
            .bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                    (b as char).to_string()
                }
                _ if upper => format!("%{b:02X}"),
                _ => format!("%{b:02x}"),
            })
            .collect()
    };
    let base64 = base64_encode(secret.as_bytes());
    let unpadded = base64.trim_end_matches('=').to_string();
    vec![
        secret.to_string(),
        percent(true),
        percent(false),
        percent(true).replace('%', "%25"),
        base64.clone(),
        unpadded.replace('+', "-").replace('/', "_"),
        unpadded,
    ]
}

/// Standard base64 (RFC 4648 section 4), padded.
pub fn base64_encode(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().fold(0u32, |n, &b| n << 8 | b as u32) << (8 * (3 - chunk.len()));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Fails if any form of `secret` is in `printed`.
pub fn assert_absent(printed: &str, secret: &str, what: &str) {
    for form in secret_forms(secret) {
        assert!(
            !printed.contains(&form),
            "{what}: a secret was printed (as {form}):\n{printed}"
        );
    }
}
