//! Temporary credentials (assume-role, SSO, credential_process, container) stay fresh in long
//! runs: before a request is signed, credentials that expire within the refresh buffer are
//! fetched again from their provider, as the AWS SDK's identity cache does before each call
//! (`aws_smithy_runtime::client::identity::cache::LazyCache`, which refreshes ahead of expiry).
//! A batch that reads a slow queue for hours then never signs with credentials that are
//! expired or about to be.
//!
//! The buffer is 5 minutes, or `S3PRESIGN_CREDENTIALS_REFRESH_SECONDS` seconds; it is capped
//! at half the credentials' lifetime, so that short-lived credentials are not fetched again for
//! every request.

use std::time::Duration;

use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_credential_types::Credentials;
use chrono::{DateTime, TimeDelta, Utc};

/// How long before their expiry credentials are fetched again, unless set by the environment.
pub const DEFAULT_BUFFER: Duration = Duration::from_secs(300);

/// The variable that sets the refresh buffer, in seconds.
pub const BUFFER_VARIABLE: &str = "S3PRESIGN_CREDENTIALS_REFRESH_SECONDS";

pub struct CredentialsRefresh {
    runtime: tokio::runtime::Runtime,
    provider: SharedCredentialsProvider,
    buffer: TimeDelta,
    /// When the current credentials are due for a refresh.
    refresh_at: Option<DateTime<Utc>>,
}

impl CredentialsRefresh {
    /// `current` are the credentials the run started with, fetched at `fetched_at`.
    pub fn new(
        runtime: tokio::runtime::Runtime,
        provider: SharedCredentialsProvider,
        current: &Credentials,
        fetched_at: DateTime<Utc>,
    ) -> Result<Self, String> {
        let buffer = match std::env::var(BUFFER_VARIABLE) {
            Ok(text) => text
                .trim()
                .parse::<u64>()
                .map(Duration::from_secs)
                .map_err(|_| format!("{BUFFER_VARIABLE} is '{text}', not a number of seconds"))?,
            Err(_) => DEFAULT_BUFFER,
        };
        let mut refresh = CredentialsRefresh {
            runtime,
            provider,
            buffer: TimeDelta::from_std(buffer).unwrap_or(TimeDelta::MAX),
            refresh_at: None,
        };
        refresh.schedule(current, fetched_at);
        Ok(refresh)
    }

    fn schedule(&mut self, credentials: &Credentials, fetched_at: DateTime<Utc>) {
        self.refresh_at = credentials.expiry().map(|expiry| {
            let expiry = DateTime::<Utc>::from(expiry);
            let lifetime = (expiry - fetched_at).max(TimeDelta::zero());
            expiry - self.buffer.min(lifetime / 2)
        });
    }

    /// New credentials when the current ones are due, fetched now; None while they are fresh.
    /// An error text is sanitised (no provider output).
    pub fn refresh_if_due(&mut self, now: DateTime<Utc>) -> Option<Result<Credentials, String>> {
        let due = self.refresh_at.is_some_and(|at| now >= at);
        if !due {
            return None;
        }
        let fetched = self
            .runtime
            .block_on(self.provider.provide_credentials())
            .map_err(|e| {
                let text = e.to_string();
                match text.find("Stderr:") {
                    Some(i) => format!("{}(its error output is not shown)", &text[..i]),
                    None => text.chars().take(300).collect(),
                }
            });
        if let Ok(credentials) = &fetched {
            self.schedule(credentials, Utc::now());
        }
        Some(fetched)
    }
}
