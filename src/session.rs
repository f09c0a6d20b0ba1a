//! Credentials and region, resolved once per process through the AWS SDK's providers.
//!
//! `--profile` selects a profile outright (as in the AWS CLI, it beats credentials in environment
//! variables); without it the SDK's default chain applies: environment, AWS_PROFILE or the
//! default profile, web identity, container and instance metadata.

use std::path::PathBuf;

use aws_config::profile::ProfileFileCredentialsProvider;
use aws_config::BehaviorVersion;
use aws_credential_types::provider::ProvideCredentials;
use aws_credential_types::Credentials;
use aws_runtime::env_config::file::{EnvConfigFileKind, EnvConfigFiles};
use aws_types::os_shim_internal::{Env, Fs};
use aws_types::region::Region;
use chrono::{DateTime, Utc};

use crate::cli::SessionFlags;
use crate::errors::{SetupError, SetupErrorKind};

/// What every request of a run is signed with.
pub struct Session {
    /// `Credentials`' own Debug output hides the secret key and session token.
    pub credentials: Credentials,
    pub region: String,
    /// When temporary credentials (role, SSO, session) stop working; None for long-term keys.
    pub credentials_expire_at: Option<DateTime<Utc>>,
}

pub async fn load(flags: &SessionFlags) -> Result<Session, SetupError> {
    let env_profile = env_var("AWS_PROFILE");
    if flags.profile.is_none() && env_profile.is_none() {
        if let Some(session) = from_environment(flags) {
            return Ok(session);
        }
    }
    let files = profile_files(flags);
    let chosen_profile = flags.profile.clone().or(env_profile);
    if let Some(profile) = &chosen_profile {
        check_profile_exists(profile, &files, flags).await?;
    }

    #[allow(deprecated)] // ProfileFiles is the name ConfigLoader still takes.
    let mut loader = aws_config::defaults(BehaviorVersion::latest()).profile_files(files.clone());
    if let Some(region) = &flags.region {
        loader = loader.region(Region::new(region.clone()));
    }
    if let Some(profile) = &flags.profile {
        loader = loader.profile_name(profile).credentials_provider(
            ProfileFileCredentialsProvider::builder()
                .profile_name(profile)
                .profile_files(files.clone())
                .build(),
        );
    }
    let config = loader.load().await;

    let region = config
        .region()
        .map(|r| r.to_string())
        .filter(|r| !r.trim().is_empty())
        .ok_or_else(|| {
            SetupError::new(
            SetupErrorKind::NoRegion,
            "no AWS region is set: pass --region (-Region in PowerShell), set AWS_REGION, or add \
             'region = ...' to the profile in your AWS config file",
        )
        })?;

    let provider = config
        .credentials_provider()
        .ok_or_else(no_credentials_hint)?;
    let credentials = provider.provide_credentials().await.map_err(|e| {
        // The provider's error chain names the source that failed (SSO login expired, a
        // credential_process exit code, ...); it never contains key material.
        SetupError::new(
            SetupErrorKind::NoCredentials,
            format!(
                "could not load AWS credentials{}: {}. {}",
                chosen_profile
                    .as_deref()
                    .map(|p| format!(" for profile '{p}'"))
                    .unwrap_or_default(),
                describe(&e),
                CREDENTIALS_HINT
            ),
        )
    })?;
    let credentials_expire_at = credentials.expiry().map(DateTime::<Utc>::from);
    Ok(Session {
        credentials,
        region,
        credentials_expire_at,
    })
}

