//! s3presign: pre-signed S3 URLs from the command line, one at a time (`url`) or in bulk (`batch`).
//!
//! The flow, one file per step:
//! `cli` (flags) → `session` (credentials, region: once per process) →
//! `batch_line` / `request` (read and validate each request) → `expiry` (SigV4's window) →
//! `endpoint` (the SDK's S3 endpoint rules) → `signer` (the one signing function) →
//! `presign` (puts those together) → `output` (JSON records, tables) → `commands` (url, batch).
//!
//! Beside that flow: `request_options` (overrides, multipart, signed PUT headers) with
//! `client_commands` (curl / Invoke-WebRequest lines), `sse_customer_key` (SSE-C), `post_policy` (browser uploads),
//! `inspect` (reading URLs back), `url_target` (`url s3://BUCKET/KEY`), `multipart` and `listing` with `key_filter` (the calls to S3,
//! through `s3_client`) and `shell_docs`
//! (shell completions and man pages, from the flags in `cli`).
//!
//! The binary is `src/main.rs`; the library exists so that tests, fuzz targets and benchmarks
//! can reach each step.

pub mod batch;
pub mod batch_csv;
pub mod batch_input;
pub mod batch_line;
pub mod batch_output;
pub mod batch_workers;
pub mod cli;
pub mod client_commands;
pub mod commands;
pub mod credentials_refresh;
pub mod csv_lines;
pub mod endpoint;
pub mod endpoint_config;
pub mod errors;
pub mod exit_codes;
pub mod expiry;
pub mod inspect;
pub mod key_filter;
pub mod listing;
pub mod listing_progress;
pub mod multipart;
pub mod output;
pub mod outside_text;
pub mod post_policy;
pub mod presign;
pub mod profiles;
pub mod progress;
pub mod recursive;
pub mod redact;
pub mod region;
pub mod request;
pub mod request_options;
pub mod s3_client;
pub mod s3_uri;
pub mod session;
pub mod shell_docs;
pub mod signer;
pub mod sse_customer_key;
pub mod uri_encode;
pub mod url_target;
pub mod usage_hints;
