//! The progress line of a batch read from a file: bytes read of the file's size and items per
//! second, on stderr (indicatif), never on stdout.
//!
//! Shown only when all of these hold: stderr is a terminal (a person is watching; a log or a
//! pipe gets nothing), `--no-progress` is not given, and stdin is a regular file (so that its
//! size is known: `s3presign batch < requests.jsonl`). A pipe has no size and is often
//! interactive, as the PowerShell module's is.

use std::io::{self, IsTerminal};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::batch::{Item, ItemSource};
use crate::batch_input::LineParser;

/// Whether a batch shows a progress line; `input_size` is the size of stdin when it is a
/// regular file.
pub fn shows_progress(
    no_progress: bool,
    stderr_is_terminal: bool,
    input_size: Option<u64>,
) -> bool {
    !no_progress && stderr_is_terminal && input_size.is_some_and(|size| size > 0)
}

/// The size of stdin, if it is a regular file (fstat; a pipe or terminal has none).
pub fn stdin_file_size() -> Option<u64> {
    #[cfg(unix)]
    let handle = std::os::fd::AsFd::as_fd(&io::stdin()).try_clone_to_owned();
    #[cfg(windows)]
    let handle = std::os::windows::io::AsHandle::as_handle(&io::stdin()).try_clone_to_owned();
    let metadata = std::fs::File::from(handle.ok()?).metadata().ok()?;
    metadata.is_file().then_some(metadata.len())
}

/// `source` with a progress line on stderr when [`shows_progress`] says so.
pub fn wrap<'a, S: ItemSource + Send + 'a>(
    source: S,
    no_progress: bool,
) -> Box<dyn ItemSource + Send + 'a> {
    let size = stdin_file_size();
    if !shows_progress(no_progress, io::stderr().is_terminal(), size) {
        return Box::new(source);
    }
    let bar = ProgressBar::with_draw_target(size, ProgressDrawTarget::stderr_with_hz(4));
    bar.set_style(
        ProgressStyle::with_template("{bar:30} {bytes}/{total_bytes}  {msg}  {eta} left")
            .expect("the template is valid"),
    );
    bar.enable_steady_tick(Duration::from_millis(250));
    Box::new(WithProgress {
        source,
        bar,
        items: 0,
    })
}

/// Updates the bar every `STEP` items: cheap enough for a million lines.
const STEP: u64 = 512;

struct WithProgress<S> {
    source: S,
    bar: ProgressBar,
    items: u64,
}

impl<S: ItemSource> ItemSource for WithProgress<S> {
    fn next_item(&mut self) -> io::Result<Option<Item>> {
        let item = self.source.next_item()?;
        self.counted(item.is_some());
        Ok(item)
    }

    fn line_parser(&self) -> Option<LineParser> {
        self.source.line_parser()
    }

    fn next_line(&mut self, into: &mut Vec<u8>) -> io::Result<bool> {
        let more = self.source.next_line(into)?;
        self.counted(more);
        Ok(more)
    }

    fn may_block(&self) -> bool {
        self.source.may_block()
    }

    fn bytes_read(&self) -> u64 {
        self.source.bytes_read()
    }
}

impl<S: ItemSource> WithProgress<S> {
    /// One more item read (`more`), or the end of the input.
    fn counted(&mut self, more: bool) {
        if more {
            self.items += 1;
            if self.items.is_multiple_of(STEP) {
                self.update();
            }
        } else {
            self.update();
            self.bar.finish_and_clear();
        }
    }

    /// The bar counts bytes (the file's size is the total); the message counts requests.
    fn update(&self) {
        self.bar.set_position(self.source.bytes_read());
        let seconds = self.bar.elapsed().as_secs_f64().max(1e-3);
        self.bar.set_message(format!(
            "{} requests, {:.0}/s",
            self.items,
            self.items as f64 / seconds
        ));
    }
}

impl<S> Drop for WithProgress<S> {
    /// A run that stops early (a read or write error) leaves no half-drawn line.
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_only_for_a_sized_file_on_a_terminal_unless_silenced() {
        assert!(shows_progress(false, true, Some(100)));
        assert!(!shows_progress(true, true, Some(100)), "--no-progress");
        assert!(
            !shows_progress(false, false, Some(100)),
            "stderr not a terminal"
        );
        assert!(!shows_progress(false, true, None), "a pipe: no size");
        assert!(!shows_progress(false, true, Some(0)), "an empty file");
    }
}
