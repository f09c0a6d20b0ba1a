//! Ready-to-run client commands for a signed request: the commonest upload failure is a client
//! that doesn't send the signed headers, so results that need headers show how to send them.

use crate::request::Verb;
use crate::sse_customer_key::{KeySource, KEY_HEADER};

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

/// The SSE-C key header, read where s3presign read the key: a double-quoted word the shell expands.
fn curl_key_header(source: &KeySource) -> String {
    match source {
        KeySource::Env(name) => format!("\"{KEY_HEADER}: ${name}\""),
        KeySource::File(path) => format!(
            "\"{KEY_HEADER}: $(cat {})\"",
            sh_quote(&path.to_string_lossy())
        ),
    }
}

fn powershell_key_value(source: &KeySource) -> String {
    match source {
        KeySource::Env(name) => format!("$env:{name}"),
        KeySource::File(path) => format!(
            "(Get-Content -Raw -LiteralPath {}).Trim()",
            ps_quote(&path.to_string_lossy())
        ),
    }
}

/// `headers` as shown (the SSE-C key redacted); `key_source` says where the key is read from.
pub fn curl(
    verb: Verb,
    url: &str,
    headers: &[(String, String)],
    key_source: Option<&KeySource>,
) -> String {
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
        match key_source {
            Some(source) if name == KEY_HEADER => command.push_str(&curl_key_header(source)),
            _ => command.push_str(&sh_quote(&format!("{name}: {value}"))),
        }
    }
    command.push(' ');
    command.push_str(&sh_quote(url));
    command
}

pub fn invoke_web_request(
    verb: Verb,
    url: &str,
    headers: &[(String, String)],
    key_source: Option<&KeySource>,
) -> String {
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
            let value = match key_source {
                Some(source) if name == KEY_HEADER => powershell_key_value(source),
                _ => ps_quote(value),
            };
            others.push(format!("{} = {}", ps_quote(name), value));
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
        let curl = curl(
            Verb::Put,
            "https://b.s3.amazonaws.com/k?a=1&b=2",
            &headers,
            None,
        );
        assert_eq!(
            curl,
            "curl --fail --upload-file LOCAL_FILE -H 'Content-Type: text/plain' -H 'x-amz-meta-note: it'\\''s' 'https://b.s3.amazonaws.com/k?a=1&b=2'"
        );
        let ps = invoke_web_request(Verb::Put, "https://b/k?a=1", &headers, None);
        assert_eq!(
            ps,
            "Invoke-WebRequest -Method Put -Uri 'https://b/k?a=1' -ContentType 'text/plain' -Headers @{ 'x-amz-meta-note' = 'it''s' } -InFile LOCAL_FILE"
        );
    }

    #[test]
    fn the_sse_c_key_is_read_where_s3presign_read_it() {
        let headers = vec![(KEY_HEADER.to_string(), "(redacted)".to_string())];
        let env = KeySource::Env("SSE_KEY".into());
        assert_eq!(
            curl(Verb::Get, "https://b/k", &headers, Some(&env)),
            "curl --fail -o LOCAL_FILE -H \"x-amz-server-side-encryption-customer-key: $SSE_KEY\" 'https://b/k'"
        );
        assert_eq!(
            invoke_web_request(Verb::Get, "https://b/k", &headers, Some(&env)),
            "Invoke-WebRequest -Method Get -Uri 'https://b/k' -Headers @{ 'x-amz-server-side-encryption-customer-key' = $env:SSE_KEY } -OutFile LOCAL_FILE"
        );
        let file = KeySource::File("/keys/it's.b64".into());
        assert!(curl(Verb::Put, "u", &headers, Some(&file)).contains(
            "\"x-amz-server-side-encryption-customer-key: $(cat '/keys/it'\\''s.b64')\""
        ));
        assert!(invoke_web_request(Verb::Put, "u", &headers, Some(&file))
            .contains("= (Get-Content -Raw -LiteralPath '/keys/it''s.b64').Trim() }"));
    }
}
