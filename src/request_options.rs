//! The optional parts of a request beyond bucket, key, verb and expiry: GET response-header
//! overrides, multipart upload ids and part numbers, and the headers a PUT signs (checksums,
//! encryption, storage class, ACL, metadata, requester pays). Each becomes a signed query
//! parameter or a signed header that the client must send.

use std::collections::BTreeMap;

use crate::errors::{ItemError, ItemErrorKind};
use crate::request::Verb;

/// GET's response-header overrides: (field name, query parameter).
pub const RESPONSE_OVERRIDES: [(&str, &str); 6] = [
    (
        "response_content_disposition",
        "response-content-disposition",
    ),
    ("response_content_type", "response-content-type"),
    ("response_cache_control", "response-cache-control"),
    ("response_content_language", "response-content-language"),
    ("response_content_encoding", "response-content-encoding"),
    ("response_expires", "response-expires"),
];

const STORAGE_CLASSES: &[&str] = &[
    "STANDARD",
    "REDUCED_REDUNDANCY",
    "STANDARD_IA",
    "ONEZONE_IA",
    "INTELLIGENT_TIERING",
    "GLACIER",
    "DEEP_ARCHIVE",
    "GLACIER_IR",
    "OUTPOSTS",
    "SNOW",
    "EXPRESS_ONEZONE",
];
const CANNED_ACLS: &[&str] = &[
    "private",
    "public-read",
    "public-read-write",
    "authenticated-read",
    "aws-exec-read",
    "bucket-owner-read",
    "bucket-owner-full-control",
];
const ENCRYPTIONS: &[&str] = &["AES256", "aws:kms", "aws:kms:dsse"];

/// Every optional field as given; `over` lays a line's on the flags' defaults.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestOptions {
    /// Indexed like `RESPONSE_OVERRIDES`.
    pub response_overrides: [Option<String>; 6],
    pub upload_id: Option<String>,
    pub part_number: Option<i64>,
    pub content_md5: Option<String>,
    pub checksum_sha256: Option<String>,
    pub sse: Option<String>,
    pub sse_kms_key_id: Option<String>,
    pub storage_class: Option<String>,
    pub acl: Option<String>,
    pub metadata: Option<BTreeMap<String, String>>,
    pub requester_pays: Option<bool>,
}

/// What the options add to the signed request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SignedExtras {
    /// Query parameters (names and values not yet encoded).
    pub query: Vec<(&'static str, String)>,
    /// Headers the client must send, in the case S3 documents them.
    pub headers: Vec<(String, String)>,
    /// The multipart upload and part, also among `query`, for the result to report.
    pub upload_id: Option<String>,
    pub part_number: Option<i64>,
}

fn invalid(kind: ItemErrorKind, message: String) -> ItemError {
    ItemError::new(kind, message)
}

impl RequestOptions {
    pub fn is_empty(&self) -> bool {
        *self == RequestOptions::default()
    }

    pub fn over(self, d: &RequestOptions) -> RequestOptions {
        let mut response_overrides = self.response_overrides;
        for (mine, default) in response_overrides.iter_mut().zip(&d.response_overrides) {
            if mine.is_none() {
                mine.clone_from(default);
            }
        }
        RequestOptions {
            response_overrides,
            upload_id: self.upload_id.or_else(|| d.upload_id.clone()),
            part_number: self.part_number.or(d.part_number),
            content_md5: self.content_md5.or_else(|| d.content_md5.clone()),
            checksum_sha256: self.checksum_sha256.or_else(|| d.checksum_sha256.clone()),
            sse: self.sse.or_else(|| d.sse.clone()),
            sse_kms_key_id: self.sse_kms_key_id.or_else(|| d.sse_kms_key_id.clone()),
            storage_class: self.storage_class.or_else(|| d.storage_class.clone()),
            acl: self.acl.or_else(|| d.acl.clone()),
            metadata: self.metadata.or_else(|| d.metadata.clone()),
            requester_pays: self.requester_pays.or(d.requester_pays),
        }
    }

