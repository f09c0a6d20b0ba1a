//! `cargo xtask test`: everything the test suite needs outside Cargo, checked before the long
//! build so that a fresh machine learns all it lacks in one run, not one piece per build.
//!
//! | piece | used by | installed here |
//! | --- | --- | --- |
//! | PowerShell 7.4+ with Pester 5.5+ | tests/pester.rs, quick start, module tests | no: reported |
//! | Python 3 with botocore and boto3 | botocore cross-checks | yes: `.venv` (pip) |
//! | Node.js and npm, playwright-core | tests/browser.rs | packages: `npm ci` |
//! | Chromium or Chrome | tests/browser.rs | yes on Debian/Ubuntu with root or sudo: apt |

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use crate::process::{self, output_of, run_step};

/// Something the tests need that this task cannot install: what it is and how to get it.
struct Missing {
    what: &'static str,
    how: String,
}

/// What the checks found: pieces to install, and pieces the user must provide.
#[derive(Default)]
struct Plan {
    found: Vec<String>,
    missing: Vec<Missing>,
    /// The Python to create `.venv` with, when the venv lacks botocore or boto3.
    make_venv_with: Option<String>,
    npm_ci: bool,
    apt_chromium: Option<AptAccess>,
    chromium: Option<PathBuf>,
}

#[derive(Clone, Copy)]
enum AptAccess {
    Root,
    Sudo,
}

