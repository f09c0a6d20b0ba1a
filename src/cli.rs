//! Command-line flags. Each flag is defined once here and shared by `url` and `batch`, where it
//! is the default for every line.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::errors::SetupError;
use crate::request::{ExpiresIn, RequestFields};
use crate::request_options::RequestOptions;
use crate::sse_customer_key::{KeySource, SseCustomerKey};

#[derive(Debug, Parser)]
#[command(
    name = "s3presign",
    version,
    about = "Make pre-signed S3 URLs (SigV4), one at a time or in bulk",
    long_about = "Make pre-signed S3 URLs (SigV4), one at a time or in bulk.\n\n\
        Credentials and region come from the AWS SDK's usual places: environment variables, \
        ~/.aws/config and ~/.aws/credentials (AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE), \
        named profiles with SSO, assume-role or credential_process. Signing with long-term keys \
        makes no network call.",
    after_help = "Exit codes: 0 all signed, 1 some requests failed, 2 usage or setup failure."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Sign one request and print it.
    #[command(
        mut_arg("bucket", |a| a.required_unless_present("s3_uri")),
        mut_arg("key", |a| a
            .required_unless_present_any(["recursive", "s3_uri"])
            .conflicts_with("recursive")),
        // Four forms: clap's own usage line would show none as required, since each flag may
        // be replaced by another form's.
        override_usage = "s3presign url [OPTIONS] --bucket <BUCKET> --key <KEY>\n       \
                          s3presign url [OPTIONS] --bucket <BUCKET> --recursive [--key-prefix <PREFIX>]\n       \
                          s3presign url [OPTIONS] s3://BUCKET/KEY\n       \
                          s3presign url [OPTIONS] s3://BUCKET/PREFIX --recursive",
        after_help = URL_EXAMPLES
    )]
    Url(UrlArgs),
    /// Sign requests read on stdin (JSON Lines, keys, s3:// URIs or CSV); write one result per
    /// input, in order (JSON Lines, URLs, CSV or TSV; docs/protocol.md).
    #[command(after_help = BATCH_EXAMPLES)]
    Batch(BatchArgs),
    /// Start a multipart upload (a call to S3), so that its parts can be signed with
    /// `url --verb PUT --upload-id ID --part-number N` and completed with `--verb POST`.
    #[command(subcommand)]
    Multipart(MultipartCommand),
    /// Read pre-signed URLs back (SigV4 and SigV2): bucket, key, access key, expiry, time left,
    /// signed headers, overrides; with --verify, check the signature with your credentials.
    /// URLs come as arguments, or one per line on stdin.
    Inspect(InspectArgs),
    /// Sign a POST policy for browser and form uploads (boto3's generate_presigned_post): the
    /// form URL and its fields, bounded by key or key prefix, size range, content type, ...
    Post(PostArgs),
    /// List the profiles of the AWS config and credentials files, with their regions (no
    /// network call, no secrets).
    Profiles(ProfilesArgs),
    /// List the AWS regions this build knows, one per line (the S3 regions of every partition;
    /// for tab completion). Any well-formed region can still be signed for, with a warning.
    Regions,
    /// Print a shell completion script. Bash: `source <(s3presign completions bash)`;
    /// PowerShell: `s3presign completions powershell | Out-String | Invoke-Expression`.
    Completions(CompletionsArgs),
    /// Print the man page (roff): `s3presign man | man -l -`; with --out-dir, write one page per
    /// command (s3presign.1, s3presign-url.1, ...) into a folder.
    Man(ManArgs),
}

// Each line fits 80 columns, so that help output does not wrap an example.
const URL_EXAMPLES: &str = "\
Examples:
  s3presign url --bucket my-bucket --key 'reports/2025 Q1.pdf' --expires-in 1d
  s3presign url s3://my-bucket/reports/q1.pdf --expires-in 3600
  s3presign url --profile prod --bucket my-bucket --key r/q1.pdf --output table
  s3presign url --bucket my-bucket --key in/a.jpg --verb PUT --output json
  s3presign url --bucket my-bucket --key-prefix reports/2025/ --recursive \\
      --exclude '*' --include '*.pdf' --output csv > links.csv
  s3presign url s3://my-bucket/reports/2025/ --recursive > links.txt

Quote a key with spaces, or the shell splits it into several arguments.";

