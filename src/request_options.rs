//! The optional parts of a request beyond bucket, key, verb and expiry: GET response-header
//! overrides, multipart upload ids and part numbers, and the headers a PUT signs (checksums,
//! encryption, storage class, ACL, metadata, requester pays). Each becomes a signed query
//! parameter or a signed header that the client must send.

use std::collections::BTreeMap;

use crate::errors::{ItemError, ItemErrorKind};
use crate::request::Verb;

/// GET's response-header overrides: (field name, query parameter).
pub const RESPONSE_OVERRIDES: [(&str, &str); 6] = [
    (
        "response_content_disposition",
        "response-content-disposition",
    ),
    ("response_content_type", "response-content-type"),
    ("response_cache_control", "response-cache-control"),
    ("response_content_language", "response-content-language"),
    ("response_content_encoding", "response-content-encoding"),
    ("response_expires", "response-expires"),
];

const STORAGE_CLASSES: &[&str] = &[
    "STANDARD",
    "REDUCED_REDUNDANCY",
    "STANDARD_IA",
    "ONEZONE_IA",
    "INTELLIGENT_TIERING",
    "GLACIER",
    "DEEP_ARCHIVE",
    "GLACIER_IR",
    "OUTPOSTS",
    "SNOW",
    "EXPRESS_ONEZONE",
];
const CANNED_ACLS: &[&str] = &[
    "private",
    "public-read",
    "public-read-write",
    "authenticated-read",
    "aws-exec-read",
    "bucket-owner-read",
    "bucket-owner-full-control",
];
const ENCRYPTIONS: &[&str] = &["AES256", "aws:kms", "aws:kms:dsse"];

/// Every optional field as given; `over` lays a line's on the flags' defaults.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestOptions {
    /// Indexed like `RESPONSE_OVERRIDES`.
    pub response_overrides: [Option<String>; 6],
    pub upload_id: Option<String>,
    pub part_number: Option<i64>,
    pub content_md5: Option<String>,
    pub checksum_sha256: Option<String>,
    pub sse: Option<String>,
    pub sse_kms_key_id: Option<String>,
    pub storage_class: Option<String>,
    pub acl: Option<String>,
    pub metadata: Option<BTreeMap<String, String>>,
    pub requester_pays: Option<bool>,
}

/// What the options add to the signed request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SignedExtras {
    /// Query parameters (names and values not yet encoded).
    pub query: Vec<(&'static str, String)>,
    /// Headers the client must send, in the case S3 documents them.
    pub headers: Vec<(String, String)>,
    /// The multipart upload and part, also among `query`, for the result to report.
    pub upload_id: Option<String>,
    pub part_number: Option<i64>,
    /// The S3 operation the request performs (set by `validate`).
    pub operation: Option<Operation>,
}

impl SignedExtras {
    /// Checks that the run's SSE-C key (`--sse-customer-key`) fits this request: the operation
    /// takes it, and no `sse` asks for another encryption method, which S3 refuses with 400
    /// InvalidArgument ("customer provided key is incompatible with the encryption method").
    pub fn check_sse_customer_key(&self) -> Result<(), ItemError> {
        if let Some(operation) = self.operation {
            operation.check("sse_customer_key")?;
        }
        if let Some((_, sse)) = self
            .headers
            .iter()
            .find(|(name, _)| name == "x-amz-server-side-encryption")
        {
            return Err(invalid(
                ItemErrorKind::InvalidHeader,
                format!(
                    "sse {sse} and the SSE-C key (--sse-customer-key) are two encryption methods and S3 refuses a request with both: drop sse, or sign without the key"
                ),
            ));
        }
        Ok(())
    }
}

/// The part numbers S3 takes (UploadPart: "a positive integer between 1 and 10,000").
pub const PART_NUMBERS: std::ops::RangeInclusive<i64> = 1..=10_000;

/// The error for a part number outside [`PART_NUMBERS`].
pub fn part_number_out_of_range(n: i64) -> ItemError {
    invalid(
        ItemErrorKind::InvalidMultipart,
        format!("part number {n} is out of range; S3 parts are numbered 1 to 10000"),
    )
}

