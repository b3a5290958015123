//! `cargo xtask semver-check`: the bump `cargo xtask changes` predicts for each generated crate, checked against what `cargo-semver-checks` finds in the crates generated before and after each of the change report's seeded edits.
//!
//! For every edit of `changes::seeded` (the edits `tests/changes.rs` checks the report on),
//! both ways (the real spec before the edit, and the edit undone), the three generated crates
//! are generated from each side into a scratch workspace under the target directory, their
//! rustdoc JSON is built (`cargo rustdoc … --output-format json`, with `RUSTC_BOOTSTRAP=1` as
//! cargo-semver-checks itself does on a stable toolchain), and the pinned cargo-semver-checks
//! compares the two. The prediction must never be lower than what cargo-semver-checks
//! requires; where the two differ the run prints the findings behind the prediction and the
//! lints cargo-semver-checks failed, and `tool.rs` says what cargo-semver-checks cannot see.

mod tool;
mod workspace;

use std::{
    collections::BTreeMap,
    fmt::Write as _,
    path::{Path, PathBuf},
};

use anyhow::Context as _;
use serde_json::Value;

pub use tool::{Required, TOOL_VERSION};

use crate::{
    changes::{self, Bump, Crate, Spec, seeded},
    codegen,
};

/// What to compare.
#[derive(Debug, Clone)]
pub struct Options {
    /// The seed of the edits ([`seeded::DEFAULT_SEED`], the test's).
    pub seed: u64,
    /// How many edits ([`seeded::DEFAULT_COUNT`], the test's).
    pub edits: usize,
    /// The cargo-semver-checks binary; found (or installed) under the target directory when
    /// not given.
    pub tool: Option<PathBuf>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            seed: seeded::DEFAULT_SEED,
            edits: seeded::DEFAULT_COUNT,
            tool: None,
        }
    }
}

/// How a prediction compares with what cargo-semver-checks requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verdict {
    /// The same bump (a predicted `patch` or `none` is what cargo-semver-checks calls "no
    /// semver update required": it does not see behaviour).
    Agrees,
    /// The prediction is higher: safe, and explained by the findings and `tool::BLIND_SPOTS`.
    Higher,
    /// The prediction is lower: a rule of the report is wrong.
    Lower,
}

impl Verdict {
    fn of(predicted: Bump, required: Required) -> Verdict {
        let predicted = match predicted {
            Bump::None | Bump::Patch => Required::None,
            Bump::Minor => Required::Minor,
            Bump::Major => Required::Major,
        };
        match predicted.cmp(&required) {
            std::cmp::Ordering::Equal => Verdict::Agrees,
            std::cmp::Ordering::Greater => Verdict::Higher,
            std::cmp::Ordering::Less => Verdict::Lower,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Verdict::Agrees => "agrees",
            Verdict::Higher => "higher",
            Verdict::Lower => "LOWER",
        }
    }
}

/// One crate in one comparison.
#[derive(Debug, Clone)]
pub struct Comparison {
    /// The edit's label (`/$defs/X/maxLength`).
    pub edit: String,
    /// The real spec is the old side (the edit is made), or the new one (it is undone).
    pub real_is_old: bool,
    pub krate: Crate,
    pub predicted: Bump,
    pub required: Required,
    pub verdict: Verdict,
    /// The report's lines for this crate, `rule: what it does`.
    pub because: Vec<String>,
    /// The lints cargo-semver-checks failed.
    pub lints: Vec<String>,
}

/// The result of a run.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    pub seed: u64,
    /// Edits compared (each both ways).
    pub edits: usize,
    /// Edits whose generated code does not generate or compile, left out.
    pub skipped: Vec<Skipped>,
    pub comparisons: Vec<Comparison>,
}

impl Outcome {
    pub fn count(&self, verdict: Verdict) -> usize {
        self.comparisons
            .iter()
            .filter(|it| it.verdict == verdict)
            .count()
    }

