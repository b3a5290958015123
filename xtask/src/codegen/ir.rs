//! The intermediate representation: the spec's schemas and operations, checked, typed and in spec order.
//!
//! The IR names API concepts. It holds no `serde_json::Value` and no Rust syntax, so every
//! emitter reads the same checked model and nothing downstream re-reads the spec.

use std::fmt;

/// Everything the emitters need, lowered from `spec/`.
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    /// The schema file, relative to the workspace root (`spec/order-api.schema.json`).
    pub schema_file: String,
    /// The operations file, relative to the workspace root, or `None` when lowering a schema alone
    /// (the snapshot fixtures have no operations).
    pub operations_file: Option<String>,
    /// `title` of the schema document.
    pub title: Option<String>,
    /// One entry per `$defs` member, in spec order.
    pub definitions: Vec<Definition>,
    /// The HTTP side of the API; empty when lowering a schema alone.
    pub http: Http,
}

/// A named schema: one `$defs` member, which becomes one public Rust type.
#[derive(Debug, Clone, PartialEq)]
pub struct Definition {
    /// The `$defs` key, used verbatim as the Rust type name.
    pub name: String,
    pub schema: Schema,
}

/// One schema object, with each keyword's value parsed and checked.
///
/// Keywords that apply to one JSON type are grouped (`string`, `number`, `array`, `object`).
/// A keyword absent from the spec is `None` or empty here.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Schema {
    /// Where the schema is in the schema file, as a URI fragment (`#/$defs/X/properties/y`).
    pub location: String,
    pub title: Option<String>,
    pub description: Option<String>,
    pub default: Option<Literal>,
    pub examples: Vec<Literal>,
    /// `$ref`, resolved to the name of a definition.
    pub reference: Option<String>,
    /// `type`, in spec order. `None` allows every type.
    pub types: Option<Vec<JsonType>>,
    /// `enum`.
    pub enum_values: Option<Vec<Literal>>,
    /// `const`.
    pub const_value: Option<Literal>,
    pub string: StringRules,
    pub number: NumberRules,
    pub array: ArrayRules,
    pub object: ObjectRules,
    pub all_of: Vec<Schema>,
    pub any_of: Vec<Schema>,
    pub one_of: Vec<Schema>,
    /// `x-personal: true`: the value (and everything in it) is personal data, so error messages
    /// do not print it unless the caller asks for values to be shown.
    pub personal: bool,
    /// The annotations no emitter turns into code (`$comment`, `deprecated`, `readOnly`,
    /// `writeOnly`), kept so that the report of a spec change (`cargo xtask changes`) sees them.
    pub notes: Notes,
    /// Set when every `oneOf` branch is a reference to an object schema that requires the same
    /// property with a distinct single string value (the `type` tag of the Runa API).
    pub discriminator: Option<Discriminator>,
}

/// Annotations that say something to readers of the spec and no generated code: the types,
/// the validator and the client ignore them (typify 0.8 is not given them either).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Notes {
    /// `$comment`: a note for maintainers of the spec.
    pub comment: Option<String>,
    /// `deprecated: true`: clients should stop using the value.
    pub deprecated: bool,
    /// `readOnly: true`: the server manages the value; a request should not send it.
    pub read_only: bool,
    /// `writeOnly: true`: the value is sent, never returned.
    pub write_only: bool,
}

/// The seven JSON Schema instance types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum JsonType {
    Null,
    Boolean,
    Integer,
    Number,
    String,
    Array,
    Object,
}

impl JsonType {
    pub const ALL: [JsonType; 7] = [
        JsonType::Null,
        JsonType::Boolean,
        JsonType::Integer,
        JsonType::Number,
        JsonType::String,
        JsonType::Array,
        JsonType::Object,
    ];

    /// The keyword spelling (`"integer"`).
    pub fn name(self) -> &'static str {
        match self {
            JsonType::Null => "null",
            JsonType::Boolean => "boolean",
            JsonType::Integer => "integer",
            JsonType::Number => "number",
            JsonType::String => "string",
            JsonType::Array => "array",
            JsonType::Object => "object",
        }
    }

    pub fn from_name(name: &str) -> Option<JsonType> {
        JsonType::ALL.into_iter().find(|it| it.name() == name)
    }
}

/// A JSON value written in the spec (`enum`, `const`, `default`, `examples`).
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Null,
    Bool(bool),
    /// The number as written, so that it is emitted exactly.
    Number(String),
    String(String),
    Array(Vec<Literal>),
    Object(Vec<(String, Literal)>),
}

