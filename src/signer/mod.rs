//! SigV4 query-string signing: the one narrow function every URL goes through.
//!
//! `Signer::presign_url` is the hot path of a batch. It builds the canonical request directly
//! into reused buffers and derives the signing key once per (date, region, service), so a URL
//! costs two SHA-256 passes and one HMAC. `sdk::presign_url` is the AWS SDK's signer with the
//! same contract, kept as the reference the fast path is tested against.

pub mod sdk;

use std::fmt::Write as _;
use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

use crate::expiry::format_amz_date;
use crate::uri_encode::encode_query_into;

/// Everything that goes into one signature.
pub struct SignInput<'a> {
    pub method: &'a str,
    /// `scheme://host[:port]/encoded-path[?encoded-query]`, without any X-Amz-* parameter.
    pub url: &'a str,
    /// Headers the client will send and that are signed, besides `host`.
    pub headers: &'a [(&'a str, &'a str)],
    pub region: &'a str,
    pub service: &'a str,
    pub signed_at: SystemTime,
    pub expires_in: Duration,
}

/// Signs with one set of credentials. Holds the secret and the derived key: its Debug output
/// shows neither.
pub struct Signer {
    credentials: Credentials,
    /// The signing key for (YYYYMMDD, region, service); a batch rarely needs a second one.
    cached_key: Option<(String, String, String, [u8; 32])>,
    canonical: String,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("access_key_id", &self.credentials.access_key_id())
            .field("secret", &"(redacted)")
            .finish()
    }
}

const ALGORITHM: &str = "AWS4-HMAC-SHA256";

impl Signer {
    pub fn new(credentials: Credentials) -> Self {
        Signer {
            credentials,
            cached_key: None,
            canonical: String::with_capacity(1024),
        }
    }

    /// Returns `input.url` with the SigV4 query parameters appended, in the order the SDK's
    /// signer uses (… X-Amz-Signature, then X-Amz-Security-Token).
    pub fn presign_url(&mut self, input: &SignInput<'_>) -> Result<String, String> {
        let (scheme, rest) = input
            .url
            .split_once("://")
            .ok_or_else(|| format!("'{}' is not an absolute URL", input.url))?;
        let authority_end = rest.find('/').unwrap_or(rest.len());
        let authority = &rest[..authority_end];
        let path_and_query = &rest[authority_end..];
        let (path, query) = match path_and_query.split_once('?') {
            Some((p, q)) => (p, q),
            None => (path_and_query, ""),
        };
        let path = if path.is_empty() { "/" } else { path };
        let host = match (scheme, authority.rsplit_once(':')) {
            ("https", Some((h, "443"))) | ("http", Some((h, "80"))) => h,
            _ => authority,
        };

        let amz_date = format_amz_date(input.signed_at.into());
        let date = &amz_date[..8];
        let key = self.signing_key(date, input.region, input.service);

        // Signed headers: the given ones and host, lowercase, sorted.
        let mut headers: Vec<(String, String)> = input
            .headers
            .iter()
            .map(|(n, v)| (n.to_ascii_lowercase(), trim_all(v)))
            .collect();
        headers.push(("host".to_string(), host.to_string()));
        headers.sort();
        let mut signed_headers = String::with_capacity(32);
        for (i, (name, _)) in headers.iter().enumerate() {
            if i > 0 {
                signed_headers.push(';');
            }
            signed_headers.push_str(name);
        }

        // Query parameters, all encoded, then sorted as SigV4 requires.
        let mut credential = String::with_capacity(96);
        encode_query_into(&mut credential, self.credentials.access_key_id());
        let _ = write!(credential, "%2F{date}%2F");
        encode_query_into(&mut credential, input.region);
        credential.push_str("%2F");
        encode_query_into(&mut credential, input.service);
        credential.push_str("%2Faws4_request");
        let mut encoded_signed_headers = String::with_capacity(signed_headers.len() + 8);
        encode_query_into(&mut encoded_signed_headers, &signed_headers);
        let expires = input.expires_in.as_secs().to_string();
        let encoded_token = self.credentials.session_token().map(|token| {
            let mut encoded = String::with_capacity(token.len() * 3 / 2);
            encode_query_into(&mut encoded, token);
            encoded
        });
        let mut sorted: Vec<(&str, &str)> = Vec::with_capacity(12);
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            sorted.push(pair.split_once('=').unwrap_or((pair, "")));
        }
        sorted.push(("X-Amz-Algorithm", ALGORITHM));
        sorted.push(("X-Amz-Credential", &credential));
        sorted.push(("X-Amz-Date", &amz_date));
        sorted.push(("X-Amz-Expires", &expires));
        sorted.push(("X-Amz-SignedHeaders", &encoded_signed_headers));
        if let Some(token) = &encoded_token {
            sorted.push(("X-Amz-Security-Token", token));
        }
        sorted.sort_unstable();

