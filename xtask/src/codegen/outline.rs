//! A compact text outline of the IR, one line per schema or parameter, for the IR snapshot test.
//!
//! Descriptions and examples are left out: the outline shows what the spec *means*, so a
//! reviewer sees a changed bound or a new field as a one-line diff.

use std::fmt::Write;

use super::{
    ir::{Additional, Api, Literal, Operation, Rule, Schema},
    keywords as kw,
};

/// The outline of `api`.
pub fn outline(api: &Api) -> String {
    let mut out = String::new();
    let title = api.title.as_deref().unwrap_or("untitled");
    let _ = writeln!(out, "schema {}: {title}", api.schema_file);
    for def in &api.definitions {
        let _ = writeln!(out, "{}: {}", def.name, summary(&def.schema));
        nested(&def.schema, 1, &mut out);
    }
    if let Some(file) = &api.operations_file {
        let http = &api.http;
        let _ = writeln!(
            out,
            "\noperations {file}: version {} (removed: {}), key header {}",
            http.api_version,
            http.removed_versions.join(", "),
            http.auth_header
        );
        for server in &http.servers {
            let _ = writeln!(out, "server {}: {}", server.name, server.url);
        }
        for operation in &http.operations {
            operation_outline(operation, &mut out);
        }
        for error in &http.error_types {
            let deprecated = if error.deprecated {
                " (deprecated)"
            } else {
                ""
            };
            let _ = writeln!(out, "error {} {}{deprecated}", error.status, error.name);
        }
    }
    out
}

fn operation_outline(operation: &Operation, out: &mut String) {
    let _ = writeln!(
        out,
        "{}: {} {}",
        operation.id,
        operation.method.name(),
        operation.path
    );
    for parameter in &operation.parameters {
        let mut line = format!(
            "  {} {}: {:?}",
            parameter.location.name(),
            parameter.name,
            parameter.ty
        );
        line = line
            .replace(": String", ": string")
            .replace(": Integer", ": integer");
        if parameter.required {
            line.push_str(", required");
        }
        if !parameter.enum_values.is_empty() {
            let _ = write!(line, ", one of {}", parameter.enum_values.join("|"));
        }
        if let Some(low) = parameter.minimum {
            let _ = write!(line, ", minimum {low}");
        }
        if let Some(high) = parameter.maximum {
            let _ = write!(line, ", maximum {high}");
        }
        if let Some(default) = &parameter.default {
            let _ = write!(line, ", default {default}");
        }
        let _ = writeln!(out, "{line}");
    }
    if let Some(body) = &operation.request_body {
        let _ = writeln!(out, "  body: {body}");
    }
    for response in &operation.responses {
        let _ = writeln!(out, "  {} => {}", response.status, response.body);
    }
    if let Some(header) = &operation.idempotency_key {
        let _ = writeln!(out, "  idempotent, key in {header}");
    }
    for rule in &operation.rules {
        match rule {
            Rule::MaxItemsWhenHeader(rule) => {
                let (header, value, field) = (&rule.header, &rule.value, &rule.field);
                let (max, error_type) = (rule.max, &rule.error_type);
                let _ = writeln!(
                    out,
                    "  rule: {header} = {value} allows at most {max} {field}, else {error_type}"
                );
            }
        }
    }
}

/// Properties of inline objects, one indented line each.
fn nested(schema: &Schema, depth: usize, out: &mut String) {
    let indent = "  ".repeat(depth);
    for property in &schema.object.properties {
        let required = if schema.object.required.contains(&property.name) {
            " (required)"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "{indent}{}{required}: {}",
            property.name,
            summary(&property.schema)
        );
        nested(&property.schema, depth + 1, out);
    }
    let listed: Vec<&String> = schema.object.properties.iter().map(|it| &it.name).collect();
    let extra: Vec<&String> = schema
        .object
        .required
        .iter()
        .filter(|it| !listed.contains(it))
        .collect();
    if !extra.is_empty() {
        let names: Vec<&str> = extra.iter().map(|it| it.as_str()).collect();
        let _ = writeln!(out, "{indent}also required: {}", names.join(", "));
    }
    if let Some(items) = &schema.array.items {
        nested(items, depth, out);
    }
    for (i, branch) in schema
        .all_of
        .iter()
        .chain(&schema.any_of)
        .chain(&schema.one_of)
        .enumerate()
    {
        if !branch.object.properties.is_empty() {
            let _ = writeln!(out, "{indent}branch {i}:");
            nested(branch, depth + 1, out);
        }
    }
}

