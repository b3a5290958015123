//! Lowers the parsed spec into the IR, collecting every problem instead of stopping at the first.
//!
//! Spec-level rules are checked here, once, so that the emitters (and typify behind
//! `emit_types`) only ever see input they support.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::{
    diagnostic::Diagnostic,
    graph,
    ir::{
        Additional, Api, Bound, Definition, Discriminator, ErrorType, Format, Http, JsonType,
        Literal, Method, Operation, Parameter, ParameterLocation, ParameterType, PathPart,
        Property, Response, Rule, Schema, Server,
    },
    load::{SourceFile, Sources, escape_token},
    names,
};

/// The `$schema` the spec must declare.
pub const DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";

/// Keywords the generator understands inside a schema.
const SCHEMA_KEYWORDS: &[&str] = &[
    "$ref",
    "$comment",
    "title",
    "description",
    "default",
    "examples",
    "deprecated",
    "readOnly",
    "writeOnly",
    "type",
    "enum",
    "const",
    "properties",
    "required",
    "additionalProperties",
    "propertyNames",
    "minProperties",
    "maxProperties",
    "items",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minLength",
    "maxLength",
    "pattern",
    "format",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "oneOf",
    "anyOf",
    "allOf",
    "x-personal",
];

/// Keywords of JSON Schema 2020-12 (or of OpenAPI) that the generator refuses, with a hint.
const REFUSED_KEYWORDS: &[(&str, &str)] = &[
    (
        "nullable",
        "`nullable` is an OpenAPI 3.0 keyword; add \"null\" to `type` instead",
    ),
    (
        "example",
        "`example` is not JSON Schema; use `examples`, an array",
    ),
    (
        "discriminator",
        "`discriminator` is an OpenAPI keyword; give each `oneOf` branch a required single-value `type` property instead",
    ),
    (
        "summary",
        "`summary` is not a schema keyword; use `title` or `description`",
    ),
    (
        "definitions",
        "use `$defs` at the top level of the document",
    ),
    (
        "$defs",
        "`$defs` is only supported at the top level of the document",
    ),
    (
        "$id",
        "`$id` is only supported at the top level of the document",
    ),
    (
        "$schema",
        "`$schema` is only supported at the top level of the document",
    ),
];

/// The most names one `required` may list: the generated validator tracks the required
/// members of an object schema in a 64-bit mask. Fixed.
pub const MAX_REQUIRED: usize = 64;

/// The "did you mean" look-ups among the definitions' names in one run. Each compares a name
/// with every definition, so a spec with thousands of dangling references would otherwise
/// take time proportional to their product; past this many, errors come without a hint.
const DEFINITION_HINTS: usize = 100;

/// The `format` values the generator supports (`decimal` is an annotation, see `ir::Format`).
const FORMATS: &[(&str, Format)] = &[
    ("email", Format::Email),
    ("date-time", Format::DateTime),
    ("decimal", Format::Decimal),
];

/// Lowers both spec files.
pub fn lower(sources: &Sources) -> (Api, Vec<Diagnostic>) {
    let (mut api, mut diagnostics) = lower_schema(&sources.schema);
    let mut cx = Lowerer::new(&sources.operations);
    let defined: BTreeSet<String> = api.definitions.iter().map(|it| it.name.clone()).collect();
    api.http = cx.http(&defined, &api);
    api.operations_file = Some(sources.operations.path.clone());
    diagnostics.extend(cx.diagnostics);
    (api, diagnostics)
}

/// Lowers a schema file alone (used for the snapshot fixtures, which have no operations).
pub fn lower_schema(file: &SourceFile) -> (Api, Vec<Diagnostic>) {
    let mut cx = Lowerer::new(file);
    let mut api = Api {
        schema_file: file.path.clone(),
        operations_file: None,
        title: None,
        definitions: Vec::new(),
        http: Http::default(),
    };
    if let Some(root) = cx.object(&file.value, "#", "the schema document") {
        cx.document(root, &mut api);
    }
    resolve_discriminators(&mut api.definitions);
    cx.diagnostics.extend(graph::check(&api, file));
    (api, cx.diagnostics)
}

struct Lowerer<'a> {
    file: &'a SourceFile,
    /// Names of the `$defs` members, known before any schema is lowered so `$ref` can be checked.
    defined: BTreeSet<String>,
    diagnostics: Vec<Diagnostic>,
    /// "Did you mean" look-ups among the definitions left in this run ([`DEFINITION_HINTS`]).
    definition_hints: usize,
}

impl<'a> Lowerer<'a> {
    fn new(file: &'a SourceFile) -> Self {
        Lowerer {
            file,
            defined: BTreeSet::new(),
            diagnostics: Vec::new(),
            definition_hints: DEFINITION_HINTS,
        }
    }

