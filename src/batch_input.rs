//! The line-based input formats of `batch --input-format` (docs/protocol.md): each line of the
//! input is one item, numbered from 1. `jsonl` (the protocol's request objects), `keys` (one
//! object key per line, for `--bucket`) and `uri` (one `s3://bucket/key` per line). CSV, whose
//! records may span lines, is `batch_csv`.

use std::io::{self, BufRead, BufReader, Read};

use crate::batch::{Echo, Item, ItemSource};
use crate::batch_csv::CsvSource;
use crate::batch_line;
use crate::cli::{BatchArgs, BatchInput};
use crate::errors::{ItemError, ItemErrorKind};
use crate::progress;
use crate::request::RequestFields;
use crate::s3_uri;

/// The source `batch` reads `input` (stdin) with, by `--input-format`, with a progress line
/// when `progress` shows one.
pub fn source<'a, R: Read + Send + 'a>(
    input: BufReader<R>,
    args: &BatchArgs,
) -> Box<dyn ItemSource + Send + 'a> {
    let encoded = args.keys_url_encoded;
    let format = match args.input_format {
        BatchInput::Jsonl => LineFormat::Jsonl,
        BatchInput::Keys => LineFormat::Keys,
        BatchInput::Uri => LineFormat::Uri,
        BatchInput::Csv => {
            let (bucket_given, key_given) =
                (args.request.bucket.is_some(), args.request.key.is_some());
            let csv = CsvSource::new(
                input,
                args.columns.as_deref(),
                encoded,
                bucket_given,
                key_given,
            );
            return progress::wrap(csv, args.no_progress);
        }
    };
    progress::wrap(LineSource::new(input, format, encoded), args.no_progress)
}

/// How one line becomes an item.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineFormat {
    /// A JSON object of request fields (batch_line).
    Jsonl,
    /// An object key, exactly as stored (not URL-encoded unless `keys_url_encoded`).
    Keys,
    /// `s3://bucket/key`, as `aws s3 presign` takes it.
    Uri,
}

/// Reads items from lines: `\n` or `\r\n` ends a line, a UTF-8 byte order mark before the first
/// line is dropped, and a blank line is an item error (so that result N is always line N).
pub struct LineSource<R> {
    input: BufReader<R>,
    parser: LineParser,
    buffer: Vec<u8>,
    number: u64,
    bytes_read: u64,
}

impl<R: Read> LineSource<R> {
    /// A UTF-8 byte order mark at the start of `input` is dropped (reading it waits for the
    /// first bytes of input).
    pub fn new(mut input: BufReader<R>, format: LineFormat, keys_url_encoded: bool) -> Self {
        let bom = skip_byte_order_mark(&mut input);
        LineSource {
            input,
            parser: LineParser {
                format,
                keys_url_encoded,
            },
            buffer: Vec::with_capacity(512),
            number: 0,
            bytes_read: bom,
        }
    }
}

/// How one line of a line-based format becomes an item. Lines are independent, so any thread
/// may do this (`batch_workers` lets each signing thread parse its own lines).
#[derive(Clone, Copy, Debug)]
pub struct LineParser {
    format: LineFormat,
    keys_url_encoded: bool,
}

impl LineParser {
    /// Line `number` (from 1), without its line end, as an item.
    pub fn item(&self, number: u64, line: &[u8]) -> Item {
        match self.format {
            LineFormat::Jsonl => match batch_line::parse(line) {
                Ok(parsed) => Item {
                    number,
                    fields: Ok(parsed.fields),
                    echo: Echo::JsonLine(line.into()),
                },
                Err(e) => Item {
                    number,
                    fields: Err(e.error),
                    echo: e.input.map_or(Echo::Nothing, Echo::Object),
                },
            },
            LineFormat::Keys => {
                let fields = text_of(line).and_then(|key| {
                    let key = if self.keys_url_encoded {
                        s3_uri::decode_key(key)?
                    } else {
                        key.to_string()
                    };
                    Ok(RequestFields {
                        key: Some(key),
                        ..RequestFields::default()
                    })
                });
                Item {
                    number,
                    fields,
                    echo: Echo::Nothing,
                }
            }
            LineFormat::Uri => {
                let fields = text_of(line).and_then(|text| {
                    let (bucket, key) = s3_uri::parse(text.trim())?;
                    if key.is_empty() {
                        return Err(ItemError::new(
                            ItemErrorKind::MissingKey,
                            format!("'{}' names no object: write s3://BUCKET/KEY", text.trim()),
                        ));
                    }
                    Ok(RequestFields {
                        bucket: Some(bucket.to_string()),
                        key: Some(key.to_string()),
                        ..RequestFields::default()
                    })
                });
                Item {
                    number,
                    fields,
                    echo: Echo::Nothing,
                }
            }
        }
    }
}

/// A line of the `keys` and `uri` formats as text; blank lines are errors.
fn text_of(line: &[u8]) -> Result<&str, ItemError> {
    let text = std::str::from_utf8(line).map_err(|e| {
        ItemError::new(
            ItemErrorKind::InvalidKey,
            format!("line is not valid UTF-8 (at byte {})", e.valid_up_to()),
        )
    })?;
    if text.trim().is_empty() {
        return Err(ItemError::new(
            ItemErrorKind::EmptyLine,
            "line is empty; each line must name one object",
        ));
    }
    Ok(text)
}

impl<R: Read> ItemSource for LineSource<R> {
    fn next_item(&mut self) -> io::Result<Option<Item>> {
        let mut buffer = std::mem::take(&mut self.buffer);
        buffer.clear();
        let read = self.next_line(&mut buffer);
        let item = match read {
            Ok(true) => Ok(Some(self.parser.item(self.number, &buffer))),
            Ok(false) => Ok(None),
            Err(e) => Err(e),
        };
        self.buffer = buffer;
        item
    }

    fn line_parser(&self) -> Option<LineParser> {
        Some(self.parser)
    }

    fn next_line(&mut self, into: &mut Vec<u8>) -> io::Result<bool> {
        let start = into.len();
        let read = self.input.read_until(b'\n', into)?;
        if read == 0 {
            return Ok(false);
        }
        self.bytes_read += read as u64;
        self.number += 1;
        let kept = trim_line_end(&into[start..]).len();
        into.truncate(start + kept);
        Ok(true)
    }

    /// When no complete line is buffered, the next read may wait on the writer of the input.
    fn may_block(&self) -> bool {
        !self.input.buffer().contains(&b'\n')
    }

    fn bytes_read(&self) -> u64 {
        self.bytes_read
    }
}

/// Drops a UTF-8 byte order mark (what Windows tools such as Notepad and Export-Csv in
/// Windows PowerShell write first) from the start of `input`; returns the bytes dropped. A
/// read error is left for the first real read to report.
pub fn skip_byte_order_mark<R: Read>(input: &mut BufReader<R>) -> u64 {
    const BOM: &[u8] = b"\xEF\xBB\xBF";
    match input.fill_buf() {
        Ok(buffer) if buffer.starts_with(BOM) => {
            input.consume(BOM.len());
            BOM.len() as u64
        }
        _ => 0,
    }
}

/// Drops the line terminator, `\n` or `\r\n`.
fn trim_line_end(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}
