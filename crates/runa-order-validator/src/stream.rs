//! The runtime of the generated streaming validator: checks JSON text while serde_json reads it, without building a `Value`.
//!
//! Each generated seed (`S_*`) is a `serde::de::DeserializeSeed` whose visitor checks the
//! value as serde_json hands it over and fails at the first broken rule. Failing is cheap,
//! because the caller only wants a verdict; the located errors come from a second pass.
//!
//! Values that must be checked against more than one schema (an `allOf` of several object
//! schemas naming the same property, a `oneOf` without a tag) are captured as borrowed raw
//! JSON text and read once per schema. An array with `uniqueItems` is captured whole, its
//! items checked as they are read again, and its items compared through a table of their
//! offsets in its text ([`distinct_items`], [`first_duplicate`]).
//!
//! What is JSON is the same as in the located pass everywhere, values the schema does not
//! look at included: repeated keys are refused ([`Keys`], [`Skip`]), numbers beyond `f64`
//! too (serde_json checks them when a value is read with `deserialize_any`), and so is
//! nesting deeper than serde_json's recursion limit; text captured raw is read again with a
//! fresh limit, so a document whose captured values nest is measured once more as a whole
//! ([`nesting_within_limit`]).
//!
//! The second half is the runtime of the text collectors (`C_*`), which find the located
//! errors of text the seeds refused, reading it as it streams ([`collect_document`],
//! [`Shallow`], [`member`]).

use std::{cell::Cell, fmt, hash::BuildHasher};

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value, value::RawValue};
use smallvec::SmallVec;

use crate::rt;

mod exact;
mod unique;
pub use exact::{Exact, ExactOutline, exact, exact_outline, number_text};
pub use unique::{distinct_items, first_duplicate};

/// The error a seed returns for a broken rule. Its text is never shown: a failing verdict
/// is followed by the located pass.
pub fn invalid<E: de::Error>() -> E {
    E::custom("the value breaks the contract")
}

/// A key, borrowed from the input when it has no escapes (the types crate's reader of keys).
pub use runa_order_types::union::Key;

/// Where the value of an object member comes from: the object being read, text captured
/// earlier, or a value that was already checked (a tag).
pub trait Source<'de> {
    type Error: de::Error;

    /// Reads the value with `seed`.
    fn value<S: DeserializeSeed<'de, Value = ()>>(self, seed: S) -> Result<(), Self::Error>;

    /// The value as raw text, to be read more than once.
    fn raw(self) -> Result<&'de RawValue, Self::Error>;
}

impl<'de, A: MapAccess<'de>> Source<'de> for &mut A {
    type Error = A::Error;

    fn value<S: DeserializeSeed<'de, Value = ()>>(self, seed: S) -> Result<(), A::Error> {
        self.next_value_seed(seed)
    }

    fn raw(self) -> Result<&'de RawValue, A::Error> {
        self.next_value()
    }
}

/// A member value captured as raw text.
pub struct Raw<'de>(pub &'de RawValue);

impl<'de> Source<'de> for Raw<'de> {
    type Error = serde_json::Error;

    fn value<S: DeserializeSeed<'de, Value = ()>>(self, seed: S) -> Result<(), serde_json::Error> {
        run(seed, self.0)
    }

    fn raw(self) -> Result<&'de RawValue, serde_json::Error> {
        Ok(self.0)
    }
}

/// A member value that was already read and checked: the tag of a tagged `oneOf`, whose
/// value selected the branch and so matches it.
pub struct Checked;

impl<'de> Source<'de> for Checked {
    type Error = serde_json::Error;

    fn value<S: DeserializeSeed<'de, Value = ()>>(self, _: S) -> Result<(), serde_json::Error> {
        Ok(())
    }

    fn raw(self) -> Result<&'de RawValue, serde_json::Error> {
        Err(de::Error::custom("a checked value has no text"))
    }
}

thread_local! {
    /// Where the document being checked starts, and whether a container captured below its
    /// root was read again (with a fresh recursion limit; see [`check_document`]).
    static READ_AGAIN: Cell<(usize, bool)> = const { Cell::new((0, false)) };
}

