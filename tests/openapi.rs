//! Checks of the generated OpenAPI document (`openapi/runa-order-api.json`): valid for the official OpenAPI 3.1 schema, its schemas equal to the spec's `$defs`, the same verdicts as the generated validator, and every operation of `spec/operations.json` in it.

use std::{collections::BTreeSet, fs, path::Path};

use codegen_tests::root;
use runa_order_validator::Kind;
use serde_json::{Map, Value, json};
use xtask::codegen::{self, emit_openapi};

fn read_json(path: &Path) -> Value {
    let text = fs::read_to_string(path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

fn document() -> Value {
    read_json(&root().join(emit_openapi::PATH))
}

fn spec() -> Value {
    read_json(&root().join("spec/order-api.schema.json"))
}

fn operations() -> Value {
    read_json(&root().join("spec/operations.json"))
}

/// The official schema of OpenAPI 3.1 documents (see `tests/vendor/README.md`).
fn openapi_schema() -> jsonschema061::Validator {
    let schema = read_json(&root().join("tests/vendor/openapi-3.1-schema.json"));
    jsonschema061::draft202012::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap_or_else(|err| panic!("the OpenAPI 3.1 schema does not build: {err}"))
}

fn problems(validator: &jsonschema061::Validator, value: &Value) -> Vec<String> {
    validator
        .iter_errors(value)
        .map(|it| format!("{}: {it}", it.instance_path().as_str()))
        .collect()
}

#[test]
fn the_document_is_valid_against_the_openapi_3_1_schema() {
    let validator = openapi_schema();
    let document = document();
    assert_eq!(document["openapi"], "3.1.0");
    let found = problems(&validator, &document);
    assert!(
        found.is_empty(),
        "{} is not a valid OpenAPI 3.1 document:\n{}",
        emit_openapi::PATH,
        found.join("\n")
    );
    // The check can fail: structural mistakes are refused.
    let mut no_info = document.clone();
    no_info.as_object_mut().unwrap().remove("info");
    assert!(!validator.is_valid(&no_info));
    let mut bad_status = document.clone();
    bad_status["paths"]["/order"]["post"]["responses"]["2xx0"] = json!({"description": "x"});
    assert!(!validator.is_valid(&bad_status));
    let mut bad_parameter = document.clone();
    bad_parameter["paths"]["/order/{id}"]["get"]["parameters"][1]["in"] = json!("body");
    assert!(!validator.is_valid(&bad_parameter));
}

/// The named transformations the emitter applies to a definition, undone (see
/// `spec/README.md`, "The OpenAPI document"):
///
/// 1. `$ref`: `#/$defs/X` became `#/components/schemas/X`; written back.
/// 2. `examples`: `null` values were dropped (and an `examples` left empty with them); the
///    same is done to the spec's side, since a dropped value cannot be written back.
/// 3. `title`: every component's title is its name; checked, then removed on both sides (the
///    spec's title names a Rust variant and is not in the document).
/// 4. Inline schemas taken out as components: a `{"$ref"}` to a component that is no `$defs`
///    entry is replaced by that component, undone in turn.
/// 5. A narrowing `allOf` written as one object cannot be written back; `flattened` checks it.
fn undo(components: &Map<String, Value>, defs: &Map<String, Value>, value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            if let (1, Some(Value::String(target))) = (map.len(), map.get("$ref"))
                && let Some(name) = target.strip_prefix(emit_openapi::COMPONENTS_PREFIX)
                && !defs.contains_key(name)
            {
                let taken_out = components
                    .get(name)
                    .unwrap_or_else(|| panic!("{target} does not resolve"));
                return undo(components, defs, &untitled(name, taken_out));
            }
            map.iter()
                .map(|(key, it)| {
                    let it = match (key.as_str(), it) {
                        ("$ref", Value::String(target)) => {
                            let name = target
                                .strip_prefix(emit_openapi::COMPONENTS_PREFIX)
                                .unwrap_or_else(|| panic!("{target} is not a component reference"));
                            json!(format!("#/$defs/{name}"))
                        }
                        _ => undo(components, defs, it),
                    };
                    (key.clone(), it)
                })
                .collect()
        }
        Value::Array(items) => {
            Value::Array(items.iter().map(|it| undo(components, defs, it)).collect())
        }
        other => other.clone(),
    }
}

