//! One request to sign: the raw fields as given (flags, or a JSON line over flag defaults),
//! and their validation into a `Request` that can be signed.

use crate::errors::{ItemError, ItemErrorKind};
use crate::expiry::{self, ExpirySpec};
use crate::request_options::{RequestOptions, SignedExtras};

/// S3 keys are at most 1024 bytes of UTF-8.
pub const MAX_KEY_BYTES: usize = 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verb {
    Get,
    Put,
    Head,
    Delete,
    /// Only to complete a multipart upload.
    Post,
}

impl Verb {
    pub fn parse(text: &str) -> Result<Verb, ItemError> {
        match text.trim().to_ascii_uppercase().as_str() {
            "GET" => Ok(Verb::Get),
            "PUT" => Ok(Verb::Put),
            "HEAD" => Ok(Verb::Head),
            "DELETE" => Ok(Verb::Delete),
            "POST" => Ok(Verb::Post),
            _ => Err(ItemError::new(
                ItemErrorKind::InvalidVerb,
                format!("verb '{text}' is not supported; use GET, PUT, HEAD or DELETE (or POST to complete a multipart upload)"),
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Verb::Get => "GET",
            Verb::Put => "PUT",
            Verb::Head => "HEAD",
            Verb::Delete => "DELETE",
            Verb::Post => "POST",
        }
    }
}

/// How a lifetime was written: JSON lines may give `expires_in` as a number of seconds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExpiresIn {
    Text(String),
    Seconds(i64),
}

/// The per-request fields, each optional, exactly as given. Flags fill one of these as the
/// defaults, a batch line fills another, and `over` lays the line on the defaults.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestFields {
    pub bucket: Option<String>,
    pub key: Option<String>,
    pub verb: Option<String>,
    pub expires: Option<String>,
    pub expires_in: Option<ExpiresIn>,
    pub version_id: Option<String>,
    pub content_type: Option<String>,
    /// The region to sign this request for, instead of the run's (`region` on a batch line).
    pub region: Option<String>,
    pub options: RequestOptions,
}

impl RequestFields {
    /// `self` (a line) over `defaults` (the flags). An expiry on the line replaces both expiry
    /// defaults, so `--expires-in 1h` with a line giving `expires` is not a conflict.
    pub fn over(self, defaults: &RequestFields) -> RequestFields {
        let line_sets_expiry = self.expires.is_some() || self.expires_in.is_some();
        RequestFields {
            bucket: self.bucket.or_else(|| defaults.bucket.clone()),
            key: self.key.or_else(|| defaults.key.clone()),
            verb: self.verb.or_else(|| defaults.verb.clone()),
            expires: if line_sets_expiry {
                self.expires
            } else {
                defaults.expires.clone()
            },
            expires_in: if line_sets_expiry {
                self.expires_in
            } else {
                defaults.expires_in.clone()
            },
            version_id: self.version_id.or_else(|| defaults.version_id.clone()),
            content_type: self.content_type.or_else(|| defaults.content_type.clone()),
            region: self.region.or_else(|| defaults.region.clone()),
            options: self.options.over(&defaults.options),
        }
    }

    /// Checks every field; the first problem found is the error.
    pub fn validate(self) -> Result<Request, ItemError> {
        let bucket = match self.bucket {
            Some(b) if !b.is_empty() => b,
            _ => {
                return Err(ItemError::new(
                    ItemErrorKind::MissingBucket,
                    "no bucket: give \"bucket\" on the line or --bucket",
                ))
            }
        };
        check_bucket(&bucket)?;
        let key = match self.key {
            Some(k) if !k.is_empty() => k,
            _ => {
                return Err(ItemError::new(
                    ItemErrorKind::MissingKey,
                    "no key: give a non-empty \"key\" on the line or --key",
                ))
            }
        };
        check_key(&key)?;
        let verb = match &self.verb {
            Some(v) => Verb::parse(v)?,
            None => Verb::Get,
        };
        let expiry = expiry_spec(self.expires, self.expires_in)?;
        let extras = self.options.validate(verb)?;
        let operation = extras.operation.expect("validate sets the operation");
        if self.version_id.as_deref().is_some_and(|v| !v.is_empty()) {
            operation.check("version_id")?;
        }
        if self.content_type.as_deref().is_some_and(|c| !c.is_empty()) {
            operation.check("content_type")?;
        }
        Ok(Request {
            extras,
            bucket,
            key,
            verb,
            expiry,
            version_id: self.version_id.filter(|v| !v.is_empty()),
            content_type: self.content_type.filter(|c| !c.is_empty()),
            region: self.region.filter(|r| !r.is_empty()),
        })
    }
}

/// Reads an expiry as given: an instant (`expires`) or a lifetime (`expires_in`), not both.
pub fn expiry_spec(
    expires: Option<String>,
    expires_in: Option<ExpiresIn>,
) -> Result<ExpirySpec, ItemError> {
    Ok(match (expires, expires_in) {
        (Some(_), Some(_)) => {
            return Err(ItemError::new(
                ItemErrorKind::ConflictingExpiry,
                "both expires and expires_in are set; give one of them",
            ))
        }
        (Some(text), None) => {
            let instant = expiry::parse_instant(&text).map_err(|m| {
                ItemError::new(ItemErrorKind::InvalidExpiry, format!("expires: {m}"))
            })?;
            ExpirySpec::At { instant, text }
        }
        (None, Some(ExpiresIn::Seconds(seconds))) => ExpirySpec::In {
            seconds,
            text: format!("{seconds}s"),
        },
        (None, Some(ExpiresIn::Text(text))) => {
            let seconds = expiry::parse_duration(&text).map_err(|m| {
                ItemError::new(ItemErrorKind::InvalidExpiry, format!("expires_in: {m}"))
            })?;
            ExpirySpec::In { seconds, text }
        }
        (None, None) => ExpirySpec::Default,
    })
}