const BATCH_EXAMPLES: &str = "\
Examples:
  printf '%s\\n' '{\"key\":\"a.txt\"}' '{\"key\":\"b.txt\"}' | s3presign batch --bucket my-bucket
  echo '{\"bucket\":\"my-bucket\",\"key\":\"a.txt\",\"verb\":\"PUT\"}' | s3presign batch
  s3presign batch --profile prod --expires-in 12h < requests.jsonl > results.jsonl

Flags are the defaults for every line; a field on a line overrides them (docs/protocol.md).";

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum, ignore_case = true)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write s3presign.1 and a page for each subcommand into this folder instead of printing.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ProfilesArgs {
    /// Use this shared credentials file instead of ~/.aws/credentials.
    #[arg(long, value_name = "PATH")]
    pub credentials_file: Option<PathBuf>,
    /// What to print: name and region per line (url, table), or a JSON array.
    #[arg(long, value_enum, ignore_case = true, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
}

/// A form for any key in the bucket must be asked for (`--key-prefix ''`), never a default.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("key_rule").required(true).args(["key", "key_prefix"])))]
pub struct PostArgs {
    /// Bucket name.
    #[arg(long)]
    pub bucket: String,
    /// The exact key the upload gets.
    #[arg(long, conflicts_with = "key_prefix", allow_hyphen_values = true)]
    pub key: Option<String>,
    /// Any key starting with this; the form's key field is PREFIX${filename}, which S3 fills in
    /// with the uploaded file's name. '' allows any key in the bucket.
    #[arg(long, allow_hyphen_values = true)]
    pub key_prefix: Option<String>,
    /// Policy expiry instant (as for `url`).
    #[arg(long, conflicts_with = "expires_in")]
    pub expires: Option<String>,
    /// Policy lifetime [default: 1h; at most 7d].
    #[arg(long)]
    pub expires_in: Option<String>,
    /// Allowed upload size in bytes, MIN,MAX (e.g. 1,10485760).
    #[arg(long, value_name = "MIN,MAX", value_parser = parse_range)]
    pub content_length_range: Option<(u64, u64)>,
    /// The exact Content-Type the upload must have.
    #[arg(long, conflicts_with = "content_type_prefix")]
    pub content_type: Option<String>,
    /// A Content-Type prefix the upload must have, e.g. image/.
    #[arg(long)]
    pub content_type_prefix: Option<String>,
    /// Canned ACL of the uploaded object.
    #[arg(long)]
    pub acl: Option<String>,
    /// HTTP status S3 answers a successful upload with (200, 201 or 204).
    #[arg(long)]
    pub success_action_status: Option<String>,
    /// Where the browser is sent after a successful upload.
    #[arg(long)]
    pub success_action_redirect: Option<String>,
    /// User metadata NAME=VALUE (x-amz-meta-NAME); repeatable.
    #[arg(long, value_name = "NAME=VALUE", value_parser = parse_metadata)]
    pub metadata: Vec<(String, String)>,
    /// Another form field NAME=VALUE, fixed exactly by the policy; repeatable.
    #[arg(long = "field", value_name = "NAME=VALUE", value_parser = parse_metadata)]
    pub fields: Vec<(String, String)>,
    /// Another policy condition as JSON, e.g. '["starts-with","$x-amz-meta-tag",""]'; repeatable.
    #[arg(long = "condition", value_name = "JSON")]
    pub conditions: Vec<String>,
    /// What to print: the JSON result, an HTML page with the form, or a curl or
    /// Invoke-WebRequest command.
    #[arg(long, value_enum, ignore_case = true, default_value_t = PostOutput::Json)]
    pub output: PostOutput,
    #[command(flatten)]
    pub session: SessionFlags,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PostOutput {
    Json,
    Html,
    Curl,
    Powershell,
}

fn parse_range(text: &str) -> Result<(u64, u64), String> {
    let bad = || format!("'{text}' is not MIN,MAX in bytes, e.g. 1,10485760");
    let (min, max) = text.split_once(',').ok_or_else(bad)?;
    let min: u64 = min.trim().parse().map_err(|_| bad())?;
    let max: u64 = max.trim().parse().map_err(|_| bad())?;
    if min > max {
        return Err(format!("'{text}': the minimum is above the maximum"));
    }
    Ok((min, max))
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// The URLs; without any, they are read from stdin, one per line.
    pub urls: Vec<String>,
    /// Check each signature offline with the credentials (--profile etc.).
    #[arg(long)]
    pub verify: bool,
    /// The HTTP method to check the signature for.
    #[arg(long, default_value = "GET")]
    pub verb: String,
    /// A signed header's value, 'Name: value', needed to check URLs that sign more than host.
    #[arg(long = "header", value_name = "NAME: VALUE")]
    pub headers: Vec<String>,
    /// With --verify: URLs that sign SSE-C headers are checked with this key.
    #[command(flatten)]
    pub sse_customer_key: SseCustomerKeyFlags,
    /// What to print: JSON (one object per URL) or a table (one per URL).
    #[arg(long, value_enum, ignore_case = true, default_value_t = OutputFormat::Json)]
    pub output: OutputFormat,
    #[command(flatten)]
    pub session: SessionFlags,
}

#[derive(Debug, Subcommand)]
pub enum MultipartCommand {
    /// CreateMultipartUpload through the AWS SDK (a call to S3, as `url --recursive`'s listing). Prints the
    /// upload id (or, with --output json, a JSON object).
    Create(MultipartCreateArgs),
}

#[derive(Debug, Args)]
pub struct MultipartCreateArgs {
    /// Bucket name.
    #[arg(long)]
    pub bucket: String,
    /// Object key the parts will form.
    #[arg(long, allow_hyphen_values = true)]
    pub key: String,
    /// Content-Type of the finished object.
    #[arg(long)]
    pub content_type: Option<String>,
    /// The checksum algorithm of the parts (x-amz-checksum-algorithm), as S3's
    /// CreateMultipartUpload takes it: parts signed with --checksum-sha256 need SHA256.
    #[arg(long, value_name = "ALGORITHM", ignore_case = true,
          value_parser = clap::builder::PossibleValuesParser::new(aws_sdk_s3::types::ChecksumAlgorithm::values()))]
    pub checksum_algorithm: Option<String>,
    #[command(flatten)]
    pub sse_customer_key: SseCustomerKeyFlags,
    #[command(flatten)]
    pub session: SessionFlags,
    /// What to print: the bare upload id, or a JSON object.
    #[arg(long, value_enum, ignore_case = true, default_value_t = OutputFormat::Url)]
    pub output: OutputFormat,
}

