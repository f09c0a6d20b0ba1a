//! Reading one batch input line into request fields, with the protocol's error codes.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::errors::{ItemError, ItemErrorKind};
use crate::request::{ExpiresIn, RequestFields};
use crate::request_options::{RequestOptions, RESPONSE_OVERRIDES};

/// The fields a request line may carry (docs/protocol.md).
const FIELDS: &[&str] = &[
    "bucket",
    "key",
    "verb",
    "expires",
    "expires_in",
    "version_id",
    "content_type",
    "region",
    "response_content_disposition",
    "response_content_type",
    "response_cache_control",
    "response_content_language",
    "response_content_encoding",
    "response_expires",
    "upload_id",
    "part_number",
    "content_md5",
    "checksum_sha256",
    "sse",
    "sse_kms_key_id",
    "storage_class",
    "acl",
    "metadata",
    "requester_pays",
];

/// A line that was read.
pub struct ParsedLine {
    pub fields: RequestFields,
}

/// A line that could not be read; `input` is the object when the line was at least one.
pub struct LineError {
    pub error: ItemError,
    pub input: Option<Map<String, Value>>,
}

/// The fast path: a well-formed line straight into its fields, borrowing from the line.
/// Anything this refuses goes through `parse_slowly`, which finds the precise error.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WellFormedLine<'a> {
    #[serde(borrow, default)]
    bucket: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    key: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    verb: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    expires: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    expires_in: Option<WellFormedExpiresIn<'a>>,
    #[serde(borrow, default)]
    version_id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    content_type: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    region: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum WellFormedExpiresIn<'a> {
    Seconds(i64),
    Text(#[serde(borrow)] Cow<'a, str>),
}

pub fn parse(line: &[u8]) -> Result<ParsedLine, LineError> {
    if let Ok(l) = serde_json::from_slice::<WellFormedLine<'_>>(line) {
        let owned = |v: Option<Cow<'_, str>>| v.map(Cow::into_owned);
        return Ok(ParsedLine {
            fields: RequestFields {
                bucket: owned(l.bucket),
                key: owned(l.key),
                verb: owned(l.verb),
                expires: owned(l.expires),
                expires_in: l.expires_in.map(|e| match e {
                    WellFormedExpiresIn::Seconds(s) => ExpiresIn::Seconds(s),
                    WellFormedExpiresIn::Text(t) => ExpiresIn::Text(t.into_owned()),
                }),
                version_id: owned(l.version_id),
                content_type: owned(l.content_type),
                region: owned(l.region),
                options: RequestOptions::default(),
            },
        });
    }
    parse_slowly(line)
}

/// The line as a JSON object, to echo with an error about it; None if it is not one.
pub fn input_of(line: &[u8]) -> Option<Map<String, Value>> {
    match serde_json::from_slice::<Value>(line) {
        Ok(Value::Object(map)) => Some(echoable(map)),
        _ => None,
    }
}

/// The part of an input object that an error record may echo: the protocol's own fields only.
/// Anything else (`aws_secret_access_key`, `sse_customer_key`, …) may be a secret that was put
/// in the wrong place, and error records end up in logs.
fn echoable(mut object: Map<String, Value>) -> Map<String, Value> {
    object.retain(|name, _| FIELDS.contains(&name.as_str()));
    object
}

fn parse_slowly(line: &[u8]) -> Result<ParsedLine, LineError> {
    let fail = |kind, message: String, input| LineError {
        error: ItemError::new(kind, message),
        input,
    };
    let text = match std::str::from_utf8(line) {
        Ok(t) => t,
        Err(e) => {
            return Err(fail(
                ItemErrorKind::InvalidJson,
                format!("line is not valid UTF-8 (at byte {})", e.valid_up_to()),
                None,
            ))
        }
    };
    if text.trim().is_empty() {
        return Err(fail(
            ItemErrorKind::EmptyLine,
            "line is empty; each line must be a JSON object".into(),
            None,
        ));
    }
    let object = match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => map,
        Ok(other) => {
            return Err(fail(
                ItemErrorKind::InvalidJson,
                format!(
                    "line is a JSON {}, not an object such as {{\"bucket\":\"b\",\"key\":\"k\"}}",
                    kind_of(&other)
                ),
                None,
            ))
        }
        Err(e) => {
            return Err(fail(
                ItemErrorKind::InvalidJson,
                format!("line is not valid JSON: {e}"),
                None,
            ))
        }
    };
    match fields_of(&object) {
        Ok(fields) => Ok(ParsedLine { fields }),
        Err(error) => Err(LineError {
            error,
            input: Some(echoable(object)),
        }),
    }
}

