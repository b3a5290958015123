//! The readers both lowerers share: typed access to a JSON member, with a located diagnostic
//! for every value of the wrong kind.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::super::{
    diagnostic::Diagnostic,
    ir::{Bound, Literal},
    load::{SourceFile, escape_token},
    names,
};

/// The "did you mean" look-ups among the definitions' names in one run of a lowerer. Each
/// compares a name with every definition, so a spec with thousands of dangling references
/// would otherwise take time proportional to their product; past this many, errors come
/// without a hint.
const DEFINITION_HINTS: usize = 100;

/// The budget of "did you mean" look-ups among the definitions ([`DEFINITION_HINTS`]).
pub struct DefinitionHints(usize);

impl DefinitionHints {
    pub fn new() -> Self {
        DefinitionHints(DEFINITION_HINTS)
    }

    /// The definition closest to `name`, while the budget lasts.
    pub fn closest<'d>(&mut self, name: &str, defined: &'d BTreeSet<String>) -> Option<&'d str> {
        if self.0 == 0 {
            return None;
        }
        self.0 -= 1;
        let known: Vec<&str> = defined.iter().map(String::as_str).collect();
        names::closest(name, &known)
    }
}

/// One spec file being lowered, and the problems found in it so far.
pub struct Reader<'a> {
    pub file: &'a SourceFile,
    pub diagnostics: Vec<Diagnostic>,
}

impl<'a> Reader<'a> {
    pub fn new(file: &'a SourceFile) -> Self {
        Reader {
            file,
            diagnostics: Vec::new(),
        }
    }

    pub fn error(&mut self, pointer: &str, message: impl Into<String>) {
        self.diagnostics
            .push(self.file.diagnostic(pointer, message));
    }

    /// The members of an object in the order the spec file writes them.
    pub fn members<'v>(
        &self,
        map: &'v Map<String, Value>,
        at: &str,
    ) -> Vec<(&'v String, &'v Value)> {
        let mut members: Vec<_> = map.iter().collect();
        members.sort_by_key(|(key, _)| self.file.position(&format!("{at}/{}", escape_token(key))));
        members
    }

    pub fn object<'v>(
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

    pub fn string(&mut self, value: &Value, at: &str, what: &str) -> Option<String> {
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

    pub fn boolean(&mut self, value: &Value, at: &str, key: &str) -> Option<bool> {
        let flag = value.as_bool();
        if flag.is_none() {
            self.error(
                at,
                format!("`{key}` must be a boolean, found {}", describe(value)),
            );
        }
        flag
    }

    pub fn unsigned(&mut self, value: &Value, at: &str, keyword: &str) -> Option<u64> {
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

    pub fn bound(&mut self, value: &Value, at: &str, keyword: &str) -> Option<Bound> {
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

    pub fn unknown_keyword(&mut self, at: &str, keyword: &str, known: &[&str]) {
        let message = match names::closest(keyword, known) {
            Some(suggestion) => {
                format!("unknown keyword `{keyword}`; did you mean `{suggestion}`?")
            }
            None => format!("unknown keyword `{keyword}`"),
        };
        self.error(at, message);
    }

    /// Reads the keys of `map`, reporting those not in `allowed`.
    pub fn check_keys(&mut self, map: &Map<String, Value>, at: &str, allowed: &[&str]) {
        let path = at.trim_start_matches('#').to_owned();
        for (key, _) in self.members(map, &path) {
            if !allowed.contains(&key.as_str()) {
                self.unknown_keyword(&format!("{at}/{}", escape_token(key)), key, allowed);
            }
        }
    }

    pub fn required_string(
        &mut self,
        map: &Map<String, Value>,
        at: &str,
        key: &str,
    ) -> Option<String> {
        match map.get(key) {
            Some(value) => self.string(value, &format!("{at}/{key}"), &format!("`{key}`")),
            None => {
                self.error(at, format!("missing `{key}`"));
                None
            }
        }
    }

    pub fn optional_string(
        &mut self,
        map: &Map<String, Value>,
        at: &str,
        key: &str,
    ) -> Option<String> {
        let value = map.get(key)?;
        self.string(value, &format!("{at}/{key}"), &format!("`{key}`"))
    }

    /// The optional boolean member `key` of `map`, `false` when absent or not a boolean.
    pub fn flag(&mut self, map: &Map<String, Value>, at: &str, key: &str) -> bool {
        match map.get(key) {
            None => false,
            Some(value) => self
                .boolean(value, &format!("{at}/{key}"), key)
                .unwrap_or(false),
        }
    }

    pub fn array<'v>(&mut self, map: &'v Map<String, Value>, at: &str, key: &str) -> &'v [Value] {
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
}

/// A JSON value of the spec as an IR literal.
pub fn literal(value: &Value) -> Literal {
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

/// The kind of a JSON value, for messages (`an array`).
pub fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A scalar as JSON text, a container by its kind, for messages.
pub fn describe(value: &Value) -> String {
    match value {
        Value::Array(_) | Value::Object(_) => kind(value).to_owned(),
        other => other.to_string(),
    }
}