/// Checks, installs, then `cargo test --locked ARGS` with the paths it found in the environment
/// (`S3PRESIGN_PYTHON`, `CHROMIUM`), so the tests use exactly what was checked.
pub fn run_tests(repo: &Path, cargo_args: &[String]) -> Result<ExitCode, String> {
    let mut plan = Plan::default();
    check_pwsh(&mut plan);
    check_python(repo, &mut plan);
    check_node(repo, &mut plan);
    check_chromium(&mut plan);

    for found in &plan.found {
        eprintln!("xtask: found {found}");
    }
    if !plan.missing.is_empty() {
        eprintln!(
            "xtask: the tests need {} more thing(s); nothing was built:",
            plan.missing.len()
        );
        for (n, missing) in plan.missing.iter().enumerate() {
            eprintln!("  {}. {}\n     {}", n + 1, missing.what, missing.how);
        }
        return Ok(ExitCode::from(2));
    }

    if let Some(python) = &plan.make_venv_with {
        run_step(
            "creating .venv (Python virtual environment)",
            Command::new(python)
                .args(["-m", "venv", ".venv"])
                .current_dir(repo),
        )?;
        run_step(
            "installing botocore and boto3 into .venv",
            Command::new(venv_python(repo))
                .args([
                    "-m",
                    "pip",
                    "install",
                    "--quiet",
                    "--disable-pip-version-check",
                ])
                .args(["botocore", "boto3"])
                .current_dir(repo),
        )?;
    }
    if plan.npm_ci {
        run_step(
            "installing the browser test's npm packages (npm ci)",
            Command::new(process::npm())
                .args(["ci", "--prefix", "tests/browser", "--no-audit", "--no-fund"])
                .current_dir(repo),
        )?;
    }
    if let Some(access) = plan.apt_chromium {
        let apt = |args: &[&str]| {
            let mut command = match access {
                AptAccess::Root => Command::new("apt-get"),
                AptAccess::Sudo => {
                    let mut sudo = Command::new("sudo");
                    sudo.args(["-n", "apt-get"]);
                    sudo
                }
            };
            command.args(args).env("DEBIAN_FRONTEND", "noninteractive");
            command
        };
        run_step("apt-get update", &mut apt(&["update", "-qq"]))?;
        run_step(
            "installing Chromium (apt-get install chromium)",
            &mut apt(&[
                "install",
                "-y",
                "-qq",
                "--no-install-recommends",
                "chromium",
            ]),
        )?;
        plan.chromium = find_chromium();
        if plan.chromium.is_none() {
            return Err("apt-get installed chromium, but no chromium program is on PATH".into());
        }
    }

    // With no arguments the whole workspace is tested, xtask's own unit tests included; arguments
    // such as `--test pester` name targets of the main package.
    let scope: &[&str] = if cargo_args.is_empty() {
        &["--workspace"]
    } else {
        &[]
    };
    let mut cargo = Command::new(process::cargo());
    cargo
        .args(["test", "--locked"])
        .args(scope)
        .args(cargo_args)
        .current_dir(repo)
        .env("S3PRESIGN_PYTHON", venv_python(repo));
    if let Some(chromium) = &plan.chromium {
        cargo.env("CHROMIUM", chromium);
    }
    eprintln!(
        "xtask: cargo test --locked {}",
        scope
            .iter()
            .copied()
            .chain(cargo_args.iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let status = cargo
        .status()
        .map_err(|e| format!("cannot start cargo: {e}"))?;
    Ok(match status.code() {
        Some(0) => ExitCode::SUCCESS,
        Some(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
        None => ExitCode::FAILURE,
    })
}

/// PowerShell 7.4+ (the module's minimum) with Pester 5.5+ (what tests/pester.rs imports).
fn check_pwsh(plan: &mut Plan) {
    const INSTALL: &str = "install PowerShell 7.4 or newer (Microsoft's packages for your system, \
        or the PowerShell .NET tool) and put pwsh on PATH";
    let probe = "$p = Get-Module -ListAvailable Pester | Sort-Object Version -Descending | \
        Select-Object -First 1; \"$($PSVersionTable.PSVersion) $(if ($p) { $p.Version } else { 'none' })\"";
    let Some(answer) = output_of(
        "pwsh",
        &["-NoProfile", "-NonInteractive", "-Command", probe],
    ) else {
        plan.missing.push(Missing {
            what: "PowerShell (pwsh) is not on PATH",
            how: INSTALL.into(),
        });
        return;
    };
    let (pwsh, pester) = answer.split_once(' ').unwrap_or((&answer, "none"));
    if version_at_least(pwsh, (7, 4)) != Some(true) {
        plan.missing.push(Missing {
            what: "PowerShell 7.4 or newer (pwsh on PATH is older)",
            how: format!("pwsh on PATH is {pwsh}; {INSTALL}"),
        });
    } else if version_at_least(pester, (5, 5)) != Some(true) {
        plan.missing.push(Missing {
            what: "Pester 5.5 or newer, for the module's tests",
            how: format!(
                "pwsh {pwsh} has Pester {pester}; run: \
                 pwsh -Command 'Install-Module Pester -MinimumVersion 5.5 -Scope CurrentUser -Force'"
            ),
        });
    } else {
        plan.found.push(format!("pwsh {pwsh} with Pester {pester}"));
    }
}

/// `.venv` with botocore and boto3, or a Python 3 that can make it.
fn check_python(repo: &Path, plan: &mut Plan) {
    let venv = venv_python(repo);
    if output_of(&venv, &["-c", "import botocore, boto3"]).is_some() {
        plan.found.push(format!(
            "botocore and boto3 in {}",
            venv.strip_prefix(repo).unwrap_or(&venv).display()
        ));
        return;
    }
    let candidates: &[&str] = if cfg!(windows) {
        &["python", "py"]
    } else {
        &["python3", "python"]
    };
    for python in candidates {
        if let Some(version) = output_of(
            python,
            &[
                "-c",
                "import sys, venv, ensurepip; print('%d.%d' % sys.version_info[:2])",
            ],
        ) {
            if version_at_least(&version, (3, 9)) == Some(true) {
                plan.found
                    .push(format!("Python {version} ({python}): will create .venv"));
                plan.make_venv_with = Some(python.to_string());
                return;
            }
        }
    }
    plan.missing.push(Missing {
        what: "Python 3.9 or newer with venv, for the botocore cross-checks",
        how: "install Python 3 with its venv module (Debian/Ubuntu: apt-get install python3 \
              python3-venv); this task then creates .venv with botocore and boto3"
            .into(),
    });
}

/// Node.js runs the browser test; npm installs its packages when they are not there yet.
fn check_node(repo: &Path, plan: &mut Plan) {
    match output_of("node", &["--version"]) {
        Some(version) => plan.found.push(format!("Node.js {version}")),
        None => plan.missing.push(Missing {
            what: "Node.js, for the browser upload test",
            how: "install Node.js 18 or newer with npm (Debian/Ubuntu: apt-get install nodejs npm)"
                .into(),
        }),
    }
    if repo
        .join("tests/browser/node_modules/playwright-core")
        .exists()
    {
        plan.found
            .push("playwright-core in tests/browser/node_modules".into());
        return;
    }
    if output_of(process::npm(), &["--version"]).is_some() {
        plan.npm_ci = true;
    } else {
        plan.missing.push(Missing {
            what: "npm, to install the browser test's packages",
            how: "install npm (Debian/Ubuntu: apt-get install npm); this task then runs \
                  npm ci --prefix tests/browser"
                .into(),
        });
    }
}

/// Chromium or Chrome for the browser test: `$CHROMIUM`, else a usual name or place, else apt.
fn check_chromium(plan: &mut Plan) {
    if let Some(path) = find_chromium() {
        plan.found.push(format!("Chromium at {}", path.display()));
        plan.chromium = Some(path);
        return;
    }
    let access = if !cfg!(target_os = "linux") || output_of("apt-get", &["--version"]).is_none() {
        None
    } else if output_of("id", &["-u"]).as_deref() == Some("0") {
        Some(AptAccess::Root)
    } else if output_of("sudo", &["-n", "true"]).is_some() {
        Some(AptAccess::Sudo)
    } else {
        None
    };
    match access {
        Some(access) => {
            plan.found.push("apt-get: will install Chromium".into());
            plan.apt_chromium = Some(access);
        }
        None => plan.missing.push(Missing {
            what: "Chromium or Google Chrome, for the browser upload test",
            how: "install it (Debian/Ubuntu: sudo apt-get install chromium; this task does that \
                  itself when it runs as root or with password-less sudo), or set CHROMIUM to \
                  the browser's program"
                .into(),
        }),
    }
}

fn find_chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("CHROMIUM").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(path));
    }
    let names = [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ];
    let on_path = std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).collect::<Vec<_>>())
        .unwrap_or_default();
    let from_path = on_path
        .iter()
        .flat_map(|dir| names.iter().map(move |name| dir.join(name)));
    let known = [
        "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
        "/Applications/Chromium.app/Contents/MacOS/Chromium",
        r"C:\Program Files\Google\Chrome\Application\chrome.exe",
        r"C:\Program Files (x86)\Google\Chrome\Application\chrome.exe",
    ]
    .into_iter()
    .map(PathBuf::from);
    from_path.chain(known).find(|path| path.is_file())
}