/// A component without its `title`, which must be its name (transformation 3).
fn untitled(name: &str, component: &Value) -> Value {
    assert_eq!(
        component["title"],
        json!(name),
        "the title of components/schemas/{name}"
    );
    let mut out = component.clone();
    out.as_object_mut().unwrap().remove("title");
    out
}

/// Transformations 2 and 3 on the spec's side: `null` dropped from `examples`, and the
/// definition's own `title`.
fn spec_side(definition: &Value) -> Value {
    let mut out = without_null_examples(definition);
    if let Some(map) = out.as_object_mut() {
        map.remove("title");
    }
    out
}

/// Transformation 2 on the spec's side: `null` dropped from `examples`.
fn without_null_examples(value: &Value) -> Value {
    match value {
        Value::Object(map) => map
            .iter()
            .filter_map(|(key, it)| match (key.as_str(), it) {
                ("examples", Value::Array(items)) => {
                    let kept: Vec<Value> =
                        items.iter().filter(|it| !it.is_null()).cloned().collect();
                    (!kept.is_empty()).then(|| (key.clone(), Value::Array(kept)))
                }
                _ => Some((key.clone(), without_null_examples(it))),
            })
            .collect(),
        Value::Array(items) => Value::Array(items.iter().map(without_null_examples).collect()),
        other => other.clone(),
    }
}

/// The components that are no `$defs` entry: the inline schemas taken out (transformation 4).
fn taken_out<'d>(components: &'d Map<String, Value>, defs: &Map<String, Value>) -> Vec<&'d str> {
    components
        .keys()
        .filter(|it| !defs.contains_key(*it))
        .map(String::as_str)
        .collect()
}

#[test]
fn every_component_schema_is_its_definition_with_the_named_transformations() {
    let document = document();
    let spec = spec();
    let components = document["components"]["schemas"].as_object().unwrap();
    let defs = spec["$defs"].as_object().unwrap();
    // Every definition, in spec order, each followed by what was taken out of it.
    let component_names: Vec<&String> = components
        .keys()
        .filter(|it| defs.contains_key(*it))
        .collect();
    let def_names: Vec<&String> = defs.keys().collect();
    assert_eq!(component_names, def_names, "the same names");
    let mut flattened = Vec::new();
    for (name, definition) in defs {
        let component = untitled(name, &components[name]);
        if definition.get("allOf").is_some() && component.get("allOf").is_none() {
            check_flattened(&spec, name, &undo(components, defs, &component));
            flattened.push(name.as_str());
            continue;
        }
        assert_eq!(
            undo(components, defs, &component),
            spec_side(definition),
            "components/schemas/{name} differs from $defs/{name}"
        );
    }
    assert_eq!(
        flattened,
        [
            "CompletedOrderWebhook",
            "CompletedOrderWithFullDetails",
            "SyncCompletedOrder"
        ]
    );
    // No reference leaves the document, and each resolves.
    let text = document.to_string();
    assert!(!text.contains("#/$defs/"));
    let mut refs = Vec::new();
    collect_refs(&document, &mut refs);
    assert!(refs.len() > 70, "only {} references", refs.len());
    for target in refs {
        let pointer = target
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("{target} is not local"));
        assert!(
            document.pointer(pointer).is_some(),
            "{target} does not resolve"
        );
    }
}

/// Transformation 5: `component` (undone) is the object the `allOf` of the definition `name`
/// makes: the properties and `required` names of every branch it reaches, each property with
/// one of the schemas the branches give it, the narrowest where they differ.
fn check_flattened(spec: &Value, name: &str, component: &Value) {
    let mut properties: Vec<(String, Vec<Value>)> = Vec::new();
    let mut required = BTreeSet::new();
    branches(spec, &spec["$defs"][name], &mut properties, &mut required);
    let listed: BTreeSet<String> = component["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|it| it.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(listed, required, "{name}: required");
    let ours = component["properties"].as_object().unwrap();
    assert_eq!(
        ours.keys().collect::<BTreeSet<_>>(),
        properties.iter().map(|(it, _)| it).collect::<BTreeSet<_>>(),
        "{name}: properties"
    );
    for (property, schemas) in &properties {
        assert!(
            schemas.contains(&ours[property]),
            "{name}.{property}: {} is none of {schemas:?}",
            ours[property]
        );
    }
    assert_eq!(component["type"], "object", "{name}");
}

/// The properties (with every schema given to each) and required names of the branches a
/// schema joins with `allOf` and `$ref`.
fn branches(
    spec: &Value,
    schema: &Value,
    properties: &mut Vec<(String, Vec<Value>)>,
    required: &mut BTreeSet<String>,
) {
    if let Some(Value::String(target)) = schema.get("$ref") {
        let name = target.strip_prefix("#/$defs/").unwrap();
        branches(spec, &spec["$defs"][name], properties, required);
    }
    for branch in schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        branches(spec, branch, properties, required);
    }
    for (property, it) in schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        match properties.iter_mut().find(|(name, _)| name == property) {
            Some((_, schemas)) => schemas.push(it.clone()),
            None => properties.push((property.clone(), vec![it.clone()])),
        }
    }
    for name in schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        required.insert(name.as_str().unwrap().to_owned());
    }
}

