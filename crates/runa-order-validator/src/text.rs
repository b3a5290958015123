//! Reads JSON text into a `serde_json::Value`, remembering where each value starts and refusing duplicate keys.
//!
//! serde_json does the parsing, so what is JSON here is exactly what is JSON everywhere else
//! in the workspace, with its recursion limit (no stack overflow on deep nesting), its UTF-8
//! checks and its refusal of numbers that do not fit an `f64`. The text is fed through a
//! reader that counts the bytes serde_json has taken; when a value starts, that count (give
//! or take the one byte serde_json looks ahead) says where.

use std::{
    cell::{Cell, RefCell},
    collections::HashMap,
    fmt, io,
};

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use crate::error::{Position, ValidationError};

/// A parsed document and the position of every value in it.
#[derive(Debug)]
pub(crate) struct Document {
    pub(crate) value: Value,
    /// JSON pointer to the byte offset where the value starts.
    starts: HashMap<String, usize>,
    lines: Lines,
}

impl Document {
    /// Where the value at `pointer` starts; for a pointer to nothing (a missing property),
    /// where its closest existing ancestor starts.
    pub(crate) fn position(&self, pointer: &str) -> Position {
        let mut pointer = pointer;
        loop {
            if let Some(offset) = self.starts.get(pointer) {
                return self.lines.position(*offset);
            }
            match pointer.rfind('/') {
                Some(i) => pointer = &pointer[..i],
                None => return self.lines.position(0),
            }
        }
    }
}

/// Parses `bytes` as one JSON document.
pub(crate) fn parse(bytes: &[u8]) -> Result<Document, Box<ValidationError>> {
    // A UTF-8 byte order mark is not JSON, but editors write it; it takes no column.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let taken = Cell::new(0);
    let state = State {
        bytes,
        taken: &taken,
        starts: RefCell::new(HashMap::new()),
        duplicate: Cell::new(None),
    };
    let lines = Lines::new(bytes);
    let mut de = serde_json::Deserializer::from_reader(Counting {
        bytes,
        taken: &taken,
    });
    let parsed = Node {
        state: &state,
        pointer: String::new(),
    }
    .deserialize(&mut de)
    .and_then(|value| de.end().map(|()| value));
    match parsed {
        Ok(value) => Ok(Document {
            value,
            starts: state.starts.into_inner(),
            lines,
        }),
        Err(err) => {
            let (position, instance_location, message) = match state.duplicate.take() {
                Some(Duplicate {
                    object,
                    key_start,
                    first_start,
                }) => {
                    let first = lines.position(first_start);
                    let key = err.to_string();
                    let key = key.split(" at line ").next().unwrap_or_default().to_owned();
                    (
                        lines.position(key_start),
                        object,
                        format!("{key} (first at {first})"),
                    )
                }
                None => {
                    let position = lines.serde_position(err.line(), err.column());
                    let message = err.to_string();
                    let message = message.split(" at line ").next().unwrap_or_default();
                    (position, String::new(), format!("invalid JSON: {message}"))
                }
            };
            Err(Box::new(ValidationError {
                instance_location,
                schema_location: String::new(),
                keyword: "parse",
                message,
                position: Some(position),
                causes: Vec::new(),
            }))
        }
    }
}

/// Serves the text to serde_json one read at a time, counting what it took.
struct Counting<'a> {
    bytes: &'a [u8],
    taken: &'a Cell<usize>,
}

impl io::Read for Counting<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let start = self.taken.get();
        let n = buf.len().min(self.bytes.len() - start);
        buf[..n].copy_from_slice(&self.bytes[start..start + n]);
        self.taken.set(start + n);
        Ok(n)
    }
}

struct Duplicate {
    object: String,
    key_start: usize,
    first_start: usize,
}

struct State<'a> {
    bytes: &'a [u8],
    taken: &'a Cell<usize>,
    starts: RefCell<HashMap<String, usize>>,
    duplicate: Cell<Option<Duplicate>>,
}

impl State<'_> {
    /// The offset of the value or key serde_json is about to read. serde_json has taken either
    /// the separator before it (`:`) or the value's first byte (which it peeks at), so step back
    /// one byte and skip separators and white space.
    fn next_start(&self) -> usize {
        let mut i = self.taken.get().saturating_sub(1);
        while let Some(b' ' | b'\t' | b'\n' | b'\r' | b':' | b',') = self.bytes.get(i) {
            i += 1;
        }
        i
    }
}

/// Reads one value at `pointer`.
struct Node<'s, 'a> {
    state: &'s State<'a>,
    pointer: String,
}

