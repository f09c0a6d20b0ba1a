//! .github/workflows/release.yml cannot run here, so its shape is checked instead: a matrix
//! of the five platforms the module ships for, each target mapping to its module folder as
//! `cargo xtask dist` maps it, and a test step that is the very command .ci/run and README.md
//! give (so the release is tested the way CI is).

#[path = "../xtask/src/module_layout.rs"]
#[allow(dead_code)]
mod module_layout;

use std::path::Path;

use yaml_rust2::{Yaml, YamlLoader};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn read(path: &str) -> String {
    std::fs::read_to_string(Path::new(ROOT).join(path))
        .unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

fn workflow() -> Yaml {
    let text = read(".github/workflows/release.yml");
    let mut docs = YamlLoader::load_from_str(&text).expect("release.yml is valid YAML");
    assert_eq!(docs.len(), 1, "one YAML document");
    docs.remove(0)
}

/// The command .ci/run ends with: its last line that is not blank or a comment.
fn ci_test_command() -> String {
    read(".ci/run")
        .lines()
        .map(str::trim)
        .rfind(|l| !l.is_empty() && !l.starts_with('#'))
        .expect(".ci/run runs something")
        .to_string()
}

/// The build job: the one with a platform matrix.
fn matrix_job(workflow: &Yaml) -> &Yaml {
    let jobs = workflow["jobs"].as_hash().expect("release.yml has jobs");
    let with_matrix: Vec<&Yaml> = jobs
        .values()
        .filter(|job| !job["strategy"]["matrix"]["include"].is_badvalue())
        .collect();
    assert_eq!(with_matrix.len(), 1, "one job with a platform matrix");
    with_matrix[0]
}

#[test]
fn the_matrix_covers_the_five_platforms_with_matching_targets() {
    let workflow = workflow();
    let legs = matrix_job(&workflow)["strategy"]["matrix"]["include"]
        .as_vec()
        .expect("matrix.include is a list");
    let mut platforms: Vec<&str> = Vec::new();
    for leg in legs {
        let platform = leg["platform"]
            .as_str()
            .expect("each leg names its platform");
        let target = leg["target"].as_str().expect("each leg names its target");
        assert!(leg["os"].as_str().is_some(), "{platform} names its runner");
        assert_eq!(
            module_layout::platform_of_target(target),
            Some(platform),
            "{target} is built into bin/{platform}/"
        );
        platforms.push(platform);
    }
    platforms.sort_unstable();
    assert_eq!(
        platforms,
        [
            "linux-arm64",
            "linux-x64",
            "osx-arm64",
            "osx-x64",
            "win-x64"
        ]
    );
}

#[test]
fn every_leg_runs_the_ci_test_command_and_dist() {
    let ci_command = ci_test_command();
    assert!(
        ci_command.starts_with("cargo xtask test"),
        ".ci/run ends with {ci_command:?}"
    );
    let readme = read("README.md");
    assert!(
        readme.contains(&format!("```sh\n{ci_command}\n```")),
        "README.md's test command is {ci_command:?}, as in .ci/run"
    );

    let workflow = workflow();
    let steps = matrix_job(&workflow)["steps"]
        .as_vec()
        .expect("the build job has steps");
    // Steps without a condition run on every leg, linux-x64 included.
    let runs: Vec<&str> = steps
        .iter()
        .filter(|step| step["if"].is_badvalue())
        .filter_map(|step| step["run"].as_str())
        .map(str::trim)
        .collect();
    assert!(
        runs.contains(&ci_command.as_str()),
        "no unconditional step runs {ci_command:?}; runs: {runs:?}"
    );
    assert!(
        runs.iter()
            .any(|r| r.starts_with("cargo xtask dist --target ${{ matrix.target }}")),
        "every leg assembles its module and archive: {runs:?}"
    );
}

#[test]
fn the_module_job_merges_every_leg() {
    let workflow = workflow();
    let jobs = workflow["jobs"].as_hash().unwrap();
    let merge = jobs
        .values()
        .find(|job| job["strategy"].is_badvalue())
        .expect("a job that merges the legs");
    let needs = match &merge["needs"] {
        Yaml::String(one) => vec![one.as_str()],
        Yaml::Array(many) => many.iter().filter_map(Yaml::as_str).collect(),
        other => panic!("the merge job needs the build job, not {other:?}"),
    };
    let build_name = jobs
        .iter()
        .find(|(_, job)| !job["strategy"].is_badvalue())
        .and_then(|(name, _)| name.as_str())
        .unwrap();
    assert_eq!(needs, [build_name]);
    let script: String = merge["steps"]
        .as_vec()
        .unwrap()
        .iter()
        .filter_map(|s| s["run"].as_str())
        .collect();
    for piece in [
        "SHA256SUMS",
        "linux-x64 linux-arm64 osx-x64 osx-arm64 win-x64",
        "S3PreSign/bin/",
    ] {
        assert!(script.contains(piece), "the merge job lacks {piece:?}");
    }
}