#[test]
fn an_all_of_is_one_object_with_the_narrowed_property() {
    let document = document();
    let schemas = &document["components"]["schemas"];
    for (name, status) in [
        ("SyncCompletedOrder", "SyncCompletedOrderStatus"),
        ("CompletedOrderWebhook", "CompletedOrderWebhookStatus"),
    ] {
        let it = &schemas[name];
        assert!(it.get("allOf").is_none(), "{name}: {it}");
        assert_eq!(
            it["properties"]["status"]["$ref"],
            format!("#/components/schemas/{status}")
        );
        assert_eq!(schemas[status]["enum"], json!(["COMPLETED"]));
        assert!(
            it["required"]
                .as_array()
                .unwrap()
                .contains(&json!("status"))
        );
        // Every property of the order it narrows is there.
        for property in ["id", "created_at", "total_price", "currency"] {
            assert!(
                it["properties"].get(property).is_some(),
                "{name}.{property}"
            );
        }
    }
    // A composition without a narrowing is one object too, with every property of both.
    let full = &schemas["CompletedOrderWithFullDetails"];
    assert!(full.get("allOf").is_none(), "{full}");
    for property in ["id", "status", "created_at", "items", "transaction_detail"] {
        assert!(full["properties"].get(property).is_some(), "{property}");
    }
    assert_eq!(
        full["properties"]["status"]["$ref"],
        "#/components/schemas/OrderStatus"
    );
}

#[test]
fn inline_enums_and_objects_are_named_components() {
    let document = document();
    let spec = spec();
    let components = document["components"]["schemas"].as_object().unwrap();
    let defs = spec["$defs"].as_object().unwrap();
    // Each taken-out component is referenced once, from the property it is named after.
    let mut places = Vec::new();
    for (owner, schema) in components {
        property_refs(owner, schema, &mut places);
    }
    let taken = taken_out(components, defs);
    assert!(taken.len() >= 12, "{taken:?}");
    for name in &taken {
        let from: Vec<&(String, String, String)> =
            places.iter().filter(|(_, _, it)| it == name).collect();
        assert_eq!(from.len(), 1, "{name} is referenced from {from:?}");
        let (owner, property, _) = from[0];
        let camel: String = property
            .split('_')
            .map(|word| {
                let mut it = word.chars();
                it.next()
                    .map(|first| first.to_ascii_uppercase().to_string() + it.as_str())
                    .unwrap_or_default()
            })
            .collect();
        let expected = format!("{owner}{camel}");
        assert_eq!(
            *name, expected,
            "the name of the schema of {owner}.{property}"
        );
    }
    assert_eq!(
        components["EmailDistribution"]["properties"]["type"]["$ref"],
        "#/components/schemas/EmailDistributionType"
    );
    assert_eq!(
        components["EmailDistributionType"]["enum"],
        json!(["EMAIL"])
    );
    assert_eq!(
        components["TransactionDetailFXDetails"]["properties"]["fee"]["$ref"],
        "#/components/schemas/TransactionDetailFXDetailsFee"
    );
    // No property of any component holds an inline enumeration or object any more.
    for (owner, schema) in components {
        for (property, it) in schema
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            for keyword in ["enum", "const", "properties"] {
                assert!(
                    it.get(keyword).is_none(),
                    "{owner}.{property} has `{keyword}` inline"
                );
            }
        }
    }
}

/// (owner, property, component) for every `properties` member that is a reference, in the
/// component `owner` and the `allOf` branches written inside it.
fn property_refs(owner: &str, schema: &Value, out: &mut Vec<(String, String, String)>) {
    for (property, it) in schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        if let Some(Value::String(target)) = it.get("$ref") {
            let name = target
                .strip_prefix(emit_openapi::COMPONENTS_PREFIX)
                .unwrap();
            out.push((owner.to_owned(), property.clone(), name.to_owned()));
        }
    }
    for branch in schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        property_refs(owner, branch, out);
    }
}

