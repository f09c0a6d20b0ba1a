//! Percent-encoding as SigV4 defines it for S3: every byte except the RFC 3986 unreserved
//! characters (A–Z a–z 0–9 - _ . ~) becomes %XX with uppercase hex. S3 encodes once (no double
//! encoding) and keeps `/` in the object key's path.

const HEX: &[u8; 16] = b"0123456789ABCDEF";

fn encode_into(out: &mut String, text: &str, keep_slash: bool) {
    let bytes = text.as_bytes();
    // Runs of bytes that stay as they are are copied whole: most keys are mostly such bytes.
    let mut run_start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let unreserved = b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~');
        if unreserved || (keep_slash && b == b'/') {
            continue;
        }
        // A run holds only unreserved ASCII bytes, so a non-empty run starts and ends at char
        // boundaries (the bytes of a multi-byte character are all encoded, one by one).
        if run_start < i {
            out.push_str(&text[run_start..i]);
        }
        out.push('%');
        out.push(HEX[(b >> 4) as usize] as char);
        out.push(HEX[(b & 0xF) as usize] as char);
        run_start = i + 1;
    }
    out.push_str(&text[run_start..]);
}

/// An object key as it appears in the URL path.
pub fn encode_key(key: &str) -> String {
    let mut out = String::with_capacity(key.len() * 3 / 2 + 8);
    encode_key_into(&mut out, key);
    out
}

/// [`encode_key`], appended to `out`.
pub fn encode_key_into(out: &mut String, key: &str) {
    encode_into(out, key, true);
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
        // Runs of kept bytes between encoded ones, at the start, the middle and the end.
        assert_eq!(encode_key("éa b/çd"), "%C3%A9a%20b/%C3%A7d");
        assert_eq!(encode_key("a😀"), "a%F0%9F%98%80");
        assert_eq!(encode_key(""), "");
    }
}
