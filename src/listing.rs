//! Listing a bucket prefix (ListObjectsV2, every page) for `url --recursive`: the objects
//! whose keys are then signed, one page of up to 1,000 keys in memory at a time.
//!
//! The listing is made through the AWS SDK with the run's credentials, region and endpoint
//! settings (`s3_client`), so it reaches the same bucket the URLs point at. Keys are taken as
//! S3 lists them and signed unchanged: the listing does not ask for `encoding-type=url`, whose
//! answer some S3-compatible servers echo without encoding the keys, so that decoding it would
//! corrupt keys with `+` or `%`. XML carries every key but those with control characters
//! (U+0001–U+001F other than tab, line feed and carriage return), which fail the listing.

use std::collections::VecDeque;

use aws_sdk_s3::error::ProvideErrorMetadata;
use aws_sdk_s3::error::SdkError;
use aws_sdk_s3::operation::list_objects_v2::ListObjectsV2Error;

use crate::endpoint::EndpointOptions;
use crate::errors::{SetupError, SetupErrorKind};
use crate::outside_text::describe_s3_error;
use crate::session::Session;

/// One listed object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListedObject {
    /// The key exactly as stored.
    pub key: String,
    /// Size in bytes.
    pub size: i64,
}

impl ListedObject {
    /// A "folder" the S3 console (and other tools) create: an empty object whose key ends in
    /// `/`. There is nothing to download; `aws s3 cp --recursive` skips them too.
    pub fn is_folder_marker(&self) -> bool {
        self.key.ends_with('/') && self.size == 0
    }
}

/// The objects under a prefix, fetched a page at a time as they are read.
pub struct Listing {
    runtime: tokio::runtime::Runtime,
    client: aws_sdk_s3::Client,
    bucket: String,
    prefix: String,
    page: VecDeque<ListedObject>,
    /// The token of the next page; None once the last page has been read.
    next_page: Option<Option<String>>,
    /// Objects listed so far, over all pages.
    pub listed: u64,
}

impl Listing {
    /// Nothing is requested until the first [`Listing::next_object`].
    pub fn new(
        session: &Session,
        endpoint: &EndpointOptions,
        bucket: &str,
        prefix: &str,
    ) -> Result<Listing, SetupError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| {
                SetupError::new(SetupErrorKind::ListingFailed, format!("cannot start: {e}"))
            })?;
        let client = {
            // The SDK's HTTPS client wants a runtime while it is built.
            let _entered = runtime.enter();
            crate::s3_client::client(session, endpoint)
        };
        Ok(Listing {
            runtime,
            client,
            bucket: bucket.to_string(),
            prefix: prefix.to_string(),
            page: VecDeque::new(),
            next_page: Some(None),
            listed: 0,
        })
    }

    /// The next object in key order (UTF-8 binary order, as S3 lists), or `None` after the
    /// last. A failed page is a setup error whose message names the bucket, the prefix and
    /// S3's error code, never S3's own message.
    pub fn next_object(&mut self) -> Result<Option<ListedObject>, SetupError> {
        while self.page.is_empty() {
            let Some(token) = self.next_page.take() else {
                return Ok(None);
            };
            self.fetch_page(token)?;
        }
        Ok(self.page.pop_front())
    }

    fn fetch_page(&mut self, token: Option<String>) -> Result<(), SetupError> {
        let request = self
            .client
            .list_objects_v2()
            .bucket(&self.bucket)
            .prefix(&self.prefix)
            .set_continuation_token(token.clone());
        let answer = self
            .runtime
            .block_on(request.send())
            .map_err(|e| self.failure(&e))?;
        let objects = answer.contents.unwrap_or_default();
        self.listed += objects.len() as u64;
        self.page.extend(objects.into_iter().filter_map(|o| {
            Some(ListedObject {
                key: o.key?,
                size: o.size.unwrap_or(0),
            })
        }));
        let next = answer.next_continuation_token.filter(|t| !t.is_empty());
        if answer.is_truncated == Some(true) {
            if next.is_none() || next == token {
                return Err(SetupError::new(
                    SetupErrorKind::ListingFailed,
                    format!(
                        "cannot list {}: the server said more keys follow but gave no new continuation token, so the rest cannot be listed",
                        self.location()
                    ),
                ));
            }
            self.next_page = Some(next);
        }
        Ok(())
    }

    /// `s3://bucket/prefix`, as messages name the listing.
    pub fn location(&self) -> String {
        format!("s3://{}/{}", self.bucket, self.prefix)
    }

    fn failure<R: std::fmt::Debug>(&self, error: &SdkError<ListObjectsV2Error, R>) -> SetupError {
        let code = match error {
            SdkError::ServiceError(service) => service.err().code(),
            _ => None,
        };
        let what_to_do = match code {
            Some("NoSuchBucket") => {
                "check the bucket name, and the region or endpoint URL it is reached through"
            }
            Some("AccessDenied") | Some("AllAccessDisabled") => {
                "listing needs s3:ListBucket on the bucket for these credentials (signing the URLs needs s3:GetObject)"
            }
            Some("InvalidAccessKeyId") | Some("NotSignedUp") | Some("SignatureDoesNotMatch") | Some("InvalidToken")
            | Some("ExpiredToken") | Some("TokenRefreshRequired") => {
                "the server refused the credentials: check the profile or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or refresh them"
            }
            Some("PermanentRedirect") | Some("AuthorizationHeaderMalformed")
            | Some("IllegalLocationConstraintException") => {
                "the bucket is in another region: pass its region with --region"
            }
            Some(_) => "check the bucket, the prefix and the credentials' permissions",
            None if matches!(error, SdkError::DispatchFailure(_) | SdkError::TimeoutError(_)) => {
                "check the network and the endpoint URL (--endpoint-url, AWS_ENDPOINT_URL)"
            }
            None => "check the endpoint URL: the answer was not an S3 listing",
        };
        SetupError::new(
            SetupErrorKind::ListingFailed,
            format!(
                "cannot list {}: {}; {what_to_do}",
                self.location(),
                describe_s3_error(error)
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::ListedObject;

    #[test]
    fn a_folder_marker_is_an_empty_object_ending_in_a_slash() {
        let object = |key: &str, size| ListedObject {
            key: key.into(),
            size,
        };
        assert!(object("photos/2025/", 0).is_folder_marker());
        assert!(
            !object("photos/2025/", 12).is_folder_marker(),
            "it has content"
        );
        assert!(!object("photos/empty.txt", 0).is_folder_marker());
    }
}