/// Keywords that apply to strings.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StringRules {
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    /// `pattern`, an ECMA-262 regular expression that compiles with both `regex` and `regress`;
    /// the generated crates match it with `regex`, in linear time.
    pub pattern: Option<String>,
    pub format: Option<Format>,
}

/// The `format` values the generator supports. `email` and `date-time` are asserted;
/// `decimal` (an exact money amount, a JSON number or a decimal string) is an annotation for
/// the validator and makes the Rust type `rust_decimal::Decimal`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `email`: an RFC 5321 mailbox.
    Email,
    /// `date-time`: an RFC 3339 timestamp.
    DateTime,
    /// `decimal`: an exact decimal amount (not asserted by the validator).
    Decimal,
}

impl Format {
    /// The value of `format`, from the keyword table.
    pub fn name(self) -> &'static str {
        super::keywords::format_value(self).name
    }
}

/// A numeric bound, as written and as a float.
#[derive(Debug, Clone, PartialEq)]
pub struct Bound {
    pub text: String,
    pub value: f64,
}

/// Keywords that apply to numbers.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NumberRules {
    pub minimum: Option<Bound>,
    pub maximum: Option<Bound>,
    pub exclusive_minimum: Option<Bound>,
    pub exclusive_maximum: Option<Bound>,
    /// `multipleOf`, decided exactly on the number's decimal text.
    pub multiple_of: Option<Divisor>,
}

/// The value of `multipleOf`: a number greater than zero, as written and as
/// `significand × 10^exponent` with a significand below 2^63, so that the validator decides
/// it on a number's decimal text with integer arithmetic.
#[derive(Debug, Clone, PartialEq)]
pub struct Divisor {
    pub text: String,
    /// The digits without trailing zeros (`0.0100` → 1).
    pub significand: u64,
    /// The power of ten of the significand's last digit (`0.0100` → -2).
    pub exponent: i64,
}

impl Divisor {
    /// The most significant digits a divisor may have: 18, so that the significand is below
    /// 2^63 and its products fit in a `u128`.
    pub const MAX_DIGITS: usize = 18;

    /// The divisor of a JSON number's text, or why there is none.
    pub fn parse(text: &str) -> Result<Divisor, String> {
        let unsigned = text.strip_prefix('-');
        if unsigned.is_some() {
            return Err(format!("must be greater than 0, found {text}"));
        }
        let (mantissa, exponent) = match text.find(['e', 'E']) {
            Some(at) => (&text[..at], &text[at + 1..]),
            None => (text, "0"),
        };
        let exponent: i64 = exponent
            .trim_start_matches('+')
            .parse()
            .map_err(|_| format!("has an exponent out of range ({text})"))?;
        let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let digits: String = format!("{whole}{fraction}");
        let digits = digits.trim_start_matches('0');
        let trimmed = digits.trim_end_matches('0');
        if trimmed.is_empty() {
            return Err(format!("must be greater than 0, found {text}"));
        }
        if trimmed.len() > Divisor::MAX_DIGITS {
            return Err(format!(
                "has more than {} significant digits ({text})",
                Divisor::MAX_DIGITS
            ));
        }
        let zeros = (digits.len() - trimmed.len()) as i64;
        let significand = trimmed
            .parse()
            .map_err(|_| format!("is not a number ({text})"))?;
        let exponent = exponent
            .checked_sub(fraction.len() as i64)
            .and_then(|it| it.checked_add(zeros))
            .ok_or_else(|| format!("has an exponent out of range ({text})"))?;
        Ok(Divisor {
            text: text.to_owned(),
            significand,
            exponent,
        })
    }

    /// Whether the number written `text` is a multiple of `self`; `None` when its digits are
    /// too many to decide here (the generator's own check of the spec's literals).
    pub fn divides(&self, text: &str) -> Option<bool> {
        let magnitude = text.strip_prefix('-').unwrap_or(text);
        match Divisor::parse(magnitude) {
            Ok(number) => Some(number.is_multiple_of(self)),
            // Zero is a multiple of every divisor.
            Err(_) if !magnitude.bytes().any(|it| matches!(it, b'1'..=b'9')) => Some(true),
            Err(_) => None,
        }
    }

    /// True when every multiple of `self` is a multiple of `other` (`0.02` and `0.01`): `self`
    /// is a multiple of `other`.
    pub fn is_multiple_of(&self, other: &Divisor) -> bool {
        let Some(shift) = self.exponent.checked_sub(other.exponent) else {
            return false;
        };
        if shift < 0 {
            // `other` ends in a higher place than `self`'s last digit, which is not zero.
            return false;
        }
        let d = u128::from(other.significand);
        let mut rest = u128::from(self.significand) % d;
        for _ in 0..shift.min(64) {
            rest = rest * 10 % d;
        }
        // Beyond 64 steps the powers of ten modulo `d` repeat with the factors of 2 and 5
        // spent (d < 10^18 has at most 60 of them), so 64 steps decide it.
        rest == 0
    }
}

