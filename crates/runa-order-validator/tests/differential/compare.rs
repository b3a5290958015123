//! The two validators side by side: the reference (`jsonschema` 0.61, draft 2020-12, formats asserted) per definition, and the comparison of verdicts and failing instance pointers; the same reference built from the OpenAPI document must agree too.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;
use std::{fs, path::PathBuf};

use runa_order_validator::{Errors, Kind, Options, ValidationError};
use serde_json::{Value, json};

use super::spec::Spec;

/// One reference validator per definition: the whole spec with `"$ref": "#/$defs/<Name>"`;
/// and one per body type of the OpenAPI document (`openapi/runa-order-api.json`), the whole
/// document with `"$ref": "#/components/schemas/<Name>"`.
#[derive(Debug)]
pub struct Reference {
    validators: HashMap<Kind, jsonschema061::Validator>,
    document: HashMap<Kind, jsonschema061::Validator>,
}

impl Reference {
    pub fn build(spec: &Spec) -> Reference {
        let names: BTreeSet<String> = spec.definitions().into_iter().collect();
        let kinds: BTreeSet<String> = Kind::ALL.iter().map(|it| it.name().to_owned()).collect();
        assert_eq!(
            names, kinds,
            "Kind::ALL and the $defs of the spec differ; run `cargo xtask codegen`"
        );
        let validators = Kind::ALL
            .iter()
            .map(|kind| (*kind, reference_for(&spec.doc, kind.name())))
            .collect();
        let path =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../openapi/runa-order-api.json");
        let text =
            fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
        let openapi: Value =
            serde_json::from_str(&text).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
        let document = Kind::ALL
            .iter()
            .map(|kind| (*kind, document_reference_for(&openapi, kind.name())))
            .collect();
        Reference {
            validators,
            document,
        }
    }

    pub fn validator(&self, kind: Kind) -> &jsonschema061::Validator {
        &self.validators[&kind]
    }

    /// How the validator built from the OpenAPI document disagrees with the reference's
    /// `report` on `value` (verdict, or the set of failing instance pointers), if it does.
    pub fn document_disagreement(
        &self,
        kind: Kind,
        value: &Value,
        report: &ReferenceReport,
    ) -> Option<String> {
        document_disagreement(&self.document[&kind], value, report)
    }
}

/// How `validator` (built from the OpenAPI document) disagrees with the reference's `report` on
/// `value`, if it does.
pub fn document_disagreement(
    validator: &jsonschema061::Validator,
    value: &Value,
    report: &ReferenceReport,
) -> Option<String> {
    let valid = validator.is_valid(value);
    let failing: BTreeSet<String> = validator
        .iter_errors(value)
        .map(|it| it.instance_path().as_str().to_owned())
        .collect();
    let expected: BTreeSet<String> = report.errors.iter().map(|it| it.0.clone()).collect();
    (valid != report.valid || failing != expected).then(|| {
        format!(
            "the OpenAPI document's schema says {} at {failing:?}, the spec's {} at {expected:?}",
            verdict(valid),
            verdict(report.valid)
        )
    })
}

/// The validator of the body type `name` built from the OpenAPI document `openapi`.
pub fn document_reference_for(openapi: &Value, name: &str) -> jsonschema061::Validator {
    let mut root = openapi.clone();
    root["$ref"] = json!(format!("#/components/schemas/{name}"));
    jsonschema061::draft202012::options()
        .should_validate_formats(true)
        .build(&root)
        .unwrap_or_else(|err| panic!("the OpenAPI document's {name} does not build: {err}"))
}

/// The reference validator of the definition `name` of the schema document `doc`.
pub fn reference_for(doc: &Value, name: &str) -> jsonschema061::Validator {
    let mut root = doc.clone();
    root["$ref"] = json!(format!("#/$defs/{name}"));
    jsonschema061::draft202012::options()
        .should_validate_formats(true)
        .build(&root)
        .unwrap_or_else(|err| panic!("the reference cannot build {name}: {err}"))
}

/// What the reference says about a value.
#[derive(Debug, Clone)]
pub struct ReferenceReport {
    pub valid: bool,
    /// `(instance pointer, schema pointer, message)` of each error of `iter_errors`.
    pub errors: Vec<(String, String, String)>,
}

/// What both validators say about one value, and where they disagree.
#[derive(Debug)]
pub struct Verdict {
    /// `Kind::validate`.
    pub ours: Result<(), Errors>,
    /// `Kind::validate_slice` of the value serialized.
    pub ours_text: Result<(), Errors>,
    pub reference: ReferenceReport,
    /// Every way the two disagree; empty when they agree.
    pub problems: Vec<String>,
}

/// Our failing pointers, as the reference reports them: an error inside the variant a tag
/// chose is reported by the reference at the value the `oneOf` applies to.
fn pointers(result: &Result<(), Errors>) -> BTreeSet<String> {
    match result {
        Ok(()) => BTreeSet::new(),
        Err(errors) => errors
            .iter()
            .map(|it| match &it.variant {
                Some(variant) => variant.instance_location.clone(),
                None => it.instance_location.clone(),
            })
            .collect(),
    }
}