/// Reads captured text with `seed`.
pub fn run<'de, S: DeserializeSeed<'de, Value = ()>>(
    seed: S,
    raw: &'de RawValue,
) -> Result<(), serde_json::Error> {
    note_read_again(raw.get());
    let mut de = serde_json::Deserializer::from_str(raw.get());
    seed.deserialize(&mut de)?;
    de.end()
}

/// Notes that `text`, captured raw, is read again: if it is a container below the root of
/// the document, its nesting was counted from zero, not from its depth in the document.
fn note_read_again(text: &str) {
    if text.starts_with(['{', '[']) {
        READ_AGAIN.with(|it| {
            let (root, _) = it.get();
            if text.as_ptr() as usize != root {
                it.set((root, true));
            }
        });
    }
}

/// The most levels of nesting serde_json reads: it refuses a value that opens the 128th.
pub const MAX_NESTING: usize = 127;

/// True when no value of `text` (JSON that serde_json accepted, except perhaps for its
/// nesting) is nested deeper than [`MAX_NESTING`]. One scan of the bytes, skipping strings.
pub fn nesting_within_limit(text: &str) -> bool {
    let b = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while let Some(c) = b.get(i) {
        match c {
            b'"' => {
                // Past the closing quote, stepping over escapes.
                i += 1;
                loop {
                    let Some(k) = b
                        .get(i..)
                        .and_then(|rest| memchr::memchr2(b'"', b'\\', rest))
                    else {
                        return true;
                    };
                    i += k;
                    if b[i] == b'"' {
                        break;
                    }
                    i += 2;
                }
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return false;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    true
}

/// Turns an error of captured text into the error of the surrounding reader.
pub fn lift<E: de::Error>(result: Result<(), serde_json::Error>) -> Result<(), E> {
    result.map_err(|_| invalid())
}

/// Reads and discards a value, refusing what the located pass refuses: repeated keys,
/// numbers beyond `f64` and nesting beyond serde_json's recursion limit.
#[derive(Clone, Copy)]
pub struct Skip;

impl<'de> DeserializeSeed<'de> for Skip {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        // `deserialize_any`, not `deserialize_ignored_any`: serde_json checks the range of a
        // number and the depth of nesting only when it reads a value for a visitor.
        deserializer.deserialize_any(self)
    }
}

/// The start of a `Visitor` impl that reads any JSON value for `()`: its `Value`, its
/// `expecting` and the `visit_*` methods of the scalars, which accept every scalar as it is
/// (serde_json has checked a scalar, its UTF-8, escapes and the range of a number, before it
/// hands it over). Used by [`Skip`] and by the nesting check of `text.rs`.
macro_rules! any_value_visitor {
    () => {
        type Value = ();

        fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
            f.write_str("a JSON value")
        }

        fn visit_bool<E>(self, _: bool) -> Result<(), E> {
            Ok(())
        }

        fn visit_i64<E>(self, _: i64) -> Result<(), E> {
            Ok(())
        }

        fn visit_u64<E>(self, _: u64) -> Result<(), E> {
            Ok(())
        }

        fn visit_f64<E>(self, _: f64) -> Result<(), E> {
            Ok(())
        }

        fn visit_str<E>(self, _: &str) -> Result<(), E> {
            Ok(())
        }

        fn visit_unit<E>(self) -> Result<(), E> {
            Ok(())
        }
    };
}
pub(crate) use any_value_visitor;

impl<'de> Visitor<'de> for Skip {
    any_value_visitor!();

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(Skip)?.is_some() {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut keys = Keys::default();
        while let Some(key) = map.next_key::<Key<'de>>()? {
            keys.insert(key)?;
            map.next_value_seed(Skip)?;
        }
        Ok(())
    }
}

/// True when `text` is one JSON document as the located pass reads it (no repeated key, no
/// number beyond `f64`, nesting within the limit), building nothing but the key sets of the
/// objects being read.
pub fn is_json(text: &str) -> bool {
    let mut de = serde_json::Deserializer::from_str(text);
    Skip.deserialize(&mut de).is_ok() && de.end().is_ok()
}