    /// The definition closest to `name`, while the budget of such look-ups lasts.
    fn closest_definition<'d>(
        &mut self,
        name: &str,
        defined: &'d BTreeSet<String>,
    ) -> Option<&'d str> {
        if self.definition_hints == 0 {
            return None;
        }
        self.definition_hints -= 1;
        let known: Vec<&str> = defined.iter().map(String::as_str).collect();
        names::closest(name, &known)
    }

    fn error(&mut self, pointer: &str, message: impl Into<String>) {
        self.diagnostics
            .push(self.file.diagnostic(pointer, message));
    }

    /// The members of an object in the order the spec file writes them.
    fn members<'v>(&self, map: &'v Map<String, Value>, at: &str) -> Vec<(&'v String, &'v Value)> {
        let mut members: Vec<_> = map.iter().collect();
        members.sort_by_key(|(key, _)| self.file.position(&format!("{at}/{}", escape_token(key))));
        members
    }

    fn object<'v>(
        &mut self,
        value: &'v Value,
        at: &str,
        what: &str,
    ) -> Option<&'v Map<String, Value>> {
        match value {
            Value::Object(map) => Some(map),
            other => {
                self.error(
                    at,
                    format!("{what} must be an object, found {}", kind(other)),
                );
                None
            }
        }
    }

    fn string(&mut self, value: &Value, at: &str, what: &str) -> Option<String> {
        match value {
            Value::String(it) => Some(it.clone()),
            other => {
                self.error(
                    at,
                    format!("{what} must be a string, found {}", kind(other)),
                );
                None
            }
        }
    }

    fn unsigned(&mut self, value: &Value, at: &str, keyword: &str) -> Option<u64> {
        match value.as_u64() {
            Some(n) => Some(n),
            None if value
                .as_f64()
                .is_some_and(|it| it >= 0.0 && it.fract() == 0.0) =>
            {
                value.as_f64().map(|it| it as u64)
            }
            None => {
                self.error(
                    at,
                    format!(
                        "`{keyword}` must be a non-negative integer, found {}",
                        describe(value)
                    ),
                );
                None
            }
        }
    }

    fn bound(&mut self, value: &Value, at: &str, keyword: &str) -> Option<Bound> {
        match value {
            Value::Number(n) => Some(Bound {
                text: n.to_string(),
                value: n.as_f64().unwrap_or(f64::NAN),
            }),
            other => {
                self.error(
                    at,
                    format!("`{keyword}` must be a number, found {}", describe(other)),
                );
                None
            }
        }
    }

    fn document(&mut self, root: &Map<String, Value>, api: &mut Api) {
        for (key, value) in self.members(root, "") {
            let at = format!("#/{}", escape_token(key));
            match key.as_str() {
                "$schema" => {
                    if value.as_str() != Some(DIALECT) {
                        self.error(
                            &at,
                            format!("`$schema` must be \"{DIALECT}\", found {}", describe(value)),
                        );
                    }
                }
                "$id" | "$comment" | "description" => {
                    self.string(value, &at, &format!("`{key}`"));
                }
                "title" => api.title = self.string(value, &at, "`title`"),
                "$defs" => {}
                other => self.unknown_keyword(
                    &at,
                    other,
                    &[
                        "$schema",
                        "$id",
                        "$comment",
                        "title",
                        "description",
                        "$defs",
                    ],
                ),
            }
        }
        if !root.contains_key("$schema") {
            self.error(
                "#",
                format!("the document must declare \"$schema\": \"{DIALECT}\""),
            );
        }
        let Some(defs) = root.get("$defs") else {
            self.error(
                "#",
                "the document has no `$defs`; every schema of the API is a member of `$defs`",
            );
            return;
        };
        let Some(defs) = self.object(defs, "#/$defs", "`$defs`") else {
            return;
        };
        self.defined = defs.keys().cloned().collect();
        for (name, value) in self.members(defs, "/$defs") {
            let at = format!("#/$defs/{}", escape_token(name));
            if let Err(message) = names::check_definition_name(name) {
                self.error(&at, message);
            }
            let schema = self.schema(value, &at);
            api.definitions.push(Definition {
                name: name.clone(),
                schema,
            });
        }
    }

    fn unknown_keyword(&mut self, at: &str, keyword: &str, known: &[&str]) {
        let message = match names::closest(keyword, known) {
            Some(suggestion) => {
                format!("unknown keyword `{keyword}`; did you mean `{suggestion}`?")
            }
            None => format!("unknown keyword `{keyword}`"),
        };
        self.error(at, message);
    }

    fn schema(&mut self, value: &Value, at: &str) -> Schema {
        let mut schema = Schema {
            location: at.to_owned(),
            ..Schema::default()
        };
        let map = match value {
            // `true` accepts everything; `false` is only meaningful as `additionalProperties`.
            Value::Bool(true) => return schema,
            Value::Bool(false) => {
                self.error(
                    at,
                    "the `false` schema is only supported as `additionalProperties`",
                );
                return schema;
            }
            Value::Object(map) => map,
            other => {
                self.error(
                    at,
                    format!("a schema must be an object, found {}", kind(other)),
                );
                return schema;
            }
        };
        let path = at.trim_start_matches('#');
        for (key, value) in self.members(map, path) {
            let here = format!("{at}/{}", escape_token(key));
            self.keyword(&mut schema, key, value, &here);
        }
        self.check_consistency(&schema, map, at);
        schema
    }

    fn keyword(&mut self, schema: &mut Schema, key: &str, value: &Value, at: &str) {
        match key {
            "$comment" => {
                self.string(value, at, "`$comment`");
            }
            "title" => schema.title = self.string(value, at, "`title`"),
            "description" => schema.description = self.string(value, at, "`description`"),
            "default" => schema.default = Some(literal(value)),
            "examples" => match value {
                Value::Array(items) => schema.examples = items.iter().map(literal).collect(),
                other => self.error(at, format!("`examples` must be an array, found {}", kind(other))),
            },
            "deprecated" | "readOnly" | "writeOnly" | "uniqueItems" | "x-personal" => {
                let Some(flag) = value.as_bool() else {
                    self.error(at, format!("`{key}` must be a boolean, found {}", describe(value)));
                    return;
                };
                match key {
                    "uniqueItems" => schema.array.unique_items = flag,
                    "x-personal" => schema.personal = flag,
                    _ => {}
                }
            }
            "$ref" => schema.reference = self.reference(value, at),
            "type" => schema.types = self.types(value, at),
            "enum" => match value {
                Value::Array(items) if !items.is_empty() => {
                    let values: Vec<Literal> = items.iter().map(literal).collect();
                    // Scalars are equal exactly when their JSON text is, so a set of texts finds
                    // repeated values in linear time.
                    let mut seen = BTreeSet::new();
                    for (i, item) in items.iter().enumerate() {
                        if item.is_array() || item.is_object() {
                            self.error(&format!("{at}/{i}"), "`enum` values must be strings, numbers, booleans or null");
                        } else if !seen.insert(item.to_string()) {
                            self.error(&format!("{at}/{i}"), format!("`enum` lists {item} twice"));
                        }
                    }
                    schema.enum_values = Some(values);
                }
                Value::Array(_) => self.error(at, "`enum` must list at least one value"),
                other => self.error(at, format!("`enum` must be an array, found {}", kind(other))),
            },
            "const" => {
                if value.is_array() || value.is_object() {
                    self.error(at, "`const` must be a string, a number, a boolean or null");
                }
                schema.const_value = Some(literal(value));
            }
            "properties" => {
                let Some(map) = self.object(value, at, "`properties`") else { return };
                let path = at.trim_start_matches('#').to_owned();
                for (name, value) in self.members(map, &path) {
                    let here = format!("{at}/{}", escape_token(name));
                    let property = self.schema(value, &here);
                    schema.object.properties.push(Property { name: name.clone(), schema: property });
                }
            }
            "required" => match value {
                Value::Array(items) => {
                    let mut seen = BTreeSet::new();
                    for (i, item) in items.iter().enumerate() {
                        let here = format!("{at}/{i}");
                        let Some(name) = self.string(item, &here, "a `required` entry") else {
                            continue;
                        };
                        if !seen.insert(name.clone()) {
                            self.error(&here, format!("`required` lists \"{name}\" twice"));
                        } else if seen.len() == MAX_REQUIRED + 1 {
                            self.error(
                                &here,
                                format!("`required` lists more than {MAX_REQUIRED} names, the most the validator tracks for one object schema; split the object with `allOf`"),
                            );
                        } else {
                            schema.object.required.push(name);
                        }
                    }
                }
                other => self.error(at, format!("`required` must be an array, found {}", kind(other))),
            },
            "additionalProperties" => {
                schema.object.additional = match value {
                    Value::Bool(true) => None,
                    Value::Bool(false) => Some(Additional::Forbidden),
                    other => Some(Additional::Schema(Box::new(self.schema(other, at)))),
                }
            }
            "propertyNames" => schema.object.property_names = Some(Box::new(self.schema(value, at))),
            "minProperties" => schema.object.min_properties = self.unsigned(value, at, key),
            "maxProperties" => schema.object.max_properties = self.unsigned(value, at, key),
            "items" => match value {
                Value::Array(_) => self.error(
                    at,
                    "the array form of `items` is draft 2019-09 and earlier; use one schema (2020-12 `prefixItems` is not supported)",
                ),
                other => schema.array.items = Some(Box::new(self.schema(other, at))),
            },
            "minItems" => schema.array.min_items = self.unsigned(value, at, key),
            "maxItems" => schema.array.max_items = self.unsigned(value, at, key),
            "minLength" => schema.string.min_length = self.unsigned(value, at, key),
            "maxLength" => schema.string.max_length = self.unsigned(value, at, key),
            "pattern" => schema.string.pattern = self.pattern(value, at),
            "format" => {
                let Some(name) = self.string(value, at, "`format`") else { return };
                match FORMATS.iter().find(|(it, _)| *it == name) {
                    Some((_, format)) => schema.string.format = Some(*format),
                    None => self.error(
                        at,
                        format!(
                            "unsupported format \"{name}\"; the generator supports {}",
                            FORMATS.iter().map(|(it, _)| format!("\"{it}\"")).collect::<Vec<_>>().join(" and ")
                        ),
                    ),
                }
            }
            "minimum" => schema.number.minimum = self.bound(value, at, key),
            "maximum" => schema.number.maximum = self.bound(value, at, key),
            "exclusiveMinimum" => schema.number.exclusive_minimum = self.bound(value, at, key),
            "exclusiveMaximum" => schema.number.exclusive_maximum = self.bound(value, at, key),
            "oneOf" | "anyOf" | "allOf" => {
                let branches = match value {
                    Value::Array(items) if !items.is_empty() => items
                        .iter()
                        .enumerate()
                        .map(|(i, it)| self.schema(it, &format!("{at}/{i}")))
                        .collect(),
                    Value::Array(_) => {
                        self.error(at, format!("`{key}` must have at least one schema"));
                        return;
                    }
                    other => {
                        self.error(at, format!("`{key}` must be an array of schemas, found {}", kind(other)));
                        return;
                    }
                };
                match key {
                    "oneOf" => schema.one_of = branches,
                    "anyOf" => schema.any_of = branches,
                    _ => schema.all_of = branches,
                }
            }
            other => {
                if let Some((_, hint)) = REFUSED_KEYWORDS.iter().find(|(it, _)| *it == other) {
                    self.error(at, format!("unsupported keyword `{other}`: {hint}"));
                } else if names::JSON_SCHEMA_KEYWORDS.contains(&other) {
                    self.error(
                        at,
                        format!("unsupported keyword `{other}`: the generator does not implement it, so it would not be checked"),
                    );
                } else {
                    self.unknown_keyword(at, other, SCHEMA_KEYWORDS);
                }
            }
        }
    }

    fn reference(&mut self, value: &Value, at: &str) -> Option<String> {
        let target = self.string(value, at, "`$ref`")?;
        let Some(name) = target.strip_prefix("#/$defs/") else {
            self.error(
                at,
                format!("unsupported `$ref` \"{target}\": only references to `#/$defs/<Name>` are supported"),
            );
            return None;
        };
        let name = name.replace("~1", "/").replace("~0", "~");
        if self.defined.contains(&name) {
            return Some(name);
        }
        let defined = std::mem::take(&mut self.defined);
        let closest = self.closest_definition(&name, &defined);
        let message = match closest {
            Some(it) => format!(
                "dangling `$ref` \"{target}\": there is no definition `{name}`; did you mean `{it}`?"
            ),
            None => format!("dangling `$ref` \"{target}\": there is no definition `{name}`"),
        };
        self.defined = defined;
        self.error(at, message);
        None
    }

    fn types(&mut self, value: &Value, at: &str) -> Option<Vec<JsonType>> {
        let names: Vec<(String, String)> = match value {
            Value::String(it) => vec![(it.clone(), at.to_owned())],
            Value::Array(items) if !items.is_empty() => items
                .iter()
                .enumerate()
                .filter_map(|(i, it)| {
                    let here = format!("{at}/{i}");
                    self.string(it, &here, "a `type` entry")
                        .map(|name| (name, here))
                })
                .collect(),
            other => {
                self.error(
                    at,
                    format!(
                        "`type` must be a type name or a non-empty array of them, found {}",
                        describe(other)
                    ),
                );
                return None;
            }
        };
        let mut types = Vec::new();
        let mut unknown = false;
        let known: Vec<&str> = JsonType::ALL.iter().map(|it| it.name()).collect();
        for (name, here) in names {
            match JsonType::from_name(&name) {
                Some(ty) if types.contains(&ty) => {
                    self.error(&here, format!("`type` lists \"{name}\" twice"))
                }
                Some(ty) => types.push(ty),
                None => {
                    let message = match names::closest(&name, &known) {
                        Some(it) => format!("unknown type \"{name}\"; did you mean \"{it}\"?"),
                        None => format!(
                            "unknown type \"{name}\"; expected one of {}",
                            known.join(", ")
                        ),
                    };
                    self.error(&here, message);
                    unknown = true;
                }
            }
        }
        // With a name misspelt, the keywords beside `type` are not checked against it: the
        // misspelling is the one problem to report.
        (!unknown && !types.is_empty()).then_some(types)
    }

    fn pattern(&mut self, value: &Value, at: &str) -> Option<String> {
        let pattern = self.string(value, at, "`pattern`")?;
        // Both crates run patterns with `regex` (linear time); the pattern must also be ECMA-262
        // (`regress`), the dialect of JSON Schema, so that other tools read it the same.
        if let Err(err) = regex::Regex::new(&pattern) {
            let detail = err
                .to_string()
                .lines()
                .last()
                .unwrap_or_default()
                .trim()
                .to_owned();
            self.error(at, format!("`pattern` does not compile: {detail}"));
            return None;
        }
        if let Err(err) = regress::Regex::new(&pattern) {
            self.error(
                at,
                format!("`pattern` is not an ECMA-262 regular expression: {err}"),
            );
            return None;
        }
        Some(pattern)
    }

    /// Catches keywords that can never apply and bounds that contradict each other.
    fn check_consistency(&mut self, schema: &Schema, map: &Map<String, Value>, at: &str) {
        if let Some(types) = &schema.types {
            let has = |ty: JsonType| types.contains(&ty);
            let numeric = has(JsonType::Number) || has(JsonType::Integer);
            let groups: [(&[&str], bool, &str); 4] = [
                (
                    &["minLength", "maxLength", "pattern", "format"],
                    has(JsonType::String),
                    "string",
                ),
                (
                    &["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"],
                    numeric,
                    "number",
                ),
                (
                    &["items", "minItems", "maxItems", "uniqueItems"],
                    has(JsonType::Array),
                    "array",
                ),
                (
                    &[
                        "properties",
                        "required",
                        "additionalProperties",
                        "propertyNames",
                        "minProperties",
                        "maxProperties",
                    ],
                    has(JsonType::Object),
                    "object",
                ),
            ];
            let declared: Vec<&str> = types.iter().map(|it| it.name()).collect();
            for (keywords, applies, ty) in groups {
                if applies {
                    continue;
                }
                // `format: decimal` marks money amounts that are numbers too (spec/README.md).
                let decimal_number =
                    numeric && map.get("format").and_then(Value::as_str) == Some("decimal");
                for keyword in keywords
                    .iter()
                    .filter(|it| map.contains_key(**it) && !(**it == "format" && decimal_number))
                {
                    self.error(
                        &format!("{at}/{keyword}"),
                        format!(
                            "`{keyword}` has no effect: it applies to {ty} values and `type` is {}",
                            declared.join(" or ")
                        ),
                    );
                }
            }
            for (values, keyword) in [
                (schema.enum_values.clone().unwrap_or_default(), "enum"),
                (schema.const_value.clone().into_iter().collect(), "const"),
            ] {
                for value in values {
                    if !types.iter().any(|ty| literal_has_type(&value, *ty)) {
                        self.error(
                            &format!("{at}/{keyword}"),
                            format!(
                                "`{keyword}` value {value} is not of type {}",
                                declared.join(" or ")
                            ),
                        );
                    }
                }
            }
        }
        let pairs = [
            (
                "minLength",
                schema.string.min_length,
                "maxLength",
                schema.string.max_length,
            ),
            (
                "minItems",
                schema.array.min_items,
                "maxItems",
                schema.array.max_items,
            ),
            (
                "minProperties",
                schema.object.min_properties,
                "maxProperties",
                schema.object.max_properties,
            ),
        ];
        for (low_name, low, high_name, high) in pairs {
            if let (Some(low), Some(high)) = (low, high)
                && low > high
            {
                self.error(
                    &format!("{at}/{low_name}"),
                    format!("`{low_name}` ({low}) is greater than `{high_name}` ({high})"),
                );
            }
        }
        if let (Some(low), Some(high)) = (&schema.number.minimum, &schema.number.maximum)
            && low.value > high.value
        {
            self.error(
                &format!("{at}/minimum"),
                format!(
                    "`minimum` ({}) is greater than `maximum` ({})",
                    low.text, high.text
                ),
            );
        }
        if let (Some(values), Some(default)) = (&schema.enum_values, &schema.default)
            && !values.contains(default)
        {
            self.error(
                &format!("{at}/default"),
                format!("`default` {default} is not one of the `enum` values"),
            );
        }
        if let (Some(values), Some(value)) = (&schema.enum_values, &schema.const_value)
            && !values.contains(value)
        {
            self.error(
                &format!("{at}/const"),
                format!("`const` {value} is not one of the `enum` values, so no value can match"),
            );
        }
        if let Some(default) = &schema.default
            && let Some(problem) = default_problem(schema, default)
        {
            self.error(
                &format!("{at}/default"),
                format!("`default` {default} {problem}"),
            );
        }
        if schema.reference.is_some() {
            let siblings: Vec<&str> = map
                .keys()
                .map(String::as_str)
                .filter(|it| {
                    !matches!(
                        *it,
                        "$ref"
                            | "$comment"
                            | "title"
                            | "description"
                            | "examples"
                            | "deprecated"
                            | "readOnly"
                            | "writeOnly"
                            | "x-personal"
                    )
                })
                .collect();
            if !siblings.is_empty() {
                self.error(
                    &format!("{at}/$ref"),
                    format!(
                        "`$ref` next to {}: only annotations may sit beside `$ref`; combine constraints with `allOf`",
                        siblings.iter().map(|it| format!("`{it}`")).collect::<Vec<_>>().join(", ")
                    ),
                );
            }
        }
    }

    // ---- spec/operations.json ----

    /// Reads the keys of `map`, reporting those not in `allowed`.
    fn check_keys(&mut self, map: &Map<String, Value>, at: &str, allowed: &[&str]) {
        let path = at.trim_start_matches('#').to_owned();
        for (key, _) in self.members(map, &path) {
            if !allowed.contains(&key.as_str()) {
                self.unknown_keyword(&format!("{at}/{}", escape_token(key)), key, allowed);
            }
        }
    }

    fn required_string(&mut self, map: &Map<String, Value>, at: &str, key: &str) -> Option<String> {
        match map.get(key) {
            Some(value) => self.string(value, &format!("{at}/{key}"), &format!("`{key}`")),
            None => {
                self.error(at, format!("missing `{key}`"));
                None
            }
        }
    }

    fn optional_string(&mut self, map: &Map<String, Value>, at: &str, key: &str) -> Option<String> {
        let value = map.get(key)?;
        self.string(value, &format!("{at}/{key}"), &format!("`{key}`"))
    }

    fn array<'v>(&mut self, map: &'v Map<String, Value>, at: &str, key: &str) -> &'v [Value] {
        match map.get(key) {
            Some(Value::Array(items)) => items,
            Some(other) => {
                self.error(
                    &format!("{at}/{key}"),
                    format!("`{key}` must be an array, found {}", kind(other)),
                );
                &[]
            }
            None => &[],
        }
    }

    fn http(&mut self, defined: &BTreeSet<String>, api: &Api) -> Http {
        let mut http = Http::default();
        let Some(root) = self.object(&self.file.value, "#", "the operations document") else {
            return http;
        };
        self.check_keys(
            root,
            "#",
            &[
                "$comment",
                "schema",
                "api_version",
                "removed_versions",
                "servers",
                "auth_header",
                "operations",
                "error_types",
            ],
        );
        let schema_name = schema_name(api);
        if let Some(schema) = self.required_string(root, "#", "schema")
            && schema != schema_name
        {
            self.error(
                "#/schema",
                format!("`schema` must name \"{schema_name}\", the schema file next to this one"),
            );
        }
        http.api_version = self
            .required_string(root, "#", "api_version")
            .unwrap_or_default();
        http.auth_header = self
            .required_string(root, "#", "auth_header")
            .unwrap_or_default();
        if root.contains_key("auth_header") {
            let auth_header = http.auth_header.clone();
            self.header_name(&auth_header, "#/auth_header");
        }
        if root.contains_key("api_version") {
            let version = http.api_version.clone();
            self.header_value(&version, "#/api_version", "`api_version`");
        }
        for (i, value) in self.array(root, "#", "removed_versions").iter().enumerate() {
            if let Some(it) = self.string(
                value,
                &format!("#/removed_versions/{i}"),
                "a removed version",
            ) {
                http.removed_versions.push(it);
            }
        }
        for (i, value) in self.array(root, "#", "servers").iter().enumerate() {
            let at = format!("#/servers/{i}");
            let Some(map) = self.object(value, &at, "a server") else {
                continue;
            };
            self.check_keys(map, &at, &["name", "url"]);
            if let (Some(name), Some(url)) = (
                self.required_string(map, &at, "name"),
                self.required_string(map, &at, "url"),
            ) {
                if !url.starts_with("https://") {
                    self.error(&format!("{at}/url"), "server URLs must use https");
                } else if url.len() == "https://".len()
                    || !url.bytes().all(|b| b.is_ascii_graphic())
                    || url.contains(['"', '<', '>', '\\', '^', '`', '{', '|', '}'])
                {
                    self.error(
                        &format!("{at}/url"),
                        "a server URL must be a host after `https://`, without spaces, control characters or characters a URL cannot hold",
                    );
                }
                http.servers.push(Server {
                    pointer: at.clone(),
                    name,
                    url,
                });
            }
        }
        for (i, value) in self.array(root, "#", "error_types").iter().enumerate() {
            if let Some(error_type) = self.error_type(value, &format!("#/error_types/{i}")) {
                if http
                    .error_types
                    .iter()
                    .any(|it: &ErrorType| it.name == error_type.name)
                {
                    self.error(
                        &format!("#/error_types/{i}/type"),
                        format!("error type \"{}\" is listed twice", error_type.name),
                    );
                }
                http.error_types.push(error_type);
            }
        }
        let error_names: BTreeSet<String> =
            http.error_types.iter().map(|it| it.name.clone()).collect();
        for (i, value) in self.array(root, "#", "operations").iter().enumerate() {
            let at = format!("#/operations/{i}");
            if let Some(operation) = self.operation(value, &at, defined, &error_names, api) {
                if http
                    .operations
                    .iter()
                    .any(|it: &Operation| it.id == operation.id)
                {
                    self.error(
                        &format!("{at}/id"),
                        format!("duplicate operation id \"{}\"", operation.id),
                    );
                }
                if http.operations.iter().any(|it: &Operation| {
                    it.method == operation.method && it.path == operation.path
                }) {
                    self.error(
                        &format!("{at}/path"),
                        format!(
                            "{} {} is described twice",
                            operation.method.name(),
                            operation.path
                        ),
                    );
                }
                http.operations.push(operation);
            }
        }
        if http.operations.is_empty() {
            self.error("#", "the operations document describes no operation");
        }
        self.client_names(&http);
        http
    }

    /// Refuses a header name that is not an HTTP token (RFC 9110), such as one with a line
    /// break: the client could never send it.
    fn header_name(&mut self, name: &str, at: &str) {
        let token = !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
        if !token {
            self.error(
                at,
                format!(
                    "{} is not an HTTP header name: a header name is one or more letters, digits or `!#$%&'*+-.^_`|~` (RFC 9110)",
                    describe(&Value::String(name.to_owned()))
                ),
            );
        }
    }

    /// Refuses a header value that HTTP cannot carry (a line break, a control character, text
    /// that is not ASCII, or space around it).
    fn header_value(&mut self, value: &str, at: &str, what: &str) {
        let valid = !value.is_empty()
            && value
                .bytes()
                .all(|b| b == b' ' || b == b'\t' || b.is_ascii_graphic())
            && !value.starts_with([' ', '\t'])
            && !value.ends_with([' ', '\t']);
        if !valid {
            self.error(
                at,
                format!(
                    "{what} {} is not a valid HTTP header value: it must be visible ASCII, with spaces only inside",
                    describe(&Value::String(value.to_owned()))
                ),
            );
        }
    }

    /// Checks the Rust names the client emitter makes from the operations file: each must be an
    /// identifier, and distinct from the other names of its scope (see `emit_client`).
    fn client_names(&mut self, http: &Http) {
        use names::Case::{Pascal, ShoutySnake, Snake};
        // The items at the root of the client's generated module.
        let mut root = Scope::new(
            "the client's generated items",
            &[
                "API_VERSION",
                "REMOVED_API_VERSIONS",
                "servers",
                "headers",
                "ApiErrorType",
            ],
        );
        let mut servers = Scope::new("the `servers` module", &[]);
        for server in &http.servers {
            servers.add(
                self,
                &server.name,
                ShoutySnake,
                &format!("{}/name", server.pointer),
            );
        }
        // Header constants, one per header name, as the emitter makes them.
        let mut headers = Scope::new("the `headers` module", &[]);
        headers.add(self, &http.auth_header, ShoutySnake, "#/auth_header");
        let mut first_header: BTreeMap<&str, &Parameter> = BTreeMap::new();
        for operation in &http.operations {
            for parameter in &operation.parameters {
                if parameter.location != ParameterLocation::Header {
                    continue;
                }
                let at = format!("{}/name", parameter.pointer);
                if parameter.name.eq_ignore_ascii_case(&http.auth_header) {
                    self.error(
                        &at,
                        format!(
                            "\"{}\" is the `auth_header`, which the client sets itself",
                            parameter.name
                        ),
                    );
                    continue;
                }
                match first_header.get(parameter.name.as_str()) {
                    Some(first) => {
                        if first.enum_values != parameter.enum_values {
                            self.error(
                                &parameter.pointer,
                                format!(
                                    "the header \"{}\" lists other `enum` values than at {}; the client has one type per header",
                                    parameter.name, first.pointer
                                ),
                            );
                        }
                    }
                    None => {
                        first_header.insert(&parameter.name, parameter);
                        headers.add(self, &parameter.name, ShoutySnake, &at);
                        if !parameter.enum_values.is_empty() {
                            root.add(self, &parameter.name, Pascal, &at);
                            let mut variants =
                                Scope::new(&format!("the enum of \"{}\"", parameter.name), &[]);
                            for (i, value) in parameter.enum_values.iter().enumerate() {
                                variants.add(
                                    self,
                                    value,
                                    Pascal,
                                    &format!("{}/enum/{i}", parameter.pointer),
                                );
                            }
                        }
                    }
                }
            }
        }
        let mut error_types = Scope::new("`ApiErrorType`", &["Other"]);
        for error_type in &http.error_types {
            error_types.add(
                self,
                &error_type.name,
                Pascal,
                &format!("{}/type", error_type.pointer),
            );
        }
        for operation in &http.operations {
            let at = &operation.pointer;
            root.add(self, &operation.id, Snake, &format!("{at}/id"));
            let mut arguments = Scope::new(
                &format!("the arguments of `{}`", operation.id),
                &["body", "query", "request"],
            );
            let mut query = Scope::new(&format!("the query of `{}`", operation.id), &[]);
            for parameter in &operation.parameters {
                let here = format!("{}/name", parameter.pointer);
                match parameter.location {
                    ParameterLocation::Query => query.add(self, &parameter.name, Snake, &here),
                    _ => arguments.add(self, &parameter.name, Snake, &here),
                }
            }
            let successes: Vec<&Response> = operation
                .responses
                .iter()
                .filter(|it| (200..300).contains(&it.status))
                .collect();
            if successes.len() > 1 {
                for (i, response) in successes.iter().enumerate() {
                    if let Some(first) = successes[..i].iter().find(|it| it.body == response.body) {
                        self.error(
                            &format!("{at}/responses/{}/body", response.status),
                            format!(
                                "the {} and {} answers have the same body `{}`; the client's `Success` has one variant per 2xx body",
                                first.status, response.status, response.body
                            ),
                        );
                    }
                }
            }
        }
    }

    fn error_type(&mut self, value: &Value, at: &str) -> Option<ErrorType> {
        let map = self.object(value, at, "an error type")?;
        self.check_keys(map, at, &["type", "status", "message", "deprecated"]);
        let name = self.required_string(map, at, "type");
        let message = self.required_string(map, at, "message");
        let status = self.status(map.get("status"), &format!("{at}/status"));
        let deprecated = match map.get("deprecated") {
            None => false,
            Some(Value::Bool(it)) => *it,
            Some(other) => {
                self.error(
                    &format!("{at}/deprecated"),
                    format!("`deprecated` must be a boolean, found {}", describe(other)),
                );
                false
            }
        };
        Some(ErrorType {
            pointer: at.to_owned(),
            name: name?,
            status: status?,
            message: message?,
            deprecated,
        })
    }

    fn status(&mut self, value: Option<&Value>, at: &str) -> Option<u16> {
        let status = match value {
            Some(Value::Number(n)) => n.as_u64(),
            Some(Value::String(s)) => s.parse::<u64>().ok(),
            _ => None,
        };
        match status {
            Some(code @ 100..=599) => Some(code as u16),
            _ => {
                self.error(
                    at,
                    format!(
                        "an HTTP status code must be an integer from 100 to 599, found {}",
                        value.map_or("nothing".to_owned(), describe)
                    ),
                );
                None
            }
        }
    }

    fn operation(
        &mut self,
        value: &Value,
        at: &str,
        defined: &BTreeSet<String>,
        error_names: &BTreeSet<String>,
        api: &Api,
    ) -> Option<Operation> {
        let map = self.object(value, at, "an operation")?;
        self.check_keys(
            map,
            at,
            &[
                "id",
                "method",
                "path",
                "summary",
                "description",
                "parameters",
                "request_body",
                "responses",
                "idempotency_key",
                "rules",
            ],
        );
        let id = self.required_string(map, at, "id");
        if let Some(id) = &id
            && !names::is_lower_camel(id)
        {
            self.error(
                &format!("{at}/id"),
                format!("operation id \"{id}\" must be lowerCamelCase"),
            );
        }
        let method = match self.required_string(map, at, "method").as_deref() {
            Some("GET") => Some(Method::Get),
            Some("POST") => Some(Method::Post),
            Some(other) => {
                self.error(
                    &format!("{at}/method"),
                    format!("unsupported method \"{other}\"; expected \"GET\" or \"POST\""),
                );
                None
            }
            None => None,
        };
        let path = self.required_string(map, at, "path");
        let summary = self.required_string(map, at, "summary");
        let description = self.optional_string(map, at, "description");

        let mut parameters: Vec<Parameter> = Vec::new();
        for (i, value) in self.array(map, at, "parameters").iter().enumerate() {
            let here = format!("{at}/parameters/{i}");
            if let Some(parameter) = self.parameter(value, &here) {
                if parameters.iter().any(|it| {
                    it.location == parameter.location
                        && it.name.eq_ignore_ascii_case(&parameter.name)
                }) {
                    self.error(
                        &format!("{here}/name"),
                        format!(
                            "{} parameter \"{}\" is declared twice",
                            parameter.location.name(),
                            parameter.name
                        ),
                    );
                }
                parameters.push(parameter);
            }
        }
        let path_parts = match &path {
            Some(path) => self.path_parts(path, &parameters, at),
            None => Vec::new(),
        };

        let check_body = |cx: &mut Self, name: String, here: &str| -> Option<String> {
            if defined.contains(&name) {
                return Some(name);
            }
            let hint = cx
                .closest_definition(&name, defined)
                .map(|it| format!("; did you mean `{it}`?"))
                .unwrap_or_default();
            cx.error(
                here,
                format!(
                    "there is no schema `{name}` in `$defs` of {}{hint}",
                    schema_name(api)
                ),
            );
            None
        };
        let request_body = match self.optional_string(map, at, "request_body") {
            Some(name) => check_body(self, name, &format!("{at}/request_body")),
            None => None,
        };
        if request_body.is_some() && method == Some(Method::Get) {
            self.error(
                &format!("{at}/request_body"),
                "a GET operation cannot have a request body",
            );
        }

        let mut responses = Vec::new();
        match map.get("responses") {
            Some(Value::Object(entries)) => {
                let path_here = format!("{}/responses", at.trim_start_matches('#'));
                for (code, value) in self.members(entries, &path_here) {
                    let here = format!("{at}/responses/{code}");
                    let Some(status) = self.status(Some(&Value::String(code.clone())), &here)
                    else {
                        continue;
                    };
                    let Some(entry) = self.object(value, &here, "a response") else {
                        continue;
                    };
                    self.check_keys(entry, &here, &["body", "description"]);
                    let description = self.optional_string(entry, &here, "description");
                    let Some(body) = self.required_string(entry, &here, "body") else {
                        continue;
                    };
                    if let Some(body) = check_body(self, body, &format!("{here}/body")) {
                        responses.push(Response {
                            status,
                            body,
                            description,
                        });
                    }
                }
                responses.sort_by_key(|it| it.status);
                if !responses.iter().any(|it| (200..300).contains(&it.status)) {
                    self.error(
                        &format!("{at}/responses"),
                        "an operation needs at least one 2xx response",
                    );
                }
            }
            Some(other) => self.error(
                &format!("{at}/responses"),
                format!(
                    "`responses` must be an object from status code to response, found {}",
                    kind(other)
                ),
            ),
            None => self.error(at, "missing `responses`"),
        }

        let idempotency_key = self.optional_string(map, at, "idempotency_key");
        if let Some(header) = &idempotency_key
            && !parameters.iter().any(|it| {
                it.location == ParameterLocation::Header && it.required && it.name == *header
            })
        {
            self.error(&format!("{at}/idempotency_key"), format!("`idempotency_key` names \"{header}\", which is not a required header parameter of this operation"));
        }

        let mut rules = Vec::new();
        for (i, value) in self.array(map, at, "rules").iter().enumerate() {
            let here = format!("{at}/rules/{i}");
            if let Some(rule) = self.rule(
                value,
                &here,
                &parameters,
                request_body.as_deref(),
                error_names,
                api,
            ) {
                rules.push(rule);
            }
        }

        Some(Operation {
            pointer: at.to_owned(),
            id: id?,
            method: method?,
            path: path?,
            path_parts,
            summary: summary?,
            description,
            parameters,
            request_body,
            responses,
            idempotency_key,
            rules,
        })
    }

    /// Splits `path` into literal text and placeholders, and checks that the placeholders and
    /// the path parameters match one to one.
    fn path_parts(&mut self, path: &str, parameters: &[Parameter], at: &str) -> Vec<PathPart> {
        let parts = match parse_path(path) {
            Ok(parts) => parts,
            Err(message) => {
                self.error(&format!("{at}/path"), message);
                return Vec::new();
            }
        };
        let placeholders: Vec<&str> = parts
            .iter()
            .filter_map(|it| match it {
                PathPart::Parameter(name) => Some(name.as_str()),
                PathPart::Literal(_) => None,
            })
            .collect();
        let path_parameters: Vec<&str> = parameters
            .iter()
            .filter(|it| it.location == ParameterLocation::Path)
            .map(|it| it.name.as_str())
            .collect();
        for name in &placeholders {
            if !path_parameters.contains(name) {
                let hint = names::closest(name, &path_parameters)
                    .map(|it| format!("; did you mean `{{{it}}}`?"))
                    .unwrap_or_default();
                self.error(
                    &format!("{at}/path"),
                    format!("the path placeholder `{{{name}}}` has no `path` parameter{hint}"),
                );
            }
        }
        for parameter in parameters
            .iter()
            .filter(|it| it.location == ParameterLocation::Path)
        {
            if !placeholders.contains(&parameter.name.as_str()) {
                self.error(
                    &format!("{}/name", parameter.pointer),
                    format!(
                        "the path parameter \"{}\" does not appear in `path`",
                        parameter.name
                    ),
                );
            }
            if !parameter.required {
                self.error(
                    &parameter.pointer,
                    format!("the path parameter \"{}\" must be required", parameter.name),
                );
            }
        }
        parts
    }

    fn parameter(&mut self, value: &Value, at: &str) -> Option<Parameter> {
        let map = self.object(value, at, "a parameter")?;
        self.check_keys(
            map,
            at,
            &[
                "name",
                "in",
                "required",
                "type",
                "enum",
                "default",
                "minimum",
                "maximum",
                "description",
            ],
        );
        let name = self.required_string(map, at, "name");
        let location = match self.required_string(map, at, "in").as_deref() {
            Some("header") => Some(ParameterLocation::Header),
            Some("query") => Some(ParameterLocation::Query),
            Some("path") => Some(ParameterLocation::Path),
            Some(other) => {
                self.error(&format!("{at}/in"), format!("unknown parameter location \"{other}\"; expected \"header\", \"query\" or \"path\""));
                None
            }
            None => None,
        };
        let ty = match self.required_string(map, at, "type").as_deref() {
            Some("string") => Some(ParameterType::String),
            Some("integer") => Some(ParameterType::Integer),
            Some(other) => {
                let hint = names::closest(other, &["string", "integer"])
                    .map(|it| format!("; did you mean \"{it}\"?"))
                    .unwrap_or_default();
                self.error(
                    &format!("{at}/type"),
                    format!("unsupported parameter type \"{other}\"{hint}"),
                );
                None
            }
            None => None,
        };
        let required = match map.get("required") {
            None => false,
            Some(Value::Bool(it)) => *it,
            Some(other) => {
                self.error(
                    &format!("{at}/required"),
                    format!("`required` must be a boolean, found {}", describe(other)),
                );
                false
            }
        };
        let mut enum_values = Vec::new();
        for (i, value) in self.array(map, at, "enum").iter().enumerate() {
            if let Some(it) = self.string(value, &format!("{at}/enum/{i}"), "an `enum` value") {
                enum_values.push(it);
            }
        }
        if !enum_values.is_empty() && ty == Some(ParameterType::Integer) {
            self.error(
                &format!("{at}/enum"),
                "`enum` is only supported on string parameters",
            );
        }
        let integer = |cx: &mut Self, key: &str| -> Option<i64> {
            let value = map.get(key)?;
            let n = value.as_i64();
            if n.is_none() {
                cx.error(
                    &format!("{at}/{key}"),
                    format!("`{key}` must be an integer, found {}", describe(value)),
                );
            }
            n
        };
        let minimum = integer(self, "minimum");
        let maximum = integer(self, "maximum");
        if (minimum.is_some() || maximum.is_some()) && ty == Some(ParameterType::String) {
            self.error(
                at,
                "`minimum` and `maximum` only apply to integer parameters",
            );
        }
        if let (Some(low), Some(high)) = (minimum, maximum)
            && low > high
        {
            self.error(
                &format!("{at}/minimum"),
                format!("`minimum` ({low}) is greater than `maximum` ({high})"),
            );
        }
        let default = map.get("default").map(literal);
        if let (Some(default), Some(ty)) = (&default, ty) {
            let fits = match (ty, default) {
                (ParameterType::String, Literal::String(it)) => {
                    enum_values.is_empty() || enum_values.contains(it)
                }
                (ParameterType::Integer, Literal::Number(text)) => {
                    text.parse::<i64>().is_ok_and(|n| {
                        minimum.is_none_or(|low| n >= low) && maximum.is_none_or(|high| n <= high)
                    })
                }
                _ => false,
            };
            if !fits {
                self.error(
                    &format!("{at}/default"),
                    format!("`default` {default} is not an allowed value of this parameter"),
                );
            }
        }
        if location == Some(ParameterLocation::Header) {
            if let Some(name) = &name {
                self.header_name(name, &format!("{at}/name"));
            }
            for (i, value) in enum_values.iter().enumerate() {
                self.header_value(value, &format!("{at}/enum/{i}"), "an `enum` value");
            }
            if let Some(Literal::String(value)) = &default {
                self.header_value(value, &format!("{at}/default"), "the `default`");
            }
        }
        let description = self.optional_string(map, at, "description");
        Some(Parameter {
            pointer: at.to_owned(),
            name: name?,
            location: location?,
            required,
            ty: ty?,
            enum_values,
            default,
            minimum,
            maximum,
            description,
        })
    }

    fn rule(
        &mut self,
        value: &Value,
        at: &str,
        parameters: &[Parameter],
        request_body: Option<&str>,
        error_names: &BTreeSet<String>,
        api: &Api,
    ) -> Option<Rule> {
        let map = self.object(value, at, "a rule")?;
        match self.required_string(map, at, "rule").as_deref() {
            Some("max_items_when_header") => {}
            Some(other) => {
                self.error(
                    &format!("{at}/rule"),
                    format!(
                        "unknown rule \"{other}\"; the generator knows \"max_items_when_header\""
                    ),
                );
                return None;
            }
            None => return None,
        }
        self.check_keys(
            map,
            at,
            &[
                "rule",
                "header",
                "value",
                "field",
                "max",
                "error_type",
                "message",
            ],
        );
        let header = self.required_string(map, at, "header")?;
        let value = self.required_string(map, at, "value")?;
        let field = self.required_string(map, at, "field")?;
        let error_type = self.required_string(map, at, "error_type")?;
        let message = self.required_string(map, at, "message")?;
        let max = match map.get("max") {
            Some(it) => self.unsigned(it, &format!("{at}/max"), "max")?,
            None => {
                self.error(at, "missing `max`");
                return None;
            }
        };
        match parameters
            .iter()
            .find(|it| it.location == ParameterLocation::Header && it.name == header)
        {
            Some(parameter)
                if !parameter.enum_values.is_empty() && !parameter.enum_values.contains(&value) =>
            {
                self.error(
                    &format!("{at}/value"),
                    format!("\"{value}\" is not an allowed value of the header \"{header}\""),
                );
            }
            Some(_) => {}
            None => self.error(
                &format!("{at}/header"),
                format!("\"{header}\" is not a header parameter of this operation"),
            ),
        }
        let is_array_field = request_body
            .and_then(|body| api.definition(body))
            .and_then(|def| {
                def.schema
                    .object
                    .properties
                    .iter()
                    .find(|it| it.name == field)
            })
            .is_some_and(|it| it.schema.types.as_deref() == Some(&[JsonType::Array]));
        if !is_array_field {
            self.error(
                &format!("{at}/field"),
                format!("\"{field}\" is not an array property of the request body"),
            );
        }
        if !error_names.contains(&error_type) {
            self.error(
                &format!("{at}/error_type"),
                format!("\"{error_type}\" is not one of the `error_types`"),
            );
        }
        Some(Rule::MaxItemsWhenHeader {
            header,
            value,
            field,
            max,
            error_type,
            message,
        })
    }
}

