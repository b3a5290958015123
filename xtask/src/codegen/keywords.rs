//! The keyword table: every keyword the generator knows, with what it does, written once.
//!
//! Each row ([`Keyword`]) gives a keyword's spelling, its [`Role`] (an assertion about which
//! JSON types, an applicator, an annotation, a keyword of the document root, or a keyword the
//! generator refuses, with the hint it gives), its [`Growth`] (whether a larger value narrows
//! or widens what a schema accepts, for a report of what a spec change does to payloads), and
//! whether it may sit beside `$ref`. The `format` values the generator supports are rows of
//! [`FORMATS`].
//!
//! Everything else derives from these rows: `lower` parses a schema member by looking its key
//! up ([`lookup`]) and refuses or hints from the row, the "did you mean" candidates are
//! [`schema_keywords`], the consistency check of keywords against `type` uses
//! [`Keyword::applies_to`], the outline and the typify view name keywords through the
//! constants, and the validator's error records and schema locations use [`Keyword::name`].
//! The spelling of a keyword is a string literal in this file only (the test
//! `keyword_spellings_live_in_the_table` holds every other file of `xtask/src` to that), so
//! a new keyword, or a new format value, is one row here.
//!
//! Rows are reached by constant (`keywords::REF.name`, `keywords::MIN_LENGTH`) or by
//! spelling (`keywords::lookup("$ref")`); [`TABLE`] lists them all.

use super::ir::{Format, JsonType};

/// One keyword.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Keyword {
    /// The spelling in a schema (`maxLength`).
    pub name: &'static str,
    pub role: Role,
    /// What a larger value does to the set of accepted payloads.
    pub growth: Growth,
    /// True when the keyword may sit beside `$ref` (annotations only: a constraint beside a
    /// reference must be joined with `allOf`).
    pub beside_ref: bool,
    /// The schemas the keyword's value holds, whether the generator implements it or not.
    pub holds: Holds,
}

/// Where a keyword's value holds schemas (JSON Schema 2020-12's applicators, and `$defs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holds {
    /// No schema (an assertion, an annotation, a reference).
    Nothing,
    /// The value is one schema (`items`, `not`).
    Schema,
    /// The value is an array of schemas (`allOf`, `prefixItems`).
    Schemas,
    /// The value is an object whose member values are schemas (`properties`, `$defs`).
    Map,
}

