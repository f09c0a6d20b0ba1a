//! Where a bucket's requests go, decided by the AWS SDK's own S3 endpoint rules (virtual-hosted
//! or path style, dots in bucket names, accelerate, dual-stack, access point ARNs, custom
//! endpoints), so our URLs point where the SDK's would.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use aws_sdk_s3::config::endpoint::{DefaultResolver, Params, ResolveEndpoint};
use aws_smithy_types::endpoint::Endpoint;
use aws_smithy_types::Document;

use crate::errors::{ItemError, ItemErrorKind};

/// How the bucket appears in URLs (AWS CLI's `s3 = addressing_style`): in the host name
/// (virtual-hosted, `https://bucket.s3.eu-west-1.amazonaws.com/key`) or in the path (path-style,
/// `https://s3.eu-west-1.amazonaws.com/bucket/key`). `Auto` is virtual-hosted where the bucket
/// name allows it, and path-style for custom endpoint URLs (S3-compatible servers rarely have
/// a DNS name per bucket), as in botocore and AWS.Tools.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum AddressingStyle {
    #[default]
    Auto,
    Virtual,
    Path,
}

impl AddressingStyle {
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "auto" => Some(AddressingStyle::Auto),
            "virtual" => Some(AddressingStyle::Virtual),
            "path" => Some(AddressingStyle::Path),
            _ => None,
        }
    }
}

/// The process-wide endpoint settings, resolved from flags, environment and config file
/// (`endpoint_config::resolve`) and the session's region.
#[derive(Clone, Debug, Default)]
pub struct EndpointOptions {
    /// The region to sign for (a FIPS pseudo-region already turned into `fips`).
    pub region: String,
    /// A custom endpoint: `scheme://host[:port][/path]`.
    pub endpoint_url: Option<String>,
    pub addressing_style: AddressingStyle,
    pub accelerate: bool,
    pub dualstack: bool,
    pub fips: bool,
    /// Make `http://` URLs for AWS hosts.
    pub http: bool,
    /// us-east-1 on the global host `s3.amazonaws.com` (`us_east_1_regional_endpoint = legacy`).
    pub use_global_endpoint: bool,
    /// Whether an access point ARN's own region may differ from `region` (None: it may).
    pub use_arn_region: Option<bool>,
}

impl EndpointOptions {
    /// botocore's rule (`compute_endpoint_resolver_builtin_defaults`): acceleration wins over
    /// path style; a custom endpoint is path-style unless virtual-hosted is asked for. An
    /// endpoint URL on AWS's own S3 hosts (`https://s3.amazonaws.com`) is not an S3-compatible
    /// server: it keeps AWS's default, virtual-hosted, as AWS.Tools does with `-EndpointUrl`.
    pub fn force_path_style(&self) -> bool {
        match &self.endpoint_url {
            _ if self.accelerate => false,
            Some(url) if !is_aws_host(url) => self.addressing_style != AddressingStyle::Virtual,
            _ => self.addressing_style == AddressingStyle::Path,
        }
    }
}

/// Where one bucket's objects live, and the scope to sign for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BucketEndpoint {
    /// `scheme://host[:port][/path]` without a trailing slash; the encoded key follows a `/`.
    pub base: String,
    pub signing_region: String,
    pub signing_name: String,
    /// Something the user should know about this bucket (a legacy bucket name).
    pub warning: Option<String>,
}

pub struct EndpointResolver {
    options: EndpointOptions,
    rules: DefaultResolver,
    /// Batches usually repeat one bucket: remember the last answer.
    last: Option<(String, BucketEndpoint)>,
}

impl EndpointResolver {
    pub fn new(options: EndpointOptions) -> Self {
        EndpointResolver {
            options,
            rules: DefaultResolver::new(),
            last: None,
        }
    }

    pub fn options(&self) -> &EndpointOptions {
        &self.options
    }

    /// The endpoint for `bucket`, by the SDK's S3 endpoint rules; the answer for the last bucket
    /// is kept, so a batch that repeats one bucket resolves it once.
    pub fn resolve(&mut self, bucket: &str) -> Result<&BucketEndpoint, ItemError> {
        let cached = matches!(&self.last, Some((last_bucket, _)) if last_bucket == bucket);
        if !cached {
            let endpoint = self.resolve_uncached(bucket)?;
            self.last = Some((bucket.to_string(), endpoint));
        }
        Ok(&self.last.as_ref().expect("just resolved").1)
    }

