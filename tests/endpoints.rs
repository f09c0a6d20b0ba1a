//! The endpoint matrix (tests/endpoints/matrix.tsv): every case is signed by s3presign and by
//! botocore's `generate_presigned_url` (tests/botocore_endpoints.py, one process for all cases)
//! with the same flags, environment, config and credentials files, at a frozen signing time.
//! The URLs must be identical (host, path, query, signature), or both must refuse, or the row
//! names why s3presign deliberately refuses where botocore signs. Every URL s3presign makes is
//! then read back by `inspect` with the same settings, which must name its bucket and key.
//!
//! Each case runs in its own temporary HOME with its own config and credentials files, so
//! nothing comes from the machine.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use common::*;
use serde_json::{json, Value};

const SIGNED_AT: &str = "2025-06-01T12:34:56Z";
const EXPIRES: u64 = 3600;
const MATRIX: &str = include_str!("endpoints/matrix.tsv");
/// Profiles the credentials file of every case has (all with the example keys).
const PROFILES: &[&str] = &["default", "dev", "prod", "minio"];

#[derive(Debug)]
struct Case {
    line: usize,
    name: String,
    args: Vec<String>,
    env: Vec<(String, String)>,
    config: String,
    bucket: String,
    key: String,
    expect: Expect,
    reason: String,
}

#[derive(Debug, PartialEq, Eq)]
enum Expect {
    Same,
    BothRefuse,
    /// A deliberate difference: s3presign refuses what botocore signs (the reason column says why).
    OnlyOursRefuses,
    /// A deliberate difference: both sign, with different URLs (the reason column says why).
    Differs,
}

/// `\n` and `\t` in a cell stand for a newline and a tab.
fn unescape(cell: &str) -> String {
    cell.replace("\\n", "\n").replace("\\t", "\t")
}

fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for (index, row) in MATRIX.lines().enumerate() {
        if row.starts_with('#') || row.trim().is_empty() {
            continue;
        }
        let cells: Vec<&str> = row.split('\t').collect();
        assert_eq!(cells.len(), 8, "matrix.tsv line {}: 8 cells", index + 1);
        let dash = |c: &str| if c == "-" { String::new() } else { unescape(c) };
        let expect = match cells[6] {
            "same" => Expect::Same,
            "both-refuse" => Expect::BothRefuse,
            "only-ours-refuses" => Expect::OnlyOursRefuses,
            "differs" => Expect::Differs,
            other => panic!("matrix.tsv line {}: unknown expectation {other}", index + 1),
        };
        let reason = dash(cells[7]);
        assert!(
            expect == Expect::Same || expect == Expect::BothRefuse || !reason.is_empty(),
            "matrix.tsv line {}: a deliberate difference names its reason",
            index + 1
        );
        cases.push(Case {
            line: index + 1,
            name: cells[0].to_string(),
            args: dash(cells[1])
                .split(' ')
                .filter(|a| !a.is_empty())
                .map(str::to_string)
                .collect(),
            env: dash(cells[2])
                .split(';')
                .filter(|p| !p.is_empty())
                .map(|p| {
                    let (n, v) = p.split_once('=').expect("env cells are NAME=value;...");
                    (n.to_string(), v.to_string())
                })
                .collect(),
            config: dash(cells[3]),
            bucket: unescape(cells[4]),
            key: unescape(cells[5]),
            expect,
            reason,
        });
    }
    cases
}

/// The case's private HOME with its config and credentials files.
fn prepare(case: &Case, dir: &Path) -> Vec<(String, String)> {
    let config = write_file(dir, "config", &case.config);
    let credentials: String = PROFILES
        .iter()
        .map(|p| {
            format!(
                "[{p}]\naws_access_key_id = {ACCESS_KEY}\naws_secret_access_key = {SECRET_KEY}\n"
            )
        })
        .collect();
    let credentials = write_file(dir, "credentials", &credentials);
    let mut env = vec![
        ("HOME".to_string(), dir.display().to_string()),
        ("AWS_CONFIG_FILE".into(), config.display().to_string()),
        (
            "AWS_SHARED_CREDENTIALS_FILE".into(),
            credentials.display().to_string(),
        ),
        ("AWS_EC2_METADATA_DISABLED".into(), "true".into()),
        ("AWS_ACCESS_KEY_ID".into(), ACCESS_KEY.into()),
        ("AWS_SECRET_ACCESS_KEY".into(), SECRET_KEY.into()),
    ];
    env.extend(case.env.iter().cloned());
    env
}

