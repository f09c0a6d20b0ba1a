//! Where a run's S3 endpoint settings come from: flags first, then the environment, then the
//! selected profile of the shared config file — the sources and the order the AWS CLI
//! (botocore's `configprovider`) and the AWS SDKs (`aws-config`'s `EnvConfigValue`) use.
//!
//! | setting | flag | environment | config file |
//! |---|---|---|---|
//! | endpoint URL | `--endpoint-url` | `AWS_ENDPOINT_URL_S3`, then `AWS_ENDPOINT_URL` | `s3 = endpoint_url` in the profile's `services` section, then the profile's `endpoint_url` |
//! | ignore configured endpoint URLs | | `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` | `ignore_configured_endpoint_urls` |
//! | addressing style | `--addressing-style`, `--path-style` | | `s3 = addressing_style` |
//! | accelerate | `--accelerate` | | `s3 = use_accelerate_endpoint` |
//! | dual-stack | `--dualstack` | `AWS_USE_DUALSTACK_ENDPOINT` | `s3 = use_dualstack_endpoint`, then `use_dualstack_endpoint` |
//! | FIPS | `--fips`, a `fips-` region | `AWS_USE_FIPS_ENDPOINT` | `use_fips_endpoint` |
//! | us-east-1 global host | | `AWS_S3_US_EAST_1_REGIONAL_ENDPOINT` | `s3_us_east_1_regional_endpoint`, `s3 = us_east_1_regional_endpoint` |
//! | ARN region | | `AWS_S3_USE_ARN_REGION` | `s3_use_arn_region`, `s3 = use_arn_region` |
//!
//! Source of the rules: AWS SDKs and Tools Reference Guide, "Service-specific endpoints" and
//! "Dual-stack and FIPS endpoints"; AWS CLI User Guide, "Amazon S3 configuration" (the nested
//! `s3` settings). As in both, a custom endpoint URL turns off FIPS and dual-stack settings that
//! come from the environment or the config file (they describe AWS's own hosts).

use aws_runtime::env_config::section::EnvConfigSections;
use aws_runtime::env_config::EnvConfigValue;
use aws_types::origin::Origin;
use aws_types::os_shim_internal::Env;

use crate::cli::SessionFlags;
use crate::endpoint::{AddressingStyle, EndpointOptions};
use crate::errors::{SetupError, SetupErrorKind};

/// The endpoint settings of a run, without the region (`EndpointOptions::region` is left empty:
/// the session fills it in). Errors name the setting and where it came from.
pub fn resolve(
    flags: &SessionFlags,
    env: &Env,
    sections: &EnvConfigSections,
) -> Result<EndpointOptions, SetupError> {
    let nested = NestedS3::of(sections);
    let endpoint_url = endpoint_url(flags, env, sections)?;
    let custom = endpoint_url.is_some();

    let addressing_style = match (&flags.addressing_style, flags.path_style) {
        (Some(style), _) => *style,
        (None, true) => AddressingStyle::Path,
        (None, false) => match nested.get("addressing_style") {
            None => AddressingStyle::Auto,
            Some(text) => AddressingStyle::parse(text).ok_or_else(|| {
                config_error(format!(
                    "'s3 = addressing_style = {text}' in profile '{}' is not auto, virtual or path",
                    sections.selected_profile()
                ))
            })?,
        },
    };
    let accelerate = flags.accelerate || nested.flag("use_accelerate_endpoint");

    // botocore: a `true` in the nested s3 section wins; otherwise the global setting.
    let dualstack_configured = nested.flag("use_dualstack_endpoint")
        || bool_setting(
            env,
            sections,
            "AWS_USE_DUALSTACK_ENDPOINT",
            "use_dualstack_endpoint",
        )?
        .unwrap_or(false);
    let fips_configured =
        bool_setting(env, sections, "AWS_USE_FIPS_ENDPOINT", "use_fips_endpoint")?.unwrap_or(false);

    let us_east_1 = EnvConfigValue::new()
        .env("AWS_S3_US_EAST_1_REGIONAL_ENDPOINT")
        .profile("s3_us_east_1_regional_endpoint")
        .load(env, Some(sections))
        .map(|(value, _)| value.into_owned())
        .or_else(|| {
            nested
                .get("us_east_1_regional_endpoint")
                .map(str::to_string)
        });
    let use_global_endpoint = match us_east_1.as_deref().map(str::trim) {
        None | Some("") | Some("regional") => false,
        Some("legacy") => true,
        Some(other) => {
            return Err(config_error(format!(
                "us_east_1_regional_endpoint is '{other}': use 'regional' or 'legacy'"
            )))
        }
    };
    let use_arn_region =
        match bool_setting(env, sections, "AWS_S3_USE_ARN_REGION", "s3_use_arn_region")? {
            Some(value) => Some(value),
            None => nested
                .get("use_arn_region")
                .map(|v| v.eq_ignore_ascii_case("true")),
        };

    Ok(EndpointOptions {
        region: String::new(),
        endpoint_url,
        addressing_style,
        accelerate,
        dualstack: flags.dualstack || (dualstack_configured && !custom),
        fips: flags.fips || (fips_configured && !custom),
        http: flags.http,
        use_global_endpoint,
        use_arn_region,
    })
}

