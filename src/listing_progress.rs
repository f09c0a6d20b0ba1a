//! The progress line of `url --recursive` on stderr: objects listed and signed so far. Shown
//! only when stderr is a terminal (a log file or a pipe gets nothing), never on stdout, and
//! never with `--no-progress`.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Whether a run shows the progress line.
pub fn shown(no_progress: bool, stderr_is_terminal: bool) -> bool {
    !no_progress && stderr_is_terminal
}

/// The progress of one listing; a hidden one does nothing.
pub struct ListingProgress {
    bar: ProgressBar,
}

impl ListingProgress {
    /// Shown if [`shown`] says so for this process's stderr. `location` is `s3://bucket/prefix`.
    pub fn for_stderr(no_progress: bool, location: &str) -> ListingProgress {
        if !shown(no_progress, std::io::stderr().is_terminal()) {
            return ListingProgress {
                bar: ProgressBar::hidden(),
            };
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template(
            "{spinner} {msg}: {len} objects listed, {pos} signed ({per_sec})",
        ) {
            bar.set_style(style);
        }
        bar.set_message(location.to_string());
        bar.set_length(0);
        // Redrawn while a page is on its way, so that a slow listing does not look stuck.
        bar.enable_steady_tick(Duration::from_millis(200));
        ListingProgress { bar }
    }

    /// All the objects listed so far (every page read).
    pub fn listed(&self, total: u64) {
        self.bar.set_length(total);
    }

    /// All the items handed to signing so far.
    pub fn signed(&self, total: u64) {
        self.bar.set_position(total);
    }

    /// Runs `print` (a warning to stderr) with the line out of its way.
    pub fn suspend<R>(&self, print: impl FnOnce() -> R) -> R {
        self.bar.suspend(print)
    }

    /// Removes the line: the results and messages are what stays.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::shown;

    #[test]
    fn only_on_a_terminal_and_not_when_silenced() {
        assert!(shown(false, true));
        assert!(
            !shown(false, false),
            "a pipe or a log file gets no progress"
        );
        assert!(
            !shown(true, true),
            "--no-progress silences it on a terminal too"
        );
        assert!(!shown(true, false));
    }
}
