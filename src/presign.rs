//! Turns a valid request into a pre-signed URL: signing time, expiry rules, the credentials'
//! own expiry, endpoint, and the signer.

use std::time::{Duration, SystemTime};

use chrono::{DateTime, SubsecRound, Utc};

use crate::client_commands;
use crate::credentials_refresh::CredentialsRefresh;
use crate::endpoint::{EndpointOptions, EndpointResolver};
use crate::errors::{ItemError, ItemErrorKind};
use crate::expiry::{self, format_utc};
use crate::request::{Request, Verb};
use crate::session::Session;
use crate::signer::{SignInput, Signer};
use crate::sse_customer_key::{SseCustomerKey, KEY_HEADER};
use crate::uri_encode::{encode_key_into, encode_query};

/// A signed request and everything a user needs to know about it.
#[derive(Clone, Debug)]
pub struct Presigned {
    pub bucket: String,
    pub key: String,
    pub verb: Verb,
    pub url: String,
    pub region: String,
    pub signed_at: DateTime<Utc>,
    pub requested_expiry: String,
    pub expires_at: DateTime<Utc>,
    pub expires_in_seconds: i64,
    pub credentials_expire_at: Option<DateTime<Utc>>,
    pub effective_expires_at: DateTime<Utc>,
    pub version_id: Option<String>,
    pub content_type: Option<String>,
    /// The multipart upload and part the URL is for.
    pub upload_id: Option<String>,
    pub part_number: Option<i64>,
    /// Headers the client must send because they are signed.
    pub headers: Vec<(String, String)>,
    /// Ready-to-run client commands, for requests that need headers sent.
    pub curl: Option<String>,
    pub invoke_web_request: Option<String>,
    pub warnings: Vec<Warning>,
}

/// Something the user should know about a URL that was signed all the same.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    pub kind: WarningKind,
    pub message: String,
}

/// What makes two warnings one on a batch's stderr, where each is reported once: the kind, and
/// for a kind that names its subject (a region, a bucket) the message too, so that a second
/// misspelt region is not hidden behind the first. Every warning is in its own result anyway.
pub type WarningKey = (WarningKind, String);

impl Warning {
    /// This warning's [`WarningKey`].
    pub fn key(&self) -> WarningKey {
        let subject = match self.kind {
            WarningKind::UnknownRegion | WarningKind::LegacyBucketName => self.message.clone(),
            _ => String::new(),
        };
        (self.kind, subject)
    }
}

/// A batch reports each [`WarningKey`] once on stderr, at its first line; every warning is in
/// its result.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WarningKind {
    CredentialsExpireFirst,
    DotSegments,
    LeadingSlash,
    LegacyBucketName,
    /// One run-wide digest (`--content-md5`, `--checksum-sha256`) signed into several parts.
    SharedPartDigest,
    /// A request's own region that this build does not know (signed for anyway).
    UnknownRegion,
    /// Signed as of a past `--start-time`, the URL's life ended before it was made.
    ExpiredAlready,
}

/// `.` and `..` segments (as in `a/../b`) are what clients normalise away.
fn has_dot_segments(key: &str) -> bool {
    key.split('/')
        .any(|segment| segment == "." || segment == "..")
}

/// A region a request asked for, checked once: its endpoint resolver (the run's endpoint
/// settings with this region) and the warning for a well-formed region this build does not know.
struct RegionalEndpoints {
    region: String,
    resolver: EndpointResolver,
    warning: Option<String>,
}

/// The resolver for a request's own `region`, made and checked on first use. The region is
/// checked as `--region` is (`region::check`): malformed, or a typo of a known one on AWS's
/// hosts, is an `invalid_region` item error. A FIPS pseudo-region (`fips-us-gov-west-1`) turns
/// on FIPS.
fn regional_resolver<'a>(
    regional: &'a mut Vec<RegionalEndpoints>,
    run: &EndpointOptions,
    region: &str,
) -> Result<&'a mut RegionalEndpoints, ItemError> {
    let index = match regional.iter().position(|r| r.region == region) {
        Some(index) => index,
        None => {
            let (plain, fips) = crate::region::strip_fips(region);
            let custom_endpoint = run.endpoint_url.is_some();
            let warning = crate::region::check(&plain, "the line's \"region\"", custom_endpoint)
                .map_err(|e| ItemError::new(ItemErrorKind::InvalidRegion, e.message))?;
            let mut options = run.clone();
            options.region = plain;
            options.fips |= fips;
            regional.push(RegionalEndpoints {
                region: region.to_string(),
                resolver: EndpointResolver::new(options),
                warning,
            });
            regional.len() - 1
        }
    };
    Ok(&mut regional[index])
}

