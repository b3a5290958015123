//! The schema lowerer: `spec/order-api.schema.json` to the [`Definition`]s of the IR.
//!
//! Each member of a schema is looked up in the keyword table ([`keywords`]): the row says
//! whether the keyword is read here, refused with a hint, or unknown ("did you mean" among
//! the keywords a schema may use).

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::{
    super::{
        ir::{Additional, Api, Definition, Divisor, Format, JsonType, Literal, Property, Schema},
        keywords::{self as kw, Keyword, Role},
        load::{SourceFile, escape_token},
        names,
    },
    DIALECT, MAX_REQUIRED,
    read::{DefinitionHints, Reader, describe, kind, literal},
};

pub struct SchemaLowerer<'a> {
    pub r: Reader<'a>,
    /// Names of the `$defs` members, known before any schema is lowered so `$ref` can be checked.
    defined: BTreeSet<String>,
    hints: DefinitionHints,
}

impl<'a> SchemaLowerer<'a> {
    pub fn new(file: &'a SourceFile) -> Self {
        SchemaLowerer {
            r: Reader::new(file),
            defined: BTreeSet::new(),
            hints: DefinitionHints::new(),
        }
    }

    pub fn document(&mut self, root: &Map<String, Value>, api: &mut Api) {
        for (key, value) in self.r.members(root, "") {
            let at = format!("#/{}", escape_token(key));
            match kw::ROOT.iter().find(|it| it.name == key) {
                Some(&kw::SCHEMA) => {
                    if value.as_str() != Some(DIALECT) {
                        let found = describe(value);
                        let message = format!("`$schema` must be \"{DIALECT}\", found {found}");
                        self.r.error(&at, message);
                    }
                }
                Some(&kw::TITLE) => api.title = self.r.string(value, &at, "`title`"),
                Some(&kw::DEFS) => {}
                Some(_) => {
                    self.r.string(value, &at, &format!("`{key}`"));
                }
                None => {
                    let known: Vec<&str> = kw::ROOT.iter().map(|it| it.name).collect();
                    self.r.unknown_keyword(&at, key, &known);
                }
            }
        }
        if !root.contains_key(kw::SCHEMA.name) {
            let message = format!("the document must declare \"$schema\": \"{DIALECT}\"");
            self.r.error("#", message);
        }
        let Some(defs) = root.get(kw::DEFS.name) else {
            self.r.error(
                "#",
                "the document has no `$defs`; every schema of the API is a member of `$defs`",
            );
            return;
        };
        let defs_at = kw::DEFS.at("#");
        let Some(defs) = self.r.object(defs, &defs_at, "`$defs`") else {
            return;
        };
        self.defined = defs.keys().cloned().collect();
        for (name, value) in self.r.members(defs, defs_at.trim_start_matches('#')) {
            let at = format!("{defs_at}/{}", escape_token(name));
            if let Err(message) = names::check_definition_name(name) {
                self.r.error(&at, message);
            }
            let schema = self.schema(value, &at);
            api.definitions.push(Definition {
                name: name.clone(),
                schema,
            });
        }
    }

    pub fn schema(&mut self, value: &Value, at: &str) -> Schema {
        let mut schema = Schema {
            location: at.to_owned(),
            ..Schema::default()
        };
        let map = match value {
            // `true` accepts everything; `false` is only meaningful as `additionalProperties`.
            Value::Bool(true) => return schema,
            Value::Bool(false) => {
                self.r.error(
                    at,
                    "the `false` schema is only supported as `additionalProperties`",
                );
                return schema;
            }
            Value::Object(map) => map,
            other => {
                let message = format!("a schema must be an object, found {}", kind(other));
                self.r.error(at, message);
                return schema;
            }
        };
        let path = at.trim_start_matches('#');
        for (key, value) in self.r.members(map, path) {
            let here = format!("{at}/{}", escape_token(key));
            self.keyword(&mut schema, key, value, &here);
        }
        self.check_consistency(&schema, map, at);
        schema
    }

