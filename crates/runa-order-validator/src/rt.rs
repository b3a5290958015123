//! The runtime of the generated validator: the error collector and the small checks the generated code calls.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, Hasher, RandomState};

use hashbrown::{HashTable, hash_table::Entry};
use serde_json::{Number, Value};

use crate::error::{ValidationError, Variant};

pub use crate::decimal::{cmp_decimal_text, is_multiple_of};
pub use crate::formats::{is_date_time, is_email};

/// Collects errors while the generated `e_*` functions (or the text collectors `C_*`) walk a
/// value.
///
/// The collector keeps at most `limit` errors, the causes of `oneOf` and `anyOf` errors
/// included; once one more is found, [`Cx::is_full`] turns true and the generated loops over
/// items and members stop, so a payload with a million problems costs the work and memory of
/// `limit` of them.
#[derive(Debug)]
pub struct Cx {
    /// The JSON pointer of the current value.
    pointer: String,
    /// The length of `pointer` before each step that is still entered.
    marks: Vec<usize>,
    pub errors: Vec<ValidationError>,
    /// How many personal schemas enclose the current value.
    personal: u32,
    show_values: bool,
    /// The most errors kept.
    limit: usize,
    /// The errors found so far, kept or not.
    found: usize,
    /// The errors found but not kept.
    pub omitted: usize,
    /// The number of items shown for an array that stands in for one that was not read
    /// (see [`Cx::stand_in`]).
    stand_in_items: Option<usize>,
    /// The index in `errors` of the error with each hash of (pointer, keyword, message), so
    /// that a problem found twice (the `required` of an `allOf` branch that repeats its
    /// base's) is kept once, in constant expected time.
    kept: HashMap<u64, usize>,
    /// The keys of the hashes in `kept`.
    hasher: RandomState,
    /// The JSON text of the number being checked while `exact` is set (see
    /// [`Cx::with_number_text`]): a buffer reused from number to number.
    number_text: String,
    /// True while the value being checked is a number read from text by a text path, whose
    /// bounds are then compared exactly on `number_text`.
    exact: bool,
}

/// The longest string value quoted in a message, in characters.
const SHOWN_CHARS: usize = 60;

impl Cx {
    /// A collector that keeps at most `limit` errors (at least one).
    pub fn new(show_values: bool, limit: usize) -> Self {
        Cx {
            pointer: String::new(),
            marks: Vec::new(),
            errors: Vec::new(),
            personal: 0,
            show_values,
            limit: limit.max(1),
            found: 0,
            omitted: 0,
            stand_in_items: None,
            kept: HashMap::new(),
            hasher: RandomState::new(),
            number_text: String::new(),
            exact: false,
        }
    }

    /// Runs `check` (the `e_*` check of a number a text path read) with the number's JSON
    /// `text`, so that its bounds are compared exactly ([`number_order`]); without a text,
    /// `check` compares as the `Value` paths do.
    pub fn with_number_text(&mut self, text: Option<&str>, check: impl FnOnce(&mut Self)) {
        let Some(text) = text else {
            check(self);
            return;
        };
        self.number_text.clear();
        self.number_text.push_str(text);
        self.exact = true;
        check(self);
        self.exact = false;
    }

    /// True once more errors were found than are kept: checking can stop.
    pub fn is_full(&self) -> bool {
        self.found > self.limit
    }

    pub fn push_key(&mut self, key: &str) {
        self.marks.push(self.pointer.len());
        self.pointer.push('/');
        if key.contains(['~', '/']) {
            for c in key.chars() {
                match c {
                    '~' => self.pointer.push_str("~0"),
                    '/' => self.pointer.push_str("~1"),
                    c => self.pointer.push(c),
                }
            }
        } else {
            self.pointer.push_str(key);
        }
    }

    pub fn push_index(&mut self, index: usize) {
        use std::fmt::Write as _;
        self.marks.push(self.pointer.len());
        let _ = write!(self.pointer, "/{index}");
    }

    pub fn pop(&mut self) {
        if let Some(len) = self.marks.pop() {
            self.pointer.truncate(len);
        }
    }

    pub fn enter_personal(&mut self) {
        self.personal += 1;
    }

    pub fn leave_personal(&mut self) {
        self.personal -= 1;
    }

    /// The JSON pointer of the current value.
    fn pointer(&self) -> String {
        self.pointer.clone()
    }

    /// Records that the current value breaks `keyword` at `schema_location`, unless the same
    /// problem (pointer, keyword and message) is already recorded.
    pub fn error(&mut self, keyword: &'static str, schema_location: &str, message: String) {
        self.error_with_causes(keyword, schema_location, message, Vec::new());
    }

