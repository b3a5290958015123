//! Synthetic specs of any size, for the scaling bench, the regression tests and the codegen fixtures that have no operations of their own.
//!
//! Everything here is deterministic: the same arguments give the same text.

use serde_json::{Map, Value, json};

/// A minimal `operations.json` for a schema file called `schema_file` whose definitions are
/// `definitions`: for each definition a POST operation that sends and answers it (with a path
/// parameter, an enumerated and a plain header and a bounded query parameter), and one GET.
///
/// It has only 2xx answers and no rules: the client runtime turns error bodies into errors
/// only for the error types of the real spec.
pub fn operations_for(schema_file: &str, definitions: &[&str]) -> String {
    let mut operations: Vec<Value> = definitions
        .iter()
        .enumerate()
        .map(|(i, name)| {
            json!({
                "id": format!("send{i}"),
                "method": "POST",
                "path": format!("/things/{i}/{{thing-id}}"),
                "summary": format!("Sends a `{name}`."),
                "parameters": [
                    {"name": "thing-id", "in": "path", "type": "string", "required": true},
                    {
                        "name": "X-Mode", "in": "header", "type": "string",
                        "enum": ["fast", "slow-and-steady"], "default": "fast"
                    },
                    {"name": "X-Trace", "in": "header", "type": "string"},
                    {
                        "name": "limit", "in": "query", "type": "integer",
                        "minimum": 1, "maximum": 500
                    }
                ],
                "request_body": name,
                "responses": {"200": {"body": name}}
            })
        })
        .collect();
    if let Some(first) = definitions.first() {
        operations.push(json!({
            "id": "fetchFirst",
            "method": "GET",
            "path": "/first",
            "summary": "Gets the first kind of thing.",
            "parameters": [{"name": "after", "in": "query", "type": "string"}],
            "responses": {"200": {"body": first}}
        }));
    }
    let document = json!({
        "schema": schema_file,
        "api_version": "2024-02-05",
        "removed_versions": [],
        "servers": [{"name": "local", "url": "https://example.invalid/v2"}],
        "auth_header": "X-Api-Key",
        "operations": operations,
        "error_types": [
            {"type": "bad_request", "status": 400, "message": "The request is malformed."}
        ]
    });
    pretty(&document)
}

/// A schema with `n` definitions, written one member per line as people write the spec
/// (members in the alphabetical order of serde_json's map).
///
/// The definitions cycle through the shapes of the real spec: constrained strings, string
/// enums, objects with references, bounds, arrays and nullable members, `type`-tagged objects
/// and `oneOf`s of them, `anyOf` with `null`, and `allOf` narrowing. References only go to
/// earlier definitions, and every tenth object refers to itself through an array, so the spec
/// is valid and acyclic apart from that legitimate recursion.
pub fn schema(n: usize) -> String {
    let mut defs = Map::new();
    for i in 0..n {
        let group = i / 6 * 6;
        let def = match i % 6 {
            0 => json!({
                "description": format!("Code {i}."),
                "type": "string",
                "pattern": "^[A-Z]{3}-[0-9]{2,8}$",
                "maxLength": 12
            }),
            1 => json!({
                "description": format!("Status {i}."),
                "type": "string",
                "enum": [format!("OPEN_{i}"), format!("DONE_{i}"), format!("FAILED_{i}")]
            }),
            2 => {
                let mut properties = json!({
                    "id": {"$ref": format!("#/$defs/{}", name(group))},
                    "status": {"$ref": format!("#/$defs/{}", name(group + 1))},
                    "amount": {"type": "number", "minimum": 0.01, "maximum": 10000},
                    "tags": {
                        "type": "array", "items": {"type": "string", "maxLength": 40},
                        "maxItems": 20, "uniqueItems": true
                    },
                    "note": {"type": ["string", "null"], "maxLength": 200}
                });
                if i % 10 == 2 {
                    properties["children"] =
                        json!({"type": "array", "items": {"$ref": format!("#/$defs/{}", name(i))}});
                }
                json!({
                    "description": format!("Record {i}."),
                    "type": "object",
                    "properties": properties,
                    "required": ["id", "amount"]
                })
            }
            3 | 4 => json!({
                "description": format!("Variant {i}."),
                "title": format!("Variant{i}"),
                "type": "object",
                "properties": {
                    "type": {"type": "string", "enum": [format!("KIND_{i}")]},
                    "value": {"type": "string", "minLength": 1}
                },
                "required": ["type", "value"]
            }),
            _ if i % 12 == 5 => json!({
                "description": format!("Either variant of group {group}."),
                "oneOf": [
                    {"$ref": format!("#/$defs/{}", name(group + 3))},
                    {"$ref": format!("#/$defs/{}", name(group + 4))}
                ]
            }),
            _ => json!({
                "description": format!("Narrowed record of group {group}, or null."),
                "anyOf": [
                    {"allOf": [
                        {"$ref": format!("#/$defs/{}", name(group + 2))},
                        {
                            "properties": {"status": {"const": format!("DONE_{}", group + 1)}},
                            "required": ["status"]
                        }
                    ]},
                    {"type": "null"}
                ]
            }),
        };
        defs.insert(name(i), def);
    }
    pretty(&json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": format!("Synthetic spec with {n} definitions"),
        "$defs": defs
    }))
}

/// The name of the `i`th synthetic definition.
pub fn name(i: usize) -> String {
    format!("Def{i}")
}

fn pretty(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codegen;

    #[test]
    fn synthetic_specs_are_valid() {
        let text = schema(60);
        let api = codegen::lower_schema_text("synthetic.schema.json", &text)
            .unwrap_or_else(|err| panic!("{err}"));
        assert_eq!(api.definitions.len(), 60);
        let names: Vec<&str> = api.definitions.iter().map(|it| it.name.as_str()).collect();
        let operations = operations_for("synthetic.schema.json", &names);
        codegen::lower_texts(
            "synthetic.schema.json",
            &text,
            "operations.json",
            &operations,
        )
        .unwrap_or_else(|err| panic!("{err}"));
        // A tagged `oneOf` was recognised.
        let either = api.definition(&name(5)).unwrap();
        assert!(either.schema.discriminator.is_some());
    }
}