    /// Reads one member of a schema, as its row in the keyword table says.
    fn keyword(&mut self, schema: &mut Schema, key: &str, value: &Value, at: &str) {
        let Some(row) = kw::lookup(key) else {
            self.r.unknown_keyword(at, key, &kw::schema_keywords());
            return;
        };
        match row.role {
            Role::Root(hint) | Role::Refused(hint) => {
                self.r
                    .error(at, format!("unsupported keyword `{key}`: {hint}"));
            }
            Role::Unimplemented => self.r.error(
                at,
                format!(
                    "unsupported keyword `{key}`: the generator does not implement it, so it \
                     would not be checked"
                ),
            ),
            Role::Annotation => self.annotation(schema, row, value, at),
            Role::Assertion(types) | Role::Applicator(types) => match types.first() {
                Some(JsonType::String) => self.string_keyword(schema, row, value, at),
                Some(JsonType::Number) => self.number_keyword(schema, row, value, at),
                Some(JsonType::Array) => self.array_keyword(schema, row, value, at),
                Some(JsonType::Object) => self.object_keyword(schema, row, value, at),
                _ => self.any_keyword(schema, row, value, at),
            },
        }
    }

    fn annotation(&mut self, schema: &mut Schema, row: &Keyword, value: &Value, at: &str) {
        match *row {
            kw::TITLE => schema.title = self.r.string(value, at, "`title`"),
            kw::DESCRIPTION => schema.description = self.r.string(value, at, "`description`"),
            kw::COMMENT => schema.notes.comment = self.r.string(value, at, "`$comment`"),
            kw::DEFAULT => schema.default = Some(literal(value)),
            kw::EXAMPLES => match value {
                Value::Array(items) => schema.examples = items.iter().map(literal).collect(),
                other => {
                    let message = format!("`examples` must be an array, found {}", kind(other));
                    self.r.error(at, message);
                }
            },
            _ => {
                let flag = self.r.boolean(value, at, row.name).unwrap_or_default();
                let notes = &mut schema.notes;
                match *row {
                    kw::PERSONAL => schema.personal = flag,
                    kw::DEPRECATED => notes.deprecated = flag,
                    kw::READ_ONLY => notes.read_only = flag,
                    kw::WRITE_ONLY => notes.write_only = flag,
                    _ => {}
                }
            }
        }
    }

    /// Keywords that apply to every type: `$ref`, `type`, `enum`, `const` and the combinators.
    fn any_keyword(&mut self, schema: &mut Schema, row: &Keyword, value: &Value, at: &str) {
        match *row {
            kw::REF => schema.reference = self.reference(value, at),
            kw::TYPE => schema.types = self.types(value, at),
            kw::ENUM => schema.enum_values = self.enum_values(value, at),
            kw::FORMAT => schema.string.format = self.format(value, at),
            kw::CONST => {
                if value.is_array() || value.is_object() {
                    self.r
                        .error(at, "`const` must be a string, a number, a boolean or null");
                }
                schema.const_value = Some(literal(value));
            }
            _ => {
                let Some(branches) = self.branches(row, value, at) else {
                    return;
                };
                match *row {
                    kw::ONE_OF => schema.one_of = branches,
                    kw::ANY_OF => schema.any_of = branches,
                    _ => schema.all_of = branches,
                }
            }
        }
    }

    fn enum_values(&mut self, value: &Value, at: &str) -> Option<Vec<Literal>> {
        let items = match value {
            Value::Array(items) if !items.is_empty() => items,
            Value::Array(_) => {
                self.r.error(at, "`enum` must list at least one value");
                return None;
            }
            other => {
                let message = format!("`enum` must be an array, found {}", kind(other));
                self.r.error(at, message);
                return None;
            }
        };
        // Scalars are equal exactly when their JSON text is, so a set of texts finds repeated
        // values in linear time.
        let mut seen = BTreeSet::new();
        for (i, item) in items.iter().enumerate() {
            let here = format!("{at}/{i}");
            if item.is_array() || item.is_object() {
                let message = "`enum` values must be strings, numbers, booleans or null";
                self.r.error(&here, message);
            } else if !seen.insert(item.to_string()) {
                self.r.error(&here, format!("`enum` lists {item} twice"));
            }
        }
        Some(items.iter().map(literal).collect())
    }