        let c = &mut self.canonical;
        c.clear();
        c.push_str(input.method);
        c.push('\n');
        c.push_str(path);
        c.push('\n');
        for (i, (name, value)) in sorted.iter().enumerate() {
            if i > 0 {
                c.push('&');
            }
            c.push_str(name);
            c.push('=');
            c.push_str(value);
        }
        c.push('\n');
        for (name, value) in &headers {
            c.push_str(name);
            c.push(':');
            c.push_str(value);
            c.push('\n');
        }
        c.push('\n');
        c.push_str(&signed_headers);
        c.push_str("\nUNSIGNED-PAYLOAD");

        let mut string_to_sign = String::with_capacity(160);
        string_to_sign.push_str(ALGORITHM);
        string_to_sign.push('\n');
        string_to_sign.push_str(&amz_date);
        string_to_sign.push('\n');
        let _ = writeln!(
            string_to_sign,
            "{date}/{}/{}/aws4_request",
            input.region, input.service
        );
        push_hex(&mut string_to_sign, &Sha256::digest(c.as_bytes()));
        let signature = hmac(&key, string_to_sign.as_bytes());

        let token_length = encoded_token.as_ref().map_or(0, |t| t.len() + 22);
        let mut url =
            String::with_capacity(input.url.len() + credential.len() + 200 + token_length);
        url.push_str(input.url);
        url.push(if query.is_empty() { '?' } else { '&' });
        for (name, value) in [
            ("X-Amz-Algorithm=", ALGORITHM),
            ("&X-Amz-Credential=", &credential),
            ("&X-Amz-Date=", &amz_date),
            ("&X-Amz-Expires=", &expires),
            ("&X-Amz-SignedHeaders=", &encoded_signed_headers),
        ] {
            url.push_str(name);
            url.push_str(value);
        }
        url.push_str("&X-Amz-Signature=");
        push_hex(&mut url, &signature);
        if let Some(token) = &encoded_token {
            url.push_str("&X-Amz-Security-Token=");
            url.push_str(token);
        }
        Ok(url)
    }

    /// The SigV4 signature of `data` itself, as a POST policy is signed: hex HMAC with the
    /// signing key for (date, region, service). `date` is YYYYMMDD.
    pub fn sign_string(&mut self, date: &str, region: &str, service: &str, data: &str) -> String {
        let key = self.signing_key(date, region, service);
        let mut hex = String::with_capacity(64);
        push_hex(&mut hex, &hmac(&key, data.as_bytes()));
        hex
    }

    /// The same keys with another session token (or none): checking a URL needs the token that
    /// is inside it.
    pub fn with_session_token(&self, token: Option<String>) -> Signer {
        let c = &self.credentials;
        Signer::new(Credentials::new(
            c.access_key_id(),
            c.secret_access_key(),
            token,
            c.expiry(),
            "inspect",
        ))
    }

    pub fn access_key_id(&self) -> &str {
        self.credentials.access_key_id()
    }

    /// The session token of temporary credentials: it must travel with what is signed (a URL
    /// or a form), and nowhere else.
    pub fn session_token(&self) -> Option<&str> {
        self.credentials.session_token()
    }

    fn signing_key(&mut self, date: &str, region: &str, service: &str) -> [u8; 32] {
        if let Some((d, r, s, key)) = &self.cached_key {
            if d == date && r == region && s == service {
                return *key;
            }
        }
        let secret = format!("AWS4{}", self.credentials.secret_access_key());
        let k_date = hmac(secret.as_bytes(), date.as_bytes());
        let k_region = hmac(&k_date, region.as_bytes());
        let k_service = hmac(&k_region, service.as_bytes());
        let key = hmac(&k_service, b"aws4_request");
        self.cached_key = Some((
            date.to_string(),
            region.to_string(),
            service.to_string(),
            key,
        ));
        key
    }
}

fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut mac =
        <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(data);
    mac.finalize().into_bytes().into()
}

fn push_hex(out: &mut String, bytes: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for &b in bytes {
        out.push(HEX[(b >> 4) as usize] as char);
        out.push(HEX[(b & 0xF) as usize] as char);
    }
}

/// Header values as SigV4 canonicalises them: outer spaces trimmed, runs of spaces collapsed.
fn trim_all(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut previous_space = false;
    for c in value.trim_matches(' ').chars() {
        if c == ' ' && previous_space {
            continue;
        }
        previous_space = c == ' ';
        out.push(c);
    }
    out
}