/// One line describing `schema` without its nested properties.
pub fn summary(schema: &Schema) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(name) = &schema.reference {
        parts.push(name.clone());
    }
    if let Some(types) = &schema.types {
        parts.push(
            types
                .iter()
                .map(|it| it.name())
                .collect::<Vec<_>>()
                .join(" | "),
        );
    }
    if let Some(values) = &schema.enum_values {
        parts.push(format!("enum {}", Literal::Array(values.clone())));
    }
    if let Some(value) = &schema.const_value {
        parts.push(format!("const {value}"));
    }
    let s = &schema.string;
    push_some(&mut parts, kw::MIN_LENGTH, s.min_length);
    push_some(&mut parts, kw::MAX_LENGTH, s.max_length);
    if let Some(pattern) = &s.pattern {
        parts.push(format!("pattern {pattern}"));
    }
    if let Some(format) = s.format {
        parts.push(format!("format {}", format.name()));
    }
    let n = &schema.number;
    for (name, bound) in [
        (kw::MINIMUM, &n.minimum),
        (kw::MAXIMUM, &n.maximum),
        (kw::EXCLUSIVE_MINIMUM, &n.exclusive_minimum),
        (kw::EXCLUSIVE_MAXIMUM, &n.exclusive_maximum),
    ] {
        if let Some(bound) = bound {
            parts.push(format!("{} {}", name.name, bound.text));
        }
    }
    if let Some(divisor) = &n.multiple_of {
        parts.push(format!("{} {}", kw::MULTIPLE_OF.name, divisor.text));
    }
    let a = &schema.array;
    push_some(&mut parts, kw::MIN_ITEMS, a.min_items);
    push_some(&mut parts, kw::MAX_ITEMS, a.max_items);
    if a.unique_items {
        parts.push(kw::UNIQUE_ITEMS.name.to_owned());
    }
    if let Some(items) = &a.items {
        parts.push(format!("items: {{{}}}", summary(items)));
    }
    let o = &schema.object;
    push_some(&mut parts, kw::MIN_PROPERTIES, o.min_properties);
    push_some(&mut parts, kw::MAX_PROPERTIES, o.max_properties);
    if let Some(names) = &o.property_names {
        parts.push(format!("propertyNames: {{{}}}", summary(names)));
    }
    match &o.additional {
        None => {}
        Some(Additional::Forbidden) => parts.push("closed".to_owned()),
        Some(Additional::Schema(it)) => {
            parts.push(format!("additionalProperties: {{{}}}", summary(it)))
        }
    }
    branch_parts(schema, &mut parts);
    if schema.personal {
        parts.push("personal".to_owned());
    }
    if parts.is_empty() {
        if schema.object.properties.is_empty() {
            "any".to_owned()
        } else {
            kw::PROPERTIES.name.to_owned()
        }
    } else {
        parts.join(", ")
    }
}

/// The `allOf`, `anyOf` and `oneOf` of `schema`, each branch summarised.
fn branch_parts(schema: &Schema, parts: &mut Vec<String>) {
    for (row, branches) in [(kw::ALL_OF, &schema.all_of), (kw::ANY_OF, &schema.any_of)] {
        if !branches.is_empty() {
            parts.push(format!(
                "{}[{}]",
                row.name,
                branches.iter().map(summary).collect::<Vec<_>>().join("; ")
            ));
        }
    }
    if !schema.one_of.is_empty() {
        match &schema.discriminator {
            Some(d) => parts.push(format!(
                "oneOf by {}: {}",
                d.property,
                d.variants
                    .iter()
                    .map(|(tag, name)| format!("{tag} => {name}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            None => parts.push(format!(
                "oneOf[{}]",
                schema
                    .one_of
                    .iter()
                    .map(summary)
                    .collect::<Vec<_>>()
                    .join("; ")
            )),
        }
    }
}

fn push_some(parts: &mut Vec<String>, row: kw::Keyword, value: Option<u64>) {
    if let Some(value) = value {
        parts.push(format!("{} {value}", row.name));
    }
}
