//! The spec as the differential tests read it: the JSON document, its schema nodes by JSON pointer, and the keywords they use.

use std::{fs, path::PathBuf};

use serde_json::Value;

/// Keywords that can refuse a value on their own, and the JSON types each one applies to
/// (`None`: every type). Written here again on purpose, not taken from the generator's keyword
/// table, so that the oracle stays independent of the code it checks.
pub const ASSERTIONS: &[(&str, Option<&[Ty]>)] = &[
    ("type", None),
    ("enum", None),
    ("const", None),
    ("oneOf", None),
    ("anyOf", None),
    ("minLength", Some(&[Ty::String])),
    ("maxLength", Some(&[Ty::String])),
    ("pattern", Some(&[Ty::String])),
    ("format", Some(&[Ty::String])),
    ("minimum", Some(&[Ty::Integer, Ty::Number])),
    ("maximum", Some(&[Ty::Integer, Ty::Number])),
    ("exclusiveMinimum", Some(&[Ty::Integer, Ty::Number])),
    ("exclusiveMaximum", Some(&[Ty::Integer, Ty::Number])),
    ("minItems", Some(&[Ty::Array])),
    ("maxItems", Some(&[Ty::Array])),
    ("uniqueItems", Some(&[Ty::Array])),
    ("required", Some(&[Ty::Object])),
    ("minProperties", Some(&[Ty::Object])),
    ("maxProperties", Some(&[Ty::Object])),
];

/// Keywords that only apply other schemas: their own refusals are those of the schemas
/// inside them, which are nodes of their own.
const APPLICATORS: &[&str] = &[
    "$ref",
    "properties",
    "items",
    "additionalProperties",
    "propertyNames",
    "allOf",
];

/// Keywords that never refuse anything.
const ANNOTATIONS: &[&str] = &[
    "title",
    "description",
    "examples",
    "default",
    "deprecated",
    "readOnly",
    "writeOnly",
    "$comment",
    "x-personal",
];

/// The JSON type of a value, with integers told apart from other numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Ty {
    Null,
    Boolean,
    Integer,
    Number,
    String,
    Array,
    Object,
}

impl Ty {
    pub fn of(value: &Value) -> Ty {
        match value {
            Value::Null => Ty::Null,
            Value::Bool(_) => Ty::Boolean,
            Value::Number(n) if n.is_i64() || n.is_u64() => Ty::Integer,
            Value::Number(_) => Ty::Number,
            Value::String(_) => Ty::String,
            Value::Array(_) => Ty::Array,
            Value::Object(_) => Ty::Object,
        }
    }

    pub fn from_name(name: &str) -> Ty {
        match name {
            "null" => Ty::Null,
            "boolean" => Ty::Boolean,
            "integer" => Ty::Integer,
            "number" => Ty::Number,
            "string" => Ty::String,
            "array" => Ty::Array,
            "object" => Ty::Object,
            other => panic!("unknown JSON type {other:?} in the spec"),
        }
    }

    /// True when a value of this type is of the type named `ty` in a schema.
    pub fn is_a(self, ty: Ty) -> bool {
        self == ty || (self == Ty::Integer && ty == Ty::Number)
    }
}

/// One use of an assertion keyword in the spec, such as
/// `/$defs/NewOrderItemDetails/properties/face_value/minimum`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occurrence {
    /// The pointer of the schema node that holds the keyword.
    pub node: String,
    pub keyword: &'static str,
    /// The types the keyword applies to (`None`: all).
    pub applies_to: Option<&'static [Ty]>,
}

impl Occurrence {
    /// The pointer of the keyword, as the validator reports it in `schema_location`.
    pub fn location(&self) -> String {
        format!("{}/{}", self.node, self.keyword)
    }
}

/// The property names and the scalar values (`enum`, `const`, `examples`) that the spec uses.
#[derive(Debug, Clone)]
pub struct Words {
    pub names: Vec<String>,
    pub values: Vec<Value>,
}

#[derive(Debug)]
pub struct Spec {
    pub doc: Value,
}

impl Spec {
    pub fn load() -> Spec {
        let path =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../spec/order-api.schema.json");
        let text = fs::read_to_string(&path)
            .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
        let doc = serde_json::from_str(&text).expect("the spec is JSON");
        Spec { doc }
    }

    /// The names of `$defs`, sorted (serde_json's maps are sorted).
    pub fn definitions(&self) -> Vec<String> {
        self.doc["$defs"]
            .as_object()
            .expect("the spec has $defs")
            .keys()
            .cloned()
            .collect()
    }