/// The virtual environment's Python: `.venv/bin/python`, or `.venv\Scripts\python.exe` on Windows.
fn venv_python(repo: &Path) -> PathBuf {
    if cfg!(windows) {
        repo.join(".venv").join("Scripts").join("python.exe")
    } else {
        repo.join(".venv").join("bin").join("python")
    }
}

/// Whether a dotted version (`7.6.9`, `5.7.1`, `3.12`) is at least `(major, minor)`; `None`
/// when it is not a version.
fn version_at_least(version: &str, (major, minor): (u32, u32)) -> Option<bool> {
    let mut parts = version.trim().split(['.', '-']);
    let have_major: u32 = parts.next()?.parse().ok()?;
    let have_minor: u32 = parts.next().unwrap_or("0").parse().ok()?;
    Some((have_major, have_minor) >= (major, minor))
}

#[cfg(test)]
mod tests {
    use super::version_at_least;

    #[test]
    fn versions_compare_by_major_then_minor() {
        assert_eq!(version_at_least("7.6.9", (7, 4)), Some(true));
        assert_eq!(version_at_least("7.4.0", (7, 4)), Some(true));
        assert_eq!(version_at_least("7.3.12", (7, 4)), Some(false));
        assert_eq!(version_at_least("10.0", (7, 4)), Some(true));
        assert_eq!(version_at_least("5.7.1", (5, 5)), Some(true));
        assert_eq!(version_at_least("4.10.1", (5, 5)), Some(false));
        assert_eq!(version_at_least("none", (5, 5)), None);
    }
}
