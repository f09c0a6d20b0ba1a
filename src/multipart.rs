//! Starting a multipart upload: a call to S3, through the AWS SDK (`s3_client`), so that
//! a client holding no credentials can then upload the parts and complete the upload with
//! pre-signed URLs.

use aws_sdk_s3::types::ChecksumAlgorithm;

use crate::endpoint::EndpointOptions;
use crate::outside_text::describe_s3_error;
use crate::session::Session;
use crate::sse_customer_key::SseCustomerKey;

/// What the upload is created with, beyond its bucket and key.
#[derive(Clone, Copy, Debug, Default)]
pub struct CreateOptions<'a> {
    /// Content-Type of the finished object.
    pub content_type: Option<&'a str>,
    /// The parts' checksum algorithm, one of aws-sdk-s3's `ChecksumAlgorithm::values()` (any case).
    pub checksum_algorithm: Option<&'a str>,
    pub sse_customer_key: Option<&'a SseCustomerKey>,
}

/// CreateMultipartUpload; returns the upload id.
pub async fn create(
    session: &Session,
    endpoint: &EndpointOptions,
    bucket: &str,
    key: &str,
    options: CreateOptions<'_>,
) -> Result<String, String> {
    let CreateOptions {
        content_type,
        checksum_algorithm,
        sse_customer_key,
    } = options;
    let client = crate::s3_client::client(session, endpoint);
    let output = client
        .create_multipart_upload()
        .bucket(bucket)
        .key(key)
        .set_content_type(content_type.map(str::to_string))
        .set_checksum_algorithm(
            checksum_algorithm.map(|a| ChecksumAlgorithm::from(a.to_ascii_uppercase().as_str())),
        )
        .set_sse_customer_algorithm(sse_customer_key.map(|_| "AES256".to_string()))
        .set_sse_customer_key(sse_customer_key.map(|k| k.base64_key().to_string()))
        .set_sse_customer_key_md5(sse_customer_key.map(|k| k.key_md5().to_string()))
        .send()
        .await
        .map_err(|e| {
            format!(
                "CreateMultipartUpload for s3://{bucket}/{key} failed: {}",
                describe_s3_error(&e)
            )
        })?;
    output.upload_id.ok_or_else(|| {
        format!("S3 answered CreateMultipartUpload for s3://{bucket}/{key} without an upload id")
    })
}
