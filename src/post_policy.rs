//! Browser uploads: a signed POST policy (S3's "POST Object" with SigV4), as boto3's
//! `generate_presigned_post` makes — the form's URL and fields, in form order, with the policy
//! document that bounds what may be uploaded (key or key prefix, size range, content type, …).

use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use crate::errors::{ItemError, ItemErrorKind};
use crate::expiry::{format_amz_date, format_utc};
use crate::request::Verb;
use crate::request_options::{check_metadata_names_unique, RequestOptions};
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
fn check_fields_unique(fields: &[(String, String)]) -> Result<(), ItemError> {
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
            return Err(ItemError::new(
                ItemErrorKind::InvalidPolicy,
                format!(
                    "the form would carry the field {shown} twice, so no upload could satisfy the policy: give it once (--key, --acl, --content-type, --metadata NAME is x-amz-meta-NAME, --field)"
                ),
            ));
        }
    }
    Ok(())
}

/// Sets one request option to a form field's value.
type SetOption = fn(&mut RequestOptions, String);

/// Form fields that are PutObject's headers under their S3 names (lower case), and the request
/// option each one is: checked by the same functions as `url`'s options, with the same messages.
const HEADER_FIELDS: [(&str, SetOption); 5] = [
    ("acl", |o, v| o.acl = Some(v)),
    ("x-amz-storage-class", |o, v| o.storage_class = Some(v)),
    ("x-amz-server-side-encryption", |o, v| o.sse = Some(v)),
    ("x-amz-server-side-encryption-aws-kms-key-id", |o, v| {
        o.sse_kms_key_id = Some(v)
    }),
    ("x-amz-checksum-sha256", |o, v| o.checksum_sha256 = Some(v)),
];

/// Checks every value the form fixes as `url --verb PUT` checks the same header: the bucket, the
/// key, the ACL, the metadata names and values, and `--field`s that are S3 headers (storage class,
/// encryption, checksum). A form is a PutObject, so `Operation::PutObject`'s rules apply. Run
/// before `sign`, which takes the values as checked.
///
/// Errors: `invalid_bucket`, `invalid_key`, `invalid_header`, each with `url`'s message.
pub fn check_values(request: &PostRequest) -> Result<(), ItemError> {
    crate::request::check_bucket(&request.bucket)?;
    match &request.key {
        KeyRule::Exact(key) | KeyRule::Prefix(key) => crate::request::check_key(key)?,
    }
    let mut options = RequestOptions {
        acl: request.acl.clone(),
        ..RequestOptions::default()
    };
    let mut metadata: Vec<(&str, &str)> = request
        .metadata
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    for (name, value) in &request.fields {
        let lower = name.to_ascii_lowercase();
        if lower.starts_with(META_PREFIX) {
            metadata.push((&name[META_PREFIX.len()..], value));
        } else if let Some((_, set)) = HEADER_FIELDS.iter().find(|(field, _)| *field == lower) {
            set(&mut options, value.clone());
        }
    }
    check_metadata_names_unique(metadata.iter().map(|(name, _)| *name))?;
    if !metadata.is_empty() {
        options.metadata = Some(
            metadata
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
        );
    }
    options.validate(Verb::Put).map(|_| ())
}

const META_PREFIX: &str = "x-amz-meta-";

/// Stands in a field the uploader completes, after the prefix a `starts-with` condition fixes.
pub const FILL_IN: &str = "FILL_IN";

/// Stands for the uploaded file's Content-Type in the curl and Invoke-WebRequest commands of a
/// form with a Content-Type prefix: S3 stores the object with the form's Content-Type field, so
/// the commands must send the file's real type (which the policy then checks against the prefix).
pub const FILE_TYPE_PLACEHOLDER: &str = "LOCAL_FILE_CONTENT_TYPE";

/// Fields no condition can name: the policy and signature cover the conditions, the file is the upload.
const UNCONDITIONED_FIELDS: [&str; 3] = ["policy", "x-amz-signature", "file"];