fn invalid(kind: ItemErrorKind, message: String) -> ItemError {
    ItemError::new(kind, message)
}

impl RequestOptions {
    pub fn is_empty(&self) -> bool {
        *self == RequestOptions::default()
    }

    pub fn over(self, d: &RequestOptions) -> RequestOptions {
        let mut response_overrides = self.response_overrides;
        for (mine, default) in response_overrides.iter_mut().zip(&d.response_overrides) {
            if mine.is_none() {
                mine.clone_from(default);
            }
        }
        RequestOptions {
            response_overrides,
            upload_id: self.upload_id.or_else(|| d.upload_id.clone()),
            part_number: self.part_number.or(d.part_number),
            content_md5: self.content_md5.or_else(|| d.content_md5.clone()),
            checksum_sha256: self.checksum_sha256.or_else(|| d.checksum_sha256.clone()),
            sse: self.sse.or_else(|| d.sse.clone()),
            sse_kms_key_id: self.sse_kms_key_id.or_else(|| d.sse_kms_key_id.clone()),
            storage_class: self.storage_class.or_else(|| d.storage_class.clone()),
            acl: self.acl.or_else(|| d.acl.clone()),
            metadata: self.metadata.or_else(|| d.metadata.clone()),
            requester_pays: self.requester_pays.or(d.requester_pays),
        }
    }

    /// Checks the options against the S3 operation that the verb and multipart fields make,
    /// then their values, and turns them into query parameters and headers.
    ///
    /// Errors: `invalid_multipart` / `invalid_verb` when no operation fits, `option_not_for_verb`
    /// for an option the operation does not take (`Operation::check`), `invalid_header` for a
    /// value S3 would refuse.
    pub fn validate(self, verb: Verb) -> Result<SignedExtras, ItemError> {
        let operation = Operation::of(verb, self.upload_id.as_deref(), self.part_number)?;
        let mut extras = SignedExtras {
            operation: Some(operation),
            ..SignedExtras::default()
        };

        for ((field, parameter), value) in RESPONSE_OVERRIDES.iter().zip(self.response_overrides) {
            if let Some(value) = value {
                operation.check(field)?;
                extras.query.push((parameter, value));
            }
        }
        if let Some(n) = self.part_number {
            extras.query.push(("partNumber", n.to_string()));
        }
        if let Some(id) = &self.upload_id {
            extras.query.push(("uploadId", id.clone()));
        }
        extras.upload_id = self.upload_id;
        extras.part_number = self.part_number;

        if let Some(md5) = self.content_md5 {
            operation.check("content_md5")?;
            check_base64_digest("content_md5", &md5, 16)?;
            extras.headers.push(("Content-MD5".into(), md5));
        }
        if let Some(sha) = self.checksum_sha256 {
            operation.check("checksum_sha256")?;
            check_base64_digest("checksum_sha256", &sha, 32)?;
            extras.headers.push(("x-amz-checksum-sha256".into(), sha));
        }
        if let Some(sse) = self.sse {
            operation.check("sse")?;
            one_of("sse", &sse, ENCRYPTIONS)?;
            extras
                .headers
                .push(("x-amz-server-side-encryption".into(), sse));
        }
        if let Some(key_id) = self.sse_kms_key_id {
            operation.check("sse_kms_key_id")?;
            let kms = extras
                .headers
                .iter()
                .any(|(n, v)| n == "x-amz-server-side-encryption" && v.starts_with("aws:kms"));
            if !kms {
                return Err(invalid(
                    ItemErrorKind::InvalidHeader,
                    "sse_kms_key_id needs sse aws:kms or aws:kms:dsse".into(),
                ));
            }
            extras
                .headers
                .push(("x-amz-server-side-encryption-aws-kms-key-id".into(), key_id));
        }
        if let Some(class) = self.storage_class {
            operation.check("storage_class")?;
            one_of("storage_class", &class, STORAGE_CLASSES)?;
            extras.headers.push(("x-amz-storage-class".into(), class));
        }
        if let Some(acl) = self.acl {
            operation.check("acl")?;
            check_acl(&acl)?;
            extras.headers.push(("x-amz-acl".into(), acl));
        }
        if let Some(metadata) = self.metadata {
            operation.check("metadata")?;
            check_metadata_names_unique(metadata.keys().map(String::as_str))?;
            for (name, value) in metadata {
                check_metadata(&name, &value)?;
                extras
                    .headers
                    .push((format!("x-amz-meta-{}", name.to_ascii_lowercase()), value));
            }
        }
        if self.requester_pays == Some(true) {
            operation.check("requester_pays")?;
            extras
                .headers
                .push(("x-amz-request-payer".into(), "requester".into()));
        }
        Ok(extras)
    }
}