#[derive(Debug, Args)]
pub struct UrlArgs {
    /// The object as s3://BUCKET/KEY, as `aws s3 presign` takes it (the key literally: '?',
    /// '#', '%' and spaces are part of it), instead of --bucket and --key; with --recursive,
    /// s3://BUCKET/PREFIX (s3://BUCKET: the whole bucket).
    #[arg(value_name = "S3_URI")]
    pub s3_uri: Option<String>,
    #[command(flatten)]
    pub request: RequestFlags,
    #[command(flatten)]
    pub sse_customer_key: SseCustomerKeyFlags,
    #[command(flatten)]
    pub session: SessionFlags,
    /// What to print: the bare URL, the JSON result (json, also called jsonl), or a table; with
    /// --recursive, as `batch --output` writes: url (one line per object), json, csv, tsv,
    /// url-or-error or powershell (the PowerShell module's records).
    #[arg(long, value_enum, ignore_case = true, default_value_t = UrlOutput::Url)]
    pub output: UrlOutput,
    #[command(flatten)]
    pub listing: ListingFlags,
}

/// `url --output`. Table is for one URL; csv, tsv and url-or-error for a listing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum UrlOutput {
    Url,
    #[value(alias = "jsonl")]
    Json,
    Table,
    Csv,
    Tsv,
    UrlOrError,
    Powershell,
}

/// `url --recursive`: sign every object under a prefix (a ListObjectsV2 call to S3).
#[derive(Debug, Args)]
#[command(next_help_heading = "Listing (--recursive)")]
pub struct ListingFlags {
    /// List the prefix (--key-prefix; without one, the whole bucket) through S3's
    /// ListObjectsV2 with these credentials, and sign every object under it. Folder markers
    /// (empty keys ending in '/') are skipped except for --verb DELETE.
    #[arg(long)]
    pub recursive: bool,
    /// The prefix to list, as stored (e.g. reports/2025/); the same as Get-S3Object's -KeyPrefix.
    #[arg(long, requires = "recursive", allow_hyphen_values = true)]
    pub key_prefix: Option<String>,
    #[command(flatten)]
    pub filters: crate::key_filter::KeyFilterFlags,
    /// No progress line on stderr (it is shown only when stderr is a terminal).
    #[arg(long)]
    pub no_progress: bool,
}