/// What a keyword does in a schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Checks the value; applies only to values of the listed JSON types (all types when empty).
    Assertion(&'static [JsonType]),
    /// Applies subschemas to the value or its parts; only to the listed JSON types (all when empty).
    Applicator(&'static [JsonType]),
    /// Says something about the value without checking it.
    Annotation,
    /// A keyword of the document root (`$schema`, `$id`, `$defs`), refused inside a schema
    /// with this hint.
    Root(&'static str),
    /// Refused wherever it is, with this hint (OpenAPI keywords, older drafts' spellings).
    Refused(&'static str),
    /// A keyword of JSON Schema 2020-12 the generator does not implement, so it would not be
    /// checked: refused.
    Unimplemented,
}

/// What making a keyword's value larger (a larger number, one more name or value, one more
/// branch, `true` for `false`) does to the set of payloads a schema accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Growth {
    /// Fewer payloads are accepted (`minLength`, `required`, `allOf`).
    Narrows,
    /// More payloads are accepted (`maxLength`, `enum`, `anyOf`).
    Widens,
    /// Neither in general: another value accepts other payloads (`pattern`, `const`, `items`).
    Changes,
    /// The keyword does not take part in validation (annotations, refused keywords).
    None,
}

const STRING: &[JsonType] = &[JsonType::String];
const NUMBER: &[JsonType] = &[JsonType::Number, JsonType::Integer];
const ARRAY: &[JsonType] = &[JsonType::Array];
const OBJECT: &[JsonType] = &[JsonType::Object];
const ANY: &[JsonType] = &[];
/// What `format: decimal` describes: a JSON number, or a decimal string.
const DECIMAL: &[JsonType] = &[JsonType::Number, JsonType::Integer, JsonType::String];

const fn row(name: &'static str, role: Role, growth: Growth) -> Keyword {
    Keyword {
        name,
        role,
        growth,
        beside_ref: false,
        holds: Holds::Nothing,
    }
}

const fn annotation(name: &'static str, beside_ref: bool) -> Keyword {
    Keyword {
        name,
        role: Role::Annotation,
        growth: Growth::None,
        beside_ref,
        holds: Holds::Nothing,
    }
}

const fn unimplemented(name: &'static str) -> Keyword {
    row(name, Role::Unimplemented, Growth::None)
}

/// `keyword`, whose value holds schemas as `holds` says.
const fn holding(holds: Holds, keyword: Keyword) -> Keyword {
    Keyword { holds, ..keyword }
}

// ---- Supported in a schema ----

pub const REF: Keyword = Keyword {
    beside_ref: true,
    ..row("$ref", Role::Applicator(ANY), Growth::Changes)
};
pub const COMMENT: Keyword = annotation("$comment", true);
pub const TITLE: Keyword = annotation("title", true);
pub const DESCRIPTION: Keyword = annotation("description", true);
pub const DEFAULT: Keyword = annotation("default", false);
pub const EXAMPLES: Keyword = annotation("examples", true);
pub const DEPRECATED: Keyword = annotation("deprecated", true);
pub const READ_ONLY: Keyword = annotation("readOnly", true);
pub const WRITE_ONLY: Keyword = annotation("writeOnly", true);
pub const TYPE: Keyword = row("type", Role::Assertion(ANY), Growth::Widens);
pub const ENUM: Keyword = row("enum", Role::Assertion(ANY), Growth::Widens);
pub const CONST: Keyword = row("const", Role::Assertion(ANY), Growth::Changes);
pub const PROPERTIES: Keyword = holding(
    Holds::Map,
    row("properties", Role::Applicator(OBJECT), Growth::Narrows),
);
pub const REQUIRED: Keyword = row("required", Role::Assertion(OBJECT), Growth::Narrows);
pub const ADDITIONAL_PROPERTIES: Keyword = holding(
    Holds::Schema,
    row(
        "additionalProperties",
        Role::Applicator(OBJECT),
        Growth::Changes,
    ),
);
pub const PROPERTY_NAMES: Keyword = holding(
    Holds::Schema,
    row("propertyNames", Role::Applicator(OBJECT), Growth::Changes),
);
pub const MIN_PROPERTIES: Keyword = row("minProperties", Role::Assertion(OBJECT), Growth::Narrows);
pub const MAX_PROPERTIES: Keyword = row("maxProperties", Role::Assertion(OBJECT), Growth::Widens);
pub const ITEMS: Keyword = holding(
    Holds::Schema,
    row("items", Role::Applicator(ARRAY), Growth::Changes),
);
pub const MIN_ITEMS: Keyword = row("minItems", Role::Assertion(ARRAY), Growth::Narrows);
pub const MAX_ITEMS: Keyword = row("maxItems", Role::Assertion(ARRAY), Growth::Widens);
pub const UNIQUE_ITEMS: Keyword = row("uniqueItems", Role::Assertion(ARRAY), Growth::Narrows);
pub const MIN_LENGTH: Keyword = row("minLength", Role::Assertion(STRING), Growth::Narrows);
pub const MAX_LENGTH: Keyword = row("maxLength", Role::Assertion(STRING), Growth::Widens);
pub const PATTERN: Keyword = row("pattern", Role::Assertion(STRING), Growth::Changes);
/// Applies to the JSON types of its value (each row of [`FORMATS`] says which).
pub const FORMAT: Keyword = row("format", Role::Assertion(ANY), Growth::Changes);
pub const MINIMUM: Keyword = row("minimum", Role::Assertion(NUMBER), Growth::Narrows);
pub const MAXIMUM: Keyword = row("maximum", Role::Assertion(NUMBER), Growth::Widens);
pub const EXCLUSIVE_MINIMUM: Keyword =
    row("exclusiveMinimum", Role::Assertion(NUMBER), Growth::Narrows);
pub const EXCLUSIVE_MAXIMUM: Keyword =
    row("exclusiveMaximum", Role::Assertion(NUMBER), Growth::Widens);
/// A larger divisor may accept fewer numbers (`0.02` after `0.01`) or others (`0.03`).
pub const MULTIPLE_OF: Keyword = row("multipleOf", Role::Assertion(NUMBER), Growth::Changes);
pub const ONE_OF: Keyword = holding(
    Holds::Schemas,
    row("oneOf", Role::Applicator(ANY), Growth::Changes),
);
pub const ANY_OF: Keyword = holding(
    Holds::Schemas,
    row("anyOf", Role::Applicator(ANY), Growth::Widens),
);
pub const ALL_OF: Keyword = holding(
    Holds::Schemas,
    row("allOf", Role::Applicator(ANY), Growth::Narrows),
);
/// The spec's extension: the value is personal data, which messages do not print.
pub const PERSONAL: Keyword = annotation("x-personal", true);

// ---- The document root ----

pub const SCHEMA: Keyword = row(
    "$schema",
    Role::Root("`$schema` is only supported at the top level of the document"),
    Growth::None,
);
pub const ID: Keyword = row(
    "$id",
    Role::Root("`$id` is only supported at the top level of the document"),
    Growth::None,
);
pub const DEFS: Keyword = holding(
    Holds::Map,
    row(
        "$defs",
        Role::Root("`$defs` is only supported at the top level of the document"),
        Growth::None,
    ),
);

// ---- Refused with a hint ----

pub const NULLABLE: Keyword = row(
    "nullable",
    Role::Refused("`nullable` is an OpenAPI 3.0 keyword; add \"null\" to `type` instead"),
    Growth::None,
);
pub const EXAMPLE: Keyword = row(
    "example",
    Role::Refused("`example` is not JSON Schema; use `examples`, an array"),
    Growth::None,
);
pub const DISCRIMINATOR: Keyword = row(
    "discriminator",
    Role::Refused(
        "`discriminator` is an OpenAPI keyword; give each `oneOf` branch a required single-value `type` property instead",
    ),
    Growth::None,
);
pub const SUMMARY: Keyword = row(
    "summary",
    Role::Refused("`summary` is not a schema keyword; use `title` or `description`"),
    Growth::None,
);
pub const DEFINITIONS: Keyword = holding(
    Holds::Map,
    row(
        "definitions",
        Role::Refused("use `$defs` at the top level of the document"),
        Growth::None,
    ),
);

/// Not implemented by the generator; the change report reads it in the canonical schemas of
/// the `jsonschema` crate, which write the items an array must hold with it.
pub const CONTAINS: Keyword = holding(Holds::Schema, unimplemented("contains"));

/// Every row: the keywords supported in a schema (in the order "did you mean" prefers them),
/// the root's, the refused ones with a hint, then the rest of JSON Schema 2020-12.
pub const TABLE: &[Keyword] = &[
    REF,
    COMMENT,
    TITLE,
    DESCRIPTION,
    DEFAULT,
    EXAMPLES,
    DEPRECATED,
    READ_ONLY,
    WRITE_ONLY,
    TYPE,
    ENUM,
    CONST,
    PROPERTIES,
    REQUIRED,
    ADDITIONAL_PROPERTIES,
    PROPERTY_NAMES,
    MIN_PROPERTIES,
    MAX_PROPERTIES,
    ITEMS,
    MIN_ITEMS,
    MAX_ITEMS,
    UNIQUE_ITEMS,
    MIN_LENGTH,
    MAX_LENGTH,
    PATTERN,
    FORMAT,
    MINIMUM,
    MAXIMUM,
    EXCLUSIVE_MINIMUM,
    EXCLUSIVE_MAXIMUM,
    MULTIPLE_OF,
    ONE_OF,
    ANY_OF,
    ALL_OF,
    PERSONAL,
    SCHEMA,
    ID,
    DEFS,
    NULLABLE,
    EXAMPLE,
    DISCRIMINATOR,
    SUMMARY,
    DEFINITIONS,
    unimplemented("$anchor"),
    unimplemented("$dynamicAnchor"),
    unimplemented("$dynamicRef"),
    unimplemented("$vocabulary"),
    CONTAINS,
    unimplemented("contentEncoding"),
    unimplemented("contentMediaType"),
    holding(Holds::Schema, unimplemented("contentSchema")),
    unimplemented("dependentRequired"),
    holding(Holds::Map, unimplemented("dependentSchemas")),
    holding(Holds::Schema, unimplemented("else")),
    holding(Holds::Schema, unimplemented("if")),
    unimplemented("maxContains"),
    unimplemented("minContains"),
    holding(Holds::Schema, unimplemented("not")),
    holding(Holds::Map, unimplemented("patternProperties")),
    holding(Holds::Schemas, unimplemented("prefixItems")),
    holding(Holds::Schema, unimplemented("then")),
    holding(Holds::Schema, unimplemented("unevaluatedItems")),
    holding(Holds::Schema, unimplemented("unevaluatedProperties")),
];

/// What a `$ref` to a definition starts with: the definitions are the members of the root's
/// `$defs`.
pub const REF_PREFIX: &str = "#/$defs/";

/// The keywords the root of the schema document may have, in the order of "did you mean".
pub const ROOT: &[Keyword] = &[SCHEMA, ID, COMMENT, TITLE, DESCRIPTION, DEFS];

/// The row of `name`.
pub fn lookup(name: &str) -> Option<&'static Keyword> {
    TABLE.iter().find(|it| it.name == name)
}

impl Keyword {
    /// True for the keywords a schema may use.
    pub fn in_schema(&self) -> bool {
        matches!(
            self.role,
            Role::Assertion(_) | Role::Applicator(_) | Role::Annotation
        )
    }

    /// The JSON types the keyword applies to; empty when it applies to every value.
    pub fn applies_to(&self) -> &'static [JsonType] {
        match self.role {
            Role::Assertion(types) | Role::Applicator(types) => types,
            _ => ANY,
        }
    }

    /// The word for the values the keyword applies to, in messages (`string`, `number`).
    pub fn applies_to_word(&self) -> Option<&'static str> {
        self.applies_to().first().map(|it| it.name())
    }

    /// The keyword's location under a schema at `location` (`#/$defs/X` to `#/$defs/X/minimum`).
    pub fn at(&self, location: &str) -> String {
        format!("{location}/{}", self.name)
    }
}