/// Objects with up to this many keys are searched for a repeated key one by one, in place;
/// larger ones use a hash table.
const FEW_KEYS: usize = 8;

/// The keys of one object read so far, each with a value of type `T`, to refuse repeats in
/// expected constant time per key (the hashes have random keys, so crafted keys cannot make
/// it quadratic). The first few are kept in place, so a small object, the usual case,
/// allocates nothing; past them the entries move to the heap, in order, and a table of
/// their indices finds them.
#[derive(Debug)]
pub struct Keyed<'de, T> {
    entries: SmallVec<[(Key<'de>, T); FEW_KEYS]>,
    /// Built once there are more than [`FEW_KEYS`] keys.
    seen: Option<rt::Seen>,
}

impl<T> Default for Keyed<'_, T> {
    fn default() -> Self {
        Keyed {
            entries: SmallVec::new(),
            seen: None,
        }
    }
}

impl<'de, T> Keyed<'de, T> {
    /// Adds `key` with `value`, or gives both back when the key was seen before.
    pub fn add(&mut self, key: Key<'de>, value: T) -> Result<(), (Key<'de>, T)> {
        let Keyed { entries, seen } = self;
        if seen.is_none() {
            if entries.iter().any(|(it, _)| it.as_str() == key.as_str()) {
                return Err((key, value));
            }
            if entries.len() < FEW_KEYS {
                entries.push((key, value));
                return Ok(());
            }
        }
        let table = seen.get_or_insert_with(|| {
            let mut table = rt::Seen::new(4 * FEW_KEYS);
            for (it, _) in entries.iter() {
                let hash = table.state.hash_one(it.as_str());
                table.insert(hash, |_| false);
            }
            table
        });
        let hash = table.state.hash_one(key.as_str());
        let before = table.len();
        if table
            .insert(hash, |i| entries[i].0.as_str() == key.as_str())
            .is_some()
        {
            return Err((key, value));
        }
        if table.len() > before {
            entries.push((key, value));
        }
        Ok(())
    }
}

/// The keys of one object read so far.
pub type Keys<'de> = Keyed<'de, ()>;

impl<'de> Keys<'de> {
    /// Fails when `key` was seen before in this object.
    pub fn insert<E: de::Error>(&mut self, key: Key<'de>) -> Result<(), E> {
        self.add(key, ()).map_err(|_| invalid())
    }
}

/// Remembers the names of members that no schema names, to refuse repeats.
pub type Others<'de> = Keys<'de>;

/// The members of a tagged object read before its tag, kept as raw text until the tag says
/// which branch reads them; a repeated key is refused as it is read.
pub type Pending<'de> = Keyed<'de, &'de RawValue>;

impl<'de> Pending<'de> {
    /// Keeps a member; fails when its key was seen before.
    pub fn insert<E: de::Error>(&mut self, key: Key<'de>, raw: &'de RawValue) -> Result<(), E> {
        self.add(key, raw).map_err(|_| invalid())
    }

    /// The members, in the order they were read.
    pub fn into_members(self) -> impl Iterator<Item = (Key<'de>, &'de RawValue)> {
        self.entries.into_iter()
    }
}

/// Reads a value into a `serde_json::Value`, refusing duplicate keys (which `Value` itself
/// would silently overwrite).
#[derive(Clone, Copy)]
pub struct Strict;

impl<'de> DeserializeSeed<'de> for Strict {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Strict {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        serde_json::Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(invalid)
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(Strict)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut members = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(Strict)?;
            if members.insert(key, value).is_some() {
                return Err(invalid());
            }
        }
        Ok(Value::Object(members))
    }
}

/// Reads captured text into a `Value`, refusing repeated keys.
pub fn read_value(raw: &RawValue) -> Result<Value, serde_json::Error> {
    note_read_again(raw.get());
    let mut de = serde_json::Deserializer::from_str(raw.get());
    let value = Strict.deserialize(&mut de)?;
    de.end()?;
    Ok(value)
}

