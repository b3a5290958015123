//! The four output formats of the change report: text, markdown, GitHub annotations and JSON.

use std::fmt::Write as _;

use serde_json::{Value, json};

use super::{Finding, Level, Report};

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Markdown,
    Json,
    Github,
}

/// The report in `format`, ending with a newline.
pub fn render(report: &Report, format: Format) -> String {
    match format {
        Format::Text => text(report),
        Format::Markdown => markdown(report),
        Format::Json => format!("{:#}\n", json(report)),
        Format::Github => github(report),
    }
}

/// The fields of a finding that the text and markdown formats show first, as text.
struct Row<'a> {
    level: &'static str,
    rule: &'a str,
    direction: &'static str,
    /// The operations, or `no operation`.
    operations: String,
    /// `file:line:column`.
    place: String,
}

impl<'a> Row<'a> {
    fn of(finding: &'a Finding) -> Row<'a> {
        Row {
            level: finding.level.name(),
            rule: &finding.rule,
            direction: finding.direction.name(),
            operations: operations(finding),
            place: format!("{}:{}:{}", finding.file, finding.line, finding.column),
        }
    }
}

/// The longest counter-example the text, markdown and GitHub formats show whole; a longer one
/// is cut there (JSON always has it whole).
pub const SHOWN_COUNTEREXAMPLE: usize = 240;

/// The counter-example as compact JSON, cut after [`SHOWN_COUNTEREXAMPLE`] bytes.
fn shown_counterexample(finding: &Finding) -> Option<String> {
    let text = finding.counterexample.as_ref()?.to_string();
    if text.len() <= SHOWN_COUNTEREXAMPLE {
        return Some(text);
    }
    let mut end = SHOWN_COUNTEREXAMPLE;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    Some(format!(
        "{}… ({} bytes; `--format json` has it whole)",
        &text[..end],
        text.len()
    ))
}

/// The message, with the counter-example when there is one.
fn change(finding: &Finding) -> String {
    match shown_counterexample(finding) {
        Some(value) => format!("{} (counter-example: `{value}`)", finding.message),
        None => finding.message.clone(),
    }
}

fn operations(finding: &Finding) -> String {
    if finding.operations.is_empty() {
        "no operation".to_owned()
    } else {
        finding.operations.join(", ")
    }
}

fn text(report: &Report) -> String {
    let mut out = format!("changes since {}: {}\n", report.base, summary(report));
    for finding in &report.findings {
        let Row {
            level,
            rule,
            direction,
            operations,
            place,
        } = Row::of(finding);
        let _ = writeln!(
            out,
            "\n{level} [{rule}] {place} ({direction}; {operations})"
        );
        let _ = writeln!(out, "  {}", finding.message);
        let _ = writeln!(out, "  pointer: {}", finding.pointer);
        if let Some(value) = shown_counterexample(finding) {
            let _ = writeln!(out, "  counter-example: {value}");
        }
        for line in finding.rust.lines() {
            let _ = writeln!(out, "  rust: {line}");
        }
    }
    out.push_str("\nsemver:\n");
    for (krate, bump) in &report.semver {
        let _ = writeln!(out, "  {}: {}", krate.name(), bump.name());
    }
    out
}

fn summary(report: &Report) -> String {
    let count = |level| {
        report
            .findings
            .iter()
            .filter(|it| it.level == level)
            .count()
    };
    format!(
        "{} breaking, {} warning, {} info",
        count(Level::Breaking),
        count(Level::Warning),
        count(Level::Info)
    )
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn markdown(report: &Report) -> String {
    let mut out = format!(
        "### Spec changes since `{}`\n\n{}\n\n",
        report.base,
        summary(report)
    );
    if !report.findings.is_empty() {
        out.push_str("| Level | Rule | Direction | Operations | Place | Change | Rust |\n");
        out.push_str("|---|---|---|---|---|---|---|\n");
        for finding in &report.findings {
            let row = Row::of(finding);
            let (level, rule, direction, place) = (row.level, row.rule, row.direction, row.place);
            let operations = cell(&row.operations);
            let (message, rust) = (
                cell(&change(finding)),
                cell(&finding.rust.lines().join("; ")),
            );
            let _ = writeln!(
                out,
                "| {level} | `{rule}` | {direction} | {operations} | `{place}` | {message} | {rust} |"
            );
        }
        out.push('\n');
    }
    out.push_str("| Crate | Bump |\n|---|---|\n");
    for (krate, bump) in &report.semver {
        let _ = writeln!(out, "| `{}` | {} |", krate.name(), bump.name());
    }
    out
}

/// `%`, CR and LF escaped as GitHub's workflow commands require.
fn escape(text: &str, property: bool) -> String {
    let out = text
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    if property {
        out.replace(':', "%3A").replace(',', "%2C")
    } else {
        out
    }
}

fn github(report: &Report) -> String {
    let mut out = String::new();
    for finding in &report.findings {
        let command = match finding.level {
            Level::Breaking => "error",
            Level::Warning => "warning",
            Level::Info => "notice",
        };
        let title = format!("{} ({})", finding.rule, finding.direction.name());
        let body = format!(
            "{} [{}] {}",
            change(finding),
            operations(finding),
            finding.rust.lines().join("; ")
        );
        let _ = writeln!(
            out,
            "::{command} file={},line={},col={},title={}::{}",
            escape(&finding.file, true),
            finding.line,
            finding.column,
            escape(&title, true),
            escape(&body, false)
        );
    }
    let bumps: Vec<String> = report
        .semver
        .iter()
        .map(|(krate, bump)| format!("{} {}", krate.name(), bump.name()))
        .collect();
    let _ = writeln!(
        out,
        "::notice title=spec changes since {}::{}; semver: {}",
        escape(&report.base, true),
        summary(report),
        bumps.join(", ")
    );
    out
}

/// The `rust` member of a change.
#[derive(serde::Serialize)]
struct RustJson {
    semver: &'static str,
    items: Vec<String>,
}

/// The JSON shape documented in the README.
pub fn json(report: &Report) -> Value {
    let changes: Vec<Value> = report
        .findings
        .iter()
        .map(|it| {
            json!({
                "rule": it.rule,
                "level": it.level.name(),
                "direction": it.direction.name(),
                "operations": it.operations,
                "pointer": it.pointer,
                "file": it.file,
                "line": it.line,
                "column": it.column,
                "message": it.message,
                "counterexample": it.counterexample,
                "rust": RustJson { semver: it.rust.semver().name(), items: it.rust.lines() },
            })
        })
        .collect();
    let semver: serde_json::Map<String, Value> = report
        .semver
        .iter()
        .map(|(krate, bump)| (krate.name().to_owned(), Value::from(bump.name())))
        .collect();
    json!({"base": report.base, "changes": changes, "semver": semver})
}
