//! Shared by the integration tests: running the real binary in a clean environment, a
//! signature-checking S3 server (s3s-fs) on 127.0.0.1, and a plain HTTP client.
#![allow(dead_code)] // Each test crate uses a different part of this module.

pub mod leaks;
mod s3_server;
pub use s3_server::{TestServer, ACCESS_KEY, SECRET_KEY};

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub fn bin_path() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_s3presign"))
}

/// A command for the binary with no AWS settings inherited from the machine, a private HOME
/// (so ~/.aws is empty), and instance metadata disabled (tests never touch the network).
pub struct S3Presign {
    command: Command,
    /// Flags appended after all others, so they follow the subcommand.
    trailing: Vec<String>,
    _home: tempfile::TempDir,
}

pub fn s3presign() -> S3Presign {
    let home = tempfile::tempdir().unwrap();
    let mut command = Command::new(bin_path());
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("AWS_") {
            command.env_remove(&name);
        }
    }
    command
        .env("HOME", home.path())
        .env("USERPROFILE", home.path())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", home.path().join("no-config"))
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            home.path().join("no-credentials"),
        );
    S3Presign {
        command,
        trailing: Vec::new(),
        _home: home,
    }
}

impl S3Presign {
    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        self.command.args(args);
        self
    }

    pub fn arg_path(mut self, path: &Path) -> Self {
        self.command.arg(path);
        self
    }

    pub fn env(mut self, name: &str, value: impl AsRef<std::ffi::OsStr>) -> Self {
        self.command.env(name, value);
        self
    }

    /// Static example credentials and a region in the environment.
    pub fn with_example_keys(self) -> Self {
        self.env("AWS_ACCESS_KEY_ID", ACCESS_KEY)
            .env("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
            .env("AWS_REGION", "us-east-1")
    }

    pub fn run(self) -> Run {
        self.run_with_stdin("")
    }

    pub fn run_with_stdin(mut self, stdin: &str) -> Run {
        let mut child = self
            .command
            .args(&self.trailing)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the s3presign binary runs");
        let mut pipe = child.stdin.take().unwrap();
        let input = stdin.as_bytes().to_vec();
        let writer = std::thread::spawn(move || {
            let _ = pipe.write_all(&input);
        });
        let output = child.wait_with_output().unwrap();
        writer.join().unwrap();
        Run::from(output)
    }
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Self {
        Run {
            code: o.status.code().expect("exited, not killed"),
            stdout: String::from_utf8(o.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(o.stderr).expect("stderr is UTF-8"),
        }
    }
}

impl Run {
    /// The JSON records on stdout, one per line.
    pub fn records(&self) -> Vec<serde_json::Value> {
        self.stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
            .collect()
    }

    pub fn expect_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code, code,
            "exit code\nstdout: {}\nstderr: {}",
            self.stdout, self.stderr
        );
        self
    }
}

/// Writes a file under `dir` and returns its path.
pub fn write_file(dir: &Path, name: &str, contents: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

impl TestServer {
    /// A command signing for this server: path style, plain HTTP, example keys.
    pub fn s3presign(&self) -> S3Presign {
        let mut command = s3presign().with_example_keys();
        command.trailing = vec![
            "--endpoint-url".into(),
            self.endpoint.clone(),
            "--path-style".into(),
        ];
        command
    }
}

/// What a customer's HTTP client gets back.
pub struct Fetched {
    pub status: u16,
    pub body: String,
    pub headers: Vec<(String, String)>,
}

/// Uses a URL as a customer would: a plain HTTP client, nothing AWS-specific.
pub fn fetch(method: &str, url: &str, headers: &[(&str, &str)], body: &[u8]) -> Fetched {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut request = ureq::http::Request::builder().method(method).uri(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = agent
        .run(request.body(body.to_vec()).unwrap())
        .unwrap_or_else(|e| panic!("{method} {url}: {e}"));
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(n, v)| (n.as_str().to_string(), v.to_str().unwrap_or("").to_string()))
        .collect();
    let body = response.into_body().read_to_string().unwrap_or_default();
    Fetched {
        status,
        body,
        headers,
    }
}

/// A Python with botocore: `S3PRESIGN_PYTHON`, else `.venv/bin/python` (made by `.ci/run`).
pub fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("S3PRESIGN_PYTHON") {
        return PathBuf::from(p);
    }
    let venv = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/python");
    assert!(
        venv.exists(),
        "no Python with botocore: run `python3 -m venv .venv && .venv/bin/pip install botocore` \
         (as .ci/run does) or set S3PRESIGN_PYTHON"
    );
    venv
}

