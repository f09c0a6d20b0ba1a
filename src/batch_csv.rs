//! `batch --input-format csv`: RFC 4180 CSV (the `csv` crate), one request per data row.
//!
//! Columns are found by the header's names, as Import-Csv / Export-Csv users and the module's
//! `-Detailed` results name them, ignoring case and `_`/`-`/spaces: Bucket (or BucketName, as
//! Get-S3Object's objects have it), Key, VersionId, Verb, ExpiresIn, Expires, ContentType, Region.
//! Other columns (Size, LastModified, Url, …) are ignored. Without a header, `--columns` names
//! the columns in order (S3 Inventory reports: `bucket,key,…`, with `--keys-url-encoded`).
//!
//! Item N is data row N. A row that cannot be read (a field count unlike the header's, bytes
//! that are not UTF-8, a bad URL encoding) is an error result naming its row and file line; the
//! rows after it are read as usual. An empty cell is a field not given. Blank lines are not
//! rows (RFC 4180 readers skip them).

use std::io::{self, BufReader, Read};

use serde_json::{Map, Value};

use crate::batch::{Echo, Item, ItemSource};
use crate::csv_lines::LineStarts;
use crate::errors::{ItemError, ItemErrorKind};
use crate::request::{ExpiresIn, RequestFields};
use crate::s3_uri;

/// A request field a column can fill.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Column {
    Bucket,
    Key,
    VersionId,
    Verb,
    ExpiresIn,
    Expires,
    ContentType,
    Region,
    Ignored,
}

/// The names a column may have, normalised (lower case, no `_`, `-` or spaces).
const NAMES: &[(&str, Column)] = &[
    ("bucket", Column::Bucket),
    ("bucketname", Column::Bucket),
    ("key", Column::Key),
    ("versionid", Column::VersionId),
    ("verb", Column::Verb),
    ("expiresin", Column::ExpiresIn),
    ("expires", Column::Expires),
    ("contenttype", Column::ContentType),
    ("region", Column::Region),
];

fn column_named(name: &str) -> Column {
    let normal: String = name
        .trim()
        .chars()
        .filter(|c| !matches!(c, '_' | '-' | ' '))
        .flat_map(char::to_lowercase)
        .collect();
    NAMES
        .iter()
        .find(|(n, _)| *n == normal)
        .map_or(Column::Ignored, |(_, c)| *c)
}

/// The data rows of a CSV input as items. A header that no row could be signed with (no Key
/// column; no Bucket column and no `--bucket`) is an `InvalidInput` error before the first item:
/// `batch` reports it as a usage error (exit 2, a `fatal` record in JSON outputs).
pub struct CsvSource<R: Read> {
    bucket_given: bool,
    key_given: bool,
    reader: csv::Reader<LineStarts<BufReader<R>>>,
    /// From the header or `--columns`; read with the first row when there is a header.
    columns: Option<Vec<Column>>,
    keys_url_encoded: bool,
    record: csv::ByteRecord,
    number: u64,
    /// The file line of the current record's first field (0: unknown).
    line: u64,
}

impl<R: Read> CsvSource<R> {
    /// `columns`: the names of header-less input's columns, in order; `None` when the first
    /// row is a header. A UTF-8 byte order mark before it is dropped.
    /// `bucket_given`: whether `--bucket` names a bucket for rows without one; without it, a
    /// file with no Bucket column stops before the first row, as one without a Key column does.
    /// `key_given`: whether `--key` names a key for rows without one.
    pub fn new(
        input: BufReader<R>,
        columns: Option<&[String]>,
        keys_url_encoded: bool,
        bucket_given: bool,
        key_given: bool,
    ) -> Self {
        let reader = csv::ReaderBuilder::new()
            .has_headers(columns.is_none())
            .flexible(false)
            .from_reader(LineStarts::new(input));
        CsvSource {
            reader,
            columns: columns.map(|names| names.iter().map(|n| column_named(n)).collect()),
            keys_url_encoded,
            bucket_given,
            key_given,
            record: csv::ByteRecord::new(),
            number: 0,
            line: 0,
        }
    }