    /// Every property name and scalar value written in the spec.
    pub fn words(&self) -> Words {
        let mut names = Vec::new();
        let mut values = Vec::new();
        for node in self.nodes() {
            let schema = self.node(&node);
            if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
                names.extend(properties.keys().cloned());
            }
            for key in ["enum", "examples"] {
                if let Some(listed) = schema.get(key).and_then(Value::as_array) {
                    values.extend(listed.iter().filter(|it| !it.is_object()).cloned());
                }
            }
            values.extend(schema.get("const").cloned());
        }
        names.sort();
        names.dedup();
        Words { names, values }
    }

    /// The schema node at a JSON pointer such as `/$defs/Currency`.
    pub fn node(&self, location: &str) -> &Value {
        self.doc
            .pointer(location)
            .unwrap_or_else(|| panic!("{location} is not in the spec"))
    }

    /// The pointer a `$ref` of the node at `location` points to, if it has one.
    pub fn reference(&self, location: &str) -> Option<String> {
        let target = self.node(location).get("$ref")?.as_str()?;
        let pointer = target
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("{location}: only local references are supported"));
        Some(pointer.to_owned())
    }

    /// `node` with what it stands for without a choice: the targets of `$ref` and the members
    /// of `allOf`, recursively.
    pub fn closure(&self, node: &str) -> Vec<String> {
        self.closure_all(&[node.to_owned()])
    }

    /// [`Spec::closure`] of several nodes together.
    pub fn closure_all(&self, nodes: &[String]) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut queue: Vec<String> = nodes.iter().rev().cloned().collect();
        while let Some(node) = queue.pop() {
            if out.contains(&node) {
                continue;
            }
            let mut next = Vec::new();
            if let Some(target) = self.reference(&node) {
                next.push(target);
            }
            if let Some(members) = self.node(&node).get("allOf").and_then(Value::as_array) {
                next.extend((0..members.len()).map(|i| format!("{node}/allOf/{i}")));
            }
            out.push(node);
            queue.extend(next.into_iter().rev());
        }
        out
    }

    /// The pointers of the schema nodes directly inside the node at `location`.
    pub fn children(&self, location: &str) -> Vec<String> {
        let node = self.node(location);
        let mut out = Vec::new();
        if let Some(properties) = node.get("properties").and_then(Value::as_object) {
            out.extend(
                properties
                    .keys()
                    .map(|name| format!("{location}/properties/{}", escape(name))),
            );
        }
        for single in ["items", "additionalProperties", "propertyNames"] {
            if node.get(single).is_some_and(Value::is_object) {
                out.push(format!("{location}/{single}"));
            }
        }
        for list in ["allOf", "anyOf", "oneOf"] {
            if let Some(branches) = node.get(list).and_then(Value::as_array) {
                out.extend((0..branches.len()).map(|i| format!("{location}/{list}/{i}")));
            }
        }
        out
    }

    /// Every schema node of the spec: each definition and everything inside it.
    pub fn nodes(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut stack: Vec<String> = self
            .definitions()
            .iter()
            .rev()
            .map(|name| format!("/$defs/{name}"))
            .collect();
        while let Some(location) = stack.pop() {
            let mut children = self.children(&location);
            children.reverse();
            stack.extend(children);
            out.push(location);
        }
        out
    }

    /// Every use of an assertion keyword in the spec. Panics on a keyword this suite does not
    /// know, so that a new keyword in the spec cannot go untested.
    pub fn occurrences(&self) -> Vec<Occurrence> {
        let mut out = Vec::new();
        for node in self.nodes() {
            let schema = self.node(&node).as_object().expect("schemas are objects");
            for key in schema.keys() {
                // `format: decimal` marks money amounts; it is an annotation, not an assertion.
                if key == "format" && schema[key] == "decimal" {
                    continue;
                }
                if let Some((keyword, applies_to)) = ASSERTIONS.iter().find(|it| it.0 == key) {
                    out.push(Occurrence {
                        node: node.clone(),
                        keyword,
                        applies_to: *applies_to,
                    });
                } else if key == "additionalProperties" && !schema[key].is_object() {
                    panic!("{node}: boolean additionalProperties is not handled by this suite");
                } else if !APPLICATORS.contains(&key.as_str())
                    && !ANNOTATIONS.contains(&key.as_str())
                {
                    panic!("{node}: the keyword {key:?} is not handled by this suite");
                }
            }
        }
        out
    }
}

/// A key as a JSON pointer segment.
pub fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}