/// Every `title` of a schema in the document, with where it is, walking the schema keywords
/// (property names and examples are data).
fn titles(value: &Value, at: String, out: &mut Vec<(String, String)>) {
    let Value::Object(map) = value else {
        return;
    };
    if let Some(Value::String(title)) = map.get("title") {
        out.push((title.clone(), at.clone()));
    }
    for (key, it) in map {
        match (key.as_str(), it) {
            ("properties", Value::Object(members)) => {
                for (name, schema) in members {
                    titles(schema, format!("{at}/properties/{name}"), out);
                }
            }
            ("items" | "additionalProperties" | "propertyNames", schema) => {
                titles(schema, format!("{at}/{key}"), out);
            }
            ("allOf" | "anyOf" | "oneOf", Value::Array(branches)) => {
                for (i, schema) in branches.iter().enumerate() {
                    titles(schema, format!("{at}/{key}/{i}"), out);
                }
            }
            _ => {}
        }
    }
}

/// The titles used more than once, with their places.
fn repeated_titles(document: &Value) -> Vec<(String, Vec<String>)> {
    let mut found = Vec::new();
    for (name, schema) in document["components"]["schemas"].as_object().unwrap() {
        titles(schema, format!("#/components/schemas/{name}"), &mut found);
    }
    let mut by_title: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for (title, at) in found {
        by_title.entry(title).or_default().push(at);
    }
    by_title
        .into_iter()
        .filter(|(_, at)| at.len() > 1)
        .collect()
}

#[test]
fn titles_are_unique_across_the_document() {
    let document = document();
    assert_eq!(repeated_titles(&document), Vec::new());
    for (name, schema) in document["components"]["schemas"].as_object().unwrap() {
        assert_eq!(schema["title"], json!(name), "components/schemas/{name}");
    }
    // The check can fail: the spec's titles, `Single` twice, are found.
    let mut spec_titles = document.clone();
    spec_titles["components"]["schemas"]["SingleProduct"]["title"] = json!("Single");
    spec_titles["components"]["schemas"]["SingleProductWithUsageConfig"]["properties"]["value"]["title"] =
        json!("Single");
    let repeated = repeated_titles(&spec_titles);
    assert_eq!(repeated.len(), 1, "{repeated:?}");
    assert_eq!(repeated[0].0, "Single");
}

#[test]
fn every_operation_has_one_declared_tag() {
    let document = document();
    let declared: Vec<&Value> = document["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|it| &it["name"])
        .collect();
    assert_eq!(declared, [&json!("order")]);
    let mut count = 0;
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            assert_eq!(operation["tags"], json!(["order"]), "{method} {path}");
            count += 1;
        }
    }
    assert_eq!(count, 4);
}

fn collect_refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, it) in map {
                match (key.as_str(), it) {
                    ("$ref", Value::String(target)) => out.push(target.clone()),
                    _ => collect_refs(it, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|it| collect_refs(it, out)),
        _ => {}
    }
}

#[test]
fn the_round_trip_notices_a_changed_schema() {
    // The comparison above can fail: a schema that differs in one keyword is caught, also
    // inside a component taken out of a definition.
    let spec = spec();
    let defs = spec["$defs"].as_object().unwrap();
    let mut document = document();
    document["components"]["schemas"]["Currency"]["pattern"] = json!("^[A-Z]{2}$");
    document["components"]["schemas"]["EmailDistributionType"]["enum"] = json!(["MAIL"]);
    let components = document["components"]["schemas"].as_object().unwrap();
    for name in ["Currency", "EmailDistribution"] {
        assert_ne!(
            undo(components, defs, &untitled(name, &components[name])),
            spec_side(&defs[name]),
            "{name}"
        );
    }
    // And the named transformations do what they say.
    let mut taken = Map::new();
    taken.insert("AC".to_owned(), json!({"title": "AC", "enum": ["X"]}));
    let before = json!({"examples": [null], "properties": {
        "a": {"$ref": "#/components/schemas/B", "examples": [null, 1]},
        "c": {"$ref": "#/components/schemas/AC"}}});
    let mut named = Map::new();
    named.insert("B".to_owned(), json!({}));
    assert_eq!(
        without_null_examples(&undo(&taken, &named, &before)),
        json!({"properties": {"a": {"$ref": "#/$defs/B", "examples": [1]}, "c": {"enum": ["X"]}}})
    );
}

