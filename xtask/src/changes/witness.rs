//! Small JSON values a schema accepts, for counter-examples: proposed keyword by keyword from
//! the schema's bounds, and kept only when a validator of the node (built with the `jsonschema`
//! crate) accepts them, so a proposal that ignores a keyword costs a candidate, never a wrong
//! answer.
//!
//! The search is bounded: at most [`PER_NODE`] values per node, [`DEPTH`] levels of nesting,
//! [`NODES`] nodes per search and arrays of at most [`ITEMS`] items; a `$ref` target is searched
//! once. Keys are read in sorted order, so the same schema gives the same values everywhere.

use std::collections::{BTreeSet, HashMap};

use rand::{RngExt, SeedableRng, rngs::StdRng};
use serde_json::{Map, Value, json};

use crate::codegen::{ir::JsonType, keywords as kw};

/// The most values kept for one node.
pub const PER_NODE: usize = 8;
/// The deepest nesting searched.
pub const DEPTH: usize = 10;
/// The most nodes one search visits.
pub const NODES: usize = 1_500;
/// The longest array or string proposed.
pub const ITEMS: u64 = 1_000;

/// One search over a document whose `$defs` resolve the `$ref`s of its nodes.
#[derive(Debug)]
pub struct Search<'a> {
    document: &'a Value,
    defs: &'a Value,
    /// The values of each `$ref` target; `None` while it is being searched (a cycle).
    refs: HashMap<String, Option<Vec<Value>>>,
    nodes: usize,
}

