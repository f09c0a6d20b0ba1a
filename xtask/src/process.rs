//! Running other programs: their output captured for checks, or shown for long steps.

use std::ffi::OsStr;
use std::process::{Command, ExitStatus, Stdio};

/// A program's name as Windows needs it for npm, which is a `.cmd` script there.
pub fn npm() -> &'static str {
    if cfg!(windows) {
        "npm.cmd"
    } else {
        "npm"
    }
}

/// Cargo: the one running this task when there is one.
pub fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

/// Runs a program to ask it something: its trimmed stdout when it exits with 0, else `None`
/// (also when it cannot be started). Nothing is read from the terminal.
pub fn output_of<S: AsRef<OsStr>>(program: impl AsRef<OsStr>, args: &[S]) -> Option<String> {
    let output = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_string())
}

/// Runs a step whose output the user sees; an error names the step when it fails or cannot start.
pub fn run_step(what: &str, command: &mut Command) -> Result<(), String> {
    eprintln!("xtask: {what}");
    let status: ExitStatus = command
        .stdin(Stdio::null())
        .status()
        .map_err(|e| format!("{what}: cannot start {:?}: {e}", command.get_program()))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{what} failed ({status})"))
    }
}
