//! File line numbers for CSV records, counted from the bytes themselves: the csv crate's
//! `Position::line` lags by one after a CRLF line end and after blank lines
//! (BurntSushi/rust-csv#395 and #208), and Windows' Export-Csv writes CRLF.

use std::collections::VecDeque;
use std::io::{self, Read};

/// A reader that remembers where lines start, for [`LineStarts::line_at`].
///
/// Memory stays bounded: it keeps the line starts of what the CSV reader has read ahead but not
/// yet parsed (one buffer's worth), and drops each once a later record is asked about.
pub struct LineStarts<R> {
    inner: R,
    /// Bytes read so far.
    offset: u64,
    /// The 1-based line of the next byte: one more than the `\n`s read so far.
    line: u64,
    /// Whether the bytes since the last line start were only `\r` and `\n` (a line end, blank
    /// lines), so that the next other byte starts a record's line.
    after_line_end: bool,
    /// (byte offset, line) of the first byte after each run of line ends, oldest first.
    starts: VecDeque<(u64, u64)>,
}

impl<R> LineStarts<R> {
    pub fn new(inner: R) -> Self {
        LineStarts {
            inner,
            offset: 0,
            line: 1,
            after_line_end: true,
            starts: VecDeque::new(),
        }
    }

    /// The line of the first byte at or after `offset` that is not a line end: where a record
    /// whose parse began at `offset` (csv's `Position::byte`) has its first field. `None` when
    /// that byte has not been read. Offsets must be asked for in increasing order: the line
    /// starts before `offset` are dropped.
    pub fn line_at(&mut self, offset: u64) -> Option<u64> {
        while self
            .starts
            .front()
            .is_some_and(|(start, _)| *start < offset)
        {
            self.starts.pop_front();
        }
        self.starts.front().map(|(_, line)| *line)
    }
}

impl<R: Read> Read for LineStarts<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        for (i, byte) in buf[..n].iter().enumerate() {
            match byte {
                b'\n' => {
                    self.line += 1;
                    self.after_line_end = true;
                }
                b'\r' => self.after_line_end = true,
                _ if self.after_line_end => {
                    self.starts.push_back((self.offset + i as u64, self.line));
                    self.after_line_end = false;
                }
                _ => {}
            }
        }
        self.offset += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The file line of each record's first field, by csv's own record positions.
    fn record_lines(input: &[u8]) -> Vec<u64> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(LineStarts::new(input));
        let mut record = csv::ByteRecord::new();
        let mut lines = Vec::new();
        while reader.read_byte_record(&mut record).unwrap() {
            let start = record.position().unwrap().byte();
            lines.push(reader.get_mut().line_at(start).unwrap());
        }
        lines
    }

    #[test]
    fn lf_crlf_and_blank_lines_give_each_record_its_own_line() {
        assert_eq!(record_lines(b"h\na\nb\n"), [1, 2, 3]);
        assert_eq!(record_lines(b"h\r\na\r\nb\r\n"), [1, 2, 3]);
        assert_eq!(record_lines(b"h\n\na\r\n\r\n\r\nb"), [1, 3, 6]);
        // A quoted line break is inside its record: the next record starts two lines on.
        assert_eq!(record_lines(b"h\r\n\"a\r\nstill a\",x\r\nb\r\n"), [1, 2, 4]);
    }
}