/// Reads a value into a `Value` and checks it with a generated `v_*` function.
// Called for schemas whose `propertyNames` is not only about strings, which this spec has not.
#[allow(dead_code)]
pub fn by_value<'de, D: Deserializer<'de>>(
    deserializer: D,
    check: fn(&Value) -> bool,
) -> Result<(), D::Error> {
    let value = Strict.deserialize(deserializer)?;
    if check(&value) {
        Ok(())
    } else {
        Err(invalid())
    }
}

/// Reads a whole document from `bytes` with `seed`: true when it is one valid JSON value.
pub fn check_document<'de, S: DeserializeSeed<'de, Value = ()>>(seed: S, bytes: &'de [u8]) -> bool {
    // A UTF-8 byte-order mark is not JSON: serde_json refuses it, as the located pass does.
    // Checking UTF-8 once for the whole text (fast for ASCII) is cheaper than serde_json
    // checking every string it reads from a byte slice; from a `&str` it checks none.
    let Ok(text) = std::str::from_utf8(bytes) else {
        return false;
    };
    let root = text.trim_start_matches([' ', '\t', '\n', '\r']).as_ptr() as usize;
    let outer = READ_AGAIN.with(|it| it.replace((root, false)));
    let mut de = serde_json::Deserializer::from_str(text);
    let valid = seed.deserialize(&mut de).is_ok() && de.end().is_ok();
    let (_, read_again) = READ_AGAIN.with(|it| it.replace(outer));
    // Raw text read again had its nesting counted from zero; measure the whole document.
    valid && (!read_again || nesting_within_limit(text))
}

/// The number as `f64`, as the `Value` path sees it.
#[inline]
pub fn float_u(n: u64) -> f64 {
    n as f64
}

/// The number as `f64`, as the `Value` path sees it.
#[inline]
pub fn float_i(n: i64) -> f64 {
    n as f64
}

// ---- The runtime of the text collectors (`C_*`) ----
//
// They read text that is already known to be JSON (`is_json`), so a read that fails was
// stopped on purpose (the error collector is full), and reading a value cannot fail.

/// Reads captured text with a collector, as its seed.
pub fn collect_raw<'de, S: DeserializeSeed<'de, Value = ()>>(
    seed: S,
    raw: &'de RawValue,
) -> Result<(), serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(raw.get());
    seed.deserialize(&mut de)
}

/// Reads captured text with a collector's visitor (its own keywords, not its combinators).
pub fn visit_raw<'de, V: Visitor<'de, Value = ()>>(
    visitor: V,
    raw: &'de RawValue,
) -> Result<(), serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(raw.get());
    de::Deserializer::deserialize_any(&mut de, visitor)
}

/// True when captured text is an object or an array.
pub fn is_container(raw: &RawValue) -> bool {
    raw.get().starts_with(['{', '['])
}

/// Captured text as a `Value` (`Null` if it were not JSON, which the collectors never see).
pub fn whole(raw: &RawValue) -> Value {
    read_value(raw).unwrap_or(Value::Null)
}

/// The `Value` of a number serde_json read (always finite).
pub fn float_value(n: f64) -> Value {
    serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number)
}

/// A value read only as deep as a node that looks at nothing inside containers needs: a
/// scalar as it is, an object as an empty one, an array as an empty one that is shown with
/// its number of items.
#[derive(Debug)]
pub struct Shallow {
    pub value: Value,
    items: Option<usize>,
}

impl Shallow {
    /// Runs `check` on the value, with the array's number of items for messages.
    pub fn check(&self, cx: &mut rt::Cx, check: impl FnOnce(&mut rt::Cx, &Value)) {
        cx.stand_in(self.items, |cx| check(cx, &self.value));
    }
}

/// Reads a [`Shallow`] value.
#[derive(Clone, Copy)]
pub struct Outline;