    /// The report: every comparison that does not agree, with its reasons, then the figures.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for it in self
            .comparisons
            .iter()
            .filter(|it| it.verdict != Verdict::Agrees)
        {
            let way = if it.real_is_old { "made" } else { "undone" };
            let _ = writeln!(
                out,
                "{} [{}] {} ({way}): predicted {}, cargo-semver-checks requires {}",
                it.verdict.name(),
                it.krate.name(),
                it.edit,
                it.predicted.name(),
                it.required.name(),
            );
            for line in &it.because {
                let _ = writeln!(out, "  report: {line}");
            }
            for lint in &it.lints {
                let _ = writeln!(out, "  cargo-semver-checks: {lint}");
            }
            if it.verdict == Verdict::Higher
                && let Some(reason) = tool::blind_spot(&it.because)
            {
                let _ = writeln!(out, "  why: {reason}");
            }
        }
        for it in &self.skipped {
            let _ = writeln!(
                out,
                "not compared {}: {}\n  predicted when made: {}; when undone: {}",
                it.edit,
                first_error(&it.why),
                bumps(&it.made),
                bumps(&it.undone),
            );
        }
        let total = self.comparisons.len();
        let _ = writeln!(
            out,
            "semver-check (seed {}): {} edits, each made and undone, {total} crate comparisons: \
             {} agree, {} predicted higher, {} predicted lower",
            self.seed,
            self.edits,
            self.count(Verdict::Agrees),
            self.count(Verdict::Higher),
            self.count(Verdict::Lower),
        );
        let mut by_crate: BTreeMap<Crate, (usize, usize)> = BTreeMap::new();
        for it in &self.comparisons {
            let entry = by_crate.entry(it.krate).or_default();
            entry.1 += 1;
            if it.verdict == Verdict::Agrees {
                entry.0 += 1;
            }
        }
        for (krate, (agree, all)) in by_crate {
            let _ = writeln!(out, "  {}: {agree} of {all} agree", krate.name());
        }
        let mut pairs: BTreeMap<(Required, Bump), usize> = BTreeMap::new();
        for it in &self.comparisons {
            *pairs.entry((it.required, it.predicted)).or_default() += 1;
        }
        for ((required, predicted), count) in pairs {
            let _ = writeln!(
                out,
                "  cargo-semver-checks {}, predicted {}: {count}",
                required.name(),
                predicted.name()
            );
        }
        if !self.skipped.is_empty() {
            let _ = writeln!(
                out,
                "  {} edits not compared: their generated code does not compile with the \
                 hand-written code of the crates (see above)",
                self.skipped.len()
            );
        }
        out
    }
}

/// An edit left out of the comparison, with why and what the report predicts for it.
#[derive(Debug, Clone)]
pub struct Skipped {
    pub edit: String,
    pub why: String,
    /// The report's bumps with the edit made, and undone.
    pub made: BTreeMap<Crate, Bump>,
    pub undone: BTreeMap<Crate, Bump>,
}

/// The first compiler error of a failed command's output (its first line when none).
fn first_error(output: &str) -> &str {
    output
        .lines()
        .find(|line| line.trim_start().starts_with("error["))
        .or_else(|| output.lines().next())
        .unwrap_or_default()
        .trim()
}

