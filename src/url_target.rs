//! `url s3://BUCKET/KEY`: the `aws s3 presign` form of `url`, and `url s3://BUCKET/PREFIX
//! --recursive` for a listing. The URI is split by `s3_uri::parse` (the AWS CLI's rule: the key
//! is everything after the bucket, literally) and then stands for `--bucket` and `--key` (or
//! `--key-prefix`), so that both forms sign byte-for-byte the same request.
//!
//! The positional must not swallow a shell-split value: `--key reports/2025 Q1.pdf` leaves
//! `Q1.pdf` as a positional, which is reported as the stray argument it is (with the quoting
//! tip of `usage_hints`), not as an S3 URI.

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::CommandFactory;

use crate::cli::{Cli, UrlArgs};
use crate::s3_uri;

/// Moves the positional S3 URI of `url` into `--bucket` and `--key` (or `--key-prefix` with
/// `--recursive`). Without a positional, nothing changes.
///
/// Errors (clap usage errors, exit code 2): a positional that does not start with `s3://` (an
/// unexpected argument, as clap reports one), a URI given with `--bucket`, `--key` or
/// `--key-prefix` (naming both), a URI that names no bucket or has `S3://` in upper case, and a
/// URI without a key outside `--recursive`.
pub fn resolve(args: &mut UrlArgs) -> Result<(), clap::Error> {
    let Some(uri) = args.s3_uri.take() else {
        return Ok(());
    };
    // Any case: `S3://` is a URI with a slip in it (the parser explains), not a stray word.
    let looks_like_uri = uri
        .get(..5)
        .is_some_and(|scheme| scheme.eq_ignore_ascii_case("s3://"));
    if !looks_like_uri {
        return Err(stray_argument(&uri));
    }
    let given = [
        ("--bucket", args.request.bucket.is_some()),
        ("--key", args.request.key.is_some()),
        ("--key-prefix", args.listing.key_prefix.is_some()),
    ];
    if let Some((flag, _)) = given.iter().find(|(_, given)| *given) {
        return Err(usage_error(
            ErrorKind::ArgumentConflict,
            format!(
                "'{uri}' and {flag} both name what to sign: give the S3 URI alone, or --bucket with --key{}",
                if args.listing.recursive { "-prefix" } else { "" }
            ),
        ));
    }
    let (bucket, key) =
        s3_uri::parse(&uri).map_err(|e| usage_error(ErrorKind::ValueValidation, e.message))?;
    if args.listing.recursive {
        args.listing.key_prefix = Some(key.to_string());
    } else if key.is_empty() {
        return Err(usage_error(
            ErrorKind::ValueValidation,
            format!(
                "'{uri}' names no key: write s3://{bucket}/KEY, or add --recursive to sign every object in the bucket"
            ),
        ));
    } else {
        if key.ends_with('/') {
            eprintln!(
                "s3presign: note: '{key}' ends in '/', so this URL is for that folder marker only; add --recursive to sign every object under it"
            );
        }
        args.request.key = Some(key.to_string());
    }
    args.request.bucket = Some(bucket.to_string());
    Ok(())
}

/// The `url` subcommand as clap built it, for its usage line in errors.
fn url_command() -> clap::Command {
    let mut cli = Cli::command();
    cli.build();
    cli.find_subcommand("url")
        .expect("the url subcommand exists")
        .clone()
}

fn usage_error(kind: ErrorKind, message: String) -> clap::Error {
    url_command().error(kind, message)
}

/// Clap's own "unexpected argument" error, with the context `usage_hints` reads for its tip.
fn stray_argument(word: &str) -> clap::Error {
    let mut command = url_command();
    let mut error = clap::Error::new(ErrorKind::UnknownArgument).with_cmd(&command);
    error.insert(
        ContextKind::InvalidArg,
        ContextValue::String(word.to_string()),
    );
    error.insert(
        ContextKind::Usage,
        ContextValue::StyledStr(command.render_usage()),
    );
    error
}