    /// [`Cx::error`], with the errors that explain it (those of a property name checked
    /// against `propertyNames`).
    pub fn error_with_causes(
        &mut self,
        keyword: &'static str,
        schema_location: &str,
        message: String,
        causes: Vec<ValidationError>,
    ) {
        let hash = self.hasher.hash_one((&self.pointer, keyword, &message));
        if self.repeats(hash, &self.pointer, keyword, &message) {
            return;
        }
        self.found += 1;
        if self.found > self.limit {
            self.omitted += 1;
            return;
        }
        self.kept.insert(hash, self.errors.len());
        self.push(keyword, schema_location, message, causes);
    }

    /// True when the error kept under `hash` is this one.
    fn repeats(&self, hash: u64, pointer: &str, keyword: &str, message: &str) -> bool {
        self.kept
            .get(&hash)
            .and_then(|i| self.errors.get(*i))
            .is_some_and(|it| {
                it.instance_location == pointer && it.keyword == keyword && it.message == message
            })
    }

    /// Records the error of a `oneOf` or `anyOf`, which is kept even past the limit: it
    /// stands for the errors of its branches, which may have filled the limit, and there is
    /// at most one per combinator being checked when the limit is reached.
    fn push_combinator(
        &mut self,
        keyword: &'static str,
        schema_location: &str,
        message: String,
        causes: Vec<ValidationError>,
    ) {
        self.found += 1;
        self.push(keyword, schema_location, message, causes);
    }

