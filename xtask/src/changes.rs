//! `cargo xtask changes`: what a spec change means for clients (by direction) and for the
//! public API of the generated crates (with the semver bump each needs).
//!
//! Both specs go through the generator's own `load` and `lower`, and the comparison reads the
//! IR the emitters read: nothing here parses the spec its own way.

use std::{
    collections::{BTreeMap, HashMap},
    path::{Path, PathBuf},
    process::Command,
};

use crate::codegen::{
    diagnostic::Diagnostics,
    ir::Api,
    load::{self, SourceFile, Sources},
    lower,
};

pub mod annotations;
pub mod api;
pub mod branches;
pub mod catalogue;
pub mod decide;
pub mod direction;
pub mod objects;
pub mod operations;
pub mod render;
pub mod rust;
pub mod schemas;
pub mod seeded;
pub mod witness;

pub use direction::Direction;
pub use rust::{Bump, Crate};

/// How much a finding matters to clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Safe: documentation, a looser request bound, a new optional request property.
    Info,
    /// May break some clients.
    Warning,
    /// Breaks clients.
    Breaking,
}

impl Level {
    pub fn name(self) -> &'static str {
        match self {
            Level::Info => "info",
            Level::Warning => "warning",
            Level::Breaking => "breaking",
        }
    }

    pub fn from_name(name: &str) -> Option<Level> {
        [Level::Info, Level::Warning, Level::Breaking]
            .into_iter()
            .find(|it| it.name() == name)
    }
}

/// Which spec a finding's place is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Old,
    New,
}

/// Which spec file a finding's pointer is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Schema,
    Operations,
}

/// One change, judged.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// Stable rule ID (`request-max-length-decreased`).
    pub rule: String,
    pub level: Level,
    pub direction: Direction,
    /// Every operation the change affects, in name order.
    pub operations: Vec<String>,
    /// JSON pointer (URI fragment) of the changed node.
    pub pointer: String,
    pub side: Side,
    pub file_kind: FileKind,
    /// Set by [`compare`]: the file and 1-based line and column.
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    /// A payload the old spec accepts and the new one refuses (for a request), or the reverse.
    pub counterexample: Option<serde_json::Value>,
    /// Which way the counter-example breaks: `Request` (the old spec accepts it, the new one
    /// refuses it) or `Response` (the new spec allows it, the old one refused it).
    pub counterexample_way: Option<Direction>,
    /// No rule decided the change (a combination of `oneOf` or `allOf` branches): the set
    /// operations of [`decide`] are asked, and it stays a warning when they cannot tell.
    pub undecided: bool,
    /// The change accepts the same payloads (documentation, an annotation): it does not keep
    /// [`decide`] from deciding another change of its definition.
    pub same_payloads: bool,
    /// What the change does to the generated crates.
    pub rust: rust::Impact,
}

/// One loaded and lowered spec.
#[derive(Debug, Clone)]
pub struct Spec {
    pub api: Api,
    pub sources: Sources,
}

impl Spec {
    /// Lowers two spec files given as text, with the generator's own `load` and `lower`.
    pub fn from_texts(
        schema: (&str, String),
        operations: (&str, String),
    ) -> Result<Spec, Diagnostics> {
        let schema = SourceFile::parse(schema.0, schema.1);
        let operations = SourceFile::parse(operations.0, operations.1);
        let sources = match (schema, operations) {
            (Ok(schema), Ok(operations)) => Sources { schema, operations },
            (schema, operations) => {
                let problems = [schema.err(), operations.err()];
                return Err(
                    Diagnostics(problems.into_iter().flatten().flatten().collect()).sorted(),
                );
            }
        };
        let (api, diagnostics) = lower::lower(&sources);
        if diagnostics.is_empty() {
            Ok(Spec { api, sources })
        } else {
            Err(Diagnostics(diagnostics).sorted())
        }
    }
}

/// Where the old spec comes from.
#[derive(Debug, Clone)]
pub enum Base {
    /// A git revision of the checkout (`HEAD`, `HEAD~1`, a commit).
    Revision(String),
    /// A folder holding `order-api.schema.json` and `operations.json`.
    Folder(PathBuf),
}

impl Base {
    /// How the report names the base.
    pub fn label(&self) -> String {
        match self {
            Base::Revision(it) => it.clone(),
            Base::Folder(it) => it.display().to_string(),
        }
    }
}

/// The outcome of a comparison.
#[derive(Debug, Clone)]
pub struct Report {
    pub base: String,
    /// In file, place and rule order.
    pub findings: Vec<Finding>,
    /// The bump each generated crate needs, for every crate.
    pub semver: BTreeMap<Crate, Bump>,
}

impl Report {
    /// The highest level of any finding.
    pub fn worst(&self) -> Option<Level> {
        self.findings.iter().map(|it| it.level).max()
    }
}

/// Compares the working tree's spec under `root` with the spec at `base`. Errors (an unknown
/// revision, an unreadable or broken spec, a file over `max_bytes`) are located messages.
pub fn run(root: &Path, base: &Base, max_bytes: u64) -> anyhow::Result<Report> {
    let new = load::load_with(root, max_bytes)
        .map_err(|it| anyhow::format_err!("{}", Diagnostics(it).sorted()))?;
    let new = lower_sources(new)?;
    let old = read_base(root, base, max_bytes)?;
    Ok(compare(&old, &new, &base.label()))
}

fn lower_sources(sources: Sources) -> anyhow::Result<Spec> {
    let (api, diagnostics) = lower::lower(&sources);
    if diagnostics.is_empty() {
        Ok(Spec { api, sources })
    } else {
        Err(anyhow::format_err!("{}", Diagnostics(diagnostics).sorted()))
    }
}