/// Keywords that apply to arrays.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ArrayRules {
    pub items: Option<Box<Schema>>,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
    pub unique_items: bool,
}

/// Keywords that apply to objects.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ObjectRules {
    /// `properties`, in spec order.
    pub properties: Vec<Property>,
    /// `required`, in spec order.
    pub required: Vec<String>,
    /// `additionalProperties`; `None` leaves the object open, as every object of the API is.
    pub additional: Option<Additional>,
    pub property_names: Option<Box<Schema>>,
    pub min_properties: Option<u64>,
    pub max_properties: Option<u64>,
}

/// One member of `properties`.
#[derive(Debug, Clone, PartialEq)]
pub struct Property {
    pub name: String,
    pub schema: Schema,
}

/// A constrained `additionalProperties`.
#[derive(Debug, Clone, PartialEq)]
pub enum Additional {
    /// `additionalProperties: false`.
    Forbidden,
    /// `additionalProperties: {…}`.
    Schema(Box<Schema>),
}

/// How the branches of a `oneOf` are told apart.
#[derive(Debug, Clone, PartialEq)]
pub struct Discriminator {
    /// The tag property, `type` in this API.
    pub property: String,
    /// The tag value of each branch, in branch order, with the definition it selects.
    pub variants: Vec<(String, String)>,
}

/// The HTTP side of the API, from `spec/operations.json`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Http {
    /// The dated API version sent in `X-Api-Version` by default (`2024-02-05`).
    pub api_version: String,
    /// Versions the API has removed; requesting one gives `410 version_removed`.
    pub removed_versions: Vec<String>,
    pub servers: Vec<Server>,
    /// The request header that carries the API key.
    pub auth_header: String,
    pub operations: Vec<Operation>,
    /// The documented error `type` values, in spec order.
    pub error_types: Vec<ErrorType>,
}

/// A base URL of the API.
#[derive(Debug, Clone, PartialEq)]
pub struct Server {
    /// Where the server is in the operations file, as a URI fragment (`#/servers/0`).
    pub pointer: String,
    pub name: String,
    pub url: String,
}

/// One endpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// Where the operation is in the operations file, as a URI fragment (`#/operations/0`).
    pub pointer: String,
    /// The official operationId (`createOrder`).
    pub id: String,
    pub method: Method,
    /// Path relative to the server URL, with `{param}` placeholders.
    pub path: String,
    /// `path`, split into literal text and placeholders; every placeholder names a path
    /// parameter, and the literal text needs no percent-encoding.
    pub path_parts: Vec<PathPart>,
    pub summary: String,
    pub description: Option<String>,
    pub parameters: Vec<Parameter>,
    /// The definition the request body must match.
    pub request_body: Option<String>,
    /// Status code to body definition, in ascending status order.
    pub responses: Vec<Response>,
    /// The header that carries the idempotency key, for the one idempotent operation.
    pub idempotency_key: Option<String>,
    /// Cross-field rules the schema cannot say.
    pub rules: Vec<Rule>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
}

impl Method {
    pub fn name(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

/// A piece of an operation's path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathPart {
    /// Text sent as it is (`/order/`).
    Literal(String),
    /// `{name}`: the value of the path parameter `name`, percent-encoded.
    Parameter(String),
}

/// A header, query or path parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    /// Where the parameter is in the operations file (`#/operations/0/parameters/1`).
    pub pointer: String,
    pub name: String,
    pub location: ParameterLocation,
    pub required: bool,
    pub ty: ParameterType,
    /// Allowed values, for enumerated string parameters.
    pub enum_values: Vec<String>,
    pub default: Option<Literal>,
    pub minimum: Option<i64>,
    pub maximum: Option<i64>,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParameterLocation {
    Header,
    Query,
    Path,
}

impl ParameterLocation {
    pub fn name(self) -> &'static str {
        match self {
            ParameterLocation::Header => "header",
            ParameterLocation::Query => "query",
            ParameterLocation::Path => "path",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParameterType {
    String,
    Integer,
}

/// One documented response.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    pub status: u16,
    /// The definition the body matches.
    pub body: String,
    pub description: Option<String>,
}

/// A rule that involves a header and the body.
#[derive(Debug, Clone, PartialEq)]
pub enum Rule {
    MaxItemsWhenHeader(MaxItems),
}

/// When `header` equals `value`, the array at `field` of the body has at most `max` items.
#[derive(Debug, Clone, PartialEq)]
pub struct MaxItems {
    pub header: String,
    pub value: String,
    pub field: String,
    pub max: u64,
    /// The error `type` the API answers when the rule is broken.
    pub error_type: String,
    pub message: String,
}

impl MaxItems {
    /// The rule in one English sentence, for documentation.
    pub fn sentence(&self) -> String {
        let MaxItems {
            header,
            value,
            field,
            max,
            error_type,
            ..
        } = self;
        let plural = if *max == 1 { "" } else { "s" };
        format!(
            "When `{header}` is `{value}`, `{field}` may hold at most {max} item{plural}; more is \
             answered with `{error_type}`."
        )
    }
}

/// One documented error `type`.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorType {
    /// Where the error type is in the operations file (`#/error_types/3`).
    pub pointer: String,
    /// The wire value (`insufficient_funds`).
    pub name: String,
    pub status: u16,
    /// The documented message, for people.
    pub message: String,
    pub deprecated: bool,
}

/// How a schema is nested in its parent: the keyword that holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edge {
    Property,
    AdditionalProperties,
    PropertyNames,
    Items,
    AllOf,
    AnyOf,
    OneOf,
}

