//! The code generator: `spec/` in, the `generated.rs` files of the workspace crates out.
//!
//! Data flows one way through pure stages: [`load`] reads the spec files, [`lower`] checks
//! them and builds the [`ir`], the `emit_*` modules turn the IR into tokens, [`render`]
//! formats them with prettyplease, and [`ensure_file_contents`] is the only function that
//! writes. Nothing is written unless every stage succeeded for every file.

pub mod diagnostic;
pub mod duplicates;
pub mod emit_client;
pub mod emit_openapi;
pub mod emit_types;
pub mod emit_validator;
pub mod graph;
pub mod ir;
pub mod keywords;
pub mod load;
pub mod lower;
pub mod names;
pub mod outline;
pub mod pattern;
pub mod rustdoc;

use std::{
    fmt::Write as _,
    fs,
    io::{self, Write as _},
    path::{Path, PathBuf},
};

use anyhow::bail;
use proc_macro2::TokenStream;
use quote::quote;

use self::{
    diagnostic::{Diagnostic, Diagnostics},
    ir::Api,
};

/// The command that regenerates the checked-in code; every staleness message names it.
pub const REGENERATE: &str = "cargo xtask codegen";

/// What `run` does with the generated files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Write the files whose content changed.
    Write,
    /// Write nothing; fail when a file differs from what the spec generates.
    Check,
}

/// One generated file, before it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Path relative to the workspace root, with `/` separators.
    pub path: String,
    pub contents: String,
}

/// The bounds of one run of the generator (see the README's `## Limits`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// The largest spec file read, in bytes ([`load::DEFAULT_MAX_SPEC_BYTES`] by default).
    pub max_spec_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_spec_bytes: load::DEFAULT_MAX_SPEC_BYTES,
        }
    }
}

/// Generates every file from the spec under `root`, or reports every problem in the spec.
pub fn generate(root: &Path) -> Result<Vec<GeneratedFile>, Diagnostics> {
    generate_with(root, &Limits::default())
}

/// [`generate`] within `limits`.
pub fn generate_with(root: &Path, limits: &Limits) -> Result<Vec<GeneratedFile>, Diagnostics> {
    let sources =
        load::load_with(root, limits.max_spec_bytes).map_err(|it| Diagnostics(it).sorted())?;
    generate_sources(&sources)
}

/// [`generate`] from the two spec files given as text (the fuzz test uses this).
pub fn generate_texts(
    schema_path: &str,
    schema_text: &str,
    operations_path: &str,
    operations_text: &str,
) -> Result<Vec<GeneratedFile>, Diagnostics> {
    generate_sources(&parse_texts(
        schema_path,
        schema_text,
        operations_path,
        operations_text,
    )?)
}

fn generate_sources(sources: &load::Sources) -> Result<Vec<GeneratedFile>, Diagnostics> {
    let (api, mut diagnostics) = lower::lower(sources);
    diagnostics.extend(emitter_refusals(&api, &sources.schema));
    if !diagnostics.is_empty() {
        return Err(Diagnostics(diagnostics).sorted());
    }
    let code = emit_all(&api);
    let openapi = emit_openapi::emit(&api, sources);
    match (code, openapi) {
        (Ok(mut files), Ok(document)) => {
            files.push(document);
            Ok(files)
        }
        (code, openapi) => {
            let mut problems = code.err().map(|it| it.0).unwrap_or_default();
            problems.extend(openapi.err().unwrap_or_default());
            Err(locate(Diagnostics(problems), &sources.schema))
        }
    }
}

fn parse_texts(
    schema_path: &str,
    schema_text: &str,
    operations_path: &str,
    operations_text: &str,
) -> Result<load::Sources, Diagnostics> {
    let schema = load::SourceFile::parse(schema_path, schema_text.to_owned());
    let operations = load::SourceFile::parse(operations_path, operations_text.to_owned());
    match (schema, operations) {
        (Ok(schema), Ok(operations)) => Ok(load::Sources { schema, operations }),
        (schema, operations) => {
            let problems = [schema.err(), operations.err()]
                .into_iter()
                .flatten()
                .flatten()
                .collect();
            Err(Diagnostics(problems).sorted())
        }
    }
}