pub struct Presigner {
    signer: Signer,
    credentials_expire_at: Option<DateTime<Utc>>,
    endpoints: EndpointResolver,
    /// Resolvers for the regions requests ask for instead of the run's (`region` on a batch
    /// line), each made on first use with the run's endpoint settings.
    regional: Vec<RegionalEndpoints>,
    /// Fixed signing time (`--start-time`); otherwise each request is signed "now".
    start_time: Option<DateTime<Utc>>,
    strict_expiry: bool,
    /// SSE-C, for every request of the run.
    sse_customer_key: Option<SseCustomerKey>,
    /// Fetches temporary credentials again before they expire.
    credentials_refresh: Option<CredentialsRefresh>,
}

impl Presigner {
    pub fn new(
        session: &Session,
        endpoints: EndpointResolver,
        start_time: Option<DateTime<Utc>>,
        strict_expiry: bool,
    ) -> Self {
        Presigner {
            signer: Signer::new(session.credentials.clone()),
            credentials_expire_at: session.credentials_expire_at,
            endpoints,
            regional: Vec::new(),
            start_time,
            strict_expiry,
            sse_customer_key: None,
            credentials_refresh: None,
        }
    }

    /// Keeps temporary credentials fresh for the whole run (`credentials_refresh`).
    pub fn with_credentials_refresh(mut self, refresh: Option<CredentialsRefresh>) -> Self {
        self.credentials_refresh = refresh;
        self
    }

    /// Swaps in fresh credentials when the current ones are due. If fetching fails, the current
    /// credentials are used while they last (the URL then carries the credentials warning).
    fn refresh_credentials(&mut self) -> Result<(), ItemError> {
        let Some(refresh) = self.credentials_refresh.as_mut() else {
            return Ok(());
        };
        let now = Utc::now();
        match refresh.refresh_if_due(now) {
            None => Ok(()),
            Some(Ok(credentials)) => {
                self.credentials_expire_at = credentials.expiry().map(DateTime::<Utc>::from);
                self.signer = Signer::new(credentials);
                Ok(())
            }
            Some(Err(_)) if self.credentials_expire_at.is_some_and(|end| end > now) => Ok(()),
            Some(Err(why)) => Err(ItemError::new(
                ItemErrorKind::CredentialsRefresh,
                format!(
                    "the signing credentials have expired and new ones could not be fetched: {why}"
                ),
            )),
        }
    }

    /// A presigner with the same credentials, endpoint settings and options, for a signing
    /// thread of its own; `None` when credentials are refreshed during the run, since one
    /// provider must not be asked by several threads at once.
    pub fn fork(&self) -> Option<Presigner> {
        if self.credentials_refresh.is_some() {
            return None;
        }
        Some(Presigner {
            signer: self
                .signer
                .with_session_token(self.signer.session_token().map(String::from)),
            credentials_expire_at: self.credentials_expire_at,
            endpoints: EndpointResolver::new(self.endpoints.options().clone()),
            regional: Vec::new(),
            start_time: self.start_time,
            strict_expiry: self.strict_expiry,
            sse_customer_key: self.sse_customer_key.clone(),
            credentials_refresh: None,
        })
    }

    /// Signs every request with the SSE-C headers of this key.
    pub fn with_sse_customer_key(mut self, key: Option<SseCustomerKey>) -> Self {
        self.sse_customer_key = key;
        self
    }

