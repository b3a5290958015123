//! The doc comments of the generated code: schema descriptions with their bounds and examples, and docs for the items typify leaves bare.
//!
//! Two halves:
//!
//! * [`describe`] writes the text the typify view puts in each schema's `description`, which
//!   typify turns into the doc comment of the type or field: the spec's description (or, for a
//!   property that is only a `$ref`, the description of its target), then the bounds a value
//!   must respect, saying which ones the Rust type itself refuses and which only the validator
//!   checks, then the spec's `examples` and `default`.
//! * [`complete`] walks typify's output and documents what typify leaves without docs: enum
//!   variants, the `builder` and `error` modules, each builder and each builder setter (a setter
//!   gets the doc of the field it sets, bounds included), and `builder()`; it also restores the
//!   allowed values that typify's merge of a narrowing `allOf` drops, and replaces typify's
//!   placeholder docs (the type's name alone). Anything public that is still bare is reported,
//!   so that a typify upgrade cannot silently drop docs.
//!
//! Text from the spec goes through [`crate::codegen::rustdoc`]: descriptions as inert prose
//! (code blocks become `text` blocks; no HTML, no link), values as one-line code spans.

mod complete;
mod undocumented;

pub use self::{complete::complete, undocumented::undocumented};
pub use crate::codegen::rustdoc::code;

use super::reads::{self, Reading};
use crate::codegen::{
    ir::{Additional, Api, Format, JsonType, Literal, Schema},
    rustdoc::prose,
};

/// What a schema is, for the first sentence of a schema without a description.
#[derive(Debug, Clone)]
pub enum Subject<'a> {
    /// A `$defs` member.
    Definition(&'a str),
    /// A member of `properties`.
    Property(&'a str),
    /// The `items` of an array, with what the array is.
    Item(String),
    /// The `propertyNames` of a map.
    Key(String),
    /// The `additionalProperties` of a map.
    Value(String),
    /// A branch of `allOf`, `anyOf` or `oneOf`.
    Branch(String),
}

impl Subject<'_> {
    /// A sentence that says what the value is, when the spec does not.
    fn sentence(&self) -> String {
        match self {
            Subject::Definition(name) => format!("The {} schema of the spec.", code(name)),
            Subject::Property(name) => format!("The {} property.", code(name)),
            Subject::Item(of) => format!("An item of {of}."),
            Subject::Key(of) => format!("A key of {of}."),
            Subject::Value(of) => format!("A value of {of}."),
            Subject::Branch(of) => format!("One of the forms of {of}."),
        }
    }

    /// How a child schema refers to this one (`` `metadata` ``).
    pub fn name(&self) -> String {
        match self {
            Subject::Definition(name) | Subject::Property(name) => code(name),
            Subject::Item(of) => format!("an item of {of}"),
            Subject::Key(of) => format!("a key of {of}"),
            Subject::Value(of) => format!("a value of {of}"),
            Subject::Branch(of) => of.clone(),
        }
    }
}

/// What the docs of a schema say when its Rust type is not typify's type of it (see
/// [`super::reads`]).
pub fn rust_type_note(reading: Reading) -> Option<String> {
    match reading {
        Reading::Typed => None,
        Reading::WithoutBranches(reason) => Some(format!(
            "**Rust type:** reads every value of the schema's JSON type: {reason}."
        )),
        Reading::AnyValue(reason) => Some(format!(
            "**Rust type:** any JSON value (`serde_json::Value`), because {reason}; check values \
             with `runa-order-validator`."
        )),
    }
}

/// The heading of the bounds the Rust type itself refuses values outside of.
const ENFORCED: &str =
    "**Bounds** (the Rust type refuses other values, when built and when deserialized)";
/// The heading of the bounds only the validator checks.
const CONTRACT: &str = "**Bounds** (checked by `runa-order-validator`; the Rust type may \
                        accept values outside them)";

