//! The two commands, from parsed flags to an exit code.

use std::io::{self, BufRead, Write};

use chrono::{DateTime, SubsecRound, Utc};
use clap::Parser;

use crate::cli::{self, Cli, Command, OutputFormat, SessionFlags, UrlOutput};
use crate::credentials_refresh::CredentialsRefresh;
use crate::endpoint::{EndpointOptions, EndpointResolver};
use crate::errors::{ItemErrorKind, SetupError, SetupErrorKind};
use crate::exit_codes::ExitCode;
use crate::presign::Presigner;
use crate::signer::Signer;
use crate::{
    batch, batch_input, batch_workers, errors, expiry, inspect, multipart, output, post_policy,
    request, request_options, session, shell_docs, url_target, usage_hints,
};

/// Parses the command line and runs the command.
pub fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let parsed = Cli::try_parse_from(&args).and_then(|mut cli| {
        if let Command::Url(url) = &mut cli.command {
            url_target::resolve(url)?;
        }
        Ok(cli)
    });
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version are not errors.
            let code = if e.use_stderr() {
                ExitCode::SetupFailed
            } else {
                ExitCode::Success
            };
            let args = args.get(1..).unwrap_or_default();
            let json = e.use_stderr() && usage_hints::wants_json(args);
            let message = usage_hints::print(e, args);
            if json {
                let usage = SetupError::new(SetupErrorKind::Usage, message);
                let mut stdout = io::stdout().lock();
                let _ = output::write_fatal(&mut stdout, &usage).and_then(|_| stdout.flush());
            }
            return code;
        }
    };

    match cli.command {
        Command::Url(args) => run_url(args),
        Command::Batch(args) => run_batch(args),
        Command::Multipart(cli::MultipartCommand::Create(args)) => run_multipart_create(args),
        Command::Inspect(args) => run_inspect(args),
        Command::Post(args) => run_post(args),
        Command::Profiles(args) => run_profiles(&args),
        Command::Regions => run_regions(),
        Command::Completions(args) => shell_docs::completions(args.shell),
        Command::Man(args) => shell_docs::man(args.out_dir.as_deref()),
    }
}

fn run_regions() -> ExitCode {
    let mut stdout = io::stdout().lock();
    let written = crate::region::names()
        .try_for_each(|name| writeln!(stdout, "{name}"))
        .and_then(|_| stdout.flush());
    match written {
        Ok(()) => ExitCode::Success,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::Success,
        Err(_) => ExitCode::SetupFailed,
    }
}

fn run_profiles(args: &cli::ProfilesArgs) -> ExitCode {
    let json = args.output == OutputFormat::Json;
    match crate::profiles::run(args) {
        Ok(list) => match crate::profiles::write(&mut io::stdout().lock(), &list, json) {
            Ok(()) => ExitCode::Success,
            Err(_) => ExitCode::SetupFailed,
        },
        Err(e) => report_setup_error(&e, json),
    }
}

