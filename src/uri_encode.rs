//! Percent-encoding as SigV4 defines it for S3: every byte except the RFC 3986 unreserved
//! characters (A–Z a–z 0–9 - _ . ~) becomes %XX with uppercase hex. S3 encodes once (no double
//! encoding) and keeps `/` in the object key's path.

const HEX: &[u8; 16] = b"0123456789ABCDEF";

fn encode_into(out: &mut String, text: &str, keep_slash: bool) {
    for &b in text.as_bytes() {
        let unreserved = b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~');
        if unreserved || (keep_slash && b == b'/') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 0xF) as usize] as char);
        }
    }
}

/// An object key as it appears in the URL path.
pub fn encode_key(key: &str) -> String {
    let mut out = String::with_capacity(key.len() * 3 / 2 + 8);
    encode_into(&mut out, key, true);
    out
}

/// A query-string name or value, appended to `out`.
pub fn encode_query_into(out: &mut String, text: &str) {
    encode_into(out, text, false);
}

/// A query-string name or value.
pub fn encode_query(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    encode_into(&mut out, text, false);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_keep_slashes_and_unreserved_characters() {
        assert_eq!(encode_key("a/b c/~x_y-z.txt"), "a/b%20c/~x_y-z.txt");
        assert_eq!(
            encode_key("+%=&?#*'!()"),
            "%2B%25%3D%26%3F%23%2A%27%21%28%29"
        );
        assert_eq!(encode_key("é"), "%C3%A9");
        assert_eq!(encode_key("😀"), "%F0%9F%98%80");
        assert_eq!(encode_query("a/b"), "a%2Fb");
    }
}
