//! Decides whether text is one JSON document, explains text that is not (duplicate keys included), and finds the line and column of the values that errors name.
//!
//! serde_json does the parsing, so what is JSON here is exactly what is JSON everywhere else
//! in the workspace, with its recursion limit (no stack overflow on deep nesting), its UTF-8
//! checks and its refusal of numbers that do not fit an `f64`; repeated keys, which
//! serde_json's own `Value` would merge, are refused too (`stream::is_json`). Nothing is
//! built: the errors of JSON text are collected while it is read (the generated `C_*`
//! collectors), and positions are found afterwards, only for the pointers that errors name
//! (`scan::starts`), with one more scan to turn offsets into lines and columns.
//!
//! Text it refuses is read once more, from the slice, to find the first problem: serde_json
//! says where a syntax error is; for a repeated key, the reading records the object and the
//! key, and a byte scan of that object finds both occurrences, so a duplicate key is reported
//! at its second occurrence, with the first.

use std::cell::RefCell;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use crate::{
    error::{Position, ValidationError},
    scan, stream,
};

/// The message of text that starts with a UTF-8 byte-order mark.
const BYTE_ORDER_MARK: &str = "the text starts with a UTF-8 byte-order mark (U+FEFF, bytes EF BB BF), which JSON text must not have (RFC 8259, section 8.1) and serde_json refuses; save it as UTF-8 without a byte-order mark";

/// The text of `bytes` when it is one JSON document without repeated keys, or the located
/// error that says why not.
///
/// A UTF-8 byte-order mark makes the text not JSON, as it does for serde_json, the types
/// crate and the mock: RFC 8259 lets a reader ignore one, but a validator that skipped it
/// would pass a file that the program it was checked for then refuses. It gets its own
/// message, because serde_json's ("expected value at line 1 column 1") does not name it.
pub(crate) fn json_text(bytes: &[u8]) -> Result<&str, Box<ValidationError>> {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        return Err(Box::new(ValidationError {
            instance_location: String::new(),
            schema_location: String::new(),
            keyword: "parse",
            message: BYTE_ORDER_MARK.to_owned(),
            position: Some(Position { line: 1, column: 1 }),
            causes: Vec::new(),
            variant: None,
        }));
    }
    if let Ok(text) = std::str::from_utf8(bytes)
        && stream::is_json(text)
    {
        return Ok(text);
    }
    Err(explain(bytes))
}

/// Sets the position of every error (and of their causes) in `text` to where its value
/// starts, or where the closest existing ancestor starts for a value that is not there (a
/// missing property). One scan of the text serves every error.
pub(crate) fn locate(text: &str, errors: &mut [ValidationError]) {
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
    let starts = scan::starts(text, &wanted);
    let positions = positions(text.as_bytes(), &starts);
    assign(errors, &mut positions.into_iter());
}

/// The located error of text that is not one JSON document without repeated keys.
fn explain(bytes: &[u8]) -> Box<ValidationError> {
    let duplicate = RefCell::new(None);
    let path = RefCell::new(Vec::new());
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let parsed = Node {
        path: &path,
        duplicate: &duplicate,
    }
    .deserialize(&mut de)
    .and_then(|()| de.end());
    let (position, instance_location, message) = match (parsed, duplicate.into_inner()) {
        (Err(_), Some((object, key))) => {
            // serde_json read the text up to the repeated key, so that much is UTF-8.
            let valid = std::str::from_utf8(bytes).map_or_else(|it| it.valid_up_to(), str::len);
            let text = std::str::from_utf8(&bytes[..valid]).unwrap_or_default();
            let object_start = scan::starts(text, &[object.as_str()])[0];
            let keys = scan::key_starts(text, object_start, &key, 2);
            let (at, first) = match keys.as_slice() {
                [first, at, ..] => (*at, *first),
                // Not found again (a validator bug): point at the object.
                _ => (object_start, object_start),
            };
            let [at, first] = positions(bytes, &[at, first])[..] else {
                unreachable!("one position per offset")
            };
            (
                at,
                object,
                format!(
                    "duplicate key {} (first at {first})",
                    Value::String(key)
                ),
            )
        }
        (Err(err), None) => {
            let position = serde_position(bytes, err.line(), err.column());
            let message = err.to_string();
            let message = message.split(" at line ").next().unwrap_or_default();
            (position, String::new(), format!("invalid JSON: {message}"))
        }
        // The fast reading refused what this one accepts: say so rather than pass over it.
        (Ok(()), _) => (
            Position { line: 1, column: 1 },
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
        variant: None,
    })
}

/// One step of the path from the root to the value being read.
enum Step<'de> {
    Key(stream::Key<'de>),
    Index(usize),
}

/// Reads a value only to find where the text stops being one JSON document without repeated
/// keys; it builds nothing but the key sets of the objects being read and the path to the
/// value being read (keys are borrowed from the text when they have no escapes).
struct Node<'p, 'de> {
    path: &'p RefCell<Vec<Step<'de>>>,
    /// The pointer of the object with a repeated key, and the key.
    duplicate: &'p RefCell<Option<(String, String)>>,
}

impl Node<'_, '_> {
    fn child(&self) -> Self {
        Node {
            path: self.path,
            duplicate: self.duplicate,
        }
    }

    /// The JSON pointer of the value being read.
    fn pointer(&self) -> String {
        let mut out = String::new();
        for step in self.path.borrow().iter() {
            out.push('/');
            match step {
                Step::Key(key) => out.push_str(&escape(key.as_str())),
                Step::Index(i) => out.push_str(&i.to_string()),
            }
        }
        out
    }
}