/// The file name of the schema file (`order-api.schema.json`), which `operations.json` names.
fn schema_name(api: &Api) -> &str {
    api.schema_file
        .rsplit('/')
        .next()
        .unwrap_or(&api.schema_file)
}

/// The Rust names made in one scope of the generated client, to find names that are not
/// identifiers and names that collide.
struct Scope {
    what: String,
    /// Rust name to the spec name it was made from and where that is.
    seen: BTreeMap<String, (String, String)>,
}

impl Scope {
    fn new(what: &str, reserved: &[&str]) -> Scope {
        Scope {
            what: what.to_owned(),
            seen: reserved
                .iter()
                .map(|it| ((*it).to_owned(), ((*it).to_owned(), String::new())))
                .collect(),
        }
    }

    fn add(&mut self, cx: &mut Lowerer<'_>, name: &str, case: names::Case, at: &str) {
        let rust = names::rust_name(name, case);
        if rust.is_empty() {
            cx.error(
                at,
                format!(
                    "{} gives no Rust name in {}: it needs an ASCII letter or digit",
                    describe(&Value::String(name.to_owned())),
                    self.what
                ),
            );
            return;
        }
        match self.seen.get(&rust) {
            Some((_, first_at)) if first_at.is_empty() => cx.error(
                at,
                format!(
                    "\"{name}\" would be `{rust}` in {}, a name the generated code uses itself",
                    self.what
                ),
            ),
            Some((first, _)) if first == name => {}
            Some((first, first_at)) => {
                let place = cx
                    .file
                    .position(first_at)
                    .map(|it| format!(" (at {}:{})", it.line, it.column))
                    .unwrap_or_default();
                cx.error(
                    at,
                    format!(
                        "\"{first}\"{place} and \"{name}\" would both be `{rust}` in {}; rename one of them",
                        self.what
                    ),
                );
            }
            None => {
                self.seen.insert(rust, (name.to_owned(), at.to_owned()));
            }
        }
    }
}

