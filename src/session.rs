//! Credentials, region and endpoint settings, resolved once per process through the AWS SDK's
//! providers and config files.
//!
//! Credentials: `--profile` selects a profile outright (as in the AWS CLI, it beats credentials
//! in environment variables); without it the SDK's default chain applies: environment,
//! AWS_PROFILE or the default profile, web identity, container and instance metadata.
//!
//! Region: `--region`, AWS_REGION, AWS_DEFAULT_REGION, the profile's `region` (and, through the
//! SDK's chain, instance metadata); with none, us-east-1 as the AWS CLI, botocore and AWS.Tools
//! sign for, with a warning. A FIPS pseudo-region (`fips-us-gov-west-1`) is its region with FIPS.
//!
//! Endpoint settings: `endpoint_config` (flags, environment, config file).

use std::borrow::Cow;
use std::path::PathBuf;

use aws_config::profile::ProfileFileCredentialsProvider;
use aws_config::provider_config::ProviderConfig;
use aws_config::BehaviorVersion;
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_credential_types::Credentials;
use aws_runtime::env_config::file::{EnvConfigFileKind, EnvConfigFiles};
use aws_runtime::env_config::section::EnvConfigSections;
use aws_types::os_shim_internal::{Env, Fs};
use aws_types::region::Region;
use chrono::{DateTime, Utc};

use crate::cli::SessionFlags;
use crate::endpoint::EndpointOptions;
use crate::errors::{SetupError, SetupErrorKind};
use crate::outside_text::describe_error;
use crate::{endpoint_config, region};

/// What every request of a run is signed with.
pub struct Session {
    /// `Credentials`' own Debug output hides the secret key and session token.
    pub credentials: Credentials,
    pub region: String,
    /// When temporary credentials (role, SSO, session) stop working; None for long-term keys.
    pub credentials_expire_at: Option<DateTime<Utc>>,
}

/// Everything a run resolves before its first request.
pub struct Setup {
    pub session: Session,
    /// The endpoint settings, with the session's region.
    pub endpoint: EndpointOptions,
    /// Run-wide warnings (no region set, a region this build does not know), printed once.
    pub warnings: Vec<String>,
    /// The source of temporary credentials, asked again before they expire; None for keys
    /// that do not expire.
    pub provider: Option<SharedCredentialsProvider>,
}

/// The selected profile's sections of the config and credentials files (an unknown profile,
/// named by `--profile` or AWS_PROFILE, is an error).
async fn profile_sections(
    flags: &SessionFlags,
    env: &Env,
    files: &EnvConfigFiles,
) -> Result<EnvConfigSections, SetupError> {
    let sections = aws_config::profile::load(
        &Fs::real(),
        env,
        files,
        flags.profile.clone().map(Cow::Owned),
    )
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
    if let Some(profile) = flags.profile.clone().or(env_var("AWS_PROFILE")) {
        check_profile_exists(&profile, &sections, flags)?;
    }
    Ok(sections)
}

/// The endpoint settings alone (no credentials, no region check), e.g. to read URLs back.
pub fn endpoint_settings(flags: &SessionFlags) -> Result<EndpointOptions, SetupError> {
    let env = Env::real();
    let files = profile_files(flags);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| SetupError::new(SetupErrorKind::Usage, format!("cannot start: {e}")))?;
    let sections = runtime.block_on(profile_sections(flags, &env, &files))?;
    endpoint_config::resolve(flags, &env, &sections)
}

pub async fn load(flags: &SessionFlags) -> Result<Setup, SetupError> {
    // A credentials file that is not there would otherwise read as "no such profile".
    if let Some(path) = flags.credentials_file.as_deref().filter(|p| !p.is_file()) {
        return Err(SetupError::new(
            SetupErrorKind::Usage,
            format!(
                "--credentials-file '{}' is not a file: give the path of a shared credentials file (the format of ~/.aws/credentials), or leave the flag out",
                path.display()
            ),
        ));
    }
    let env = Env::real();
    let files = profile_files(flags);
    let env_profile = env_var("AWS_PROFILE");
    let chosen_profile = flags.profile.clone().or(env_profile.clone());
    let sections = profile_sections(flags, &env, &files).await?;
    let mut endpoint = endpoint_config::resolve(flags, &env, &sections)?;
    let mut warnings = Vec::new();

    let from_env = if flags.profile.is_none() && env_profile.is_none() {
        from_environment()
    } else {
        None
    };
    let (credentials, provider, found_region) = match from_env {
        Some(credentials) => (
            credentials,
            None,
            region_from_env_or_profile(flags, &sections),
        ),
        None => {
            #[allow(deprecated)] // ProfileFiles is the name ConfigLoader still takes.
            let mut loader =
                aws_config::defaults(BehaviorVersion::latest()).profile_files(files.clone());
            if let Some(region) = &flags.region {
                loader = loader.region(Region::new(region.clone()));
            }
            if let Some(profile) = &flags.profile {
                loader = loader.profile_name(profile);
            }
            let config = loader.load().await;
            let found_region = config
                .region()
                .map(|r| r.to_string())
                .filter(|r| !r.trim().is_empty())
                .map(|r| {
                    let source = region_from_env_or_profile(flags, &sections)
                        .map(|(_, source)| source)
                        .unwrap_or_else(|| "instance metadata".into());
                    (r, source)
                });
            // `--profile` beats credentials in environment variables (as in the AWS CLI), so
            // its profile provider is used outright. It is given the region: an assume-role
            // profile calls STS, which needs one to sign with.
            let provider = match &flags.profile {
                Some(profile) => {
                    let sts_region = found_region
                        .as_ref()
                        .map(|(r, _)| region::strip_fips(r.trim()).0)
                        .unwrap_or_else(|| region::FALLBACK.to_string());
                    SharedCredentialsProvider::new(
                        ProfileFileCredentialsProvider::builder()
                            .configure(
                                &ProviderConfig::without_region()
                                    .with_region(Some(Region::new(sts_region)))
                                    .with_behavior_version(Some(BehaviorVersion::latest())),
                            )
                            .profile_name(profile)
                            .profile_files(files.clone())
                            .build(),
                    )
                }
                None => config
                    .credentials_provider()
                    .ok_or_else(|| no_credentials(None, chosen_profile.as_deref(), flags))?,
            };
            let credentials = provider
                .provide_credentials()
                .await
                .map_err(|e| no_credentials(Some(&e), chosen_profile.as_deref(), flags))?;
            let refreshable = credentials.expiry().is_some();
            (credentials, refreshable.then_some(provider), found_region)
        }
    };

    let (region, source) = match found_region {
        Some(found) => found,
        None => {
            warnings.push(format!(
                "no AWS region is set, so the URLs are signed for {fallback} (as the AWS CLI and SDKs do); if the bucket is elsewhere, S3 refuses them: pass --region (-Region in PowerShell), set AWS_REGION, or add 'region = ...' to the profile",
                fallback = region::FALLBACK
            ));
            (region::FALLBACK.to_string(), "the default".to_string())
        }
    };
    let (region, fips) = region::strip_fips(region.trim());
    endpoint.fips |= fips && endpoint.endpoint_url.is_none();
    warnings.extend(region::check(
        &region,
        &source,
        endpoint.endpoint_url.is_some(),
    )?);
    endpoint.region = region.clone();

    let credentials_expire_at = credentials.expiry().map(DateTime::<Utc>::from);
    check_usable(
        &credentials,
        credentials_expire_at,
        chosen_profile.as_deref(),
    )?;
    Ok(Setup {
        session: Session {
            credentials,
            region,
            credentials_expire_at,
        },
        endpoint,
        warnings,
        provider,
    })
}