impl<'a> Search<'a> {
    pub fn new(document: &'a Value) -> Search<'a> {
        Search {
            document,
            defs: document.get(kw::DEFS.name).unwrap_or(&Value::Null),
            refs: HashMap::new(),
            nodes: 0,
        }
    }

    /// Values the root `schema` accepts, smallest first: every one found, for the caller to
    /// choose from.
    pub fn roots(&mut self, schema: &Value) -> Vec<Value> {
        // A root that only names a definition: every value of the definition, not the few a
        // `$ref` keeps.
        let target = schema
            .get(kw::REF.name)
            .and_then(Value::as_str)
            .and_then(|it| it.strip_prefix('#'))
            .and_then(|pointer| self.document.pointer(pointer));
        let only_ref = schema.as_object().is_some_and(|node| {
            node.keys()
                .all(|key| [kw::REF.name, kw::DEFS.name, kw::SCHEMA.name].contains(&key.as_str()))
        });
        match target {
            Some(target) if only_ref => self.search(target, 1, usize::MAX),
            _ => self.search(schema, 0, usize::MAX),
        }
    }

    /// Up to [`PER_NODE`] values `schema` accepts: the smallest, and the two largest.
    fn values(&mut self, schema: &Value, depth: usize) -> Vec<Value> {
        self.search(schema, depth, PER_NODE)
    }

    fn search(&mut self, schema: &Value, depth: usize, limit: usize) -> Vec<Value> {
        self.nodes += 1;
        if depth > DEPTH || self.nodes > NODES {
            return Vec::new();
        }
        let proposals = match schema {
            Value::Bool(false) => return Vec::new(),
            Value::Bool(true) => anything(),
            Value::Object(node) => self.propose(node, depth),
            _ => return Vec::new(),
        };
        let Some(validator) = self.validator(schema) else {
            return Vec::new();
        };
        let mut seen = BTreeSet::new();
        let mut kept: Vec<Value> = proposals
            .into_iter()
            .filter(|it| seen.insert(it.to_string()) && validator.is_valid(it))
            .collect();
        kept.sort_by_cached_key(|it| {
            let text = it.to_string();
            (text.len(), text)
        });
        if kept.len() > limit {
            kept = varied(kept, limit);
        }
        kept
    }

    /// A validator of `schema` with the document's `$defs`, asserting formats.
    fn validator(&self, schema: &Value) -> Option<jsonschema061::Validator> {
        let mut document = match schema {
            Value::Object(node) => node.clone(),
            other => return validator(other),
        };
        if self.defs.is_object() {
            document
                .entry(kw::DEFS.name)
                .or_insert_with(|| self.defs.clone());
        }
        document
            .entry(kw::SCHEMA.name)
            .or_insert_with(|| Value::from(DRAFT));
        validator(&Value::Object(document))
    }

    fn propose(&mut self, node: &Map<String, Value>, depth: usize) -> Vec<Value> {
        if let Some(value) = node.get(kw::CONST.name) {
            return vec![value.clone()];
        }
        if let Some(Value::Array(values)) = node.get(kw::ENUM.name) {
            return values.clone();
        }
        let mut out = Vec::new();
        if let Some(Value::String(target)) = node.get(kw::REF.name) {
            out.extend(self.reference(target, depth));
        }
        for keyword in [&kw::ANY_OF, &kw::ONE_OF] {
            for branch in array(node, keyword.name) {
                out.extend(self.values(branch, depth + 1));
            }
        }
        let all: Vec<Vec<Value>> = array(node, kw::ALL_OF.name)
            .iter()
            .map(|branch| self.values(branch, depth + 1))
            .collect();
        out.extend(merged(&all));
        out.extend(all.into_iter().flatten());
        for ty in types(node) {
            match ty {
                JsonType::Null => out.push(Value::Null),
                JsonType::Boolean => out.extend([json!(false), json!(true)]),
                JsonType::Integer => out.extend(numbers(node, true)),
                JsonType::Number => out.extend(numbers(node, false)),
                JsonType::String => out.extend(strings(node)),
                JsonType::Array => out.extend(self.arrays(node, depth)),
                JsonType::Object => out.extend(self.objects(node, depth)),
            }
        }
        out
    }

    fn reference(&mut self, target: &str, depth: usize) -> Vec<Value> {
        if let Some(known) = self.refs.get(target) {
            return known.clone().unwrap_or_default();
        }
        // References inside the document only (`#/$defs/Name`, `#`).
        let Some(schema) = target
            .strip_prefix('#')
            .and_then(|pointer| self.document.pointer(pointer))
        else {
            return Vec::new();
        };
        self.refs.insert(target.to_owned(), None);
        let values = self.values(schema, depth + 1);
        self.refs.insert(target.to_owned(), Some(values.clone()));
        values
    }

    fn arrays(&mut self, node: &Map<String, Value>, depth: usize) -> Vec<Value> {
        let items = match node.get(kw::ITEMS.name) {
            Some(schema) => self.values(schema, depth + 1),
            None => anything(),
        };
        let contains = match node.get(kw::CONTAINS.name) {
            Some(schema) => self.values(schema, depth + 1),
            None => Vec::new(),
        };
        let min = count(node, kw::MIN_ITEMS.name).unwrap_or(0).min(ITEMS);
        let max = count(node, kw::MAX_ITEMS.name).unwrap_or(ITEMS).min(ITEMS);
        let mut out = vec![json!([])];
        for size in [min, min.max(1), max] {
            let size = usize::try_from(size).unwrap_or(0);
            // The same item repeated, and distinct items for `uniqueItems` where there are enough.
            for pool in [&contains, &items] {
                if let Some(first) = pool.first() {
                    out.push(Value::Array(vec![first.clone(); size]));
                }
            }
            if items.len() >= size {
                out.push(Value::Array(items[..size].to_vec()));
            }
            let mut mixed: Vec<Value> = contains.iter().take(1).cloned().collect();
            mixed.extend(
                items
                    .iter()
                    .cycle()
                    .take(size.saturating_sub(mixed.len()))
                    .cloned(),
            );
            out.push(Value::Array(mixed));
        }
        out
    }

    fn objects(&mut self, node: &Map<String, Value>, depth: usize) -> Vec<Value> {
        let empty = Map::new();
        let properties = match node.get(kw::PROPERTIES.name) {
            Some(Value::Object(it)) => it,
            _ => &empty,
        };
        let required: BTreeSet<&str> = array(node, kw::REQUIRED.name)
            .iter()
            .filter_map(Value::as_str)
            .collect();
        let extra = node
            .get(kw::ADDITIONAL_PROPERTIES.name)
            .cloned()
            .unwrap_or(Value::Bool(true));
        let mut names: BTreeSet<&str> = properties.keys().map(String::as_str).collect();
        names.extend(required.iter().copied());
        let mut choices: Vec<(&str, Vec<Value>)> = Vec::new();
        for name in names {
            let schema = properties.get(name).unwrap_or(&extra);
            choices.push((name, self.values(schema, depth + 1)));
        }
        let mut base = Map::new();
        for (name, values) in &choices {
            if required.contains(name) {
                match values.first() {
                    Some(value) => base.insert((*name).to_owned(), value.clone()),
                    None => return Vec::new(),
                };
            }
        }
        let mut out = vec![Value::Object(base.clone())];
        // One member changed at a time: linear in the members and their values.
        for (name, values) in &choices {
            for value in values {
                let mut object = base.clone();
                object.insert((*name).to_owned(), value.clone());
                out.push(Value::Object(object));
            }
        }
        let min = count(node, kw::MIN_PROPERTIES.name).unwrap_or(0).min(ITEMS);
        if (base.len() as u64) < min {
            let fillers = self.values(&extra, depth + 1);
            if let Some(filler) = fillers.first() {
                let mut object = base.clone();
                for index in 0..min {
                    object
                        .entry(format!("k{index}"))
                        .or_insert_with(|| filler.clone());
                }
                out.push(Value::Object(object));
            }
        }
        out
    }
}

/// The draft of the spec, for nodes validated on their own.
const DRAFT: &str = crate::codegen::lower::DIALECT;

/// A validator of a whole document, asserting formats as the generated validator does.
pub fn validator(schema: &Value) -> Option<jsonschema061::Validator> {
    jsonschema061::options()
        .should_validate_formats(true)
        .build(schema)
        .ok()
}

/// `limit` of the values (sorted, smallest first): the smallest of each JSON type, the two
/// largest (a bound's far side often tells two schemas apart), then the smallest others.
fn varied(values: Vec<Value>, limit: usize) -> Vec<Value> {
    let kind = |value: &Value| std::mem::discriminant(value);
    let mut chosen = vec![false; values.len()];
    let mut kinds = Vec::new();
    for (index, value) in values.iter().enumerate() {
        if !kinds.contains(&kind(value)) {
            kinds.push(kind(value));
            chosen[index] = true;
        }
    }
    for index in (0..values.len()).rev().take(2) {
        chosen[index] = true;
    }
    let mut room = limit.saturating_sub(chosen.iter().filter(|it| **it).count());
    for flag in chosen.iter_mut().filter(|it| !**it) {
        if room == 0 {
            break;
        }
        *flag = true;
        room -= 1;
    }
    values
        .into_iter()
        .zip(chosen)
        .filter_map(|(value, keep)| keep.then_some(value))
        .collect()
}

/// One value of each JSON type.
fn anything() -> Vec<Value> {
    vec![
        Value::Null,
        json!(true),
        json!(0),
        json!(""),
        json!([]),
        json!({}),
    ]
}

fn array<'v>(node: &'v Map<String, Value>, keyword: &str) -> &'v [Value] {
    match node.get(keyword) {
        Some(Value::Array(it)) => it,
        _ => &[],
    }
}