fn run_ours(case: &Case, env: &[(String, String)], command: &[&str], stdin: &str) -> Run {
    let mut cmd = s3presign().args(command).args(&case.args);
    for (name, value) in env {
        cmd = cmd.env(name, value);
    }
    cmd.run_with_stdin(stdin)
}

/// What botocore is given for a case: the same files and environment, flags as client options.
fn botocore_case(case: &Case, env: &[(String, String)]) -> Value {
    let mut region = None;
    let mut endpoint_url = None;
    let mut profile = None;
    let mut s3 = serde_json::Map::new();
    let mut use_fips = None;
    let mut use_ssl = true;
    let mut args = case.args.iter();
    while let Some(arg) = args.next() {
        let mut value = || args.next().expect("a flag's value").clone();
        match arg.as_str() {
            "--region" => region = Some(value()),
            "--endpoint-url" => endpoint_url = Some(value()),
            "--profile" => profile = Some(value()),
            "--path-style" => drop(s3.insert("addressing_style".into(), "path".into())),
            "--addressing-style" => drop(s3.insert("addressing_style".into(), value().into())),
            "--accelerate" => drop(s3.insert("use_accelerate_endpoint".into(), true.into())),
            "--dualstack" => drop(s3.insert("use_dualstack_endpoint".into(), true.into())),
            "--fips" => use_fips = Some(true),
            "--http" => use_ssl = false,
            other => panic!(
                "matrix.tsv line {}: no botocore option for {other}",
                case.line
            ),
        }
    }
    json!({
        "env": env.iter().map(|(n, v)| (n.clone(), Value::from(v.as_str()))).collect::<serde_json::Map<String, Value>>(),
        "region": region, "endpoint_url": endpoint_url, "profile": profile, "s3": s3,
        "use_fips": use_fips, "use_ssl": use_ssl, "bucket": case.bucket, "key": case.key,
        "expires": EXPIRES, "signed_at": SIGNED_AT,
    })
}

/// botocore's answers, one per case, from one Python process.
fn botocore_answers(inputs: &[Value]) -> Vec<Value> {
    let mut child = Command::new(python())
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/botocore_endpoints.py"
        ))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python runs");
    let mut stdin = child.stdin.take().unwrap();
    let input: String = inputs.iter().map(|v| v.to_string() + "\n").collect();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "the botocore oracle failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let answers: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(answers.len(), inputs.len(), "one botocore answer per case");
    answers
}

/// Query parameters as a sorted list, so that order does not matter but every value does.
fn url_parts(url: &str) -> (String, Vec<String>) {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let mut params: Vec<String> = query.split('&').map(str::to_string).collect();
    params.sort();
    (base.to_string(), params)
}

/// `work(0..count)` on a few threads (each call starts processes), results in order.
fn parallel<T: Send>(count: usize, work: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let indices: Vec<usize> = (0..count).collect();
    let chunk = count.div_ceil(4).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = indices
            .chunks(chunk)
            .map(|part| scope.spawn(|| part.iter().map(|&i| work(i)).collect::<Vec<T>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    })
}