/// One `eq` or `starts-with` condition on a form field: (operator, field name without `$`, value).
fn field_condition(condition: &Value) -> Option<(&str, &str, &str)> {
    match condition {
        Value::Object(map) => map
            .iter()
            .next()
            .and_then(|(name, value)| Some(("eq", name.as_str(), value.as_str()?))),
        Value::Array(items) => match items.as_slice() {
            [Value::String(op), Value::String(field), Value::String(value)] => {
                Some((op.as_str(), field.strip_prefix('$')?, value.as_str()))
            }
            _ => None,
        },
        _ => None,
    }
}

/// Makes the form carry every field a `--condition` names (S3 refuses a form without it): with
/// the condition's value for `eq`, with the prefix and `FILL_IN` for `starts-with`. A field the
/// form already carries must satisfy the condition, or no upload could: refused, naming the field.
/// `bucket` is checked against the form's bucket (S3 reads it from the URL, not a field).
fn carry_conditioned_fields(request: &PostRequest, form: &mut Form) -> Result<(), ItemError> {
    for condition in &request.extra_conditions {
        let Some((op, name, value)) = field_condition(condition) else {
            continue;
        };
        let refuse = |why: String| {
            Err(ItemError::new(
                ItemErrorKind::InvalidPolicy,
                format!("--condition {condition}: {why}, so no upload could satisfy the policy"),
            ))
        };
        let satisfied = |actual: &str| match op {
            "eq" => actual == value,
            _ => actual.starts_with(value),
        };
        if UNCONDITIONED_FIELDS
            .iter()
            .any(|f| f.eq_ignore_ascii_case(name))
        {
            return refuse(format!("S3 checks no condition on the '{name}' field"));
        }
        if name.eq_ignore_ascii_case("bucket") {
            if !satisfied(&request.bucket) {
                return refuse(format!("the form posts to the bucket '{}'", request.bucket));
            }
            continue;
        }
        match form
            .fields
            .iter()
            .find(|(field, _)| field.eq_ignore_ascii_case(name))
        {
            // A value the uploader completes (the key's ${filename}, the file's Content-Type)
            // only has to agree with what is fixed of it.
            Some((field, current)) => {
                let fixed = fixed_part(request, field, current);
                let agrees = match fixed {
                    Some(fixed) => {
                        value.starts_with(fixed) || (op != "eq" && fixed.starts_with(value))
                    }
                    None => satisfied(current),
                };
                if !agrees {
                    // The value is not shown: the field may be the session token.
                    return refuse(format!(
                        "the form's '{field}' field has another value; change the condition or the option that sets '{field}'"
                    ));
                }
            }
            None if op == "eq" => form.fields.push((name.to_string(), value.to_string())),
            None => form
                .fields
                .push((name.to_string(), format!("{value}{FILL_IN}"))),
        }
    }
    Ok(())
}

/// For a field whose value the uploader completes, the part the form fixes: the key before
/// `${filename}`, the Content-Type prefix. None for a field the form fixes entirely.
fn fixed_part<'a>(request: &PostRequest, field: &str, current: &'a str) -> Option<&'a str> {
    match field {
        "key" => current.strip_suffix("${filename}"),
        "Content-Type" if matches!(request.content_type, Some(ContentTypeRule::Prefix(_))) => {
            Some(current)
        }
        _ => None,
    }
}