/// What the emitters refuse that `lower` lets through (the spec means something, but the
/// generated code cannot say it): a money amount in a place where it cannot be a `Decimal`.
/// Checked beside `lower`'s diagnostics, so that one run reports every problem; `cargo xtask
/// changes`, which only lowers, compares such specs all the same.
fn emitter_refusals(api: &Api, file: &load::SourceFile) -> Vec<Diagnostic> {
    let mut found = emit_types::amounts::problems(api);
    for diagnostic in &mut found {
        diagnostic.position = diagnostic
            .pointer
            .as_deref()
            .and_then(|it| file.position(it));
    }
    found
}

/// Lowers a schema file given as text (the snapshot fixtures use this).
pub fn lower_schema_text(path: &str, text: &str) -> Result<Api, Diagnostics> {
    let file =
        load::SourceFile::parse(path, text.to_owned()).map_err(|it| Diagnostics(it).sorted())?;
    let (api, diagnostics) = lower::lower_schema(&file);
    if diagnostics.is_empty() {
        Ok(api)
    } else {
        Err(Diagnostics(diagnostics).sorted())
    }
}

/// Lowers a schema file given as text and emits its types and validator, checked as
/// [`emit_all`] checks them, without a client (the fixtures have no operations of their own):
/// every problem a spec can have before anything would be written.
pub fn check_schema_text(path: &str, text: &str) -> Result<Api, Diagnostics> {
    let file =
        load::SourceFile::parse(path, text.to_owned()).map_err(|it| Diagnostics(it).sorted())?;
    let (api, mut diagnostics) = lower::lower_schema(&file);
    diagnostics.extend(emitter_refusals(&api, &file));
    if !diagnostics.is_empty() {
        return Err(Diagnostics(diagnostics).sorted());
    }
    let mut problems = Vec::new();
    for tokens in [emit_types::emit(&api), emit_validator::emit(&api)] {
        if let Err(diagnostic) = tokens.and_then(|it| format_for(it, path, Some(&api))) {
            problems.push(diagnostic);
        }
    }
    if problems.is_empty() {
        Ok(api)
    } else {
        Err(locate(Diagnostics(problems), &file))
    }
}

/// Gives a line and column to the diagnostics about `file` that have a pointer but no position
/// (the emitters know schema locations, not positions).
fn locate(mut diagnostics: Diagnostics, file: &load::SourceFile) -> Diagnostics {
    for diagnostic in &mut diagnostics.0 {
        if diagnostic.position.is_none() && diagnostic.file == file.path {
            diagnostic.position = diagnostic
                .pointer
                .as_deref()
                .and_then(|it| file.position(it));
        }
    }
    diagnostics.sorted()
}

/// Lowers a schema file and an operations file given as text (the fixtures of the codegen tests
/// use this).
pub fn lower_texts(
    schema_path: &str,
    schema_text: &str,
    operations_path: &str,
    operations_text: &str,
) -> Result<Api, Diagnostics> {
    let sources = parse_texts(schema_path, schema_text, operations_path, operations_text)?;
    let (api, diagnostics) = lower::lower(&sources);
    if diagnostics.is_empty() {
        Ok(api)
    } else {
        Err(Diagnostics(diagnostics).sorted())
    }
}

