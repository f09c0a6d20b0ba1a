//! Reading a pre-signed URL back: what it grants, to whom, until when — for auditing lists of
//! shared links. Works on SigV4 and legacy SigV2 URLs; never shows a session token, only
//! whether there is one. With credentials it also checks the signature, offline.

use chrono::{DateTime, Datelike, TimeDelta, Utc};
use serde::Serialize;

use crate::expiry::{format_utc, MAX_EXPIRES_SECONDS};
use crate::signer::{SignInput, Signer};

/// What a URL says about itself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Inspection {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub signature_version: &'static str,
    /// The URL as given, with any session token replaced by `REDACTED` ([`crate::redact`]).
    pub url: String,
    pub endpoint: String,
    pub bucket: Option<String>,
    pub key: Option<String>,
    /// How the bucket was read: `virtual-hosted` (in the host) or `path-style` (in the path).
    pub addressing_style: &'static str,
    /// Set when the reading is a guess: which one was chosen and how to make it certain.
    pub reading_note: Option<String>,
    pub region: Option<String>,
    pub access_key_id: String,
    pub signed_at: Option<String>,
    pub expires_at: String,
    pub expires_in_seconds: Option<i64>,
    /// Seconds until S3 stops accepting the URL: 0 once expired, and for a URL that never works.
    pub seconds_left: i64,
    pub expired: bool,
    /// Why S3 refuses the URL at any time, whatever the clock says: an `X-Amz-Expires` outside
    /// 1..=604800 (S3 API Reference, "Authenticating Requests: Using Query Parameters"; S3
    /// answers AuthorizationQueryParametersError). `None` for a URL that can work.
    pub never_valid: Option<String>,
    pub signed_headers: Vec<String>,
    pub version_id: Option<String>,
    pub upload_id: Option<String>,
    pub part_number: Option<String>,
    /// `response-…` parameters, decoded.
    #[serde(serialize_with = "pairs_as_object")]
    pub overrides: Vec<(String, String)>,
    pub has_session_token: bool,
}

fn pairs_as_object<S: serde::Serializer>(
    pairs: &[(String, String)],
    s: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = s.serialize_map(Some(pairs.len()))?;
    for (name, value) in pairs {
        map.serialize_entry(name, value)?;
    }
    map.end()
}

/// A parsed URL with the parts needed to check its signature again.
pub struct ParsedUrl {
    pub inspection: Inspection,
    /// Everything before `?`.
    base: String,
    /// Query pairs that are not signing parameters, as they appear in the URL.
    other_query: Vec<(String, String)>,
    signature: String,
    signed_at: Option<DateTime<Utc>>,
    scope_region: Option<String>,
    scope_service: Option<String>,
    /// The URL's own X-Amz-Security-Token: signed into the URL, so checking needs it. Never shown.
    session_token: Option<String>,
}

