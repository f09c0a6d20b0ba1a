//! The AWS SDK's S3 client for the calls s3presign makes to S3 (CreateMultipartUpload,
//! ListObjectsV2), configured from the run's session and endpoint settings, so that a call goes
//! where, and is signed as, the URLs of the same run.

use aws_sdk_s3::config::{BehaviorVersion, Region};

use crate::endpoint::{with_path_slash, EndpointOptions};
use crate::session::Session;

/// A client with the session's credentials and region and the endpoint settings: custom
/// endpoint URL, addressing style (botocore's rule, [`EndpointOptions::force_path_style`]),
/// accelerate, dual-stack, FIPS, ARN region. Calls use HTTPS to AWS's hosts even with `--http`,
/// which is about the URLs handed out.
pub fn client(session: &Session, endpoint: &EndpointOptions) -> aws_sdk_s3::Client {
    let mut config = aws_sdk_s3::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(session.region.clone()))
        .credentials_provider(session.credentials.clone())
        .force_path_style(endpoint.force_path_style())
        .accelerate(endpoint.accelerate)
        .use_dual_stack(endpoint.dualstack)
        .use_fips(endpoint.fips);
    if let Some(use_arn_region) = endpoint.use_arn_region {
        config = config.use_arn_region(use_arn_region);
    }
    if let Some(url) = &endpoint.endpoint_url {
        config = config.endpoint_url(with_path_slash(url));
    }
    aws_sdk_s3::Client::from_conf(config.build())
}