/// Emits and formats the generated Rust of the workspace (the OpenAPI document, which also
/// needs the loaded schema file, is added by [`generate`]).
pub fn emit_all(api: &Api) -> Result<Vec<GeneratedFile>, Diagnostics> {
    let schema = api.schema_file.as_str();
    let operations = api
        .operations_file
        .as_deref()
        .unwrap_or("spec/operations.json");
    let outputs = [
        (
            "crates/runa-order-types/src/generated.rs",
            emit_types::emit(api),
            schema,
        ),
        (
            "crates/runa-order-validator/src/generated.rs",
            emit_validator::emit(api).map(|mut tokens| {
                tokens.extend(emit_validator::typed_impls(
                    api,
                    &quote!(::runa_order_types),
                ));
                tokens
            }),
            schema,
        ),
        (
            "crates/runa-order-client/src/generated.rs",
            emit_client::emit(api),
            operations,
        ),
    ];
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for (path, tokens, input) in outputs {
        match tokens.and_then(|tokens| render_for(tokens, &[input], Some(api))) {
            Ok(contents) => files.push(GeneratedFile {
                path: path.to_owned(),
                contents,
            }),
            Err(diagnostic) => problems.push(diagnostic),
        }
    }
    if problems.is_empty() {
        Ok(files)
    } else {
        Err(Diagnostics(problems))
    }
}

/// Formats `tokens` with prettyplease and adds the `@generated` header naming the inputs.
///
/// Parsing with syn first proves that the tokens are valid Rust before anything is written,
/// and [`duplicates`] that no name is defined twice in one scope.
pub fn render(tokens: TokenStream, inputs: &[&str]) -> Result<String, Diagnostic> {
    render_for(tokens, inputs, None)
}

/// [`render`], with the spec the tokens were made from, to say where a duplicate name comes from.
fn render_for(
    tokens: TokenStream,
    inputs: &[&str],
    api: Option<&Api>,
) -> Result<String, Diagnostic> {
    let source = inputs.first().copied().unwrap_or_default();
    let code = format_for(tokens, source, api)?;
    let inputs = inputs
        .iter()
        .map(|it| format!("`{it}`"))
        .collect::<Vec<_>>()
        .join(" and ");
    Ok(format!(
        "//! @generated by `{REGENERATE}` from {inputs}. Do not edit by hand.\n\n{code}"
    ))
}

/// Formats `tokens` as a Rust file with prettyplease, without a header, after checking that it
/// parses and defines no name twice in one scope.
pub fn format_tokens(tokens: TokenStream, source: &str) -> Result<String, Diagnostic> {
    format_for(tokens, source, None)
}

/// [`format_tokens`], with the spec the tokens were made from: a duplicate name that is also
/// the name of a definition is reported at that definition.
pub fn format_for(
    tokens: TokenStream,
    source: &str,
    api: Option<&Api>,
) -> Result<String, Diagnostic> {
    let file = syn::parse2::<syn::File>(tokens).map_err(|err| Diagnostic {
        file: source.to_owned(),
        position: None,
        pointer: None,
        message: format!("the generator emitted invalid Rust (a generator bug): {err}"),
    })?;
    let found = duplicates::duplicates(&file);
    if let Some(first) = found.first() {
        let more = match found.len() {
            1 => String::new(),
            n => format!(" (and {} more duplicate names)", n - 1),
        };
        let definition = api.and_then(|api| {
            api.definitions
                .iter()
                .find(|it| it.name == first.name)
                .map(|def| (api, def))
        });
        return Err(match definition {
            Some((api, def)) => Diagnostic {
                file: api.schema_file.clone(),
                position: None,
                pointer: Some(def.schema.location.clone()),
                message: format!(
                    "the generated code would define `{}` twice, in {}{more}: typify also gives \
                     this name to another type it makes for the spec (it names an inline object \
                     after its definition and property, so the property `meta` of `Node` is \
                     `NodeMeta`); rename the definition, or give the inline schema a `title`",
                    first.name, first.scope
                ),
            },
            None => Diagnostic {
                file: source.to_owned(),
                position: None,
                pointer: None,
                message: format!(
                    "the generator would define `{}` twice, in {}{more} (a generator bug: please \
                     report it with the spec)",
                    first.name, first.scope
                ),
            },
        });
    }
    if let Err(problem) = rustdoc::check(&file) {
        return Err(Diagnostic {
            file: source.to_owned(),
            position: None,
            pointer: None,
            message: format!("{problem} (a generator bug: please report it with the spec)"),
        });
    }
    Ok(prettyplease::unparse(&file))
}

