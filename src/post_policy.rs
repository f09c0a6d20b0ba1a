//! Browser uploads: a signed POST policy (S3's "POST Object" with SigV4), as boto3's
//! `generate_presigned_post` makes — the form's URL and fields, in form order, with the policy
//! document that bounds what may be uploaded (key or key prefix, size range, content type, …).

use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use crate::expiry::{format_amz_date, format_utc};
use crate::signer::Signer;

/// What the form may upload. Conditions beyond these come as raw JSON (`extra_conditions`).
#[derive(Clone, Debug, Default)]
pub struct PostRequest {
    pub bucket: String,
    pub key: KeyRule,
    pub content_length_range: Option<(u64, u64)>,
    pub content_type: Option<ContentTypeRule>,
    pub acl: Option<String>,
    pub success_action_status: Option<String>,
    pub success_action_redirect: Option<String>,
    pub metadata: Vec<(String, String)>,
    /// Extra form fields, each also made an exact condition (as boto3 does).
    pub fields: Vec<(String, String)>,
    pub extra_conditions: Vec<Value>,
}

#[derive(Clone, Debug)]
pub enum KeyRule {
    Exact(String),
    /// `starts-with $key`; the form's key field is the prefix plus `${filename}`.
    Prefix(String),
}

impl Default for KeyRule {
    fn default() -> Self {
        KeyRule::Prefix(String::new())
    }
}

#[derive(Clone, Debug)]
pub enum ContentTypeRule {
    Exact(String),
    Prefix(String),
}

/// A signed form: where it posts, its fields in order (the file field goes last), the policy.
#[derive(Clone, Debug)]
pub struct SignedPost {
    pub url: String,
    pub fields: Vec<(String, String)>,
    pub policy: Value,
    pub expires_at: DateTime<Utc>,
    /// With a Content-Type prefix rule, the form's Content-Type must become the file's own type.
    pub content_type_from_file: bool,
}

/// The fields and the policy conditions, built side by side.
#[derive(Default)]
struct Form {
    fields: Vec<(String, String)>,
    conditions: Vec<Value>,
}

impl Form {
    /// A field whose value the policy fixes exactly.
    fn exact(&mut self, name: &str, value: &str) {
        self.fields.push((name.to_string(), value.to_string()));
        self.conditions.push(json!({ name: value }));
    }
}

/// Checks the raw conditions a user adds: objects of one string, or the three array forms S3
/// knows (`eq`, `starts-with`, `content-length-range`).
pub fn check_condition(condition: &Value) -> Result<(), String> {
    let shown = condition.to_string();
    match condition {
        Value::Object(map) if map.len() == 1 && map.values().all(Value::is_string) => Ok(()),
        Value::Array(items) => match items.as_slice() {
            [Value::String(op), Value::String(field), Value::String(_)] if op == "eq" || op == "starts-with" => {
                if field.starts_with('$') {
                    Ok(())
                } else {
                    Err(format!("condition {shown}: the field must start with '$', as in \"${field}\""))
                }
            }
            [Value::String(op), min, max] if op == "content-length-range" => match (min.as_u64(), max.as_u64()) {
                (Some(a), Some(b)) if a <= b => Ok(()),
                _ => Err(format!("condition {shown}: content-length-range needs two whole numbers, min <= max")),
            },
            [Value::String(op), ..] => Err(format!(
                "condition {shown}: unknown operator '{op}'; S3 knows eq, starts-with and content-length-range"
            )),
            _ => Err(format!("condition {shown} is not [operator, field, value]")),
        },
        _ => Err(format!("condition {shown} is neither {{\"field\": \"value\"}} nor [operator, \"$field\", value]")),
    }
}

