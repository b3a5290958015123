//! The runtime of the generated validator: the error collector and the small checks the generated code calls.

use serde_json::{Number, Value};

use crate::error::ValidationError;

pub use crate::formats::{is_date_time, is_email};

/// One step of the path from the root of the payload to the value being checked.
#[derive(Debug, Clone, Copy)]
enum Step<'v> {
    Key(&'v str),
    Index(usize),
}

/// Collects errors while the generated `e_*` functions walk a value.
#[derive(Debug)]
pub struct Cx<'v> {
    path: Vec<Step<'v>>,
    pub(crate) errors: Vec<ValidationError>,
    /// How many personal schemas enclose the current value.
    personal: u32,
    show_values: bool,
}

/// The longest string value quoted in a message, in characters.
const SHOWN_CHARS: usize = 60;

impl<'v> Cx<'v> {
    pub(crate) fn new(show_values: bool) -> Self {
        Cx {
            path: Vec::new(),
            errors: Vec::new(),
            personal: 0,
            show_values,
        }
    }

    pub fn push_key(&mut self, key: &'v str) {
        self.path.push(Step::Key(key));
    }

    pub fn push_index(&mut self, index: usize) {
        self.path.push(Step::Index(index));
    }

    pub fn pop(&mut self) {
        self.path.pop();
    }

    pub fn enter_personal(&mut self) {
        self.personal += 1;
    }

    pub fn leave_personal(&mut self) {
        self.personal -= 1;
    }

    /// The JSON pointer of the current value.
    fn pointer(&self) -> String {
        use std::fmt::Write as _;
        let capacity = self
            .path
            .iter()
            .map(|step| match step {
                Step::Key(key) => key.len() + 1,
                Step::Index(_) => 4,
            })
            .sum();
        let mut out = String::with_capacity(capacity);
        for step in &self.path {
            out.push('/');
            match step {
                Step::Key(key) if !key.contains(['~', '/']) => out.push_str(key),
                Step::Key(key) => {
                    for c in key.chars() {
                        match c {
                            '~' => out.push_str("~0"),
                            '/' => out.push_str("~1"),
                            c => out.push(c),
                        }
                    }
                }
                Step::Index(i) => {
                    let _ = write!(out, "{i}");
                }
            }
        }
        out
    }

    /// Records that the current value breaks `keyword` at `schema_location`.
    pub fn error(&mut self, keyword: &'static str, schema_location: &str, message: String) {
        self.push(keyword, schema_location, message, Vec::new());
    }

    fn push(
        &mut self,
        keyword: &'static str,
        schema_location: &str,
        message: String,
        causes: Vec<ValidationError>,
    ) {
        self.errors.push(ValidationError {
            instance_location: self.pointer(),
            schema_location: schema_location.to_owned(),
            keyword,
            message,
            position: None,
            causes,
        });
    }

    /// Runs `check` with a fresh error list and returns what it found.
    pub fn branch(&mut self, check: impl FnOnce(&mut Self)) -> Vec<ValidationError> {
        let outer = std::mem::take(&mut self.errors);
        check(self);
        std::mem::replace(&mut self.errors, outer)
    }

    /// A `oneOf` whose tag (`type`) picked a branch that did not match.
    pub fn tagged_error(
        &mut self,
        location: &str,
        property: &str,
        tag: &str,
        causes: Vec<ValidationError>,
    ) {
        if causes.is_empty() {
            return;
        }
        let message = format!("\"{property}\" is \"{tag}\", so {}", self.explain(&causes));
        self.push("oneOf", location, message, causes);
    }

    /// A `oneOf` without a tag that matched no branch, or more than one.
    pub fn one_of_error(
        &mut self,
        location: &str,
        labels: &[&str],
        valid: &[bool],
        branches: Vec<Vec<ValidationError>>,
    ) {
        let matched: Vec<&str> = labels
            .iter()
            .zip(valid)
            .filter(|(_, ok)| **ok)
            .map(|(it, _)| *it)
            .collect();
        if !matched.is_empty() {
            let message = format!(
                "matches {}, but must match exactly one of them",
                and_list(&matched)
            );
            self.push("oneOf", location, message, Vec::new());
            return;
        }
        let (message, causes) = self.closest(labels, branches);
        self.push("oneOf", location, message, causes);
    }

