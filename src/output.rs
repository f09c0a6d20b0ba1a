//! The JSON records of docs/protocol.md, and the human outputs of `s3presign url`.

use std::io::{self, Write};

use comfy_table::{presets::UTF8_FULL_CONDENSED, ContentArrangement, Table};
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::errors::{ItemError, SetupError};
use crate::expiry::{format_utc, utc_text, UtcText};
use crate::inspect::Inspection;
use crate::presign::{Presigned, Warning};

/// A `url` record. Fields with no value are left out, not written as null (docs/protocol.md):
/// a reader takes a missing field as null.
#[derive(Serialize)]
struct UrlRecord<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    line: u64,
    bucket: &'a str,
    key: &'a str,
    verb: &'static str,
    url: &'a str,
    region: &'a str,
    signed_at: UtcText,
    requested_expiry: &'a str,
    expires_at: UtcText,
    expires_in_seconds: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    credentials_expire_at: Option<UtcText>,
    effective_expires_at: UtcText,
    #[serde(skip_serializing_if = "Option::is_none")]
    version_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    content_type: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    upload_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    part_number: Option<i64>,
    #[serde(serialize_with = "headers_as_object")]
    headers: &'a [(String, String)],
    #[serde(skip_serializing_if = "Option::is_none")]
    curl: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    invoke_web_request: Option<&'a str>,
    #[serde(serialize_with = "warning_messages")]
    warnings: &'a [Warning],
}

fn warning_messages<S: Serializer>(warnings: &&[Warning], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(warnings.iter().map(|w| &w.message))
}

fn headers_as_object<S: Serializer>(
    headers: &&[(String, String)],
    s: S,
) -> Result<S::Ok, S::Error> {
    let mut map = s.serialize_map(Some(headers.len()))?;
    for (name, value) in headers.iter() {
        map.serialize_entry(name, value)?;
    }
    map.end()
}

#[derive(Serialize)]
struct ErrorRecord<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    line: u64,
    code: &'static str,
    message: &'a str,
    input: Option<&'a Map<String, Value>>,
}

#[derive(Serialize)]
struct FatalRecord<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    code: &'static str,
    message: &'a str,
}

pub fn write_url(out: &mut impl Write, line: u64, p: &Presigned) -> io::Result<()> {
    let record = UrlRecord {
        kind: "url",
        line,
        bucket: &p.bucket,
        key: &p.key,
        verb: p.verb.as_str(),
        url: &p.url,
        region: &p.region,
        signed_at: utc_text(p.signed_at),
        requested_expiry: &p.requested_expiry,
        expires_at: utc_text(p.expires_at),
        expires_in_seconds: p.expires_in_seconds,
        credentials_expire_at: p.credentials_expire_at.map(utc_text),
        effective_expires_at: utc_text(p.effective_expires_at),
        version_id: p.version_id.as_deref(),
        content_type: p.content_type.as_deref(),
        upload_id: p.upload_id.as_deref(),
        part_number: p.part_number,
        headers: &p.headers,
        curl: p.curl.as_deref(),
        invoke_web_request: p.invoke_web_request.as_deref(),
        warnings: &p.warnings,
    };
    serde_json::to_writer(&mut *out, &record)?;
    out.write_all(b"\n")
}

/// A `url` record for the PowerShell module (`--output powershell`, docs/protocol.md): the
/// properties of its `S3PreSignedUrl` objects, by name and shape, so that System.Text.Json fills
/// the class directly. `Headers` is one `Name: value` per line (flat for Export-Csv); fields with no
/// value are left out; no `line` (the module counts) and no `warnings` (they go to stderr).
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct PowerShellUrlRecord<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    bucket: &'a str,
    key: &'a str,
    verb: &'static str,
    url: &'a str,
    expires_at: UtcText,
    effective_expires_at: UtcText,
    #[serde(skip_serializing_if = "Option::is_none")]
    credential_expires_at: Option<UtcText>,
    signed_at: UtcText,
    expires_in_seconds: i64,
    region: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    version_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    content_type: Option<&'a str>,
    headers: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    upload_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    part_number: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    curl: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    invoke_web_request: Option<&'a str>,
}