fn run_url(args: cli::UrlArgs) -> ExitCode {
    if args.listing.recursive {
        return crate::recursive::command(args);
    }
    // With JSON output, failures are JSON records too, so a program reading it gets the code.
    let json = args.output == UrlOutput::Json;
    if args.listing.key_prefix.is_some() {
        let usage = SetupError::new(
            SetupErrorKind::Usage,
            "--key-prefix names a prefix to list: add --recursive to sign every object under it, or give one object with --key alone",
        );
        return report_setup_error(&usage, json);
    }
    if matches!(
        args.output,
        UrlOutput::Csv | UrlOutput::Tsv | UrlOutput::UrlOrError | UrlOutput::Powershell
    ) {
        let usage = SetupError::new(
            SetupErrorKind::Usage,
            "--output csv, tsv, url-or-error and powershell are for many URLs: add --recursive (a prefix), or use batch",
        );
        return report_setup_error(&usage, false);
    }
    let mut presigner = match setup(&args.session, &args.sse_customer_key) {
        Ok(p) => p,
        Err(e) => return report_setup_error(&e, json),
    };
    let request = match args.request.to_fields().validate() {
        Ok(r) => r,
        // A missing --bucket or --key is a usage error, as clap would report a required flag.
        Err(e)
            if matches!(
                e.kind,
                ItemErrorKind::MissingBucket | ItemErrorKind::MissingKey
            ) =>
        {
            let flag = if e.kind == ItemErrorKind::MissingBucket {
                "--bucket"
            } else {
                "--key"
            };
            let usage = SetupError::new(SetupErrorKind::Usage, format!("{flag} is required"));
            return report_setup_error(&usage, json);
        }
        // A --expires or --expires-in that cannot be read is a usage error, named as the flag.
        Err(e) if e.kind == ItemErrorKind::InvalidExpiry => {
            let usage = SetupError::new(SetupErrorKind::Usage, in_flag_terms(&e.message));
            return report_setup_error(&usage, json);
        }
        Err(e) => return report_item_error(&e, json),
    };
    let presigned = match presigner.presign(request) {
        Ok(p) => p,
        Err(e) => return report_item_error(&flag_named(e), json),
    };
    for warning in &presigned.warnings {
        eprintln!("s3presign: warning: {}", warning.message);
    }
    if args.output == UrlOutput::Url && !presigned.headers.is_empty() {
        // A bare URL hides what the commonest upload failure is about: unsent signed headers.
        let headers: Vec<String> = presigned
            .headers
            .iter()
            .map(|(name, value)| format!("{name}: {value}"))
            .collect();
        eprintln!(
            "s3presign: note: the client must send these signed headers: {} (--output json gives ready-to-run curl and Invoke-WebRequest commands)",
            headers.join("; ")
        );
    }
    let mut stdout = io::stdout().lock();
    let written = match args.output {
        UrlOutput::Json => output::write_url(&mut stdout, 1, &presigned),
        UrlOutput::Table => writeln!(stdout, "{}", output::table(&presigned)),
        _ => writeln!(stdout, "{}", presigned.url),
    };
    match written.and_then(|_| stdout.flush()) {
        Ok(()) => ExitCode::Success,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::Success,
        Err(e) => {
            eprintln!("s3presign: error: cannot write the result: {e}");
            ExitCode::SetupFailed
        }
    }
}

fn run_batch(args: cli::BatchArgs) -> ExitCode {
    // A `fatal` record only where the output is JSON records: in a URL list or a CSV file it would
    // be a line of JSON among the data (the message is on stderr either way).
    let as_record = matches!(
        args.output,
        cli::BatchOutput::Jsonl | cli::BatchOutput::UrlOrError | cli::BatchOutput::Powershell
    );
    // A key list names no bucket: without --bucket every line would fail the same way.
    if args.input_format == cli::BatchInput::Keys && args.request.bucket.is_none() {
        let usage = SetupError::new(
            SetupErrorKind::Usage,
            "--input-format keys reads keys only: give the bucket with --bucket",
        );
        return report_setup_error(&usage, as_record);
    }
    let mut presigner = match setup(&args.session, &args.sse_customer_key) {
        Ok(p) => p,
        Err(e) => return report_setup_error(&e, as_record),
    };
    if let Err(e) = check_run_flags(&args.request, args.session.start_time.as_deref()) {
        return report_setup_error(&e, as_record);
    }
    let defaults = args.request.to_fields();
    // Stdin itself, not its lock: the source is read on a thread of its own.
    let input = io::BufReader::with_capacity(64 * 1024, io::stdin());
    let mut source = batch_input::source(input, &args);
    let mut out = io::BufWriter::with_capacity(64 * 1024, io::stdout().lock());
    let mut warn = |w: &str| eprintln!("s3presign: warning: {w}");
    let sinks = batch::Sinks {
        out: &mut out,
        messages: &mut io::stderr(),
        warn: &mut warn,
    };
    match batch_workers::run(
        source.as_mut(),
        args.output,
        &defaults,
        &mut presigner,
        batch_workers::worker_count(args.threads),
        sinks,
    ) {
        Ok(tally) if tally.failed == 0 => ExitCode::Success,
        Ok(tally) => {
            // One line a cron mail or a log shows, whatever the output: with JSON records or a
            // CSV, the failures are only in the output.
            let where_ = match args.output {
                cli::BatchOutput::Url => "their errors are above",
                cli::BatchOutput::Csv | cli::BatchOutput::Tsv => "see their Error column",
                _ => "see their error records",
            };
            eprintln!(
                "s3presign: {} of {} requests failed; {where_}",
                tally.failed,
                tally.failed + tally.signed
            );
            ExitCode::ItemsFailed
        }
        // The reader went away: nobody is left to tell.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::ItemsFailed,
        // The input stops before its first item (batch_csv): nothing was signed.
        Err(e) if e.kind() == io::ErrorKind::InvalidInput => report_setup_error(
            &SetupError::new(SetupErrorKind::Usage, e.to_string()),
            as_record,
        ),
        Err(e) => {
            eprintln!("s3presign: error: {e}");
            ExitCode::SetupFailed
        }
    }
}

