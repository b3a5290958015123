//! One description per check of a keyword ([`Check`]: the keyword it records, its schema
//! location, its [`Test`] and its message) and how each path renders it ([`Sink`]): the fast
//! `v_*` functions return `false`, the collecting `e_*` functions and the `C_*` collectors
//! record the message, and the `S_*` seeds and `O_*` state machines fail the read. Adding a
//! keyword's check is one builder here (and its row in `keywords.rs`); every path that
//! checks it renders the same description.

use super::*;

/// The two `Value` functions of a node: fast (`v_*`) or collecting (`e_*`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    Fast,
    Collect,
}

impl Mode {
    pub(super) fn sink(self) -> Sink {
        match self {
            Mode::Fast => Sink::Fast,
            Mode::Collect => Sink::Collect,
        }
    }
}

/// What failing a check does: the path it is rendered for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Sink {
    /// `v_*`: return `false`.
    Fast,
    /// `e_*` and `C_*`: record the error and go on.
    Collect,
    /// `S_*` and `O_*`: fail the read; the verdict is all that matters.
    Stream,
}

/// What a check tests, whatever the path.
pub(super) enum Test {
    MinLength(u64),
    MaxLength(u64),
    /// The matching function of a `pattern`.
    Pattern(Ident),
    /// A `format` the validator asserts, by the name of its function in `crate::rt`.
    Format(&'static str),
    /// A property name is one of these strings (`propertyNames` with an `enum`).
    NameIn(Vec<String>),
    /// `minimum`, `maximum`, `exclusiveMinimum` or `exclusiveMaximum`: the bound as an `f64`
    /// and as the spec writes it (for the exact comparison of the text paths).
    Bound(Keyword, Lit, String),
    /// `multipleOf`: the divisor's significand and the power of ten of its last digit.
    MultipleOf(u64, i64),
    /// At least this many items or members.
    MinCount(u64),
    /// At most this many items or members.
    MaxCount(u64),
    /// `enum` or `const`: the value is one of these.
    Literals(Vec<Literal>),
}

/// How the generated code holds the value a check tests.
#[derive(Clone)]
pub(super) enum Operand {
    /// A `&str`.
    Str(TokenStream),
    /// A `&serde_json::Number` `n`, in a `v_*` function.
    Number,
    /// A `&serde_json::Number` `n`, in an `e_*` function, whose collector `cx` may hold the
    /// number's JSON text (when a text collector read it).
    NumberCx,
    /// An `f64` `x`, in a streaming visitor, with `t`, the number's JSON text when the seed
    /// read it.
    Float,
    /// A `usize` length.
    Len(TokenStream),
    /// A `u64` count, in a streaming visitor.
    Count(TokenStream),
    /// A `bool` `b`, in a streaming visitor.
    Bool,
    /// The whole `&Value`.
    Value,
}

/// One check of one keyword.
pub(super) struct Check {
    /// The keyword an error records (`propertyNames` for the checks of a property name).
    pub(super) keyword: &'static str,
    /// The schema location an error records.
    pub(super) location: String,
    pub(super) test: Test,
    pub(super) operand: Operand,
    /// The message an error records, as an expression (`format!(…)`).
    pub(super) message: TokenStream,
}

impl Check {
    /// An expression that is true when the value fails the check.
    fn failing(&self) -> TokenStream {
        let (s, len) = match &self.operand {
            Operand::Str(s) => (s.clone(), TokenStream::new()),
            Operand::Len(len) => (TokenStream::new(), quote! { (#len as u64) }),
            Operand::Count(count) => (TokenStream::new(), count.clone()),
            _ => (TokenStream::new(), TokenStream::new()),
        };
        match &self.test {
            Test::MinLength(min) => {
                let min = Lit::u64_unsuffixed(*min);
                quote! { !rt::len_at_least(#s, #min) }
            }
            Test::MaxLength(max) => {
                let max = Lit::u64_unsuffixed(*max);
                quote! { !rt::len_at_most(#s, #max) }
            }
            Test::Pattern(ident) => quote! { !#ident(#s) },
            Test::Format(check) => {
                let check = format_ident!("{}", check);
                quote! { !rt::#check(#s) }
            }
            Test::NameIn(strings) => quote! { !matches!(#s, #(#strings)|*) },
            Test::Bound(keyword, value, text) => {
                let failing = match *keyword {
                    kw::MINIMUM => quote!(is_lt),
                    kw::MAXIMUM => quote!(is_gt),
                    kw::EXCLUSIVE_MINIMUM => quote!(is_le),
                    _ => quote!(is_ge),
                };
                match self.operand {
                    Operand::Float => quote! { rt::text_order(t, x, #value, #text).#failing() },
                    Operand::NumberCx => {
                        quote! { rt::number_order(cx, n, #value, #text).#failing() }
                    }
                    _ => {
                        let test = match *keyword {
                            kw::MINIMUM => quote!(rt::at_least),
                            kw::MAXIMUM => quote!(rt::at_most),
                            kw::EXCLUSIVE_MINIMUM => quote!(rt::above),
                            _ => quote!(rt::below),
                        };
                        quote! { !#test(n, #value) }
                    }
                }
            }
            Test::MultipleOf(significand, exponent) => {
                let (s, e) = (
                    Lit::u64_unsuffixed(*significand),
                    Lit::i64_unsuffixed(*exponent),
                );
                match self.operand {
                    Operand::Float => quote! { !rt::text_multiple_of(t, x, #s, #e) },
                    Operand::NumberCx => quote! { !rt::number_multiple_of(cx, n, #s, #e) },
                    _ => quote! { !rt::value_multiple_of(n, #s, #e) },
                }
            }
            Test::MinCount(min) => {
                let min = Lit::u64_unsuffixed(*min);
                quote! { #len < #min }
            }
            Test::MaxCount(max) => {
                let max = Lit::u64_unsuffixed(*max);
                quote! { #len > #max }
            }
            Test::Literals(values) => literals_failing(values, &self.operand),
        }
    }

    /// The check on the path of `sink`.
    pub(super) fn render(&self, sink: Sink) -> TokenStream {
        let failing = self.failing();
        let fail = fail(sink, self.keyword, &self.location, self.message.clone());
        quote! { if #failing { #fail } }
    }
}

/// An expression that is true when the value held by `operand` is none of `values` (a
/// streamed scalar is compared with the values of its own JSON type).
fn literals_failing(values: &[Literal], operand: &Operand) -> TokenStream {
    match operand {
        Operand::Str(s) => {
            let strings = values.iter().filter_map(|it| match it {
                Literal::String(s) => Some(s),
                _ => None,
            });
            quote! { !matches!(#s, #(#strings)|*) }
        }
        Operand::Float => {
            let numbers = values.iter().filter_map(|it| match it {
                Literal::Number(text) => {
                    Some(Lit::f64_unsuffixed(text.parse::<f64>().unwrap_or(f64::NAN)))
                }
                _ => None,
            });
            quote! { !( #( x == #numbers )||* ) }
        }
        Operand::Bool => {
            let flags: Vec<bool> = values
                .iter()
                .filter_map(|it| match it {
                    Literal::Bool(b) => Some(*b),
                    _ => None,
                })
                .collect();
            match (flags.contains(&true), flags.contains(&false)) {
                (true, true) => quote!(false),
                (true, false) => quote!(!b),
                (false, true) => quote!(b),
                (false, false) => quote!(true),
            }
        }
        _ => {
            let test = literal_test(values);
            quote! { !(#test) }
        }
    }
}

/// Every check of `checks` on the path of `sink`, in order.
pub(super) fn render(checks: &[Check], sink: Sink) -> TokenStream {
    checks.iter().map(|it| it.render(sink)).collect()
}

/// The `required` check of an object, after its members were read: each required name has
/// a bit in the mask of the names seen.
pub(super) struct RequiredSet {
    location: String,
    /// Each required name, with its bit.
    names: Vec<(String, u64)>,
    /// The mask of the names seen (`seen` in an `e_*` or `v_*` function, `self.seen` in an
    /// `O_*` state machine).
    seen: TokenStream,
    /// True when `seen` holds only the bits of required names, so comparing it with all of
    /// them is enough.
    exact: bool,
}

impl RequiredSet {
    pub(super) fn new(
        loc: &str,
        names: Vec<(String, u64)>,
        seen: TokenStream,
        exact: bool,
    ) -> RequiredSet {
        RequiredSet {
            location: kw::REQUIRED.at(loc),
            names,
            seen,
            exact,
        }
    }

    /// The check on the path of `sink`: the collecting paths record one error per missing
    /// name, the others fail once.
    pub(super) fn render(&self, sink: Sink) -> TokenStream {
        if self.names.is_empty() {
            return TokenStream::new();
        }
        let seen = &self.seen;
        let mask = Lit::u64_unsuffixed(self.names.iter().fold(0, |mask, (_, bit)| mask | bit));
        let missing = if self.exact {
            quote! { #seen != #mask }
        } else {
            quote! { #seen & #mask != #mask }
        };
        let (keyword, location) = (kw::REQUIRED.name, &self.location);
        if sink != Sink::Collect {
            let fail = fail(sink, keyword, location, TokenStream::new());
            return quote! { if #missing { #fail } };
        }
        let checks = self.names.iter().map(|(name, bit)| {
            let bit = Lit::u64_unsuffixed(*bit);
            let message = format!("\"{name}\" is required");
            quote! {
                if #seen & #bit == 0 {
                    cx.error(#keyword, #location, #message.to_owned());
                }
            }
        });
        if self.names.len() == 1 {
            quote! { #(#checks)* }
        } else {
            quote! { if #missing { #(#checks)* } }
        }
    }
}

impl<'a> Emitter<'a> {
    /// The checks of a string held by `operand` (a `&str`). `subject` says what the string is,
    /// for messages.
    pub(super) fn string_checks(
        &mut self,
        schema: &Schema,
        loc: &str,
        s: &TokenStream,
        subject: Subject,
    ) -> Vec<Check> {
        let rules = &schema.string;
        let (keyword_of, shown) = match subject {
            Subject::Value => (None, quote! { cx.show_str(#s) }),
            Subject::PropertyName => (Some(kw::PROPERTY_NAMES.name), quote! { cx.show_name(#s) }),
        };
        let check = |row: Keyword, test: Test, template: String| Check {
            keyword: keyword_of.unwrap_or(row.name),
            location: row.at(loc),
            test,
            operand: Operand::Str(s.clone()),
            message: message(&template, &shown),
        };
        let characters = |n: u64| if n == 1 { "character" } else { "characters" };
        let mut out = Vec::new();
        if let Some(min) = rules.min_length {
            let template = format!("{{}} is shorter than {min} {}", characters(min));
            out.push(check(kw::MIN_LENGTH, Test::MinLength(min), template));
        }
        if let Some(max) = rules.max_length {
            let template = format!("{{}} is longer than {max} {}", characters(max));
            out.push(check(kw::MAX_LENGTH, Test::MaxLength(max), template));
        }
        if let Some(pattern) = &rules.pattern {
            let ident = self.pattern(pattern);
            let template = format!("{{}} does not match the pattern {}", escape_braces(pattern));
            out.push(check(kw::PATTERN, Test::Pattern(ident), template));
        }
        let format = rules.format.map(kw::format_value);
        if let Some(format) = format
            && let Some(test) = format.check
        {
            let template = format!("{{}} is not {}", format.what);
            out.push(check(kw::FORMAT, Test::Format(test), template));
        }
        // A name's own type is always string; its `enum` is checked here.
        if let (Subject::PropertyName, Some(values)) = (subject, &schema.enum_values) {
            let strings: Vec<String> = values
                .iter()
                .filter_map(|it| match it {
                    Literal::String(s) => Some(s.clone()),
                    _ => None,
                })
                .collect();
            let template = format!("{{}} is not {}", escape_braces(&listing(values)));
            out.push(check(kw::ENUM, Test::NameIn(strings), template));
        }
        out
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Subject {
    /// The string is the instance.
    Value,
    /// The string is the name of a property (`propertyNames`).
    PropertyName,
}

/// The `minItems` and `maxItems` checks of an array whose length `operand` holds.
pub(super) fn item_count_checks(schema: &Schema, loc: &str, operand: Operand) -> Vec<Check> {
    let rules = &schema.array;
    counts(
        [
            (kw::MIN_ITEMS, rules.min_items),
            (kw::MAX_ITEMS, rules.max_items),
        ],
        "array",
        "item",
        loc,
        operand,
    )
}

/// The `minProperties` and `maxProperties` checks of an object whose number of members
/// `operand` holds, for the bounds `min` and `max`.
pub(super) fn property_count_checks(
    min: Option<u64>,
    max: Option<u64>,
    loc: &str,
    operand: Operand,
) -> Vec<Check> {
    let bounds = [(kw::MIN_PROPERTIES, min), (kw::MAX_PROPERTIES, max)];
    counts(bounds, "object", "property", loc, operand)
}

/// The checks of a number of items or members (`unit`) of a `container`.
fn counts(
    bounds: [(Keyword, Option<u64>); 2],
    container: &str,
    unit: &str,
    loc: &str,
    operand: Operand,
) -> Vec<Check> {
    let shown = match &operand {
        Operand::Len(len) | Operand::Count(len) => quote! { rt::count(#len, #unit) },
        _ => TokenStream::new(),
    };
    let [(low, min), (high, max)] = bounds;
    let min = min.map(|min| {
        (
            low,
            Test::MinCount(min),
            format!("fewer than the minimum of {min}"),
        )
    });
    let max = max.map(|max| {
        (
            high,
            Test::MaxCount(max),
            format!("more than the maximum of {max}"),
        )
    });
    min.into_iter()
        .chain(max)
        .map(|(row, test, words)| Check {
            keyword: row.name,
            location: row.at(loc),
            test,
            operand: operand.clone(),
            message: message(&format!("the {container} has {{}}, {words}"), &shown),
        })
        .collect()
}

/// True when the schema bounds numbers, so that the text paths read its numbers as text.
pub(super) fn has_bounds(schema: &Schema) -> bool {
    let rules = &schema.number;
    rules.minimum.is_some()
        || rules.maximum.is_some()
        || rules.exclusive_minimum.is_some()
        || rules.exclusive_maximum.is_some()
        || rules.multiple_of.is_some()
}

/// The `minimum`, `maximum`, `exclusiveMinimum` and `exclusiveMaximum` checks of a number
/// held by `operand` (`n`, a `&Number`, or `x`, an `f64`, with `t`, its text).
pub(super) fn number_checks(schema: &Schema, loc: &str, operand: Operand) -> Vec<Check> {
    let rules = &schema.number;
    let bounds = [
        (kw::MINIMUM, &rules.minimum, "is less than the minimum of"),
        (
            kw::MAXIMUM,
            &rules.maximum,
            "is greater than the maximum of",
        ),
        (
            kw::EXCLUSIVE_MINIMUM,
            &rules.exclusive_minimum,
            "is not greater than the exclusive minimum of",
        ),
        (
            kw::EXCLUSIVE_MAXIMUM,
            &rules.exclusive_maximum,
            "is not less than the exclusive maximum of",
        ),
    ];
    let shown = quote! { cx.show(value) };
    let multiple = rules.multiple_of.as_ref().map(|divisor| Check {
        keyword: kw::MULTIPLE_OF.name,
        location: kw::MULTIPLE_OF.at(loc),
        test: Test::MultipleOf(divisor.significand, divisor.exponent),
        operand: operand.clone(),
        message: message(
            &format!("{{}} is not a multiple of {}", divisor.text),
            &shown,
        ),
    });
    bounds
        .into_iter()
        .filter_map(|(row, bound, words)| {
            let bound = bound.as_ref()?;
            let text = &bound.text;
            Some(Check {
                keyword: row.name,
                location: row.at(loc),
                test: Test::Bound(row, Lit::f64_unsuffixed(bound.value), text.clone()),
                operand: operand.clone(),
                message: message(&format!("{{}} {words} {text}"), &shown),
            })
        })
        .chain(multiple)
        .collect()
}

/// The `enum` and `const` checks of `value`.
pub(super) fn literal_checks(schema: &Schema, loc: &str) -> Vec<Check> {
    let literals = [
        (kw::ENUM, schema.enum_values.clone()),
        (kw::CONST, schema.const_value.clone().map(|it| vec![it])),
    ];
    literals
        .into_iter()
        .filter_map(|(row, values)| {
            let values = values?;
            let template = format!("{{}} is not {}", escape_braces(&listing(&values)));
            Some(Check {
                keyword: row.name,
                location: row.at(loc),
                test: Test::Literals(values),
                operand: Operand::Value,
                message: message(&template, &quote! { cx.show(value) }),
            })
        })
        .collect()
}

/// The messages of a tagged `oneOf` whose tag is an unknown value (a format string with one
/// `{}`, the value) and whose tag is missing.
pub(super) fn tag_messages(discriminator: &Discriminator) -> (String, String) {
    let property = &discriminator.property;
    let tags: Vec<Literal> = discriminator
        .variants
        .iter()
        .map(|(tag, _)| Literal::String(tag.clone()))
        .collect();
    let expected = listing(&tags);
    let unknown_tag = format!(
        "\"{}\" is {{}}, which is not {}",
        escape_braces(property),
        escape_braces(&expected)
    );
    let missing_tag =
        format!("\"{property}\" is required to tell the variants apart; expected {expected}");
    (unknown_tag, missing_tag)
}

/// `"A"`, `"A" or "B"`, `one of "A", "B" or "C"`.
pub(super) fn listing(values: &[Literal]) -> String {
    let shown: Vec<String> = values.iter().map(ToString::to_string).collect();
    match shown.as_slice() {
        [one] => one.clone(),
        [rest @ .., last] => format!("one of {} or {last}", rest.join(", ")),
        [] => "nothing".to_owned(),
    }
}

/// `format!(template, argument)`, where `template` has one `{}` and the constants of the
/// check already written in.
pub(super) fn message(template: &str, argument: &TokenStream) -> TokenStream {
    quote! { format!(#template, #argument) }
}

/// Escapes text for the literal part of a format string.
pub(super) fn escape_braces(text: &str) -> String {
    text.replace('{', "{{").replace('}', "}}")
}

/// What failing a check does on each path.
pub(super) fn fail(
    sink: Sink,
    keyword: &str,
    schema_location: &str,
    message: TokenStream,
) -> TokenStream {
    match sink {
        Sink::Fast => quote! { return false; },
        Sink::Stream => quote! { return Err(stream::invalid()); },
        Sink::Collect => quote! {
            let message = #message;
            cx.error(#keyword, #schema_location, message);
        },
    }
}

/// What failing `type` does on the path of `sink` (the test itself is the `match` on the JSON
/// type of the value, which each path writes its own way).
pub(super) fn type_failure(schema: &Schema, loc: &str, sink: Sink) -> TokenStream {
    let phrase = type_phrase(schema);
    let message = quote! { rt::type_message(cx, value, #phrase) };
    fail(sink, kw::TYPE.name, &kw::TYPE.at(loc), message)
}

/// The allowed types as a phrase for messages: "a string or null".
pub(super) fn type_phrase(schema: &Schema) -> String {
    let Some(types) = &schema.types else {
        return "any value".to_owned();
    };
    let words: Vec<&str> = types
        .iter()
        .map(|it| match it {
            JsonType::Null => "null",
            JsonType::Boolean => "a boolean",
            JsonType::Integer => "an integer",
            JsonType::Number => "a number",
            JsonType::String => "a string",
            JsonType::Array => "an array",
            JsonType::Object => "an object",
        })
        .collect();
    match words.as_slice() {
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
        [] => "nothing".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codegen::ir::Bound;

    fn minimum(text: &str) -> Schema {
        let mut schema = Schema {
            location: "#/Amount".to_owned(),
            ..Schema::default()
        };
        schema.number.minimum = Some(Bound {
            text: text.to_owned(),
            value: text.parse().unwrap(),
        });
        schema
    }

    fn text(tokens: TokenStream) -> String {
        tokens
            .to_string()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn one_description_renders_on_every_path() {
        let schema = minimum("0.01");
        let value = number_checks(&schema, "/Amount", Operand::Number);
        let fast = text(render(&value, Sink::Fast));
        assert_eq!(fast, "if ! rt :: at_least (n , 0.01) { return false ; }");
        let collect = text(render(&value, Sink::Collect));
        assert!(
            collect.starts_with("if ! rt :: at_least (n , 0.01) {"),
            "{collect}"
        );
        assert!(
            collect.contains("cx . error (\"minimum\" , \"/Amount/minimum\" , message)"),
            "{collect}"
        );
        assert!(
            collect.contains("is less than the minimum of 0.01"),
            "{collect}"
        );
        let exact = number_checks(&schema, "/Amount", Operand::NumberCx);
        let exact = text(render(&exact, Sink::Collect));
        assert!(
            exact.starts_with("if rt :: number_order (cx , n , 0.01 , \"0.01\") . is_lt () {"),
            "{exact}"
        );
        let streamed = number_checks(&schema, "/Amount", Operand::Float);
        let stream = text(render(&streamed, Sink::Stream));
        assert_eq!(
            stream,
            "if rt :: text_order (t , x , 0.01 , \"0.01\") . is_lt () { return Err (stream :: invalid ()) ; }"
        );
    }

    #[test]
    fn the_required_set_renders_on_every_path() {
        let names = vec![("a".to_owned(), 1), ("b".to_owned(), 2)];
        let value = RequiredSet::new("/X", names.clone(), quote!(seen), true);
        assert_eq!(
            text(value.render(Sink::Fast)),
            "if seen != 3 { return false ; }"
        );
        let collect = text(value.render(Sink::Collect));
        assert!(collect.starts_with("if seen != 3 {"), "{collect}");
        assert!(collect.contains("\"\\\"b\\\" is required\""), "{collect}");
        let stream = RequiredSet::new("/X", names, quote!(self.seen), false);
        assert_eq!(
            text(stream.render(Sink::Stream)),
            "if self . seen & 3 != 3 { return Err (stream :: invalid ()) ; }"
        );
    }
}
