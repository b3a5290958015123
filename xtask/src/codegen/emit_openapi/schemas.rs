//! `components/schemas` of the OpenAPI document: the spec's `$defs` copied member for member, with the named transformations that let every generator read them (see `spec/README.md`, "The OpenAPI document").
//!
//! The transformations, each undone by name in `tests/openapi.rs`:
//!
//! 1. a `$ref` to `#/$defs/X` becomes `#/components/schemas/X`;
//! 2. `null` values are dropped from `examples` arrays (an `examples` left empty is dropped);
//! 3. every component's `title` is its own name: the spec's titles name the variants of the
//!    Rust enums, and two of them are the same word (`Single`, `Template`), while generators
//!    name a class after a schema's title and refuse or renumber duplicates;
//! 4. an inline schema that a generator would make a named type of (the value of a
//!    `properties` member that holds an `enum`, a `const` or `properties` of its own, such as
//!    the one-value tag `EmailDistribution.properties.type`) becomes the component
//!    `<Owner><Property>` (`EmailDistributionType`), which the property references, so its
//!    name is stable instead of invented (`Type1`, `Fee`);
//! 5. a definition that is an `allOf` of plain objects is written as the one object the
//!    branches make together, a property narrowed by a branch in its narrowed form
//!    (`SyncCompletedOrder` narrows `status` to `COMPLETED`), for generators and mock servers
//!    that do not intersect `allOf` and linters that look for a required property's
//!    declaration in the wrong branch.
//!
//! Each keeps what a payload must be to be valid: the document's verdicts are compared with
//! the generated validator's by `tests/openapi.rs` and by the validator's differential suite.

use std::collections::BTreeMap;

use heck::ToUpperCamelCase;
use serde_json::{Map, Value};

use super::{
    ADDITIONAL_PROPERTIES, ALL_OF, ANY_OF, COMPONENTS_PREFIX, CONST, DEFS, DEFS_PREFIX,
    DESCRIPTION, ENUM, EXAMPLES, ITEMS, Json, ONE_OF, Obj, PROPERTIES, PROPERTY_NAMES, REF,
    REQUIRED, TITLE, TYPE, text,
};
use crate::codegen::{
    diagnostic::Diagnostic,
    ir::{Api, JsonType},
    keywords,
    load::{SourceFile, escape_token},
};

/// The annotations a branch of a flattened `allOf` may carry: they describe, and accept no
/// other payload, so dropping them with the branch changes no verdict.
const FLATTEN_ANNOTATIONS: [&str; 4] = [DESCRIPTION, TITLE, EXAMPLES, keywords::COMMENT.name];

/// `components/schemas`: every definition, in spec order, under its own name, each followed
/// by the inline schemas taken out of it (transformation 4).
pub(super) fn schemas(api: &Api, schema: &SourceFile, problems: &mut Vec<Diagnostic>) -> Obj {
    let mut out = Obj::new();
    let Some(defs) = schema.value.get(DEFS).and_then(Value::as_object) else {
        return out;
    };
    // Every component name with the pointer of the schema it holds, so that a name given to
    // an inline schema that is already taken is a located diagnostic, not a silent overwrite.
    let mut taken: BTreeMap<String, String> = api
        .definitions
        .iter()
        .map(|def| (def.name.clone(), definition_pointer(&def.name)))
        .collect();
    for def in &api.definitions {
        let pointer = definition_pointer(&def.name);
        if !is_component_name(&def.name) {
            problems.push(schema.diagnostic(
                &pointer,
                format!(
                    "`{}` cannot be the name of an OpenAPI component, which allows only ASCII letters, digits, `.`, `-` and `_`",
                    def.name
                ),
            ));
            continue;
        }
        let Some(value) = defs.get(&def.name) else {
            problems.push(schema.diagnostic(
                &pointer,
                "the definition is missing from the loaded schema (a generator bug)",
            ));
            continue;
        };
        let mut copier = Copier {
            file: schema,
            defs,
            hoisted: Vec::new(),
            problems: &mut *problems,
        };
        let copied = match flatten(schema, defs, value, &pointer) {
            Some(flat) => copier.flattened(&def.name, value, &pointer, flat),
            None => copier.schema(&def.name, value, &pointer),
        };
        let hoisted = copier.hoisted;
        out.set(&def.name, titled(&def.name, copied));
        for (name, at, schema_json) in hoisted {
            if let Some(other) = taken.get(&name) {
                problems.push(schema.diagnostic(
                    &at,
                    format!(
                        "the OpenAPI document names this inline schema `{name}` (its owner and property), which is already the component of `{other}`; move one of them into `$defs` under another name"
                    ),
                ));
                continue;
            }
            taken.insert(name.clone(), at);
            out.set(&name, titled(&name, schema_json));
        }
    }
    out
}