/// A batch's request flags are the values of every line that gives none of its own: a value that
/// is wrong on its own (a verb that is not one, a malformed bucket name or key, a part number out
/// of 1–10000, an expiry that cannot be read or that SigV4's 7-day window refuses) would fail each
/// of those lines the same way, one error per line. It is refused once instead, before the first
/// line (exit 2), naming the flag, with the code each line would have had. Values that are wrong
/// only together (`--content-type` with GET) stay per line: a line may give the other one.
fn check_run_flags(flags: &cli::RequestFlags, start_time: Option<&str>) -> Result<(), SetupError> {
    let named = |flag: &str, what: &str, mut e: errors::ItemError| {
        e.message = format!("{flag}: {}", e.message);
        refused_for_every_request(what, e)
    };
    if let Some(verb) = &flags.verb {
        request::Verb::parse(verb).map_err(|e| named("--verb", "a verb", e))?;
    }
    if let Some(bucket) = flags.bucket.as_deref().filter(|b| !b.is_empty()) {
        request::check_bucket(bucket).map_err(|e| named("--bucket", "a bucket", e))?;
    }
    if let Some(key) = flags.key.as_deref().filter(|k| !k.is_empty()) {
        request::check_key(key).map_err(|e| named("--key", "a key", e))?;
    }
    if let Some(n) = flags
        .options
        .part_number
        .filter(|n| !request_options::PART_NUMBERS.contains(n))
    {
        let e = request_options::part_number_out_of_range(n);
        return Err(named("--part-number", "a part number", e));
    }
    if flags.expires.is_none() && flags.expires_in.is_none() {
        return Ok(());
    }
    // Setup has read --start-time already; a bad one never gets here.
    let signed_at = start_time
        .and_then(|t| expiry::parse_instant(t).ok())
        .unwrap_or_else(Utc::now)
        .trunc_subsecs(0);
    let expires_in = flags.expires_in.clone().map(request::ExpiresIn::Text);
    request::expiry_spec(flags.expires.clone(), expires_in)
        .and_then(|spec| expiry::resolve(&spec, signed_at))
        .map(|_| ())
        .map_err(|e| refused_for_every_request("an expiry", flag_named(e)))
}

/// The setup error of [`check_run_flags`]: `error`'s message (naming its flag), its code, and why
/// it stops the run.
fn refused_for_every_request(what: &str, error: errors::ItemError) -> SetupError {
    SetupError::new(
        SetupErrorKind::EveryRequest(error.kind),
        format!(
            "{}; nothing was signed: every request without {what} of its own would fail the same way",
            error.message
        ),
    )
}

/// An expiry message that names the request field (`expires_in: 'soon' is not a duration`) as the
/// command-line flag it came from; a range message gets the flag in front.
fn in_flag_terms(message: &str) -> String {
    if let Some(rest) = message.strip_prefix("expires_in: ") {
        format!("--expires-in: {rest}")
    } else if let Some(rest) = message.strip_prefix("expires: ") {
        format!("--expires: {rest}")
    } else if message.starts_with("lifetime") {
        format!("--expires-in: {message}")
    } else if message.starts_with("expiry") {
        format!("--expires: {message}")
    } else {
        message.to_string()
    }
}