fn read_base(root: &Path, base: &Base, max_bytes: u64) -> anyhow::Result<Spec> {
    match base {
        Base::Folder(dir) => {
            let texts = [load::SCHEMA_FILE, load::OPERATIONS_FILE].map(|name| {
                let path = dir.join(name);
                read_limited(&path, max_bytes).map(|text| (path.display().to_string(), text))
            });
            let [schema, operations] = texts;
            let (schema, operations) = (schema?, operations?);
            Spec::from_texts((&schema.0, schema.1), (&operations.0, operations.1))
                .map_err(|it| anyhow::format_err!("{it}"))
        }
        Base::Revision(rev) => {
            git_verify(root, rev)?;
            let mut texts = Vec::new();
            for name in [load::SCHEMA_FILE, load::OPERATIONS_FILE] {
                let label = format!("{rev}:spec/{name}");
                texts.push((label.clone(), git_show(root, &label, max_bytes)?));
            }
            let operations = texts.pop().expect("two files");
            let schema = texts.pop().expect("two files");
            Spec::from_texts((&schema.0, schema.1), (&operations.0, operations.1))
                .map_err(|it| anyhow::format_err!("{it}"))
        }
    }
}

fn read_limited(path: &Path, max_bytes: u64) -> anyhow::Result<String> {
    let size = std::fs::metadata(path)
        .map_err(|err| anyhow::format_err!("{}: cannot be read: {err}", path.display()))?
        .len();
    if size > max_bytes {
        anyhow::bail!(
            "{}: the file is larger than {max_bytes} bytes (--max-spec-bytes)",
            path.display()
        );
    }
    std::fs::read_to_string(path)
        .map_err(|err| anyhow::format_err!("{}: cannot be read: {err}", path.display()))
}

fn git_verify(root: &Path, rev: &str) -> anyhow::Result<()> {
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["rev-parse", "--verify", "--quiet", "--end-of-options"])
        .arg(format!("{rev}^{{commit}}"))
        .output()
        .map_err(|err| anyhow::format_err!("git cannot be run: {err}"))?;
    if output.status.success() {
        Ok(())
    } else {
        anyhow::bail!("unknown revision `{rev}` in {}", root.display())
    }
}

fn git_show(root: &Path, object: &str, max_bytes: u64) -> anyhow::Result<String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["show", "--end-of-options", object])
        .output()
        .map_err(|err| anyhow::format_err!("git cannot be run: {err}"))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        anyhow::bail!("{object}: cannot be read from git: {}", stderr.trim());
    }
    if output.stdout.len() as u64 > max_bytes {
        anyhow::bail!("{object}: the file is larger than {max_bytes} bytes (--max-spec-bytes)");
    }
    String::from_utf8(output.stdout).map_err(|_| anyhow::format_err!("{object}: not UTF-8"))
}

/// Compares two lowered specs: every finding, located, sorted, with the bumps.
pub fn compare(old: &Spec, new: &Spec, base: &str) -> Report {
    let mut findings = schemas::compare(&old.api, &new.api);
    findings.extend(operations::compare(&old.api, &new.api));
    let mut findings = merged(findings);
    decide::decide(&mut findings, old, new);
    for finding in &mut findings {
        locate(finding, old, new);
    }
    findings.sort_by(|a, b| {
        (&a.file, a.line, a.column, &a.rule, &a.pointer)
            .cmp(&(&b.file, b.line, b.column, &b.rule, &b.pointer))
    });
    findings.dedup_by(|a, b| {
        (&a.rule, &a.pointer, a.side, &a.message) == (&b.rule, &b.pointer, b.side, &b.message)
    });
    let semver = rust::bumps(&findings);
    Report {
        base: base.to_owned(),
        findings,
        semver,
    }
}

/// One finding per change: a node reached from several definitions (a schema moved into
/// `$defs` is compared at each place that used it) is judged once per owner, so the findings of
/// one node and change are joined, with the directions and operations of all (`request` and
/// `response` make `both`) and the highest level. Linear, through a map.
fn merged(findings: Vec<Finding>) -> Vec<Finding> {
    let mut out: Vec<Finding> = Vec::with_capacity(findings.len());
    let mut index: HashMap<(String, String, bool), usize> = HashMap::new();
    for finding in findings {
        // Operation findings are one per change already (two new statuses of one operation
        // share a rule and a pointer, and stay two).
        if finding.file_kind == FileKind::Operations {
            out.push(finding);
            continue;
        }
        let suffix = finding
            .rule
            .split_once('-')
            .map_or(finding.rule.clone(), |it| it.1.to_owned());
        let key = (
            suffix.clone(),
            finding.pointer.clone(),
            finding.side == Side::Old,
        );
        let Some(&at) = index.get(&key) else {
            index.insert(key, out.len());
            out.push(finding);
            continue;
        };
        let kept = &mut out[at];
        kept.direction = kept.direction.join(finding.direction);
        kept.level = kept.level.max(finding.level);
        kept.operations.extend(finding.operations);
        kept.operations.sort();
        kept.operations.dedup();
        kept.undecided |= finding.undecided;
        kept.same_payloads &= finding.same_payloads;
        kept.rule = format!("{}-{suffix}", kept.direction.name());
    }
    out
}

fn locate(finding: &mut Finding, old: &Spec, new: &Spec) {
    let spec = match finding.side {
        Side::Old => old,
        Side::New => new,
    };
    let file = match finding.file_kind {
        FileKind::Schema => &spec.sources.schema,
        FileKind::Operations => &spec.sources.operations,
    };
    finding.file = file.path.clone();
    let position = file.position(&finding.pointer);
    finding.line = position.map_or(1, |it| it.line);
    finding.column = position.map_or(1, |it| it.column);
}