/// A request whose fields are all valid. The expiry is checked later, against the signing time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    pub bucket: String,
    pub key: String,
    pub verb: Verb,
    pub expiry: ExpirySpec,
    pub version_id: Option<String>,
    pub content_type: Option<String>,
    /// The request's own region; None: the run's. Checked by the presigner, which knows
    /// whether the endpoint is AWS's (typos refused) or a custom one (any well-formed name).
    pub region: Option<String>,
    /// Query parameters and headers from the optional fields.
    pub extras: SignedExtras,
}

/// Refuses a key S3 cannot store: over 1024 bytes of UTF-8 (S3 User Guide, "Naming objects").
/// Shared by `url`, `batch` and `post`.
pub fn check_key(key: &str) -> Result<(), ItemError> {
    if key.len() > MAX_KEY_BYTES {
        return Err(ItemError::new(
            ItemErrorKind::InvalidKey,
            format!(
                "key is {} bytes long; S3 keys are at most {MAX_KEY_BYTES} bytes of UTF-8",
                key.len()
            ),
        ));
    }
    Ok(())
}

/// Refuses names that no S3 bucket can have. Deliberately wider than today's naming rules:
/// buckets created in us-east-1 before 2018 may have capitals and underscores and be up to 255
/// characters long. Access point and Outposts ARNs pass through to endpoint resolution.
pub fn check_bucket(bucket: &str) -> Result<(), ItemError> {
    if bucket.starts_with("arn:") {
        return Ok(());
    }
    let invalid = |why: &str| {
        Err(ItemError::new(
            ItemErrorKind::InvalidBucket,
            format!("bucket '{bucket}' is not a valid bucket name: {why}"),
        ))
    };
    if bucket.len() < 3 || bucket.len() > 255 {
        return invalid("bucket names are 3 to 63 characters long");
    }
    if let Some(c) = bucket
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')))
    {
        return invalid(&format!(
            "it contains {c:?}; use lowercase letters, digits, dots and hyphens"
        ));
    }
    let first_last_ok = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    if !first_last_ok(bucket.chars().next()) || !first_last_ok(bucket.chars().last()) {
        return invalid("it must begin and end with a letter or digit");
    }
    if bucket.contains("..") {
        return invalid("it contains two adjacent dots");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(bucket: &str, key: &str) -> RequestFields {
        RequestFields {
            bucket: Some(bucket.into()),
            key: Some(key.into()),
            ..Default::default()
        }
    }

    #[test]
    fn line_fields_override_defaults_and_expiry_replaces_as_a_whole() {
        let defaults = RequestFields {
            bucket: Some("default-bucket".into()),
            verb: Some("PUT".into()),
            expires_in: Some(ExpiresIn::Text("1h".into())),
            ..Default::default()
        };
        let line = RequestFields {
            key: Some("k".into()),
            expires: Some("2030-01-01".into()),
            ..Default::default()
        };
        let merged = line.over(&defaults);
        assert_eq!(merged.bucket.as_deref(), Some("default-bucket"));
        assert_eq!(merged.verb.as_deref(), Some("PUT"));
        assert_eq!(merged.expires.as_deref(), Some("2030-01-01"));
        assert_eq!(merged.expires_in, None);
    }

    #[test]
    fn validation_codes() {
        let code = |f: RequestFields| f.validate().unwrap_err().kind;
        assert_eq!(code(RequestFields::default()), ItemErrorKind::MissingBucket);
        assert_eq!(code(fields("bucket", "")), ItemErrorKind::MissingKey);
        assert_eq!(
            code(fields("Bad_Bucket!", "k")),
            ItemErrorKind::InvalidBucket
        );
        assert_eq!(code(fields("ab", "k")), ItemErrorKind::InvalidBucket);
        assert_eq!(code(fields("-abc", "k")), ItemErrorKind::InvalidBucket);
        assert_eq!(code(fields("a..b", "k")), ItemErrorKind::InvalidBucket);
        assert_eq!(
            code(fields("bucket", &"x".repeat(1025))),
            ItemErrorKind::InvalidKey
        );
        assert!(
            fields("bucket", &"é".repeat(512)).validate().is_ok(),
            "1024 bytes is the limit"
        );
        let mut f = fields("bucket", "k");
        f.verb = Some("POST".into());
        assert_eq!(code(f), ItemErrorKind::InvalidVerb);
        let mut f = fields("bucket", "k");
        f.expires = Some("2030-01-01".into());
        f.expires_in = Some(ExpiresIn::Seconds(5));
        assert_eq!(code(f), ItemErrorKind::ConflictingExpiry);
        let mut f = fields("bucket", "k");
        f.content_type = Some("text/plain".into());
        assert_eq!(code(f), ItemErrorKind::ContentTypeNotPut);
        assert!(fields("Legacy_Bucket", "k").validate().is_ok());
    }

    #[test]
    fn verbs_are_case_insensitive() {
        assert_eq!(Verb::parse("put").unwrap(), Verb::Put);
        assert_eq!(Verb::parse(" Delete ").unwrap(), Verb::Delete);
        assert!(Verb::parse("PATCH")
            .unwrap_err()
            .message
            .contains("'PATCH'"));
    }
}