/// Refuses a form that would carry one field twice: S3 reads form field names without regard to
/// case and takes each once, so two values (from `--key`, `--acl`, `--metadata`, `--field`, …)
/// leave the policy's two exact conditions unsatisfiable. Names only, never values.
fn check_fields_unique(fields: &[(String, String)]) -> Result<(), String> {
    for (index, (name, _)) in fields.iter().enumerate() {
        if let Some((first, _)) = fields[..index]
            .iter()
            .find(|(other, _)| other.eq_ignore_ascii_case(name))
        {
            let shown = if first == name {
                format!("'{name}'")
            } else {
                format!("'{first}' and '{name}' (names are case-insensitive)")
            };
            return Err(format!(
                "the form would carry the field {shown} twice, so no upload could satisfy the policy: give it once (--key, --acl, --content-type, --metadata NAME is x-amz-meta-NAME, --field)"
            ));
        }
    }
    Ok(())
}

/// Builds and signs the policy. `base_url` is the bucket's endpoint (`https://bucket.s3…` or
/// `http://host/bucket`), `region` the signing region.
pub fn sign(
    request: &PostRequest,
    signer: &mut Signer,
    base_url: &str,
    region: &str,
    signed_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<SignedPost, String> {
    for condition in &request.extra_conditions {
        check_condition(condition)?;
    }
    if let Some(acl) = &request.acl {
        crate::request_options::check_acl(acl).map_err(|e| e.message)?;
    }
    crate::request_options::check_metadata_names_unique(
        request.metadata.iter().map(|(name, _)| name.as_str()),
    )
    .map_err(|e| e.message)?;
    if let Some((min, max)) = request.content_length_range {
        if min > max {
            return Err(format!(
                "content length range {min},{max}: the minimum is above the maximum"
            ));
        }
    }
    let amz_date = format_amz_date(signed_at);
    let date = &amz_date[..8];
    let credential = format!("{}/{date}/{region}/s3/aws4_request", signer.access_key_id());

    let mut form = Form::default();
    form.conditions.push(json!({ "bucket": request.bucket }));
    match &request.key {
        // S3 puts the file's name in place of `${filename}`, so no exact condition can match;
        // botocore's `generate_presigned_post` bounds such a key by what comes before it.
        KeyRule::Exact(key) if key.ends_with("${filename}") => {
            let prefix = &key[..key.len() - "${filename}".len()];
            form.fields.push(("key".into(), key.clone()));
            form.conditions.push(json!(["starts-with", "$key", prefix]));
        }
        KeyRule::Exact(key) => form.exact("key", key),
        KeyRule::Prefix(prefix) => {
            form.fields
                .push(("key".into(), format!("{prefix}${{filename}}")));
            form.conditions.push(json!(["starts-with", "$key", prefix]));
        }
    }
    if let Some(acl) = &request.acl {
        form.exact("acl", acl);
    }
    if let Some(status) = &request.success_action_status {
        form.exact("success_action_status", status);
    }
    if let Some(redirect) = &request.success_action_redirect {
        form.exact("success_action_redirect", redirect);
    }
    match &request.content_type {
        Some(ContentTypeRule::Exact(t)) => form.exact("Content-Type", t),
        Some(ContentTypeRule::Prefix(p)) => {
            // The form still has to send a Content-Type; the prefix is its natural start.
            form.fields.push(("Content-Type".into(), p.clone()));
            form.conditions
                .push(json!(["starts-with", "$Content-Type", p]));
        }
        None => {}
    }
    for (name, value) in &request.metadata {
        form.exact(&format!("x-amz-meta-{}", name.to_ascii_lowercase()), value);
    }
    for (name, value) in &request.fields {
        form.exact(name, value);
    }
    if let Some((min, max)) = request.content_length_range {
        form.conditions
            .push(json!(["content-length-range", min, max]));
    }
    form.conditions
        .extend(request.extra_conditions.iter().cloned());
    form.exact("x-amz-algorithm", "AWS4-HMAC-SHA256");
    form.exact("x-amz-credential", &credential);
    form.exact("x-amz-date", &amz_date);
    if let Some(token) = signer.session_token().map(str::to_string) {
        form.exact("x-amz-security-token", &token);
    }
    check_fields_unique(&form.fields)?;
    let Form {
        mut fields,
        conditions,
    } = form;

    // S3 wants the expiration with milliseconds.
    let expiration = format!("{}.000Z", &format_utc(expires_at)[..19]);
    let policy = json!({ "expiration": expiration, "conditions": conditions });
    let encoded = aws_smithy_types::base64::encode(policy.to_string());
    let signature = signer.sign_string(date, region, "s3", &encoded);
    fields.push(("policy".into(), encoded));
    fields.push(("x-amz-signature".into(), signature));

    let url = if base_url.ends_with('/') {
        base_url.to_string()
    } else {
        format!("{base_url}/")
    };
    let content_type_from_file = matches!(request.content_type, Some(ContentTypeRule::Prefix(_)));
    Ok(SignedPost {
        url,
        fields,
        policy,
        expires_at,
        content_type_from_file,
    })
}

/// `curl -F` for every field, then the file, which S3 requires last.
pub fn curl(post: &SignedPost) -> String {
    let quote = |t: &str| format!("'{}'", t.replace('\'', "'\\''"));
    let mut command = String::from("curl --fail");
    for (name, value) in &post.fields {
        // --form-string: a value starting with @ or < is text, not a file to read.
        command.push_str(&format!(
            " --form-string {}",
            quote(&format!("{name}={value}"))
        ));
    }
    command.push_str(&format!(
        " -F file=@{} {}",
        crate::client_commands::FILE_PLACEHOLDER,
        quote(&post.url)
    ));
    command
}

/// Invoke-WebRequest with an ordered form: the file must come last.
pub fn invoke_web_request(post: &SignedPost) -> String {
    let quote = |t: &str| format!("'{}'", t.replace('\'', "''"));
    let fields: Vec<String> = post
        .fields
        .iter()
        .map(|(n, v)| format!("{} = {}", quote(n), quote(v)))
        .collect();
    format!(
        "Invoke-WebRequest -Method Post -Uri {} -Form ([ordered]@{{ {}; 'file' = Get-Item {} }})",
        quote(&post.url),
        fields.join("; "),
        crate::client_commands::FILE_PLACEHOLDER
    )
}

/// A minimal HTML page with the form, ready to open in a browser.
pub fn html(post: &SignedPost) -> String {
    let escape = |t: &str| {
        t.replace('&', "&amp;")
            .replace('"', "&quot;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let mut page = String::from(
        "<!DOCTYPE html>\n<html>\n<head><meta charset=\"utf-8\"><title>Upload</title></head>\n<body>\n",
    );
    page.push_str(&format!(
        "<form action=\"{}\" method=\"post\" enctype=\"multipart/form-data\">\n",
        escape(&post.url)
    ));
    for (name, value) in &post.fields {
        page.push_str(&format!(
            "  <input type=\"hidden\" name=\"{}\" value=\"{}\">\n",
            escape(name),
            escape(value)
        ));
    }
    // Under a Content-Type prefix, the type the browser gives the chosen file is what is sent.
    let on_change = if post.content_type_from_file {
        " onchange=\"this.form.elements['Content-Type'].value = this.files.length ? this.files[0].type : ''\""
    } else {
        ""
    };
    page.push_str(&format!(
        "  <input type=\"file\" name=\"file\"{on_change}>\n  <input type=\"submit\" value=\"Upload\">\n</form>\n</body>\n</html>\n"
    ));
    page
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditions_are_checked() {
        assert!(check_condition(&json!({"acl": "private"})).is_ok());
        assert!(check_condition(&json!(["starts-with", "$key", "in/"])).is_ok());
        assert!(check_condition(&json!(["content-length-range", 1, 10])).is_ok());
        assert!(check_condition(&json!(["content-length-range", 10, 1]))
            .unwrap_err()
            .contains("min <= max"));
        assert!(check_condition(&json!(["ends-with", "$key", "x"]))
            .unwrap_err()
            .contains("unknown operator 'ends-with'"));
        assert!(check_condition(&json!(["eq", "key", "x"]))
            .unwrap_err()
            .contains("'$'"));
        assert!(check_condition(&json!("text")).is_err());
    }
}
