//! A bulk run on every core: items are independent, so signing threads take chunks of them
//! from a reading thread, and the calling thread writes the chunks' results in input order.
//!
//! Memory stays flat: at most `IN_FLIGHT_PER_WORKER` chunks per worker are between the reader
//! and the output, whatever the input's length. Streaming stays as [`batch::run`] has it: a
//! read that may wait on the caller ([`ItemSource::may_block`]) first sends the items read so
//! far as a chunk marked for flushing, so a caller that sends one line per answer (the
//! PowerShell module) gets each answer before it sends the next line; the reader never waits
//! for the output.

use std::collections::{BTreeMap, HashSet};
use std::io::{self, Write};
use std::sync::{mpsc, Mutex};
use std::thread;

use crate::batch::{self, Item, ItemSource, Signing, Sinks, Tally};
use crate::batch_input::LineParser;
use crate::cli::BatchOutput;
use crate::presign::{Presigner, WarningKey};
use crate::request::RequestFields;

/// Items per chunk: large enough that handing a chunk between threads costs little per item,
/// small enough that a chunk's output (about 1 KB an item as JSON) stays well under 1 MB.
const CHUNK: usize = 256;
/// Chunks between the reader and the output, per worker; bounds memory.
const IN_FLIGHT_PER_WORKER: usize = 4;

/// A chunk of items, numbered by its place in the run.
struct Chunk {
    sequence: u64,
    work: Work,
    /// The reader may wait for the caller next: flush the output after this chunk.
    flush: bool,
}

/// What a chunk holds: items, or lines that the signing thread parses itself, so that every
/// allocation an item makes is freed on the thread that made it, and the reading thread does
/// little more than copy bytes.
enum Work {
    Items(Vec<Item>),
    Lines(Lines),
}

impl Work {
    fn is_empty(&self) -> bool {
        match self {
            Work::Items(items) => items.is_empty(),
            Work::Lines(lines) => lines.ends.is_empty(),
        }
    }

    fn len(&self) -> usize {
        match self {
            Work::Items(items) => items.len(),
            Work::Lines(lines) => lines.ends.len(),
        }
    }
}

/// Consecutive raw lines of a line-based input, without their line ends.
struct Lines {
    parser: LineParser,
    /// The number of the first line.
    first: u64,
    bytes: Vec<u8>,
    /// Where each line ends in `bytes` (the next one starts there).
    ends: Vec<usize>,
}

impl Lines {
    fn new(parser: LineParser, first: u64) -> Self {
        Lines {
            parser,
            first,
            bytes: Vec::with_capacity(CHUNK * 64),
            ends: Vec::with_capacity(CHUNK),
        }
    }

    /// Reads one more line from `source`; false at the end of the input.
    fn read(&mut self, source: &mut (dyn ItemSource + Send)) -> io::Result<bool> {
        let more = source.next_line(&mut self.bytes)?;
        if more {
            self.ends.push(self.bytes.len());
        }
        Ok(more)
    }
}

/// What a worker made of a chunk.
struct Done {
    sequence: u64,
    flush: bool,
    out: Vec<u8>,
    messages: Vec<u8>,
    tally: Tally,
    warnings: Vec<(WarningKey, String)>,
    error: Option<io::Error>,
}

/// The number of signing threads to use for `requested` (0: one per core).
pub fn worker_count(requested: usize) -> usize {
    match requested {
        0 => thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    }
}

