//! The pinned cargo-semver-checks: installed under the target directory when missing, run on two rustdoc JSON files, its verdict read from its summary line; and what it cannot see.

use std::{
    fs,
    path::{Path, PathBuf},
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use anyhow::{Context as _, bail};

use super::workspace::cargo;

/// The cargo-semver-checks release the comparison is pinned to (its lints and its rustdoc JSON
/// formats change between releases).
pub const TOOL_VERSION: &str = "0.51.0";

/// How long the installation may take (it builds about 400 crates: several minutes on two
/// cores).
const INSTALL_TIMEOUT: Duration = Duration::from_secs(3600);

/// How long one comparison may take.
const COMPARE_TIMEOUT: Duration = Duration::from_secs(600);

/// What cargo-semver-checks requires, from its summary. It reports API changes only: a change
/// of behaviour is "no semver update required", so `None` stands for `none` and `patch`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Required {
    None,
    Minor,
    Major,
}

impl Required {
    pub fn name(self) -> &'static str {
        match self {
            Required::None => "no update",
            Required::Minor => "minor",
            Required::Major => "major",
        }
    }
}

/// The binary under `target/tools`, installed from crates.io first when it is missing or of
/// another version.
pub fn find_or_install(target: &Path) -> anyhow::Result<PathBuf> {
    let root = target.join("tools");
    let binary = root.join("bin").join(format!(
        "cargo-semver-checks{}",
        std::env::consts::EXE_SUFFIX
    ));
    if binary.is_file() && check_version(&binary).is_ok() {
        return Ok(binary);
    }
    eprintln!(
        "semver-check: installing cargo-semver-checks {TOOL_VERSION} into {} (several minutes)",
        root.display()
    );
    let mut command = Command::new(cargo());
    command
        .args(["install", "--locked", "--force", "--version"])
        .arg(format!("={TOOL_VERSION}"))
        .arg("--root")
        .arg(&root)
        .arg("--target-dir")
        .arg(root.join("build"))
        .arg("cargo-semver-checks");
    fs::create_dir_all(&root)?;
    let run = run(command, INSTALL_TIMEOUT, &root)?;
    if !run.success {
        bail!(
            "cargo install cargo-semver-checks {TOOL_VERSION} failed:\n{}",
            tail(&run.output, 40)
        );
    }
    Ok(binary)
}

/// Fails unless `binary` is cargo-semver-checks [`TOOL_VERSION`].
pub fn check_version(binary: &Path) -> anyhow::Result<()> {
    let output = Command::new(binary)
        .args(["semver-checks", "--version"])
        .output()
        .with_context(|| format!("running {}", binary.display()))?;
    let text = String::from_utf8_lossy(&output.stdout);
    if text.split_whitespace().nth(1) != Some(TOOL_VERSION) {
        bail!(
            "{} is `{}`, not cargo-semver-checks {TOOL_VERSION}",
            binary.display(),
            text.trim()
        );
    }
    Ok(())
}

/// What cargo-semver-checks requires to go from the crate documented by `baseline` to the one
/// documented by `current` (rustdoc JSON files), with the lints that failed.
pub fn compare(
    binary: &Path,
    baseline: &Path,
    current: &Path,
    scratch: &Path,
) -> anyhow::Result<(Required, Vec<String>)> {
    let mut command = Command::new(binary);
    command
        .args(["semver-checks", "check-release", "--baseline-rustdoc"])
        .arg(baseline)
        .arg("--current-rustdoc")
        .arg(current)
        // Both sides are 1.0.0: judged as a patch release, every lint above patch fails.
        .args(["--release-type", "patch", "--color", "never"]);
    let run = run(command, COMPARE_TIMEOUT, scratch)?;
    let required = summary(&run.output).with_context(|| {
        format!(
            "cargo-semver-checks gave no summary:\n{}",
            tail(&run.output, 40)
        )
    })?;
    let lints = run
        .output
        .lines()
        .filter_map(|line| line.trim().strip_prefix("--- failure "))
        .map(|it| it.trim_end_matches(':').trim().to_owned())
        .collect();
    Ok((required, lints))
}