/// Finds the `oneOf`s whose branches a `type`-like tag tells apart, and records how.
fn resolve_discriminators(definitions: &mut [Definition]) {
    // For every definition: its required properties that allow exactly one string.
    let tags: BTreeMap<String, BTreeMap<String, String>> = definitions
        .iter()
        .map(|def| (def.name.clone(), single_string_properties(&def.schema)))
        .collect();
    let mut found = Vec::new();
    for (i, def) in definitions.iter().enumerate() {
        visit(&def.schema, &mut |schema| {
            if let Some(discriminator) = discriminate(&schema.one_of, &tags) {
                found.push((i, schema.location.clone(), discriminator));
            }
        });
    }
    for (i, location, discriminator) in found {
        if let Some(schema) = find_mut(&mut definitions[i].schema, &location) {
            schema.discriminator = Some(discriminator);
        }
    }
}

fn discriminate(
    branches: &[Schema],
    tags: &BTreeMap<String, BTreeMap<String, String>>,
) -> Option<Discriminator> {
    if branches.is_empty() {
        return None;
    }
    let targets: Vec<&String> = branches
        .iter()
        .map(|it| it.reference.as_ref())
        .collect::<Option<_>>()?;
    if branches.iter().any(|it| !is_pure_reference(it)) {
        return None;
    }
    let first = tags.get(targets[0])?;
    let mut candidates: Vec<&String> = first.keys().collect();
    // Prefer `type`, the tag of this API, then the alphabetical first.
    candidates.sort_by_key(|it| (it.as_str() != "type", it.as_str()));
    'candidate: for property in candidates {
        let mut variants = Vec::new();
        for target in &targets {
            let value = tags.get(*target)?.get(property);
            match value {
                Some(value)
                    if !variants
                        .iter()
                        .any(|(it, _): &(String, String)| it == value) =>
                {
                    variants.push((value.clone(), (*target).clone()));
                }
                _ => continue 'candidate,
            }
        }
        return Some(Discriminator {
            property: property.clone(),
            variants,
        });
    }
    None
}