/// [`batch::run`] with `workers` signing threads; the source is read on a thread of its own.
/// With one worker, or credentials that are refreshed during the run (see
/// [`Presigner::fork`]), it is `batch::run` itself.
pub fn run<W: Write>(
    source: &mut (dyn ItemSource + Send),
    format: BatchOutput,
    defaults: &RequestFields,
    presigner: &mut Presigner,
    workers: usize,
    sinks: Sinks<'_, W>,
) -> io::Result<Tally> {
    let forks: Option<Vec<Presigner>> = if workers > 1 {
        (0..workers).map(|_| presigner.fork()).collect()
    } else {
        None
    };
    let Some(forks) = forks else {
        return batch::run(source, format, defaults, presigner, sinks);
    };
    let Sinks {
        out,
        messages,
        warn,
    } = sinks;

    let (chunk_sender, chunks) = mpsc::channel::<Chunk>();
    let chunks = Mutex::new(chunks);
    let (done_sender, done) = mpsc::channel::<Done>();
    // A token per chunk between the reader and the output: the reader waits for room.
    let (token_sender, tokens) = mpsc::sync_channel::<()>(workers * IN_FLIGHT_PER_WORKER);
    thread::scope(|scope| {
        for mut fork in forks {
            let done_sender = done_sender.clone();
            let chunks = &chunks;
            scope.spawn(move || {
                let mut signing = Signing::new(format, defaults);
                loop {
                    let next = chunks.lock().expect("never poisoned").recv();
                    let Ok(chunk) = next else { break };
                    let mut result = Done {
                        sequence: chunk.sequence,
                        flush: chunk.flush,
                        out: Vec::with_capacity(chunk.work.len() * 1024),
                        messages: Vec::new(),
                        tally: Tally::default(),
                        warnings: Vec::new(),
                        error: None,
                    };
                    signing.tally = Tally::default();
                    let mut sign = |item: Item| {
                        signing.sign(&mut fork, item, &mut result.out, &mut result.messages)
                    };
                    let signed =
                        match chunk.work {
                            Work::Items(items) => items.into_iter().try_for_each(&mut sign),
                            Work::Lines(lines) => {
                                let mut start = 0;
                                lines.ends.iter().zip(lines.first..).try_for_each(
                                    |(&end, number)| {
                                        let line = &lines.bytes[start..end];
                                        start = end;
                                        sign(lines.parser.item(number, line))
                                    },
                                )
                            }
                        };
                    if let Err(e) = signed {
                        result.error = Some(e);
                    }
                    result.tally = signing.tally;
                    result.warnings = std::mem::take(&mut signing.new_warnings);
                    if done_sender.send(result).is_err() {
                        break;
                    }
                }
            });
        }
        drop(done_sender);

        let reader = scope.spawn(move || -> io::Result<u64> {
            let mut sent: u64 = 0;
            let parser = source.line_parser();
            // The number of the next line, for a source read as raw lines.
            let mut next_line: u64 = 1;
            let new_work = |first| match parser {
                Some(parser) => Work::Lines(Lines::new(parser, first)),
                None => Work::Items(Vec::with_capacity(CHUNK)),
            };
            let mut work = new_work(next_line);
            loop {
                let at_end = match &mut work {
                    Work::Items(items) => {
                        let item = source.next_item()?;
                        let at_end = item.is_none();
                        items.extend(item);
                        at_end
                    }
                    Work::Lines(lines) => {
                        let more = lines.read(source)?;
                        next_line += u64::from(more);
                        !more
                    }
                };
                let flush = !at_end && source.may_block();
                if !work.is_empty() && (work.len() == CHUNK || at_end || flush) {
                    if token_sender.send(()).is_err() {
                        return Ok(sent); // The output failed; it reports why.
                    }
                    let chunk = Chunk {
                        sequence: sent,
                        work: std::mem::replace(&mut work, new_work(next_line)),
                        flush,
                    };
                    if chunk_sender.send(chunk).is_err() {
                        return Ok(sent);
                    }
                    sent += 1;
                }
                if at_end {
                    return Ok(sent);
                }
            }
        });

        let mut writer = InOrder {
            out,
            messages,
            warn,
            header: Some((format, defaults)),
            waiting: BTreeMap::new(),
            next: 0,
            tally: Tally::default(),
            warned: HashSet::new(),
        };
        let written = writer.write_all(&done, tokens);
        let read = reader.join().expect("the reading thread does not panic");
        let sent = read?;
        written?;
        if writer.next != sent {
            return Err(io::Error::other("a signing thread stopped"));
        }
        writer.start()?; // an input with no items still gets its CSV header
        writer.out.flush()?;
        Ok(writer.tally)
    })
}

/// The CSV header, written once before any worker's rows.
fn batch_output_start(
    format: BatchOutput,
    defaults: &RequestFields,
    out: &mut dyn Write,
) -> io::Result<()> {
    Signing::new(format, defaults).results.start(out)
}

/// Writes finished chunks in their input order.
struct InOrder<'a, W: Write> {
    out: &'a mut W,
    messages: &'a mut dyn Write,
    warn: &'a mut dyn FnMut(&str),
    /// Chunks finished ahead of their turn.
    waiting: BTreeMap<u64, Done>,
    /// The sequence number of the next chunk to write.
    next: u64,
    tally: Tally,
    warned: HashSet<WarningKey>,
    /// What the header needs, until it is written: with the first chunk, or at the end of an
    /// input with no items. Not before: an input that stops at its start (a CSV header without a
    /// Key column) leaves the output empty, not a CSV file of a header alone.
    header: Option<(BatchOutput, &'a RequestFields)>,
}

impl<W: Write> InOrder<'_, W> {
    /// Writes every chunk in order, until the workers are done; hands back a token per chunk.
    fn write_all(
        &mut self,
        done: &mpsc::Receiver<Done>,
        tokens: mpsc::Receiver<()>,
    ) -> io::Result<()> {
        for finished in done {
            self.waiting.insert(finished.sequence, finished);
            while let Some(chunk) = self.waiting.remove(&self.next) {
                self.next += 1;
                let _ = tokens.recv();
                self.write(chunk)?;
            }
        }
        Ok(())
    }

    fn start(&mut self) -> io::Result<()> {
        match self.header.take() {
            Some((format, defaults)) => batch_output_start(format, defaults, self.out),
            None => Ok(()),
        }
    }

    fn write(&mut self, chunk: Done) -> io::Result<()> {
        if let Some(e) = chunk.error {
            return Err(e);
        }
        self.start()?;
        self.out.write_all(&chunk.out)?;
        self.messages.write_all(&chunk.messages)?;
        self.tally.signed += chunk.tally.signed;
        self.tally.failed += chunk.tally.failed;
        // Each thread reports a key once; across threads, the chunk written first says it.
        for (key, message) in chunk.warnings {
            if self.warned.insert(key) {
                (self.warn)(&message);
            }
        }
        if chunk.flush {
            self.out.flush()?;
        }
        Ok(())
    }
}
