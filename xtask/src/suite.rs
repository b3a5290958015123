//! The official JSON-Schema-Test-Suite (draft 2020-12) as specs for the generator: each test group's schema becomes one definition.
//!
//! The suite is vendored under `tests/vendor/json-schema-test-suite` (see the README there for
//! the commit and the licence). A *group* is one object of a suite file: a schema and the
//! instances it must accept or refuse. [`load`] reads every group of the main directory,
//! [`embed`] turns its schema into a definition of a spec document (`$defs/JstAnyOfG0` for the
//! first group of `anyOf.json`), and [`document`] writes the spec of several groups.
//!
//! Embedding keeps what the schema means: the group's root loses `$schema` (the spec document
//! has its own), and the references inside it that point into the group's own document (`#`,
//! `#/$defs/a`) are rewritten to point into its definition (`#/$defs/JstRefG0`,
//! `#/$defs/JstRefG0/$defs/a`). Only references in schema positions are rewritten (the
//! keyword table says which keywords hold schemas), never a `$ref` member of a `const` or an
//! `enum` value. A group whose root has an `$id` is a resource of its own, whose references
//! resolve against that `$id`; it is embedded as it is.

use std::{fs, path::Path};

use anyhow::Context;
use heck::ToUpperCamelCase;
use serde_json::{Map, Value};

use crate::codegen::{
    diagnostic::Diagnostic,
    keywords::{self as kw, Holds},
    rustdoc::escape,
};

/// The directory of the vendored suite, relative to the workspace root.
pub const DIR: &str = "tests/vendor/json-schema-test-suite";

/// The suite files of draft 2020-12 that every implementation must pass (the main directory,
/// without `optional/`).
pub const MAIN: &str = "draft2020-12";

/// The name the spec document of the suite's groups goes by in diagnostics.
pub const SCHEMA_FILE: &str = "suite.schema.json";

/// What the spec document of the suite's definitions says it is.
const DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";

/// One test group: a schema and the instances it must accept or refuse.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// The suite file, relative to the suite's directory (`draft2020-12/anyOf.json`).
    pub file: String,
    /// The group's index in its file.
    pub index: usize,
    /// The name of its definition (`JstAnyOfG0`).
    pub name: String,
    /// The group's description in the suite.
    pub description: String,
    /// The schema, embedded as a definition (see [`embed`]).
    pub schema: Value,
    pub tests: Vec<Case>,
}

/// One instance of a group and the suite's verdict on it.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub description: String,
    pub data: Value,
    pub valid: bool,
}

/// Every group of the suite files directly in `root/DIR/MAIN`, in file-name order.
pub fn load(root: &Path) -> anyhow::Result<Vec<Group>> {
    load_dir(&root.join(DIR), MAIN)
}

