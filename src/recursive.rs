//! `url --recursive`: list a prefix and sign every object under it, written as `batch` writes
//! its results (`--output` url, jsonl, csv, tsv, url-or-error), each numbered by its place in
//! the output.
//!
//! What is signed, as `aws s3 cp --recursive` and `mc share download --recursive` choose:
//! every listed object that `--include`/`--exclude` keep (`key_filter`), except "folder"
//! markers (empty objects whose key ends in `/`: nothing to download), which only DELETE
//! URLs include (as `aws s3 rm --recursive` deletes them). Only GET, HEAD and DELETE are
//! signed: a listing names objects that exist. An empty listing signs nothing and exits 0 with
//! a note on stderr (an empty folder is a normal state for a scheduled job); a listing error is
//! a setup error (exit 2), also after some pages were signed.

use std::io::{self, Write};

use serde_json::{Map, Value};

use crate::batch::{self, Item, ItemSource, Sinks};
use crate::cli::{BatchOutput, UrlArgs, UrlOutput};
use crate::commands;
use crate::errors::{SetupError, SetupErrorKind};
use crate::exit_codes::ExitCode;
use crate::key_filter::KeyFilter;
use crate::listing::Listing;
use crate::listing_progress::ListingProgress;
use crate::presign::Presigner;
use crate::request::{RequestFields, Verb};

/// What `url --recursive` lists and how it reports.
pub struct RecursiveRun<'a> {
    pub bucket: &'a str,
    pub prefix: &'a str,
    pub filter: KeyFilter,
    /// The verb every URL is for (already checked to be GET, HEAD or DELETE).
    pub verb: Verb,
    pub format: BatchOutput,
    pub no_progress: bool,
}

/// How the run ended: the batch tally, or the listing's failure.
pub enum Outcome {
    Done(batch::Tally),
    /// Nothing was listed, or everything listed was left out.
    NothingToSign {
        listed: u64,
    },
    ListingFailed(SetupError),
    WriteFailed(io::Error),
}

/// The listed objects as batch items.
struct ListingSource<'a> {
    listing: Listing,
    filter: &'a KeyFilter,
    prefix: &'a str,
    bucket: &'a str,
    keep_folder_markers: bool,
    handed_out: u64,
    progress: &'a ListingProgress,
    failure: Option<SetupError>,
}

impl ItemSource for ListingSource<'_> {
    fn next_item(&mut self) -> io::Result<Option<Item>> {
        // The item handed out before this call has been signed and written.
        self.progress.signed(self.handed_out);
        loop {
            let object = match self.listing.next_object() {
                Ok(Some(object)) => object,
                Ok(None) => return Ok(None),
                Err(e) => {
                    let message = e.message.clone();
                    self.failure = Some(e);
                    return Err(io::Error::other(message));
                }
            };
            self.progress.listed(self.listing.listed);
            if (object.is_folder_marker() && !self.keep_folder_markers)
                || !self.filter.includes(self.prefix, &object.key)
            {
                continue;
            }
            self.handed_out += 1;
            let mut echo = Map::new();
            echo.insert("bucket".into(), Value::from(self.bucket));
            echo.insert("key".into(), Value::from(object.key.as_str()));
            return Ok(Some(Item {
                number: self.handed_out,
                fields: Ok(RequestFields {
                    bucket: Some(self.bucket.to_string()),
                    key: Some(object.key),
                    ..RequestFields::default()
                }),
                echo: batch::Echo::Object(echo),
            }));
        }
    }

    fn may_block(&self) -> bool {
        false
    }
}

/// Lists and signs; `defaults` are the flags (expiry, response overrides, ...). Results go to
/// `out`, per-item messages and warnings to stderr.
pub fn run(
    what: RecursiveRun<'_>,
    listing: Listing,
    defaults: &RequestFields,
    presigner: &mut Presigner,
    out: &mut impl Write,
) -> Outcome {
    let progress = ListingProgress::for_stderr(what.no_progress, &listing.location());
    let mut source = ListingSource {
        listing,
        filter: &what.filter,
        prefix: what.prefix,
        bucket: what.bucket,
        keep_folder_markers: what.verb == Verb::Delete,
        handed_out: 0,
        progress: &progress,
        failure: None,
    };
    let mut stderr = io::stderr();
    let mut warn = |w: &str| progress.suspend(|| eprintln!("s3presign: warning: {w}"));
    let result = batch::run(
        &mut source,
        what.format,
        defaults,
        presigner,
        Sinks {
            out,
            messages: &mut stderr,
            warn: &mut warn,
        },
    );
    progress.finish();
    match (result, source.failure) {
        (_, Some(failure)) => Outcome::ListingFailed(failure),
        (Err(e), None) => Outcome::WriteFailed(e),
        (Ok(tally), None) if tally.signed + tally.failed == 0 => Outcome::NothingToSign {
            listed: source.listing.listed,
        },
        (Ok(tally), None) => Outcome::Done(tally),
    }
}