    /// An `anyOf` that matched no branch.
    pub fn any_of_error(
        &mut self,
        location: &str,
        labels: &[&str],
        branches: Vec<Vec<ValidationError>>,
    ) {
        let (message, causes) = self.closest(labels, branches);
        self.push("anyOf", location, message, causes);
    }

    /// Names the branch that came closest and explains why it failed. A branch whose type
    /// does not fit the value is farther than one that does; then fewer errors are closer.
    fn closest(
        &self,
        labels: &[&str],
        branches: Vec<Vec<ValidationError>>,
    ) -> (String, Vec<ValidationError>) {
        let here = self.pointer();
        let distance = |errors: &Vec<ValidationError>| {
            let wrong_type = errors
                .iter()
                .any(|it| it.keyword == "type" && it.instance_location == here);
            (wrong_type, errors.len())
        };
        let best = (0..branches.len())
            .min_by_key(|i| distance(&branches[*i]))
            .unwrap_or(0);
        let mut branches = branches;
        let causes = if branches.is_empty() {
            Vec::new()
        } else {
            branches.swap_remove(best)
        };
        let message = format!(
            "matches none of {}; closest is {}: {}",
            or_list(labels),
            labels.get(best).copied().unwrap_or("the first"),
            self.explain(&causes)
        );
        (message, causes)
    }

    /// The first cause, relative to the current value, and how many more there are.
    fn explain(&self, causes: &[ValidationError]) -> String {
        let Some(first) = causes.first() else {
            return "it does not match".to_owned();
        };
        let here = self.pointer();
        let mut out = match first.instance_location.strip_prefix(&here) {
            Some("") | None => first.message.clone(),
            Some(rest) => format!("{rest}: {}", first.message),
        };
        match causes.len() {
            1 => {}
            2 => out.push_str(" (and 1 more problem)"),
            n => out.push_str(&format!(" (and {} more problems)", n - 1)),
        }
        out
    }

    fn hidden(&self) -> bool {
        self.personal > 0 && !self.show_values
    }

    /// A value as shown in messages: scalars as JSON, containers by kind, personal values by kind.
    pub fn show(&self, value: &Value) -> String {
        match value {
            Value::String(s) => self.show_str(s),
            Value::Number(n) if !self.hidden() => n.to_string(),
            Value::Number(_) => "a number".to_owned(),
            Value::Bool(b) if !self.hidden() => b.to_string(),
            Value::Bool(_) => "a boolean".to_owned(),
            Value::Null => "null".to_owned(),
            Value::Array(items) => format!("an array of {}", count(items.len(), "item")),
            Value::Object(_) => "an object".to_owned(),
        }
    }

    /// A string as shown in messages: quoted and shortened, or only its length when personal.
    pub fn show_str(&self, s: &str) -> String {
        if self.hidden() {
            return format!("a string of {}", count(s.chars().count(), "character"));
        }
        quote(s)
    }

    /// A property name as shown in messages; names in personal objects are hidden too.
    pub fn show_name(&self, key: &str) -> String {
        if self.hidden() {
            return format!(
                "a property name of {}",
                count(key.chars().count(), "character")
            );
        }
        format!("the property name {}", quote(key))
    }
}

/// `s` as a JSON string, cut after a few dozen characters.
fn quote(s: &str) -> String {
    let mut chars = s.chars();
    let head: String = chars.by_ref().take(SHOWN_CHARS).collect();
    let mut out = Value::String(head).to_string();
    if chars.next().is_some() {
        out.insert(out.len() - 1, '…');
    }
    out
}

/// `1 item`, `2 items`, `3 properties`.
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        return format!("1 {noun}");
    }
    match noun.strip_suffix('y') {
        Some(stem) => format!("{n} {stem}ies"),
        None => format!("{n} {noun}s"),
    }
}

fn and_list(items: &[&str]) -> String {
    match items {
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
        [] => String::new(),
    }
}

fn or_list(items: &[&str]) -> String {
    match items {
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
        [] => String::new(),
    }
}

/// `"25" is not a number`.
pub fn type_message(cx: &Cx<'_>, value: &Value, expected: &str) -> String {
    format!("{} is not {expected}", cx.show(value))
}

/// JSON Schema integers are numbers without a fractional part, so `1.0` is one.
pub fn is_integer(n: &Number) -> bool {
    n.is_u64() || n.is_i64() || n.as_f64().is_some_and(|it| it.fract() == 0.0)
}