    /// The header's columns. A header without a Key column is a setup error: no row of the
    /// file could be signed.
    fn header_columns(&mut self) -> io::Result<Vec<Column>> {
        let header = self.reader.byte_headers().map_err(into_io)?.clone();
        // An empty input has no header and no rows: nothing to sign, as an empty key list.
        if header.is_empty() && self.reader.is_done() {
            return Ok(Vec::new());
        }
        let names: Vec<String> = header
            .iter()
            .map(|n| {
                String::from_utf8_lossy(n)
                    .trim_start_matches('\u{feff}')
                    .to_string()
            })
            .collect();
        let columns: Vec<Column> = names.iter().map(|n| column_named(n)).collect();
        if !columns.contains(&Column::Key) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "the CSV header (line 1) has no Key column (it has: {}); name the columns Bucket, Key, VersionId, Verb, ExpiresIn, Expires, ContentType, Region, or give --columns for a file without a header",
                    names.join(", ")
                ),
            ));
        }
        Ok(columns)
    }

    fn fields(&self, columns: &[Column]) -> Result<RequestFields, ItemError> {
        let mut fields = RequestFields::default();
        for (column, cell) in columns.iter().zip(self.record.iter()) {
            if *column == Column::Ignored || cell.is_empty() {
                continue;
            }
            let text = std::str::from_utf8(cell).map_err(|e| {
                ItemError::new(
                    ItemErrorKind::InvalidField,
                    format!(
                        "{}the {column:?} cell is not valid UTF-8 (at byte {})",
                        self.where_prefix(),
                        e.valid_up_to()
                    ),
                )
            })?;
            let text = text.to_string();
            match column {
                Column::Bucket => fields.bucket = Some(text),
                Column::Key if self.keys_url_encoded => {
                    fields.key = Some(s3_uri::decode_key(&text)?)
                }
                Column::Key => fields.key = Some(text),
                Column::VersionId => fields.version_id = Some(text),
                Column::Verb => fields.verb = Some(text),
                Column::ExpiresIn => fields.expires_in = Some(ExpiresIn::Text(text)),
                Column::Expires => fields.expires = Some(text),
                Column::ContentType => fields.content_type = Some(text),
                Column::Region => fields.region = Some(text),
                Column::Ignored => {}
            }
        }
        // In the CSV's terms (a cell, a row), not the JSON request's ("key" on the line).
        if fields.bucket.is_none() && !self.bucket_given {
            return Err(ItemError::new(
                ItemErrorKind::MissingBucket,
                format!(
                    "{}the Bucket cell is empty: fill it, or give --bucket for the rows without one",
                    self.where_prefix()
                ),
            ));
        }
        if fields.key.is_none() && !self.key_given {
            return Err(ItemError::new(
                ItemErrorKind::MissingKey,
                format!(
                    "{}the Key cell is empty: give every row a key",
                    self.where_prefix()
                ),
            ));
        }
        Ok(fields)
    }

    /// "row N is file line L: " when the two differ (a header, quoted line breaks, blank lines).
    fn where_prefix(&self) -> String {
        match self.line {
            0 => String::new(),
            line if line == self.number => String::new(),
            line => format!("(file line {line}) "),
        }
    }

    /// The file line where a record whose parse began at `position` has its first field.
    fn line_of(&mut self, position: Option<&csv::Position>) -> u64 {
        position
            .and_then(|p| self.reader.get_mut().line_at(p.byte()))
            .unwrap_or(0)
    }

    /// The bucket and key cells, for an error result to echo.
    fn echo(&self, columns: &[Column]) -> Echo {
        let mut object = Map::new();
        for (column, cell) in columns.iter().zip(self.record.iter()) {
            let name = match column {
                Column::Bucket => "bucket",
                Column::Key => "key",
                _ => continue,
            };
            if let Ok(text) = std::str::from_utf8(cell) {
                object.insert(name.into(), Value::String(text.into()));
            }
        }
        if object.is_empty() {
            Echo::Nothing
        } else {
            Echo::Object(object)
        }
    }
}

fn into_io(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::new(io::ErrorKind::InvalidData, format!("{other:?}")),
    }
}

impl<R: Read> ItemSource for CsvSource<R> {
    fn next_item(&mut self) -> io::Result<Option<Item>> {
        let columns = match self.columns.take() {
            Some(c) => c,
            None => self.header_columns()?,
        };
        if columns.is_empty() {
            self.columns = Some(columns);
            return Ok(None);
        }
        if !self.bucket_given && !columns.contains(&Column::Bucket) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "the CSV has no Bucket (or BucketName) column and --bucket is not given: add the column, or name the bucket with --bucket",
            ));
        }
        let read = self.reader.read_byte_record(&mut self.record);
        let item = match read {
            Ok(false) => None,
            Ok(true) => {
                self.number += 1;
                let position = self.record.position().cloned();
                self.line = self.line_of(position.as_ref());
                Some(Item {
                    number: self.number,
                    fields: self.fields(&columns),
                    echo: self.echo(&columns),
                })
            }
            Err(e) => match e.kind() {
                csv::ErrorKind::UnequalLengths {
                    pos,
                    expected_len,
                    len,
                } => {
                    self.number += 1;
                    let line = self.line_of(pos.as_ref());
                    Some(Item {
                        number: self.number,
                        fields: Err(ItemError::new(
                            ItemErrorKind::InvalidField,
                            format!(
                                "(file line {line}) the row has {len} fields, the header {expected_len}; quote a field that holds a comma"
                            ),
                        )),
                        echo: Echo::Nothing,
                    })
                }
                _ => return Err(into_io(e)),
            },
        };
        self.columns = Some(columns);
        Ok(item)
    }

    /// A CSV row may span lines, so the reader reads ahead: CSV input is never answered row
    /// by row, only in large writes (the module sends JSON Lines).
    fn may_block(&self) -> bool {
        false
    }

    fn bytes_read(&self) -> u64 {
        self.reader.position().byte()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_names_ignore_case_and_separators() {
        assert_eq!(column_named("BucketName"), Column::Bucket);
        assert_eq!(column_named("bucket"), Column::Bucket);
        assert_eq!(column_named("KEY"), Column::Key);
        assert_eq!(column_named("version_id"), Column::VersionId);
        assert_eq!(column_named("Content-Type"), Column::ContentType);
        assert_eq!(column_named(" ExpiresIn "), Column::ExpiresIn);
        assert_eq!(column_named("Size"), Column::Ignored);
    }
}
