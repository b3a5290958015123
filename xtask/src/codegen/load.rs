//! Reads the spec files: strict JSON, a map from JSON pointer to position, and duplicate-key checks.
//!
//! This is the only stage of the generator that reads files.

use std::{collections::BTreeMap, fs, io::Read as _, path::Path};

use jsonc_parser::{
    CollectOptions, CommentCollectionStrategy, ParseOptions,
    ast::{ObjectPropName, Value as Node},
};
use serde_json::Value;

use super::diagnostic::{Diagnostic, Position};

/// The name of the schema file inside `spec/`.
pub const SCHEMA_FILE: &str = "order-api.schema.json";
/// The name of the operations file inside `spec/`.
pub const OPERATIONS_FILE: &str = "operations.json";

/// One parsed spec file.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the workspace root, with `/` separators, as shown in messages.
    pub path: String,
    /// The parsed document.
    pub value: Value,
    text: String,
    /// Where each line starts, so a byte offset becomes a line and column in logarithmic time.
    lines: LineIndex,
    /// For every JSON pointer in the document: the byte offset of its key (for object
    /// members) and of its value.
    spans: BTreeMap<String, Span>,
}

#[derive(Debug, Clone, Copy)]
struct Span {
    key: Option<usize>,
    value: usize,
}

/// Both spec files, parsed.
#[derive(Debug, Clone)]
pub struct Sources {
    pub schema: SourceFile,
    pub operations: SourceFile,
}

/// The largest spec file read by default: 16 MiB, some 300 times the real schema. A spec of
/// 5,000 definitions is about 2.5 MiB. `cargo xtask codegen --max-spec-bytes N` changes it.
pub const DEFAULT_MAX_SPEC_BYTES: u64 = 16 * 1024 * 1024;

/// Reads and parses `spec/order-api.schema.json` and `spec/operations.json` under `root`,
/// refusing a file larger than [`DEFAULT_MAX_SPEC_BYTES`].
pub fn load(root: &Path) -> Result<Sources, Vec<Diagnostic>> {
    load_with(root, DEFAULT_MAX_SPEC_BYTES)
}

/// [`load`], refusing a file larger than `max_bytes`.
pub fn load_with(root: &Path, max_bytes: u64) -> Result<Sources, Vec<Diagnostic>> {
    let schema = read(root, &format!("spec/{SCHEMA_FILE}"), max_bytes);
    let operations = read(root, &format!("spec/{OPERATIONS_FILE}"), max_bytes);
    match (schema, operations) {
        (Ok(schema), Ok(operations)) => Ok(Sources { schema, operations }),
        (schema, operations) => Err([schema.err(), operations.err()]
            .into_iter()
            .flatten()
            .flatten()
            .collect()),
    }
}

/// Reads at most `max_bytes` of the file (so that a huge file, or `/dev/zero` linked in its
/// place, is refused without reading it all), as UTF-8.
fn read(root: &Path, relative: &str, max_bytes: u64) -> Result<SourceFile, Vec<Diagnostic>> {
    let failure = |position: Option<Position>, message: String| {
        vec![Diagnostic {
            file: relative.to_owned(),
            position,
            pointer: None,
            message,
        }]
    };
    let mut bytes = Vec::new();
    let read = fs::File::open(root.join(relative)).and_then(|file| {
        file.take(max_bytes.saturating_add(1))
            .read_to_end(&mut bytes)
    });
    if let Err(err) = read {
        return Err(failure(None, format!("cannot read the file: {err}")));
    }
    if bytes.len() as u64 > max_bytes {
        return Err(failure(
            None,
            format!(
                "the file is larger than {max_bytes} bytes, the most the generator reads (--max-spec-bytes)"
            ),
        ));
    }
    match String::from_utf8(bytes) {
        Ok(text) => SourceFile::parse(relative, text),
        Err(err) => {
            // Locate the first byte that is not UTF-8 by the valid text before it.
            let valid_up_to = err.utf8_error().valid_up_to();
            let valid = String::from_utf8_lossy(&err.as_bytes()[..valid_up_to]).into_owned();
            let position = LineIndex::new(&valid).position(&valid, valid.len());
            Err(failure(
                Some(position),
                format!("the file is not UTF-8: byte {valid_up_to} starts no character"),
            ))
        }
    }
}