/// Reads a URL. `endpoint_url` is the custom endpoint the URL may have been made for (as `url`
/// resolves it: flag, environment, config file): with it, its path prefix and virtual-hosted
/// bucket names are read right; without it, a host that is not AWS's is read as path-style,
/// and `reading_note` says so.
pub fn parse(
    url: &str,
    now: DateTime<Utc>,
    endpoint_url: Option<&str>,
) -> Result<ParsedUrl, String> {
    let url = url.trim();
    if url.is_empty() {
        return Err("the line is empty".into());
    }
    let (base, query) = url.split_once('?').ok_or_else(|| {
        "it has no query string (a pre-signed URL carries its signature after '?')".to_string()
    })?;
    let (scheme, rest) = base
        .split_once("://")
        .ok_or_else(|| "it is not an absolute http(s) URL".to_string())?;
    if scheme != "https" && scheme != "http" {
        return Err(format!("its scheme is '{scheme}', not http or https"));
    }
    let (host, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let mut signing = Vec::new();
    let mut other_query = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        // S3 decodes parameter names before it reads them: `X-Amz-Security%2DToken` is the token.
        let decoded_name = percent_decode(name);
        let lower = decoded_name.to_ascii_lowercase();
        if lower.starts_with("x-amz-")
            || ["awsaccesskeyid", "signature", "expires"].contains(&lower.as_str())
        {
            signing.push((decoded_name, percent_decode(value)));
        } else {
            other_query.push((name.to_string(), value.to_string()));
        }
    }
    let get = |name: &str| {
        signing
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    let reading = bucket_and_key(host, path, endpoint_url);
    let decoded_query = |name: &str| {
        other_query
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| percent_decode(v))
    };
    let overrides = other_query
        .iter()
        .filter(|(n, _)| n.starts_with("response-"))
        .map(|(n, v)| (n.clone(), percent_decode(v)))
        .collect();
    // S3's reading (parameter names decoded), or token text in a mangled form: either way the
    // URL holds a secret.
    let has_session_token =
        get("X-Amz-Security-Token").is_some() || crate::redact::has_session_token(url);
    let endpoint = format!("{scheme}://{host}");

    let signing = if let Some(algorithm) = get("X-Amz-Algorithm") {
        if algorithm != "AWS4-HMAC-SHA256" {
            return Err(
                "its X-Amz-Algorithm is not AWS4-HMAC-SHA256; only SigV4 and SigV2 URLs are read"
                    .into(),
            );
        }
        let credential = get("X-Amz-Credential").ok_or("it has no X-Amz-Credential")?;
        let scope: Vec<&str> = credential.split('/').collect();
        if scope.len() != 5 || scope[4] != "aws4_request" {
            return Err("its X-Amz-Credential is not KEY/DATE/REGION/SERVICE/aws4_request".into());
        }
        let date = get("X-Amz-Date").ok_or("it has no X-Amz-Date")?;
        let signed_at = chrono::NaiveDateTime::parse_from_str(&date, "%Y%m%dT%H%M%SZ")
            .map_err(|_| "its X-Amz-Date is not YYYYMMDDTHHMMSSZ".to_string())?
            .and_utc();
        let expires: i64 = get("X-Amz-Expires")
            .ok_or("it has no X-Amz-Expires")?
            .parse()
            .map_err(|_| "its X-Amz-Expires is not a whole number of seconds".to_string())?;
        if expires < 0 {
            return Err("its X-Amz-Expires is negative".into());
        }
        let expires_at = TimeDelta::try_seconds(expires)
            .and_then(|d| signed_at.checked_add_signed(d))
            .filter(|t| t.year() <= 9999)
            .ok_or("its X-Amz-Date plus X-Amz-Expires is past the year 9999")?;
        Signing {
            version: "v4",
            access_key_id: scope[0].to_string(),
            region: Some(scope[2].to_string()),
            service: Some(scope[3].to_string()),
            signed_at: Some(signed_at),
            expires_in_seconds: Some(expires),
            expires_at,
            signed_headers: get("X-Amz-SignedHeaders")
                .unwrap_or_default()
                .split(';')
                .filter(|h| !h.is_empty())
                .map(str::to_string)
                .collect(),
            signature: get("X-Amz-Signature").ok_or("it has no X-Amz-Signature")?,
        }
    } else if let (Some(access_key_id), Some(expires), Some(signature)) =
        (get("AWSAccessKeyId"), get("Expires"), get("Signature"))
    {
        let epoch: i64 = expires
            .parse()
            .map_err(|_| "its Expires is not epoch seconds".to_string())?;
        Signing {
            version: "v2",
            access_key_id,
            region: None,
            service: None,
            signed_at: None,
            expires_in_seconds: None,
            expires_at: DateTime::from_timestamp(epoch, 0)
                .filter(|t| (0..=9999).contains(&t.year()))
                .ok_or("its Expires is out of range (years 0 to 9999)")?,
            signed_headers: Vec::new(),
            signature,
        }
    } else {
        return Err("it has neither SigV4 (X-Amz-Algorithm …) nor SigV2 (AWSAccessKeyId, Expires, Signature) parameters".into());
    };
    let never_valid = signing
        .expires_in_seconds
        .filter(|s| !(1..=MAX_EXPIRES_SECONDS).contains(s))
        .map(|s| {
            format!(
                "X-Amz-Expires is {s}, outside S3's 1 to {MAX_EXPIRES_SECONDS} seconds (7 days): S3 refuses this URL at any time (AuthorizationQueryParametersError); sign it again with a lifetime of at most 7 days"
            )
        });
    let inspection = Inspection {
        kind: "inspection",
        signature_version: signing.version,
        url: crate::redact::redact_session_tokens(url),
        endpoint,
        bucket: reading.bucket,
        key: reading.key,
        addressing_style: reading.style,
        reading_note: reading.note,
        region: signing.region.clone(),
        access_key_id: signing.access_key_id,
        signed_at: signing.signed_at.map(format_utc),
        expires_at: format_utc(signing.expires_at),
        expires_in_seconds: signing.expires_in_seconds,
        seconds_left: if never_valid.is_some() {
            0
        } else {
            (signing.expires_at - now).num_seconds().max(0)
        },
        expired: signing.expires_at <= now,
        never_valid,
        signed_headers: signing.signed_headers,
        version_id: decoded_query("versionId"),
        upload_id: decoded_query("uploadId"),
        part_number: decoded_query("partNumber"),
        overrides,
        has_session_token,
    };
    Ok(ParsedUrl {
        inspection,
        base: base.to_string(),
        other_query,
        signature: signing.signature,
        signed_at: signing.signed_at,
        scope_region: signing.region,
        scope_service: signing.service,
        session_token: get("X-Amz-Security-Token"),
    })
}