/// An expiry error of a request made from the command line (`url`, `post`, a batch's flags):
/// named as the flag (`--expires-in: lifetime 8d …`), as PowerShell's messages then name the
/// parameter.
fn flag_named(mut error: errors::ItemError) -> errors::ItemError {
    if matches!(
        error.kind,
        ItemErrorKind::ExpiryTooFar | ItemErrorKind::ExpiryInPast | ItemErrorKind::InvalidExpiry
    ) {
        error.message = in_flag_terms(&error.message);
    }
    error
}

/// Everything that happens once per process, before the first request.
fn setup(flags: &SessionFlags, sse: &cli::SseCustomerKeyFlags) -> Result<Presigner, SetupError> {
    setup_with_session(flags, sse).map(|(presigner, _, _)| presigner)
}

/// [`setup`], also giving the session and endpoint settings, for a run that calls S3 itself.
pub(crate) fn setup_with_session(
    flags: &SessionFlags,
    sse: &cli::SseCustomerKeyFlags,
) -> Result<(Presigner, session::Session, EndpointOptions), SetupError> {
    let start_time = match &flags.start_time {
        Some(text) => Some(parse_start_time(text)?),
        None => None,
    };
    let sse_customer_key = sse.load()?;
    let (runtime, setup) = load_session(flags)?;
    let refresh = match setup.provider {
        Some(provider) => Some(
            CredentialsRefresh::new(runtime, provider, &setup.session.credentials, Utc::now())
                .map_err(|m| SetupError::new(SetupErrorKind::Usage, m))?,
        ),
        None => None,
    };
    let endpoint = setup.endpoint.clone();
    let endpoints = EndpointResolver::new(setup.endpoint);
    let presigner = Presigner::new(&setup.session, endpoints, start_time, flags.strict_expiry)
        .with_sse_customer_key(sse_customer_key)
        .with_credentials_refresh(refresh);
    Ok((presigner, setup.session, endpoint))
}

/// Credentials, region and endpoint settings; run-wide warnings go to stderr once, here.
fn load_session(
    flags: &SessionFlags,
) -> Result<(tokio::runtime::Runtime, session::Setup), SetupError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            SetupError::new(SetupErrorKind::NoCredentials, format!("cannot start: {e}"))
        })?;
    let setup = runtime.block_on(session::load(flags))?;
    for warning in &setup.warnings {
        eprintln!("s3presign: warning: {warning}");
    }
    Ok((runtime, setup))
}

fn run_multipart_create(args: cli::MultipartCreateArgs) -> ExitCode {
    let json = args.output == OutputFormat::Json;
    let sse_customer_key = match args.sse_customer_key.load() {
        Ok(key) => key,
        Err(e) => return report_setup_error(&e, json),
    };
    let (runtime, setup) = match load_session(&args.session) {
        Ok(s) => s,
        Err(e) => return report_setup_error(&e, json),
    };
    let created = runtime.block_on(multipart::create(
        &setup.session,
        &setup.endpoint,
        &args.bucket,
        &args.key,
        multipart::CreateOptions {
            content_type: args.content_type.as_deref(),
            checksum_algorithm: args.checksum_algorithm.as_deref(),
            sse_customer_key: sse_customer_key.as_ref(),
        },
    ));
    let upload_id = match created {
        Ok(id) => id,
        Err(message) => {
            eprintln!("s3presign: error: {message}");
            return ExitCode::ItemsFailed;
        }
    };
    match args.output {
        OutputFormat::Json => {
            let record = serde_json::json!({
                "type": "multipart_upload",
                "bucket": args.bucket,
                "key": args.key,
                "upload_id": upload_id,
            });
            println!("{record}");
        }
        OutputFormat::Url | OutputFormat::Table => println!("{upload_id}"),
    }
    ExitCode::Success
}

/// Stands in for a line of stdin that is not UTF-8 (no URL can contain NUL).
const NOT_UTF8: &str = "\0not-utf-8";

