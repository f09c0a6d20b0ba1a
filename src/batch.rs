//! `s3presign batch`: one JSON result per input line, in order, streamed. A bad line becomes an
//! error record and the run goes on.

use std::io::{self, BufRead, BufReader, Read, Write};

use crate::batch_line;
use crate::cli::BatchOutput;
use crate::output;
use crate::presign::{Presigner, WarningKind};
use crate::request::RequestFields;

/// Counts what happened, for the exit code.
#[derive(Debug, Default)]
pub struct Tally {
    pub signed: u64,
    pub failed: u64,
}

/// Reads every line of `input`, writes one record per line to `out`: for a signed line, its
/// `url` record or (with [`BatchOutput::UrlOrError`]) its URL alone; an error record for any other.
/// Warnings that repeat on many URLs (expiring credentials, dot segments) reach `warn` once per
/// kind; each JSON result carries its own. Returns early only if `out` fails.
pub fn run(
    input: &mut BufReader<impl Read>,
    out: &mut impl Write,
    format: BatchOutput,
    defaults: &RequestFields,
    presigner: &mut Presigner,
    warn: &mut dyn FnMut(&str),
) -> io::Result<Tally> {
    let mut tally = Tally::default();
    let mut buffer = Vec::with_capacity(512);
    let mut line_number: u64 = 0;
    let mut warned_kinds: Vec<WarningKind> = Vec::new();
    let mut shared_digest = crate::request_options::SharedPartDigest::default();
    loop {
        buffer.clear();
        if input.read_until(b'\n', &mut buffer)? == 0 {
            break;
        }
        line_number += 1;
        let line = trim_line_end(&buffer);
        match batch_line::parse(line) {
            Err(e) => {
                tally.failed += 1;
                output::write_error(out, line_number, &e.error, e.input.as_ref())?;
            }
            Ok(parsed) => {
                if let Some(w) = shared_digest.observe(&parsed.fields.options, &defaults.options) {
                    warn(&w);
                }
                let outcome = parsed
                    .fields
                    .over(defaults)
                    .validate()
                    .and_then(|request| presigner.presign(request));
                match outcome {
                    Ok(presigned) => {
                        tally.signed += 1;
                        for w in &presigned.warnings {
                            if !warned_kinds.contains(&w.kind) {
                                warned_kinds.push(w.kind);
                                warn(&w.message);
                            }
                        }
                        match format {
                            BatchOutput::Json => output::write_url(out, line_number, &presigned)?,
                            BatchOutput::UrlOrError => {
                                out.write_all(presigned.url.as_bytes())?;
                                out.write_all(b"\n")?;
                            }
                        }
                    }
                    Err(error) => {
                        tally.failed += 1;
                        let input = batch_line::input_of(line);
                        output::write_error(out, line_number, &error, input.as_ref())?;
                    }
                }
            }
        }
        // Flush before any read that could wait: when no complete line is buffered, the next
        // read may block on a caller that waits for this answer first (the PowerShell module
        // feeds lines as its pipeline produces them). A file or fast pipe still gets large writes.
        if !input.buffer().contains(&b'\n') {
            out.flush()?;
        }
    }
    out.flush()?;
    Ok(tally)
}

/// Drops the line terminator, `\n` or `\r\n`.
fn trim_line_end(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}