/// What the signing parameters say, for either signature version.
struct Signing {
    version: &'static str,
    access_key_id: String,
    region: Option<String>,
    service: Option<String>,
    signed_at: Option<DateTime<Utc>>,
    expires_in_seconds: Option<i64>,
    expires_at: DateTime<Utc>,
    signed_headers: Vec<String>,
    signature: String,
}

/// Whether the URL's signature is what these credentials make for `verb` and the given header
/// values (for signed headers other than host). Err explains why it can't be checked.
pub fn verify(
    parsed: &ParsedUrl,
    signer: &mut Signer,
    access_key_id: &str,
    verb: &str,
    headers: &[(String, String)],
) -> Result<bool, String> {
    let i = &parsed.inspection;
    if i.signature_version != "v4" {
        return Err("only SigV4 signatures can be checked".into());
    }
    if i.access_key_id != access_key_id {
        return Err(format!(
            "it was signed with access key {}, not the {access_key_id} of these credentials",
            i.access_key_id
        ));
    }
    for name in i.signed_headers.iter().filter(|h| *h != "host") {
        if !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(name)) {
            return Err(format!(
                "header '{name}' is signed: give its value to check the signature"
            ));
        }
    }
    let mut url = parsed.base.clone();
    for (index, (name, value)) in parsed.other_query.iter().enumerate() {
        url.push(if index == 0 { '?' } else { '&' });
        url.push_str(name);
        url.push('=');
        url.push_str(value);
    }
    let header_refs: Vec<(&str, &str)> = headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let mut signer = signer.with_session_token(parsed.session_token.clone());
    let again = signer.presign_url(&SignInput {
        method: verb,
        url: &url,
        headers: &header_refs,
        region: parsed.scope_region.as_deref().unwrap_or_default(),
        service: parsed.scope_service.as_deref().unwrap_or("s3"),
        signed_at: parsed.signed_at.expect("v4 has a signing time").into(),
        expires_in: std::time::Duration::from_secs(i.expires_in_seconds.unwrap_or(0).max(0) as u64),
    })?;
    let recomputed = again
        .split("X-Amz-Signature=")
        .nth(1)
        .and_then(|rest| rest.split('&').next())
        .unwrap_or_default();
    Ok(recomputed == parsed.signature)
}

/// Which part of a URL is the bucket and which the key.
#[derive(Debug, PartialEq, Eq)]
struct Reading {
    bucket: Option<String>,
    key: Option<String>,
    style: &'static str,
    note: Option<String>,
}

const VIRTUAL: &str = "virtual-hosted";
const PATH: &str = "path-style";