/// Generates from the spec under `root` and writes (or, in [`Mode::Check`], compares) every file.
///
/// Returns a short report of what was done. Writing is all or nothing (see
/// [`ensure_file_contents`]).
pub fn run(root: &Path, mode: Mode) -> anyhow::Result<String> {
    run_with(root, mode, &Limits::default())
}

/// [`run`] within `limits`.
pub fn run_with(root: &Path, mode: Mode, limits: &Limits) -> anyhow::Result<String> {
    let files = generate_with(root, limits).map_err(anyhow::Error::new)?;
    let outcomes = ensure_file_contents(root, &files, mode)?;
    let mut report = String::new();
    let mut stale = Vec::new();
    for (file, outcome) in files.iter().zip(outcomes) {
        match outcome {
            Outcome::Unchanged => {}
            Outcome::Updated => {
                let _ = writeln!(report, "updated {}", file.path);
            }
            Outcome::Stale(diff) => stale.push(diff),
        }
    }
    if !stale.is_empty() {
        bail!(
            "{}\nrun `{REGENERATE}` and commit the result",
            stale.join("\n")
        );
    }
    if report.is_empty() {
        let n = files.len();
        let _ = writeln!(
            report,
            "{n} generated file{} up to date",
            if n == 1 { " is" } else { "s are" }
        );
    }
    Ok(report)
}

/// What [`ensure_file_contents`] found or did for one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Unchanged,
    Updated,
    /// Check mode only: the file differs; the message names it and holds a unified diff.
    Stale(String),
}

/// The one writer: makes each file at `files[i].path` under `root` hold `files[i].contents`,
/// or, in [`Mode::Check`], compares without writing. Returns one outcome per file.
///
/// Line endings of the checked-in files are normalised before comparing, so a Windows
/// checkout is not stale. Writing is all or nothing: every changed file is first written to a
/// temporary file next to it (`generated.rs.tmp`) and flushed to disk, and only when all of
/// them are written are they renamed over the old files. If a temporary file cannot be
/// written, the temporary files are removed and nothing has changed; if a rename fails, the
/// files already replaced get their old contents back. The error names the file and the
/// operating system's reason.
pub fn ensure_file_contents(
    root: &Path,
    files: &[GeneratedFile],
    mode: Mode,
) -> anyhow::Result<Vec<Outcome>> {
    ensure_with(root, files, mode, &mut |from, to| fs::rename(from, to))
}

/// One file to replace: where, its new contents, and its old bytes (`None` if it is new).
struct Change<'a> {
    relative: &'a str,
    path: PathBuf,
    temporary: PathBuf,
    contents: &'a str,
    previous: Option<Vec<u8>>,
}

/// [`ensure_file_contents`] with the rename step given, so a test can make it fail.
fn ensure_with(
    root: &Path,
    files: &[GeneratedFile],
    mode: Mode,
    rename: &mut dyn FnMut(&Path, &Path) -> io::Result<()>,
) -> anyhow::Result<Vec<Outcome>> {
    let mut outcomes = Vec::new();
    let mut changes = Vec::new();
    for file in files {
        let path = root.join(&file.path);
        let previous = match fs::read(&path) {
            Ok(bytes) => Some(bytes),
            Err(err) if err.kind() == io::ErrorKind::NotFound => None,
            Err(err) => bail!(
                "cannot read {}: {err}; no generated file was changed",
                file.path
            ),
        };
        let current = previous
            .as_deref()
            .map(|it| String::from_utf8_lossy(it).replace("\r\n", "\n"));
        if current.as_deref() == Some(file.contents.as_str()) {
            outcomes.push(Outcome::Unchanged);
            continue;
        }
        match mode {
            Mode::Check => {
                let (old, what) = match &current {
                    Some(text) => (text.as_str(), "is out of date with spec/"),
                    None => ("", "is missing"),
                };
                let diff = similar::TextDiff::from_lines(old, &file.contents)
                    .unified_diff()
                    .context_radius(3)
                    .header(
                        &format!("{} (checked in)", file.path),
                        &format!("{} (generated from spec/)", file.path),
                    )
                    .to_string();
                outcomes.push(Outcome::Stale(format!(
                    "error: {} {what}\n{diff}",
                    file.path
                )));
            }
            Mode::Write => {
                let mut temporary = path.clone().into_os_string();
                temporary.push(".tmp");
                changes.push(Change {
                    relative: &file.path,
                    path,
                    temporary: temporary.into(),
                    contents: &file.contents,
                    previous,
                });
                outcomes.push(Outcome::Updated);
            }
        }
    }
    if !changes.is_empty() {
        replace_all(&changes, rename)?;
    }
    Ok(outcomes)
}