impl<'de> DeserializeSeed<'de> for Node<'_, '_> {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        let start = self.state.next_start();
        self.state
            .starts
            .borrow_mut()
            .insert(self.pointer.clone(), start);
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Node<'_, '_> {
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
            .ok_or_else(|| E::custom("number out of range"))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        loop {
            let child = Node {
                state: self.state,
                pointer: format!("{}/{}", self.pointer, items.len()),
            };
            match seq.next_element_seed(child)? {
                Some(item) => items.push(item),
                None => return Ok(Value::Array(items)),
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut members = Map::new();
        let mut key_starts: HashMap<String, usize> = HashMap::new();
        while let Some((key, key_start)) = map.next_key_seed(Key { state: self.state })? {
            if let Some(first_start) = key_starts.get(&key) {
                self.state.duplicate.set(Some(Duplicate {
                    object: self.pointer.clone(),
                    key_start,
                    first_start: *first_start,
                }));
                return Err(de::Error::custom(format!(
                    "duplicate key {}",
                    Value::String(key)
                )));
            }
            let child = Node {
                state: self.state,
                pointer: format!("{}/{}", self.pointer, escape(&key)),
            };
            let value = map.next_value_seed(child)?;
            key_starts.insert(key.clone(), key_start);
            members.insert(key, value);
        }
        Ok(Value::Object(members))
    }
}

/// Reads a key and where it starts.
struct Key<'s, 'a> {
    state: &'s State<'a>,
}

impl<'de> DeserializeSeed<'de> for Key<'_, '_> {
    type Value = (String, usize);

    fn deserialize<D: de::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<(String, usize), D::Error> {
        let start = self.state.next_start();
        String::deserialize(deserializer).map(|key| (key, start))
    }
}

use serde::Deserialize as _;

/// Escapes one token of a JSON pointer (RFC 6901).
pub(crate) fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Where each line starts, to turn byte offsets into lines and columns.
#[derive(Debug)]
struct Lines {
    text: String,
    starts: Vec<usize>,
}

impl Lines {
    fn new(bytes: &[u8]) -> Self {
        let starts = std::iter::once(0)
            .chain(
                bytes
                    .iter()
                    .enumerate()
                    .filter(|(_, b)| **b == b'\n')
                    .map(|(i, _)| i + 1),
            )
            .collect();
        Lines {
            text: String::from_utf8_lossy(bytes).into_owned(),
            starts,
        }
    }

    fn line_start(&self, line: usize) -> usize {
        self.starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(0)
    }

    /// The line and character column of a byte offset.
    fn position(&self, offset: usize) -> Position {
        let line = self.starts.partition_point(|it| *it <= offset).max(1);
        let start = self.line_start(line);
        let bytes = self.text.as_bytes();
        let end = offset.min(bytes.len());
        let column = String::from_utf8_lossy(&bytes[start.min(end)..end])
            .chars()
            .count()
            + 1;
        Position { line, column }
    }

    /// serde_json reports a 1-based line and the byte column of the offending byte (0 when
    /// the problem is at the start of a line, such as an unexpected end of input).
    fn serde_position(&self, line: usize, column: usize) -> Position {
        let start = self.line_start(line);
        self.position(start + column.saturating_sub(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_and_keys_are_located() {
        let text = "{\n  \"a\": [1, {\"b\" :  \"x\"}],\n  \"é\": null\n}";
        let doc = parse(text.as_bytes()).unwrap();
        assert_eq!(doc.position(""), Position { line: 1, column: 1 });
        assert_eq!(doc.position("/a"), Position { line: 2, column: 8 });
        assert_eq!(doc.position("/a/0"), Position { line: 2, column: 9 });
        assert_eq!(
            doc.position("/a/1"),
            Position {
                line: 2,
                column: 12
            }
        );
        assert_eq!(
            doc.position("/a/1/b"),
            Position {
                line: 2,
                column: 20
            }
        );
        assert_eq!(doc.position("/é"), Position { line: 3, column: 8 });
        assert_eq!(
            doc.position("/a/1/missing"),
            Position {
                line: 2,
                column: 12
            }
        );
    }

    #[test]
    fn duplicate_keys_are_refused_where_they_repeat() {
        let err = parse(b"{\"a\": 1,\n \"b\": {\"c\": 1, \"c\": 2}}").unwrap_err();
        assert_eq!(err.message, "duplicate key \"c\" (first at 2:8)");
        assert_eq!(err.instance_location, "/b");
        assert_eq!(
            err.position,
            Some(Position {
                line: 2,
                column: 16
            })
        );
    }

    #[test]
    fn bad_text_gives_one_located_error() {
        let err = parse(b"{\"a\": 1,\n  \"b\": tru}").unwrap_err();
        assert_eq!(err.keyword, "parse");
        // serde_json notices the bad literal at the `}` that ends it.
        assert_eq!(
            err.position,
            Some(Position {
                line: 2,
                column: 11
            })
        );
        assert!(
            err.message.starts_with("invalid JSON: expected ident"),
            "{}",
            err.message
        );

        let err = parse(b"{\"a\": \"\xff\"}").unwrap_err();
        assert!(
            err.message.contains("invalid unicode code point"),
            "{}",
            err.message
        );
        let err = parse(b"[1e400]").unwrap_err();
        assert!(
            err.message.contains("number out of range"),
            "{}",
            err.message
        );
        let err = parse(b"{\"a\": 1}\n{").unwrap_err();
        assert_eq!(err.message, "invalid JSON: trailing characters");
        let err = parse(b"").unwrap_err();
        assert_eq!(err.message, "invalid JSON: EOF while parsing a value");
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = "[".repeat(100_000);
        let err = parse(deep.as_bytes()).unwrap_err();
        assert!(
            err.message.contains("recursion limit exceeded"),
            "{}",
            err.message
        );
    }

    #[test]
    fn a_byte_order_mark_is_skipped() {
        let doc = parse(b"\xEF\xBB\xBF{\"a\": 1}").unwrap();
        assert_eq!(doc.value, serde_json::json!({"a": 1}));
        assert_eq!(doc.position("/a"), Position { line: 1, column: 7 });
    }
}