/// The spellings of the keywords a schema may use, for "did you mean".
pub fn schema_keywords() -> Vec<&'static str> {
    TABLE
        .iter()
        .filter(|it| it.in_schema())
        .map(|it| it.name)
        .collect()
}

/// One `format` value the generator supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FormatValue {
    /// The value of `format` (`email`).
    pub name: &'static str,
    pub format: Format,
    /// The JSON types whose values the format describes; `lower` refuses it beside a `type`
    /// that allows none of them.
    pub applies_to: &'static [JsonType],
    /// The function of the validator's runtime (`crate::rt`) that checks a `&str` of this
    /// format, or `None` for a format the validator does not assert (one that only chooses
    /// the Rust type of a value, for instance).
    pub check: Option<&'static str>,
    /// What a valid value is, for the validator's messages (`an e-mail address`).
    pub what: &'static str,
    /// A valid value, for the counter-examples of the change report.
    pub example: &'static str,
}

/// The `format` values the generator supports. A new value is one row here and its
/// [`Format`] variant; `lower` accepts exactly these, and the emitters read them from here.
pub const FORMATS: &[FormatValue] = &[
    FormatValue {
        name: "email",
        format: Format::Email,
        applies_to: STRING,
        check: Some("is_email"),
        what: "an e-mail address",
        example: "someone@example.com",
    },
    FormatValue {
        name: "date-time",
        format: Format::DateTime,
        applies_to: STRING,
        check: Some("is_date_time"),
        what: "an RFC 3339 date-time",
        example: "2024-02-05T12:00:00Z",
    },
    // A money amount, a JSON number or a decimal string: an annotation for the validator, as
    // unknown formats are in 2020-12; it makes the Rust type `rust_decimal::Decimal`
    // (spec/README.md).
    FormatValue {
        name: "decimal",
        format: Format::Decimal,
        applies_to: DECIMAL,
        check: None,
        what: "an exact decimal amount",
        example: "10.00",
    },
];