/// Writes every change to its temporary file, then renames them all into place; on failure,
/// undoes what was done.
fn replace_all(
    changes: &[Change<'_>],
    rename: &mut dyn FnMut(&Path, &Path) -> io::Result<()>,
) -> anyhow::Result<()> {
    let mut written: Vec<&Path> = Vec::new();
    let mut created_dirs: Vec<PathBuf> = Vec::new();
    for change in changes {
        if let Err(err) = write_temporary(change, &mut created_dirs) {
            for temporary in &written {
                let _ = fs::remove_file(temporary);
            }
            for dir in created_dirs.iter().rev() {
                let _ = fs::remove_dir(dir);
            }
            bail!("{err}; no generated file was changed");
        }
        written.push(&change.temporary);
    }
    for (i, change) in changes.iter().enumerate() {
        if let Err(err) = rename(&change.temporary, &change.path) {
            for later in &changes[i..] {
                let _ = fs::remove_file(&later.temporary);
            }
            let restored = restore(&changes[..i]);
            for dir in created_dirs.iter().rev() {
                let _ = fs::remove_dir(dir);
            }
            let outcome = match restored {
                Ok(()) if i == 0 => "no generated file was changed".to_owned(),
                Ok(()) => "the files already replaced were restored".to_owned(),
                Err(problem) => {
                    format!("restoring the files already replaced failed too: {problem}")
                }
            };
            bail!(
                "cannot replace {} with {}: {err}; {outcome}",
                change.relative,
                change.temporary.display()
            );
        }
    }
    Ok(())
}

/// Writes `change.contents` to `change.temporary` and flushes it, creating missing
/// directories (recorded in `created_dirs`, outermost first, to be removed on failure).
fn write_temporary(change: &Change<'_>, created_dirs: &mut Vec<PathBuf>) -> Result<(), String> {
    if let Some(dir) = change.path.parent() {
        let missing: Vec<PathBuf> = dir
            .ancestors()
            .take_while(|it| !it.as_os_str().is_empty() && !it.exists())
            .map(Path::to_path_buf)
            .collect();
        fs::create_dir_all(dir).map_err(|err| format!("cannot create {}: {err}", dir.display()))?;
        created_dirs.extend(missing.into_iter().rev());
    }
    let write = || -> io::Result<()> {
        let mut file = fs::File::create(&change.temporary)?;
        file.write_all(change.contents.as_bytes())?;
        file.sync_all()
    };
    write().map_err(|err| {
        let _ = fs::remove_file(&change.temporary);
        format!("cannot write {}: {err}", change.temporary.display())
    })
}

/// Puts back the old contents of files already replaced (or removes the ones that are new).
fn restore(changes: &[Change<'_>]) -> Result<(), String> {
    let mut problems = Vec::new();
    for change in changes {
        let result = match &change.previous {
            Some(bytes) => fs::write(&change.path, bytes),
            None => fs::remove_file(&change.path),
        };
        if let Err(err) = result {
            problems.push(format!("{}: {err}", change.relative));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files() -> Vec<GeneratedFile> {
        ["a/generated.rs", "b/generated.rs", "c/generated.rs"]
            .iter()
            .map(|path| GeneratedFile {
                path: (*path).to_owned(),
                contents: format!("new {path}\n"),
            })
            .collect()
    }

    /// A scratch root where `a` and `b` hold old contents and `c` does not exist yet.
    fn scratch() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for name in ["a", "b"] {
            fs::create_dir_all(dir.path().join(name)).unwrap();
            fs::write(
                dir.path().join(name).join("generated.rs"),
                format!("old {name}\n"),
            )
            .unwrap();
        }
        dir
    }

    fn listing(root: &Path) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for name in ["a", "b", "c"] {
            let Ok(entries) = fs::read_dir(root.join(name)) else {
                continue;
            };
            for entry in entries {
                let path = entry.unwrap().path();
                let text = fs::read_to_string(&path).unwrap_or_else(|_| "<dir>".to_owned());
                let relative = path.strip_prefix(root).unwrap().display().to_string();
                out.push((relative, text));
            }
        }
        out.sort();
        out
    }

    #[test]
    fn every_file_is_written_when_nothing_fails() {
        let dir = scratch();
        let outcomes = ensure_file_contents(dir.path(), &files(), Mode::Write).unwrap();
        assert_eq!(outcomes, vec![Outcome::Updated; 3]);
        assert_eq!(
            listing(dir.path()),
            vec![
                (
                    "a/generated.rs".to_owned(),
                    "new a/generated.rs\n".to_owned()
                ),
                (
                    "b/generated.rs".to_owned(),
                    "new b/generated.rs\n".to_owned()
                ),
                (
                    "c/generated.rs".to_owned(),
                    "new c/generated.rs\n".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn a_temporary_file_that_cannot_be_written_changes_nothing() {
        let dir = scratch();
        let before = listing(dir.path());
        // A directory where the second temporary file would go.
        fs::create_dir(dir.path().join("b/generated.rs.tmp")).unwrap();
        let err = ensure_file_contents(dir.path(), &files(), Mode::Write)
            .unwrap_err()
            .to_string();
        assert!(err.contains("b/generated.rs.tmp: Is a directory"), "{err}");
        assert!(err.ends_with("; no generated file was changed"), "{err}");
        fs::remove_dir(dir.path().join("b/generated.rs.tmp")).unwrap();
        // Nothing changed: no new file, no temporary file left, no new directory.
        assert_eq!(listing(dir.path()), before);
        assert!(!dir.path().join("c").exists());
    }

    #[test]
    fn a_failed_rename_restores_the_files_already_replaced() {
        let dir = scratch();
        let before = listing(dir.path());
        let mut calls = 0;
        let mut rename = |from: &Path, to: &Path| {
            calls += 1;
            if calls == 2 {
                return Err(io::Error::other("simulated failure"));
            }
            fs::rename(from, to)
        };
        let err = ensure_with(dir.path(), &files(), Mode::Write, &mut rename)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("cannot replace b/generated.rs with "),
            "{err}"
        );
        assert!(
            err.ends_with(": simulated failure; the files already replaced were restored"),
            "{err}"
        );
        // `a` has its old contents again, and no temporary file is left.
        let after: Vec<_> = listing(dir.path())
            .into_iter()
            .filter(|(path, _)| !path.starts_with('c'))
            .collect();
        assert_eq!(after, before);
        assert!(!dir.path().join("c").exists());
    }

    #[test]
    fn check_mode_writes_nothing_and_shows_a_diff() {
        let dir = scratch();
        let before = listing(dir.path());
        let outcomes = ensure_file_contents(dir.path(), &files(), Mode::Check).unwrap();
        assert!(
            matches!(&outcomes[0], Outcome::Stale(diff) if diff.contains("-old a\n+new a/generated.rs"))
        );
        assert!(
            matches!(&outcomes[2], Outcome::Stale(diff) if diff.starts_with("error: c/generated.rs is missing"))
        );
        assert_eq!(listing(dir.path()), before);
    }
}
