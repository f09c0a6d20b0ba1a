//! The two kinds of failure: one request that can't be signed (the run goes on) and a setup
//! failure that stops the run before anything is signed. Codes are part of the protocol.

use std::fmt;

/// Why one request could not be signed. The `code()` strings are stable (docs/protocol.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ItemErrorKind {
    InvalidJson,
    EmptyLine,
    UnknownField,
    InvalidField,
    MissingBucket,
    MissingKey,
    InvalidBucket,
    InvalidKey,
    InvalidVerb,
    InvalidExpiry,
    ConflictingExpiry,
    ExpiryInPast,
    ExpiryTooFar,
    CredentialsExpireFirst,
    ContentTypeNotPut,
    OptionNotForVerb,
    InvalidMultipart,
    InvalidHeader,
    InvalidUrl,
    /// `post`: a form no upload can satisfy (a field given twice, a condition the fields contradict).
    InvalidPolicy,
    Endpoint,
    /// A request's own region (`region` on a batch line) that is malformed or a typo.
    InvalidRegion,
    CredentialsRefresh,
    Signing,
}

impl ItemErrorKind {
    pub fn code(self) -> &'static str {
        use ItemErrorKind::*;
        match self {
            InvalidJson => "invalid_json",
            EmptyLine => "empty_line",
            UnknownField => "unknown_field",
            InvalidField => "invalid_field",
            MissingBucket => "missing_bucket",
            MissingKey => "missing_key",
            InvalidBucket => "invalid_bucket",
            InvalidKey => "invalid_key",
            InvalidVerb => "invalid_verb",
            InvalidExpiry => "invalid_expiry",
            ConflictingExpiry => "conflicting_expiry",
            ExpiryInPast => "expiry_in_past",
            ExpiryTooFar => "expiry_too_far",
            CredentialsExpireFirst => "credentials_expire_first",
            ContentTypeNotPut => "content_type_not_put",
            OptionNotForVerb => "option_not_for_verb",
            InvalidMultipart => "invalid_multipart",
            InvalidHeader => "invalid_header",
            InvalidUrl => "invalid_url",
            InvalidPolicy => "invalid_policy",
            Endpoint => "endpoint",
            InvalidRegion => "invalid_region",
            CredentialsRefresh => "credentials_refresh",
            Signing => "signing",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemError {
    pub kind: ItemErrorKind,
    pub message: String,
}

impl ItemError {
    pub fn new(kind: ItemErrorKind, message: impl Into<String>) -> Self {
        ItemError {
            kind,
            message: message.into(),
        }
    }
}

impl fmt::Display for ItemError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Why nothing can be signed at all. The `code()` strings are stable (docs/protocol.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetupErrorKind {
    UnknownProfile,
    NoCredentials,
    InvalidRegion,
    /// `url --recursive`: the prefix could not be listed (S3's error code in the message).
    ListingFailed,
    Usage,
    /// A run-wide option that every request would fail on (`batch --expires-in 8d`): refused
    /// before the first request, with the code each request would have had.
    EveryRequest(ItemErrorKind),
}

impl SetupErrorKind {
    pub fn code(self) -> &'static str {
        match self {
            SetupErrorKind::UnknownProfile => "unknown_profile",
            SetupErrorKind::NoCredentials => "no_credentials",
            SetupErrorKind::InvalidRegion => "invalid_region",
            SetupErrorKind::ListingFailed => "listing_failed",
            SetupErrorKind::Usage => "usage",
            SetupErrorKind::EveryRequest(kind) => kind.code(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetupError {
    pub kind: SetupErrorKind,
    pub message: String,
}

impl SetupError {
    pub fn new(kind: SetupErrorKind, message: impl Into<String>) -> Self {
        SetupError {
            kind,
            message: message.into(),
        }
    }
}

impl fmt::Display for SetupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}