fn is_pure_reference(schema: &Schema) -> bool {
    let bare = Schema {
        location: schema.location.clone(),
        reference: schema.reference.clone(),
        title: schema.title.clone(),
        description: schema.description.clone(),
        examples: schema.examples.clone(),
        ..Schema::default()
    };
    *schema == bare
}

/// Required properties of an object schema whose value can only be one string.
fn single_string_properties(schema: &Schema) -> BTreeMap<String, String> {
    if schema.types.as_deref() != Some(&[JsonType::Object])
        || !schema.one_of.is_empty()
        || !schema.all_of.is_empty()
        || !schema.any_of.is_empty()
    {
        return BTreeMap::new();
    }
    schema
        .object
        .properties
        .iter()
        .filter(|it| schema.object.required.contains(&it.name))
        .filter_map(|it| {
            let only = match (&it.schema.enum_values, &it.schema.const_value) {
                (Some(values), None) if values.len() == 1 => &values[0],
                (None, Some(value)) => value,
                _ => return None,
            };
            match only {
                Literal::String(value) => Some((it.name.clone(), value.clone())),
                _ => None,
            }
        })
        .collect()
}

/// Calls `f` on `schema` and every schema nested in it.
pub fn visit(schema: &Schema, f: &mut dyn FnMut(&Schema)) {
    f(schema);
    for child in children(schema) {
        visit(child, f);
    }
}