/// The description the typify view gives `schema`: what it is, its bounds, its examples.
///
/// A schema that is only a `$ref` takes the description, bounds and examples of its target,
/// unless it has its own.
pub fn describe(api: &Api, schema: &Schema, subject: &Subject<'_>) -> String {
    let target = schema
        .reference
        .as_ref()
        .and_then(|name| api.definition(name))
        .map(|it| &it.schema);
    let rules_of = target.unwrap_or(schema);

    let mut paragraphs = Vec::new();
    let description = schema
        .description
        .as_deref()
        .or_else(|| target.and_then(|it| it.description.as_deref()));
    paragraphs.push(match description {
        Some(text) => prose(text.trim()),
        None => subject.sentence(),
    });

    let rules = Rules::of(rules_of);
    if !rules.enforced.is_empty() {
        let enforced = rules.enforced.join("; ");
        paragraphs.push(format!("{ENFORCED}: {enforced}."));
    }
    if !rules.contract.is_empty() {
        let contract = rules.contract.join("; ");
        paragraphs.push(format!("{CONTRACT}: {contract}."));
    }
    if let Some(values) = rules.values {
        paragraphs.push(values);
    }

    let examples = if schema.examples.is_empty() {
        target.map_or(&schema.examples, |it| &it.examples)
    } else {
        &schema.examples
    };
    match examples.as_slice() {
        [] => {}
        [one] => paragraphs.push(format!("**Example:** {}", code(&one.to_string()))),
        many => paragraphs.push(format!(
            "**Examples:** {}",
            many.iter()
                .map(|it| code(&it.to_string()))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
    if let Some(default) = schema
        .default
        .as_ref()
        .or(target.and_then(|it| it.default.as_ref()))
    {
        paragraphs.push(format!("**Default:** {}", code(&default.to_string())));
    }
    paragraphs.join("\n\n")
}

/// The bounds of one schema, in words.
#[derive(Debug, Default)]
struct Rules {
    /// Bounds the generated Rust type checks itself: lengths and patterns of strings (typify
    /// makes a newtype that refuses other values) and `date-time` (`Timestamp` parses it).
    enforced: Vec<String>,
    /// Bounds the validator checks and the Rust type may not: numbers (typify keeps at most
    /// the sign of an integer bound, as `u64` or `NonZeroU64`), arrays, maps, e-mail syntax.
    contract: Vec<String>,
    /// The allowed values of an `enum` or `const`.
    values: Option<String>,
}

impl Rules {
    fn of(schema: &Schema) -> Rules {
        let mut out = Rules::default();
        let string = &schema.string;
        if let Some(it) = length(string.min_length, string.max_length, "character") {
            out.enforced.push(it);
        }
        if let Some(pattern) = &string.pattern {
            out.enforced
                .push(format!("matches the pattern {}", code(pattern)));
        }
        match string.format {
            Some(Format::DateTime) => out
                .enforced
                .push("an RFC 3339 date-time (`2024-03-01T10:00:00Z`)".to_owned()),
            Some(Format::Email) => out.contract.push("an e-mail address".to_owned()),
            Some(Format::Decimal) => out
                .enforced
                .push("an exact decimal amount (`rust_decimal::Decimal`)".to_owned()),
            None => {}
        }

        if schema
            .types
            .as_ref()
            .is_some_and(|it| it.contains(&JsonType::Integer))
        {
            // The Rust type is `serde_json::Number`, which holds any number.
            out.contract
                .push("an integer (`2.0` is one too)".to_owned());
        }
        let number = &schema.number;
        for (bound, words) in [
            (&number.minimum, "at least"),
            (&number.exclusive_minimum, "greater than"),
            (&number.maximum, "at most"),
            (&number.exclusive_maximum, "less than"),
        ] {
            if let Some(bound) = bound {
                out.contract.push(format!("{words} {}", code(&bound.text)));
            }
        }
        if let Some(divisor) = &number.multiple_of {
            out.contract
                .push(format!("a multiple of {}", code(&divisor.text)));
        }

        let array = &schema.array;
        if let Some(it) = length(array.min_items, array.max_items, "item") {
            out.contract.push(it);
        }
        if array.unique_items {
            out.contract.push("no two items are equal".to_owned());
        }
        if let Some(items) = &array.items
            && items.reference.is_none()
        {
            out.nested("each item", items);
        }

        let object = &schema.object;
        if let Some(it) = length(object.min_properties, object.max_properties, "entry") {
            out.contract.push(it);
        }
        if let Some(names) = &object.property_names {
            out.nested("each key", names);
        }
        if let Some(Additional::Schema(values)) = &object.additional
            && values.reference.is_none()
        {
            out.nested("each value", values);
        }

        let values: Vec<&Literal> = match (&schema.enum_values, &schema.const_value) {
            (Some(values), _) => values.iter().collect(),
            (None, Some(value)) => vec![value],
            (None, None) => Vec::new(),
        };
        if reads::string_literals(schema) {
            let values: Vec<String> = values
                .into_iter()
                .filter(|it| !matches!(it, Literal::Null))
                .map(|it| code(&it.to_string()))
                .collect();
            out.values = match values.as_slice() {
                [] => None,
                [one] => Some(format!("**Value:** always {one}.")),
                many => Some(format!("**Allowed values:** {}.", many.join(", "))),
            };
        } else if !values.is_empty() {
            // The Rust type reads any value of the JSON type; the validator checks these.
            let values: Vec<String> = values.iter().map(|it| code(&it.to_string())).collect();
            out.contract.push(match values.as_slice() {
                [one] => format!("always {one}"),
                many => format!("one of {}", many.join(", ")),
            });
        }
        out
    }

    /// Adds the bounds of a nested schema (the items, keys or values of a collection); they
    /// are the collection's contract, whatever the nested type checks.
    fn nested(&mut self, what: &str, schema: &Schema) {
        let inner = Rules::of(schema);
        let all: Vec<String> = inner.enforced.into_iter().chain(inner.contract).collect();
        if !all.is_empty() {
            self.contract.push(format!("{what}: {}", all.join(", ")));
        }
    }
}

/// "1 to 200 items", "at least 2 items", "at most 128 characters".
fn length(min: Option<u64>, max: Option<u64>, unit: &str) -> Option<String> {
    let plural = |n: u64| {
        if n == 1 {
            unit.to_owned()
        } else if let Some(stem) = unit.strip_suffix('y') {
            format!("{stem}ies")
        } else {
            format!("{unit}s")
        }
    };
    match (min.filter(|it| *it > 0), max) {
        (None, None) => None,
        (Some(min), None) => Some(format!("at least {min} {}", plural(min))),
        (None, Some(max)) => Some(format!("at most {max} {}", plural(max))),
        (Some(min), Some(max)) if min == max => Some(format!("exactly {min} {}", plural(min))),
        (Some(min), Some(max)) => Some(format!("{min} to {max} {}", plural(max))),
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_read_as_words() {
        assert_eq!(
            length(Some(1), Some(200), "item").unwrap(),
            "1 to 200 items"
        );
        assert_eq!(length(Some(2), None, "item").unwrap(), "at least 2 items");
        assert_eq!(
            length(Some(1), None, "character").unwrap(),
            "at least 1 character"
        );
        assert_eq!(
            length(None, Some(20), "entry").unwrap(),
            "at most 20 entries"
        );
        assert_eq!(
            length(Some(3), Some(3), "character").unwrap(),
            "exactly 3 characters"
        );
        assert_eq!(length(Some(0), None, "item"), None);
    }
}
