//! `s3://bucket/key` as the AWS CLI's `s3` commands take it, and URL-encoded keys as S3
//! Inventory reports write them.
//!
//! The AWS CLI (awscli/customizations/s3/utils.py, `split_s3_bucket_key` / `find_bucket_key`)
//! drops `s3://`, takes an access point ARN (`arn:…:accesspoint/NAME`) or else everything up
//! to the first `/` as the bucket, and the rest, literally, as the key: `?`, `#`, `%`, `+` and
//! spaces are part of the key, never a query, fragment or escape.

use crate::errors::{ItemError, ItemErrorKind};

const SCHEME: &str = "s3://";

/// `(bucket, key)` of `s3://bucket/key`. The key may be empty (`s3://bucket/` or
/// `s3://bucket`), which the caller refuses or treats as a prefix.
///
/// Errors (`invalid_url`): the text does not start with `s3://` (in lower case), or names no
/// bucket.
pub fn parse(text: &str) -> Result<(&str, &str), ItemError> {
    let Some(path) = text.strip_prefix(SCHEME) else {
        let upper_case_scheme = text
            .get(..SCHEME.len())
            .is_some_and(|scheme| scheme.eq_ignore_ascii_case(SCHEME));
        if upper_case_scheme {
            // The AWS CLI only strips a lower-case `s3://` (it would read a bucket `S3:`).
            return Err(ItemError::new(
                ItemErrorKind::InvalidUrl,
                format!(
                    "'{text}' is not an S3 URI: write the scheme in lower case, s3://BUCKET/KEY"
                ),
            ));
        }
        return Err(ItemError::new(
            ItemErrorKind::InvalidUrl,
            format!("'{text}' is not an S3 URI; write s3://BUCKET/KEY"),
        ));
    };
    let split_at = access_point_end(path).unwrap_or_else(|| path.find('/').unwrap_or(path.len()));
    let bucket = &path[..split_at];
    let key = path[split_at..]
        .strip_prefix('/')
        .unwrap_or(&path[split_at..]);
    if bucket.is_empty() {
        return Err(ItemError::new(
            ItemErrorKind::InvalidUrl,
            format!("'{text}' names no bucket; write s3://BUCKET/KEY"),
        ));
    }
    Ok((bucket, key))
}

/// Where an access point ARN at the start of `path` ends: `arn:PARTITION:s3:REGION:ACCOUNT:`
/// then `accesspoint/NAME` or `accesspoint:NAME` (the CLI's
/// `_S3_ACCESSPOINT_TO_BUCKET_KEY_REGEX`).
fn access_point_end(path: &str) -> Option<usize> {
    if !path.starts_with("arn:") {
        return None;
    }
    let marker = path.find(":accesspoint")?;
    let name_start = marker + ":accesspoint".len();
    let separator = path[name_start..].chars().next()?;
    if separator != '/' && separator != ':' {
        return None;
    }
    let name = &path[name_start + 1..];
    Some(name_start + 1 + name.find('/').unwrap_or(name.len()))
}

/// A key as S3 Inventory reports write it: URL-encoded, with `+` for a space.
///
/// Errors (`invalid_key`): a `%` not followed by two hex digits, or bytes that are not UTF-8.
pub fn decode_key(encoded: &str) -> Result<String, ItemError> {
    let bad = |why: &str| {
        ItemError::new(
            ItemErrorKind::InvalidKey,
            format!("key '{encoded}' is not URL-encoded as --keys-url-encoded expects: {why}"),
        )
    };
    let bytes = encoded.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => decoded.push(b' '),
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .ok_or_else(|| bad("'%' must be followed by two hex digits"))?;
                decoded.push(hex);
                i += 2;
            }
            b => decoded.push(b),
        }
        i += 1;
    }
    String::from_utf8(decoded).map_err(|_| bad("the decoded bytes are not UTF-8"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_taken_literally_as_the_aws_cli_does() {
        for (uri, bucket, key) in [
            ("s3://b/reports/q1.pdf", "b", "reports/q1.pdf"),
            ("s3://b/a?versionId=1#frag", "b", "a?versionId=1#frag"),
            ("s3://b/with space/50%25+x", "b", "with space/50%25+x"),
            ("s3://b/dir/", "b", "dir/"),
            ("s3://b", "b", ""),
            ("s3://b//double", "b", "/double"),
            ("s3://b/日本語/ファイル 1.txt", "b", "日本語/ファイル 1.txt"),
            ("s3://b/", "b", ""),
            (
                "s3://arn:aws:s3:us-west-2:123456789012:accesspoint/ap/k/x",
                "arn:aws:s3:us-west-2:123456789012:accesspoint/ap",
                "k/x",
            ),
            (
                "s3://arn:aws:s3:us-west-2:123456789012:accesspoint:ap/k",
                "arn:aws:s3:us-west-2:123456789012:accesspoint:ap",
                "k",
            ),
        ] {
            assert_eq!(parse(uri).unwrap(), (bucket, key), "{uri}");
        }
    }

    #[test]
    fn other_schemes_and_no_bucket_are_refused() {
        for bad in ["https://b/k", "b/k", "s3:/b/k", "s3:///k", "S3://b/k"] {
            assert_eq!(
                parse(bad).unwrap_err().kind,
                ItemErrorKind::InvalidUrl,
                "{bad}"
            );
        }
    }

    #[test]
    fn an_upper_case_scheme_is_named_as_the_slip() {
        let error = parse("S3://b/k").unwrap_err();
        assert!(error.message.contains("lower case"), "{}", error.message);
        assert!(!parse("https://b/k")
            .unwrap_err()
            .message
            .contains("lower case"));
    }

    #[test]
    fn inventory_keys_decode_plus_and_percent() {
        assert_eq!(decode_key("a+b%2Fc%C3%A9").unwrap(), "a b/cé");
        assert_eq!(decode_key("plain/key.txt").unwrap(), "plain/key.txt");
        assert!(decode_key("bad%2").is_err());
        assert!(decode_key("bad%zz").is_err());
        assert!(decode_key("%FF").is_err());
    }
}