/// The requirement cargo-semver-checks states in its summary line.
fn summary(output: &str) -> Option<Required> {
    output
        .lines()
        .filter(|line| line.trim_start().starts_with("Summary"))
        .find_map(|line| {
            if line.contains("no semver update required") {
                Some(Required::None)
            } else if line.contains("new major version") {
                Some(Required::Major)
            } else if line.contains("new minor version") {
                Some(Required::Minor)
            } else {
                None
            }
        })
}

/// The changes a predicted bump stands for that cargo-semver-checks 0.51 does not look at, by
/// the words of the report's line (see `changes/rust.rs`): each is a reason the prediction may
/// be higher than what the tool requires, never lower.
const BLIND_SPOTS: &[(&str, &str)] = &[
    (
        "the Rust type of",
        "cargo-semver-checks does not compare the types of fields, variants or arguments \
         (`Option<T>` to `T`, one type for another): a changed type is invisible to it",
    ),
    (
        "changes from",
        "cargo-semver-checks does not compare the types of fields: a field that becomes \
         `T` instead of `Option<T>` (or the reverse) is invisible to it",
    ),
];

/// Why a prediction above cargo-semver-checks' requirement is right, when a line of the
/// report names a change of a kind the tool does not see.
pub fn blind_spot(because: &[String]) -> Option<&'static str> {
    BLIND_SPOTS
        .iter()
        .find(|(words, _)| because.iter().any(|line| line.contains(words)))
        .map(|(_, reason)| *reason)
}

/// A finished command: whether it succeeded, and its standard output and error.
#[derive(Debug)]
pub struct Run {
    pub success: bool,
    pub output: String,
}

/// Runs `command` with its output in a file under `scratch` (so a large output cannot block
/// it), killing it after `timeout`.
pub fn run(mut command: Command, timeout: Duration, scratch: &Path) -> anyhow::Result<Run> {
    fs::create_dir_all(scratch)?;
    let log_path = scratch.join("command.log");
    let log = fs::File::create(&log_path)?;
    let shown = format!("{command:?}");
    let mut child = command
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log)
        .spawn()
        .with_context(|| format!("starting {shown}"))?;
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if started.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            bail!("{shown} did not finish within {} s", timeout.as_secs());
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let output = String::from_utf8_lossy(&fs::read(&log_path)?).into_owned();
    Ok(Run {
        success: status.success(),
        output,
    })
}

/// The last `lines` lines of `text`.
pub fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_line_gives_the_requirement() {
        let major = "     Checked [   0.010s] 190 checks: 189 pass, 1 fail, 0 warn, 0 skip\n\n\
                     --- failure enum_variant_added: enum variant added on exhaustive enum ---\n\n\
                     Summary semver requires new major version: 1 major and 0 minor checks failed\n";
        assert_eq!(summary(major), Some(Required::Major));
        assert_eq!(
            summary("Summary semver requires new minor version: 0 major and 1 minor checks failed"),
            Some(Required::Minor)
        );
        assert_eq!(
            summary("     Summary no semver update required"),
            Some(Required::None)
        );
        assert_eq!(
            summary("error: the rustdoc JSON format is not supported"),
            None
        );
    }

    #[test]
    fn a_type_change_is_a_known_blind_spot() {
        let because = vec!["both-null-removed (major): the Rust type of `X` changes".to_owned()];
        assert!(blind_spot(&because).unwrap().contains("types of fields"));
        assert_eq!(
            blind_spot(&["both-maximum-decreased (patch): the check changes".to_owned()]),
            None
        );
    }

    #[test]
    fn a_command_past_its_time_is_stopped() {
        let dir = std::env::temp_dir().join(format!("semver-check-run-{}", std::process::id()));
        let mut slow = Command::new("sleep");
        slow.arg("30");
        let err = run(slow, Duration::from_millis(200), &dir).unwrap_err();
        assert!(err.to_string().contains("did not finish within"), "{err}");
        let mut quick = Command::new("echo");
        quick.arg("hello");
        let done = run(quick, Duration::from_secs(30), &dir).unwrap();
        assert!(done.success);
        assert_eq!(done.output.trim(), "hello");
        let _ = fs::remove_dir_all(&dir);
    }
}