/// The S3 operation a pre-signed request performs, decided by its verb and multipart fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operation {
    GetObject,
    PutObject,
    HeadObject,
    DeleteObject,
    UploadPart,
    CompleteMultipartUpload,
    AbortMultipartUpload,
    ListParts,
}

impl Operation {
    /// Every operation s3presign signs, in the order docs/protocol.md lists them.
    pub const ALL: [Operation; 8] = [
        Operation::GetObject,
        Operation::PutObject,
        Operation::HeadObject,
        Operation::DeleteObject,
        Operation::UploadPart,
        Operation::CompleteMultipartUpload,
        Operation::AbortMultipartUpload,
        Operation::ListParts,
    ];

    /// The operation for a verb, an upload id and a part number (S3 API Reference: UploadPart,
    /// CompleteMultipartUpload, AbortMultipartUpload and ListParts are the object verbs with
    /// `uploadId`; only UploadPart has `partNumber`).
    pub fn of(
        verb: Verb,
        upload_id: Option<&str>,
        part_number: Option<i64>,
    ) -> Result<Operation, ItemError> {
        let multipart = |message: String| Err(invalid(ItemErrorKind::InvalidMultipart, message));
        match (upload_id, part_number) {
            (None, Some(_)) => multipart(
                "part_number needs the upload_id of a multipart upload (s3presign multipart create makes one)".into(),
            ),
            (Some(""), _) => multipart("upload_id is empty".into()),
            (Some(_), Some(n)) if !PART_NUMBERS.contains(&n) => Err(part_number_out_of_range(n)),
            (Some(_), Some(_)) if verb == Verb::Put => Ok(Operation::UploadPart),
            (Some(_), Some(_)) => multipart(format!(
                "a part is uploaded with PUT, but the verb is {}",
                verb.as_str()
            )),
            (Some(_), None) => match verb {
                Verb::Put => multipart("a PUT with an upload_id uploads a part: give part_number too".into()),
                Verb::Post => Ok(Operation::CompleteMultipartUpload),
                Verb::Delete => Ok(Operation::AbortMultipartUpload),
                Verb::Get => Ok(Operation::ListParts),
                Verb::Head => multipart(
                    "HEAD has no multipart form: use GET with the upload_id to list its parts".into(),
                ),
            },
            (None, None) => match verb {
                Verb::Get => Ok(Operation::GetObject),
                Verb::Put => Ok(Operation::PutObject),
                Verb::Head => Ok(Operation::HeadObject),
                Verb::Delete => Ok(Operation::DeleteObject),
                Verb::Post => Err(invalid(
                    ItemErrorKind::InvalidVerb,
                    "POST is signed only to complete a multipart upload: give its upload_id".into(),
                )),
            },
        }
    }