impl<'de> DeserializeSeed<'de> for Outline {
    type Value = Shallow;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Shallow, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Outline {
    type Value = Shallow;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Shallow, E> {
        Ok(scalar(Value::Bool(v)))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Shallow, E> {
        Ok(scalar(Value::from(v)))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Shallow, E> {
        Ok(scalar(Value::from(v)))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Shallow, E> {
        Ok(scalar(float_value(v)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Shallow, E> {
        Ok(scalar(Value::String(v.to_owned())))
    }

    fn visit_unit<E>(self) -> Result<Shallow, E> {
        Ok(scalar(Value::Null))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Shallow, A::Error> {
        let mut n = 0;
        while seq.next_element_seed(Skip)?.is_some() {
            n += 1;
        }
        Ok(Shallow {
            value: Value::Array(Vec::new()),
            items: Some(n),
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Shallow, A::Error> {
        while map.next_key::<de::IgnoredAny>()?.is_some() {
            map.next_value_seed(Skip)?;
        }
        Ok(scalar(Value::Object(Map::new())))
    }
}

fn scalar(value: Value) -> Shallow {
    Shallow { value, items: None }
}

/// Captured text as a [`Shallow`] value.
pub fn outline(raw: &RawValue) -> Shallow {
    let mut de = serde_json::Deserializer::from_str(raw.get());
    Outline
        .deserialize(&mut de)
        .unwrap_or_else(|_| scalar(Value::Null))
}

/// The member of a captured object that tells the branches of a `oneOf` apart.
#[derive(Debug)]
pub enum Member {
    /// The text is not an object; here is what it is.
    NotObject(Shallow),
    Missing,
    Found(Shallow),
}

/// Finds the member `name` of the object in `raw`.
pub fn member(raw: &RawValue, name: &str) -> Member {
    struct Find<'n>(&'n str);
    impl<'de> Visitor<'de> for Find<'_> {
        type Value = Member;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a JSON value")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Member, A::Error> {
            // serde_json wants the whole object read, so the members after it are skipped.
            let mut found = Member::Missing;
            while let Some(key) = map.next_key::<Key<'de>>()? {
                if key.as_str() == self.0 {
                    found = Member::Found(map.next_value_seed(Outline)?);
                } else {
                    map.next_value_seed(Skip)?;
                }
            }
            Ok(found)
        }
    }
    if !raw.get().starts_with('{') {
        return Member::NotObject(outline(raw));
    }
    let mut de = serde_json::Deserializer::from_str(raw.get());
    de::Deserializer::deserialize_any(&mut de, Find(name)).unwrap_or(Member::Missing)
}

/// Collects the errors of a whole document with a collector.
pub fn collect_document<'de, S: DeserializeSeed<'de, Value = ()>>(seed: S, text: &'de str) {
    let mut de = serde_json::Deserializer::from_str(text);
    // A failed read was stopped because the collector is full.
    let _ = seed.deserialize(&mut de);
}

/// Collects the errors of a whole document whose node looks at nothing inside containers.
pub fn collect_outline(text: &str, cx: &mut rt::Cx, collect: fn(&Value, &mut rt::Cx)) {
    let mut de = serde_json::Deserializer::from_str(text);
    if let Ok(document) = Outline.deserialize(&mut de) {
        // A number document keeps its text, for its bounds.
        let number = text.trim_matches(|it: char| it.is_ascii_whitespace());
        let number = number
            .starts_with(|it: char| it == '-' || it.is_ascii_digit())
            .then_some(number);
        cx.with_number_text(number, |cx| {
            document.check(cx, |cx, value| collect(value, cx));
        });
    }
}

/// Collects the errors of a whole document read into a `Value`.
// For definitions that a collector cannot read (keywords about members or items beside
// `enum` or `const`, or `propertyNames` that are not only about strings), which this spec
// has not.
#[allow(dead_code)]
pub fn collect_whole(text: &str, cx: &mut rt::Cx, collect: fn(&Value, &mut rt::Cx)) {
    let mut de = serde_json::Deserializer::from_str(text);
    if let Ok(value) = Strict.deserialize(&mut de) {
        collect(&value, cx);
    }
}