impl Edge {
    /// True when the child applies to the parent's own value (a combinator's branch), not to
    /// a value nested in it (a member, an item, a name).
    pub fn same_value(self) -> bool {
        matches!(self, Edge::AllOf | Edge::AnyOf | Edge::OneOf)
    }
}

/// The one list of the schemas nested in a schema, for shared and for mutable borrows.
macro_rules! children {
    ($schema:expr, $iter:ident, $deref:ident, $($borrow:tt)+) => {{
        let schema = $schema;
        let mut out = Vec::new();
        out.extend(schema.object.properties.$iter().map(|it| (Edge::Property, $($borrow)+ it.schema)));
        if let Some(Additional::Schema(it)) = $($borrow)+ schema.object.additional {
            out.push((Edge::AdditionalProperties, $($borrow)+ **it));
        }
        out.extend(schema.object.property_names.$deref().map(|it| (Edge::PropertyNames, it)));
        out.extend(schema.array.items.$deref().map(|it| (Edge::Items, it)));
        out.extend(schema.all_of.$iter().map(|it| (Edge::AllOf, it)));
        out.extend(schema.any_of.$iter().map(|it| (Edge::AnyOf, it)));
        out.extend(schema.one_of.$iter().map(|it| (Edge::OneOf, it)));
        out
    }};
}

impl Schema {
    /// The schemas directly nested in this one, in spec order within each keyword, with the
    /// keyword that holds each.
    pub fn children(&self) -> Vec<(Edge, &Schema)> {
        children!(self, iter, as_deref, &)
    }

    /// [`Schema::children`], mutably.
    pub fn children_mut(&mut self) -> Vec<(Edge, &mut Schema)> {
        children!(self, iter_mut, as_deref_mut, &mut)
    }

    /// True when `type` allows values of `ty` (every type when there is no `type`).
    pub fn allows(&self, ty: JsonType) -> bool {
        self.types.as_ref().is_none_or(|it| it.contains(&ty))
    }

    /// This schema's place and annotations only (`title`, `description`, `default`,
    /// `examples` and the [`Notes`]): a schema equal to its annotations asserts nothing.
    /// The JSON types `type` allows besides `null`, in spec order (empty without `type`).
    pub fn non_null_types(&self) -> Vec<JsonType> {
        self.types
            .iter()
            .flatten()
            .copied()
            .filter(|it| *it != JsonType::Null)
            .collect()
    }

    pub fn annotations(&self) -> Schema {
        Schema {
            location: self.location.clone(),
            title: self.title.clone(),
            description: self.description.clone(),
            default: self.default.clone(),
            examples: self.examples.clone(),
            notes: self.notes.clone(),
            ..Schema::default()
        }
    }

    /// Calls `f` on this schema and every schema nested in it, parents first.
    pub fn visit(&self, f: &mut dyn FnMut(&Schema)) {
        let mut stack = vec![self];
        while let Some(schema) = stack.pop() {
            f(schema);
            stack.extend(schema.children().into_iter().rev().map(|(_, it)| it));
        }
    }

    /// [`Schema::visit`], mutably.
    pub fn visit_mut(&mut self, f: &mut dyn FnMut(&mut Schema)) {
        f(self);
        for (_, child) in self.children_mut() {
            child.visit_mut(f);
        }
    }
}

