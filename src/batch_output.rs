//! The output formats of a bulk run (`batch --output`, docs/protocol.md): one writer per format,
//! each writing exactly one result per item, in the order it is given the items.

use std::io::{self, Write};

use serde_json::{Map, Value};

use crate::cli::BatchOutput;
use crate::errors::ItemError;
use crate::expiry::format_utc;
use crate::output;
use crate::presign::Presigned;

/// Writes the results of one run in one format.
pub trait Results: Send {
    /// What comes before the first result (the CSV header); nothing for most formats.
    fn start(&mut self, _out: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }
    /// The result of item `number`, signed.
    fn signed(&mut self, out: &mut dyn Write, number: u64, presigned: &Presigned)
        -> io::Result<()>;
    /// The result of item `number`, failed with `error`. Formats with no room for an error in
    /// their output (`url`) write its message to `messages`.
    fn failed(
        &mut self,
        out: &mut dyn Write,
        messages: &mut dyn Write,
        number: u64,
        error: &ItemError,
        echo: Option<&Map<String, Value>>,
    ) -> io::Result<()>;
}

/// The writer for `format`.
pub fn writer(format: BatchOutput) -> Box<dyn Results> {
    match format {
        BatchOutput::Jsonl => Box::new(JsonLines::new(RecordShape::Protocol)),
        BatchOutput::UrlOrError => Box::new(UrlOrError),
        BatchOutput::Powershell => Box::new(JsonLines::new(RecordShape::PowerShell)),
        BatchOutput::Url => Box::new(UrlLines),
        BatchOutput::Csv => Box::new(Delimited::new(b',')),
        BatchOutput::Tsv => Box::new(Delimited::new(b'\t')),
    }
}

/// Which `url` record a [`JsonLines`] writer writes.
enum RecordShape {
    /// The protocol's (`--output jsonl`).
    Protocol,
    /// The PowerShell module's `S3PreSignedUrl` objects' (`--output powershell`), which
    /// `Get-S3PreSignedURL -Detailed` deserialises into its class with no conversion step.
    PowerShell,
}

/// The `url` and `error` records of docs/protocol.md, one per line.
struct JsonLines {
    shape: RecordShape,
    /// A record is serialised here first, then written whole: serde_json writes a record in
    /// dozens of small pieces, each a call through `dyn Write` if written to `out` directly.
    record: Vec<u8>,
}

impl JsonLines {
    fn new(shape: RecordShape) -> Self {
        JsonLines {
            shape,
            record: Vec::new(),
        }
    }
}

impl Results for JsonLines {
    fn signed(&mut self, out: &mut dyn Write, number: u64, p: &Presigned) -> io::Result<()> {
        self.record.clear();
        match self.shape {
            RecordShape::Protocol => output::write_url(&mut self.record, number, p)?,
            RecordShape::PowerShell => output::write_powershell_url(&mut self.record, p)?,
        }
        out.write_all(&self.record)
    }
    fn failed(
        &mut self,
        out: &mut dyn Write,
        _: &mut dyn Write,
        number: u64,
        error: &ItemError,
        echo: Option<&Map<String, Value>>,
    ) -> io::Result<()> {
        output::write_error(&mut &mut *out, number, error, echo)
    }
}

/// The URL alone, or the JSON error record: what the PowerShell module's default output reads
/// (a URL never starts with `{`).
struct UrlOrError;

impl Results for UrlOrError {
    fn signed(&mut self, out: &mut dyn Write, _: u64, p: &Presigned) -> io::Result<()> {
        out.write_all(p.url.as_bytes())?;
        out.write_all(b"\n")
    }
    fn failed(
        &mut self,
        out: &mut dyn Write,
        _: &mut dyn Write,
        number: u64,
        error: &ItemError,
        echo: Option<&Map<String, Value>>,
    ) -> io::Result<()> {
        output::write_error(&mut &mut *out, number, error, echo)
    }
}

