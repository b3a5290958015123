//! Reads JSON text into a `serde_json::Value` that can say where each value starts, and explains text that is not one JSON document, duplicate keys included.
//!
//! serde_json does the parsing, so what is JSON here is exactly what is JSON everywhere else
//! in the workspace, with its recursion limit (no stack overflow on deep nesting), its UTF-8
//! checks and its refusal of numbers that do not fit an `f64`; repeated keys, which
//! serde_json's own `Value` would merge, are refused while the value is built. Positions are
//! found afterwards, only for the pointers that errors name (`scan::starts`).
//!
//! Text it refuses is read a second time through a reader that counts the bytes serde_json
//! has taken; when a key starts, that count (give or take the one byte serde_json looks
//! ahead) says where, so a duplicate key is reported at its second occurrence, with the first.

use std::{cell::Cell, collections::HashMap, fmt, io};

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use crate::{
    error::{Position, ValidationError},
    scan, stream,
};

/// A parsed document, and what it takes to locate values in it.
#[derive(Debug)]
pub(crate) struct Document<'a> {
    pub(crate) value: Value,
    text: &'a str,
    lines: Lines<'a>,
}

impl Document<'_> {
    /// Sets the position of every error (and of their causes) to where its value starts, or
    /// where the closest existing ancestor starts for a value that is not there (a missing
    /// property). One scan of the text serves every error.
    pub(crate) fn locate(&self, errors: &mut [ValidationError]) {
        fn pointers<'e>(errors: &'e [ValidationError], out: &mut Vec<&'e str>) {
            for error in errors {
                out.push(&error.instance_location);
                pointers(&error.causes, out);
            }
        }
        fn assign(errors: &mut [ValidationError], found: &mut impl Iterator<Item = Position>) {
            for error in errors {
                error.position = found.next();
                assign(&mut error.causes, found);
            }
        }
        let mut wanted = Vec::new();
        pointers(errors, &mut wanted);
        let starts = scan::starts(self.text, &wanted);
        assign(
            errors,
            &mut starts.into_iter().map(|it| self.lines.position(it)),
        );
    }

    /// Where the value at `pointer` starts (see [`Document::locate`]).
    #[cfg(test)]
    pub(crate) fn position(&self, pointer: &str) -> Position {
        self.lines.position(scan::starts(self.text, &[pointer])[0])
    }
}

/// Parses `bytes` as one JSON document without repeated keys.
pub(crate) fn parse(bytes: &[u8]) -> Result<Document<'_>, Box<ValidationError>> {
    // A UTF-8 byte order mark is not JSON, but editors write it; it takes no column.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(bytes)
        && let Ok(value) = read_strict(text)
    {
        return Ok(Document {
            value,
            text,
            lines: Lines::new(bytes),
        });
    }
    Err(explain(bytes))
}

/// serde_json's `Value`, except that a repeated key is an error (serde_json keeps the last).
fn read_strict(text: &str) -> serde_json::Result<Value> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value = stream::Strict.deserialize(&mut de)?;
    de.end()?;
    Ok(value)
}

/// The located error of text that is not one JSON document without repeated keys.
fn explain(bytes: &[u8]) -> Box<ValidationError> {
    let taken = Cell::new(0);
    let state = State {
        bytes,
        taken: &taken,
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
    let (position, instance_location, message) = match (parsed, state.duplicate.take()) {
        (Err(err), Some(Duplicate {
            object,
            key_start,
            first_start,
        })) => {
            let first = lines.position(first_start);
            let key = err.to_string();
            let key = key.split(" at line ").next().unwrap_or_default().to_owned();
            (
                lines.position(key_start),
                object,
                format!("{key} (first at {first})"),
            )
        }
        (Err(err), None) => {
            let position = lines.serde_position(err.line(), err.column());
            let message = err.to_string();
            let message = message.split(" at line ").next().unwrap_or_default();
            (position, String::new(), format!("invalid JSON: {message}"))
        }
        // The fast reading refused what this one accepts: say so rather than pass over it.
        (Ok(_), _) => (
            lines.position(0),
            String::new(),
            "the text could not be read as JSON, for a reason the validator does not know (a validator bug)".to_owned(),
        ),
    };
    Box::new(ValidationError {
        instance_location,
        schema_location: String::new(),
        keyword: "parse",
        message,
        position: Some(position),
        causes: Vec::new(),
    })
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

/// Reads one value at `pointer`, only to find where the text stops being one JSON document
/// without repeated keys; it builds nothing.
struct Node<'s, 'a> {
    state: &'s State<'a>,
    pointer: String,
}

impl<'de> DeserializeSeed<'de> for Node<'_, '_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Node<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    // serde_json has checked a scalar (UTF-8, escapes, the range of a number) before it
    // hands it over; there is nothing more to check.
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

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        for index in 0.. {
            let child = Node {
                state: self.state,
                pointer: format!("{}/{index}", self.pointer),
            };
            if seq.next_element_seed(child)?.is_none() {
                break;
            }
        }
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
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
            map.next_value_seed(child)?;
            key_starts.insert(key, key_start);
        }
        Ok(())
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
struct Lines<'a> {
    bytes: &'a [u8],
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        let starts = std::iter::once(0)
            .chain(
                bytes
                    .iter()
                    .enumerate()
                    .filter(|(_, b)| **b == b'\n')
                    .map(|(i, _)| i + 1),
            )
            .collect();
        Lines { bytes, starts }
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
        let bytes = self.bytes;
        let end = offset.min(bytes.len());
        let before = &bytes[start.min(end)..end];
        let characters = match std::str::from_utf8(before) {
            Ok(before) => before.chars().count(),
            Err(_) => String::from_utf8_lossy(before).chars().count(),
        };
        let column = characters + 1;
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