fn float(n: &Number) -> f64 {
    n.as_f64().unwrap_or(f64::NAN)
}

pub fn at_least(n: &Number, bound: f64) -> bool {
    float(n) >= bound
}

pub fn at_most(n: &Number, bound: f64) -> bool {
    float(n) <= bound
}

pub fn above(n: &Number, bound: f64) -> bool {
    float(n) > bound
}

pub fn below(n: &Number, bound: f64) -> bool {
    float(n) < bound
}

/// True when `value` is the number `n` (`1` and `1.0` are the same number).
pub fn number_is(value: &Value, n: f64) -> bool {
    value.as_f64() == Some(n)
}

/// At least `min` characters. Bytes bound characters from above, so most strings are
/// decided without counting.
pub fn len_at_least(s: &str, min: u64) -> bool {
    let bytes = s.len() as u64;
    if bytes < min {
        return false;
    }
    if bytes >= min.saturating_mul(4) {
        return true;
    }
    s.chars().count() as u64 >= min
}

/// At most `max` characters.
pub fn len_at_most(s: &str, max: u64) -> bool {
    s.len() as u64 <= max || s.chars().count() as u64 <= max
}

/// The first pair of equal items, if any, by JSON equality.
pub fn first_duplicate(items: &[Value]) -> Option<(usize, usize)> {
    if items.len() > 32 && items.iter().all(Value::is_string) {
        let mut seen = std::collections::HashMap::with_capacity(items.len());
        for (j, item) in items.iter().enumerate() {
            if let Some(i) = seen.insert(item.as_str().unwrap_or_default(), j) {
                return Some((i, j));
            }
        }
        return None;
    }
    for j in 1..items.len() {
        for i in 0..j {
            if json_equal(&items[i], &items[j]) {
                return Some((i, j));
            }
        }
    }
    None
}

/// JSON equality: numbers compare by value, objects regardless of key order.
pub(crate) fn json_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            match (x.as_u64(), y.as_u64(), x.as_i64(), y.as_i64()) {
                (Some(x), Some(y), _, _) => x == y,
                (_, _, Some(x), Some(y)) => x == y,
                _ => x.as_f64() == y.as_f64(),
            }
        }
        (Value::Array(xs), Value::Array(ys)) => {
            xs.len() == ys.len() && xs.iter().zip(ys).all(|(x, y)| json_equal(x, y))
        }
        (Value::Object(xs), Value::Object(ys)) => {
            xs.len() == ys.len()
                && xs
                    .iter()
                    .all(|(key, x)| ys.get(key).is_some_and(|y| json_equal(x, y)))
        }
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lengths_count_characters_not_bytes() {
        assert!(len_at_most("ééé", 3));
        assert!(!len_at_most("éééé", 3));
        assert!(len_at_least("é", 1));
        assert!(!len_at_least("", 1));
    }

    #[test]
    fn equality_is_json_equality() {
        assert!(json_equal(&json!(1), &json!(1.0)));
        assert!(json_equal(&json!({"a": [1, 2]}), &json!({"a": [1.0, 2]})));
        assert!(!json_equal(&json!("1"), &json!(1)));
        assert_eq!(
            first_duplicate(&[json!("a"), json!("b"), json!("a")]),
            Some((0, 2))
        );
        let many: Vec<Value> = (0..40)
            .map(|i| json!(format!("p{i}")))
            .chain([json!("p3")])
            .collect();
        assert_eq!(first_duplicate(&many), Some((3, 40)));
    }

    #[test]
    fn personal_values_are_hidden_unless_asked() {
        let mut cx = Cx::new(false);
        assert_eq!(cx.show_str("maria@example.com"), "\"maria@example.com\"");
        cx.enter_personal();
        assert_eq!(
            cx.show_str("maria@example.com"),
            "a string of 17 characters"
        );
        assert_eq!(cx.show(&json!(42)), "a number");
        let mut shown = Cx::new(true);
        shown.enter_personal();
        assert_eq!(shown.show_str("maria@example.com"), "\"maria@example.com\"");
    }

    #[test]
    fn long_strings_are_shortened() {
        let cx = Cx::new(false);
        let shown = cx.show_str(&"x".repeat(100));
        assert_eq!(shown.chars().count(), 60 + 3);
        assert!(shown.ends_with("x…\""), "{shown}");
    }
}