impl SourceFile {
    /// Parses `text` as strict JSON (RFC 8259) and records where every value is.
    ///
    /// Fails with a located diagnostic on a syntax error and on every duplicate key.
    pub fn parse(path: &str, text: String) -> Result<SourceFile, Vec<Diagnostic>> {
        // serde_json decides what is JSON: it is strict and gives line and column.
        let value: Value = serde_json::from_str(&text).map_err(|err| {
            vec![Diagnostic {
                file: path.to_owned(),
                position: Some(Position {
                    line: err.line(),
                    column: err.column(),
                }),
                pointer: None,
                message: format!("invalid JSON: {}", strip_position(&err.to_string())),
            }]
        })?;
        // jsonc-parser gives the byte range of every node of the same text.
        let options = ParseOptions {
            allow_comments: false,
            allow_loose_object_property_names: false,
            allow_trailing_commas: false,
        };
        let collect = CollectOptions {
            comments: CommentCollectionStrategy::Off,
            tokens: false,
        };
        let mut spans = BTreeMap::new();
        let mut duplicates = Vec::new();
        {
            // serde_json accepted the text, so jsonc-parser should too; if not, say where.
            let ast = jsonc_parser::parse_to_ast(&text, &collect, &options).map_err(|err| {
                let lines = LineIndex::new(&text);
                vec![Diagnostic {
                    file: path.to_owned(),
                    position: Some(lines.position(&text, err.range().start)),
                    pointer: None,
                    message: format!("invalid JSON: {}", err.kind()),
                }]
            })?;
            if let Some(root) = &ast.value {
                record(root, String::new(), None, &mut spans, &mut duplicates);
            }
        }
        let file = SourceFile {
            path: path.to_owned(),
            value,
            lines: LineIndex::new(&text),
            text,
            spans,
        };
        let diagnostics: Vec<Diagnostic> = duplicates
            .into_iter()
            .map(|(pointer, offset, first)| {
                let first = file.position_of(first);
                Diagnostic {
                    file: file.path.clone(),
                    position: Some(file.position_of(offset)),
                    pointer: Some(format!("#{pointer}")),
                    message: format!(
                        "duplicate key (first defined at {}:{})",
                        first.line, first.column
                    ),
                }
            })
            .collect();
        if diagnostics.is_empty() {
            Ok(file)
        } else {
            Err(diagnostics)
        }
    }

    /// The position of the value at `pointer` (a URI fragment such as `#/$defs/Currency`).
    ///
    /// Object members point at their key. When the pointer does not exist, the position of
    /// its closest existing ancestor is given.
    pub fn position(&self, pointer: &str) -> Option<Position> {
        let mut pointer = pointer.strip_prefix('#').unwrap_or(pointer);
        loop {
            if let Some(span) = self.spans.get(pointer) {
                return Some(self.position_of(span.key.unwrap_or(span.value)));
            }
            let (parent, _) = pointer.rsplit_once('/')?;
            pointer = parent;
        }
    }

    /// The byte offset of the member or value at `pointer` (a URI fragment such as
    /// `#/$defs/Currency`): of its key for an object member. `None` when it does not exist.
    /// Comparing offsets puts the members of an object in the order of the file.
    pub fn offset(&self, pointer: &str) -> Option<usize> {
        let pointer = pointer.strip_prefix('#').unwrap_or(pointer);
        self.spans
            .get(pointer)
            .map(|span| span.key.unwrap_or(span.value))
    }

