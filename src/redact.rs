//! Hiding session tokens in URLs that are shown back to people (`inspect`, and through it
//! `ConvertFrom-S3PreSignedURL`), whatever form the URL arrived in.
//!
//! A pre-signed URL made with temporary credentials carries the session token in
//! `X-Amz-Security-Token` (AWS SigV4 query authentication, "Using temporary security
//! credentials"). URLs copied out of web pages and mail arrive mangled: the parameter name or its
//! separators percent-encoded (`X-Amz-Security%2DToken`, `%26X-Amz-Security-Token%3D…`), encoded
//! twice, or with `&amp;` for `&`. Redaction goes by meaning: the URL is decoded as often as it
//! takes to find every token value, and each value is then removed from the text in every encoding
//! it could have there.

use crate::inspect::percent_decode;

/// What a redacted token reads as.
pub const REDACTED: &str = "REDACTED";

/// The parameter that holds a session token, lower-case.
const TOKEN_PARAMETER: &str = "x-amz-security-token";

/// How many rounds of percent-decoding are searched for a token (a URL encoded twice, then
/// copied, is the worst seen in practice; more rounds cost nothing).
const DECODING_ROUNDS: usize = 4;

/// `url` with every session token it carries replaced by [`REDACTED`]. Percent escapes are
/// normalised to upper-case hex first (that changes no meaning); nothing else is changed.
pub fn redact_session_tokens(url: &str) -> String {
    let mut shown = upper_case_escapes(url);
    let tokens = token_values(url);
    for token in &tokens {
        for form in encodings(token) {
            shown = shown.replace(&form, REDACTED);
        }
    }
    shown
}

/// Whether `url`, in any of the forms above, carries a session token.
pub fn has_session_token(url: &str) -> bool {
    !token_values(url).is_empty()
}

/// Every value that follows a token parameter name, at every decoding depth.
fn token_values(url: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut text = url.replace("&amp;", "&");
    for _ in 0..DECODING_ROUNDS {
        let lower = text.to_ascii_lowercase();
        let mut from = 0;
        while let Some(at) = lower[from..].find(TOKEN_PARAMETER) {
            let start = from + at + TOKEN_PARAMETER.len();
            from = start;
            let rest = &text[start..];
            let Some(value) = rest.strip_prefix('=') else {
                continue;
            };
            let end = value
                .find(|c: char| {
                    matches!(c, '&' | '#' | '"' | '\'' | '<' | '>') || c.is_whitespace()
                })
                .unwrap_or(value.len());
            let value = &value[..end];
            // The value as it reads here, and what it decodes to: both may appear in the text.
            for candidate in [value.to_string(), percent_decode(value)] {
                if candidate.len() >= 4 && !found.contains(&candidate) {
                    found.push(candidate);
                }
            }
        }
        let decoded = percent_decode(&text).replace("&amp;", "&");
        if decoded == text {
            break;
        }
        text = decoded;
    }
    // Longest first, so that no shorter form leaves part of a longer one behind.
    found.sort_by_key(|t| std::cmp::Reverse(t.len()));
    found
}

/// `token` as it may appear in a URL: as is, percent-encoded once and twice (upper-case hex,
/// as [`upper_case_escapes`] leaves the text).
fn encodings(token: &str) -> [String; 3] {
    let once = encode_all_reserved(token);
    let twice = encode_all_reserved(&once);
    [token.to_string(), once, twice]
}

/// Percent-encodes every byte outside SigV4's unreserved set (RFC 3986 unreserved).
fn encode_all_reserved(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3 / 2);
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// `%2b` → `%2B`: the same escape, written one way.
fn upper_case_escapes(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && bytes[i + 1].is_ascii_hexdigit()
            && bytes[i + 2].is_ascii_hexdigit()
        {
            out.push('%');
            out.push(bytes[i + 1].to_ascii_uppercase() as char);
            out.push(bytes[i + 2].to_ascii_uppercase() as char);
            i += 3;
            continue;
        }
        let ch = text[i..].chars().next().expect("i is on a char boundary");
        out.push(ch);
        i += ch.len_utf8();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "FQoGZXIvYXdzEJr//////////wEaDM+token/with+plus==";

    fn assert_hidden(url: &str) {
        let shown = redact_session_tokens(url);
        let once = encode_all_reserved(TOKEN);
        for form in [TOKEN, once.as_str(), &encode_all_reserved(&once)] {
            assert!(!shown.contains(form), "{shown} still holds {form}");
        }
        assert!(shown.contains(REDACTED), "{shown}");
        assert!(has_session_token(url), "{url}");
    }

    #[test]
    fn hides_the_token_in_every_form() {
        let once = encode_all_reserved(TOKEN);
        let base = "https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256";
        assert_hidden(&format!(
            "{base}&X-Amz-Security-Token={once}&X-Amz-Signature=ab"
        ));
        assert_hidden(&format!(
            "{base}&x-amz-security-token={}",
            once.to_lowercase()
        ));
        assert_hidden(&format!("{base}&X-Amz-Security%2DToken={once}"));
        assert_hidden(&format!(
            "{base}%26X-Amz-Security-Token%3D{}",
            encode_all_reserved(&once)
        ));
        assert_hidden(&format!(
            "{base}&amp;X-Amz-Security-Token={once}&amp;X-Amz-Signature=ab"
        ));
        assert_hidden(&format!("{base}&X-Amz-Security-Token={TOKEN}"));
    }

    #[test]
    fn leaves_urls_without_a_token_alone() {
        let url = "https://b.s3.amazonaws.com/a%2fb?X-Amz-Signature=ab&X-Amz-Date=20260101T000000Z";
        assert_eq!(
            redact_session_tokens(url),
            "https://b.s3.amazonaws.com/a%2Fb?X-Amz-Signature=ab&X-Amz-Date=20260101T000000Z"
        );
        assert!(!has_session_token(url));
    }
}