fn run_inspect(mut args: cli::InspectArgs) -> ExitCode {
    let mut headers = Vec::new();
    for (index, header) in args.headers.iter().enumerate() {
        match header.split_once(':') {
            Some((name, value)) => {
                headers.push((name.trim().to_string(), value.trim().to_string()))
            }
            None => {
                let usage = SetupError::new(
                    SetupErrorKind::Usage,
                    // Not echoed: a header given the wrong way may hold an SSE-C key.
                    format!(
                        "--header number {} is not 'Name: value' (a colon between the header's name and its value)",
                        index + 1
                    ),
                );
                return report_setup_error(&usage, args.output == OutputFormat::Json);
            }
        }
    }
    // The key's headers are added for URLs that sign them; the key itself is read as for `url`.
    let sse_headers = match args.sse_customer_key.load() {
        Ok(key) => key.map(|k| k.signed_headers()),
        Err(e) => return report_setup_error(&e, args.output == OutputFormat::Json),
    };
    let mut verifier = None;
    // The endpoint settings `url` would use tell which part of a URL is the bucket.
    let endpoint_url = if args.verify {
        // The region to check with is the URL's own; any region lets the credentials load.
        if args.session.region.is_none() {
            args.session.region = Some("us-east-1".into());
        }
        match load_session(&args.session) {
            Ok((_, setup)) => {
                let key_id = setup.session.credentials.access_key_id().to_string();
                verifier = Some((Signer::new(setup.session.credentials), key_id));
                setup.endpoint.endpoint_url
            }
            Err(e) => return report_setup_error(&e, args.output == OutputFormat::Json),
        }
    } else {
        match session::endpoint_settings(&args.session) {
            Ok(options) => options.endpoint_url,
            Err(e) => return report_setup_error(&e, args.output == OutputFormat::Json),
        }
    };
    // Lines that are not UTF-8 are read on (lossily): each bad line is an item error of its own,
    // and no line after it is lost.
    let urls: Box<dyn Iterator<Item = String>> = if args.urls.is_empty() {
        Box::new(
            io::stdin()
                .lock()
                .split(b'\n')
                .map_while(Result::ok)
                .map(|bytes| String::from_utf8(bytes).unwrap_or_else(|_| NOT_UTF8.to_string())),
        )
    } else {
        Box::new(args.urls.clone().into_iter())
    };
    let now = Utc::now();
    let mut all_good = true;
    let mut stdout = io::stdout().lock();
    for (index, url) in urls.enumerate() {
        let line = index as u64 + 1;
        let parsed = match (
            url.as_str(),
            inspect::parse(&url, now, endpoint_url.as_deref()),
        ) {
            (NOT_UTF8, _) => Err("the line is not UTF-8 text".to_string()),
            (_, parsed) => parsed,
        };
        let parsed = match parsed {
            Ok(p) => p,
            Err(why) => {
                all_good = false;
                let error = errors::ItemError::new(
                    ItemErrorKind::InvalidUrl,
                    format!("not a pre-signed URL: {why}"),
                );
                // Numbered as in the JSON record: lines of stdin, or the arguments in order.
                let what = if args.urls.is_empty() { "line" } else { "URL" };
                eprintln!("s3presign: error: {what} {line}: {}", error.message);
                if args.output == OutputFormat::Json {
                    // A URL is echoed with any session token in it redacted; any other line not
                    // at all (it may be a credentials file piped in by mistake).
                    let shown = url.trim();
                    let input = (shown.starts_with("https://") || shown.starts_with("http://"))
                        .then(|| {
                            let mut input = serde_json::Map::new();
                            input.insert(
                                "url".into(),
                                crate::redact::redact_session_tokens(shown).into(),
                            );
                            input
                        });
                    let _ = output::write_error(&mut stdout, line, &error, input.as_ref());
                }
                continue;
            }
        };
        let (valid, note) = match verifier.as_mut() {
            None => (None, None),
            Some((signer, key_id)) => match inspect::verify(
                &parsed,
                signer,
                key_id,
                &args.verb.to_ascii_uppercase(),
                &with_sse_headers(&headers, &parsed, sse_headers.as_ref()),
            ) {
                Ok(valid) => (Some(valid), None),
                Err(why) => (None, Some(why)),
            },
        };
        if valid == Some(false) || note.is_some() {
            all_good = false;
        }
        let written = match args.output {
            OutputFormat::Table => writeln!(
                stdout,
                "{}",
                output::inspection_table(&parsed.inspection, valid, note.as_deref())
            ),
            _ => output::write_inspection(
                &mut stdout,
                line,
                &parsed.inspection,
                valid,
                note.as_deref(),
            ),
        };
        if written.is_err() {
            return ExitCode::SetupFailed;
        }
    }
    if all_good {
        ExitCode::Success
    } else {
        ExitCode::ItemsFailed
    }
}

