//! SSE-C: server-side encryption with a key the customer holds. S3 needs the key itself in every
//! request that writes or reads such an object, so a pre-signed URL signs three headers — the
//! algorithm, the key and its MD5 — and the client must send them. The key is a secret: it is
//! read from an environment variable or a file (never the command line, which process lists
//! show), used for signing, and never printed. Results list its header with the value
//! `(redacted)`, and the curl / Invoke-WebRequest commands read it from where s3presign did.

use std::fmt;
use std::path::PathBuf;

use md5::{Digest, Md5};

use crate::errors::{SetupError, SetupErrorKind};

pub const ALGORITHM_HEADER: &str = "x-amz-server-side-encryption-customer-algorithm";
pub const KEY_HEADER: &str = "x-amz-server-side-encryption-customer-key";
pub const KEY_MD5_HEADER: &str = "x-amz-server-side-encryption-customer-key-MD5";
/// What results show instead of the key.
pub const REDACTED: &str = "(redacted)";

/// Where the key came from, so that client commands can read it from the same place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeySource {
    /// An environment variable holding the base64 key.
    Env(String),
    /// A file holding the base64 key.
    File(PathBuf),
}

#[derive(Clone)]
pub struct SseCustomerKey {
    /// The base64 key, exactly as sent in the header.
    key: String,
    /// The base64 MD5 of the key's 32 bytes.
    key_md5: String,
    pub source: KeySource,
}

/// Never the key: a Debug of a session or presigner may end up in a log.
impl fmt::Debug for SseCustomerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SseCustomerKey")
            .field("key", &REDACTED)
            .field("key_md5", &self.key_md5)
            .field("source", &self.source)
            .finish()
    }
}

fn usage(message: String) -> SetupError {
    SetupError::new(SetupErrorKind::Usage, message)
}

fn is_env_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Whether `text` could be an SSE-C key put where a name or path belongs: the base64 of 32 bytes,
/// or anything as long as one (44 characters). Such text is never echoed in a message.
pub fn may_be_key(text: &str) -> bool {
    text.trim().len() >= 40
        || aws_smithy_types::base64::decode(text.trim()).is_ok_and(|bytes| bytes.len() == 32)
}

impl KeySource {
    /// `env:NAME` or `file:PATH`. Anything else is refused without echoing it: it may be the key.
    /// A name or path that looks like a key ([`may_be_key`]) is refused without echoing it too.
    pub fn parse(text: &str) -> Result<KeySource, SetupError> {
        if let Some(name) = text.strip_prefix("env:") {
            if may_be_key(name) {
                return Err(usage(
                    "--sse-customer-key env:NAME takes the name of the environment variable that holds the key; what follows env: looks like a key itself, which must never be on a command line".into(),
                ));
            }
            if !is_env_name(name) {
                return Err(usage(format!(
                    "--sse-customer-key env:{name}: '{name}' is not an environment variable name (letters, digits, _)"
                )));
            }
            Ok(KeySource::Env(name.to_string()))
        } else if let Some(path) = text.strip_prefix("file:") {
            if path.is_empty() {
                return Err(usage("--sse-customer-key file: needs a path".into()));
            }
            if may_be_key(path) && !std::path::Path::new(path).exists() {
                return Err(usage(
                    "--sse-customer-key file:PATH takes the path of a file that holds the key; what follows file: is no file and looks like a key itself, which must never be on a command line".into(),
                ));
            }
            Ok(KeySource::File(PathBuf::from(path)))
        } else {
            Err(usage(
                "--sse-customer-key takes env:NAME or file:PATH (a variable or file holding the base64 key), never the key itself: command lines show up in process lists".into(),
            ))
        }
    }

    fn describe(&self) -> String {
        match self {
            KeySource::Env(name) => format!("environment variable {name}"),
            KeySource::File(path) => format!("file '{}'", path.display()),
        }
    }
}

impl SseCustomerKey {
    /// Reads and checks the key; `expected_md5` (if given) must be the key's MD5.
    pub fn load(
        source: KeySource,
        expected_md5: Option<&str>,
    ) -> Result<SseCustomerKey, SetupError> {
        let text = match &source {
            KeySource::Env(name) => {
                let key = std::env::var(name).map_err(|_| {
                    usage(format!(
                        "the SSE-C key's environment variable {name} is not set (or not UTF-8)"
                    ))
                })?;
                // Processes started later (a credential_process helper) must not inherit the
                // key. Keys are loaded before the async runtime starts any thread, so nothing
                // reads the environment concurrently.
                std::env::remove_var(name);
                key
            }
            KeySource::File(path) => std::fs::read_to_string(path).map_err(|e| {
                usage(format!(
                    "cannot read the SSE-C key from '{}': {e}",
                    path.display()
                ))
            })?,
        };
        Self::from_base64(text.trim(), source, expected_md5)
    }