fn definition_pointer(name: &str) -> String {
    format!("#/{DEFS}/{}", escape_token(name))
}

/// `^[a-zA-Z0-9.\-_]+$`, the names OpenAPI allows in `components`.
fn is_component_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|it| it.is_ascii_alphanumeric() || matches!(it, b'.' | b'-' | b'_'))
}

/// A component with its name as `title`, the first member (transformation 3). A schema that
/// is not an object (`true`) gets none.
fn titled(name: &str, schema: Json) -> Json {
    match schema {
        Json::Object(members) => {
            let mut out = vec![(TITLE.to_owned(), text(name))];
            out.extend(members.into_iter().filter(|(key, _)| key != TITLE));
            Json::Object(out)
        }
        other => other,
    }
}

/// Copies the schemas of one definition, collecting the inline schemas it takes out.
struct Copier<'a> {
    file: &'a SourceFile,
    defs: &'a Map<String, Value>,
    /// The inline schemas taken out, as (component name, pointer in the spec, schema).
    hoisted: Vec<(String, String, Json)>,
    problems: &'a mut Vec<Diagnostic>,
}

impl Copier<'_> {
    /// A schema of the spec as the document writes it: members in the order of the file,
    /// `$ref`s rewritten, `null` examples dropped, and inline named types taken out of
    /// `properties`. Only keyword positions are rewritten: the values of `enum`, `const`,
    /// `default`, `examples` and of extensions are data, copied as they are. `owner` is the
    /// component the schema ends up in, which names what is taken out of it.
    fn schema(&mut self, owner: &str, value: &Value, pointer: &str) -> Json {
        let Value::Object(map) = value else {
            // `true` and `false` are schemas too.
            return data(self.file, value, pointer);
        };
        let mut out = Obj::new();
        for key in ordered_keys(self.file, map, pointer) {
            let child = &map[key];
            let at = format!("{pointer}/{}", escape_token(key));
            let copied = match key {
                REF => match child.as_str().and_then(|it| it.strip_prefix(DEFS_PREFIX)) {
                    Some(name) => text(&format!("{COMPONENTS_PREFIX}{name}")),
                    None => {
                        self.problems.push(self.file.diagnostic(
                            &at,
                            format!(
                                "the OpenAPI document can only hold references of the form `{DEFS_PREFIX}<Name>`"
                            ),
                        ));
                        continue;
                    }
                },
                PROPERTIES => match child {
                    Value::Object(members) => {
                        let mut properties = Obj::new();
                        for name in ordered_keys(self.file, members, &at) {
                            let inner = format!("{at}/{}", escape_token(name));
                            let it = self.property(owner, name, &members[name], &inner);
                            properties.set(name, it);
                        }
                        properties.into()
                    }
                    other => data(self.file, other, &at),
                },
                ITEMS | ADDITIONAL_PROPERTIES | PROPERTY_NAMES => self.schema(owner, child, &at),
                ALL_OF | ANY_OF | ONE_OF => match child {
                    Value::Array(branches) => Json::Array(
                        branches
                            .iter()
                            .enumerate()
                            .map(|(i, it)| self.schema(owner, it, &format!("{at}/{i}")))
                            .collect(),
                    ),
                    other => data(self.file, other, &at),
                },
                EXAMPLES => match child {
                    Value::Array(examples) => {
                        let kept: Vec<Json> = examples
                            .iter()
                            .enumerate()
                            .filter(|(_, it)| !it.is_null())
                            .map(|(i, it)| data(self.file, it, &format!("{at}/{i}")))
                            .collect();
                        if kept.is_empty() {
                            continue;
                        }
                        Json::Array(kept)
                    }
                    other => data(self.file, other, &at),
                },
                _ => data(self.file, child, &at),
            };
            out.set(key, copied);
        }
        out.into()
    }

    /// The schema of the property `name` of `owner`: a reference to the component
    /// `<Owner><Name>` when a generator would make a named type of it (transformation 4),
    /// else the schema itself.
    fn property(&mut self, owner: &str, name: &str, value: &Value, pointer: &str) -> Json {
        if !names_a_type(value) {
            return self.schema(owner, value, pointer);
        }
        let component = format!("{owner}{}", name.to_upper_camel_case());
        if !is_component_name(&component) {
            // A property name that gives no component name keeps its schema inline.
            return self.schema(owner, value, pointer);
        }
        let copied = self.schema(&component, value, pointer);
        self.hoisted
            .push((component.clone(), pointer.to_owned(), copied));
        let mut reference = Obj::new();
        reference.set(REF, text(&format!("{COMPONENTS_PREFIX}{component}")));
        reference.into()
    }

    /// A definition written as the one object its `allOf` branches make (transformation 5).
    fn flattened(&mut self, owner: &str, value: &Value, pointer: &str, flat: Flat<'_>) -> Json {
        // The definition's own annotations, copied as any schema's are.
        let annotations: Map<String, Value> = value
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(key, _)| FLATTEN_ANNOTATIONS.contains(&key.as_str()))
            .map(|(key, it)| (key.clone(), it.clone()))
            .collect();
        let mut out = match self.schema(owner, &Value::Object(annotations), pointer) {
            Json::Object(members) => Obj(members),
            _ => Obj::new(),
        };
        if flat.object {
            out.set(TYPE, text(JsonType::Object.name()));
        }
        if !flat.required.is_empty() {
            out.set(
                REQUIRED,
                Json::Array(flat.required.iter().map(|it| text(it)).collect()),
            );
        }
        let mut properties = Obj::new();
        for (name, schemas) in &flat.properties {
            let merged = match merge(self.defs, schemas) {
                Merged::One((at, it)) => self.property(owner, name, it, at),
                Merged::All => {
                    let branches = schemas
                        .iter()
                        .map(|(at, it)| self.schema(owner, it, at))
                        .collect();
                    let mut all = Obj::new();
                    all.set(ALL_OF, Json::Array(branches));
                    all.into()
                }
            };
            properties.set(name, merged);
        }
        out.set(PROPERTIES, properties.into());
        out.into()
    }
}

