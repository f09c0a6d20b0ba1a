//! Ready-to-run client commands for a signed request: the commonest upload failure is a client
//! that doesn't send the signed headers, so results that need headers show how to send them.

use crate::request::Verb;

/// Stands for the file to upload or download; the user puts in a real path.
pub const FILE_PLACEHOLDER: &str = "LOCAL_FILE";

/// A POSIX-shell single-quoted word.
fn sh_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}

/// A PowerShell single-quoted string.
fn ps_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

pub fn curl(verb: Verb, url: &str, headers: &[(String, String)]) -> String {
    let mut command = String::from("curl --fail");
    match verb {
        Verb::Get => command.push_str(&format!(" -o {FILE_PLACEHOLDER}")),
        Verb::Head => command.push_str(" --head"),
        Verb::Put => command.push_str(&format!(" --upload-file {FILE_PLACEHOLDER}")),
        Verb::Delete => command.push_str(" -X DELETE"),
        Verb::Post => command.push_str(&format!(" -X POST --data-binary @{FILE_PLACEHOLDER}")),
    }
    for (name, value) in headers {
        command.push_str(" -H ");
        command.push_str(&sh_quote(&format!("{name}: {value}")));
    }
    command.push(' ');
    command.push_str(&sh_quote(url));
    command
}

pub fn invoke_web_request(verb: Verb, url: &str, headers: &[(String, String)]) -> String {
    let method = match verb {
        Verb::Get => "Get",
        Verb::Head => "Head",
        Verb::Put => "Put",
        Verb::Delete => "Delete",
        Verb::Post => "Post",
    };
    let mut command = format!("Invoke-WebRequest -Method {method} -Uri {}", ps_quote(url));
    // Invoke-WebRequest takes Content-Type as a parameter, not among -Headers.
    let mut others = Vec::new();
    for (name, value) in headers {
        if name.eq_ignore_ascii_case("content-type") {
            command.push_str(&format!(" -ContentType {}", ps_quote(value)));
        } else {
            others.push(format!("{} = {}", ps_quote(name), ps_quote(value)));
        }
    }
    if !others.is_empty() {
        command.push_str(&format!(" -Headers @{{ {} }}", others.join("; ")));
    }
    match verb {
        Verb::Get => command.push_str(&format!(" -OutFile {FILE_PLACEHOLDER}")),
        Verb::Put | Verb::Post => command.push_str(&format!(" -InFile {FILE_PLACEHOLDER}")),
        Verb::Head | Verb::Delete => {}
    }
    command
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_survive_both_shells() {
        let headers = vec![
            ("Content-Type".to_string(), "text/plain".to_string()),
            ("x-amz-meta-note".to_string(), "it's".to_string()),
        ];
        let curl = curl(Verb::Put, "https://b.s3.amazonaws.com/k?a=1&b=2", &headers);
        assert_eq!(
            curl,
            "curl --fail --upload-file LOCAL_FILE -H 'Content-Type: text/plain' -H 'x-amz-meta-note: it'\\''s' 'https://b.s3.amazonaws.com/k?a=1&b=2'"
        );
        let ps = invoke_web_request(Verb::Put, "https://b/k?a=1", &headers);
        assert_eq!(
            ps,
            "Invoke-WebRequest -Method Put -Uri 'https://b/k?a=1' -ContentType 'text/plain' -Headers @{ 'x-amz-meta-note' = 'it''s' } -InFile LOCAL_FILE"
        );
    }
}