    fn from_base64(
        key: &str,
        source: KeySource,
        expected_md5: Option<&str>,
    ) -> Result<SseCustomerKey, SetupError> {
        let bytes = match aws_smithy_types::base64::decode(key) {
            Ok(bytes) if bytes.len() == 32 => bytes,
            Ok(bytes) => {
                return Err(usage(format!(
                    "the SSE-C key in the {} is {} bytes; S3 needs a 256-bit key: 32 bytes, base64-encoded (e.g. openssl rand -base64 32)",
                    source.describe(),
                    bytes.len()
                )))
            }
            Err(_) => {
                return Err(usage(format!(
                    "the SSE-C key in the {} is not base64; S3 needs a 256-bit key: 32 bytes, base64-encoded (e.g. openssl rand -base64 32)",
                    source.describe()
                )))
            }
        };
        let key_md5 = aws_smithy_types::base64::encode(Md5::digest(&bytes));
        if let Some(expected) = expected_md5 {
            if expected != key_md5 {
                // The given value is not echoed: it may be the key, put in the wrong place.
                return Err(usage(format!(
                    "--sse-customer-key-md5 is not the MD5 of the SSE-C key in the {} (which is {key_md5})",
                    source.describe()
                )));
            }
        }
        Ok(SseCustomerKey {
            key: key.to_string(),
            key_md5,
            source,
        })
    }

    /// The three headers as signed: the real key.
    pub fn signed_headers(&self) -> [(String, String); 3] {
        let mut headers = self.shown_headers();
        headers[1].1.clone_from(&self.key);
        headers
    }

    /// The key as the header carries it, for signing only.
    pub fn base64_key(&self) -> &str {
        &self.key
    }

    pub fn key_md5(&self) -> &str {
        &self.key_md5
    }

    /// The three headers as shown: the key redacted.
    pub fn shown_headers(&self) -> [(String, String); 3] {
        [
            (ALGORITHM_HEADER.into(), "AES256".into()),
            (KEY_HEADER.into(), REDACTED.into()),
            (KEY_MD5_HEADER.into(), self.key_md5.clone()),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // A key of 32 bytes 0..31 and its MD5, as botocore computes them.
    const KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

    fn source() -> KeySource {
        KeySource::Env("K".into())
    }

    #[test]
    fn md5_is_of_the_key_bytes_not_its_text() {
        let key = SseCustomerKey::from_base64(KEY, source(), None).unwrap();
        let md5 =
            aws_smithy_types::base64::encode(Md5::digest((0u8..32).collect::<Vec<_>>().as_slice()));
        assert_eq!(key.signed_headers()[2].1, md5);
        assert_ne!(
            md5,
            aws_smithy_types::base64::encode(Md5::digest(KEY.as_bytes()))
        );
        assert!(SseCustomerKey::from_base64(KEY, source(), Some(&md5)).is_ok());
        let wrong = SseCustomerKey::from_base64(KEY, source(), Some("AAAAAAAAAAAAAAAAAAAAAA=="))
            .unwrap_err();
        assert!(wrong.message.contains(&md5), "{}", wrong.message);
    }

    #[test]
    fn the_key_is_never_shown() {
        let key = SseCustomerKey::from_base64(KEY, source(), None).unwrap();
        assert!(!format!("{key:?}").contains(KEY));
        let shown = key.shown_headers();
        assert!(shown.iter().all(|(_, v)| v != KEY));
        assert_eq!(shown[1], (KEY_HEADER.to_string(), REDACTED.to_string()));
        assert_eq!(key.signed_headers()[1].1, KEY);
    }

    #[test]
    fn short_or_garbled_keys_are_refused_without_echoing_them() {
        let short = aws_smithy_types::base64::encode([7u8; 16]);
        let e = SseCustomerKey::from_base64(&short, source(), None).unwrap_err();
        assert!(e.message.contains("16 bytes") && !e.message.contains(&short));
        let e = SseCustomerKey::from_base64("not base64!", source(), None).unwrap_err();
        assert!(e.message.contains("not base64") && !e.message.contains("not base64!"));
    }

    #[test]
    fn sources_are_env_or_file_never_the_key() {
        assert_eq!(
            KeySource::parse("env:SSE_KEY").unwrap(),
            KeySource::Env("SSE_KEY".into())
        );
        assert_eq!(
            KeySource::parse("file:/k/key.b64").unwrap(),
            KeySource::File("/k/key.b64".into())
        );
        for wrong_place in [KEY.to_string(), format!("env:{KEY}"), format!("file:{KEY}")] {
            let e = KeySource::parse(&wrong_place).unwrap_err();
            assert!(!e.message.contains(KEY), "{}", e.message);
        }
        let unpadded = KEY.trim_end_matches('=');
        let e = KeySource::parse(&format!("env:{unpadded}")).unwrap_err();
        assert!(!e.message.contains(unpadded), "{}", e.message);
        let e = SseCustomerKey::from_base64(KEY, source(), Some(KEY)).unwrap_err();
        assert!(!e.message.contains(KEY), "{}", e.message);
        let e = KeySource::parse(KEY).unwrap_err();
        assert!(!e.message.contains(KEY) && e.message.contains("env:NAME"));
        assert!(KeySource::parse("env:1BAD").is_err());
        assert!(KeySource::parse("env:$(rm)").is_err());
        assert!(KeySource::parse("file:").is_err());
    }
}