/// The row of a [`Format`].
pub fn format_value(format: Format) -> &'static FormatValue {
    FORMATS
        .iter()
        .find(|it| it.format == format)
        .expect("every `Format` has a row in `FORMATS`")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling_is_listed_once() {
        let mut names: Vec<&str> = TABLE.iter().map(|it| it.name).collect();
        names.sort_unstable();
        let before = names.len();
        names.dedup();
        assert_eq!(before, names.len(), "a keyword is listed twice");
    }

    #[test]
    fn lookup_finds_every_row_and_nothing_else() {
        for keyword in TABLE {
            assert_eq!(lookup(keyword.name), Some(keyword));
        }
        assert_eq!(lookup("maxLenght"), None);
    }

    #[test]
    fn only_annotations_sit_beside_ref() {
        for keyword in TABLE.iter().filter(|it| it.beside_ref) {
            assert!(
                keyword.role == Role::Annotation || *keyword == REF,
                "{} is allowed beside `$ref`",
                keyword.name
            );
        }
    }

    #[test]
    fn bounds_grow_in_the_direction_of_their_name() {
        for keyword in TABLE.iter().filter(|it| it.in_schema()) {
            let name = keyword.name;
            if name.starts_with("min") || name.starts_with("exclusiveMin") {
                assert_eq!(keyword.growth, Growth::Narrows, "{name}");
            }
            if name.starts_with("max") || name.starts_with("exclusiveMax") {
                assert_eq!(keyword.growth, Growth::Widens, "{name}");
            }
        }
    }

    #[test]
    fn every_format_has_one_row() {
        for format in [Format::Email, Format::DateTime] {
            assert_eq!(FORMATS.iter().filter(|it| it.format == format).count(), 1);
        }
    }
}
