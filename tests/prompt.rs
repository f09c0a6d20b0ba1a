//! At the prompt: shell completions and man pages generated from the flags, help that shows
//! examples and required flags, and usage errors that say what to do.

mod common;

use common::*;

#[test]
fn completions_exist_for_every_shell_and_know_the_flags() {
    for (shell, marker) in [
        ("bash", "complete -F _s3presign"),
        ("zsh", "#compdef s3presign"),
        ("fish", "complete -c s3presign"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion:arg-completer[s3presign]"),
    ] {
        let run = s3presign().args(["completions", shell]).run();
        run.expect_code(0);
        assert!(run.stdout.contains(marker), "{shell}: no {marker:?}");
        for flag in ["bucket", "expires-in", "sse-customer-key"] {
            assert!(run.stdout.contains(flag), "{shell}: no --{flag}");
        }
    }
    // Shell names as PowerShell users type them.
    s3presign()
        .args(["completions", "PowerShell"])
        .run()
        .expect_code(0);
    let bad = s3presign().args(["completions", "cmd"]).run();
    bad.expect_code(2);
    assert!(bad.stderr.contains("possible values"), "{}", bad.stderr);
}

#[test]
fn man_pages_cover_every_command() {
    let page = s3presign().args(["man"]).run();
    page.expect_code(0);
    assert!(page.stdout.starts_with(".ie") || page.stdout.contains(".TH s3presign 1"));
    assert!(page.stdout.contains(".TH s3presign 1"), "{}", page.stdout);
    assert!(
        page.stdout.contains("Exit codes"),
        "the exit codes are documented"
    );

    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("man1");
    s3presign()
        .args(["man", "--out-dir"])
        .arg_path(&out)
        .run()
        .expect_code(0);
    for name in [
        "s3presign.1",
        "s3presign-url.1",
        "s3presign-batch.1",
        "s3presign-post.1",
    ] {
        let text =
            std::fs::read_to_string(out.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(text.contains(".TH "), "{name} is a man page");
    }
    let url_page = std::fs::read_to_string(out.join("s3presign-url.1")).unwrap();
    assert!(url_page.contains("expires\\-in"), "{url_page}");
}

#[test]
fn url_and_batch_help_show_examples_and_required_flags() {
    let url = s3presign().args(["url", "--help"]).run();
    url.expect_code(0);
    assert!(url.stdout.contains("Examples:"), "{}", url.stdout);
    assert!(
        url.stdout
            .contains("Usage: s3presign url [OPTIONS] --bucket <BUCKET> --key <KEY>"),
        "the usage line shows --bucket and --key as required:\n{}",
        url.stdout
    );
    assert!(
        url.stdout
            .contains("s3presign url --bucket my-bucket --key 'reports/2025 Q1.pdf'"),
        "{}",
        url.stdout
    );

    let batch = s3presign().args(["batch", "--help"]).run();
    batch.expect_code(0);
    assert!(batch.stdout.contains("Examples:"), "{}", batch.stdout);
    assert!(
        batch.stdout.contains("Usage: s3presign batch [OPTIONS]\n"),
        "batch needs no --bucket or --key (lines may carry them):\n{}",
        batch.stdout
    );
}

#[test]
fn output_values_ignore_case() {
    let run = s3presign()
        .with_example_keys()
        .args([
            "url",
            "--bucket",
            "my-bucket",
            "--key",
            "k",
            "--output",
            "JSON",
        ])
        .run();
    run.expect_code(0);
    assert_eq!(run.records()[0]["type"], "url", "{}", run.stdout);
    let table = s3presign()
        .with_example_keys()
        .args([
            "url",
            "--bucket",
            "my-bucket",
            "--key",
            "k",
            "--output",
            "Table",
        ])
        .run();
    table.expect_code(0);
    assert!(
        table.stdout.contains("Expires at (UTC)"),
        "{}",
        table.stdout
    );
}

#[test]
fn an_unquoted_key_with_a_space_gets_a_quoting_tip() {
    let run = s3presign()
        .with_example_keys()
        .args([
            "url",
            "--bucket",
            "my-bucket",
            "--key",
            "reports/2025",
            "Q1.pdf",
        ])
        .run();
    run.expect_code(2);
    assert!(
        run.stderr.contains("unexpected argument 'Q1.pdf'"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("--key 'reports/2025 Q1.pdf'"),
        "the tip shows the quoted key:\n{}",
        run.stderr
    );
}

#[test]
fn a_missing_bucket_or_key_is_reported_before_region_or_credentials() {
    // No credentials and no region at all: the missing flag is still what is reported.
    let run = s3presign().args(["url", "--key", "k"]).run();
    run.expect_code(2);
    assert!(
        run.stderr.starts_with("error: --bucket is required"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("region"), "{}", run.stderr);
    assert!(!run.stderr.contains("credentials"), "{}", run.stderr);

    let both = s3presign().args(["url", "--profile", "nowhere"]).run();
    both.expect_code(2);
    assert!(
        both.stderr
            .starts_with("error: --bucket and --key are required"),
        "{}",
        both.stderr
    );
    assert!(!both.stderr.contains("nowhere"), "{}", both.stderr);
}

#[test]
fn usage_errors_with_json_output_also_write_a_fatal_record() {
    let run = s3presign()
        .args(["url", "--key", "k", "--output", "json"])
        .run();
    run.expect_code(2);
    let records = run.records();
    assert_eq!(records.len(), 1, "{}", run.stdout);
    assert_eq!(records[0]["type"], "fatal");
    assert_eq!(records[0]["code"], "usage");
    assert_eq!(records[0]["message"], "--bucket is required");

    let stray = s3presign()
        .args([
            "url",
            "--output",
            "JSON",
            "--bucket",
            "my-bucket",
            "--key",
            "a",
            "b",
        ])
        .run();
    stray.expect_code(2);
    assert_eq!(stray.records()[0]["code"], "usage", "{}", stray.stdout);
    assert_eq!(
        stray.records()[0]["message"],
        "unexpected argument 'b' found"
    );
    // Without JSON output, stdout stays empty.
    let plain = s3presign().args(["url", "--key", "k"]).run();
    assert!(plain.stdout.is_empty(), "{}", plain.stdout);
}

/// Every flag with a fixed set of values (`--output`, shells) takes them in any case, so that
/// `--output JSON` works wherever `--output json` does.
#[test]
fn every_value_list_ignores_case() {
    use clap::CommandFactory;
    fn visit(command: &clap::Command, path: &str, strict: &mut Vec<String>) {
        for arg in command.get_arguments() {
            let fixed_values = !arg.get_possible_values().is_empty();
            let is_bool_flag = matches!(
                arg.get_action(),
                clap::ArgAction::SetTrue | clap::ArgAction::SetFalse
            );
            if fixed_values && !is_bool_flag && !arg.is_ignore_case_set() {
                strict.push(format!("{path} --{}", arg.get_id()));
            }
        }
        for sub in command.get_subcommands() {
            visit(sub, &format!("{path} {}", sub.get_name()), strict);
        }
    }
    let mut strict = Vec::new();
    visit(&s3presign::cli::Cli::command(), "s3presign", &mut strict);
    assert!(strict.is_empty(), "case-sensitive value lists: {strict:?}");
}
