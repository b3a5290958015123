//! The seeded edits of the spec that the change report is checked on: a bound moved, an enum value or a branch taken away or added, a property made required, `null` taken away.
//!
//! `tests/changes.rs` compares each edit with the real spec both ways and checks the
//! counter-examples against the validators; `cargo xtask semver-check` compares the crates
//! generated from both sides with `cargo-semver-checks`. Both draw the same edits from the
//! same seed (`RUNA_CHANGES_SEED` in the test, `--seed` in the command), so a figure of one
//! can be replayed by the other.

use rand::{RngExt, SeedableRng, rngs::StdRng};
use serde_json::{Value, json};

use super::Spec;
use crate::codegen::keywords;

/// The seed both users draw their edits from by default.
pub const DEFAULT_SEED: u64 = 20_240_205;

/// How many edits the test and the command make by default.
pub const DEFAULT_COUNT: usize = 60;

/// Draws per edit kept, at most: an edit the generator refuses (a bound moved below its
/// partner) is drawn again, and this bound keeps a spec with no editable place from looping.
const DRAWS_PER_EDIT: usize = 50;

/// The spec file names the edited texts are lowered under, as in the checkout.
pub const SCHEMA_FILE: &str = "spec/order-api.schema.json";
pub const OPERATIONS_FILE: &str = "spec/operations.json";

/// One edit that still lowers.
#[derive(Debug, Clone)]
pub struct Edit {
    /// What was edited: the pointer of the node and the kind of edit (`#/$defs/X/maxLength`).
    pub label: String,
    /// The edited schema file.
    pub schema: Value,
    /// The edited schema file as text, as it is lowered.
    pub schema_text: String,
}

/// Lowers a schema file and an operations file given as values, as the checkout's files.
pub fn lower(schema: &Value, operations: &Value) -> Result<Spec, String> {
    Spec::from_texts(
        (SCHEMA_FILE, text(schema)),
        (OPERATIONS_FILE, text(operations)),
    )
    .map_err(|it| it.to_string())
}

/// The text a value is lowered from.
pub fn text(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

/// The first `count` edits of `schema` drawn from `seed` that still lower with `operations`,
/// with each edit's lowered spec. Fewer when `count * 50` draws do not find them (a spec with
/// hardly any editable place).
pub fn edits(schema: &Value, operations: &Value, seed: u64, count: usize) -> Vec<(Edit, Spec)> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut out = Vec::new();
    for _ in 0..count.saturating_mul(DRAWS_PER_EDIT) {
        if out.len() == count {
            break;
        }
        let mut other = schema.clone();
        let Some(label) = edit(&mut other, &mut rng) else {
            break;
        };
        // An edit the generator refuses (a bound below its partner, say) is drawn again.
        if let Ok(spec) = lower(&other, operations) {
            let schema_text = text(&other);
            out.push((
                Edit {
                    label,
                    schema: other,
                    schema_text,
                },
                spec,
            ));
        }
    }
    out
}

/// One seeded edit of `schema`, in place; its label, or `None` when the schema has no place
/// to edit.
pub fn edit(schema: &mut Value, rng: &mut StdRng) -> Option<String> {
    let mut places = Vec::new();
    collect(schema, String::new(), &mut places);
    if places.is_empty() {
        return None;
    }
    let (pointer, kind) = places[rng.random_range(0..places.len())].clone();
    let node = schema.pointer_mut(&pointer)?;
    let step = |value: &Value, by: i64| json!((value.as_i64().unwrap_or(1) + by).max(0));
    let label = format!("{pointer}/{}", kind.name());
    match kind {
        Kind::Upper(keyword) => {
            let by = if rng.random_bool(0.5) { -1 } else { 1 };
            node[keyword] = step(&node[keyword], by * rng.random_range(1..4));
        }
        Kind::Lower(keyword) => {
            let by = if rng.random_bool(0.5) { -1 } else { 1 };
            node[keyword] = step(&node[keyword], by);
        }
        Kind::Members(keyword) => {
            let items = node[keyword].as_array_mut()?;
            if items.len() > 2 {
                let index = rng.random_range(0..items.len());
                items.remove(index);
            }
        }
        Kind::Untagged => node[keywords::ONE_OF.name].as_array_mut()?.push(json!({
            (keywords::TYPE.name): "object",
            (keywords::PROPERTIES.name): {"note": {(keywords::TYPE.name): "integer"}},
            (keywords::REQUIRED.name): ["note"]
        })),
        Kind::Required => {
            let names: Vec<String> = node[keywords::PROPERTIES.name]
                .as_object()?
                .keys()
                .cloned()
                .collect();
            let name = &names[rng.random_range(0..names.len())];
            let required = node
                .as_object_mut()?
                .entry(keywords::REQUIRED.name)
                .or_insert_with(|| json!([]))
                .as_array_mut()?;
            if !required.iter().any(|it| it == name.as_str()) {
                required.push(json!(name));
            }
        }
        Kind::Null => {
            let types = node[keywords::TYPE.name].as_array_mut()?;
            types.retain(|it| it != "null");
        }
    }
    Some(label)
}