    fn resolve_uncached(&self, bucket: &str) -> Result<BucketEndpoint, ItemError> {
        let o = &self.options;
        let endpoint_error = |why: String| {
            ItemError::new(
                ItemErrorKind::Endpoint,
                format!("no endpoint for bucket '{bucket}': {why}"),
            )
        };
        let warning = legacy_bucket_name(bucket, o)?;
        let params = Params::builder()
            .bucket(bucket)
            .region(o.region.clone())
            .use_fips(o.fips)
            .use_dual_stack(o.dualstack)
            // An access point ARN has its own host; botocore drops path style for it.
            .force_path_style(o.force_path_style() && !bucket.starts_with("arn:"))
            .accelerate(o.accelerate)
            .use_global_endpoint(o.use_global_endpoint)
            .set_use_arn_region(o.use_arn_region)
            .set_endpoint(o.endpoint_url.as_deref().map(with_path_slash))
            .build()
            .map_err(|e| endpoint_error(e.to_string()))?;
        let endpoint = ready(self.rules.resolve_endpoint(&params))
            .map_err(|e| endpoint_error(e.to_string()))?;
        let (scheme_name, signing_name, signing_region) = auth_scheme(&endpoint);
        match scheme_name.as_deref() {
            None | Some("sigv4") => {}
            Some("sigv4a") => {
                return Err(endpoint_error(
                    "multi-Region access points need SigV4A signing, which s3presign does not do".into(),
                ))
            }
            Some("sigv4-s3express") => {
                return Err(endpoint_error(
                    "directory buckets (S3 Express One Zone) need session-based signing, which s3presign does not do".into(),
                ))
            }
            Some(other) => return Err(endpoint_error(format!("unsupported signing scheme '{other}'"))),
        }
        let mut base = endpoint.url().trim_end_matches('/').to_string();
        if o.http {
            if let Some(rest) = base.strip_prefix("https://") {
                base = format!("http://{rest}");
            }
        }
        Ok(BucketEndpoint {
            base,
            signing_region: signing_region.unwrap_or_else(|| o.region.clone()),
            signing_name: signing_name.unwrap_or_else(|| "s3".to_string()),
            warning,
        })
    }
}

/// Whether an endpoint URL's host is one of AWS's (`….amazonaws.com`, `….amazonaws.com.cn`,
/// `….api.aws`).
fn is_aws_host(url: &str) -> bool {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = after_scheme.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority
        .split(':')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    [".amazonaws.com", ".amazonaws.com.cn", ".api.aws"]
        .iter()
        .any(|suffix| host.ends_with(suffix))
}

/// The endpoint rules join a custom endpoint's path and the bucket without a slash when the
/// path does not end in one (`https://host/minio` + `my-bucket` gives `/miniomy-bucket`:
/// aws-sdk-rust#1387); the S3 endpoint rules' `normalizedPath` means `/minio/`.
pub fn with_path_slash(url: &str) -> String {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    match url[after_scheme..].find('/') {
        Some(_) if !url.ends_with('/') => format!("{url}/"),
        _ => url.to_string(),
    }
}

/// Bucket names with capitals or underscores (or longer than 63 characters) exist only as
/// buckets created in us-east-1 before March 2018 ("Bucket naming rules", Amazon S3 User Guide,
/// legacy rules): signed path-style there with a warning, refused for other AWS regions. A
/// custom endpoint's server decides for itself.
fn legacy_bucket_name(bucket: &str, o: &EndpointOptions) -> Result<Option<String>, ItemError> {
    if bucket.starts_with("arn:") {
        return Ok(None);
    }
    let legacy = bucket.len() > 63 || bucket.chars().any(|c| c.is_ascii_uppercase() || c == '_');
    if !legacy {
        return Ok(None);
    }
    let why = "capitals, underscores or more than 63 characters";
    if o.endpoint_url.is_none() && o.region != "us-east-1" {
        return Err(ItemError::new(
            ItemErrorKind::InvalidBucket,
            format!(
                "bucket '{bucket}' has {why}, which only legacy buckets created in us-east-1 before March 2018 can have; no bucket in {} has this name (check the name, or sign for us-east-1)",
                o.region
            ),
        ));
    }
    Ok(Some(if o.endpoint_url.is_some() {
        format!("bucket '{bucket}' has {why}, which Amazon S3 allows only for legacy us-east-1 buckets and many S3-compatible servers refuse; the URL is path-style")
    } else {
        format!("bucket '{bucket}' has {why}: a legacy name (only us-east-1 buckets created before March 2018 have one), so the URL is path-style; check the name if the bucket is newer")
    }))
}

/// The first auth scheme the rules chose: (name, signingName, signingRegion).
fn auth_scheme(endpoint: &Endpoint) -> (Option<String>, Option<String>, Option<String>) {
    if let Some(scheme) = endpoint.auth_schemes().first() {
        let text = |k: &str| {
            scheme
                .get(k)
                .and_then(Document::as_string)
                .map(str::to_string)
        };
        return (
            Some(scheme.name().to_string()),
            text("signingName"),
            text("signingRegion"),
        );
    }
    let scheme = endpoint
        .properties()
        .get("authSchemes")
        .and_then(Document::as_array)
        .and_then(|schemes| schemes.first())
        .and_then(Document::as_object);
    match scheme {
        Some(map) => {
            let text = |k: &str| map.get(k).and_then(Document::as_string).map(str::to_string);
            (text("name"), text("signingName"), text("signingRegion"))
        }
        None => (None, None, None),
    }
}