    /// The errors, at most `limit` of them, and how many more were found.
    pub fn finish(mut self) -> (Vec<ValidationError>, usize) {
        if self.errors.len() > self.limit {
            self.omitted += self.errors.len() - self.limit;
            self.errors.truncate(self.limit);
        }
        (self.errors, self.omitted)
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
            variant: None,
        });
    }

    /// Runs `check` with a fresh error list and returns what it found.
    pub fn branch(&mut self, check: impl FnOnce(&mut Self)) -> Vec<ValidationError> {
        let outer = std::mem::take(&mut self.errors);
        let outer_kept = std::mem::take(&mut self.kept);
        check(self);
        self.kept = outer_kept;
        std::mem::replace(&mut self.errors, outer)
    }

    /// A `oneOf` whose tag (`type`) picked a branch that did not match: each error of that
    /// branch is reported on its own, at its own pointer, with the variant it was checked
    /// against (`variant`, and the end of its message), once.
    pub fn tagged_error(
        &mut self,
        location: &str,
        property: &'static str,
        tag: &'static str,
        causes: Vec<ValidationError>,
    ) {
        // No cause means the fast check and the collecting check disagree (a generator bug,
        // which the caller reports), or that the limit left no room for the causes, which
        // were counted as omitted.
        let here = self.pointer();
        for mut error in causes {
            if error.variant.is_none() {
                error.message = format!("{} (\"{property}\" is \"{tag}\")", error.message);
            }
            // The outermost tagged `oneOf` is the one a reader of the schema sees first.
            error.variant = Some(Variant {
                instance_location: here.clone(),
                schema_location: location.to_owned(),
                property,
                tag,
            });
            let hash =
                self.hasher
                    .hash_one((&error.instance_location, error.keyword, &error.message));
            if self.repeats(
                hash,
                &error.instance_location,
                error.keyword,
                &error.message,
            ) {
                continue;
            }
            self.kept.insert(hash, self.errors.len());
            self.errors.push(error);
        }
    }

    /// A `oneOf` without a tag that matched no branch, or more than one.
    pub fn one_of_error(
        &mut self,
        location: &str,
        labels: &[&str],
        required: &[usize],
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
            self.push_combinator("oneOf", location, message, Vec::new());
            return;
        }
        let (message, causes) = self.closest(labels, required, branches);
        self.push_combinator("oneOf", location, message, causes);
    }

    /// An `anyOf` that matched no branch.
    pub fn any_of_error(
        &mut self,
        location: &str,
        labels: &[&str],
        required: &[usize],
        branches: Vec<Vec<ValidationError>>,
    ) {
        let (message, causes) = self.closest(labels, required, branches);
        self.push_combinator("anyOf", location, message, causes);
    }

    /// Names the branch that came closest and explains why it failed, judged by what the
    /// value has: a branch whose type does not fit the value is farthest; then one whose tag
    /// or status (an `enum` or `const` of a member) the value breaks; then the branch whose
    /// required members (`required[i]` of them) the value has most of; then fewer errors.
    fn closest(
        &self,
        labels: &[&str],
        required: &[usize],
        branches: Vec<Vec<ValidationError>>,
    ) -> (String, Vec<ValidationError>) {
        let here = self.pointer();
        let distance = |i: usize| {
            let errors = &branches[i];
            let at_here = |it: &&ValidationError| it.instance_location == here;
            let wrong_type = errors.iter().filter(at_here).any(|it| it.keyword == "type");
            let wrong_value = errors
                .iter()
                .filter(|it| matches!(it.keyword, "enum" | "const"))
                .filter(|it| {
                    it.instance_location
                        .strip_prefix(here.as_str())
                        .and_then(|rest| rest.strip_prefix('/'))
                        .is_some_and(|member| !member.contains('/'))
                })
                .count();
            let missing = errors
                .iter()
                .filter(at_here)
                .filter(|it| it.keyword == "required")
                .count();
            let present = required
                .get(i)
                .copied()
                .unwrap_or(0)
                .saturating_sub(missing);
            (
                wrong_type,
                wrong_value,
                std::cmp::Reverse(present),
                errors.len(),
            )
        };
        let best = (0..branches.len())
            .min_by_key(|i| distance(*i))
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

    /// Runs `check`, in which an empty array stands for an array of `items` items that was
    /// not read because the schema does not look inside it: messages show the number of
    /// items the text has. Without `items`, runs `check` as it is.
    pub fn stand_in(&mut self, items: Option<usize>, check: impl FnOnce(&mut Self)) {
        let Some(items) = items else {
            check(self);
            return;
        };
        let outer = self.stand_in_items.replace(items);
        check(self);
        self.stand_in_items = outer;
    }

    fn hidden(&self) -> bool {
        self.personal > 0 && !self.show_values
    }

    /// A value as shown in messages: scalars as JSON, containers by kind, personal values by kind.
    pub fn show(&self, value: &Value) -> String {
        match value {
            Value::String(s) => self.show_str(s),
            // A number a text path read is shown as written (`0.0099999999999999999`, not the
            // `0.01` of its `f64`), cut after `SHOWN_CHARS` characters.
            Value::Number(_) if self.exact && !self.hidden() => {
                match self.number_text.char_indices().nth(SHOWN_CHARS) {
                    Some((end, _)) => format!("{}…", &self.number_text[..end]),
                    None => self.number_text.clone(),
                }
            }
            Value::Number(n) if !self.hidden() => n.to_string(),
            Value::Number(_) => "a number".to_owned(),
            Value::Bool(b) if !self.hidden() => b.to_string(),
            Value::Bool(_) => "a boolean".to_owned(),
            Value::Null => "null".to_owned(),
            Value::Array(items) => format!(
                "an array of {}",
                count(self.stand_in_items.unwrap_or(items.len()), "item")
            ),
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
pub fn type_message(cx: &Cx, value: &Value, expected: &str) -> String {
    format!("{} is not {expected}", cx.show(value))
}

/// JSON Schema integers are numbers without a fractional part, so `1.0` is one.
pub fn is_integer(n: &Number) -> bool {
    n.is_u64() || n.is_i64() || n.as_f64().is_some_and(|it| it.fract() == 0.0)
}

fn float(n: &Number) -> f64 {
    n.as_f64().unwrap_or(f64::NAN)
}

/// The order of the number `n` being checked and a bound (`bound`, written `bound_text` in
/// the spec): exact on the number's text when a text path set one ([`Cx::with_number_text`]),
/// else on the `f64`s, as the types compare a `Value`.
pub fn number_order(cx: &Cx, n: &Number, bound: f64, bound_text: &str) -> std::cmp::Ordering {
    if cx.exact {
        cmp_decimal_text(&cx.number_text, bound_text)
    } else {
        text_order(None, float(n), bound, bound_text)
    }
}

/// The order of a streamed number and a bound: exact on the number's JSON `text` when the
/// seed read it, else on the `f64` `x`.
pub fn text_order(text: Option<&str>, x: f64, bound: f64, bound_text: &str) -> std::cmp::Ordering {
    match text {
        Some(text) => cmp_decimal_text(text, bound_text),
        // serde_json never hands over NaN.
        None => x.partial_cmp(&bound).unwrap_or(std::cmp::Ordering::Equal),
    }
}

/// `multipleOf` on a `Value`'s number: on its JSON text when a text path set one
/// ([`Cx::with_number_text`]), else on the number as serde_json writes it (the shortest text
/// of its `f64`, or its integer), as the types hold it.
pub fn number_multiple_of(cx: &Cx, n: &Number, significand: u64, exponent: i64) -> bool {
    if cx.exact {
        is_multiple_of(&cx.number_text, significand, exponent)
    } else {
        value_multiple_of(n, significand, exponent)
    }
}

/// `multipleOf` on a number of a `Value` path, written as serde_json writes it.
pub fn value_multiple_of(n: &Number, significand: u64, exponent: i64) -> bool {
    is_multiple_of(&n.to_string(), significand, exponent)
}

/// `multipleOf` on a streamed number: on its JSON `text` when the seed read it, else on its
/// `f64` `x` as serde_json writes it.
pub fn text_multiple_of(text: Option<&str>, x: f64, significand: u64, exponent: i64) -> bool {
    match text {
        Some(text) => is_multiple_of(text, significand, exponent),
        None => Number::from_f64(x).is_some_and(|n| value_multiple_of(&n, significand, exponent)),
    }
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

/// Arrays up to this length are checked for equal items pair by pair; longer ones by hash.
const PAIRWISE: usize = 8;

/// The first pair `(i, j)` of equal items by JSON equality (the smallest `j`), if any.
///
/// Each item is hashed by its canonical form ([`hash_value`]: equal values hash alike) and
/// compared only with the earlier items of the same hash, so the expected time is linear in
/// the size of the array whatever its items are. The hasher's keys are random, so crafted
/// collisions cannot make it quadratic.
pub fn first_duplicate(items: &[Value]) -> Option<(usize, usize)> {
    if items.len() <= PAIRWISE {
        for j in 1..items.len() {
            for i in 0..j {
                if json_equal(&items[i], &items[j]) {
                    return Some((i, j));
                }
            }
        }
        return None;
    }
    let mut seen = Seen::new(items.len());
    for (j, item) in items.iter().enumerate() {
        let hash = hash_value(item, &seen.state);
        if let Some(i) = seen.insert(hash, |i| json_equal(&items[i], item)) {
            return Some((i, j));
        }
    }
    None
}

/// The hashes of the items seen so far, to find an earlier item equal to the next one in
/// expected constant time. The table holds only the items' indices (four bytes each); the
/// hashes are kept in order beside it, so the memory per item is small and the table stays
/// in the processor's caches longer than a map of hashes would.
#[derive(Debug)]
pub struct Seen {
    pub state: RandomState,
    table: HashTable<u32>,
    hashes: Vec<u64>,
}

impl Seen {
    pub fn new(capacity: usize) -> Self {
        Seen {
            state: RandomState::new(),
            table: HashTable::with_capacity(capacity),
            hashes: Vec::with_capacity(capacity),
        }
    }

    /// The number of items recorded.
    pub fn len(&self) -> usize {
        self.hashes.len()
    }

    /// True when no item was recorded.
    pub fn is_empty(&self) -> bool {
        self.hashes.is_empty()
    }

    /// Records the next item, whose hash is `hash`, unless an earlier item of the same hash
    /// is equal to it by `equal` (called with its index): then returns that index. Items
    /// recorded are pairwise different, so at most one of them can be equal.
    pub fn insert(&mut self, hash: u64, mut equal: impl FnMut(usize) -> bool) -> Option<usize> {
        let Seen { table, hashes, .. } = self;
        // More than 4 billion items would need terabytes of text; they are not recorded.
        let index = u32::try_from(hashes.len()).ok()?;
        // One probe of the table finds an equal item or the place of the new one.
        match table.entry(
            hash,
            |i| hashes[*i as usize] == hash && equal(*i as usize),
            |i| hashes[*i as usize],
        ) {
            Entry::Occupied(found) => Some(*found.get() as usize),
            Entry::Vacant(place) => {
                place.insert(index);
                hashes.push(hash);
                None
            }
        }
    }
}

/// A number as a key of JSON equality: integers (whatever their spelling: `1`, `1.0`,
/// `1e0`) by their exact value, other numbers by their bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum NumberKey {
    Integer(i128),
    Float(u64),
}

fn number_key(n: &Number) -> NumberKey {
    if let Some(u) = n.as_u64() {
        return NumberKey::Integer(i128::from(u));
    }
    if let Some(i) = n.as_i64() {
        return NumberKey::Integer(i128::from(i));
    }
    let f = n.as_f64().unwrap_or(f64::NAN);
    // Every float with no fraction below 2^127 converts to `i128` exactly (and `-0.0` is 0).
    if f.fract() == 0.0 && f.abs() < 1.7e38 {
        return NumberKey::Integer(f as i128);
    }
    NumberKey::Float(f.to_bits())
}

/// A hash of `value` that is equal for values that are equal by [`json_equal`]: numbers by
/// value, objects whatever the order of their members, arrays in order.
pub fn hash_value(value: &Value, state: &RandomState) -> u64 {
    match value {
        Value::Null => state.hash_one(0u8),
        Value::Bool(b) => state.hash_one((1u8, b)),
        Value::Number(n) => state.hash_one((2u8, number_key(n))),
        Value::String(s) => state.hash_one((3u8, s.as_str())),
        Value::Array(items) => {
            let mut hasher = state.build_hasher();
            (4u8, items.len()).hash(&mut hasher);
            for item in items {
                hasher.write_u64(hash_value(item, state));
            }
            hasher.finish()
        }
        Value::Object(members) => {
            // A sum does not depend on the order of its terms.
            let sum = members.iter().fold(0u64, |sum, (key, member)| {
                sum.wrapping_add(state.hash_one((key.as_str(), hash_value(member, state))))
            });
            state.hash_one((5u8, members.len(), sum))
        }
    }
}

/// JSON equality: numbers compare by their exact value (`1` equals `1.0`), objects
/// regardless of the order of their members.
pub fn json_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => number_key(x) == number_key(y),
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
        assert!(json_equal(&json!(-0.0), &json!(0)));
        assert!(json_equal(&json!({"a": [1, 2]}), &json!({"a": [1.0, 2]})));
        assert!(!json_equal(&json!("1"), &json!(1)));
        assert!(!json_equal(&json!([1, 2]), &json!([2, 1])));
        // Exact: 2^53 + 1 is not the float 2^53, which is the integer 2^53.
        let big: Value = serde_json::from_str("9007199254740993").unwrap();
        let float: Value = serde_json::from_str("9007199254740992.0").unwrap();
        assert!(!json_equal(&big, &float));
        assert!(json_equal(&json!(9_007_199_254_740_992u64), &float));
        assert!(json_equal(
            &serde_json::from_str::<Value>("1e0").unwrap(),
            &json!(1)
        ));
    }

    #[test]
    fn equal_values_hash_alike() {
        let state = RandomState::new();
        let equal = [
            (json!(1), serde_json::from_str::<Value>("1.0").unwrap()),
            (json!(0), json!(-0.0)),
            (json!(-5), serde_json::from_str::<Value>("-5e0").unwrap()),
            (
                serde_json::from_str::<Value>(r#"{"a": 1, "b": [2.0, {"c": null}]}"#).unwrap(),
                serde_json::from_str::<Value>(r#"{"b": [2, {"c": null}], "a": 1e0}"#).unwrap(),
            ),
        ];
        for (a, b) in &equal {
            assert!(json_equal(a, b), "{a} {b}");
            assert_eq!(hash_value(a, &state), hash_value(b, &state), "{a} {b}");
        }
    }

    #[test]
    fn duplicates_are_found_by_hash_in_long_arrays() {
        assert_eq!(
            first_duplicate(&[json!("a"), json!("b"), json!("a")]),
            Some((0, 2))
        );
        // Past the pairwise length: strings, numbers, objects and arrays mixed, and the
        // smallest second index wins.
        let mut many: Vec<Value> = (0..40)
            .map(|i| match i % 4 {
                0 => json!(format!("p{i}")),
                1 => json!(i),
                2 => json!({"n": i, "s": [i, "x"]}),
                _ => json!([i, {"k": i}]),
            })
            .collect();
        assert_eq!(first_duplicate(&many), None);
        many.push(serde_json::from_str(r#"{"s": [6.0, "x"], "n": 6}"#).unwrap());
        many.push(json!(5.0));
        assert_eq!(first_duplicate(&many), Some((6, 40)));
        many.remove(40);
        assert_eq!(first_duplicate(&many), Some((5, 40)));
    }

    #[test]
    fn personal_values_are_hidden_unless_asked() {
        let mut cx = Cx::new(false, 100);
        assert_eq!(cx.show_str("maria@example.com"), "\"maria@example.com\"");
        cx.enter_personal();
        assert_eq!(
            cx.show_str("maria@example.com"),
            "a string of 17 characters"
        );
        assert_eq!(cx.show(&json!(42)), "a number");
        let mut shown = Cx::new(true, 100);
        shown.enter_personal();
        assert_eq!(shown.show_str("maria@example.com"), "\"maria@example.com\"");
    }

    #[test]
    fn long_strings_are_shortened() {
        let cx = Cx::new(false, 100);
        let shown = cx.show_str(&"x".repeat(100));
        assert_eq!(shown.chars().count(), 60 + 3);
        assert!(shown.ends_with("x…\""), "{shown}");
    }
}