pub fn write_powershell_url(out: &mut impl Write, p: &Presigned) -> io::Result<()> {
    let mut headers = String::new();
    for (name, value) in &p.headers {
        if !headers.is_empty() {
            headers.push('\n');
        }
        headers.push_str(name);
        headers.push_str(": ");
        headers.push_str(value);
    }
    let record = PowerShellUrlRecord {
        kind: "url",
        bucket: &p.bucket,
        key: &p.key,
        verb: p.verb.as_str(),
        url: &p.url,
        expires_at: utc_text(p.expires_at),
        effective_expires_at: utc_text(p.effective_expires_at),
        credential_expires_at: p.credentials_expire_at.map(utc_text),
        signed_at: utc_text(p.signed_at),
        expires_in_seconds: p.expires_in_seconds,
        region: &p.region,
        version_id: p.version_id.as_deref(),
        content_type: p.content_type.as_deref(),
        headers,
        upload_id: p.upload_id.as_deref(),
        part_number: p.part_number,
        curl: p.curl.as_deref(),
        invoke_web_request: p.invoke_web_request.as_deref(),
    };
    serde_json::to_writer(&mut *out, &record)?;
    out.write_all(b"\n")
}

/// `message` is prefixed with the line number, so that it stands on its own in a log.
pub fn write_error(
    out: &mut impl Write,
    line: u64,
    error: &ItemError,
    input: Option<&Map<String, Value>>,
) -> io::Result<()> {
    write_error_record(
        out,
        line,
        &format!("line {line}: {}", error.message),
        error,
        input,
    )
}

/// The error record of `url --output json`: line 1, and a message without "line 1: " (a single
/// request has no lines to tell apart).
pub fn write_single_error(out: &mut impl Write, error: &ItemError) -> io::Result<()> {
    write_error_record(out, 1, &error.message, error, None)
}

fn write_error_record(
    out: &mut impl Write,
    line: u64,
    message: &str,
    error: &ItemError,
    input: Option<&Map<String, Value>>,
) -> io::Result<()> {
    let record = ErrorRecord {
        kind: "error",
        line,
        code: error.kind.code(),
        message,
        input,
    };
    serde_json::to_writer(&mut *out, &record)?;
    out.write_all(b"\n")
}

pub fn write_fatal(out: &mut impl Write, error: &SetupError) -> io::Result<()> {
    let record = FatalRecord {
        kind: "fatal",
        code: error.kind.code(),
        message: &error.message,
    };
    serde_json::to_writer(&mut *out, &record)?;
    out.write_all(b"\n")
}

fn field_value_table() -> Table {
    let mut table = Table::new();
    table
        .load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(vec!["Field", "Value"]);
    table
}

/// A two-column table for one URL (what was asked, what it became), then the URL on a line of
/// its own: a URL wrapped inside a table cell could not be copied whole.
pub fn table(p: &Presigned) -> String {
    let mut table = field_value_table();
    let mut row = |name: &str, value: String| {
        table.add_row(vec![name.to_string(), value]);
    };
    row("Bucket", p.bucket.clone());
    row("Key", p.key.clone());
    row("Verb", p.verb.as_str().to_string());
    if let Some(v) = &p.version_id {
        row("Version id", v.clone());
    }
    if let Some(id) = &p.upload_id {
        row("Upload id", id.clone());
    }
    if let Some(n) = p.part_number {
        row("Part number", n.to_string());
    }
    row("Region", p.region.clone());
    row("Signed at (UTC)", format_utc(p.signed_at));
    row("Requested expiry", p.requested_expiry.clone());
    row("Expires at (UTC)", format_utc(p.expires_at));
    if let Some(c) = p.credentials_expire_at {
        row("Credentials expire (UTC)", format_utc(c));
        row("Works until (UTC)", format_utc(p.effective_expires_at));
    }
    for (name, value) in &p.headers {
        row("Send header", format!("{name}: {value}"));
    }
    format!("{table}\n{}", p.url)
}