fn run_post(args: cli::PostArgs) -> ExitCode {
    let json = args.output == cli::PostOutput::Json;
    let usage = |message: String| {
        report_setup_error(&SetupError::new(SetupErrorKind::Usage, message), json)
    };
    let mut extra_conditions = Vec::new();
    for text in &args.conditions {
        match serde_json::from_str::<serde_json::Value>(text) {
            Ok(condition) => match post_policy::check_condition(&condition) {
                Ok(()) => extra_conditions.push(condition),
                Err(why) => return usage(format!("--condition: {why}")),
            },
            Err(e) => return usage(format!("--condition '{text}' is not JSON: {e}")),
        }
    }
    if args.key.as_deref() == Some("") {
        // As `url` reports an empty --key.
        return usage("--key is required".into());
    }
    let form = post_policy::PostRequest {
        bucket: args.bucket.clone(),
        key: match (&args.key, &args.key_prefix) {
            (Some(key), _) => post_policy::KeyRule::Exact(key.clone()),
            (None, prefix) => post_policy::KeyRule::Prefix(prefix.clone().unwrap_or_default()),
        },
        content_length_range: args.content_length_range,
        content_type: match (&args.content_type, &args.content_type_prefix) {
            (Some(t), _) => Some(post_policy::ContentTypeRule::Exact(t.clone())),
            (None, Some(p)) => Some(post_policy::ContentTypeRule::Prefix(p.clone())),
            (None, None) => None,
        },
        acl: args.acl.clone(),
        success_action_status: args.success_action_status.clone(),
        success_action_redirect: args.success_action_redirect.clone(),
        metadata: args.metadata.clone(),
        fields: args.fields.clone(),
        extra_conditions,
    };
    if let Err(e) = post_policy::check_values(&form) {
        return report_item_error(&e, json);
    }
    if let Some(status) = args.success_action_status.as_deref() {
        if !["200", "201", "204"].contains(&status) {
            return usage(format!(
                "--success-action-status {status}: S3 answers a form upload with 200, 201 or 204"
            ));
        }
    }
    let spec = match request::expiry_spec(
        args.expires.clone(),
        args.expires_in.clone().map(request::ExpiresIn::Text),
    ) {
        Ok(spec) => spec,
        // As in url: a flag that cannot be read is a usage error, named as the flag.
        Err(e) if e.kind == ItemErrorKind::InvalidExpiry => {
            let usage = SetupError::new(SetupErrorKind::Usage, in_flag_terms(&e.message));
            return report_setup_error(&usage, json);
        }
        Err(e) => return report_item_error(&e, json),
    };
    let start_time = match args
        .session
        .start_time
        .as_deref()
        .map(parse_start_time)
        .transpose()
    {
        Ok(t) => t,
        Err(e) => return report_setup_error(&e, json),
    };
    let (_, setup) = match load_session(&args.session) {
        Ok(s) => s,
        Err(e) => return report_setup_error(&e, json),
    };
    let session = setup.session;
    let signed_at = start_time.unwrap_or_else(Utc::now).trunc_subsecs(0);
    let expiry = match expiry::resolve(&spec, signed_at) {
        Ok(e) => e,
        Err(e) => return report_item_error(&flag_named(e), json),
    };
    // Warnings go to stderr as they arise, and into the JSON result (as `url` results have them).
    let mut warnings = Vec::new();
    if let Some(credentials_end) = session
        .credentials_expire_at
        .filter(|end| *end < expiry.expires_at)
    {
        let message = format!(
            "the signing credentials expire at {}, before the policy's expiry {}: uploads are refused after {}",
            expiry::format_utc(credentials_end),
            expiry::format_utc(expiry.expires_at),
            expiry::format_utc(credentials_end)
        );
        if args.session.strict_expiry {
            let error = errors::ItemError::new(
                ItemErrorKind::CredentialsExpireFirst,
                format!("{message} (refused because of --strict-expiry)"),
            );
            return report_item_error(&error, json);
        }
        eprintln!("s3presign: warning: {message}");
        warnings.push(message);
    }
    let mut endpoints = EndpointResolver::new(setup.endpoint);
    let endpoint = match endpoints.resolve(&args.bucket) {
        Ok(e) => e.clone(),
        Err(e) => return report_item_error(&e, json),
    };
    if let Some(warning) = &endpoint.warning {
        eprintln!("s3presign: warning: {warning}");
        warnings.push(warning.clone());
    }
    let mut signer = Signer::new(session.credentials.clone());
    let post = match post_policy::sign(
        &form,
        &mut signer,
        &endpoint.base,
        &endpoint.signing_region,
        signed_at,
        expiry.expires_at,
    ) {
        Ok(p) => p,
        Err(e) => return report_item_error(&e, json),
    };
    let printed = match args.output {
        cli::PostOutput::Html => post_policy::html(&post),
        cli::PostOutput::Curl => post_policy::curl(&post),
        cli::PostOutput::Powershell => post_policy::invoke_web_request(&post),
        cli::PostOutput::Json => {
            output::post_record(&post, signed_at, session.credentials_expire_at, &warnings)
        }
    };
    let mut stdout = io::stdout().lock();
    match writeln!(stdout, "{printed}").and_then(|_| stdout.flush()) {
        Ok(()) => ExitCode::Success,
        // The reader took what it wanted (`| head`), as with `url`.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::Success,
        Err(e) => {
            eprintln!("s3presign: error: cannot write the result: {e}");
            ExitCode::SetupFailed
        }
    }
}