    /// A diagnostic about the value at `pointer`.
    pub fn diagnostic(&self, pointer: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            file: self.path.clone(),
            position: self.position(pointer),
            pointer: Some(pointer.to_owned()),
            message: message.into(),
        }
    }

    fn position_of(&self, offset: usize) -> Position {
        self.lines.position(&self.text, offset)
    }
}

/// The line starts of a text, and the number of characters before every block of
/// [`LineIndex::BLOCK`] bytes, built in one pass.
///
/// Lowering asks for the position of every member of every object (to keep spec order), so
/// a position must not cost a scan of the text: that made 5,000 `$defs` take minutes. Here a
/// position costs a binary search and a scan of at most one block, whatever the length of
/// the line (a spec written on one line included).
#[derive(Debug, Clone)]
struct LineIndex {
    /// Byte offset of the start of each line; the first is 0.
    starts: Vec<usize>,
    /// Characters in `text[..i * BLOCK]`, for each block `i`.
    chars_before_block: Vec<usize>,
}

impl LineIndex {
    const BLOCK: usize = 256;

    fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        starts.extend(
            bytes
                .iter()
                .enumerate()
                .filter(|(_, b)| **b == b'\n')
                .map(|(i, _)| i + 1),
        );
        let mut chars_before_block = Vec::with_capacity(bytes.len() / Self::BLOCK + 1);
        let mut chars = 0;
        for block in bytes.chunks(Self::BLOCK) {
            chars_before_block.push(chars);
            chars += count_chars(block);
        }
        chars_before_block.push(chars);
        LineIndex {
            starts,
            chars_before_block,
        }
    }

    /// The 1-based line and column (in characters) of byte `offset` of `text`.
    fn position(&self, text: &str, offset: usize) -> Position {
        let offset = offset.min(text.len());
        // The last line start at or before `offset`.
        let line = self.starts.partition_point(|it| *it <= offset);
        let start = self.starts[line - 1];
        let column = self.chars_before(text, offset) - self.chars_before(text, start);
        Position {
            line,
            column: column + 1,
        }
    }

    /// The number of characters in `text[..offset]`.
    fn chars_before(&self, text: &str, offset: usize) -> usize {
        let block = offset / Self::BLOCK;
        self.chars_before_block[block] + count_chars(&text.as_bytes()[block * Self::BLOCK..offset])
    }
}

/// The characters in UTF-8 bytes that may start or end inside a character: every byte that is
/// not a continuation byte starts one.
fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|b| (**b & 0xC0) != 0x80).count()
}

/// Records the span of `node` and of everything inside it; collects duplicate keys as
/// `(pointer, offset, offset of the first definition)`.
fn record(
    node: &Node<'_>,
    pointer: String,
    key: Option<usize>,
    spans: &mut BTreeMap<String, Span>,
    duplicates: &mut Vec<(String, usize, usize)>,
) {
    let value_start = match node {
        Node::StringLit(it) => it.range.start,
        Node::NumberLit(it) => it.range.start,
        Node::BooleanLit(it) => it.range.start,
        Node::Object(it) => it.range.start,
        Node::Array(it) => it.range.start,
        Node::NullKeyword(it) => it.range.start,
    };
    spans.insert(
        pointer.clone(),
        Span {
            key,
            value: value_start,
        },
    );
    match node {
        Node::Object(object) => {
            let mut seen: BTreeMap<String, usize> = BTreeMap::new();
            for prop in &object.properties {
                let (name, key_start) = match &prop.name {
                    ObjectPropName::String(lit) => (lit.value.to_string(), lit.range.start),
                    ObjectPropName::Word(lit) => (lit.value.to_owned(), lit.range.start),
                };
                let child = format!("{pointer}/{}", escape_token(&name));
                if let Some(first) = seen.get(&name) {
                    duplicates.push((child.clone(), key_start, *first));
                } else {
                    seen.insert(name, key_start);
                }
                record(&prop.value, child, Some(key_start), spans, duplicates);
            }
        }
        Node::Array(array) => {
            for (i, element) in array.elements.iter().enumerate() {
                record(element, format!("{pointer}/{i}"), None, spans, duplicates);
            }
        }
        _ => {}
    }
}