/// One line per item, so that the output can be `paste`d beside the input: the URL, or an
/// empty line with the error on stderr, naming the input line.
struct UrlLines;

impl Results for UrlLines {
    fn signed(&mut self, out: &mut dyn Write, _: u64, p: &Presigned) -> io::Result<()> {
        out.write_all(p.url.as_bytes())?;
        out.write_all(b"\n")
    }
    fn failed(
        &mut self,
        out: &mut dyn Write,
        messages: &mut dyn Write,
        number: u64,
        error: &ItemError,
        _: Option<&Map<String, Value>>,
    ) -> io::Result<()> {
        writeln!(
            messages,
            "s3presign: error: line {number}: {} [{}]",
            error.message,
            error.kind.code()
        )?;
        out.write_all(b"\n")
    }
}

/// The columns of `--output csv` / `tsv`. The names are those of the module's `-Detailed`
/// results, so that Import-Csv reads the file into the same properties; instants are ISO 8601
/// UTC with `Z`. A failed item has its `Line`, `Error` and `ErrorCode`, and the bucket and key
/// it asked for when known.
pub const DELIMITED_COLUMNS: [&str; 12] = [
    "Line",
    "Bucket",
    "Key",
    "Verb",
    "Url",
    "SignedAt",
    "ExpiresAt",
    "EffectiveExpiresAt",
    "VersionId",
    "ContentType",
    "ErrorCode",
    "Error",
];

/// RFC 4180 CSV (or the same with tabs): a header, then one row per item.
struct Delimited {
    /// Writes each row into `row`, from where it is copied to the run's output: the `csv`
    /// writer owns its destination, and the destination changes with each call.
    writer: csv::Writer<SharedRow>,
    row: SharedRow,
}

/// The bytes of the row being written, shared by the `csv` writer and [`Delimited`].
#[derive(Clone, Default)]
struct SharedRow(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl Write for SharedRow {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0
            .lock()
            .expect("never poisoned")
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Delimited {
    fn new(delimiter: u8) -> Self {
        let row = SharedRow::default();
        let writer = csv::WriterBuilder::new()
            .delimiter(delimiter)
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(row.clone());
        Delimited { writer, row }
    }

    fn write_row(&mut self, out: &mut dyn Write, fields: &[&str]) -> io::Result<()> {
        self.writer.write_record(fields).map_err(io::Error::other)?;
        self.writer.flush()?;
        let mut row = self.row.0.lock().expect("never poisoned");
        out.write_all(&row)?;
        row.clear();
        Ok(())
    }
}

impl Results for Delimited {
    fn start(&mut self, out: &mut dyn Write) -> io::Result<()> {
        self.write_row(out, &DELIMITED_COLUMNS)
    }
    fn signed(&mut self, out: &mut dyn Write, number: u64, p: &Presigned) -> io::Result<()> {
        let number = number.to_string();
        let signed_at = format_utc(p.signed_at);
        let expires_at = format_utc(p.expires_at);
        let effective = format_utc(p.effective_expires_at);
        self.write_row(
            out,
            &[
                &number,
                &p.bucket,
                &p.key,
                p.verb.as_str(),
                &p.url,
                &signed_at,
                &expires_at,
                &effective,
                p.version_id.as_deref().unwrap_or(""),
                p.content_type.as_deref().unwrap_or(""),
                "",
                "",
            ],
        )
    }
    fn failed(
        &mut self,
        out: &mut dyn Write,
        _: &mut dyn Write,
        number: u64,
        error: &ItemError,
        echo: Option<&Map<String, Value>>,
    ) -> io::Result<()> {
        let number = number.to_string();
        let text = |name: &str| {
            echo.and_then(|e| e.get(name))
                .and_then(Value::as_str)
                .unwrap_or("")
        };
        let message = format!("line {number}: {}", error.message);
        self.write_row(
            out,
            &[
                &number,
                text("bucket"),
                text("key"),
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                error.kind.code(),
                &message,
            ],
        )
    }
}