    fn branches(&mut self, row: &Keyword, value: &Value, at: &str) -> Option<Vec<Schema>> {
        let key = row.name;
        match value {
            Value::Array(items) if !items.is_empty() => Some(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, it)| self.schema(it, &format!("{at}/{i}")))
                    .collect(),
            ),
            Value::Array(_) => {
                self.r
                    .error(at, format!("`{key}` must have at least one schema"));
                None
            }
            other => {
                let found = kind(other);
                let message = format!("`{key}` must be an array of schemas, found {found}");
                self.r.error(at, message);
                None
            }
        }
    }

    fn object_keyword(&mut self, schema: &mut Schema, row: &Keyword, value: &Value, at: &str) {
        let object = &mut schema.object;
        match *row {
            kw::PROPERTIES => {
                let Some(map) = self.r.object(value, at, "`properties`") else {
                    return;
                };
                let path = at.trim_start_matches('#').to_owned();
                for (name, value) in self.r.members(map, &path) {
                    let here = format!("{at}/{}", escape_token(name));
                    let property = self.schema(value, &here);
                    object.properties.push(Property {
                        name: name.clone(),
                        schema: property,
                    });
                }
            }
            kw::REQUIRED => object.required = self.required(value, at),
            kw::ADDITIONAL_PROPERTIES => {
                object.additional = match value {
                    Value::Bool(true) => None,
                    Value::Bool(false) => Some(Additional::Forbidden),
                    other => Some(Additional::Schema(Box::new(self.schema(other, at)))),
                }
            }
            kw::PROPERTY_NAMES => object.property_names = Some(Box::new(self.schema(value, at))),
            kw::MIN_PROPERTIES => object.min_properties = self.r.unsigned(value, at, row.name),
            _ => object.max_properties = self.r.unsigned(value, at, row.name),
        }
    }

    fn required(&mut self, value: &Value, at: &str) -> Vec<String> {
        let Value::Array(items) = value else {
            let message = format!("`required` must be an array, found {}", kind(value));
            self.r.error(at, message);
            return Vec::new();
        };
        let mut required = Vec::new();
        let mut seen = BTreeSet::new();
        for (i, item) in items.iter().enumerate() {
            let here = format!("{at}/{i}");
            let Some(name) = self.r.string(item, &here, "a `required` entry") else {
                continue;
            };
            if !seen.insert(name.clone()) {
                self.r
                    .error(&here, format!("`required` lists \"{name}\" twice"));
            } else if seen.len() == MAX_REQUIRED + 1 {
                self.r.error(
                    &here,
                    format!(
                        "`required` lists more than {MAX_REQUIRED} names, the most the validator \
                         tracks for one object schema; split the object with `allOf`"
                    ),
                );
            } else {
                required.push(name);
            }
        }
        required
    }

    fn array_keyword(&mut self, schema: &mut Schema, row: &Keyword, value: &Value, at: &str) {
        let array = &mut schema.array;
        match *row {
            kw::ITEMS => match value {
                Value::Array(_) => self.r.error(
                    at,
                    "the array form of `items` is draft 2019-09 and earlier; use one schema \
                     (2020-12 `prefixItems` is not supported)",
                ),
                other => array.items = Some(Box::new(self.schema(other, at))),
            },
            kw::MIN_ITEMS => array.min_items = self.r.unsigned(value, at, row.name),
            kw::MAX_ITEMS => array.max_items = self.r.unsigned(value, at, row.name),
            _ => array.unique_items = self.r.boolean(value, at, row.name).unwrap_or_default(),
        }
    }

    fn string_keyword(&mut self, schema: &mut Schema, row: &Keyword, value: &Value, at: &str) {
        let string = &mut schema.string;
        match *row {
            kw::MIN_LENGTH => string.min_length = self.r.unsigned(value, at, row.name),
            kw::MAX_LENGTH => string.max_length = self.r.unsigned(value, at, row.name),
            _ => string.pattern = self.pattern(value, at),
        }
    }

    /// The value of `format`, one of the keyword table's `FORMATS`.
    fn format(&mut self, value: &Value, at: &str) -> Option<Format> {
        let name = self.r.string(value, at, "`format`")?;
        if let Some(row) = kw::FORMATS.iter().find(|it| it.name == name) {
            return Some(row.format);
        }
        let supported: Vec<String> = kw::FORMATS
            .iter()
            .map(|it| format!("\"{}\"", it.name))
            .collect();
        let supported = supported.join(" and ");
        let message = format!("unsupported format \"{name}\"; the generator supports {supported}");
        self.r.error(at, message);
        None
    }

    fn number_keyword(&mut self, schema: &mut Schema, row: &Keyword, value: &Value, at: &str) {
        let bound = self.r.bound(value, at, row.name);
        if *row == kw::MULTIPLE_OF {
            let divisor = bound.map(|it| Divisor::parse(&it.text));
            schema.number.multiple_of = match divisor {
                Some(Ok(divisor)) => Some(divisor),
                Some(Err(why)) => {
                    self.r.error(at, format!("`{}` {why}", row.name));
                    None
                }
                None => None,
            };
            return;
        }
        let number = &mut schema.number;
        match *row {
            kw::MINIMUM => number.minimum = bound,
            kw::MAXIMUM => number.maximum = bound,
            kw::EXCLUSIVE_MINIMUM => number.exclusive_minimum = bound,
            _ => number.exclusive_maximum = bound,
        }
    }

    fn reference(&mut self, value: &Value, at: &str) -> Option<String> {
        let target = self.r.string(value, at, "`$ref`")?;
        let Some(name) = target.strip_prefix(kw::REF_PREFIX) else {
            let message = format!(
                "unsupported `$ref` \"{target}\": only references to `#/$defs/<Name>` are supported"
            );
            self.r.error(at, message);
            return None;
        };
        if name.contains('/') {
            let message = format!(
                "unsupported `$ref` \"{target}\": only references to a whole definition \
                 (`#/$defs/<Name>`) are supported"
            );
            self.r.error(at, message);
            return None;
        }
        let name = name.replace("~1", "/").replace("~0", "~");
        if self.defined.contains(&name) {
            return Some(name);
        }
        let defined = std::mem::take(&mut self.defined);
        let closest = self.hints.closest(&name, &defined);
        let message = match closest {
            Some(it) => format!(
                "dangling `$ref` \"{target}\": there is no definition `{name}`; did you mean \
                 `{it}`?"
            ),
            None => format!("dangling `$ref` \"{target}\": there is no definition `{name}`"),
        };
        self.defined = defined;
        self.r.error(at, message);
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
                    let name = self.r.string(it, &here, "a `type` entry")?;
                    Some((name, here))
                })
                .collect(),
            other => {
                let message = format!(
                    "`type` must be a type name or a non-empty array of them, found {}",
                    describe(other)
                );
                self.r.error(at, message);
                return None;
            }
        };
        let mut types = Vec::new();
        let mut unknown = false;
        let known: Vec<&str> = JsonType::ALL.iter().map(|it| it.name()).collect();
        for (name, here) in names {
            match JsonType::from_name(&name) {
                Some(ty) if types.contains(&ty) => self
                    .r
                    .error(&here, format!("`type` lists \"{name}\" twice")),
                Some(ty) => types.push(ty),
                None => {
                    let message = match names::closest(&name, &known) {
                        Some(it) => format!("unknown type \"{name}\"; did you mean \"{it}\"?"),
                        None => {
                            let known = known.join(", ");
                            format!("unknown type \"{name}\"; expected one of {known}")
                        }
                    };
                    self.r.error(&here, message);
                    unknown = true;
                }
            }
        }
        // With a name misspelt, the keywords beside `type` are not checked against it: the
        // misspelling is the one problem to report.
        (!unknown && !types.is_empty()).then_some(types)
    }

    fn pattern(&mut self, value: &Value, at: &str) -> Option<String> {
        let pattern = self.r.string(value, at, "`pattern`")?;
        // Both crates run patterns with `regex` (linear time); the pattern must also be ECMA-262
        // (`regress`), the dialect of JSON Schema, so that other tools read it the same.
        if let Err(err) = regex::Regex::new(&pattern) {
            let detail = err.to_string();
            let detail = detail.lines().last().unwrap_or_default().trim();
            self.r
                .error(at, format!("`pattern` does not compile: {detail}"));
            return None;
        }
        if let Err(err) = regress::Regex::new(&pattern) {
            let message = format!("`pattern` is not an ECMA-262 regular expression: {err}");
            self.r.error(at, message);
            return None;
        }
        Some(pattern)
    }
}
