//! Clap's usage errors, with two common slips explained: a missing required flag reads
//! `--key is required`, and a stray word after a flag's value — an unquoted key or value with a
//! space, split by the shell — gets a tip that shows the quoted form.

use std::ffi::OsString;

use clap::error::{ContextKind, ContextValue, ErrorKind};

/// Prints a command-line error (or `--help`, `--version`) as clap would, to stderr or stdout,
/// with the explanations above. `args` are the program's arguments, without its name.
/// Returns the error's one-line message (for a `fatal` record), without clap's `error: `.
pub fn print(mut error: clap::Error, args: &[OsString]) -> String {
    match error.kind() {
        ErrorKind::MissingRequiredArgument => {
            if let Some(text) = missing_flags(&error) {
                eprint!("{text}");
                return first_line(&text);
            }
        }
        ErrorKind::UnknownArgument => {
            if let Some(tip) = quoting_tip(&error, args) {
                error.insert(
                    ContextKind::Suggested,
                    ContextValue::StyledStrs(vec![tip.into()]),
                );
            }
        }
        _ => {}
    }
    let _ = error.print();
    first_line(&error.render().to_string())
}

/// Whether the failed command line asked for JSON output (`--output json`, any case), whose
/// readers expect a `fatal` record for a usage error too (docs/protocol.md).
pub fn wants_json(args: &[OsString]) -> bool {
    args.iter()
        .zip(args.iter().skip(1))
        .any(|(flag, value)| flag == "--output" && value.eq_ignore_ascii_case("json"))
        || args
            .iter()
            .any(|a| a.to_string_lossy().eq_ignore_ascii_case("--output=json"))
}

fn first_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default();
    line.strip_prefix("error: ").unwrap_or(line).to_string()
}

/// `error: --key is required` (or `--bucket and --key are required`), then clap's usage line.
fn missing_flags(error: &clap::Error) -> Option<String> {
    let Some(ContextValue::Strings(missing)) = error.get(ContextKind::InvalidArg) else {
        return None;
    };
    // "--key <KEY>" → "--key"
    let flags: Vec<&str> = missing
        .iter()
        .filter_map(|m| m.split_whitespace().next())
        .collect();
    let message = match flags.as_slice() {
        [] => return None,
        [one] => format!("{one} is required"),
        [rest @ .., last] => format!("{} and {last} are required", rest.join(", ")),
    };
    let usage = match error.get(ContextKind::Usage) {
        Some(ContextValue::StyledStr(usage)) => format!("\n\n{usage}"),
        _ => String::new(),
    };
    Some(format!(
        "error: {message}{usage}\n\nFor more information, try '--help'.\n"
    ))
}

/// For `--key reports/2025 Q1.pdf`: "a value with spaces must be quoted: --key 'reports/2025 Q1.pdf'".
fn quoting_tip(error: &clap::Error, args: &[OsString]) -> Option<String> {
    let Some(ContextValue::String(stray)) = error.get(ContextKind::InvalidArg) else {
        return None;
    };
    if stray.starts_with('-') {
        return None;
    }
    let args: Vec<String> = args
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let at = args.iter().position(|a| a == stray)?;
    // The flag this word most likely belongs to: the nearest `--flag` before it whose value
    // is given as the next argument (not `--flag=value`).
    let flag_at = (0..at).rev().find(|&i| args[i].starts_with("--"))?;
    if args[flag_at].contains('=') || flag_at + 1 == at {
        return None;
    }
    let words: Vec<&str> = args[flag_at + 1..]
        .iter()
        .take_while(|a| !a.starts_with('-'))
        .map(String::as_str)
        .collect();
    Some(format!(
        "a value with spaces must be quoted, or the shell splits it: {} '{}'",
        args[flag_at],
        words.join(" ")
    ))
}