/// The schemas directly nested in `schema`.
pub fn children(schema: &Schema) -> Vec<&Schema> {
    let mut out: Vec<&Schema> = Vec::new();
    out.extend(schema.object.properties.iter().map(|it| &it.schema));
    if let Some(Additional::Schema(it)) = &schema.object.additional {
        out.push(it);
    }
    out.extend(schema.object.property_names.as_deref());
    out.extend(schema.array.items.as_deref());
    out.extend(schema.all_of.iter());
    out.extend(schema.any_of.iter());
    out.extend(schema.one_of.iter());
    out
}

fn find_mut<'s>(schema: &'s mut Schema, location: &str) -> Option<&'s mut Schema> {
    if schema.location == location {
        return Some(schema);
    }
    let mut next: Vec<&'s mut Schema> = Vec::new();
    next.extend(schema.object.properties.iter_mut().map(|it| &mut it.schema));
    if let Some(Additional::Schema(it)) = &mut schema.object.additional {
        next.push(it);
    }
    next.extend(schema.object.property_names.as_deref_mut());
    next.extend(schema.array.items.as_deref_mut());
    next.extend(schema.all_of.iter_mut());
    next.extend(schema.any_of.iter_mut());
    next.extend(schema.one_of.iter_mut());
    next.into_iter().find_map(|it| find_mut(it, location))
}

