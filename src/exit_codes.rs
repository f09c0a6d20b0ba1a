//! The process exit codes, documented in docs/protocol.md and README.md.

use std::process::ExitCode as StdExitCode;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitCode {
    /// Every request was signed.
    Success,
    /// At least one request failed; the others were signed.
    ItemsFailed,
    /// Bad flags or a setup failure (profile, credentials, region): nothing was signed.
    SetupFailed,
}

impl ExitCode {
    pub fn code(self) -> u8 {
        match self {
            ExitCode::Success => 0,
            ExitCode::ItemsFailed => 1,
            ExitCode::SetupFailed => 2,
        }
    }
}

impl From<ExitCode> for StdExitCode {
    fn from(code: ExitCode) -> Self {
        StdExitCode::from(code.code())
    }
}