/// A validator of the body type `name`, built from the document alone: its root is the whole
/// document with `"$ref": "#/components/schemas/<name>"` (the other members of an OpenAPI
/// document are not JSON Schema keywords, so a 2020-12 validator ignores them).
fn document_validator(document: &Value, name: &str) -> jsonschema061::Validator {
    let mut root = document.clone();
    root["$ref"] = json!(format!("{}{name}", emit_openapi::COMPONENTS_PREFIX));
    jsonschema061::draft202012::options()
        .should_validate_formats(true)
        .build(&root)
        .unwrap_or_else(|err| panic!("the document's {name} does not build: {err}"))
}

#[test]
fn the_document_accepts_and_refuses_the_payloads_as_the_generated_validator_does() {
    let document = document();
    let mut checked = 0;
    let mut verdicts = BTreeSet::new();
    for verdict in ["valid", "invalid"] {
        let dir = root().join("tests/payloads").join(verdict);
        for kind_dir in fs::read_dir(&dir).unwrap() {
            let kind_dir = kind_dir.unwrap().path();
            let name = kind_dir.file_name().unwrap().to_str().unwrap().to_owned();
            let kind = Kind::from_name(&name).unwrap_or_else(|| panic!("no kind {name}"));
            let validator = document_validator(&document, &name);
            for file in fs::read_dir(&kind_dir).unwrap() {
                let file = file.unwrap().path();
                let bytes = fs::read(&file).unwrap();
                let Ok(value) = serde_json::from_slice::<Value>(&bytes) else {
                    // Text that is not JSON is no instance for a JSON Schema validator; the
                    // generated validator refuses it.
                    assert!(kind.validate_slice(&bytes).is_err(), "{}", file.display());
                    continue;
                };
                // The directory says what the generated validator makes of the text; a
                // repeated key is refused there, while the parsed `Value` (last key wins)
                // is what both validators compare on.
                assert_eq!(
                    kind.validate_slice(&bytes).is_ok(),
                    verdict == "valid",
                    "{}: the generated validator",
                    file.display()
                );
                let ours = kind.is_valid(&value);
                let theirs = validator.is_valid(&value);
                assert_eq!(
                    theirs,
                    ours,
                    "{}: the document says {theirs}, the generated validator {ours}: {:?}",
                    file.display(),
                    problems(&validator, &value)
                );
                checked += 1;
                verdicts.insert(ours);
            }
        }
    }
    assert!(checked >= 30, "only {checked} payloads");
    assert_eq!(verdicts.len(), 2, "valid and invalid payloads both checked");
}