#[test]
fn the_endpoint_matrix_matches_botocore_and_reads_back() {
    let cases = cases();
    assert!(cases.len() >= 300, "the matrix has {} cases", cases.len());
    let dirs: Vec<tempfile::TempDir> = cases.iter().map(|_| tempfile::tempdir().unwrap()).collect();
    let envs: Vec<Vec<(String, String)>> = cases
        .iter()
        .zip(&dirs)
        .map(|(case, dir)| prepare(case, dir.path()))
        .collect();
    let ours: Vec<Run> = parallel(cases.len(), |i| {
        let case = &cases[i];
        run_ours(
            case,
            &envs[i],
            &[
                "url",
                "--output",
                "json",
                "--start-time",
                SIGNED_AT,
                "--expires-in",
                &EXPIRES.to_string(),
                "--bucket",
                &case.bucket,
                "--key",
                &case.key,
            ],
            "",
        )
    });
    let inputs: Vec<Value> = cases
        .iter()
        .zip(&envs)
        .map(|(case, env)| botocore_case(case, env))
        .collect();
    let theirs = botocore_answers(&inputs);

    let mut failures = Vec::new();
    let mut signed = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let run = &ours[i];
        let our_url =
            (run.code == 0).then(|| run.records()[0]["url"].as_str().unwrap().to_string());
        let their_url = theirs[i]["url"].as_str();
        let what = format!(
            "line {} {} ({:?} bucket {:?} key {:?})",
            case.line, case.name, case.args, case.bucket, case.key
        );
        match (&case.expect, &our_url, their_url) {
            (Expect::Same, Some(ours), Some(theirs)) => {
                if url_parts(ours) != url_parts(theirs) {
                    failures.push(format!("{what}\n  ours:     {ours}\n  botocore: {theirs}"));
                } else {
                    signed.push(i);
                }
            }
            (Expect::BothRefuse, None, None) => {}
            (Expect::OnlyOursRefuses, None, Some(_)) => {}
            (Expect::Differs, Some(ours), Some(theirs)) if url_parts(ours) != url_parts(theirs) => {
                signed.push(i)
            }
            _ => failures.push(format!(
                "{what}: expected {:?}{}\n  ours:     {} {}\n  botocore: {}",
                case.expect,
                if case.reason.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", case.reason)
                },
                run.code,
                our_url
                    .clone()
                    .unwrap_or_else(|| run.stderr.trim().to_string()),
                theirs[i]
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ from the matrix:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );

    // Every URL made is read back with the same settings: its own bucket and key, no guess.
    let readable: Vec<usize> = signed
        .into_iter()
        .filter(|&i| !cases[i].bucket.starts_with("arn:"))
        .collect();
    let read_failures: Vec<String> = parallel(readable.len(), |n| {
        let i = readable[n];
        let case = &cases[i];
        let url = ours[i].records()[0]["url"].as_str().unwrap().to_string();
        let run = run_ours(case, &envs[i], &["inspect"], &format!("{url}\n"));
        let records = if run.code == 0 {
            run.records()
        } else {
            vec![json!({})]
        };
        let r = &records[0];
        let right = run.code == 0
            && r["bucket"] == case.bucket.as_str()
            && r["key"] == case.key.as_str()
            && r["reading_note"].is_null();
        (!right).then(|| {
            format!(
                "line {} {}: {url}\n  read as bucket {} key {} ({}), note {} {}",
                case.line,
                case.name,
                r["bucket"],
                r["key"],
                r["addressing_style"],
                r["reading_note"],
                run.stderr
            )
        })
    })
    .into_iter()
    .flatten()
    .collect();
    assert!(
        read_failures.is_empty(),
        "inspect misread {} of {} URLs:\n{}",
        read_failures.len(),
        readable.len(),
        read_failures.join("\n")
    );
    assert!(
        readable.len() >= 150,
        "{} URLs were read back",
        readable.len()
    );
}

/// A command with the example keys and nothing else from the machine.
fn example() -> S3Presign {
    s3presign()
        .env("AWS_ACCESS_KEY_ID", ACCESS_KEY)
        .env("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
}

#[test]
fn custom_endpoints_are_path_style_and_keep_their_path_prefix_in_url_batch_and_post() {
    let url = example()
        .args([
            "url",
            "--region",
            "us-east-1",
            "--bucket",
            "my-bucket",
            "--key",
            "k",
        ])
        .args(["--endpoint-url", "http://s3:9000"])
        .run();
    url.expect_code(0);
    assert!(
        url.stdout.starts_with("http://s3:9000/my-bucket/k?"),
        "{}",
        url.stdout
    );
    let prefixed = ["--endpoint-url", "https://minio.example.com/minio"];
    let batch = example()
        .args(["batch", "--region", "us-east-1", "--bucket", "my-bucket"])
        .args(prefixed)
        .run_with_stdin("{\"key\":\"a\"}\n");
    batch.expect_code(0);
    let record = &batch.records()[0];
    assert!(
        record["url"]
            .as_str()
            .unwrap()
            .starts_with("https://minio.example.com/minio/my-bucket/a?"),
        "{record}"
    );
    let post = example()
        .args([
            "post",
            "--region",
            "us-east-1",
            "--bucket",
            "my-bucket",
            "--key",
            "k",
        ])
        .args(prefixed)
        .run();
    post.expect_code(0);
    assert_eq!(
        post.records()[0]["url"],
        "https://minio.example.com/minio/my-bucket/"
    );
    let virtual_hosted = example()
        .args([
            "url",
            "--region",
            "us-east-1",
            "--bucket",
            "my-bucket",
            "--key",
            "k",
        ])
        .args([
            "--endpoint-url",
            "http://s3:9000",
            "--addressing-style",
            "virtual",
        ])
        .run();
    virtual_hosted.expect_code(0);
    assert!(virtual_hosted
        .stdout
        .starts_with("http://my-bucket.s3:9000/k?"));
}

#[test]
fn no_region_anywhere_signs_for_us_east_1_with_one_warning() {
    let run = example()
        .args(["batch", "--bucket", "my-bucket"])
        .run_with_stdin("{\"key\":\"a\"}\n{\"key\":\"b\"}\n{\"key\":\"c\"}\n");
    run.expect_code(0);
    for record in run.records() {
        assert_eq!(record["region"], "us-east-1");
        assert!(record["url"]
            .as_str()
            .unwrap()
            .contains("%2Fus-east-1%2Fs3%2F"));
    }
    let warnings: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains("warning"))
        .collect();
    assert_eq!(warnings.len(), 1, "{}", run.stderr);
    assert!(warnings[0].contains("no AWS region is set"));
    assert!(warnings[0].contains("--region"), "it says how to set one");
}

#[test]
fn inspect_reads_urls_with_the_endpoint_settings_and_says_when_it_guesses() {
    let made = example()
        .args([
            "url",
            "--region",
            "us-east-1",
            "--bucket",
            "my-bucket",
            "--key",
            "dir/k.txt",
        ])
        .args(["--endpoint-url", "https://minio.example.com/minio"])
        .args(["--addressing-style", "virtual"])
        .run();
    made.expect_code(0);
    let url = made.stdout.trim().to_string();
    assert!(url.starts_with("https://my-bucket.minio.example.com/minio/dir/k.txt?"));

    let guessed = s3presign().args(["inspect", &url]).run();
    guessed.expect_code(0);
    let r = &guessed.records()[0];
    assert_eq!(r["addressing_style"], "path-style");
    assert!(
        r["reading_note"]
            .as_str()
            .unwrap()
            .contains("--endpoint-url"),
        "without settings the reading is named as a guess: {r}"
    );

    let from_env = s3presign()
        .env("AWS_ENDPOINT_URL_S3", "https://minio.example.com/minio")
        .args(["inspect", &url])
        .run();
    from_env.expect_code(0);
    let r = &from_env.records()[0];
    assert_eq!(
        (r["bucket"].as_str(), r["key"].as_str()),
        (Some("my-bucket"), Some("dir/k.txt"))
    );
    assert_eq!(r["addressing_style"], "virtual-hosted");
    assert!(r["reading_note"].is_null());
}

#[test]
fn a_filename_key_becomes_a_starts_with_condition_as_in_botocore() {
    let run = example()
        .args(["post", "--region", "us-east-1", "--bucket", "my-bucket"])
        .args(["--key", "in/${filename}", "--start-time", SIGNED_AT])
        .run();
    run.expect_code(0);
    let r = &run.records()[0];
    assert_eq!(r["fields"]["key"], "in/${filename}");
    let conditions = r["policy"]["conditions"].as_array().unwrap();
    assert!(
        conditions.contains(&json!(["starts-with", "$key", "in/"])),
        "{conditions:?}"
    );
    assert!(
        !conditions.iter().any(|c| c.get("key").is_some()),
        "no exact key condition: {conditions:?}"
    );
    // botocore's own policy for the same request has the same key condition.
    let script = "import boto3,json,sys\n\
        c=boto3.client('s3',region_name='us-east-1',aws_access_key_id='A',aws_secret_access_key='B')\n\
        p=c.generate_presigned_post('my-bucket','in/${filename}')\n\
        import base64\n\
        print(json.dumps(json.loads(base64.b64decode(p['fields']['policy']))['conditions']))";
    let out = Command::new(python())
        .args(["-c", script])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let theirs: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(theirs
        .as_array()
        .unwrap()
        .contains(&json!(["starts-with", "$key", "in/"])));
}

#[test]
fn legacy_bucket_names_are_us_east_1_only_and_leading_slashes_warn() {
    let elsewhere = example()
        .args([
            "url",
            "--region",
            "eu-west-1",
            "--bucket",
            "My-Bucket",
            "--key",
            "k",
        ])
        .args(["--output", "json"])
        .run();
    elsewhere.expect_code(1);
    assert_eq!(elsewhere.records()[0]["code"], "invalid_bucket");
    assert!(
        elsewhere.stderr.contains("us-east-1"),
        "{}",
        elsewhere.stderr
    );

    let run = example()
        .args(["batch", "--region", "us-east-1"])
        .run_with_stdin("{\"bucket\":\"my_bucket\",\"key\":\"/a.txt\"}\n");
    run.expect_code(0);
    let r = &run.records()[0];
    assert!(r["url"]
        .as_str()
        .unwrap()
        .starts_with("https://s3.us-east-1.amazonaws.com/my_bucket//a.txt?"));
    let warnings = r["warnings"].as_array().unwrap();
    assert!(
        warnings
            .iter()
            .any(|w| w.as_str().unwrap().contains("legacy")),
        "{warnings:?}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.as_str().unwrap().contains("starts with '/'")),
        "{warnings:?}"
    );
    assert!(run.stderr.contains("legacy") && run.stderr.contains("starts with '/'"));
}

#[test]
fn region_typos_are_caught_with_suggestions_and_custom_endpoints_take_any_region() {
    let typo = example()
        .args(["batch", "--region", "eu-west-l", "--bucket", "b-1"])
        .run_with_stdin("{\"key\":\"k\"}\n");
    typo.expect_code(2);
    let fatal = &typo.records()[0];
    assert_eq!(fatal["code"], "invalid_region");
    assert!(
        fatal["message"]
            .as_str()
            .unwrap()
            .contains("did you mean eu-west-1"),
        "{fatal}"
    );

    let malformed = example()
        .args([
            "url",
            "--region",
            "eu west 1",
            "--bucket",
            "b-1",
            "--key",
            "k",
        ])
        .args(["--endpoint-url", "http://s3:9000"])
        .run();
    malformed.expect_code(2);
    assert!(
        malformed.stderr.contains("'eu west 1'"),
        "{}",
        malformed.stderr
    );

    let own_name = example()
        .args([
            "url",
            "--region",
            "minio-local",
            "--bucket",
            "b-1",
            "--key",
            "k",
        ])
        .args(["--endpoint-url", "http://s3:9000", "--output", "json"])
        .run();
    own_name.expect_code(0);
    assert_eq!(own_name.records()[0]["region"], "minio-local");
    assert!(own_name.stderr.is_empty(), "{}", own_name.stderr);
}

#[test]
fn missing_credentials_say_what_to_do_first() {
    let run = s3presign()
        .args([
            "url",
            "--region",
            "us-east-1",
            "--bucket",
            "b-1",
            "--key",
            "k",
        ])
        .run();
    run.expect_code(2);
    let message = run.stderr.trim();
    let todo = message
        .find("AWS_ACCESS_KEY_ID")
        .expect("names the variables");
    let configure = message.find("aws configure").expect("names aws configure");
    let details = message.find("details").unwrap_or(message.len());
    assert!(todo < details && configure < details, "{message}");
    assert!(!message[..details].contains("IMDS"), "{message}");
}

#[test]
fn an_expired_sso_login_says_to_log_in_again() {
    let home = tempfile::tempdir().unwrap();
    let config = write_file(
        home.path(),
        "config",
        "[profile sso-user]\nsso_session = corp\nsso_account_id = 123456789012\n\
         sso_role_name = Reader\nregion = us-east-1\n\
         [sso-session corp]\nsso_region = us-east-1\nsso_start_url = https://corp.awsapps.com/start\n",
    );
    // The SDK finds the token in ~/.aws/sso/cache/<sha1 of the session name>.json.
    let sha1 = Command::new("sh")
        .args(["-c", "printf corp | sha1sum | cut -d' ' -f1"])
        .output()
        .unwrap();
    let name = String::from_utf8(sha1.stdout).unwrap().trim().to_string();
    let cache = home.path().join(".aws/sso/cache");
    std::fs::create_dir_all(&cache).unwrap();
    write_file(
        &cache,
        &format!("{name}.json"),
        "{\"accessToken\":\"token-CANARY\",\"expiresAt\":\"2020-01-01T00:00:00Z\",\
         \"region\":\"us-east-1\",\"startUrl\":\"https://corp.awsapps.com/start\"}",
    );
    let run = s3presign()
        .env("HOME", home.path())
        .env("AWS_CONFIG_FILE", &config)
        .args([
            "url",
            "--profile",
            "sso-user",
            "--bucket",
            "b-1",
            "--key",
            "k",
        ])
        .run();
    run.expect_code(2);
    assert!(
        run.stderr.contains("aws sso login --profile sso-user"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("CANARY"));
}

#[test]
fn a_failing_credential_helper_is_named_but_its_output_is_not_relayed() {
    let home = tempfile::tempdir().unwrap();
    let script = write_file(
        home.path(),
        "helper.sh",
        "#!/bin/sh\necho 'secret-CANARY leaked by the helper' >&2\nexit 3\n",
    );
    let config = write_file(
        home.path(),
        "config",
        &format!(
            "[profile broken]\nregion = us-east-1\ncredential_process = sh {}\n",
            script.display()
        ),
    );
    let run = s3presign()
        .env("AWS_CONFIG_FILE", &config)
        .args([
            "url",
            "--profile",
            "broken",
            "--bucket",
            "b-1",
            "--key",
            "k",
        ])
        .run();
    run.expect_code(2);
    assert!(run.stderr.contains("profile 'broken'"), "{}", run.stderr);
    assert!(!run.stderr.contains("CANARY"), "{}", run.stderr);
}