    /// How a request asks for this operation, for messages.
    pub fn request_form(self) -> &'static str {
        match self {
            Operation::GetObject => "GET",
            Operation::PutObject => "PUT",
            Operation::HeadObject => "HEAD",
            Operation::DeleteObject => "DELETE",
            Operation::UploadPart => "PUT with upload_id and part_number",
            Operation::CompleteMultipartUpload => "POST with upload_id",
            Operation::AbortMultipartUpload => "DELETE with upload_id",
            Operation::ListParts => "GET with upload_id",
        }
    }

    /// Whether the operation's input has the member an option sets.
    pub fn takes(self, option: &str) -> bool {
        let member = option_member(option);
        self.members().contains(&member)
    }

    /// Refuses an option (its request field name, e.g. `sse`) that this operation does not take:
    /// S3 would refuse the request, so no URL is made. The one check every command uses.
    pub fn check(self, option: &str) -> Result<(), ItemError> {
        if self.takes(option) {
            return Ok(());
        }
        let takers: Vec<String> = Operation::ALL
            .iter()
            .filter(|op| op.takes(option))
            .map(|op| format!("{op:?} ({})", op.request_form()))
            .collect();
        let kind = if option == "content_type" && self.verb() != Verb::Put {
            ItemErrorKind::ContentTypeNotPut
        } else {
            ItemErrorKind::OptionNotForVerb
        };
        Err(invalid(
            kind,
            format!(
                "{option} is not an option of {self:?} ({}), so S3 would refuse the request; it is taken by {}",
                self.request_form(),
                if takers.is_empty() { "no operation s3presign signs".to_string() } else { takers.join(", ") }
            ),
        ))
    }

    /// The verb the operation is signed for.
    pub fn verb(self) -> Verb {
        match self {
            Operation::GetObject | Operation::ListParts => Verb::Get,
            Operation::PutObject | Operation::UploadPart => Verb::Put,
            Operation::HeadObject => Verb::Head,
            Operation::DeleteObject | Operation::AbortMultipartUpload => Verb::Delete,
            Operation::CompleteMultipartUpload => Verb::Post,
        }
    }
}

/// Request options (request field names) and the member of aws-sdk-s3's operation input each
/// one sets. Options that set several members (the SSE-C key sets algorithm, key and key MD5)
/// are named by one of them.
pub const OPTION_MEMBERS: [(&str, &str); 17] = [
    (
        "response_content_disposition",
        "response_content_disposition",
    ),
    ("response_content_type", "response_content_type"),
    ("response_cache_control", "response_cache_control"),
    ("response_content_language", "response_content_language"),
    ("response_content_encoding", "response_content_encoding"),
    ("response_expires", "response_expires"),
    ("version_id", "version_id"),
    ("content_type", "content_type"),
    ("content_md5", "content_md5"),
    ("checksum_sha256", "checksum_sha256"),
    ("sse", "server_side_encryption"),
    ("sse_kms_key_id", "ssekms_key_id"),
    ("storage_class", "storage_class"),
    ("acl", "acl"),
    ("metadata", "metadata"),
    ("requester_pays", "request_payer"),
    ("sse_customer_key", "sse_customer_key"),
];

fn option_member(option: &str) -> &'static str {
    OPTION_MEMBERS
        .iter()
        .find(|(name, _)| *name == option)
        .map(|(_, member)| *member)
        .unwrap_or_else(|| panic!("{option} is listed in OPTION_MEMBERS"))
}

/// Lists, per operation, the members of its aws-sdk-s3 input (`GetObjectInput`, ...) that an
/// option sets. The list compiles only while each member is a field of that input, and the
/// unit test `members_are_exactly_those_of_the_aws_sdk_s3_inputs` checks that no option's
/// member is missing from an input that has it.
macro_rules! operation_members {
    ($($operation:ident: $input:ty => [$($member:ident),* $(,)?];)*) => {
        impl Operation {
            /// The option members the operation's input has (names as in aws-sdk-s3).
            pub fn members(self) -> &'static [&'static str] {
                match self {
                    $(Operation::$operation => &[$(stringify!($member)),*],)*
                }
            }

            /// The operation's aws-sdk-s3 input with nothing set, as Debug prints it: every
            /// member's name appears.
            #[cfg(test)]
            fn empty_input_debug(self) -> String {
                match self {
                    $(Operation::$operation => format!("{:?}", <$input>::builder().build().expect("an empty input builds")),)*
                }
            }
        }

        #[allow(dead_code)]
        fn members_are_fields_of_the_aws_sdk_s3_inputs() {
            $($(let _ = <$input>::$member;)*)*
        }
    };
}

use aws_sdk_s3::operation as s3op;