/// Whether generators make a named type of this property schema: an inline `enum` or `const`
/// (an enumeration class) or an object with `properties` (a model class). A `$ref` is named
/// already.
fn names_a_type(value: &Value) -> bool {
    let Value::Object(map) = value else {
        return false;
    };
    !map.contains_key(REF)
        && (map.contains_key(ENUM) || map.contains_key(CONST) || map.contains_key(PROPERTIES))
}

/// The object an `allOf` definition makes: its properties with every schema the branches give
/// each (with their pointers), in the order they first appear, the union of the `required`
/// names, and whether some branch says `type: object`.
#[derive(Debug)]
struct Flat<'v> {
    properties: Vec<(&'v str, Vec<(String, &'v Value)>)>,
    required: Vec<&'v str>,
    object: bool,
}

/// The definition at `pointer` as one object, when it is an `allOf` of plain objects
/// (transformation 5); `None` when it has no `allOf`, or when a branch holds anything but
/// `type: object`, `properties`, `required`, `allOf`, a `$ref` and annotations (then the flat
/// object could accept another set of payloads, and the definition is written as it is).
fn flatten<'v>(
    file: &SourceFile,
    defs: &'v Map<String, Value>,
    value: &'v Value,
    pointer: &str,
) -> Option<Flat<'v>> {
    value.get(ALL_OF)?;
    let mut flat = Flat {
        properties: Vec::new(),
        required: Vec::new(),
        object: false,
    };
    let mut seen = Vec::new();
    collect(file, defs, value, pointer, &mut flat, &mut seen)?;
    Some(flat)
}