/// What a batch was asked to sign with: the oracle takes these from the test, never from the
/// results it checks.
pub struct Signing<'a> {
    /// `--start-time` of the run (RFC 3339 with `Z`).
    pub start_time: &'a str,
    /// The region the run was given (`AWS_REGION` or `--region`).
    pub region: &'a str,
    pub session_token: Option<&'a str>,
}

impl Signing<'_> {
    /// The example keys in us-east-1 (`with_example_keys`) at this start time.
    pub fn us_east_1(start_time: &str) -> Signing<'_> {
        Signing {
            start_time,
            region: "us-east-1",
            session_token: None,
        }
    }
}

/// Signs each request again with botocore (tests/botocore_check.py) at the signing time, region
/// and lifetime the request asked for, and compares it with s3presign's result for it
/// (virtual-hosted URLs, example keys). Panics on any difference; returns the checker's report.
pub fn botocore_check(
    signing: &Signing<'_>,
    requests: &[serde_json::Value],
    results: &[serde_json::Value],
) -> String {
    assert_eq!(requests.len(), results.len());
    let mut checker = Command::new(python())
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/botocore_check.py"
        ))
        .args([
            ACCESS_KEY,
            SECRET_KEY,
            signing.session_token.unwrap_or(""),
            signing.start_time,
            signing.region,
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python runs");
    let mut stdin = checker.stdin.take().unwrap();
    let input: String = requests
        .iter()
        .zip(results)
        .map(|(request, result)| {
            serde_json::json!({"request": request, "result": result}).to_string() + "\n"
        })
        .collect();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = checker.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{report}");
    assert!(
        report.contains(&format!("botocore: {} passed, 0 failed", requests.len())),
        "{report}"
    );
    report
}

/// Characters that break signers in the wild, plus plain ones: the alphabet of generated keys.
pub const ALPHABET: &[&str] = &[
    "a", "b", "Z", "0", "9", "-", "_", ".", "~", " ", "+", "%", "=", "&", "?", "#", "*", "'", "!",
    "(", ")", "/", "//", ",", ";", ":", "@", "$", "[", "]", "{", "}", "^", "`", "|", "\\", "\"",
    "<", ">", "\t", "é", "e\u{301}", "ß", "日本", "한", "😀", "\u{200b}",
];

/// A small deterministic generator, so that a failure can be reproduced from its seed.
pub struct XorShift(pub u64);

impl XorShift {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

/// Pre-signs requests with botocore's `generate_presigned_url` in one Python process
/// (tests/botocore_presign.py, example keys): one `{"url": ...}` or `{"refused": ...}` per request.
pub fn botocore_presign(requests: &[serde_json::Value]) -> Vec<serde_json::Value> {
    let mut child = Command::new(python())
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/botocore_presign.py"
        ))
        .args([ACCESS_KEY, SECRET_KEY])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python runs");
    let mut stdin = child.stdin.take().unwrap();
    let input: String = requests.iter().map(|r| r.to_string() + "\n").collect();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "botocore_presign.py failed:\n{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let answers: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(answers.len(), requests.len(), "one answer per request");
    answers
}

/// A URL in a form where two signings of the same request compare equal: scheme, host and path
/// exactly, and the decoded query parameters sorted (their order in the URL is not signed).
pub fn url_parts(url: &str) -> (String, Vec<(String, String)>) {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (n, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(n), percent_decode(v))
        })
        .collect();
    pairs.sort();
    (base.to_string(), pairs)
}

/// Decodes %XX escapes (a URL's query: `+` is a literal plus in SigV4 URLs).
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&text[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