operation_members! {
    GetObject: s3op::get_object::GetObjectInput => [
        response_content_disposition, response_content_type, response_cache_control,
        response_content_language, response_content_encoding, response_expires,
        version_id, request_payer, sse_customer_key,
    ];
    PutObject: s3op::put_object::PutObjectInput => [
        content_type, content_md5, checksum_sha256, server_side_encryption, ssekms_key_id,
        storage_class, acl, metadata, request_payer, sse_customer_key,
    ];
    HeadObject: s3op::head_object::HeadObjectInput => [
        response_content_disposition, response_content_type, response_cache_control,
        response_content_language, response_content_encoding, response_expires,
        version_id, request_payer, sse_customer_key,
    ];
    DeleteObject: s3op::delete_object::DeleteObjectInput => [version_id, request_payer];
    UploadPart: s3op::upload_part::UploadPartInput => [
        content_md5, checksum_sha256, request_payer, sse_customer_key,
    ];
    CompleteMultipartUpload: s3op::complete_multipart_upload::CompleteMultipartUploadInput => [
        checksum_sha256, request_payer, sse_customer_key,
    ];
    AbortMultipartUpload: s3op::abort_multipart_upload::AbortMultipartUploadInput => [request_payer];
    ListParts: s3op::list_parts::ListPartsInput => [request_payer, sse_customer_key];
}

/// Watches a run for one body digest (`content_md5`, `checksum_sha256`) from the run's defaults
/// signed into several parts of a multipart upload: a part's digest is that of the part's own
/// bytes, so at most one of those parts can match, and S3 refuses the others (BadDigest).
#[derive(Debug, Default)]
pub struct SharedPartDigest {
    first_part: Option<i64>,
    warned: bool,
}

impl SharedPartDigest {
    /// Looks at one line (`line` over `defaults`); returns the warning, once per run, when a
    /// second part takes the defaults' digest.
    pub fn observe(&mut self, line: &RequestOptions, defaults: &RequestOptions) -> Option<String> {
        let part = line.part_number.or(defaults.part_number)?;
        let shared = [
            ("content_md5", &line.content_md5, &defaults.content_md5),
            (
                "checksum_sha256",
                &line.checksum_sha256,
                &defaults.checksum_sha256,
            ),
        ]
        .into_iter()
        .find(|(_, own, default)| own.is_none() && default.is_some())
        .map(|(name, _, _)| name)?;
        match self.first_part {
            None => {
                self.first_part = Some(part);
                None
            }
            Some(first) if first != part && !self.warned => {
                self.warned = true;
                Some(format!(
                    "the same {shared} is signed into parts {first} and {part}: a part's digest is that of its own bytes, so at most one part can match and S3 refuses the others; give each part its own {shared}"
                ))
            }
            Some(_) => None,
        }
    }
}

/// HTTP header names are case-insensitive and S3 stores one lower-case `x-amz-meta-` name, so
/// two metadata names that differ only in case would sign one header twice (RFC 9110 5.1).
pub fn check_metadata_names_unique<'a>(
    names: impl Iterator<Item = &'a str>,
) -> Result<(), ItemError> {
    let mut seen: Vec<&str> = Vec::new();
    for name in names {
        if seen.contains(&name) {
            return Err(invalid(
                ItemErrorKind::InvalidHeader,
                format!("metadata name '{name}' is given twice: give it once"),
            ));
        }
        if let Some(first) = seen.iter().find(|s| s.eq_ignore_ascii_case(name)) {
            return Err(invalid(
                ItemErrorKind::InvalidHeader,
                format!(
                    "metadata names '{first}' and '{name}' differ only in case; header names are case-insensitive and S3 keeps one (x-amz-meta-{}): give one of them",
                    name.to_ascii_lowercase()
                ),
            ));
        }
        seen.push(name);
    }
    Ok(())
}

/// A canned ACL S3 knows (S3 User Guide, "Canned ACL"); shared by `url`, `batch` and `post`.
pub fn check_acl(acl: &str) -> Result<(), ItemError> {
    one_of("acl", acl, CANNED_ACLS)
}