/// The endpoint URL, checked; an error names where it came from.
fn endpoint_url(
    flags: &SessionFlags,
    env: &Env,
    sections: &EnvConfigSections,
) -> Result<Option<String>, SetupError> {
    if let Some(url) = flags.endpoint_url.as_deref().filter(|u| !u.is_empty()) {
        check_endpoint_url(url, "--endpoint-url")?;
        return Ok(Some(url.to_string()));
    }
    let ignore = bool_setting(
        env,
        sections,
        "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
        "ignore_configured_endpoint_urls",
    )?
    .unwrap_or(false);
    if ignore {
        return Ok(None);
    }
    // The service id as the SDK's S3 client gives it (aws-sdk-s3, `Builder::from(&SdkConfig)`):
    // AWS_ENDPOINT_URL_S3, then AWS_ENDPOINT_URL, then the services section, then the profile.
    let found = EnvConfigValue::new()
        .env("AWS_ENDPOINT_URL")
        .profile("endpoint_url")
        .service_id("S3")
        .load(env, Some(sections));
    match found {
        Some((url, source)) if !url.trim().is_empty() => {
            let origin: Origin = (&source).into();
            let profile = sections.selected_profile();
            let source = if origin == Origin::service_environment_variable() {
                "AWS_ENDPOINT_URL_S3".to_string()
            } else if origin == Origin::shared_environment_variable() {
                "AWS_ENDPOINT_URL".to_string()
            } else if origin == Origin::service_profile_file() {
                format!("the services section of profile '{profile}'")
            } else {
                format!("endpoint_url in profile '{profile}'")
            };
            check_endpoint_url(&url, &source)?;
            Ok(Some(url.trim().to_string()))
        }
        _ => Ok(None),
    }
}

/// An endpoint URL must be absolute http(s) with a host, as the SDKs require.
fn check_endpoint_url(url: &str, source: &str) -> Result<(), SetupError> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    let host = rest.map(|r| r.split(['/', '?', '#']).next().unwrap_or(""));
    match host {
        Some(h) if !h.is_empty() && !h.starts_with(':') && !h.contains(char::is_whitespace) => {
            Ok(())
        }
        _ => Err(SetupError::new(
            SetupErrorKind::Usage,
            format!(
                "the endpoint URL '{url}' from {source} is not an absolute http:// or https:// URL with a host, e.g. https://minio.example.com:9000"
            ),
        )),
    }
}

/// A true/false setting from the environment, then the selected profile.
fn bool_setting(
    env: &Env,
    sections: &EnvConfigSections,
    variable: &str,
    profile_key: &str,
) -> Result<Option<bool>, SetupError> {
    let Some((value, _)) = EnvConfigValue::new()
        .env(variable)
        .profile(profile_key)
        .load(env, Some(sections))
    else {
        return Ok(None);
    };
    match value.trim().to_ascii_lowercase().as_str() {
        "" => Ok(None),
        "true" => Ok(Some(true)),
        "false" => Ok(Some(false)),
        _ => Err(config_error(format!(
            "{variable} (or {profile_key} in profile '{}') is '{value}': use true or false",
            sections.selected_profile()
        ))),
    }
}