/// The SDK's resolver answers synchronously behind a future; take the answer without a runtime.
fn ready<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    match future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(output) => output,
        Poll::Pending => unreachable!("the S3 endpoint rules resolve without waiting"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(bucket: &str, options: EndpointOptions) -> BucketEndpoint {
        EndpointResolver::new(options)
            .resolve(bucket)
            .unwrap()
            .clone()
    }

    fn region(r: &str) -> EndpointOptions {
        EndpointOptions {
            region: r.into(),
            ..Default::default()
        }
    }

    #[test]
    fn virtual_hosted_by_default_path_style_on_request() {
        assert_eq!(
            resolve("my-bucket", region("eu-west-1")).base,
            "https://my-bucket.s3.eu-west-1.amazonaws.com"
        );
        let path = EndpointOptions {
            addressing_style: AddressingStyle::Path,
            ..region("eu-west-1")
        };
        assert_eq!(
            resolve("my-bucket", path).base,
            "https://s3.eu-west-1.amazonaws.com/my-bucket"
        );
    }

    #[test]
    fn dotted_buckets_stay_valid_for_tls() {
        let e = resolve("my.dotted.bucket", region("us-west-2"));
        assert_eq!(
            e.base,
            "https://s3.us-west-2.amazonaws.com/my.dotted.bucket"
        );
    }

    #[test]
    fn custom_endpoints_http_accelerate_dualstack() {
        let custom = EndpointOptions {
            endpoint_url: Some("http://127.0.0.1:9000".into()),
            ..region("us-east-1")
        };
        assert_eq!(
            resolve("b-1", custom.clone()).base,
            "http://127.0.0.1:9000/b-1",
            "custom endpoints are path-style by default"
        );
        let virtual_custom = EndpointOptions {
            endpoint_url: Some("http://s3:9000".into()),
            addressing_style: AddressingStyle::Virtual,
            ..custom.clone()
        };
        assert_eq!(resolve("b-1", virtual_custom).base, "http://b-1.s3:9000");
        let ip = EndpointOptions {
            addressing_style: AddressingStyle::Virtual,
            ..custom
        };
        assert_eq!(
            resolve("b-1", ip).base,
            "http://127.0.0.1:9000/b-1",
            "an IP address has no bucket subdomains"
        );
        for (style, expected) in [
            (
                AddressingStyle::Auto,
                "https://minio.example.com/minio/my-bucket",
            ),
            (
                AddressingStyle::Path,
                "https://minio.example.com/minio/my-bucket",
            ),
            (
                AddressingStyle::Virtual,
                "https://my-bucket.minio.example.com/minio",
            ),
        ] {
            let prefixed = EndpointOptions {
                endpoint_url: Some("https://minio.example.com/minio".into()),
                addressing_style: style,
                ..region("us-east-1")
            };
            assert_eq!(resolve("my-bucket", prefixed).base, expected, "{style:?}");
        }
        let http = EndpointOptions {
            http: true,
            ..region("us-east-1")
        };
        assert!(resolve("b-1", http).base.starts_with("http://b-1.s3."));
        let acc = EndpointOptions {
            accelerate: true,
            ..region("us-east-1")
        };
        assert_eq!(
            resolve("b-1", acc).base,
            "https://b-1.s3-accelerate.amazonaws.com"
        );
        let dual = EndpointOptions {
            dualstack: true,
            ..region("eu-central-1")
        };
        assert_eq!(
            resolve("b-1", dual).base,
            "https://b-1.s3.dualstack.eu-central-1.amazonaws.com"
        );
        let bad = EndpointOptions {
            accelerate: true,
            ..region("us-east-1")
        };
        let err = EndpointResolver::new(bad)
            .resolve("dotted.bucket.name")
            .unwrap_err();
        assert_eq!(err.kind, ItemErrorKind::Endpoint);
    }

    #[test]
    fn fips_and_the_us_east_1_global_host() {
        let fips = EndpointOptions {
            fips: true,
            ..region("us-gov-west-1")
        };
        let e = resolve("b-1", fips);
        assert_eq!(e.base, "https://b-1.s3-fips.us-gov-west-1.amazonaws.com");
        assert_eq!(e.signing_region, "us-gov-west-1");
        let global = EndpointOptions {
            use_global_endpoint: true,
            ..region("us-east-1")
        };
        assert_eq!(resolve("b-1", global).base, "https://b-1.s3.amazonaws.com");
    }

    #[test]
    fn legacy_bucket_names_only_in_us_east_1() {
        let e = resolve("My_Bucket", region("us-east-1"));
        assert_eq!(e.base, "https://s3.us-east-1.amazonaws.com/My_Bucket");
        assert!(e.warning.unwrap().contains("legacy"));
        let err = EndpointResolver::new(region("eu-west-1"))
            .resolve("My-Bucket")
            .unwrap_err();
        assert_eq!(err.kind, ItemErrorKind::InvalidBucket);
        assert!(resolve("my-bucket", region("eu-west-1")).warning.is_none());
    }
}