    /// Checks the options against the verb and turns them into query parameters and headers.
    pub fn validate(self, verb: Verb) -> Result<SignedExtras, ItemError> {
        let mut extras = SignedExtras::default();

        for ((field, parameter), value) in RESPONSE_OVERRIDES.iter().zip(self.response_overrides) {
            if let Some(value) = value {
                if verb != Verb::Get {
                    return Err(invalid(
                        ItemErrorKind::OptionNotForVerb,
                        format!(
                            "{field} overrides a GET response header, but the verb is {}",
                            verb.as_str()
                        ),
                    ));
                }
                extras.query.push((parameter, value));
            }
        }

        match (&self.upload_id, self.part_number) {
            (None, Some(_)) => {
                return Err(invalid(
                    ItemErrorKind::InvalidMultipart,
                    "part_number needs the upload_id of a multipart upload (s3presign multipart create makes one)".into(),
                ))
            }
            (Some(id), _) if id.is_empty() => {
                return Err(invalid(ItemErrorKind::InvalidMultipart, "upload_id is empty".into()))
            }
            (Some(_), Some(n)) if !(1..=10_000).contains(&n) => {
                return Err(invalid(
                    ItemErrorKind::InvalidMultipart,
                    format!("part number {n} is out of range; S3 parts are numbered 1 to 10000"),
                ))
            }
            (Some(_), Some(_)) if verb != Verb::Put => {
                return Err(invalid(
                    ItemErrorKind::InvalidMultipart,
                    format!("a part is uploaded with PUT, but the verb is {}", verb.as_str()),
                ))
            }
            (Some(_), None) if verb == Verb::Put => {
                return Err(invalid(
                    ItemErrorKind::InvalidMultipart,
                    "a PUT with an upload_id uploads a part: give part_number too".into(),
                ))
            }
            (None, None) if verb == Verb::Post => {
                return Err(invalid(
                    ItemErrorKind::InvalidVerb,
                    "POST is signed only to complete a multipart upload: give its upload_id".into(),
                ))
            }
            _ => {}
        }
        if let Some(n) = self.part_number {
            extras.query.push(("partNumber", n.to_string()));
        }
        if let Some(id) = &self.upload_id {
            extras.query.push(("uploadId", id.clone()));
        }
        extras.upload_id = self.upload_id;
        extras.part_number = self.part_number;

        let put_only = |name: &str| -> Result<(), ItemError> {
            if verb == Verb::Put {
                Ok(())
            } else {
                Err(invalid(
                    ItemErrorKind::OptionNotForVerb,
                    format!(
                        "{name} is signed only for PUT, but the verb is {}",
                        verb.as_str()
                    ),
                ))
            }
        };
        if let Some(md5) = self.content_md5 {
            put_only("content_md5")?;
            check_base64_digest("content_md5", &md5, 16)?;
            extras.headers.push(("Content-MD5".into(), md5));
        }
        if let Some(sha) = self.checksum_sha256 {
            put_only("checksum_sha256")?;
            check_base64_digest("checksum_sha256", &sha, 32)?;
            extras.headers.push(("x-amz-checksum-sha256".into(), sha));
        }
        if let Some(sse) = self.sse {
            put_only("sse")?;
            one_of("sse", &sse, ENCRYPTIONS)?;
            extras
                .headers
                .push(("x-amz-server-side-encryption".into(), sse));
        }
        if let Some(key_id) = self.sse_kms_key_id {
            put_only("sse_kms_key_id")?;
            let kms = extras
                .headers
                .iter()
                .any(|(n, v)| n == "x-amz-server-side-encryption" && v.starts_with("aws:kms"));
            if !kms {
                return Err(invalid(
                    ItemErrorKind::InvalidHeader,
                    "sse_kms_key_id needs sse aws:kms or aws:kms:dsse".into(),
                ));
            }
            extras
                .headers
                .push(("x-amz-server-side-encryption-aws-kms-key-id".into(), key_id));
        }
        if let Some(class) = self.storage_class {
            put_only("storage_class")?;
            one_of("storage_class", &class, STORAGE_CLASSES)?;
            extras.headers.push(("x-amz-storage-class".into(), class));
        }
        if let Some(acl) = self.acl {
            put_only("acl")?;
            one_of("acl", &acl, CANNED_ACLS)?;
            extras.headers.push(("x-amz-acl".into(), acl));
        }
        for (name, value) in self.metadata.unwrap_or_default() {
            put_only("metadata")?;
            check_metadata(&name, &value)?;
            extras
                .headers
                .push((format!("x-amz-meta-{}", name.to_ascii_lowercase()), value));
        }
        if self.requester_pays == Some(true) {
            extras
                .headers
                .push(("x-amz-request-payer".into(), "requester".into()));
        }
        Ok(extras)
    }
}

fn one_of(field: &str, value: &str, allowed: &[&str]) -> Result<(), ItemError> {
    if allowed.contains(&value) {
        Ok(())
    } else {
        Err(invalid(
            ItemErrorKind::InvalidHeader,
            format!("{field} '{value}' is not one of: {}", allowed.join(", ")),
        ))
    }
}