fn fields_of(object: &Map<String, Value>) -> Result<RequestFields, ItemError> {
    if let Some(unknown) = object.keys().find(|k| !FIELDS.contains(&k.as_str())) {
        return Err(ItemError::new(
            ItemErrorKind::UnknownField,
            format!(
                "unknown field \"{unknown}\"; a line may have: {}",
                FIELDS.join(", ")
            ),
        ));
    }
    let mut fields = RequestFields::default();
    for (name, value) in object {
        if value.is_null() {
            continue; // null means "not given", as in many CSV-to-JSON converters.
        }
        let o = &mut fields.options;
        let slot = match name.as_str() {
            "bucket" => &mut fields.bucket,
            "key" => &mut fields.key,
            "verb" => &mut fields.verb,
            "expires" => &mut fields.expires,
            "version_id" => &mut fields.version_id,
            "content_type" => &mut fields.content_type,
            "region" => &mut fields.region,
            "upload_id" => &mut o.upload_id,
            "content_md5" => &mut o.content_md5,
            "checksum_sha256" => &mut o.checksum_sha256,
            "sse" => &mut o.sse,
            "sse_kms_key_id" => &mut o.sse_kms_key_id,
            "storage_class" => &mut o.storage_class,
            "acl" => &mut o.acl,
            n if n.starts_with("response_") => {
                let index = RESPONSE_OVERRIDES
                    .iter()
                    .position(|(field, _)| *field == n)
                    .expect("listed in FIELDS");
                &mut o.response_overrides[index]
            }
            "part_number" => {
                o.part_number = Some(match value {
                    Value::Number(n) if n.is_i64() => n.as_i64().unwrap_or_default(),
                    Value::String(s) => s.trim().parse().map_err(|_| {
                        ItemError::new(
                            ItemErrorKind::InvalidMultipart,
                            format!("part_number '{s}' is not a whole number"),
                        )
                    })?,
                    other => return Err(wrong_type(name, "a whole number", other)),
                });
                continue;
            }
            "requester_pays" => {
                o.requester_pays = Some(match value {
                    Value::Bool(b) => *b,
                    other => return Err(wrong_type(name, "true or false", other)),
                });
                continue;
            }
            "metadata" => {
                let Value::Object(map) = value else {
                    return Err(wrong_type(name, "an object of strings", value));
                };
                let mut metadata = std::collections::BTreeMap::new();
                for (k, v) in map {
                    match v {
                        Value::String(s) => {
                            metadata.insert(k.clone(), s.clone());
                        }
                        other => {
                            return Err(wrong_type(&format!("metadata.{k}"), "a string", other))
                        }
                    }
                }
                o.metadata = Some(metadata);
                continue;
            }
            "expires_in" => {
                fields.expires_in = Some(match value {
                    Value::String(s) => ExpiresIn::Text(s.clone()),
                    Value::Number(n) => match n.as_i64() {
                        Some(s) => ExpiresIn::Seconds(s),
                        None => {
                            return Err(ItemError::new(
                                ItemErrorKind::InvalidExpiry,
                                format!("expires_in: {n} is not a whole number of seconds"),
                            ))
                        }
                    },
                    other => {
                        return Err(wrong_type(name, "a string or a number of seconds", other))
                    }
                });
                continue;
            }
            _ => unreachable!("unknown fields were refused above"),
        };
        match value {
            Value::String(s) => *slot = Some(s.clone()),
            other => return Err(wrong_type(name, "a string", other)),
        }
    }
    Ok(fields)
}

fn wrong_type(name: &str, expected: &str, got: &Value) -> ItemError {
    ItemError::new(
        ItemErrorKind::InvalidField,
        format!(
            "field \"{name}\" must be {expected}, not a JSON {}",
            kind_of(got)
        ),
    )
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(line: &str) -> &'static str {
        match parse(line.as_bytes()) {
            Ok(_) => "ok",
            Err(e) => e.error.kind.code(),
        }
    }

    #[test]
    fn error_codes() {
        assert_eq!(code(r#"{"bucket":"b","key":"k"}"#), "ok");
        assert_eq!(code("{\"bucket\":"), "invalid_json");
        assert_eq!(code("[1,2]"), "invalid_json");
        assert_eq!(code("   "), "empty_line");
        assert_eq!(code(r#"{"expries":"1h"}"#), "unknown_field");
        assert_eq!(code(r#"{"key":5}"#), "invalid_field");
        assert_eq!(code(r#"{"expires_in":1.5}"#), "invalid_expiry");
        assert_eq!(code(r#"{"expires_in":true}"#), "invalid_field");
        assert_eq!(
            parse(b"\xff\xfe").err().unwrap().error.kind.code(),
            "invalid_json"
        );
    }

    #[test]
    fn echoes_the_object_when_fields_are_wrong() {
        let err = parse(br#"{"bucket":"b","key":7}"#).err().unwrap();
        assert_eq!(err.input.unwrap()["bucket"], "b");
        assert!(err.error.message.contains("\"key\""));
    }

    #[test]
    fn never_echoes_fields_outside_the_protocol() {
        let line = br#"{"bucket":"b","key":"k","aws_secret_access_key":"CANARY-SECRET","sse_customer_key":"CANARY-SSE"}"#;
        let err = parse(line).err().unwrap();
        let input = err.input.unwrap();
        assert_eq!(input["bucket"], "b");
        assert!(
            !input.contains_key("aws_secret_access_key") && !input.contains_key("sse_customer_key")
        );
        let echoed = input_of(line).unwrap();
        assert_eq!(echoed.keys().collect::<Vec<_>>(), ["bucket", "key"]);
    }

    #[test]
    fn fast_and_slow_paths_agree() {
        let lines: [&[u8]; 5] = [
            br#"{"bucket":"b","key":"k\u00e9","verb":"PUT","expires_in":"1h","version_id":"v","content_type":"t"}"#,
            br#"{"key":"k","expires_in":60,"expires":null}"#,
            br#"{"key":"k","expires":"2030-01-01"}"#,
            br#"{}"#,
            br#"{"bucket":"b","key":"a\"quote"}"#,
        ];
        for line in lines {
            let fast = parse(line).ok().unwrap().fields;
            let slow = parse_slowly(line).ok().unwrap().fields;
            assert_eq!(fast, slow, "{}", String::from_utf8_lossy(line));
        }
    }

    #[test]
    fn numbers_and_nulls() {
        let ok = parse(br#"{"key":"k","expires_in":900,"version_id":null}"#)
            .ok()
            .unwrap();
        assert_eq!(ok.fields.expires_in, Some(ExpiresIn::Seconds(900)));
        assert_eq!(ok.fields.version_id, None);
    }
}