#[derive(Serialize)]
struct InspectionRecord<'a> {
    line: u64,
    #[serde(flatten)]
    inspection: &'a Inspection,
    signature_valid: Option<bool>,
    verify_note: Option<&'a str>,
}

/// One inspected URL as a JSON line (`"type": "inspection"`).
pub fn write_inspection(
    out: &mut impl Write,
    line: u64,
    inspection: &Inspection,
    signature_valid: Option<bool>,
    verify_note: Option<&str>,
) -> io::Result<()> {
    let record = InspectionRecord {
        line,
        inspection,
        signature_valid,
        verify_note,
    };
    serde_json::to_writer(&mut *out, &record)?;
    out.write_all(b"\n")
}

pub fn inspection_table(
    i: &Inspection,
    signature_valid: Option<bool>,
    verify_note: Option<&str>,
) -> String {
    let mut table = field_value_table();
    let mut row = |name: &str, value: String| {
        table.add_row(vec![name.to_string(), value]);
    };
    let or_dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    row("Signature", format!("SigV{}", &i.signature_version[1..]));
    row("Endpoint", i.endpoint.clone());
    row("Bucket", or_dash(&i.bucket));
    row("Key", or_dash(&i.key));
    row("Region", or_dash(&i.region));
    row("Access key id", i.access_key_id.clone());
    row("Signed at (UTC)", or_dash(&i.signed_at));
    row("Expires at (UTC)", i.expires_at.clone());
    row(
        "Time left",
        if let Some(reason) = &i.never_valid {
            format!("none, never valid: {reason}")
        } else if i.expired {
            "expired".into()
        } else {
            format!("{}s", i.seconds_left)
        },
    );
    row("Signed headers", i.signed_headers.join(", "));
    for (name, value) in &i.overrides {
        row(name, value.clone());
    }
    row(
        "Session token inside",
        if i.has_session_token { "yes" } else { "no" }.into(),
    );
    match (signature_valid, verify_note) {
        (Some(true), _) => row("Signature check", "valid for these credentials".into()),
        (Some(false), _) => row("Signature check", "INVALID for these credentials".into()),
        (None, Some(note)) => row("Signature check", format!("not checked: {note}")),
        (None, None) => {}
    }
    table.to_string()
}

/// A signed POST policy as one JSON object (`"type": "post"`): fields in form order.
pub fn post_record(
    post: &crate::post_policy::SignedPost,
    signed_at: chrono::DateTime<chrono::Utc>,
    credentials_expire_at: Option<chrono::DateTime<chrono::Utc>>,
    warnings: &[String],
) -> String {
    #[derive(Serialize)]
    struct PostRecord<'a> {
        #[serde(rename = "type")]
        kind: &'static str,
        url: &'a str,
        fields: OrderedFields<'a>,
        signed_at: String,
        expires_at: String,
        credentials_expire_at: Option<String>,
        policy: &'a Value,
        curl: String,
        invoke_web_request: String,
        warnings: &'a [String],
    }
    let record = PostRecord {
        kind: "post",
        url: &post.url,
        fields: OrderedFields(&post.fields),
        signed_at: format_utc(signed_at),
        expires_at: format_utc(post.expires_at),
        credentials_expire_at: credentials_expire_at.map(format_utc),
        policy: &post.policy,
        curl: crate::post_policy::curl(post),
        invoke_web_request: crate::post_policy::invoke_web_request(post),
        warnings,
    };
    serde_json::to_string(&record).expect("strings and JSON values serialise")
}

/// Serialises name/value pairs as a JSON object in their own order.
struct OrderedFields<'a>(&'a [(String, String)]);

impl Serialize for OrderedFields<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (name, value) in self.0 {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}