#[derive(Debug, Args)]
pub struct BatchArgs {
    #[command(flatten)]
    pub request: RequestFlags,
    #[command(flatten)]
    pub sse_customer_key: SseCustomerKeyFlags,
    #[command(flatten)]
    pub session: SessionFlags,
    /// Protocol version the caller expects; only 1 exists.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=1))]
    pub protocol: u32,
    /// How stdin names the requests: JSON Lines of request fields, one object key per line
    /// (with --bucket), one s3://bucket/key per line, or CSV. See docs/protocol.md.
    #[arg(long, value_enum, ignore_case = true, default_value_t = BatchInput::Jsonl)]
    pub input_format: BatchInput,
    /// CSV without a header: the columns in order, e.g. bucket,key,size (names as in a header;
    /// a column with any other name is ignored). For S3 Inventory reports.
    #[arg(long, value_delimiter = ',', value_name = "NAME,...")]
    pub columns: Option<Vec<String>>,
    /// Keys are URL-encoded (with '+' for a space), as in S3 Inventory reports: decode them.
    #[arg(long)]
    pub keys_url_encoded: bool,
    /// What each input gives: its JSON result (jsonl; json is the same), its URL alone with
    /// errors as JSON records (url-or-error), its URL or an empty line with the error on stderr
    /// (url), or a CSV/TSV row after a header. See docs/protocol.md.
    #[arg(long, value_enum, ignore_case = true, default_value_t = BatchOutput::Jsonl)]
    pub output: BatchOutput,
    /// No progress line on stderr (shown only when stderr is a terminal and stdin is a file).
    #[arg(long)]
    pub no_progress: bool,
    /// Signing threads; results stay in input order [default: one per core; 0 is the same].
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub threads: usize,
}

/// `batch --input-format`: how each input record names a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum BatchInput {
    /// JSON Lines: one object of request fields per line (docs/protocol.md).
    Jsonl,
    /// One object key per line, with --bucket.
    Keys,
    /// One s3://bucket/key per line.
    Uri,
    /// RFC 4180 CSV with a header (Bucket or BucketName, Key, VersionId, Verb, ExpiresIn,
    /// Expires, ContentType, Region), or without one and --columns.
    Csv,
}

/// `batch --output`: the result written for each input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum BatchOutput {
    /// The `url` and `error` records of docs/protocol.md, one per line.
    #[value(alias = "json")]
    Jsonl,
    /// The URL alone, errors as JSON records: what a caller that needs nothing else (the
    /// PowerShell module's default output) can pass on without parsing.
    UrlOrError,
    /// The `url` record with the property names and shapes of the PowerShell module's
    /// `S3PreSignedUrl` objects (`Get-S3PreSignedURL -Detailed`), errors as JSON records.
    Powershell,
    /// Exactly one line per input: its URL, or an empty line (the error goes to stderr).
    Url,
    /// A header, then one CSV row per input.
    Csv,
    /// A header, then one tab-separated row per input.
    Tsv,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Url,
    Json,
    Table,
}

/// What to sign. In `batch`, these are the defaults for every line.
#[derive(Debug, Args)]
pub struct RequestFlags {
    /// Bucket name (or access point ARN).
    #[arg(long)]
    pub bucket: Option<String>,
    /// Object key, as stored (not URL-encoded).
    #[arg(long, allow_hyphen_values = true)]
    pub key: Option<String>,
    /// HTTP method the URL is for: GET, PUT, HEAD or DELETE [default: GET].
    #[arg(long)]
    pub verb: Option<String>,
    /// Expiry instant: 2025-01-31, 2025-01-31T18:00:00Z, 2025-01-31T18:00:00+01:00 (no offset = UTC).
    #[arg(long, conflicts_with = "expires_in")]
    pub expires: Option<String>,
    /// Lifetime from the signing time: 90s, 15m, 12h, 7d, 1d12h or seconds [default: 1h; at most 7d].
    #[arg(long)]
    pub expires_in: Option<String>,
    /// Sign for this object version.
    #[arg(long)]
    pub version_id: Option<String>,
    /// For PUT: the Content-Type the uploader must send (it is signed).
    #[arg(long)]
    pub content_type: Option<String>,
    #[command(flatten)]
    pub options: OptionFlags,
}

