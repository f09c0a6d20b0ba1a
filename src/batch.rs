//! `s3presign batch` (and any other bulk run): numbered request items from a source, signed one
//! by one, written in input order by one output writer. A bad item becomes an error result and
//! the run goes on.
//!
//! The seam: anything that can produce [`Item`]s implements [`ItemSource`] — the batch input
//! formats of `batch_input` (JSON Lines, keys, `s3://` URIs, CSV) or a listing of a bucket
//! prefix — and [`run`] signs them and writes them with a `batch_output` writer. A source
//! decides what an item's number means (a line, a CSV row, the n-th listed object) and what
//! an error result echoes; `run` never looks at the input itself.

use std::collections::HashSet;
use std::io::{self, Write};

use serde_json::{Map, Value};

use crate::batch_input::LineParser;
use crate::batch_line;
use crate::batch_output::{self, Results};
use crate::cli::BatchOutput;
use crate::errors::ItemError;
use crate::presign::{Presigner, WarningKey, WarningKind};
use crate::request::RequestFields;

/// One request of a bulk run, as its source read it.
#[derive(Debug)]
pub struct Item {
    /// The item's input number, from 1: the line of a line-based input, the data row of a CSV
    /// file, the position in a listing. Results carry it as `line`; error messages name it.
    pub number: u64,
    /// The fields to lay over the run's flag defaults, or why the input could not be read.
    pub fields: Result<RequestFields, ItemError>,
    /// What an error result about this item echoes as its `input`.
    pub echo: Echo,
}

/// The `input` an error result echoes: never anything outside the protocol's fields, since
/// error results end up in logs (see `batch_line::input_of`).
#[derive(Debug, Default)]
pub enum Echo {
    /// Nothing to echo (`input` is null): the input was not an object at all.
    #[default]
    Nothing,
    /// These protocol fields.
    Object(Map<String, Value>),
    /// The protocol fields of this JSON line, read only if the item fails.
    JsonLine(Box<[u8]>),
}

impl Echo {
    /// The object to echo, if any.
    pub fn object(&self) -> Option<Map<String, Value>> {
        match self {
            Echo::Nothing => None,
            Echo::Object(map) => Some(map.clone()),
            Echo::JsonLine(line) => batch_line::input_of(line),
        }
    }
}

/// Where a bulk run's items come from, in input order.
pub trait ItemSource {
    /// The next item, or `None` at the end of the input. An `Err` is an input failure that
    /// stops the run (a read error); anything wrong with one item is that item's `fields` error.
    fn next_item(&mut self) -> io::Result<Option<Item>>;

    /// Whether the next call to `next_item` may wait for input that a caller only sends once it
    /// has the answers so far (a pipe from the PowerShell module): [`run`] flushes its output
    /// first. A source that never waits on its caller returns false.
    fn may_block(&self) -> bool;

    /// Input bytes consumed so far, for progress; 0 if the source does not count bytes.
    fn bytes_read(&self) -> u64 {
        0
    }

    /// For a source of independent lines: how one line becomes an item, so that signing
    /// threads can parse the lines themselves (`batch_workers`), which [`ItemSource::next_line`]
    /// then hands out raw. `None` (the default): items come from `next_item` only.
    fn line_parser(&self) -> Option<LineParser> {
        None
    }

    /// Appends the next line to `into`, without its line end, as `next_item` would read it
    /// (numbered the same way: the n-th call reads line n); false at the end of the input.
    /// Only for a source whose `line_parser` is `Some`.
    fn next_line(&mut self, into: &mut Vec<u8>) -> io::Result<bool> {
        let _ = into;
        Err(io::Error::other("this input is not read line by line"))
    }
}

/// Counts what happened, for the exit code.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub signed: u64,
    pub failed: u64,
}

/// Where a run writes: results to `out` (stdout), per-item messages of the line-per-input
/// formats to `messages` (stderr), and repeated warnings once per kind through `warn`.
pub struct Sinks<'a, W: Write> {
    pub out: &'a mut W,
    pub messages: &'a mut dyn Write,
    pub warn: &'a mut dyn FnMut(&str),
}