/// Splits an operation's path into literal text and `{name}` placeholders.
///
/// The literal text must be what a URL path may hold as it is (RFC 3986 `pchar`s, `/`, and
/// `%` with two hex digits), since the client sends it without encoding; braces only open and
/// close a placeholder.
fn parse_path(path: &str) -> Result<Vec<PathPart>, String> {
    if !path.starts_with('/') {
        return Err("`path` must start with `/`".to_owned());
    }
    let bytes = path.as_bytes();
    let mut parts = Vec::new();
    let mut literal = String::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'{' => {
                let Some(length) = path[i + 1..].find('}') else {
                    return Err(format!(
                        "the `{{` at character {} of `path` is never closed",
                        path[..i].chars().count() + 1
                    ));
                };
                let name = &path[i + 1..i + 1 + length];
                if name.is_empty() || name.contains(['{', '/']) {
                    return Err(format!(
                        "`{{{name}}}` in `path` is not a placeholder: write `{{name}}` with the name of a path parameter"
                    ));
                }
                if !literal.is_empty() {
                    parts.push(PathPart::Literal(std::mem::take(&mut literal)));
                }
                parts.push(PathPart::Parameter(name.to_owned()));
                i += length + 2;
                continue;
            }
            b'}' => {
                return Err(format!(
                    "the `}}` at character {} of `path` closes no placeholder",
                    path[..i].chars().count() + 1
                ));
            }
            b'%' => {
                let hex = bytes.get(i + 1..i + 3);
                if !hex.is_some_and(|it| it.iter().all(u8::is_ascii_hexdigit)) {
                    return Err(
                        "a `%` in `path` must start a percent-encoded byte such as `%2F`"
                            .to_owned(),
                    );
                }
            }
            b if b.is_ascii_alphanumeric() || b"/-._~!$&'()*+,;=:@".contains(&b) => {}
            _ => {
                let c = path[i..].chars().next().unwrap_or_default();
                return Err(format!(
                    "`path` contains {c:?}, which a URL path cannot hold as it is; percent-encode it"
                ));
            }
        }
        literal.push(b as char);
        i += 1;
    }
    if !literal.is_empty() {
        parts.push(PathPart::Literal(literal));
    }
    Ok(parts)
}

