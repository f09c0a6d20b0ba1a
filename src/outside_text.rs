//! Text that comes from outside s3presign — a `credential_process` helper's stderr, an STS, SSO
//! or S3 error body — never reaches a message unfiltered. Helpers print their cached credentials
//! when they log, and a server may reflect the request it got (session token, SSE-C key). What
//! such a failure is reported as: which step failed, its exit status or S3 error code, and where
//! to see the rest (running the helper by hand).

use std::error::Error;

use aws_sdk_s3::error::{ErrorMetadata, ProvideErrorMetadata, SdkError};

/// What replaces a run of characters that may be key material.
const HIDDEN: &str = "(hidden)";

/// Runs of base64 characters this long or longer are hidden: secret keys are 40, session
/// tokens hundreds, SSE-C keys 44; access key ids (20), request ids and ARN parts are shorter.
const LONGEST_SHOWN_RUN: usize = 31;

/// An error and its causes in one line, without the wrappers that add nothing ("an error
/// occurred: …"), with any text that came from outside filtered: a `credential_process`
/// helper's stderr and unparseable output are dropped (the exit status is kept), and runs of
/// characters that may be key material are hidden.
pub fn describe_error(error: &(dyn Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut current = Some(error);
    while let Some(e) = current {
        // An AWS service's error (STS, SSO): its code only. Its message may quote the request.
        let text = match e.downcast_ref::<ErrorMetadata>() {
            Some(service) => format!(
                "the service answered {}",
                hide_key_material(service.code().unwrap_or("an unnamed error"))
            ),
            None => filtered(&e.to_string()),
        };
        // One line: provider chains list what they tried on lines of their own.
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let says_nothing = (text.starts_with("an error occurred")
            || text.starts_with("the credential provider was not enabled"))
            && e.source().is_some();
        if !text.is_empty() && !says_nothing && !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        current = e.source();
    }
    parts.join(": ")
}

/// One message of an error chain, filtered.
fn filtered(text: &str) -> String {
    // aws-config: "… external process exited with code exit status: 1. Stderr: <helper's stderr>"
    if let Some(at) = text.find("external process exited with code") {
        let status = text[at..]
            .split(". Stderr:")
            .next()
            .unwrap_or_default()
            .trim_start_matches("external process exited with code")
            .trim();
        return format!(
            "the profile's credential_process helper failed ({status}); its output is not shown \
             here, because helpers may print credentials: run its command by hand to see it"
        );
    }
    // aws-config: "… could not parse response: <what was wrong with the helper's stdout>"
    if text.contains("external process, could not parse response") {
        return "the profile's credential_process helper printed something other than the \
                credentials JSON (Version 1, AccessKeyId, SecretAccessKey); run its command by \
                hand to see it"
            .into();
    }
    hide_key_material(text)
}

/// `text` with every run of base64 characters longer than [`LONGEST_SHOWN_RUN`] replaced.
pub fn hide_key_material(text: &str) -> String {
    let is_run_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=' | '%');
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.len() > LONGEST_SHOWN_RUN {
            out.push_str(HIDDEN);
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in text.chars() {
        if is_run_char(c) {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// An S3 call's failure without S3's own words: the error code and HTTP status for an answer
/// from S3 (its message may reflect the request), the local cause for a request that got no
/// answer.
pub fn describe_s3_error<E, R>(error: &SdkError<E, R>) -> String
where
    E: ProvideErrorMetadata + Error + 'static,
    R: std::fmt::Debug,
{
    match error {
        SdkError::ServiceError(service) => {
            let code = service.err().code().unwrap_or("an unnamed error");
            let code = hide_key_material(code);
            format!("S3 answered {code}")
        }
        SdkError::TimeoutError(_) => "the request to S3 timed out".into(),
        SdkError::DispatchFailure(failure) => {
            let cause = failure
                .as_connector_error()
                .map(|e| describe_error(e))
                .unwrap_or_else(|| "no connection".into());
            format!("S3 could not be reached: {cause}")
        }
        SdkError::ResponseError(_) => "S3's answer could not be read".into(),
        _ => "the request could not be built".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_helpers_stderr_is_dropped_and_its_status_kept() {
        let sdk = "Error retrieving credentials: external process exited with code exit status: 3. \
                   Stderr: cached: {\"SecretAccessKey\":\"CANARYsecretCANARYsecretCANARYsecret0000\"}";
        let shown = filtered(sdk);
        assert!(shown.contains("exit status: 3"), "{shown}");
        assert!(!shown.contains("CANARY"), "{shown}");
        assert!(!shown.contains("cached"), "{shown}");
    }

    #[test]
    fn long_base64_runs_are_hidden_short_words_kept() {
        let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
        let shown = hide_key_material(&format!(
            "InvalidClientTokenId for AKIAIOSFODNN7EXAMPLE: {secret}"
        ));
        assert_eq!(
            shown,
            "InvalidClientTokenId for AKIAIOSFODNN7EXAMPLE: (hidden)"
        );
    }
}
