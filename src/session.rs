//! Credentials and region, resolved once per process through the AWS SDK's providers.
//!
//! `--profile` selects a profile outright (as in the AWS CLI, it beats credentials in environment
//! variables); without it the SDK's default chain applies: environment, AWS_PROFILE or the
//! default profile, web identity, container and instance metadata.

use std::path::PathBuf;

use aws_config::profile::ProfileFileCredentialsProvider;
use aws_config::provider_config::ProviderConfig;
use aws_config::BehaviorVersion;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_credential_types::Credentials;
use aws_runtime::env_config::file::{EnvConfigFileKind, EnvConfigFiles};
use aws_types::os_shim_internal::{Env, Fs};
use aws_types::region::Region;
use chrono::{DateTime, Utc};

use crate::cli::SessionFlags;
use crate::errors::{SetupError, SetupErrorKind};
use crate::outside_text::describe_error;

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
        loader = loader.profile_name(profile);
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

    // `--profile` beats credentials in environment variables (as in the AWS CLI), so its
    // profile provider is used outright. It is given the resolved region: an assume-role
    // profile calls STS, which needs one to sign with.
    let provider = match &flags.profile {
        Some(profile) => SharedCredentialsProvider::new(
            ProfileFileCredentialsProvider::builder()
                .configure(
                    &ProviderConfig::without_region()
                        .with_region(Some(Region::new(region.clone())))
                        .with_behavior_version(Some(BehaviorVersion::latest())),
                )
                .profile_name(profile)
                .profile_files(files.clone())
                .build(),
        ),
        None => config
            .credentials_provider()
            .ok_or_else(no_credentials_hint)?,
    };
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
                describe_error(&e),
                CREDENTIALS_HINT
            ),
        )
    })?;
    let credentials_expire_at = credentials.expiry().map(DateTime::<Utc>::from);
    check_usable(
        &credentials,
        credentials_expire_at,
        chosen_profile.as_deref(),
    )?;
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
                format!(
                    "could not read the AWS config files: {}",
                    describe_error(&e)
                ),
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

/// Credentials that cannot sign a working URL are a setup error, not a warning: an empty access
/// key id or secret key (a profile with `aws_access_key_id =` and nothing after it), or temporary
/// credentials that have already expired (a `credential_process` helper that hands out a stale
/// cache). Nothing in the message is the credentials' own.
fn check_usable(
    credentials: &Credentials,
    expire_at: Option<DateTime<Utc>>,
    profile: Option<&str>,
) -> Result<(), SetupError> {
    let whose = profile
        .map(|p| format!("profile '{p}'"))
        .unwrap_or_else(|| "the default credential chain".into());
    if credentials.access_key_id().trim().is_empty()
        || credentials.secret_access_key().trim().is_empty()
    {
        return Err(SetupError::new(
            SetupErrorKind::NoCredentials,
            format!(
                "the credentials of {whose} have an empty access key id or secret access key; \
                 fill in aws_access_key_id and aws_secret_access_key (aws configure), or choose \
                 another profile"
            ),
        ));
    }
    if let Some(at) = expire_at.filter(|at| *at <= Utc::now()) {
        return Err(SetupError::new(
            SetupErrorKind::NoCredentials,
            format!(
                "the temporary credentials of {whose} expired at {}: a URL signed with them \
                 would never work. Refresh them (aws sso login, or the credential helper's own \
                 refresh) and run again",
                crate::expiry::format_utc(at)
            ),
        ));
    }
    Ok(())
}