fn config_error(message: String) -> SetupError {
    SetupError::new(SetupErrorKind::Usage, message)
}

/// The profile's nested `s3 =` settings, which the AWS CLI reads and the Rust SDK keeps as one
/// multi-line value: `\naddressing_style = virtual\nuse_accelerate_endpoint = true`.
struct NestedS3(Vec<(String, String)>);

impl NestedS3 {
    fn of(sections: &EnvConfigSections) -> Self {
        let text = sections.get("s3").unwrap_or_default();
        NestedS3(
            text.lines()
                .filter_map(|line| line.split_once('='))
                .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
                .collect(),
        )
    }

    fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    }

    /// botocore's `ensure_boolean`: only `true` (any case) is true.
    fn flag(&self, key: &str) -> bool {
        self.get(key)
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_runtime::env_config::file::{EnvConfigFileKind, EnvConfigFiles};
    use aws_types::os_shim_internal::Fs;
    use clap::Parser;

    fn settings(env: &[(&str, &str)], config: &str, args: &[&str]) -> EndpointOptions {
        #[derive(Parser)]
        struct Args {
            #[command(flatten)]
            session: SessionFlags,
        }
        let flags = Args::parse_from(std::iter::once("x").chain(args.iter().copied())).session;
        let env = Env::from_slice(env);
        let fs = Fs::from_slice(&[("config", config)]);
        let files = EnvConfigFiles::builder()
            .with_file(EnvConfigFileKind::Config, "config")
            .build();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let sections = runtime
            .block_on(aws_config::profile::load(&fs, &env, &files, None))
            .unwrap();
        resolve(&flags, &env, &sections).unwrap()
    }

    #[test]
    fn endpoint_url_order_service_env_global_env_services_section_profile() {
        let config = "[default]\nendpoint_url = http://profile\nservices = local\n\
                      [services local]\ns3 =\n  endpoint_url = http://services\n";
        let all = [
            ("AWS_ENDPOINT_URL_S3", "http://service-env"),
            ("AWS_ENDPOINT_URL", "http://global-env"),
        ];
        let url = |env: &[(&str, &str)], args: &[&str]| settings(env, config, args).endpoint_url;
        assert_eq!(
            url(&all, &["--endpoint-url", "http://flag"]).unwrap(),
            "http://flag"
        );
        assert_eq!(url(&all, &[]).unwrap(), "http://service-env");
        assert_eq!(url(&all[1..], &[]).unwrap(), "http://global-env");
        assert_eq!(url(&[], &[]).unwrap(), "http://services");
        let ignore = [("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true")];
        assert_eq!(url(&ignore, &[]), None);
        assert_eq!(
            url(&ignore, &["--endpoint-url", "http://flag"]).unwrap(),
            "http://flag"
        );
        let plain = settings(&[], "[default]\nendpoint_url = http://profile\n", &[]);
        assert_eq!(plain.endpoint_url.unwrap(), "http://profile");
    }

    #[test]
    fn nested_s3_settings_and_custom_endpoints_turn_off_fips_and_dualstack() {
        let config = "[default]\ns3 =\n  addressing_style = virtual\n  use_accelerate_endpoint = true\n  use_dualstack_endpoint = true\n";
        let s = settings(&[], config, &[]);
        assert_eq!(s.addressing_style, AddressingStyle::Virtual);
        assert!(s.accelerate && s.dualstack);
        let path = settings(&[], config, &["--path-style"]);
        assert_eq!(path.addressing_style, AddressingStyle::Path);
        let env = [
            ("AWS_USE_FIPS_ENDPOINT", "true"),
            ("AWS_USE_DUALSTACK_ENDPOINT", "true"),
        ];
        let aws = settings(&env, "", &[]);
        assert!(aws.fips && aws.dualstack);
        let custom = settings(&env, "", &["--endpoint-url", "http://s3:9000"]);
        assert!(!custom.fips && !custom.dualstack);
    }
}