/// Signs every item of `source` over `defaults` and writes one result per item, in order, in
/// `format` (docs/protocol.md): for JSON Lines a `url` or `error` record; for `url-or-error`
/// the URL or the error record; for `url` the URL or an empty line with the error on
/// `messages`; for `csv`/`tsv` a row after a header. Warnings that repeat on many URLs
/// (expiring credentials, dot segments) reach `warn` once per [`WarningKey`], prefixed with
/// the first line they apply to; each JSON result carries its own. Returns early only if
/// reading the source or writing `out` fails.
///
/// This signs on the calling thread, one item at a time; `batch_workers::run` is the same
/// contract with a signing thread per core.
pub fn run<W: Write>(
    source: &mut dyn ItemSource,
    format: BatchOutput,
    defaults: &RequestFields,
    presigner: &mut Presigner,
    sinks: Sinks<'_, W>,
) -> io::Result<Tally> {
    let Sinks {
        out,
        messages,
        warn,
    } = sinks;
    let mut signing = Signing::new(format, defaults);
    // The CSV header goes out with the first item (or at the end of an input with none): an input
    // that stops at its start (a CSV header without a Key column) leaves the output empty.
    let mut started = false;
    while let Some(item) = source.next_item()? {
        if !std::mem::replace(&mut started, true) {
            signing.results.start(out)?;
        }
        signing.sign(presigner, item, out, messages)?;
        for (_, message) in signing.new_warnings.drain(..) {
            warn(&message);
        }
        // Flush before any read that could wait: the next read may block on a caller that
        // waits for this answer first (the PowerShell module feeds lines as its pipeline
        // produces them). A file or fast pipe still gets large writes.
        if source.may_block() {
            out.flush()?;
        }
    }
    if !started {
        signing.results.start(out)?;
    }
    out.flush()?;
    Ok(signing.tally)
}

/// Signs items and writes their results: what every signing thread does.
pub(crate) struct Signing<'d> {
    defaults: &'d RequestFields,
    pub(crate) results: Box<dyn Results>,
    pub(crate) tally: Tally,
    warned: HashSet<WarningKey>,
    /// The first warning of each key, not yet reported, with the line it was first given for.
    pub(crate) new_warnings: Vec<(WarningKey, String)>,
    /// Notices a run-wide digest that several parts would share.
    shared_digest: crate::request_options::SharedPartDigest,
}

impl<'d> Signing<'d> {
    pub(crate) fn new(format: BatchOutput, defaults: &'d RequestFields) -> Self {
        Signing {
            defaults,
            results: batch_output::writer(format),
            tally: Tally::default(),
            warned: HashSet::new(),
            new_warnings: Vec::new(),
            shared_digest: Default::default(),
        }
    }

    pub(crate) fn sign(
        &mut self,
        presigner: &mut Presigner,
        item: Item,
        out: &mut dyn Write,
        messages: &mut dyn Write,
    ) -> io::Result<()> {
        let defaults = self.defaults;
        if let Ok(fields) = &item.fields {
            if let Some(w) = self
                .shared_digest
                .observe(&fields.options, &defaults.options)
            {
                let key = (WarningKind::SharedPartDigest, String::new());
                if self.warned.insert(key.clone()) {
                    self.new_warnings.push((key, w));
                }
            }
        }
        let outcome = item.fields.and_then(|fields| {
            fields
                .over(defaults)
                .validate()
                .and_then(|request| presigner.presign(request))
        });
        match outcome {
            Ok(presigned) => {
                self.tally.signed += 1;
                for w in &presigned.warnings {
                    let key = w.key();
                    if self.warned.insert(key.clone()) {
                        let first = format!("line {}: {}", item.number, w.message);
                        self.new_warnings.push((key, first));
                    }
                }
                self.results.signed(out, item.number, &presigned)
            }
            Err(error) => {
                self.tally.failed += 1;
                let echo = item.echo.object();
                self.results
                    .failed(out, messages, item.number, &error, echo.as_ref())
            }
        }
    }
}