/// Escapes one reference token of a JSON pointer (RFC 6901).
pub fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// serde_json appends " at line L column C" to its messages; the diagnostic says it already.
fn strip_position(message: &str) -> &str {
    message
        .rfind(" at line ")
        .map_or(message, |i| &message[..i])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_point_at_keys_and_values() {
        let text = "{\n  \"a\": {\n    \"b\": [1, \"x\"]\n  }\n}\n".to_owned();
        let file = SourceFile::parse("t.json", text).unwrap();
        assert_eq!(
            file.position("#/a/b"),
            Some(Position { line: 3, column: 5 })
        );
        assert_eq!(
            file.position("#/a/b/1"),
            Some(Position {
                line: 3,
                column: 14
            })
        );
        // A pointer that does not exist falls back to its parent.
        assert_eq!(
            file.position("#/a/missing"),
            Some(Position { line: 2, column: 3 })
        );
    }

    #[test]
    fn columns_count_characters_on_long_lines_with_multibyte_text() {
        // One line much longer than a block, with multi-byte characters before the value.
        let padding = "é".repeat(700);
        let text = format!("{{\"a\": \"{padding}\", \"b\": 1,\n \"c\": \"ü\", \"d\": 2}}");
        let file = SourceFile::parse("t.json", text.clone()).unwrap();
        let expected = |needle: &str| {
            let offset = text.find(needle).unwrap();
            let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
            Position {
                line: text[..offset].matches('\n').count() + 1,
                column: text[line_start..offset].chars().count() + 1,
            }
        };
        assert_eq!(file.position("#/b"), Some(expected("\"b\"")));
        assert_eq!(file.position("#/d"), Some(expected("\"d\"")));
        assert_eq!(expected("\"b\"").column, 711);
        assert_eq!(
            expected("\"d\""),
            Position {
                line: 2,
                column: 12
            }
        );
    }

    #[test]
    fn oversized_files_and_files_that_are_not_utf8_are_refused_with_their_place() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("spec")).unwrap();
        fs::write(dir.path().join("spec/operations.json"), "{}").unwrap();
        fs::write(
            dir.path().join(format!("spec/{SCHEMA_FILE}")),
            b"{\n  \"a\": \"\xc3\xa9\xff\"\n}",
        )
        .unwrap();
        let err = load_with(dir.path(), 64).unwrap_err();
        assert_eq!(
            err[0].to_string(),
            "spec/order-api.schema.json:2:10: the file is not UTF-8: byte 12 starts no character"
        );
        fs::write(
            dir.path().join(format!("spec/{SCHEMA_FILE}")),
            "x".repeat(65),
        )
        .unwrap();
        let err = load_with(dir.path(), 64).unwrap_err();
        assert_eq!(
            err[0].to_string(),
            "spec/order-api.schema.json: the file is larger than 64 bytes, the most the generator reads (--max-spec-bytes)"
        );
        // Exactly the limit is read.
        fs::write(
            dir.path().join(format!("spec/{SCHEMA_FILE}")),
            format!("{{\"a\": \"{}\"}}", "x".repeat(55)),
        )
        .unwrap();
        assert!(load_with(dir.path(), 64).is_ok());
    }

    #[test]
    fn syntax_errors_and_duplicate_keys_are_located() {
        let err = SourceFile::parse("t.json", "{\n  \"a\": 1,\n}".to_owned()).unwrap_err();
        assert_eq!(err[0].position, Some(Position { line: 3, column: 1 }));
        assert!(
            err[0].message.starts_with("invalid JSON: trailing comma"),
            "{}",
            err[0]
        );

        let err = SourceFile::parse("t.json", "{\"a\": 1,\n \"a\": 2}".to_owned()).unwrap_err();
        assert_eq!(
            err[0].to_string(),
            "t.json:2:2: #/a: duplicate key (first defined at 1:2)"
        );
    }
}