/// Keys and region straight from the environment, when that is where the SDK's chains would
/// find them anyway (environment variables come first in both). This skips building the SDK's
/// configuration, whose HTTPS client loads the system's certificates: most of a single URL's
/// run time, and no network is needed to sign with long-term keys.
fn from_environment(flags: &SessionFlags) -> Option<Session> {
    let access_key_id = env_var("AWS_ACCESS_KEY_ID")?;
    let secret_access_key = env_var("AWS_SECRET_ACCESS_KEY")?;
    let region = flags
        .region
        .clone()
        .filter(|r| !r.trim().is_empty())
        .or_else(|| env_var("AWS_REGION"))
        .or_else(|| env_var("AWS_DEFAULT_REGION"))?;
    let session_token = env_var("AWS_SESSION_TOKEN").map(|t| t.trim().to_string());
    Some(Session {
        credentials: Credentials::new(
            access_key_id,
            secret_access_key,
            session_token,
            None,
            "Environment",
        ),
        region,
        credentials_expire_at: None,
    })
}

fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

const CREDENTIALS_HINT: &str = "Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, choose a profile \
     with --profile (-ProfileName), or run 'aws sso login' for SSO profiles";

fn no_credentials_hint() -> SetupError {
    SetupError::new(
        SetupErrorKind::NoCredentials,
        format!("no AWS credentials were found. {CREDENTIALS_HINT}"),
    )
}

fn profile_files(flags: &SessionFlags) -> EnvConfigFiles {
    let mut builder = EnvConfigFiles::builder().include_default_config_file(true);
    builder = match &flags.credentials_file {
        Some(path) => builder
            .include_default_credentials_file(false)
            .with_file(EnvConfigFileKind::Credentials, path.clone()),
        None => builder.include_default_credentials_file(true),
    };
    builder.build()
}

/// An unknown profile is a setup error that lists the profiles that do exist, instead of the
/// SDK's silent fall-through to other credential sources.
async fn check_profile_exists(
    profile: &str,
    files: &EnvConfigFiles,
    flags: &SessionFlags,
) -> Result<(), SetupError> {
    let set = aws_config::profile::load(&Fs::real(), &Env::real(), files, None)
        .await
        .map_err(|e| {
            SetupError::new(
                SetupErrorKind::UnknownProfile,
                format!("could not read the AWS config files: {}", describe(&e)),
            )
        })?;
    if set.get_profile(profile).is_some() {
        return Ok(());
    }
    let mut found: Vec<&str> = set.profiles().collect();
    found.sort_unstable();
    let found = if found.is_empty() {
        "none".to_string()
    } else {
        found.join(", ")
    };
    let (config, credentials) = file_locations(flags);
    Err(SetupError::new(
        SetupErrorKind::UnknownProfile,
        format!(
            "profile '{profile}' was not found in {} or {}; profiles found: {found}. Choose one \
             with --profile (-ProfileName) or AWS_PROFILE",
            config.display(),
            credentials.display()
        ),
    ))
}

/// Where the config and credentials files are looked for, for messages.
fn file_locations(flags: &SessionFlags) -> (PathBuf, PathBuf) {
    let home = std::env::var_os("HOME")
        .or_else(|| std::env::var_os("USERPROFILE"))
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("~"));
    let config = std::env::var_os("AWS_CONFIG_FILE")
        .map(PathBuf::from)
        .unwrap_or_else(|| home.join(".aws").join("config"));
    let credentials = flags.credentials_file.clone().unwrap_or_else(|| {
        std::env::var_os("AWS_SHARED_CREDENTIALS_FILE")
            .map(PathBuf::from)
            .unwrap_or_else(|| home.join(".aws").join("credentials"))
    });
    (config, credentials)
}

/// An error and its causes in one line, without the Debug dumps and the repetitions that
/// provider chains produce ("an error occurred: an error occurred: ...").
fn describe(error: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut current = Some(error);
    while let Some(e) = current {
        let text = e.to_string();
        // Wrappers that only say "something failed" add nothing when a cause follows.
        let says_nothing = (text.starts_with("an error occurred")
            || text.starts_with("the credential provider was not enabled"))
            && e.source().is_some();
        if !text.is_empty() && !says_nothing && !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        current = e.source();
    }
    parts.join(": ")
}