fn check_base64_digest(field: &str, value: &str, bytes: usize) -> Result<(), ItemError> {
    match aws_smithy_types::base64::decode(value) {
        Ok(decoded) if decoded.len() == bytes => Ok(()),
        _ => Err(invalid(
            ItemErrorKind::InvalidHeader,
            format!("{field} '{value}' is not the base64 of a {bytes}-byte digest"),
        )),
    }
}

/// Metadata travels as HTTP headers: names are header tokens, values printable ASCII.
pub fn check_metadata(name: &str, value: &str) -> Result<(), ItemError> {
    let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
    if name.is_empty() || !name.chars().all(token) {
        return Err(invalid(
            ItemErrorKind::InvalidHeader,
            format!("metadata name '{name}' is not a valid header name (letters, digits, - and _)"),
        ));
    }
    if !value.chars().all(|c| c == ' ' || c.is_ascii_graphic()) {
        return Err(invalid(
            ItemErrorKind::InvalidHeader,
            format!("metadata '{name}' has a value that is not printable ASCII; S3 metadata sent as headers must be"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(options: RequestOptions, verb: Verb) -> &'static str {
        match options.validate(verb) {
            Ok(_) => "ok",
            Err(e) => e.kind.code(),
        }
    }

    #[test]
    fn overrides_only_for_get() {
        let mut o = RequestOptions::default();
        o.response_overrides[0] = Some("attachment; filename=\"a.pdf\"".into());
        let extras = o.clone().validate(Verb::Get).unwrap();
        assert_eq!(extras.query[0].0, "response-content-disposition");
        assert_eq!(code(o, Verb::Put), "option_not_for_verb");
    }

    #[test]
    fn multipart_rules() {
        let part = |id: Option<&str>, n: Option<i64>| RequestOptions {
            upload_id: id.map(String::from),
            part_number: n,
            ..Default::default()
        };
        assert_eq!(code(part(Some("u"), Some(1)), Verb::Put), "ok");
        assert_eq!(
            code(part(Some("u"), Some(10_001)), Verb::Put),
            "invalid_multipart"
        );
        assert_eq!(code(part(None, Some(1)), Verb::Put), "invalid_multipart");
        assert_eq!(code(part(Some("u"), None), Verb::Put), "invalid_multipart");
        assert_eq!(
            code(part(Some("u"), Some(1)), Verb::Get),
            "invalid_multipart"
        );
        assert_eq!(code(part(Some("u"), None), Verb::Post), "ok", "complete");
        assert_eq!(code(part(Some("u"), None), Verb::Delete), "ok", "abort");
        assert_eq!(code(part(None, None), Verb::Post), "invalid_verb");
    }

    #[test]
    fn headers_are_checked() {
        let with = |f: fn(&mut RequestOptions)| {
            let mut o = RequestOptions::default();
            f(&mut o);
            o
        };
        assert_eq!(
            code(with(|o| o.sse = Some("AES256".into())), Verb::Put),
            "ok"
        );
        assert_eq!(
            code(with(|o| o.sse = Some("aes".into())), Verb::Put),
            "invalid_header"
        );
        assert_eq!(
            code(with(|o| o.sse_kms_key_id = Some("k".into())), Verb::Put),
            "invalid_header"
        );
        assert_eq!(
            code(
                with(|o| o.content_md5 = Some("1B2M2Y8AsgTpgAmY7PhCfg==".into())),
                Verb::Put
            ),
            "ok"
        );
        assert_eq!(
            code(with(|o| o.content_md5 = Some("nope".into())), Verb::Put),
            "invalid_header"
        );
        assert_eq!(
            code(with(|o| o.acl = Some("public-read".into())), Verb::Get),
            "option_not_for_verb"
        );
        assert_eq!(
            code(with(|o| o.storage_class = Some("COLD".into())), Verb::Put),
            "invalid_header"
        );
        let meta = |k: &str, v: &str| RequestOptions {
            metadata: Some([(k.to_string(), v.to_string())].into()),
            ..Default::default()
        };
        assert_eq!(code(meta("Owner", "ops team"), Verb::Put), "ok");
        assert_eq!(code(meta("bad name", "x"), Verb::Put), "invalid_header");
        assert_eq!(code(meta("owner", "é"), Verb::Put), "invalid_header");
        let extras = meta("Owner", "ops").validate(Verb::Put).unwrap();
        assert_eq!(
            extras.headers,
            vec![("x-amz-meta-owner".to_string(), "ops".to_string())]
        );
    }
}
