//! `s3presign profiles`: the profiles of the AWS config and credentials files, with their regions,
//! for people and for tab completion (the PowerShell module's `-ProfileName`). It reads the files
//! with the AWS SDK's own parser (`aws_config::profile::load`), so it lists exactly the profiles a
//! signing run can select; it makes no network call and prints no secret.

use std::io::{self, Write};
use std::path::PathBuf;

use aws_runtime::env_config::file::{EnvConfigFileKind, EnvConfigFiles};
use aws_types::os_shim_internal::{Env, Fs};
use serde::Serialize;

use crate::cli::ProfilesArgs;
use crate::errors::{SetupError, SetupErrorKind};

/// One profile: its name and its `region` setting, if any.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct ProfileSummary {
    pub name: String,
    pub region: Option<String>,
}

/// The profiles of the default files (`AWS_CONFIG_FILE`, `AWS_SHARED_CREDENTIALS_FILE` or
/// `~/.aws/…`), or of `credentials_file` instead of the default credentials file, sorted by name.
pub async fn list(credentials_file: Option<PathBuf>) -> Result<Vec<ProfileSummary>, SetupError> {
    let mut files = EnvConfigFiles::builder().include_default_config_file(true);
    files = match credentials_file {
        Some(path) => files
            .include_default_credentials_file(false)
            .with_file(EnvConfigFileKind::Credentials, path),
        None => files.include_default_credentials_file(true),
    };
    let set = aws_config::profile::load(&Fs::real(), &Env::real(), &files.build(), None)
        .await
        .map_err(|e| {
            SetupError::new(
                SetupErrorKind::Usage,
                format!("could not read the AWS config files: {e}"),
            )
        })?;
    let mut profiles: Vec<ProfileSummary> = set
        .profiles()
        .map(|name| ProfileSummary {
            name: name.to_string(),
            region: set
                .get_profile(name)
                .and_then(|p| p.get("region"))
                .map(str::to_string),
        })
        .collect();
    profiles.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(profiles)
}

/// Writes the list: a JSON array of `{"name", "region"}`, or one `name<TAB>region` line each.
pub fn write(out: &mut impl Write, profiles: &[ProfileSummary], json: bool) -> io::Result<()> {
    if json {
        serde_json::to_writer(&mut *out, profiles)?;
        return out.write_all(b"\n");
    }
    for p in profiles {
        writeln!(out, "{}\t{}", p.name, p.region.as_deref().unwrap_or(""))?;
    }
    Ok(())
}

pub fn run(args: &ProfilesArgs) -> Result<Vec<ProfileSummary>, SetupError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| SetupError::new(SetupErrorKind::Usage, format!("cannot start: {e}")))?;
    runtime.block_on(list(args.credentials_file.clone()))
}