/// `host` is `name[:port]` as in the URL, `path` starts with `/`. A URL on the custom endpoint
/// is read against it (its path prefix, the bucket as the first host label); an AWS host by
/// its S3 name (`bucket.s3….amazonaws.com` is virtual-hosted, `s3….amazonaws.com` path-style).
fn bucket_and_key(host: &str, path: &str, endpoint_url: Option<&str>) -> Reading {
    let decoded = |s: &str| (!s.is_empty()).then(|| percent_decode(s));
    let path_style = |path: &str, note: Option<String>| {
        let path = path.strip_prefix('/').unwrap_or(path);
        let (bucket, key) = match path.split_once('/') {
            Some((bucket, key)) => (decoded(bucket), decoded(key)),
            None => (decoded(path), None),
        };
        Reading {
            bucket,
            key,
            style: PATH,
            note,
        }
    };
    if let Some(endpoint) = endpoint_url {
        let after_scheme = endpoint.split_once("://").map_or(endpoint, |(_, r)| r);
        let (authority, prefix) = match after_scheme.find('/') {
            Some(i) => (&after_scheme[..i], after_scheme[i..].trim_end_matches('/')),
            None => (after_scheme, ""),
        };
        let rest = path
            .strip_prefix(prefix)
            .filter(|r| r.is_empty() || r.starts_with('/'));
        if let Some(rest) = rest {
            if host.eq_ignore_ascii_case(authority) {
                return path_style(rest, None);
            }
            let host_lower = host.to_ascii_lowercase();
            if let Some(bucket) = host_lower
                .strip_suffix(&authority.to_ascii_lowercase())
                .and_then(|b| b.strip_suffix('.'))
                .filter(|b| !b.is_empty())
            {
                return Reading {
                    bucket: Some(host[..bucket.len()].to_string()),
                    key: decoded(rest.strip_prefix('/').unwrap_or(rest)),
                    style: VIRTUAL,
                    note: None,
                };
            }
        }
    }
    let name = host.split(':').next().unwrap_or(host).to_ascii_lowercase();
    let aws = [".amazonaws.com", ".amazonaws.com.cn", ".api.aws"]
        .iter()
        .any(|suffix| name.ends_with(suffix));
    if !aws {
        return path_style(
            path,
            Some(format!(
                "read as path-style (bucket in the path): {host} is not an AWS host{}; to read a virtual-hosted URL, give the endpoint settings it was made with (--endpoint-url, AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL or the profile's endpoint_url)",
                match endpoint_url {
                    Some(e) => format!(" and not on the endpoint {e}"),
                    None => String::new(),
                }
            )),
        );
    }
    let virtual_bucket = name
        .find(".s3.")
        .or_else(|| name.find(".s3-"))
        .map(|i| &host[..i])
        .filter(|b| !b.is_empty());
    match virtual_bucket {
        Some(bucket) => Reading {
            bucket: Some(bucket.to_string()),
            key: decoded(path.strip_prefix('/').unwrap_or(path)),
            style: VIRTUAL,
            note: None,
        },
        None => path_style(path, None),
    }
}

/// Percent-decoding, tolerant: a malformed escape is kept as it is; invalid UTF-8 is replaced.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(high), Some(low)) = (hex_value(bytes[i + 1]), hex_value(bytes[i + 2])) {
                out.push(high << 4 | low);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex_value(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_and_splits() {
        assert_eq!(percent_decode("a%20b%2Fc"), "a b/c");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz"), "%zz");
        assert_eq!(percent_decode("%é%41"), "%éA");
        let read = |host: &str, path: &str, endpoint: Option<&str>| {
            let r = bucket_and_key(host, path, endpoint);
            (r.bucket, r.key, r.style, r.note.is_some())
        };
        let some = |b: &str, k: &str| (Some(b.to_string()), Some(k.to_string()));
        let with = |(b, k): (Option<String>, Option<String>), style, guess| (b, k, style, guess);
        assert_eq!(
            read("b-1.s3.eu-west-1.amazonaws.com", "/a%20b", None),
            with(some("b-1", "a b"), VIRTUAL, false)
        );
        assert_eq!(
            read("127.0.0.1:9000", "/b-1/x/y", None),
            with(some("b-1", "x/y"), PATH, true),
            "a host that is not AWS's is a guess without endpoint settings"
        );
        assert_eq!(
            read("127.0.0.1:9000", "/b-1/x/y", Some("http://127.0.0.1:9000")),
            with(some("b-1", "x/y"), PATH, false)
        );
        assert_eq!(
            read("s3.amazonaws.com", "/my.bucket/k", None),
            with(some("my.bucket", "k"), PATH, false)
        );
        let minio = Some("https://minio.example.com/minio");
        assert_eq!(
            read("minio.example.com", "/minio/my-bucket/dir/k.txt", minio),
            with(some("my-bucket", "dir/k.txt"), PATH, false)
        );
        assert_eq!(
            read("my-bucket.minio.example.com", "/minio/dir/k.txt", minio),
            with(some("my-bucket", "dir/k.txt"), VIRTUAL, false)
        );
        assert_eq!(
            read("my-bucket.minio.example.com", "/dir/k.txt", None),
            with(some("dir", "k.txt"), PATH, true)
        );
    }
}