/// The first error (causes included) with the same pointer, keyword and message as an
/// earlier one: each problem is reported once.
fn repeated(result: &Result<(), Errors>) -> Option<String> {
    fn walk<'e>(
        errors: impl IntoIterator<Item = &'e runa_order_validator::ValidationError>,
        seen: &mut BTreeSet<(&'e str, &'static str, &'e str)>,
    ) -> Option<String> {
        for error in errors {
            let key = (
                error.instance_location.as_str(),
                error.keyword,
                error.message.as_str(),
            );
            if !seen.insert(key) {
                return Some(error.to_string());
            }
            if let Some(found) = walk(&error.causes, seen) {
                return Some(found);
            }
        }
        None
    }
    let Err(errors) = result else { return None };
    walk(errors.iter(), &mut BTreeSet::new())
}

/// Runs both validators on `value` and compares verdicts and the sets of failing instance
/// pointers (not messages, not counts). The text path reads the value serialized compactly,
/// or indented when `pretty`.
pub fn compare(
    kind: Kind,
    reference: &jsonschema061::Validator,
    value: &Value,
    pretty: bool,
) -> Verdict {
    // Every error: the suite compares whole sets of failing pointers, and some mutants (501
    // items) have more errors than the default limit keeps.
    let all = Options {
        max_errors: usize::MAX,
        ..Options::default()
    };
    let fast = kind.is_valid(value);
    let ours = kind.validate_with(value, &all);
    let text = if pretty {
        serde_json::to_vec_pretty(value)
    } else {
        serde_json::to_vec(value)
    }
    .expect("a Value serializes");
    let ours_text = kind.validate_slice_with(&text, &all);
    let reference_valid = reference.is_valid(value);
    let reference_errors: Vec<(String, String, String)> = reference
        .iter_errors(value)
        .map(|it| {
            (
                it.instance_path().as_str().to_owned(),
                it.schema_path().as_str().to_owned(),
                it.to_string(),
            )
        })
        .collect();

    let mut problems = Vec::new();
    if fast != ours.is_ok() {
        problems.push(format!(
            "is_valid says {fast}, validate says {}",
            ours.is_ok()
        ));
    }
    if reference_valid != reference_errors.is_empty() {
        problems.push(format!(
            "the reference's is_valid says {reference_valid} but iter_errors gives {} errors",
            reference_errors.len()
        ));
    }
    if ours.is_ok() != reference_valid {
        problems.push(format!(
            "verdicts differ: ours {}, the reference {}",
            verdict(ours.is_ok()),
            verdict(reference_valid)
        ));
    }
    let ours_pointers = pointers(&ours);
    let reference_pointers: BTreeSet<String> =
        reference_errors.iter().map(|it| it.0.clone()).collect();
    if ours_pointers != reference_pointers {
        problems.push(format!(
            "failing pointers differ: ours {ours_pointers:?}, the reference {reference_pointers:?}"
        ));
    }
    if ours_text.is_ok() != ours.is_ok() {
        problems.push(format!(
            "validate_slice says {}, validate says {}",
            verdict(ours_text.is_ok()),
            verdict(ours.is_ok())
        ));
    }
    for (path, result) in [("validate", &ours), ("validate_slice", &ours_text)] {
        if let Some(error) = repeated(result) {
            problems.push(format!("{path} reports a problem twice: {error}"));
        }
    }
    let text_pointers = pointers(&ours_text);
    if text_pointers != ours_pointers {
        problems.push(format!(
            "validate_slice fails at {text_pointers:?}, validate at {ours_pointers:?}"
        ));
    }
    Verdict {
        ours,
        ours_text,
        reference: ReferenceReport {
            valid: reference_valid,
            errors: reference_errors,
        },
        problems,
    }
}

fn verdict(valid: bool) -> &'static str {
    if valid { "valid" } else { "invalid" }
}

fn write_errors(out: &mut String, errors: &[ValidationError], depth: usize) {
    for error in errors {
        let indent = "  ".repeat(depth + 1);
        let position = error
            .position
            .map(|it| format!(" at {it}"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "{indent}{:?}{position} [{} {}] {}",
            error.instance_location, error.schema_location, error.keyword, error.message
        );
        write_errors(out, &error.causes, depth + 1);
    }
}

fn write_result(out: &mut String, title: &str, result: &Result<(), Errors>) {
    let _ = writeln!(out, "{title}:");
    match result {
        Ok(()) => {
            let _ = writeln!(out, "  valid");
        }
        Err(errors) => write_errors(out, &errors.clone().into_vec(), 0),
    }
}

/// Both reports on a value, for a failure message.
pub fn describe(verdict: &Verdict) -> String {
    let mut out = String::new();
    write_result(&mut out, "ours (validate)", &verdict.ours);
    write_result(&mut out, "ours (validate_slice)", &verdict.ours_text);
    let _ = writeln!(out, "reference (jsonschema 0.61):");
    if verdict.reference.errors.is_empty() {
        let _ = writeln!(
            out,
            "  {}",
            if verdict.reference.valid {
                "valid"
            } else {
                "invalid, without errors"
            }
        );
    }
    for (instance, schema, message) in &verdict.reference.errors {
        let _ = writeln!(out, "  {instance:?} [{schema}] {message}");
    }
    out
}