#[test]
fn every_operation_is_in_the_document_with_its_parameters_and_answers() {
    let document = document();
    let operations = operations();
    let mut seen = 0;
    for operation in operations["operations"].as_array().unwrap() {
        let path = operation["path"].as_str().unwrap();
        let method = operation["method"].as_str().unwrap().to_ascii_lowercase();
        let it = &document["paths"][path][&method];
        assert_eq!(it["operationId"], operation["id"], "{method} {path}");
        assert_eq!(it["summary"], operation["summary"]);
        let description = it["description"].as_str().unwrap();
        assert!(description.starts_with(operation["description"].as_str().unwrap()));
        // Parameters: name, place, whether required, schema.
        let parameters = it["parameters"].as_array().unwrap();
        let listed = operation["parameters"].as_array().unwrap();
        assert_eq!(parameters.len(), listed.len(), "{method} {path}");
        for (ours, theirs) in parameters.iter().zip(listed) {
            assert_eq!(ours["name"], theirs["name"]);
            assert_eq!(ours["in"], theirs["in"]);
            let required = theirs["required"].as_bool().unwrap_or(false) || theirs["in"] == "path";
            assert_eq!(ours["required"], required, "{}", theirs["name"]);
            assert_eq!(ours["schema"]["type"], theirs["type"]);
            for key in ["enum", "default", "minimum", "maximum"] {
                assert_eq!(ours["schema"].get(key), theirs.get(key), "{key}");
            }
        }
        // The request body.
        match operation.get("request_body") {
            Some(Value::String(body)) => assert_eq!(
                it["requestBody"]["content"]["application/json"]["schema"]["$ref"],
                format!("#/components/schemas/{body}")
            ),
            _ => assert!(it.get("requestBody").is_none()),
        }
        // Every status with its body, description and error types.
        let responses = it["responses"].as_object().unwrap();
        let documented = operation["responses"].as_object().unwrap();
        assert_eq!(
            responses.keys().collect::<Vec<_>>(),
            documented.keys().collect::<Vec<_>>()
        );
        for (status, answer) in documented {
            let ours = &responses[status];
            assert_eq!(
                ours["content"]["application/json"]["schema"]["$ref"],
                format!("#/components/schemas/{}", answer["body"].as_str().unwrap())
            );
            assert_eq!(ours["description"], answer["description"]);
            let types: Vec<&Value> = operations["error_types"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|it| it["status"].as_u64() == status.parse().ok())
                .map(|it| &it["type"])
                .collect();
            let listed: Vec<&Value> = ours
                .get("x-error-types")
                .map(|it| {
                    it.as_array()
                        .unwrap()
                        .iter()
                        .map(|it| &it["type"])
                        .collect()
                })
                .unwrap_or_default();
            assert_eq!(listed, types, "{method} {path} {status}");
            assert_eq!(
                ours["headers"].get("Retry-After").is_some(),
                status == "429",
                "{method} {path} {status}"
            );
        }
        seen += 1;
    }
    assert_eq!(seen, 4);
    // The API key, the servers, the version.
    assert_eq!(
        document["components"]["securitySchemes"]["ApiKey"],
        json!({"type": "apiKey", "in": "header", "name": operations["auth_header"], "description": document["components"]["securitySchemes"]["ApiKey"]["description"]})
    );
    assert_eq!(document["security"], json!([{"ApiKey": []}]));
    assert_eq!(document["info"]["version"], operations["api_version"]);
    let urls: Vec<&Value> = document["servers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|it| &it["url"])
        .collect();
    let listed: Vec<&Value> = operations["servers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|it| &it["url"])
        .collect();
    assert_eq!(urls, listed);
}

#[test]
fn a_created_order_links_to_the_operation_that_reads_it() {
    let document = document();
    for status in ["200", "202"] {
        let links = &document["paths"]["/order"]["post"]["responses"][status]["links"];
        assert_eq!(
            links["GetSingleOrder"]["operationId"], "getSingleOrder",
            "{status}: {links}"
        );
        assert_eq!(
            links["GetSingleOrder"]["parameters"],
            json!({"id": "$response.body#/id"})
        );
    }
    // Nothing else has links: a list or an estimate has no `id` of its own.
    let text = document["paths"].to_string();
    assert_eq!(text.matches("\"links\"").count(), 2);
}

#[test]
fn the_document_uses_the_forms_every_consumer_reads() {
    let text = fs::read_to_string(root().join(emit_openapi::PATH)).unwrap();
    let document: Value = serde_json::from_str(&text).unwrap();
    // OpenAPI 3.0 spellings that 3.1 tools read differently.
    let mut keys = BTreeSet::new();
    collect_keys(&document, &mut keys);
    for key in ["nullable", "example", "discriminator"] {
        assert!(!keys.contains(key), "the document uses `{key}`");
    }
    // No `null` among example values, and `examples` in schemas are arrays.
    let mut examples = Vec::new();
    collect_examples(&document["components"], &mut examples);
    assert!(examples.len() > 20);
    for it in &examples {
        let items = it
            .as_array()
            .unwrap_or_else(|| panic!("{it} is not an array"));
        assert!(items.iter().all(|it| !it.is_null()), "{it}");
    }
    // One file, pretty-printed, ending with a newline: what `cargo xtask codegen` writes.
    assert!(text.ends_with("}\n"));
    let generated = codegen::generate(&root()).unwrap();
    let ours = generated
        .iter()
        .find(|it| it.path == emit_openapi::PATH)
        .unwrap();
    assert_eq!(ours.contents, text);
}

fn collect_keys(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (key, it) in map {
                out.insert(key.clone());
                // Property names and examples are data, not keywords.
                if key != "properties" && key != "examples" {
                    collect_keys(it, out);
                } else if key == "properties" {
                    for schema in it.as_object().into_iter().flat_map(|it| it.values()) {
                        collect_keys(schema, out);
                    }
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|it| collect_keys(it, out)),
        _ => {}
    }
}

fn collect_examples<'v>(value: &'v Value, out: &mut Vec<&'v Value>) {
    match value {
        Value::Object(map) => {
            for (key, it) in map {
                if key == "examples" {
                    out.push(it);
                } else {
                    collect_examples(it, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|it| collect_examples(it, out)),
        _ => {}
    }
}