/// Optional parts of a request: download behaviour, multipart uploads, signed PUT headers.
#[derive(Debug, Args)]
pub struct OptionFlags {
    /// GET: the Content-Disposition S3 answers with, e.g. 'attachment; filename="report.pdf"'.
    #[arg(long, help_heading = "Download (GET) response headers")]
    pub response_content_disposition: Option<String>,
    /// GET: the Content-Type S3 answers with.
    #[arg(long, help_heading = "Download (GET) response headers")]
    pub response_content_type: Option<String>,
    /// GET: the Cache-Control S3 answers with.
    #[arg(long, help_heading = "Download (GET) response headers")]
    pub response_cache_control: Option<String>,
    /// GET: the Content-Language S3 answers with.
    #[arg(long, help_heading = "Download (GET) response headers")]
    pub response_content_language: Option<String>,
    /// GET: the Content-Encoding S3 answers with.
    #[arg(long, help_heading = "Download (GET) response headers")]
    pub response_content_encoding: Option<String>,
    /// GET: the Expires header S3 answers with.
    #[arg(long, help_heading = "Download (GET) response headers")]
    pub response_expires: Option<String>,
    /// A multipart upload: with --verb PUT and --part-number, a part; with POST, complete it;
    /// with DELETE, abort it; with GET, list its parts.
    #[arg(long, help_heading = "Multipart uploads")]
    pub upload_id: Option<String>,
    /// The part to upload (1-10000), with --upload-id and --verb PUT.
    #[arg(long, help_heading = "Multipart uploads")]
    pub part_number: Option<i64>,
    /// PUT: base64 MD5 of the body (Content-MD5), which S3 then checks.
    #[arg(long, help_heading = "Signed upload (PUT) headers")]
    pub content_md5: Option<String>,
    /// PUT: base64 SHA-256 of the body (x-amz-checksum-sha256), which S3 then checks.
    #[arg(long, help_heading = "Signed upload (PUT) headers")]
    pub checksum_sha256: Option<String>,
    /// PUT: server-side encryption: AES256, aws:kms or aws:kms:dsse.
    #[arg(long, help_heading = "Signed upload (PUT) headers")]
    pub sse: Option<String>,
    /// PUT: the KMS key for --sse aws:kms.
    #[arg(long, help_heading = "Signed upload (PUT) headers")]
    pub sse_kms_key_id: Option<String>,
    /// PUT: storage class, e.g. STANDARD_IA, INTELLIGENT_TIERING, GLACIER_IR.
    #[arg(long, help_heading = "Signed upload (PUT) headers")]
    pub storage_class: Option<String>,
    /// PUT: canned ACL, e.g. private, bucket-owner-full-control.
    #[arg(long, help_heading = "Signed upload (PUT) headers")]
    pub acl: Option<String>,
    /// PUT: user metadata NAME=VALUE (x-amz-meta-NAME); repeatable.
    #[arg(long, value_name = "NAME=VALUE", value_parser = parse_metadata, help_heading = "Signed upload (PUT) headers")]
    pub metadata: Vec<(String, String)>,
    /// The requester, not the bucket owner, pays for the request (x-amz-request-payer).
    #[arg(long)]
    pub requester_pays: bool,
}

fn parse_metadata(text: &str) -> Result<(String, String), String> {
    text.split_once('=')
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .ok_or_else(|| format!("'{text}' is not NAME=VALUE"))
}

impl OptionFlags {
    fn to_options(&self) -> RequestOptions {
        RequestOptions {
            response_overrides: [
                self.response_content_disposition.clone(),
                self.response_content_type.clone(),
                self.response_cache_control.clone(),
                self.response_content_language.clone(),
                self.response_content_encoding.clone(),
                self.response_expires.clone(),
            ],
            upload_id: self.upload_id.clone(),
            part_number: self.part_number,
            content_md5: self.content_md5.clone(),
            checksum_sha256: self.checksum_sha256.clone(),
            sse: self.sse.clone(),
            sse_kms_key_id: self.sse_kms_key_id.clone(),
            storage_class: self.storage_class.clone(),
            acl: self.acl.clone(),
            metadata: (!self.metadata.is_empty()).then(|| self.metadata.iter().cloned().collect()),
            requester_pays: self.requester_pays.then_some(true),
        }
    }
}