impl<'de> DeserializeSeed<'de> for Node<'_, 'de> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Node<'_, 'de> {
    crate::stream::any_value_visitor!();

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        for index in 0.. {
            self.path.borrow_mut().push(Step::Index(index));
            let more = seq.next_element_seed(self.child())?.is_some();
            self.path.borrow_mut().pop();
            if !more {
                break;
            }
        }
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut keys = stream::Keys::default();
        while let Some(key) = map.next_key::<stream::Key<'de>>()? {
            let step = key.copy();
            if let Err((key, ())) = keys.add(key, ()) {
                let key = key.as_str().to_owned();
                *self.duplicate.borrow_mut() = Some((self.pointer(), key.clone()));
                return Err(de::Error::custom(format!(
                    "duplicate key {}",
                    Value::String(key)
                )));
            }
            self.path.borrow_mut().push(Step::Key(step));
            map.next_value_seed(self.child())?;
            self.path.borrow_mut().pop();
        }
        Ok(())
    }
}

/// Escapes one token of a JSON pointer (RFC 6901).
pub(crate) fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// The line and character column of each byte offset, in one scan of `bytes` (the offsets
/// may come in any order).
fn positions(bytes: &[u8], offsets: &[usize]) -> Vec<Position> {
    let mut order: Vec<usize> = (0..offsets.len()).collect();
    order.sort_by_key(|it| offsets[*it]);
    let mut out = vec![Position { line: 1, column: 1 }; offsets.len()];
    // The line of the last offset, and its column: the next offset on the same line counts
    // the characters from there, so a long line is read once however many offsets it has.
    let (mut line, mut scanned, mut column) = (1, 0, 1);
    for i in order {
        let offset = offsets[i].min(bytes.len());
        let piece = &bytes[scanned..offset];
        match memchr::memrchr(b'\n', piece) {
            Some(last) => {
                line += memchr::memchr_iter(b'\n', piece).count();
                column = characters(&piece[last + 1..]) + 1;
            }
            None => column += characters(piece),
        }
        scanned = offset;
        out[i] = Position { line, column };
    }
    out
}

/// The number of characters in `bytes`, a piece of a line (invalid UTF-8 counts as the
/// replacement characters it would be shown as).
fn characters(bytes: &[u8]) -> usize {
    match std::str::from_utf8(bytes) {
        Ok(text) => text.chars().count(),
        Err(_) => String::from_utf8_lossy(bytes).chars().count(),
    }
}

/// The position of serde_json's 1-based line and byte column of the offending byte (0 when
/// the problem is at the start of a line, such as an unexpected end of input).
fn serde_position(bytes: &[u8], line: usize, column: usize) -> Position {
    let line_start = if line <= 1 {
        0
    } else {
        memchr::memchr_iter(b'\n', bytes)
            .nth(line - 2)
            .map_or(bytes.len(), |it| it + 1)
    };
    positions(bytes, &[line_start + column.saturating_sub(1)])[0]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Where the value at `pointer` starts in `text`.
    struct Doc<'a>(&'a str);

    impl Doc<'_> {
        fn position(&self, pointer: &str) -> Position {
            positions(self.0.as_bytes(), &scan::starts(self.0, &[pointer]))[0]
        }
    }

    #[test]
    fn values_and_keys_are_located() {
        let text = "{\n  \"a\": [1, {\"b\" :  \"x\"}],\n  \"é\": null\n}";
        let doc = Doc(json_text(text.as_bytes()).unwrap());
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
        let err = json_text(b"{\"a\": 1,\n \"b\": {\"c\": 1, \"c\": 2}}").unwrap_err();
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
        let err = json_text(b"{\"a\": 1,\n  \"b\": tru}").unwrap_err();
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

        let err = json_text(b"{\"a\": \"\xff\"}").unwrap_err();
        assert!(
            err.message.contains("invalid unicode code point"),
            "{}",
            err.message
        );
        let err = json_text(b"[1e400]").unwrap_err();
        assert!(
            err.message.contains("number out of range"),
            "{}",
            err.message
        );
        let err = json_text(b"{\"a\": 1}\n{").unwrap_err();
        assert_eq!(err.message, "invalid JSON: trailing characters");
        let err = json_text(b"").unwrap_err();
        assert_eq!(err.message, "invalid JSON: EOF while parsing a value");
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = "[".repeat(100_000);
        let err = json_text(deep.as_bytes()).unwrap_err();
        assert!(
            err.message.contains("recursion limit exceeded"),
            "{}",
            err.message
        );
    }

    #[test]
    fn positions_of_many_offsets_come_from_one_scan() {
        let text = b"ab\n\xC3\xA9c\n\nd";
        assert_eq!(
            positions(text, &[8, 0, 3, 5, 7, 99]),
            [
                Position { line: 4, column: 1 },
                Position { line: 1, column: 1 },
                Position { line: 2, column: 1 },
                Position { line: 2, column: 2 },
                Position { line: 3, column: 1 },
                Position { line: 4, column: 2 },
            ]
        );
        assert_eq!(serde_position(text, 2, 3), Position { line: 2, column: 2 });
        assert_eq!(serde_position(text, 3, 0), Position { line: 3, column: 1 });
    }

    #[test]
    fn a_byte_order_mark_is_not_json() {
        let err = json_text(b"\xEF\xBB\xBF{\"a\": 1}").unwrap_err();
        assert_eq!(err.keyword, "parse");
        assert_eq!(err.message, BYTE_ORDER_MARK);
        assert_eq!(err.position, Some(Position { line: 1, column: 1 }));
        assert!(serde_json::from_slice::<Value>(b"\xEF\xBB\xBF{\"a\": 1}").is_err());
    }
}