/// `runa-order-types major, …`.
fn bumps(it: &BTreeMap<Crate, Bump>) -> String {
    it.iter()
        .map(|(krate, bump)| format!("{} {}", krate.name(), bump.name()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The directory scratch work and tools go to: `CARGO_TARGET_DIR`, else `target/` of `root`.
pub fn target_dir(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR").filter(|it| !it.is_empty()) {
        Some(dir) => root.join(dir),
        None => root.join("target"),
    }
}

/// Runs the comparison on the checkout at `root`, printing progress to standard error.
pub fn run(root: &Path, options: &Options) -> anyhow::Result<Outcome> {
    let target = target_dir(root);
    let tool = match &options.tool {
        Some(it) => it.clone(),
        None => tool::find_or_install(&target)?,
    };
    tool::check_version(&tool)?;
    let read = |file: &str| -> anyhow::Result<Value> {
        let text =
            std::fs::read_to_string(root.join(file)).with_context(|| format!("reading {file}"))?;
        serde_json::from_str(&text).with_context(|| format!("{file} is not JSON"))
    };
    let schema = read(seeded::SCHEMA_FILE)?;
    let operations = read(seeded::OPERATIONS_FILE)?;
    let operations_text = seeded::text(&operations);
    let real = seeded::lower(&schema, &operations)
        .map_err(|err| anyhow::format_err!("the spec does not lower: {err}"))?;
    let edits = seeded::edits(&schema, &operations, options.seed, options.edits);

    let work = target.join("semver-check");
    let ws = workspace::Workspace::create(root, &work.join("ws"))?;
    let docs_dir = work.join("rustdoc");
    let _ = std::fs::remove_dir_all(&docs_dir);

    let generate = |schema_text: &str| -> Result<Generated, String> {
        let files = codegen::generate_texts(
            seeded::SCHEMA_FILE,
            schema_text,
            seeded::OPERATIONS_FILE,
            &operations_text,
        )
        .map_err(|it| it.to_string())?;
        Generated::from_files(&files)
    };
    let real_code = generate(&seeded::text(&schema))
        .map_err(|err| anyhow::format_err!("the spec does not generate: {err}"))?;
    eprintln!("semver-check: rustdoc JSON of the crates generated from the spec");
    let real_docs = ws
        .rustdoc(&real_code.sources, &docs_dir.join("real"), &Crate::ALL)
        .context("the crates generated from the spec")?;

    let mut outcome = Outcome {
        seed: options.seed,
        ..Outcome::default()
    };
    for (index, (edit, spec)) in edits.iter().enumerate() {
        eprintln!(
            "semver-check: edit {} of {}: {}",
            index + 1,
            edits.len(),
            edit.label
        );
        let skip = |why: String| Skipped {
            edit: edit.label.clone(),
            why,
            made: changes::compare(&real, spec, "seeded").semver,
            undone: changes::compare(spec, &real, "seeded").semver,
        };
        let code = match generate(&edit.schema_text) {
            Ok(it) => it,
            Err(err) => {
                outcome.skipped.push(skip(err));
                continue;
            }
        };
        // Only the crates whose generated code (or that of a crate they depend on) differs
        // from the spec's get new rustdoc JSON; the others compare as unchanged.
        let changed: Vec<Crate> = Crate::ALL
            .into_iter()
            .filter(|krate| code.key(*krate) != real_code.key(*krate))
            .collect();
        let edit_docs = docs_dir.join(format!("edit-{index}"));
        let docs = match ws.rustdoc(&code.sources, &edit_docs, &changed) {
            Ok(it) => it,
            Err(err) => {
                outcome.skipped.push(skip(format!("{err:#}")));
                continue;
            }
        };
        outcome.edits += 1;
        for real_is_old in [true, false] {
            let (old, new): (&Spec, &Spec) = if real_is_old {
                (&real, spec)
            } else {
                (spec, &real)
            };
            let report = changes::compare(old, new, "seeded");
            for krate in Crate::ALL {
                let predicted = report.semver.get(&krate).copied().unwrap_or(Bump::None);
                let (required, lints) = match docs.get(&krate) {
                    None => (Required::None, Vec::new()),
                    Some(edited) => {
                        let ours = &real_docs[&krate];
                        let (baseline, current) = if real_is_old {
                            (ours, edited)
                        } else {
                            (edited, ours)
                        };
                        tool::compare(&tool, baseline, current, &work)?
                    }
                };
                let because = report
                    .findings
                    .iter()
                    .flat_map(|finding| {
                        finding
                            .rust
                            .items
                            .iter()
                            .filter(|(it, _, _)| *it == krate)
                            .map(|(_, bump, text)| {
                                format!("{} ({}): {text}", finding.rule, bump.name())
                            })
                    })
                    .collect();
                outcome.comparisons.push(Comparison {
                    edit: edit.label.clone(),
                    real_is_old,
                    krate,
                    predicted,
                    required,
                    verdict: Verdict::of(predicted, required),
                    because,
                    lints,
                });
            }
        }
        // A few megabytes per edit: only the spec's own JSON is kept for the whole run.
        let _ = std::fs::remove_dir_all(&edit_docs);
    }
    Ok(outcome)
}

/// The generated sources of the three crates for one spec.
#[derive(Debug, Clone)]
struct Generated {
    /// `crates/<crate>/src/generated.rs` of each crate, by crate.
    sources: BTreeMap<Crate, String>,
}

impl Generated {
    fn from_files(files: &[codegen::GeneratedFile]) -> Result<Generated, String> {
        let mut sources = BTreeMap::new();
        for krate in Crate::ALL {
            let path = workspace::generated_path(krate);
            let file = files
                .iter()
                .find(|it| it.path == path)
                .ok_or_else(|| format!("the generator wrote no {path}"))?;
            sources.insert(krate, file.contents.clone());
        }
        Ok(Generated { sources })
    }

    /// What a crate's rustdoc JSON depends on: its generated code and that of the generated
    /// crates it depends on (the validator on the types, the client on both).
    fn key(&self, krate: Crate) -> Vec<&str> {
        Crate::ALL
            .into_iter()
            .take_while(|it| *it <= krate)
            .map(|it| self.sources[&it].as_str())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn behaviour_bumps_agree_with_no_update_required() {
        assert_eq!(Verdict::of(Bump::None, Required::None), Verdict::Agrees);
        assert_eq!(Verdict::of(Bump::Patch, Required::None), Verdict::Agrees);
        assert_eq!(Verdict::of(Bump::Minor, Required::Minor), Verdict::Agrees);
        assert_eq!(Verdict::of(Bump::Major, Required::Major), Verdict::Agrees);
        assert_eq!(Verdict::of(Bump::Major, Required::None), Verdict::Higher);
        assert_eq!(Verdict::of(Bump::Minor, Required::None), Verdict::Higher);
        assert_eq!(Verdict::of(Bump::Patch, Required::Minor), Verdict::Lower);
        assert_eq!(Verdict::of(Bump::Minor, Required::Major), Verdict::Lower);
    }
}
