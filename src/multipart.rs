//! Starting a multipart upload: a call to S3, through the AWS SDK (`s3_client`), so that
//! a client holding no credentials can then upload the parts and complete the upload with
//! pre-signed URLs.

use crate::endpoint::EndpointOptions;
use crate::outside_text::describe_s3_error;
use crate::session::Session;
use crate::sse_customer_key::SseCustomerKey;

/// CreateMultipartUpload; returns the upload id.
pub async fn create(
    session: &Session,
    endpoint: &EndpointOptions,
    bucket: &str,
    key: &str,
    content_type: Option<&str>,
    sse_customer_key: Option<&SseCustomerKey>,
) -> Result<String, String> {
    let client = crate::s3_client::client(session, endpoint);
    let output = client
        .create_multipart_upload()
        .bucket(bucket)
        .key(key)
        .set_content_type(content_type.map(str::to_string))
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