/// Adds the part `value` (at `pointer`) and the parts it joins to `flat`; `None` when a part
/// cannot be flattened. `seen` holds the definitions on the way, so a cycle (which the
/// lowerer refuses anyway) ends the walk instead of looping.
fn collect<'v>(
    file: &SourceFile,
    defs: &'v Map<String, Value>,
    value: &'v Value,
    pointer: &str,
    flat: &mut Flat<'v>,
    seen: &mut Vec<&'v str>,
) -> Option<()> {
    let Value::Object(map) = value else {
        return None;
    };
    for key in ordered_keys(file, map, pointer) {
        let child = &map[key];
        match key {
            TYPE => {
                if child.as_str() != Some(JsonType::Object.name()) {
                    return None;
                }
                flat.object = true;
            }
            PROPERTIES => {
                let members = child.as_object()?;
                let at_properties = format!("{pointer}/{PROPERTIES}");
                for name in ordered_keys(file, members, &at_properties) {
                    let schema = &members[name];
                    let at = format!("{pointer}/{PROPERTIES}/{}", escape_token(name));
                    match flat.properties.iter_mut().find(|(it, _)| *it == name) {
                        Some((_, schemas)) => schemas.push((at, schema)),
                        None => flat.properties.push((name, vec![(at, schema)])),
                    }
                }
            }
            REQUIRED => {
                for name in child.as_array()? {
                    let name = name.as_str()?;
                    if !flat.required.contains(&name) {
                        flat.required.push(name);
                    }
                }
            }
            ALL_OF => {
                for (i, branch) in child.as_array()?.iter().enumerate() {
                    let at = format!("{pointer}/{ALL_OF}/{i}");
                    collect(file, defs, branch, &at, flat, seen)?;
                }
            }
            REF => {
                let name = child.as_str()?.strip_prefix(DEFS_PREFIX)?;
                let (name, target) = defs.get_key_value(name)?;
                if seen.contains(&name.as_str()) {
                    return None;
                }
                seen.push(name);
                collect(file, defs, target, &definition_pointer(name), flat, seen)?;
                seen.pop();
            }
            other if FLATTEN_ANNOTATIONS.contains(&other) => {}
            _ => return None,
        }
    }
    Some(())
}

/// The schema of one property of a flattened definition.
enum Merged<'s, 'v> {
    /// One schema says it all: every branch gives the same, or one narrows the others.
    One(&'s (String, &'v Value)),
    /// Their conjunction, as an `allOf`.
    All,
}

/// The schema that accepts exactly what every schema of `schemas` accepts: the first when
/// they are all equal; else the one that enumerates string values every other enumerates too
/// (the narrowing `"enum": ["COMPLETED"]` beside `"$ref": "#/$defs/OrderStatus"`); else none
/// of them alone, and the property becomes their `allOf`.
fn merge<'s, 'v>(defs: &Map<String, Value>, schemas: &'s [(String, &'v Value)]) -> Merged<'s, 'v> {
    let first = &schemas[0];
    if schemas.iter().all(|(_, it)| *it == first.1) {
        return Merged::One(first);
    }
    let narrowest = schemas.iter().find(|(_, candidate)| {
        strings(defs, candidate).is_some_and(|values| {
            schemas.iter().all(|(_, other)| {
                strings(defs, other)
                    .is_some_and(|allowed| values.iter().all(|it| allowed.contains(it)))
            })
        })
    });
    match narrowest {
        Some(it) => Merged::One(it),
        None => Merged::All,
    }
}

/// The strings a schema accepts, when it is exactly a finite set of strings: `type: string`
/// (or no `type`) with an `enum` of strings or a string `const`, and annotations, or a lone
/// `$ref` (with annotations) to such a definition.
fn strings<'v>(defs: &'v Map<String, Value>, value: &'v Value) -> Option<Vec<&'v str>> {
    let map = value.as_object()?;
    if let Some(target) = map.get(REF) {
        let name = target.as_str()?.strip_prefix(DEFS_PREFIX)?;
        let only_annotations = map
            .keys()
            .all(|key| key == REF || FLATTEN_ANNOTATIONS.contains(&key.as_str()));
        // A `$ref` to a `$ref` is followed no further: `None` keeps the `allOf`.
        let target = defs.get(name)?;
        return if only_annotations && target.get(REF).is_none() {
            strings(defs, target)
        } else {
            None
        };
    }
    let mut values = None;
    for (key, child) in map {
        match key.as_str() {
            TYPE if child.as_str() == Some(JsonType::String.name()) => {}
            ENUM => {
                let items = child.as_array()?;
                values = Some(
                    items
                        .iter()
                        .map(Value::as_str)
                        .collect::<Option<Vec<_>>>()?,
                );
            }
            CONST => values = Some(vec![child.as_str()?]),
            other if FLATTEN_ANNOTATIONS.contains(&other) => {}
            _ => return None,
        }
    }
    values
}

