//! One description per check of a keyword ([`Check`]) and how each path renders it: the
//! `Value` functions (`v_*` fail fast, `e_*` record the message), the streaming seeds and the
//! text collectors.

use super::*;

/// Whether a check returns `false` (fast path) or records an error (collecting path).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    Fast,
    Collect,
    /// Inside a streaming visitor: fail with an error, the verdict is all that matters.
    Stream,
}

impl<'a> Emitter<'a> {
    /// Checks of a string bound to `s`. `subject` says what the string is, for messages.
    pub(super) fn string_checks(
        &mut self,
        schema: &Schema,
        mode: Mode,
        loc: &str,
        s: &TokenStream,
        subject: Subject,
    ) -> TokenStream {
        let rules = &schema.string;
        let mut out = TokenStream::new();
        let (keyword_of, shown) = match subject {
            Subject::Value => (None, quote! { cx.show_str(#s) }),
            Subject::PropertyName => (Some(kw::PROPERTY_NAMES.name), quote! { cx.show_name(#s) }),
        };
        let keyword = |own: &'static str| keyword_of.unwrap_or(own);
        if let Some(min) = rules.min_length {
            let min_lit = Lit::u64_unsuffixed(min);
            let unit = if min == 1 { "character" } else { "characters" };
            let message = message(&format!("{{}} is shorter than {min} {unit}"), &shown);
            let fail = fail(
                mode,
                keyword(kw::MIN_LENGTH.name),
                &kw::MIN_LENGTH.at(loc),
                message,
            );
            out.extend(quote! { if !rt::len_at_least(#s, #min_lit) { #fail } });
        }
        if let Some(max) = rules.max_length {
            let max_lit = Lit::u64_unsuffixed(max);
            let unit = if max == 1 { "character" } else { "characters" };
            let message = message(&format!("{{}} is longer than {max} {unit}"), &shown);
            let fail = fail(
                mode,
                keyword(kw::MAX_LENGTH.name),
                &kw::MAX_LENGTH.at(loc),
                message,
            );
            out.extend(quote! { if !rt::len_at_most(#s, #max_lit) { #fail } });
        }
        if let Some(pattern) = &rules.pattern {
            let ident = self.pattern(pattern);
            let message = message(
                &format!("{{}} does not match the pattern {}", escape_braces(pattern)),
                &shown,
            );
            let fail = fail(
                mode,
                keyword(kw::PATTERN.name),
                &kw::PATTERN.at(loc),
                message,
            );
            out.extend(quote! { if !#ident(#s) { #fail } });
        }
        if let Some(format) = rules.format {
            let (check, what) = match format {
                Format::Email => (quote!(rt::is_email), "an e-mail address"),
                Format::DateTime => (quote!(rt::is_date_time), "an RFC 3339 date-time"),
            };
            let message = message(&format!("{{}} is not {what}"), &shown);
            let fail = fail(mode, keyword(kw::FORMAT.name), &kw::FORMAT.at(loc), message);
            out.extend(quote! { if !#check(#s) { #fail } });
        }
        if subject == Subject::PropertyName {
            // The name's own type is always string; its enum and const are checked here.
            if let Some(values) = &schema.enum_values {
                let strings: Vec<&String> = values
                    .iter()
                    .filter_map(|it| {
                        if let Literal::String(s) = it {
                            Some(s)
                        } else {
                            None
                        }
                    })
                    .collect();
                let listed = listing(values);
                let message = message(
                    &format!("{{}} is not {}", escape_braces(&listed)),
                    &quote! { cx.show_name(#s) },
                );
                let fail = fail(mode, kw::PROPERTY_NAMES.name, &kw::ENUM.at(loc), message);
                out.extend(quote! { if !matches!(#s, #(#strings)|*) { #fail } });
            }
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

/// The `minItems` and `maxItems` checks of an array whose length is `len`.
pub(super) fn item_count_checks(
    schema: &Schema,
    mode: Mode,
    loc: &str,
    len: &TokenStream,
) -> TokenStream {
    let rules = &schema.array;
    let mut out = TokenStream::new();
    if let Some(min) = rules.min_items {
        let min_lit = Lit::u64_unsuffixed(min);
        let message = message(
            &format!("the array has {{}}, fewer than the minimum of {min}"),
            &quote! { rt::count(#len, "item") },
        );
        let fail = fail(mode, kw::MIN_ITEMS.name, &kw::MIN_ITEMS.at(loc), message);
        out.extend(quote! { if (#len as u64) < #min_lit { #fail } });
    }
    if let Some(max) = rules.max_items {
        let max_lit = Lit::u64_unsuffixed(max);
        let message = message(
            &format!("the array has {{}}, more than the maximum of {max}"),
            &quote! { rt::count(#len, "item") },
        );
        let fail = fail(mode, kw::MAX_ITEMS.name, &kw::MAX_ITEMS.at(loc), message);
        out.extend(quote! { if (#len as u64) > #max_lit { #fail } });
    }
    out
}

/// The `minProperties` and `maxProperties` checks of an object with `len` members.
pub(super) fn property_count_checks(
    schema: &Schema,
    mode: Mode,
    loc: &str,
    len: &TokenStream,
) -> TokenStream {
    let rules = &schema.object;
    let mut out = TokenStream::new();
    for (keyword, bound, above) in [
        (kw::MIN_PROPERTIES, rules.min_properties, false),
        (kw::MAX_PROPERTIES, rules.max_properties, true),
    ] {
        let Some(bound) = bound else { continue };
        let bound_lit = Lit::u64_unsuffixed(bound);
        let (test, word) = if above {
            (
                quote! { (#len as u64) > #bound_lit },
                "more than the maximum",
            )
        } else {
            (
                quote! { (#len as u64) < #bound_lit },
                "fewer than the minimum",
            )
        };
        let message = message(
            &format!("the object has {{}}, {word} of {bound}"),
            &quote! { rt::count(#len, "property") },
        );
        let fail = fail(mode, keyword.name, &keyword.at(loc), message);
        out.extend(quote! { if #test { #fail } });
    }
    out
}

pub(super) fn number_checks(schema: &Schema, mode: Mode, loc: &str) -> TokenStream {
    let rules = &schema.number;
    let mut out = TokenStream::new();
    let checks = [
        (
            kw::MINIMUM,
            &rules.minimum,
            quote!(rt::at_least),
            "is less than the minimum of",
        ),
        (
            kw::MAXIMUM,
            &rules.maximum,
            quote!(rt::at_most),
            "is greater than the maximum of",
        ),
        (
            kw::EXCLUSIVE_MINIMUM,
            &rules.exclusive_minimum,
            quote!(rt::above),
            "is not greater than the exclusive minimum of",
        ),
        (
            kw::EXCLUSIVE_MAXIMUM,
            &rules.exclusive_maximum,
            quote!(rt::below),
            "is not less than the exclusive maximum of",
        ),
    ];
    for (keyword, bound, test, words) in checks {
        let Some(bound) = bound else { continue };
        let value = Lit::f64_unsuffixed(bound.value);
        let text = &bound.text;
        let message = message(&format!("{{}} {words} {text}"), &quote! { cx.show(value) });
        let fail = fail(mode, keyword.name, &keyword.at(loc), message);
        out.extend(quote! { if !#test(n, #value) { #fail } });
    }
    out
}

pub(super) fn enum_and_const(schema: &Schema, mode: Mode, loc: &str) -> TokenStream {
    let mut out = TokenStream::new();
    for (keyword, values) in [
        (kw::ENUM, schema.enum_values.clone()),
        (kw::CONST, schema.const_value.clone().map(|it| vec![it])),
    ] {
        let Some(values) = values else { continue };
        let test = literal_test(&values);
        let listed = listing(&values);
        let message = message(
            &format!("{{}} is not {}", escape_braces(&listed)),
            &quote! { cx.show(value) },
        );
        let fail = fail(mode, keyword.name, &keyword.at(loc), message);
        out.extend(quote! { if !(#test) { #fail } });
    }
    out
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

/// What failing a check does in each mode.
pub(super) fn fail(
    mode: Mode,
    keyword: &str,
    schema_location: &str,
    message: TokenStream,
) -> TokenStream {
    match mode {
        Mode::Fast => quote! { return false; },
        Mode::Stream => quote! { return Err(stream::invalid()); },
        Mode::Collect => quote! {
            let message = #message;
            cx.error(#keyword, #schema_location, message);
        },
    }
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