/// The headers to check a URL's signature with: SSE-C's only if the URL signs them.
fn with_sse_headers(
    headers: &[(String, String)],
    parsed: &inspect::ParsedUrl,
    sse_headers: Option<&[(String, String); 3]>,
) -> Vec<(String, String)> {
    let mut all = headers.to_vec();
    let signs_key = parsed
        .inspection
        .signed_headers
        .iter()
        .any(|h| h == crate::sse_customer_key::KEY_HEADER);
    if let Some(sse) = sse_headers.filter(|_| signs_key) {
        all.extend(sse.iter().cloned());
    }
    all
}

fn parse_start_time(text: &str) -> Result<DateTime<Utc>, SetupError> {
    expiry::parse_instant(text)
        .map_err(|m| SetupError::new(SetupErrorKind::Usage, format!("--start-time: {m}")))
}

/// A request that could not be signed: stderr, and with JSON output also an `error` record.
pub(crate) fn report_item_error(error: &errors::ItemError, as_record: bool) -> ExitCode {
    eprintln!("s3presign: error: {error}");
    if as_record {
        let mut stdout = io::stdout().lock();
        let _ = output::write_single_error(&mut stdout, error).and_then(|_| stdout.flush());
    }
    ExitCode::ItemsFailed
}

/// Setup errors go to stderr; in batch mode (and with JSON output) also to stdout as a `fatal` record, so that a
/// program reading the protocol learns why there are no results.
pub(crate) fn report_setup_error(error: &SetupError, as_record: bool) -> ExitCode {
    eprintln!("s3presign: error: {error}");
    if as_record {
        let mut stdout = io::stdout().lock();
        let _ = output::write_fatal(&mut stdout, error).and_then(|_| stdout.flush());
    }
    ExitCode::SetupFailed
}