impl RequestFlags {
    pub fn to_fields(&self) -> RequestFields {
        RequestFields {
            bucket: self.bucket.clone(),
            key: self.key.clone(),
            verb: self.verb.clone(),
            expires: self.expires.clone(),
            expires_in: self.expires_in.clone().map(ExpiresIn::Text),
            version_id: self.version_id.clone(),
            content_type: self.content_type.clone(),
            region: None,
            options: self.options.to_options(),
        }
    }
}

/// SSE-C, for every request of the run: the key is a secret, so it comes from a variable or a file.
#[derive(Debug, Args)]
pub struct SseCustomerKeyFlags {
    /// Encrypt (PUT, parts) or read (GET, HEAD) with a customer-provided key (SSE-C, AES256):
    /// env:NAME or file:PATH holding the base64 of a 32-byte key. The three SSE-C headers are
    /// signed and the client must send them; results show the key as (redacted).
    #[arg(
        long,
        value_name = "env:NAME|file:PATH",
        help_heading = "Customer-provided encryption key (SSE-C)"
    )]
    pub sse_customer_key: Option<String>,
    /// The key's base64 MD5, checked against the key (computed when not given).
    #[arg(
        long,
        value_name = "BASE64",
        requires = "sse_customer_key",
        help_heading = "Customer-provided encryption key (SSE-C)"
    )]
    pub sse_customer_key_md5: Option<String>,
}

impl SseCustomerKeyFlags {
    pub fn load(&self) -> Result<Option<SseCustomerKey>, SetupError> {
        let Some(source) = &self.sse_customer_key else {
            return Ok(None);
        };
        let source = KeySource::parse(source)?;
        SseCustomerKey::load(source, self.sse_customer_key_md5.as_deref()).map(Some)
    }
}

/// How to sign: credentials, region, endpoint and time. Resolved once per process.
#[derive(Debug, Args)]
pub struct SessionFlags {
    /// Named profile from the AWS config/credentials files (overrides AWS_PROFILE and
    /// credentials in environment variables).
    #[arg(long)]
    pub profile: Option<String>,
    /// Use this shared credentials file instead of ~/.aws/credentials.
    #[arg(long, value_name = "PATH")]
    pub credentials_file: Option<PathBuf>,
    /// Region, e.g. eu-west-1 [default: from AWS_REGION or the profile].
    #[arg(long)]
    pub region: Option<String>,
    /// Custom S3-compatible endpoint, e.g. https://minio.example.com:9000 [default: from
    /// AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL or the profile]. Its URLs are path-style unless
    /// virtual-hosted addressing is asked for.
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// Put the bucket in the path (https://host/bucket/key) instead of the host name; the same
    /// as --addressing-style path.
    #[arg(long, conflicts_with = "addressing_style")]
    pub path_style: bool,
    /// Bucket in the host name (virtual), in the path (path), or virtual where the name allows
    /// it and path-style for custom endpoints (auto) [default: the profile's s3 addressing_style, else auto].
    #[arg(long, value_enum, ignore_case = true, value_name = "STYLE")]
    pub addressing_style: Option<crate::endpoint::AddressingStyle>,
    /// Use the FIPS endpoint [default: from AWS_USE_FIPS_ENDPOINT or the profile].
    #[arg(long)]
    pub fips: bool,
    /// Use the S3 Transfer Acceleration endpoint.
    #[arg(long)]
    pub accelerate: bool,
    /// Use the dual-stack (IPv4 and IPv6) endpoint.
    #[arg(long)]
    pub dualstack: bool,
    /// Make http:// URLs instead of https://.
    #[arg(long)]
    pub http: bool,
    /// Signing time (RFC 3339) instead of now, for reproducible URLs or URLs valid later.
    #[arg(long, value_name = "INSTANT")]
    pub start_time: Option<String>,
    /// Refuse a request whose URL would outlive the signing credentials, instead of warning.
    #[arg(long)]
    pub strict_expiry: bool,
}