impl Api {
    /// The position of each definition in [`Api::definitions`], by name.
    pub fn definition_index(&self) -> std::collections::BTreeMap<&str, usize> {
        self.definitions
            .iter()
            .enumerate()
            .map(|(i, it)| (it.name.as_str(), i))
            .collect()
    }

    /// The definition called `name`.
    pub fn definition(&self, name: &str) -> Option<&Definition> {
        self.definitions.iter().find(|it| it.name == name)
    }
}

impl fmt::Display for Literal {
    /// Compact JSON.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Null => f.write_str("null"),
            Literal::Bool(it) => write!(f, "{it}"),
            Literal::Number(it) => f.write_str(it),
            Literal::String(it) => f.write_str(&json_string(it)),
            Literal::Array(items) => {
                f.write_str("[")?;
                for (i, it) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write!(f, "{it}")?;
                }
                f.write_str("]")
            }
            Literal::Object(members) => {
                f.write_str("{")?;
                for (i, (key, it)) in members.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write!(f, "{}:{it}", json_string(key))?;
                }
                f.write_str("}")
            }
        }
    }
}

fn json_string(it: &str) -> String {
    serde_json::Value::from(it).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaf(location: &str) -> Schema {
        Schema {
            location: location.to_owned(),
            ..Schema::default()
        }
    }

    /// A schema with one child under every keyword that holds schemas.
    fn parent() -> Schema {
        let mut schema = leaf("#");
        schema.object.properties.push(Property {
            name: "p".to_owned(),
            schema: leaf("#/p"),
        });
        schema.object.additional = Some(Additional::Schema(Box::new(leaf("#/a"))));
        schema.object.property_names = Some(Box::new(leaf("#/n")));
        schema.array.items = Some(Box::new(leaf("#/i")));
        schema.all_of.push(leaf("#/all"));
        schema.any_of.push(leaf("#/any"));
        schema.one_of.push(leaf("#/one"));
        schema
    }

    #[test]
    fn children_lists_every_nested_schema_once_with_its_keyword() {
        let schema = parent();
        let children: Vec<(Edge, &str)> = schema
            .children()
            .into_iter()
            .map(|(edge, it)| (edge, it.location.as_str()))
            .collect();
        assert_eq!(
            children,
            [
                (Edge::Property, "#/p"),
                (Edge::AdditionalProperties, "#/a"),
                (Edge::PropertyNames, "#/n"),
                (Edge::Items, "#/i"),
                (Edge::AllOf, "#/all"),
                (Edge::AnyOf, "#/any"),
                (Edge::OneOf, "#/one"),
            ]
        );
        let same_value: Vec<Edge> = children
            .iter()
            .map(|(edge, _)| *edge)
            .filter(|it| it.same_value())
            .collect();
        assert_eq!(same_value, [Edge::AllOf, Edge::AnyOf, Edge::OneOf]);
    }

    #[test]
    fn visit_and_visit_mut_reach_every_schema_parents_first() {
        let mut schema = parent();
        schema.one_of[0].array.items = Some(Box::new(leaf("#/one/i")));
        let mut seen = Vec::new();
        schema.visit(&mut |it| seen.push(it.location.clone()));
        assert_eq!(
            seen,
            [
                "#", "#/p", "#/a", "#/n", "#/i", "#/all", "#/any", "#/one", "#/one/i"
            ]
        );
        schema.visit_mut(&mut |it| it.personal = true);
        let mut personal = 0;
        schema.visit(&mut |it| personal += usize::from(it.personal));
        assert_eq!(personal, seen.len());
    }

    #[test]
    fn divisors_are_read_exactly_and_compared_by_divisibility() {
        let d = |text: &str| Divisor::parse(text).unwrap();
        assert_eq!((d("0.0100").significand, d("0.0100").exponent), (1, -2));
        assert_eq!((d("1.5e-3").significand, d("1.5e-3").exponent), (15, -4));
        assert_eq!((d("500").significand, d("500").exponent), (5, 2));
        for bad in ["0", "-1", "0.000", "1234567890123456789"] {
            assert!(Divisor::parse(bad).is_err(), "{bad}");
        }
        assert!(d("0.02").is_multiple_of(&d("0.01")));
        assert!(!d("0.01").is_multiple_of(&d("0.02")));
        assert!(!d("0.03").is_multiple_of(&d("0.02")));
        assert!(d("1e300").is_multiple_of(&d("2e-5")));
        assert!(!d("1e300").is_multiple_of(&d("3")));
        assert_eq!(d("0.01").divides("10.10"), Some(true));
        assert_eq!(d("0.01").divides("-0.005"), Some(false));
        assert_eq!(d("0.01").divides("0"), Some(true));
        assert_eq!(d("0.01").divides("1.23456789012345678901"), None);
    }
}