    pub fn presign(&mut self, request: Request) -> Result<Presigned, ItemError> {
        if self.sse_customer_key.is_some() {
            request.extras.check_sse_customer_key()?;
        }
        self.refresh_credentials()?;
        // X-Amz-Date has whole seconds; sign at exactly the instant we report.
        let signed_at = self.start_time.unwrap_or_else(Utc::now).trunc_subsecs(0);
        let expiry = expiry::resolve(&request.expiry, signed_at)?;

        let mut warnings = Vec::new();
        let mut effective_expires_at = expiry.expires_at;
        if let Some(credentials_end) = self.credentials_expire_at {
            if credentials_end < expiry.expires_at {
                let message = format!(
                    "the signing credentials expire at {}, before the requested expiry {}: the URL stops working at {}. Use longer-lived credentials or a shorter expiry",
                    format_utc(credentials_end),
                    format_utc(expiry.expires_at),
                    format_utc(credentials_end)
                );
                if self.strict_expiry {
                    return Err(ItemError::new(
                        ItemErrorKind::CredentialsExpireFirst,
                        format!("{message} (refused because of --strict-expiry)"),
                    ));
                }
                effective_expires_at = credentials_end;
                warnings.push(Warning {
                    kind: WarningKind::CredentialsExpireFirst,
                    message,
                });
            }
        }

        // Only a --start-time can put the whole life of a URL in the past; without one, no clock is read
        // again here.
        if self.start_time.is_some() {
            let now = Utc::now();
            if effective_expires_at <= now {
                warnings.push(Warning {
                    kind: WarningKind::ExpiredAlready,
                    // Without the current time: the same flags give the same output (tests compare runs).
                    message: format!(
                        "signed as of --start-time {}, the URL expired at {}, which is already past: nobody can use it; give a later --start-time, or none to sign as of now",
                        format_utc(signed_at),
                        format_utc(effective_expires_at)
                    ),
                });
            }
        }
        if has_dot_segments(&request.key) {
            warnings.push(Warning {
                kind: WarningKind::DotSegments,
                message: format!(
                    "key '{}' has '.' or '..' path segments, which browsers and most HTTP clients rewrite before sending, and then the signature no longer matches; use a client that sends the path as is (curl --path-as-is)",
                    request.key
                ),
            });
        }
        if request.key.starts_with('/') {
            warnings.push(Warning {
                kind: WarningKind::LeadingSlash,
                message: format!(
                    "key '{}' starts with '/', so the URL's path has '//', which browsers, proxies and many HTTP clients collapse to '/', and then the signature no longer matches; check the key, or use a client that sends the path as is (curl --path-as-is)",
                    request.key
                ),
            });
        }
        let endpoint = match request.region.as_deref() {
            Some(region) if region != self.endpoints.options().region => {
                let regional =
                    regional_resolver(&mut self.regional, self.endpoints.options(), region)?;
                if let Some(message) = &regional.warning {
                    warnings.push(Warning {
                        kind: WarningKind::UnknownRegion,
                        message: message.clone(),
                    });
                }
                regional.resolver.resolve(&request.bucket)?
            }
            _ => self.endpoints.resolve(&request.bucket)?,
        };
        if let Some(message) = &endpoint.warning {
            warnings.push(Warning {
                kind: WarningKind::LegacyBucketName,
                message: message.clone(),
            });
        }
        let mut url = String::with_capacity(endpoint.base.len() + 1 + request.key.len() * 3 / 2);
        url.push_str(&endpoint.base);
        url.push('/');
        encode_key_into(&mut url, &request.key);
        let mut separator = '?';
        let version = request.version_id.as_deref().map(|v| ("versionId", v));
        let extra_query = request.extras.query.iter().map(|(n, v)| (*n, v.as_str()));
        for (name, value) in version.into_iter().chain(extra_query) {
            url.push(separator);
            url.push_str(name);
            url.push('=');
            url.push_str(&encode_query(value));
            separator = '&';
        }
        let mut headers: Vec<(String, String)> = Vec::new();
        if let Some(content_type) = &request.content_type {
            headers.push(("Content-Type".to_string(), content_type.clone()));
        }
        headers.extend(request.extras.headers);
        // What is shown (headers) has the SSE-C key redacted; what is signed has the key itself.
        let secret_key = self.sse_customer_key.as_ref().map(|key| {
            headers.extend(key.shown_headers());
            (KEY_HEADER, key.base64_key())
        });
        let signed_headers: Vec<(&str, &str)> = headers
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
            .filter(|(name, _)| secret_key.is_none() || *name != KEY_HEADER)
            .chain(secret_key)
            .collect();

        let url = self
            .signer
            .presign_url(&SignInput {
                method: request.verb.as_str(),
                url: &url,
                headers: &signed_headers,
                region: &endpoint.signing_region,
                service: &endpoint.signing_name,
                signed_at: SystemTime::from(signed_at),
                expires_in: Duration::from_secs(expiry.seconds as u64),
            })
            .map_err(|e| ItemError::new(ItemErrorKind::Signing, format!("signing failed: {e}")))?;

        let key_source = self.sse_customer_key.as_ref().map(|k| &k.source);
        let (curl, invoke_web_request) = if headers.is_empty() {
            (None, None)
        } else {
            (
                Some(client_commands::curl(
                    request.verb,
                    &url,
                    &headers,
                    key_source,
                )),
                Some(client_commands::invoke_web_request(
                    request.verb,
                    &url,
                    &headers,
                    key_source,
                )),
            )
        };
        Ok(Presigned {
            requested_expiry: request.expiry.requested(),
            bucket: request.bucket,
            key: request.key,
            verb: request.verb,
            url,
            region: endpoint.signing_region.clone(),
            signed_at,
            expires_at: expiry.expires_at,
            expires_in_seconds: expiry.seconds,
            credentials_expire_at: self.credentials_expire_at,
            effective_expires_at,
            version_id: request.version_id,
            content_type: request.content_type,
            upload_id: request.extras.upload_id,
            part_number: request.extras.part_number,
            curl,
            invoke_web_request,
            headers,
            warnings,
        })
    }
}
