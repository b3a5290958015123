//! Located problems in the spec: the file, the line and column, the JSON pointer and a message.

use std::fmt;

use super::rustdoc::escape;

/// A 1-based line and column in a spec file. Columns count characters, not bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// One problem found in the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The spec file, relative to the workspace root, with `/` separators.
    pub file: String,
    /// Where in the file, when it is known.
    pub position: Option<Position>,
    /// JSON pointer of the offending value, written as a URI fragment (`#/$defs/…`).
    pub pointer: Option<String>,
    /// Lowercase message without a trailing period.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Names and texts of the spec reach messages: control characters are written as
        // escapes, so that a diagnostic is one line and carries nothing a terminal acts on.
        write!(f, "{}", escape(&self.file))?;
        if let Some(Position { line, column }) = self.position {
            write!(f, ":{line}:{column}")?;
        }
        if let Some(pointer) = &self.pointer {
            write!(f, ": {}", escape(pointer))?;
        }
        write!(f, ": {}", escape(&self.message))
    }
}

/// Every problem found in one run of the generator, in file and position order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Sorts the problems by file and position, so the report reads top to bottom.
    pub fn sorted(mut self) -> Self {
        self.0.sort_by(|a, b| {
            (&a.file, a.position, &a.pointer, &a.message)
                .cmp(&(&b.file, b.position, &b.pointer, &b.message))
        });
        self.0.dedup();
        self
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for diagnostic in &self.0 {
            writeln!(f, "error: {diagnostic}")?;
        }
        let n = self.0.len();
        write!(
            f,
            "{n} error{} in the spec; no generated file was written",
            if n == 1 { "" } else { "s" }
        )
    }
}

impl std::error::Error for Diagnostics {}

#[cfg(test)]
mod tests {
    use super::*;

    /// Names and texts of the spec that reach a diagnostic print on one line, with nothing a
    /// terminal acts on: a property name with a line break and an ANSI escape cannot forge a
    /// line of the report.
    #[test]
    fn control_characters_of_the_spec_are_escaped() {
        let diagnostic = Diagnostic {
            file: "spec/order-api.schema.json".to_owned(),
            position: Some(Position { line: 3, column: 9 }),
            pointer: Some("#/$defs/A/properties/a\nerror: forged\u{1b}[2J".to_owned()),
            message: "properties \"a\rb\" and \"a\u{202e}b\" collide".to_owned(),
        };
        let text = Diagnostics(vec![diagnostic]).to_string();
        assert_eq!(text.lines().count(), 2, "{text}");
        assert!(!text.contains(['\r', '\u{1b}', '\u{202e}']), "{text:?}");
        assert!(text.contains("a\\nerror: forged\\u{1b}[2J"), "{text}");
        assert!(text.contains("\"a\\rb\" and \"a\\u{202e}b\""), "{text}");
    }
}