/// The kinds of edit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// An upper bound (`maxLength`, `maxItems`, `maxProperties`, `maximum`) moved by 1 to 3.
    Upper(&'static str),
    /// A lower bound (`minLength`, `minItems`, `minimum`) moved by 1.
    Lower(&'static str),
    /// A member of an `enum`, `oneOf` or `anyOf` of more than two taken away.
    Members(&'static str),
    /// An object branch with a required integer `note` added to a `oneOf`.
    Untagged,
    /// A property made required.
    Required,
    /// `null` taken out of a `type` array.
    Null,
}

impl Kind {
    /// The last segment of the label.
    fn name(self) -> &'static str {
        match self {
            Kind::Upper(it) | Kind::Lower(it) | Kind::Members(it) => it,
            Kind::Untagged => "untagged",
            Kind::Required => keywords::REQUIRED.name,
            Kind::Null => "null",
        }
    }
}

const UPPER: [&str; 4] = [
    keywords::MAX_LENGTH.name,
    keywords::MAX_ITEMS.name,
    keywords::MAX_PROPERTIES.name,
    keywords::MAXIMUM.name,
];
const LOWER: [&str; 3] = [
    keywords::MIN_LENGTH.name,
    keywords::MIN_ITEMS.name,
    keywords::MINIMUM.name,
];

/// Every place an edit can be made, with the kind of edit, in document order.
fn collect(value: &Value, pointer: String, out: &mut Vec<(String, Kind)>) {
    let Value::Object(map) = value else {
        if let Value::Array(items) = value {
            for (index, item) in items.iter().enumerate() {
                collect(item, format!("{pointer}/{index}"), out);
            }
        }
        return;
    };
    for (key, child) in map {
        let key = key.as_str();
        match child {
            Value::Number(_) => {
                if let Some(it) = UPPER.iter().find(|it| **it == key) {
                    out.push((pointer.clone(), Kind::Upper(it)));
                } else if let Some(it) = LOWER.iter().find(|it| **it == key) {
                    out.push((pointer.clone(), Kind::Lower(it)));
                }
            }
            Value::Array(items) => {
                if key == keywords::ENUM.name {
                    out.push((pointer.clone(), Kind::Members(keywords::ENUM.name)));
                } else if key == keywords::ANY_OF.name {
                    out.push((pointer.clone(), Kind::Members(keywords::ANY_OF.name)));
                } else if key == keywords::ONE_OF.name {
                    out.push((pointer.clone(), Kind::Members(keywords::ONE_OF.name)));
                    if !map.contains_key(keywords::DISCRIMINATOR.name) {
                        out.push((pointer.clone(), Kind::Untagged));
                    }
                } else if key == keywords::TYPE.name && items.iter().any(|it| it == "null") {
                    out.push((pointer.clone(), Kind::Null));
                }
            }
            Value::Object(members) if key == keywords::PROPERTIES.name && !members.is_empty() => {
                out.push((pointer.clone(), Kind::Required));
            }
            _ => {}
        }
        let child_pointer = format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1"));
        collect(child, child_pointer, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn real() -> (Value, Value) {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let read = |file: &str| -> Value {
            serde_json::from_str(&std::fs::read_to_string(root.join(file)).unwrap()).unwrap()
        };
        (read(SCHEMA_FILE), read(OPERATIONS_FILE))
    }

    #[test]
    fn the_same_seed_draws_the_same_edits() {
        let (schema, operations) = real();
        let first = edits(&schema, &operations, 7, 12);
        assert_eq!(first.len(), 12);
        let again = edits(&schema, &operations, 7, 12);
        let labels = |it: &[(Edit, Spec)]| -> Vec<String> {
            it.iter().map(|(edit, _)| edit.label.clone()).collect()
        };
        assert_eq!(labels(&first), labels(&again));
        assert_ne!(labels(&first), labels(&edits(&schema, &operations, 8, 12)));
        for (edit, _) in &first {
            let defs = format!("/{}/", keywords::DEFS.name);
            assert!(edit.label.starts_with(&defs), "{}", edit.label);
            assert_eq!(edit.schema_text, text(&edit.schema));
            // An enum or a branch list of two, or a property already required, is left as it
            // is; every other edit changes the schema.
            let kept = [
                keywords::ENUM.name,
                keywords::ONE_OF.name,
                keywords::ANY_OF.name,
                keywords::REQUIRED.name,
            ]
            .iter()
            .any(|it| edit.label.ends_with(&format!("/{it}")));
            assert!(kept || edit.schema != schema, "{}", edit.label);
        }
    }

    #[test]
    fn a_schema_without_a_place_to_edit_draws_nothing_and_does_not_loop() {
        let (_, operations) = real();
        let mut bare = json!({});
        assert_eq!(edit(&mut bare, &mut StdRng::seed_from_u64(1)), None);
        assert!(edits(&bare, &operations, 1, 3).is_empty());
    }
}