/// `s3presign url --recursive`, from parsed flags to an exit code: 0 when every listed object
/// was signed (or there was none), 1 when some could not be, 2 for bad flags, setup failures
/// and listing errors.
pub fn command(args: UrlArgs) -> ExitCode {
    // Outputs that carry JSON records report a setup or listing failure as a `fatal` record too.
    let json = matches!(
        args.output,
        UrlOutput::Json | UrlOutput::UrlOrError | UrlOutput::Powershell
    );
    let usage = |message: &str| {
        commands::report_setup_error(&SetupError::new(SetupErrorKind::Usage, message), json)
    };
    let format = match args.output {
        UrlOutput::Url => BatchOutput::Url,
        UrlOutput::Json => BatchOutput::Jsonl,
        UrlOutput::Csv => BatchOutput::Csv,
        UrlOutput::Tsv => BatchOutput::Tsv,
        UrlOutput::UrlOrError => BatchOutput::UrlOrError,
        UrlOutput::Powershell => BatchOutput::Powershell,
        UrlOutput::Table => {
            return usage("--output table shows one URL: with --recursive use url, json, csv, tsv, url-or-error or powershell")
        }
    };
    let verb = match args.request.verb.as_deref().map(Verb::parse).transpose() {
        Ok(verb) => verb.unwrap_or(Verb::Get),
        Err(e) => return commands::report_item_error(&e, json),
    };
    if !matches!(verb, Verb::Get | Verb::Head | Verb::Delete) {
        return usage(&format!(
            "--verb {}: --recursive signs the objects a listing finds, for GET, HEAD or DELETE",
            verb.as_str()
        ));
    }
    if args.request.version_id.is_some() {
        return usage("--version-id names one version of one object: --recursive signs each listed object's current version");
    }
    let (bucket, prefix) = match &args.request.bucket {
        Some(bucket) => (
            bucket.clone(),
            args.listing.key_prefix.clone().unwrap_or_default(),
        ),
        None => return usage("--bucket is required"),
    };
    let (mut presigner, session, endpoint) =
        match commands::setup_with_session(&args.session, &args.sse_customer_key) {
            Ok(parts) => parts,
            Err(e) => return commands::report_setup_error(&e, json),
        };
    // The run's options are checked once, before the listing, by signing a stand-in request: a
    // bad bucket name, an expiry over 7 days or an option the verb does not take would otherwise
    // fail every listed object, after a listing that may take minutes.
    let mut probe = args.request.to_fields();
    probe.bucket = Some(bucket.clone());
    probe.key = Some(format!("{prefix}s3presign-option-check"));
    if let Err(e) = probe
        .validate()
        .and_then(|request| presigner.presign(request))
    {
        return usage(&format!(
            "{} [{}]; nothing was listed, since every listed object would fail the same way",
            e.message,
            e.kind.code()
        ));
    }
    let listing = match Listing::new(&session, &endpoint, &bucket, &prefix) {
        Ok(listing) => listing,
        Err(e) => return commands::report_setup_error(&e, json),
    };
    let location = listing.location();
    let mut out = io::BufWriter::with_capacity(64 * 1024, io::stdout().lock());
    let outcome = run(
        RecursiveRun {
            bucket: &bucket,
            prefix: &prefix,
            filter: KeyFilter::new(&args.listing.filters.filters),
            verb,
            format,
            no_progress: args.listing.no_progress,
        },
        listing,
        &args.request.to_fields(),
        &mut presigner,
        &mut out,
    );
    let flushed = out.flush();
    match outcome {
        Outcome::ListingFailed(e) => commands::report_setup_error(&e, json),
        Outcome::WriteFailed(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::ItemsFailed,
        Outcome::WriteFailed(e) => {
            eprintln!("s3presign: error: cannot write the results: {e}");
            ExitCode::SetupFailed
        }
        _ if flushed.is_err() => ExitCode::SetupFailed,
        Outcome::NothingToSign { listed: 0 } => {
            eprintln!("s3presign: note: no objects under {location}: nothing was signed");
            ExitCode::Success
        }
        Outcome::NothingToSign { listed } => {
            eprintln!(
                "s3presign: note: no objects to sign under {location}: {listed} listed, none kept by --include/--exclude (or only folder markers)"
            );
            ExitCode::Success
        }
        Outcome::Done(tally) if tally.failed == 0 => ExitCode::Success,
        Outcome::Done(_) => ExitCode::ItemsFailed,
    }
}