/// Builds and signs the policy. `base_url` is the bucket's endpoint (`https://bucket.s3…` or
/// `http://host/bucket`), `region` the signing region.
///
/// The request's values are those `check_values` passed, its conditions those `check_condition`
/// passed. Errors: `invalid_policy` (a field twice, a condition the form cannot satisfy).
pub fn sign(
    request: &PostRequest,
    signer: &mut Signer,
    base_url: &str,
    region: &str,
    signed_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<SignedPost, ItemError> {
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
            // The form still has to send a Content-Type; the prefix is its natural start (the
            // HTML page and the commands put the file's own type there).
            form.fields.push(("Content-Type".into(), p.clone()));
            form.conditions
                .push(json!(["starts-with", "$Content-Type", p]));
        }
        None => {}
    }
    for (name, value) in &request.metadata {
        form.exact(
            &format!("{META_PREFIX}{}", name.to_ascii_lowercase()),
            value,
        );
    }
    for (name, value) in &request.fields {
        form.exact(name, value);
    }
    if let Some((min, max)) = request.content_length_range {
        form.conditions
            .push(json!(["content-length-range", min, max]));
    }
    form.exact("x-amz-algorithm", "AWS4-HMAC-SHA256");
    form.exact("x-amz-credential", &credential);
    form.exact("x-amz-date", &amz_date);
    if let Some(token) = signer.session_token().map(str::to_string) {
        form.exact("x-amz-security-token", &token);
    }
    check_fields_unique(&form.fields)?;
    carry_conditioned_fields(request, &mut form)?;
    form.conditions
        .extend(request.extra_conditions.iter().cloned());
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

/// The value a command sends for a field: the file's own type in place of a Content-Type prefix.
fn command_value<'a>(post: &SignedPost, name: &str, value: &'a str) -> &'a str {
    if post.content_type_from_file && name == "Content-Type" {
        FILE_TYPE_PLACEHOLDER
    } else {
        value
    }
}

/// `curl -F` for every field, then the file, which S3 requires last.
pub fn curl(post: &SignedPost) -> String {
    let quote = |t: &str| format!("'{}'", t.replace('\'', "'\\''"));
    let mut command = String::from("curl --fail");
    for (name, value) in &post.fields {
        // --form-string: a value starting with @ or < is text, not a file to read.
        let value = command_value(post, name, value);
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

/// Invoke-WebRequest with the form built part by part, the file last (S3 requires it). Not
/// `-Form`: PowerShell writes its field names unquoted (`name=key`) and adds `filename*=`, which
/// not every S3 implementation reads (s3s refuses it as MalformedPOSTRequest); the quoted
/// `name="key"` of RFC 7578 section 4.2 is read by all. The file part's `filename` is what S3 puts
/// in place of `${filename}`.
pub fn invoke_web_request(post: &SignedPost) -> String {
    let quote = |t: &str| format!("'{}'", t.replace('\'', "''"));
    let fields: Vec<String> = post
        .fields
        .iter()
        .map(|(n, v)| format!("{} = {}", quote(n), quote(command_value(post, n, v))))
        .collect();
    let file = crate::client_commands::FILE_PLACEHOLDER;
    format!(
        "$form = [System.Net.Http.MultipartFormDataContent]::new(); \
         foreach ($field in ([ordered]@{{ {} }}).GetEnumerator()) {{ \
         $part = [System.Net.Http.StringContent]::new($field.Value); $part.Headers.ContentType = $null; \
         $part.Headers.ContentDisposition = 'form-data; name=\"' + $field.Key + '\"'; $form.Add($part) }}; \
         $file = [System.Net.Http.StreamContent]::new([System.IO.File]::OpenRead((Resolve-Path -LiteralPath {file}).ProviderPath)); \
         $file.Headers.ContentDisposition = 'form-data; name=\"file\"; filename=\"' + (Split-Path -Leaf {file}) + '\"'; \
         $form.Add($file); try {{ Invoke-WebRequest -Method Post -Uri {} -Body $form }} finally {{ $form.Dispose() }}",
        fields.join("; "),
        quote(&post.url),
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
        match value.strip_suffix(FILL_IN) {
            // A field a `starts-with` condition leaves to the uploader: shown, starting with its prefix.
            Some(prefix) => page.push_str(&format!(
                "  <label>{name} <input type=\"text\" name=\"{name}\" value=\"{}\" required></label>\n",
                escape(prefix),
                name = escape(name)
            )),
            None => page.push_str(&format!(
                "  <input type=\"hidden\" name=\"{}\" value=\"{}\">\n",
                escape(name),
                escape(value)
            )),
        }
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
