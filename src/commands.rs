//! The two commands, from parsed flags to an exit code.

use std::io::{self, Write};

use chrono::{DateTime, Utc};
use clap::Parser;

use crate::cli::{self, Cli, Command, OutputFormat, SessionFlags};
use crate::endpoint::{EndpointOptions, EndpointResolver};
use crate::errors::{ItemErrorKind, SetupError, SetupErrorKind};
use crate::exit_codes::ExitCode;
use crate::presign::Presigner;
use crate::session::Session;
use crate::signer::Signer;
use crate::{batch, errors, expiry, inspect, multipart, output, session};

/// Parses the command line and runs the command.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version are not errors.
            let code = if e.use_stderr() {
                ExitCode::SetupFailed
            } else {
                ExitCode::Success
            };
            let _ = e.print();
            return code;
        }
    };

    match cli.command {
        Command::Url(args) => run_url(args),
        Command::Batch(args) => run_batch(args),
        Command::Multipart(cli::MultipartCommand::Create(args)) => run_multipart_create(args),
        Command::Inspect(args) => run_inspect(args),
    }
}

fn run_url(args: cli::UrlArgs) -> ExitCode {
    let mut presigner = match setup(&args.session) {
        Ok(p) => p,
        Err(e) => return report_setup_error(&e, false),
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
            return report_setup_error(&usage, false);
        }
        Err(e) => {
            eprintln!("s3presign: error: {e}");
            return ExitCode::ItemsFailed;
        }
    };
    let presigned = match presigner.presign(request) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("s3presign: error: {e}");
            return ExitCode::ItemsFailed;
        }
    };
    for warning in &presigned.warnings {
        eprintln!("s3presign: warning: {warning}");
    }
    let mut stdout = io::stdout().lock();
    let written = match args.output {
        OutputFormat::Url => writeln!(stdout, "{}", presigned.url),
        OutputFormat::Json => output::write_url(&mut stdout, 1, &presigned),
        OutputFormat::Table => writeln!(stdout, "{}", output::table(&presigned)),
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
    let mut presigner = match setup(&args.session) {
        Ok(p) => p,
        Err(e) => return report_setup_error(&e, true),
    };
    let defaults = args.request.to_fields();
    let stdin = io::stdin();
    let mut input = io::BufReader::with_capacity(64 * 1024, stdin.lock());
    let mut out = io::BufWriter::with_capacity(64 * 1024, io::stdout().lock());
    let mut warn = |w: &str| eprintln!("s3presign: warning: {w}");
    match batch::run(&mut input, &mut out, &defaults, &mut presigner, &mut warn) {
        Ok(tally) if tally.failed == 0 => ExitCode::Success,
        Ok(_) => ExitCode::ItemsFailed,
        // The reader went away: nobody is left to tell.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::ItemsFailed,
        Err(e) => {
            eprintln!("s3presign: error: {e}");
            ExitCode::SetupFailed
        }
    }
}

/// Everything that happens once per process, before the first request.
fn setup(flags: &SessionFlags) -> Result<Presigner, SetupError> {
    let start_time = match &flags.start_time {
        Some(text) => Some(parse_start_time(text)?),
        None => None,
    };
    let (_, session) = load_session(flags)?;
    let endpoints = EndpointResolver::new(EndpointOptions {
        region: session.region.clone(),
        endpoint_url: flags.endpoint_url.clone(),
        path_style: flags.path_style,
        accelerate: flags.accelerate,
        dualstack: flags.dualstack,
        http: flags.http,
    });
    Ok(Presigner::new(
        &session,
        endpoints,
        start_time,
        flags.strict_expiry,
    ))
}

fn load_session(flags: &SessionFlags) -> Result<(tokio::runtime::Runtime, Session), SetupError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            SetupError::new(SetupErrorKind::NoCredentials, format!("cannot start: {e}"))
        })?;
    let session = runtime.block_on(session::load(flags))?;
    Ok((runtime, session))
}

fn run_multipart_create(args: cli::MultipartCreateArgs) -> ExitCode {
    let (runtime, session) = match load_session(&args.session) {
        Ok(s) => s,
        Err(e) => return report_setup_error(&e, false),
    };
    let created = runtime.block_on(multipart::create(
        &session,
        &args.session,
        &args.bucket,
        &args.key,
        args.content_type.as_deref(),
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

fn run_inspect(mut args: cli::InspectArgs) -> ExitCode {
    let mut headers = Vec::new();
    for header in &args.headers {
        match header.split_once(':') {
            Some((name, value)) => {
                headers.push((name.trim().to_string(), value.trim().to_string()))
            }
            None => {
                let usage = SetupError::new(
                    SetupErrorKind::Usage,
                    format!("--header '{header}' is not 'Name: value'"),
                );
                return report_setup_error(&usage, false);
            }
        }
    }
    let mut verifier = None;
    if args.verify {
        // The region to check with is the URL's own; any region lets the credentials load.
        if args.session.region.is_none() {
            args.session.region = Some("us-east-1".into());
        }
        match load_session(&args.session) {
            Ok((_, session)) => {
                let key_id = session.credentials.access_key_id().to_string();
                verifier = Some((Signer::new(session.credentials), key_id));
            }
            Err(e) => return report_setup_error(&e, false),
        }
    }
    let urls: Box<dyn Iterator<Item = String>> = if args.urls.is_empty() {
        Box::new(io::stdin().lines().map_while(Result::ok))
    } else {
        Box::new(args.urls.clone().into_iter())
    };
    let now = Utc::now();
    let mut all_good = true;
    let mut stdout = io::stdout().lock();
    for (index, url) in urls.enumerate() {
        let line = index as u64 + 1;
        let parsed = match inspect::parse(&url, now) {
            Ok(p) => p,
            Err(why) => {
                all_good = false;
                let error = errors::ItemError::new(
                    ItemErrorKind::InvalidUrl,
                    format!("not a pre-signed URL: {why}"),
                );
                eprintln!("s3presign: error: URL {line}: {}", error.message);
                if args.output == OutputFormat::Json {
                    let _ = output::write_error(&mut stdout, line, &error, None);
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
                &headers,
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

fn parse_start_time(text: &str) -> Result<DateTime<Utc>, SetupError> {
    expiry::parse_instant(text)
        .map_err(|m| SetupError::new(SetupErrorKind::Usage, format!("--start-time: {m}")))
}

/// Setup errors go to stderr; in batch mode also to stdout as a `fatal` record, so that a
/// program reading the protocol learns why there are no results.
fn report_setup_error(error: &SetupError, as_record: bool) -> ExitCode {
    eprintln!("s3presign: error: {error}");
    if as_record {
        let mut stdout = io::stdout().lock();
        let _ = output::write_fatal(&mut stdout, error).and_then(|_| stdout.flush());
    }
    ExitCode::SetupFailed
}