fn count(node: &Map<String, Value>, keyword: &str) -> Option<u64> {
    node.get(keyword).and_then(Value::as_u64)
}

/// The types a node names, or those its keywords imply.
fn types(node: &Map<String, Value>) -> Vec<JsonType> {
    let named: Vec<&str> = match node.get(kw::TYPE.name) {
        Some(Value::String(it)) => vec![it.as_str()],
        Some(Value::Array(it)) => it.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if !named.is_empty() {
        return JsonType::ALL
            .into_iter()
            .filter(|it| named.contains(&it.name()))
            .collect();
    }
    let has = |rows: &[&kw::Keyword]| rows.iter().any(|row| node.contains_key(row.name));
    let implied = [
        (
            JsonType::Object,
            has(&[&kw::PROPERTIES, &kw::REQUIRED, &kw::ADDITIONAL_PROPERTIES]),
        ),
        (
            JsonType::Array,
            has(&[&kw::ITEMS, &kw::MIN_ITEMS, &kw::MAX_ITEMS]),
        ),
        (
            JsonType::String,
            has(&[&kw::MIN_LENGTH, &kw::MAX_LENGTH, &kw::PATTERN]),
        ),
        (
            JsonType::Number,
            has(&[&kw::MINIMUM, &kw::MAXIMUM, &kw::MULTIPLE_OF]),
        ),
    ];
    implied
        .into_iter()
        .filter(|(_, it)| *it)
        .map(|(ty, _)| ty)
        .collect()
}

fn numbers(node: &Map<String, Value>, integer: bool) -> Vec<Value> {
    let bound = |row: &kw::Keyword| node.get(row.name).and_then(Value::as_f64);
    let mut seeds = vec![0.0, 1.0, -1.0, 0.5, 1e9];
    for (row, steps) in [
        (&kw::MINIMUM, [0.0, 1.0, 0.01]),
        (&kw::MAXIMUM, [0.0, -1.0, -0.01]),
        (&kw::EXCLUSIVE_MINIMUM, [1.0, 0.5, 0.01]),
        (&kw::EXCLUSIVE_MAXIMUM, [-1.0, -0.5, -0.01]),
    ] {
        if let Some(bound) = bound(row) {
            seeds.extend(steps.iter().map(|step| bound + step));
        }
    }
    if let Some(divisor) = bound(&kw::MULTIPLE_OF) {
        // Multiples, and numbers between them.
        seeds.extend([1.0, 2.0, 3.0, 0.5, 1.5].map(|it| divisor * it));
    }
    seeds
        .into_iter()
        .filter_map(|it| {
            if integer || it.fract() == 0.0 {
                // Whole numbers as JSON integers, within `i64`.
                let whole = it.floor();
                (whole.abs() < 9.0e15).then(|| json!(whole as i64))
            } else {
                serde_json::Number::from_f64(it).map(Value::Number)
            }
        })
        .collect()
}

fn strings(node: &Map<String, Value>) -> Vec<Value> {
    let min = count(node, kw::MIN_LENGTH.name).unwrap_or(0).min(ITEMS);
    let max = count(node, kw::MAX_LENGTH.name).unwrap_or(ITEMS).min(ITEMS);
    let mut out = Vec::new();
    if let Some(pattern) = node.get(kw::PATTERN.name).and_then(Value::as_str) {
        out.extend(jsonschema_regex::pattern_witness(pattern));
        out.extend(samples(pattern));
    }
    if let Some(format) = node.get(kw::FORMAT.name).and_then(Value::as_str) {
        out.extend(
            kw::FORMATS
                .iter()
                .filter(|row| row.name == format)
                .map(|row| row.example.to_owned()),
        );
    }
    for length in [min, min.max(1), max] {
        let length = usize::try_from(length).unwrap_or(0);
        for letter in ["a", "A", "0", "!", " "] {
            out.push(letter.repeat(length));
        }
    }
    out.into_iter().map(Value::String).collect()
}

/// How many strings of a `pattern` are drawn, and the most repetitions of a `*` or `+` in one.
const SAMPLES: usize = 16;
const REPEAT: u32 = 16;

/// Strings a `pattern` matches, of several lengths, drawn with a fixed seed (so the same pattern
/// gives the same strings everywhere); none when `rand_regex` cannot read the pattern.
fn samples(pattern: &str) -> Vec<String> {
    // A pattern is an unanchored search: a string its body matches, the pattern matches.
    let body = pattern.strip_prefix('^').unwrap_or(pattern);
    let body = match body.strip_suffix('$') {
        Some(inner) if !inner.ends_with('\\') => inner,
        _ => body,
    };
    let Ok(regex) = rand_regex::Regex::compile(body, REPEAT) else {
        return Vec::new();
    };
    let mut rng = StdRng::seed_from_u64(0x5eed);
    (0..SAMPLES)
        .map(|_| rng.sample::<String, _>(&regex))
        .collect()
}

/// Objects made of the first value of each `allOf` branch, when every branch gave an object.
fn merged(branches: &[Vec<Value>]) -> Option<Value> {
    if branches.is_empty() {
        return None;
    }
    let mut out = Map::new();
    for values in branches {
        let Some(Value::Object(first)) = values.first() else {
            return None;
        };
        for (key, value) in first {
            out.entry(key.clone()).or_insert_with(|| value.clone());
        }
    }
    Some(Value::Object(out))
}
