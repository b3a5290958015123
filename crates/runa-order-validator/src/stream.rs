//! The runtime of the generated streaming validator: checks JSON text while serde_json reads it, without building a `Value`.
//!
//! Each generated seed (`S_*`) is a `serde::de::DeserializeSeed` whose visitor checks the
//! value as serde_json hands it over and fails at the first broken rule. Failing is cheap,
//! because the caller only wants a verdict; the located errors come from a second pass.
//!
//! Values that must be checked against more than one schema (an `allOf` of several object
//! schemas naming the same property, a `oneOf` without a tag) are captured as borrowed raw
//! JSON text and read once per schema. A `uniqueItems` array is read into a `Value` and
//! checked by the `Value` path. Duplicate keys are refused everywhere, as the located pass
//! refuses them.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::{Map, Value, value::RawValue};

/// The error a seed returns for a broken rule. Its text is never shown: a failing verdict
/// is followed by the located pass.
pub fn invalid<E: de::Error>() -> E {
    E::custom("the value breaks the contract")
}

/// A key, borrowed from the input when it has no escapes.
#[derive(Debug, PartialEq, Eq)]
pub enum Key<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl Key<'_> {
    pub fn as_str(&self) -> &str {
        match self {
            Key::Borrowed(it) => it,
            Key::Owned(it) => it,
        }
    }
}

impl<'de> de::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key::Borrowed(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key::Owned(v.to_owned()))
            }
            fn visit_string<E>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key::Owned(v))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

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

/// Reads captured text with `seed`.
pub fn run<'de, S: DeserializeSeed<'de, Value = ()>>(
    seed: S,
    raw: &'de RawValue,
) -> Result<(), serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(raw.get());
    seed.deserialize(&mut de)?;
    de.end()
}

/// Turns an error of captured text into the error of the surrounding reader.
pub fn lift<E: de::Error>(result: Result<(), serde_json::Error>) -> Result<(), E> {
    result.map_err(|_| invalid())
}

/// Reads and discards a value (its syntax is still checked).
#[derive(Clone, Copy)]
pub struct Skip;

impl<'de> DeserializeSeed<'de> for Skip {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        IgnoredAny::deserialize(deserializer).map(|_| ())
    }
}

use serde::Deserialize as _;

/// Remembers the names of members that no schema names, to refuse repeats.
#[derive(Debug, Default)]
pub struct Others<'de> {
    names: Vec<Key<'de>>,
}

impl<'de> Others<'de> {
    /// Fails when `key` was seen before in this object.
    pub fn insert<E: de::Error>(&mut self, key: Key<'de>) -> Result<(), E> {
        if self.names.iter().any(|it| it.as_str() == key.as_str()) {
            return Err(invalid());
        }
        self.names.push(key);
        Ok(())
    }
}

/// Reads a value into a `serde_json::Value`, refusing duplicate keys (which `Value` itself
/// would silently overwrite).
#[derive(Clone, Copy)]
pub(crate) struct Strict;

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

/// Reads a value into a `Value` and checks it with a generated `v_*` function.
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
    // A UTF-8 byte order mark is skipped, as the located pass does.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    // Checking UTF-8 once for the whole text (fast for ASCII) is cheaper than serde_json
    // checking every string it reads from a byte slice; from a `&str` it checks none.
    let Ok(text) = std::str::from_utf8(bytes) else {
        return false;
    };
    let mut de = serde_json::Deserializer::from_str(text);
    seed.deserialize(&mut de).is_ok() && de.end().is_ok()
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