/// A JSON value of the spec as it is, with object members in the order of the file.
pub(super) fn data(file: &SourceFile, value: &Value, pointer: &str) -> Json {
    match value {
        Value::Null => Json::Null,
        Value::Bool(it) => Json::Bool(*it),
        Value::Number(it) => Json::Number(it.clone()),
        Value::String(it) => text(it),
        Value::Array(items) => Json::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, it)| data(file, it, &format!("{pointer}/{i}")))
                .collect(),
        ),
        Value::Object(map) => {
            let mut out = Obj::new();
            for key in ordered_keys(file, map, pointer) {
                let at = format!("{pointer}/{}", escape_token(key));
                out.set(key, data(file, &map[key], &at));
            }
            out.into()
        }
    }
}

/// The keys of the object at `pointer`, in the order they are written in the file (members
/// the file does not locate, which cannot happen for a loaded file, come last by name).
fn ordered_keys<'m>(file: &SourceFile, map: &'m Map<String, Value>, pointer: &str) -> Vec<&'m str> {
    let mut keys: Vec<(Option<usize>, &str)> = map
        .keys()
        .map(|key| {
            let at = format!("{pointer}/{}", escape_token(key));
            (file.offset(&at), key.as_str())
        })
        .collect();
    keys.sort_by_key(|(offset, key)| (offset.is_none(), *offset, *key));
    keys.into_iter().map(|(_, key)| key).collect()
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use serde_json::json;

    use super::*;
    use crate::codegen::{self, emit_openapi::PATH};

    const SCHEMA_FILE: &str = "spec/order-api.schema.json";
    const OPERATIONS_FILE: &str = "spec/operations.json";

    /// The real spec's schema file, edited by `edit`, through the whole generator: the
    /// document, or the diagnostics.
    fn document(edit: impl FnOnce(&mut Value)) -> Result<Value, String> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let read = |file: &str| std::fs::read_to_string(root.join(file)).unwrap();
        let mut schema: Value = serde_json::from_str(&read(SCHEMA_FILE)).unwrap();
        edit(&mut schema);
        let schema = serde_json::to_string_pretty(&schema).unwrap();
        let files = codegen::generate_texts(
            SCHEMA_FILE,
            &schema,
            OPERATIONS_FILE,
            &read(OPERATIONS_FILE),
        )
        .map_err(|it| it.to_string())?;
        let document = files.iter().find(|it| it.path == PATH).unwrap();
        Ok(serde_json::from_str(&document.contents).unwrap())
    }

    fn def<'v>(schema: &'v mut Value, name: &str) -> &'v mut Value {
        &mut schema[DEFS][name]
    }

    #[test]
    fn an_inline_schema_whose_name_is_taken_is_a_located_diagnostic() {
        let err = document(|schema| {
            *def(schema, "EmailDistributionType") = json!({(TYPE): "string"});
        })
        .unwrap_err();
        assert!(
            err.contains("names this inline schema `EmailDistributionType`"),
            "{err}"
        );
        let pointer = format!("{DEFS_PREFIX}EmailDistribution/{PROPERTIES}/{TYPE}");
        assert!(err.contains(&pointer), "{err}");
    }

    #[test]
    fn a_narrowing_that_is_no_enumeration_keeps_the_conjunction_of_both() {
        let document = document(|schema| {
            def(schema, "SyncCompletedOrder")[ALL_OF][1][PROPERTIES]["status"] =
                json!({(TYPE): "string", (keywords::MIN_LENGTH.name): 3});
        })
        .unwrap();
        let flat = &document["components"]["schemas"]["SyncCompletedOrder"];
        assert!(flat.get(ALL_OF).is_none(), "{flat}");
        let reference = format!("{COMPONENTS_PREFIX}OrderStatus");
        assert_eq!(
            flat[PROPERTIES]["status"],
            json!({(ALL_OF): [{(REF): reference}, {(TYPE): "string", (keywords::MIN_LENGTH.name): 3}]})
        );
    }

    #[test]
    fn an_all_of_with_keywords_a_flat_object_cannot_keep_is_copied_as_it_is() {
        let document = document(|schema| {
            def(schema, "SyncCompletedOrder")[ALL_OF][1][keywords::MIN_PROPERTIES.name] = json!(1);
        })
        .unwrap();
        let kept = &document["components"]["schemas"]["SyncCompletedOrder"];
        assert_eq!(kept[ALL_OF].as_array().map(Vec::len), Some(2), "{kept}");
        // Its narrowed status is still taken out as a named component.
        let reference = format!("{COMPONENTS_PREFIX}SyncCompletedOrderStatus");
        assert_eq!(kept[ALL_OF][1][PROPERTIES]["status"][REF], json!(reference));
    }
}