fn literal(value: &Value) -> Literal {
    match value {
        Value::Null => Literal::Null,
        Value::Bool(it) => Literal::Bool(*it),
        Value::Number(it) => Literal::Number(it.to_string()),
        Value::String(it) => Literal::String(it.clone()),
        Value::Array(items) => Literal::Array(items.iter().map(literal).collect()),
        Value::Object(map) => {
            Literal::Object(map.iter().map(|(k, v)| (k.clone(), literal(v))).collect())
        }
    }
}

/// Why `default` breaks the keywords of its own schema, if it does (typify refuses such a
/// schema, and the default would make an invalid value). `enum` is checked by the caller;
/// combinators and references are left to the validator.
fn default_problem(schema: &Schema, default: &Literal) -> Option<String> {
    if let Some(types) = &schema.types
        && !types.iter().any(|ty| literal_has_type(default, *ty))
    {
        let names: Vec<&str> = types.iter().map(|it| it.name()).collect();
        return Some(format!("is not of type {}", names.join(" or ")));
    }
    if let Some(value) = &schema.const_value
        && value != default
    {
        return Some(format!("is not the `const` value {value}"));
    }
    let count = |n: usize| n as u64;
    match default {
        Literal::Number(text) => {
            let n: f64 = text.parse().ok()?;
            let rules = &schema.number;
            let broken = [
                (
                    "minimum",
                    &rules.minimum,
                    n < rules.minimum.as_ref().map_or(f64::NAN, |it| it.value),
                ),
                (
                    "maximum",
                    &rules.maximum,
                    n > rules.maximum.as_ref().map_or(f64::NAN, |it| it.value),
                ),
                (
                    "exclusiveMinimum",
                    &rules.exclusive_minimum,
                    n <= rules
                        .exclusive_minimum
                        .as_ref()
                        .map_or(f64::NAN, |it| it.value),
                ),
                (
                    "exclusiveMaximum",
                    &rules.exclusive_maximum,
                    n >= rules
                        .exclusive_maximum
                        .as_ref()
                        .map_or(f64::NAN, |it| it.value),
                ),
            ];
            broken
                .into_iter()
                .find(|(_, bound, broken)| bound.is_some() && *broken)
                .map(|(keyword, bound, _)| {
                    let text = bound.as_ref().map_or("", |it| it.text.as_str());
                    format!("breaks `{keyword}` ({text})")
                })
        }
        Literal::String(text) => {
            let rules = &schema.string;
            let length = count(text.chars().count());
            if rules.min_length.is_some_and(|min| length < min) {
                return Some("is shorter than `minLength`".to_owned());
            }
            if rules.max_length.is_some_and(|max| length > max) {
                return Some("is longer than `maxLength`".to_owned());
            }
            let pattern = rules.pattern.as_deref()?;
            let matches = regex::Regex::new(pattern).is_ok_and(|it| it.is_match(text));
            (!matches).then(|| "does not match `pattern`".to_owned())
        }
        Literal::Array(items) => {
            let rules = &schema.array;
            let n = count(items.len());
            if rules.min_items.is_some_and(|min| n < min) {
                return Some("has fewer items than `minItems`".to_owned());
            }
            rules
                .max_items
                .is_some_and(|max| n > max)
                .then(|| "has more items than `maxItems`".to_owned())
        }
        Literal::Object(members) => {
            let rules = &schema.object;
            if let Some(name) = rules
                .required
                .iter()
                .find(|name| !members.iter().any(|(key, _)| key == *name))
            {
                return Some(format!("lacks the required \"{name}\""));
            }
            let n = count(members.len());
            if rules.min_properties.is_some_and(|min| n < min) {
                return Some("has fewer members than `minProperties`".to_owned());
            }
            rules
                .max_properties
                .is_some_and(|max| n > max)
                .then(|| "has more members than `maxProperties`".to_owned())
        }
        Literal::Null | Literal::Bool(_) => None,
    }
}

fn literal_has_type(value: &Literal, ty: JsonType) -> bool {
    match (value, ty) {
        (Literal::Null, JsonType::Null)
        | (Literal::Bool(_), JsonType::Boolean)
        | (Literal::String(_), JsonType::String)
        | (Literal::Array(_), JsonType::Array)
        | (Literal::Object(_), JsonType::Object)
        | (Literal::Number(_), JsonType::Number) => true,
        (Literal::Number(text), JsonType::Integer) => {
            text.parse::<f64>().is_ok_and(|it| it.fract() == 0.0)
        }
        _ => false,
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn describe(value: &Value) -> String {
    match value {
        Value::Array(_) | Value::Object(_) => kind(value).to_owned(),
        other => other.to_string(),
    }
}