/// The region and where it came from, from the sources botocore also reads (flag, environment,
/// profile). AWS_REGION comes first, as in the AWS CLI v2 and every SDK but botocore.
fn region_from_env_or_profile(
    flags: &SessionFlags,
    sections: &EnvConfigSections,
) -> Option<(String, String)> {
    if let Some(region) = flags.region.clone().filter(|r| !r.trim().is_empty()) {
        return Some((region, "--region".into()));
    }
    for name in ["AWS_REGION", "AWS_DEFAULT_REGION"] {
        if let Some(region) = env_var(name) {
            return Some((region, name.into()));
        }
    }
    sections
        .get("region")
        .filter(|r| !r.trim().is_empty())
        .map(|r| {
            (
                r.trim().to_string(),
                format!("profile '{}'", sections.selected_profile()),
            )
        })
}

/// Keys from the environment, when that is where the SDK's chains would find them anyway
/// (environment variables come first in both). This skips building the SDK's configuration,
/// whose HTTPS client loads the system's certificates: most of a single URL's run time, and no
/// network is needed to sign with long-term keys.
fn from_environment() -> Option<Credentials> {
    let access_key_id = env_var("AWS_ACCESS_KEY_ID")?;
    let secret_access_key = env_var("AWS_SECRET_ACCESS_KEY")?;
    let session_token = env_var("AWS_SESSION_TOKEN").map(|t| t.trim().to_string());
    Some(Credentials::new(
        access_key_id,
        secret_access_key,
        session_token,
        None,
        "Environment",
    ))
}

fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// The setup error for credentials that could not be loaded: what to do first, then where we
/// looked, then (sanitised) what the SDK said.
fn no_credentials(
    error: Option<&CredentialsError>,
    profile: Option<&str>,
    flags: &SessionFlags,
) -> SetupError {
    let named = profile.unwrap_or("default");
    let details = error.map(|e| describe_error(e)).unwrap_or_default();
    let for_profile = profile
        .map(|p| format!(" for profile '{p}'"))
        .unwrap_or_default();
    let (config, credentials) = file_locations(flags);
    let message = if details.contains("SSO token") || details.contains("SSO session") {
        format!(
            "could not load AWS credentials{for_profile}: the SSO login has expired or was never made. Run 'aws sso login --profile {named}' and try again (details: {details})"
        )
    } else if matches!(
        error,
        None | Some(CredentialsError::CredentialsNotLoaded(_))
    ) || (profile.is_none() && details.contains("IMDS"))
    {
        // The default chain ends with instance metadata: its failure off EC2 means that no
        // source had credentials, not that one of them broke.
        format!(
            "could not load AWS credentials: none were found. Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, choose a profile with --profile (-ProfileName) or AWS_PROFILE, run 'aws configure' to create one, or 'aws sso login --profile NAME' for an SSO profile. Looked in: the environment, profile '{named}' in {} and {}, web identity, container and instance metadata{}",
            config.display(),
            credentials.display(),
            if details.is_empty() { String::new() } else { format!(" (details: {details})") }
        )
    } else {
        format!(
            "could not load AWS credentials{for_profile}: its credential source failed. Fix it (for SSO: 'aws sso login --profile {named}'), or choose another profile with --profile (-ProfileName) or AWS_PROFILE (details: {details})"
        )
    };
    SetupError::new(SetupErrorKind::NoCredentials, message)
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
fn check_profile_exists(
    profile: &str,
    set: &EnvConfigSections,
    flags: &SessionFlags,
) -> Result<(), SetupError> {
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
