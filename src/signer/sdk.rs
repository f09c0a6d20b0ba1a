//! The reference signer: the AWS SDK's own (`aws-sigv4`) with the settings S3 needs — single
//! percent-encoding, no path normalisation, an unsigned payload, the session token (if any)
//! signed into the query. The fast signer (`super::Signer`) must produce identical URLs; the
//! differential tests hold it to that.

use aws_sigv4::http_request::{
    sign, PercentEncodingMode, SignableBody, SignableRequest, SignatureLocation, SigningSettings,
    UriPathNormalizationMode,
};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;

use super::SignInput;
use crate::uri_encode::encode_query;

/// Returns `input.url` with the SigV4 query parameters (X-Amz-Algorithm … X-Amz-Signature)
/// appended. The error text never contains key material.
pub fn presign_url(input: &SignInput<'_>, identity: &Identity) -> Result<String, String> {
    let mut settings = SigningSettings::default();
    settings.signature_location = SignatureLocation::QueryParams;
    settings.expires_in = Some(input.expires_in);
    settings.percent_encoding_mode = PercentEncodingMode::Single;
    settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;

    let params = v4::SigningParams::builder()
        .identity(identity)
        .region(input.region)
        .name(input.service)
        .time(input.signed_at)
        .settings(settings)
        .build()
        .map_err(|e| e.to_string())?
        .into();
    let request = SignableRequest::new(
        input.method,
        input.url,
        input.headers.iter().copied(),
        SignableBody::UnsignedPayload,
    )
    .map_err(|e| e.to_string())?;
    let (instructions, _signature) = sign(request, &params)
        .map_err(|e| e.to_string())?
        .into_parts();

    let mut url = String::with_capacity(input.url.len() + 512);
    url.push_str(input.url);
    let mut separator = if input.url.contains('?') { '&' } else { '?' };
    for (name, value) in instructions.params() {
        url.push(separator);
        url.push_str(name);
        url.push('=');
        url.push_str(&encode_query(value));
        separator = '&';
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_credential_types::Credentials;
    use std::time::{Duration, SystemTime};

    /// The worked example in AWS's SigV4 documentation ("Authenticating Requests: Using Query
    /// Parameters"), whose signature AWS publishes.
    #[test]
    fn matches_the_aws_documentation_example() {
        let identity: Identity = Credentials::new(
            "AKIAIOSFODNN7EXAMPLE",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            None,
            None,
            "test",
        )
        .into();
        let signed_at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_369_353_600); // 2013-05-24T00:00:00Z
        let url = presign_url(
            &SignInput {
                method: "GET",
                url: "https://examplebucket.s3.amazonaws.com/test.txt",
                headers: &[],
                region: "us-east-1",
                service: "s3",
                signed_at,
                expires_in: Duration::from_secs(86_400),
            },
            &identity,
        )
        .unwrap();
        assert!(
            url.ends_with(
                "X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
            ),
            "{url}"
        );
        assert!(url.contains(
            "X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
        ));
        assert!(url.contains("X-Amz-Expires=86400") && url.contains("X-Amz-SignedHeaders=host"));
    }
}