/// Every group of the `.json` files directly in `suite/sub`, in file-name order.
pub fn load_dir(suite: &Path, sub: &str) -> anyhow::Result<Vec<Group>> {
    let dir = suite.join(sub);
    let mut files: Vec<_> = fs::read_dir(&dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .map(|it| it.map(|entry| entry.path()))
        .collect::<Result<_, _>>()?;
    files.retain(|it| it.extension().is_some_and(|ext| ext == "json"));
    files.sort();
    let mut groups = Vec::new();
    for path in files {
        let stem = path
            .file_stem()
            .and_then(|it| it.to_str())
            .with_context(|| format!("a suite file name that is not UTF-8: {}", path.display()))?;
        let file = format!("{sub}/{stem}.json");
        let text =
            fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        let raw: Vec<RawGroup> =
            serde_json::from_str(&text).with_context(|| format!("reading {file}"))?;
        for (index, group) in raw.into_iter().enumerate() {
            let name = format!("Jst{}G{index}", stem.to_upper_camel_case());
            groups.push(Group {
                schema: embed(&name, group.schema),
                file: file.clone(),
                index,
                name,
                description: group.description,
                tests: group
                    .tests
                    .into_iter()
                    .map(|it| Case {
                        description: it.description,
                        data: it.data,
                        valid: it.valid,
                    })
                    .collect(),
            });
        }
    }
    Ok(groups)
}

#[derive(serde::Deserialize)]
struct RawGroup {
    description: String,
    schema: Value,
    tests: Vec<RawCase>,
}

#[derive(serde::Deserialize)]
struct RawCase {
    description: String,
    data: Value,
    valid: bool,
}

/// `schema`, the root of a group, as the definition `name` of a spec document.
pub fn embed(name: &str, mut schema: Value) -> Value {
    let Value::Object(root) = &mut schema else {
        return schema;
    };
    root.remove(kw::SCHEMA.name);
    if !root.contains_key(kw::ID.name) {
        let base = format!("{}{name}", kw::REF_PREFIX);
        rewrite_refs(root, &base);
    }
    schema
}

/// Points the document-relative references of `schema` and its subschemas into `base`.
fn rewrite_refs(schema: &mut Map<String, Value>, base: &str) {
    if let Some(Value::String(target)) = schema.get_mut(kw::REF.name)
        && let Some(rest) = target.strip_prefix('#')
        && (rest.is_empty() || rest.starts_with('/'))
    {
        *target = format!("{base}{rest}");
    }
    for (key, value) in schema.iter_mut() {
        let holds = kw::lookup(key).map_or(Holds::Nothing, |it| it.holds);
        let children: Vec<&mut Value> = match (holds, value) {
            (Holds::Schema, it) => vec![it],
            (Holds::Schemas, Value::Array(items)) => items.iter_mut().collect(),
            (Holds::Map, Value::Object(members)) => members.values_mut().collect(),
            _ => Vec::new(),
        };
        for child in children {
            // A subschema with an `$id` starts a resource of its own, whose references
            // resolve against it.
            if let Value::Object(child) = child
                && !child.contains_key(kw::ID.name)
            {
                rewrite_refs(child, base);
            }
        }
    }
}

/// The text of a spec document whose `$defs` are the schemas of `groups`, in their order.
pub fn document<'a>(groups: impl IntoIterator<Item = &'a Group>) -> String {
    let defs: Map<String, Value> = groups
        .into_iter()
        .map(|it| (it.name.clone(), it.schema.clone()))
        .collect();
    let mut root = Map::new();
    root.insert(kw::SCHEMA.name.to_owned(), DIALECT.into());
    root.insert(kw::DEFS.name.to_owned(), Value::Object(defs));
    let mut text =
        serde_json::to_string_pretty(&Value::Object(root)).expect("a JSON value always serializes");
    text.push('\n');
    text
}

/// One refusal of `group`, on one line: the suite file and the place in it (the group's index
/// and the JSON pointer below its `schema`), then the generator's message. The pointer of a
/// diagnostic is the place of the definition; a diagnostic without one names the group.
pub fn refusal(group: &Group, diagnostic: &Diagnostic) -> String {
    let definition = format!("{}{}", kw::REF_PREFIX, group.name);
    let place = diagnostic
        .pointer
        .as_deref()
        .and_then(|it| it.strip_prefix(&definition))
        .filter(|it| it.is_empty() || it.starts_with('/'))
        .map_or_else(
            || diagnostic.pointer.clone().unwrap_or_default(),
            |rest| format!("#/{}/schema{rest}", group.index),
        );
    escape(&format!(
        "{} {place} ({}): {}",
        group.file, group.name, diagnostic.message
    ))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn references_into_the_group_point_into_its_definition() {
        let schema = json!({
            "$schema": DIALECT,
            "$defs": {"a": {"type": "integer"}},
            "properties": {"x": {"$ref": "#/$defs/a"}, "self": {"$ref": "#"}},
            "items": {"$ref": "#items"},
            "const": {"$ref": "#/$defs/a"}
        });
        assert_eq!(
            embed("JstRefG0", schema),
            json!({
                "$defs": {"a": {"type": "integer"}},
                "properties": {
                    "x": {"$ref": "#/$defs/JstRefG0/$defs/a"},
                    "self": {"$ref": "#/$defs/JstRefG0"}
                },
                "items": {"$ref": "#items"},
                "const": {"$ref": "#/$defs/a"}
            })
        );
    }

    #[test]
    fn a_resource_with_an_id_keeps_its_references() {
        let schema = json!({"$id": "http://localhost:1234/tree", "items": {"$ref": "#"}});
        assert_eq!(embed("JstTreeG0", schema.clone()), schema);
        let nested = json!({"allOf": [{"$id": "inner", "$ref": "#/x"}], "not": {"$ref": "#/y"}});
        assert_eq!(
            embed("JstG0", nested),
            json!({"allOf": [{"$id": "inner", "$ref": "#/x"}], "not": {"$ref": "#/$defs/JstG0/y"}})
        );
    }

    #[test]
    fn the_vendored_suite_loads_with_unique_names() {
        let root = crate::project_root().unwrap();
        let groups = load(&root).unwrap();
        let tests: usize = groups.iter().map(|it| it.tests.len()).sum();
        assert_eq!((groups.len(), tests), (383, 1299));
        let mut names: Vec<&str> = groups.iter().map(|it| it.name.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), groups.len());
        assert!(names.contains(&"JstIfThenElseG0"));
    }
}
