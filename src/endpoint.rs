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

/// The process-wide endpoint settings (flags).
#[derive(Clone, Debug, Default)]
pub struct EndpointOptions {
    pub region: String,
    pub endpoint_url: Option<String>,
    pub path_style: bool,
    pub accelerate: bool,
    pub dualstack: bool,
    pub http: bool,
}

/// Where one bucket's objects live, and the scope to sign for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BucketEndpoint {
    /// `scheme://host[:port][/path]` without a trailing slash; the encoded key follows a `/`.
    pub base: String,
    pub signing_region: String,
    pub signing_name: String,
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

    pub fn resolve(&mut self, bucket: &str) -> Result<BucketEndpoint, ItemError> {
        if let Some((last_bucket, endpoint)) = &self.last {
            if last_bucket == bucket {
                return Ok(endpoint.clone());
            }
        }
        let endpoint = self.resolve_uncached(bucket)?;
        self.last = Some((bucket.to_string(), endpoint.clone()));
        Ok(endpoint)
    }

    fn resolve_uncached(&self, bucket: &str) -> Result<BucketEndpoint, ItemError> {
        let o = &self.options;
        let endpoint_error = |why: String| {
            ItemError::new(
                ItemErrorKind::Endpoint,
                format!("no endpoint for bucket '{bucket}': {why}"),
            )
        };
        let params = Params::builder()
            .bucket(bucket)
            .region(o.region.clone())
            .use_fips(false)
            .use_dual_stack(o.dualstack)
            .force_path_style(o.path_style)
            .accelerate(o.accelerate)
            .use_global_endpoint(false)
            .set_endpoint(o.endpoint_url.clone())
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
        })
    }
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
        EndpointResolver::new(options).resolve(bucket).unwrap()
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
            path_style: true,
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
            path_style: true,
            ..region("us-east-1")
        };
        assert_eq!(resolve("b-1", custom).base, "http://127.0.0.1:9000/b-1");
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
}