fn one_of(field: &str, value: &str, allowed: &[&str]) -> Result<(), ItemError> {
    if allowed.contains(&value) {
        Ok(())
    } else {
        Err(invalid(
            ItemErrorKind::InvalidHeader,
            format!("{field} '{value}' is not one of: {}", allowed.join(", ")),
        ))
    }
}

fn check_base64_digest(field: &str, value: &str, bytes: usize) -> Result<(), ItemError> {
    match aws_smithy_types::base64::decode(value) {
        Ok(decoded) if decoded.len() == bytes => Ok(()),
        _ => Err(invalid(
            ItemErrorKind::InvalidHeader,
            format!("{field} '{value}' is not the base64 of a {bytes}-byte digest"),
        )),
    }
}

/// Metadata travels as HTTP headers: names are header tokens, values printable ASCII.
pub fn check_metadata(name: &str, value: &str) -> Result<(), ItemError> {
    let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
    if name.is_empty() || !name.chars().all(token) {
        return Err(invalid(
            ItemErrorKind::InvalidHeader,
            format!("metadata name '{name}' is not a valid header name (letters, digits, - and _)"),
        ));
    }
    if !value.chars().all(|c| c == ' ' || c.is_ascii_graphic()) {
        return Err(invalid(
            ItemErrorKind::InvalidHeader,
            format!("metadata '{name}' has a value that is not printable ASCII; S3 metadata sent as headers must be"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(options: RequestOptions, verb: Verb) -> &'static str {
        match options.validate(verb) {
            Ok(_) => "ok",
            Err(e) => e.kind.code(),
        }
    }

    /// The option members listed per operation are exactly those its aws-sdk-s3 input has.
    #[test]
    fn members_are_exactly_those_of_the_aws_sdk_s3_inputs() {
        for operation in Operation::ALL {
            let input = operation.empty_input_debug();
            for (option, member) in OPTION_MEMBERS {
                assert_eq!(
                    input.contains(&format!(" {member}: ")),
                    operation.takes(option),
                    "{operation:?} and {option} ({member}) in {input}"
                );
            }
        }
    }

    #[test]
    fn options_an_operation_does_not_take_are_refused() {
        let part = |f: fn(&mut RequestOptions)| {
            let mut o = RequestOptions {
                upload_id: Some("U1".into()),
                part_number: Some(1),
                ..Default::default()
            };
            f(&mut o);
            o
        };
        assert_eq!(
            code(part(|o| o.sse = Some("AES256".into())), Verb::Put),
            "option_not_for_verb"
        );
        assert_eq!(
            code(part(|o| o.acl = Some("private".into())), Verb::Put),
            "option_not_for_verb"
        );
        assert_eq!(
            code(
                part(|o| o.storage_class = Some("STANDARD".into())),
                Verb::Put
            ),
            "option_not_for_verb"
        );
        assert_eq!(
            code(
                part(|o| o.metadata = Some([("a".into(), "b".into())].into())),
                Verb::Put
            ),
            "option_not_for_verb"
        );
        assert_eq!(
            code(
                part(|o| o.content_md5 = Some("1B2M2Y8AsgTpgAmY7PhCfg==".into())),
                Verb::Put
            ),
            "ok"
        );
        assert_eq!(
            code(part(|o| o.requester_pays = Some(true)), Verb::Put),
            "ok"
        );
        let message = part(|o| o.sse = Some("AES256".into()))
            .validate(Verb::Put)
            .unwrap_err()
            .message;
        assert!(
            message.contains("UploadPart") && message.contains("PutObject (PUT)"),
            "{message}"
        );
    }

    #[test]
    fn one_digest_for_several_parts_is_warned_about_once() {
        let defaults = RequestOptions {
            upload_id: Some("U1".into()),
            content_md5: Some("1B2M2Y8AsgTpgAmY7PhCfg==".into()),
            ..Default::default()
        };
        let part = |n: i64, own: Option<&str>| RequestOptions {
            part_number: Some(n),
            content_md5: own.map(String::from),
            ..Default::default()
        };
        let mut check = SharedPartDigest::default();
        assert_eq!(check.observe(&part(1, None), &defaults), None);
        let warning = check.observe(&part(2, None), &defaults).unwrap();
        assert!(warning.contains("parts 1 and 2"), "{warning}");
        assert_eq!(check.observe(&part(3, None), &defaults), None, "once");
        let mut own = SharedPartDigest::default();
        assert_eq!(own.observe(&part(1, Some("a")), &defaults), None);
        assert_eq!(own.observe(&part(2, Some("b")), &defaults), None);
    }

    #[test]
    fn metadata_names_differing_only_in_case_are_refused() {
        let o = RequestOptions {
            metadata: Some([("Owner".into(), "a".into()), ("owner".into(), "b".into())].into()),
            ..Default::default()
        };
        let error = o.validate(Verb::Put).unwrap_err();
        assert_eq!(error.kind, ItemErrorKind::InvalidHeader);
        assert!(
            error.message.contains("'Owner' and 'owner'"),
            "{}",
            error.message
        );
    }

    #[test]
    fn overrides_only_for_get() {
        let mut o = RequestOptions::default();
        o.response_overrides[0] = Some("attachment; filename=\"a.pdf\"".into());
        let extras = o.clone().validate(Verb::Get).unwrap();
        assert_eq!(extras.query[0].0, "response-content-disposition");
        assert_eq!(code(o, Verb::Put), "option_not_for_verb");
    }

    #[test]
    fn multipart_rules() {
        let part = |id: Option<&str>, n: Option<i64>| RequestOptions {
            upload_id: id.map(String::from),
            part_number: n,
            ..Default::default()
        };
        assert_eq!(code(part(Some("u"), Some(1)), Verb::Put), "ok");
        assert_eq!(
            code(part(Some("u"), Some(10_001)), Verb::Put),
            "invalid_multipart"
        );
        assert_eq!(code(part(None, Some(1)), Verb::Put), "invalid_multipart");
        assert_eq!(code(part(Some("u"), None), Verb::Put), "invalid_multipart");
        assert_eq!(
            code(part(Some("u"), Some(1)), Verb::Get),
            "invalid_multipart"
        );
        assert_eq!(code(part(Some("u"), None), Verb::Post), "ok", "complete");
        assert_eq!(code(part(Some("u"), None), Verb::Delete), "ok", "abort");
        assert_eq!(code(part(None, None), Verb::Post), "invalid_verb");
    }

    #[test]
    fn headers_are_checked() {
        let with = |f: fn(&mut RequestOptions)| {
            let mut o = RequestOptions::default();
            f(&mut o);
            o
        };
        assert_eq!(
            code(with(|o| o.sse = Some("AES256".into())), Verb::Put),
            "ok"
        );
        assert_eq!(
            code(with(|o| o.sse = Some("aes".into())), Verb::Put),
            "invalid_header"
        );
        assert_eq!(
            code(with(|o| o.sse_kms_key_id = Some("k".into())), Verb::Put),
            "invalid_header"
        );
        assert_eq!(
            code(
                with(|o| o.content_md5 = Some("1B2M2Y8AsgTpgAmY7PhCfg==".into())),
                Verb::Put
            ),
            "ok"
        );
        assert_eq!(
            code(with(|o| o.content_md5 = Some("nope".into())), Verb::Put),
            "invalid_header"
        );
        assert_eq!(
            code(with(|o| o.acl = Some("public-read".into())), Verb::Get),
            "option_not_for_verb"
        );
        assert_eq!(
            code(with(|o| o.storage_class = Some("COLD".into())), Verb::Put),
            "invalid_header"
        );
        let meta = |k: &str, v: &str| RequestOptions {
            metadata: Some([(k.to_string(), v.to_string())].into()),
            ..Default::default()
        };
        assert_eq!(code(meta("Owner", "ops team"), Verb::Put), "ok");
        assert_eq!(code(meta("bad name", "x"), Verb::Put), "invalid_header");
        assert_eq!(code(meta("owner", "é"), Verb::Put), "invalid_header");
        let extras = meta("Owner", "ops").validate(Verb::Put).unwrap();
        assert_eq!(
            extras.headers,
            vec![("x-amz-meta-owner".to_string(), "ops".to_string())]
        );
    }
}
