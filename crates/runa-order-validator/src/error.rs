//! Validation errors: where the payload breaks the contract, which rule it breaks, and why.

use std::{borrow::Cow, fmt};

/// A 1-based line and column in a validated text. Columns count characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    /// The line, from 1.
    pub line: usize,
    /// The column, from 1, in characters.
    pub column: usize,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// One way in which a payload breaks the contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    /// JSON pointer (RFC 6901) of the offending value in the payload; `""` is the whole payload.
    pub instance_location: String,
    /// JSON pointer of the broken keyword in `spec/order-api.schema.json`, such as
    /// `/$defs/NewOrderItemDetails/properties/face_value/minimum`. Empty for parse errors.
    pub schema_location: String,
    /// The broken keyword (`minimum`, `required`, `oneOf`, …), or `parse` when the text is
    /// not JSON.
    pub keyword: &'static str,
    /// What is wrong, without the location: `0 is less than the minimum of 0.01`.
    pub message: String,
    /// Where the offending value starts, when a text was validated.
    pub position: Option<Position>,
    /// For `oneOf` and `anyOf` without a tag: the errors of the closest branch.
    pub causes: Vec<ValidationError>,
    /// For an error inside the variant of a `oneOf` that a tag chose (`"type": "RECIPIENT"`):
    /// that `oneOf`, the outermost when tagged `oneOf`s nest. The error itself is reported on
    /// its own, at its own pointer, and this says which variant it was checked against.
    pub variant: Option<Variant>,
}

/// The variant a tag chose for a value (`"type": "RECIPIENT"` at `/items/0/distribution_method`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    /// JSON pointer of the tagged value, the one the `oneOf` applies to.
    pub instance_location: String,
    /// JSON pointer of the `oneOf` in `spec/order-api.schema.json`.
    pub schema_location: String,
    /// The tag's property, such as `type`.
    pub property: &'static str,
    /// The tag's value, such as `RECIPIENT`.
    pub tag: &'static str,
}

impl ValidationError {
    /// The instance location as shown in messages: the pointer, or `(root)` for the whole payload.
    pub fn location(&self) -> &str {
        if self.instance_location.is_empty() {
            "(root)"
        } else {
            &self.instance_location
        }
    }
}

impl fmt::Display for ValidationError {
    /// `/items/0/face_value: 0 is less than the minimum of 0.01`, with control characters
    /// escaped ([`escape_control`]): a key of the payload is part of the pointer, and a key
    /// with a line break or a terminal escape must not forge a line of output.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}",
            escape_control(self.location()),
            escape_control(&self.message)
        )
    }
}

/// True for the characters [`escape_control`] escapes.
fn is_escaped(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            // Line and paragraph separators, which some viewers break lines at.
            '\u{2028}' | '\u{2029}'
            // Bidirectional formatting, which reorders what a reader sees.
            | '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

/// `text` with every control character escaped, so that text from a payload (a key in a JSON
/// pointer, a value quoted in a message, a file name) prints as one line of what it says:
/// line breaks and tabs as `\n`, `\r` and `\t`, other control characters (C0, DEL, C1, such
/// as the escape that starts a terminal sequence), the line and paragraph separators and the
/// bidirectional formatting characters as `\u{1b}`. Other characters, backslashes included,
/// are kept. [`ValidationError`]'s `Display` prints through it; its fields keep the raw text.
///
/// ```
/// use runa_order_validator::escape_control;
///
/// assert_eq!(escape_control("/metadata/a\nb\u{1b}[2J"), "/metadata/a\\nb\\u{1b}[2J");
/// assert_eq!(escape_control("/items/0/face_value"), "/items/0/face_value");
/// ```
pub fn escape_control(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_escaped) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_escaped(c) => {
                use fmt::Write as _;
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Every error found in one payload, in document order, up to
/// [`Options::max_errors`](crate::Options::max_errors). Never empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Errors {
    list: Vec<ValidationError>,
    omitted: usize,
}

impl Errors {
    pub(crate) fn new(list: Vec<ValidationError>, omitted: usize) -> Self {
        Errors { list, omitted }
    }

    /// One error.
    pub(crate) fn one(error: ValidationError) -> Self {
        Errors::new(vec![error], 0)
    }

    /// The errors, in document order.
    pub fn iter(&self) -> std::slice::Iter<'_, ValidationError> {
        self.list.iter()
    }

    /// The number of errors kept (at least one).
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// Always false: an `Errors` holds at least one error. Present for API symmetry.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The first error.
    pub fn first(&self) -> &ValidationError {
        &self.list[0]
    }

    /// The errors as a vector.
    pub fn into_vec(self) -> Vec<ValidationError> {
        self.list
    }

    /// How many more errors were found than were kept. Checking stops soon after the limit
    /// of [`Options::max_errors`](crate::Options::max_errors) is reached, so the payload may
    /// have more: this is a lower bound, and 0 when every error was kept.
    pub fn omitted(&self) -> usize {
        self.omitted
    }

    /// True when checking stopped at the limit of errors, so some errors are not listed.
    pub fn is_truncated(&self) -> bool {
        self.omitted > 0
    }

    /// True when the text could not be read as JSON (the only error is a `parse` error).
    pub fn is_parse_error(&self) -> bool {
        self.list.len() == 1 && self.list[0].keyword == "parse"
    }
}

impl<'a> IntoIterator for &'a Errors {
    type Item = &'a ValidationError;
    type IntoIter = std::slice::Iter<'a, ValidationError>;

    fn into_iter(self) -> Self::IntoIter {
        self.list.iter()
    }
}

impl IntoIterator for Errors {
    type Item = ValidationError;
    type IntoIter = std::vec::IntoIter<ValidationError>;

    fn into_iter(self) -> Self::IntoIter {
        self.list.into_iter()
    }
}

impl fmt::Display for Errors {
    /// One error per line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, error) in self.list.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{error}")?;
        }
        if self.omitted > 0 {
            write!(
                f,
                "\n(and at least {} more {}; the check stopped at the limit of errors)",
                self.omitted,
                if self.omitted == 1 { "error" } else { "errors" }
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for Errors {}
