//! Emits `crates/runa-order-validator/src/generated.rs`: one check function per schema node, over `serde_json::Value`.
//!
//! Every schema node of the spec gets two functions:
//!
//! * `v_*(&Value) -> bool`, the fast path: it returns at the first failure and never allocates
//!   on valid input;
//! * `e_*(&Value, &mut Cx)`, which collects every error, at the instance locations where the
//!   reference implementation (the `jsonschema` crate) reports them: `allOf` and `$ref` are
//!   transparent, while a failing `oneOf` or `anyOf` is one error at its own location that
//!   names the closest branch and why.
//!
//! A node that is only a `$ref` calls the referenced definition's functions. Patterns are
//! compiled once, in statics. The runtime the generated code calls is `crate::rt`.

use std::collections::BTreeMap;

use heck::ToSnakeCase;
use proc_macro2::{Ident, Literal as Lit, TokenStream};
use quote::{format_ident, quote};

use super::{
    diagnostic::Diagnostic,
    ir::{Additional, Api, Format, JsonType, Literal, Schema},
};

/// Generates the validator of every definition.
pub fn emit(api: &Api) -> Result<TokenStream, Diagnostic> {
    let mut emitter = Emitter {
        items: Vec::new(),
        patterns: BTreeMap::new(),
        counters: BTreeMap::new(),
        names_counter: 0,
    };
    for def in &api.definitions {
        let base = def.name.to_snake_case();
        emitter.node(&def.schema, &base, &base);
    }
    let Emitter {
        items, patterns, ..
    } = emitter;

    let variants: Vec<Ident> = api
        .definitions
        .iter()
        .map(|it| format_ident!("{}", it.name))
        .collect();
    let names: Vec<&str> = api.definitions.iter().map(|it| it.name.as_str()).collect();
    let docs: Vec<String> = api
        .definitions
        .iter()
        .map(|it| {
            it.schema
                .description
                .clone()
                .unwrap_or_else(|| format!("The `{}` schema.", it.name))
        })
        .collect();
    let v_fns: Vec<Ident> = names
        .iter()
        .map(|it| format_ident!("v_{}", it.to_snake_case()))
        .collect();
    let e_fns: Vec<Ident> = names
        .iter()
        .map(|it| format_ident!("e_{}", it.to_snake_case()))
        .collect();
    let count = names.len();
    let pattern_statics = patterns.iter().map(|(pattern, ident)| {
        quote! {
            static #ident: ::std::sync::LazyLock<::regex::Regex> = ::std::sync::LazyLock::new(|| {
                ::regex::Regex::new(#pattern).expect("the generator checked this pattern")
            });
        }
    });

    Ok(quote! {
        use ::serde_json::Value;
        use crate::rt::{self, Cx};

        /// One variant per schema of the spec (`$defs` of `spec/order-api.schema.json`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Kind {
            #( #[doc = #docs] #variants, )*
        }

        impl Kind {
            /// Every kind, in spec order.
            pub const ALL: &'static [Kind] = &[ #( Kind::#variants, )* ];
            /// The number of kinds.
            pub const COUNT: usize = #count;

            /// The schema's name in `$defs`, which is also the Rust type's name.
            pub fn name(self) -> &'static str {
                match self { #( Kind::#variants => #names, )* }
            }

            /// The kind whose schema is called `name` in `$defs`.
            pub fn from_name(name: &str) -> Option<Kind> {
                match name { #( #names => Some(Kind::#variants), )* _ => None }
            }

            pub(crate) fn check(self, value: &Value) -> bool {
                match self { #( Kind::#variants => #v_fns(value), )* }
            }

            pub(crate) fn collect<'v>(self, value: &'v Value, cx: &mut Cx<'v>) {
                match self { #( Kind::#variants => #e_fns(value, cx), )* }
            }
        }

        #( #pattern_statics )*

        /// A schema without assertions accepts everything.
        #[allow(dead_code)]
        fn v_any(_: &Value) -> bool {
            true
        }

        #[allow(dead_code)]
        fn e_any<'v>(_: &'v Value, _: &mut Cx<'v>) {}

        #( #items )*
    })
}

/// `impl Validate` for the type of every definition in `runa-order-types`, so values built in
/// Rust can be checked. Kept apart from [`emit`] because the snapshot fixtures have no types
/// crate.
pub fn typed_impls(api: &Api) -> TokenStream {
    let variants: Vec<Ident> = api
        .definitions
        .iter()
        .map(|it| format_ident!("{}", it.name))
        .collect();
    quote! {
        #( impl crate::Validate for ::runa_order_types::#variants {
            const KIND: Kind = Kind::#variants;
        } )*
    }
}

/// Whether a check returns `false` (fast path) or records an error (collecting path).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Fast,
    Collect,
}

/// The two functions that check one schema node.
#[derive(Clone)]
struct Callee {
    v: Ident,
    e: Ident,
    /// A short name for messages about `oneOf` and `anyOf` branches.
    label: String,
    /// True when the schema accepts every value, so no call is needed.
    trivial: bool,
}

struct Emitter {
    items: Vec<TokenStream>,
    /// Pattern source to the name of its static.
    patterns: BTreeMap<String, Ident>,
    /// Per definition, the number of nested nodes named so far.
    counters: BTreeMap<String, usize>,
    /// The number of `propertyNames` schemas that needed their own functions.
    names_counter: usize,
}

impl Emitter {
    fn definition_callee(&self, name: &str) -> Callee {
        let snake = name.to_snake_case();
        Callee {
            v: format_ident!("v_{snake}"),
            e: format_ident!("e_{snake}"),
            label: name.to_owned(),
            trivial: false,
        }
    }

    fn pattern(&mut self, pattern: &str) -> Ident {
        let n = self.patterns.len();
        self.patterns
            .entry(pattern.to_owned())
            .or_insert_with(|| format_ident!("PATTERN_{n}"))
            .clone()
    }

    /// Emits the functions of `schema` (named after `name`) and of the nodes inside it, and
    /// returns what to call. `def` is the definition's snake-case name, for numbering.
    fn node(&mut self, schema: &Schema, name: &str, def: &str) -> Callee {
        if let Some(target) = &schema.reference {
            return self.definition_callee(target);
        }
        let label = label(schema);
        if is_trivial(schema) && name != def {
            return Callee {
                v: format_ident!("v_any"),
                e: format_ident!("e_any"),
                label,
                trivial: true,
            };
        }
        let child = |this: &mut Self, schema: &Schema| {
            let n = this.counters.entry(def.to_owned()).or_insert(0);
            *n += 1;
            let child_name = format!("{def}_{n}");
            this.node(schema, &child_name, def)
        };

        // Children first, so that their callees are known.
        let properties: Vec<(String, Callee, bool)> = schema
            .object
            .properties
            .iter()
            .map(|it| {
                (
                    it.name.clone(),
                    child(self, &it.schema),
                    schema.object.required.contains(&it.name),
                )
            })
            .collect();
        let additional = match &schema.object.additional {
            Some(Additional::Schema(it)) => Some(child(self, it)),
            _ => None,
        };
        let items = schema.array.items.as_deref().map(|it| child(self, it));
        let all_of: Vec<Callee> = schema.all_of.iter().map(|it| child(self, it)).collect();
        let any_of: Vec<Callee> = schema.any_of.iter().map(|it| child(self, it)).collect();
        let one_of: Vec<Callee> = schema.one_of.iter().map(|it| child(self, it)).collect();

        let parts = Parts {
            properties,
            additional,
            items,
            all_of,
            any_of,
            one_of,
        };
        let v = format_ident!("v_{name}");
        let e = format_ident!("e_{name}");
        let fast = self.body(schema, &parts, Mode::Fast);
        let collect = self.body(schema, &parts, Mode::Collect);
        let doc = format!("Checks `{}`.", schema.location);
        let (enter, leave) = if schema.personal {
            (
                quote! { cx.enter_personal(); },
                quote! { cx.leave_personal(); },
            )
        } else {
            (quote! {}, quote! {})
        };
        self.items.push(quote! {
            #[doc = #doc]
            #[allow(unused_variables, clippy::needless_return)]
            fn #v(value: &Value) -> bool {
                #fast
                true
            }
            #[doc = #doc]
            #[allow(unused_variables, clippy::needless_return)]
            fn #e<'v>(value: &'v Value, cx: &mut Cx<'v>) {
                #enter
                #collect
                #leave
            }
        });
        Callee {
            v,
            e,
            label,
            trivial: false,
        }
    }

    /// The statements that check `value` against `schema`.
    fn body(&mut self, schema: &Schema, parts: &Parts, mode: Mode) -> TokenStream {
        let loc = schema.location.trim_start_matches('#').to_owned();
        let mut out = TokenStream::new();
        out.extend(self.type_dispatch(schema, parts, mode, &loc));
        out.extend(enum_and_const(schema, mode, &loc));
        // allOf: every branch applies; errors are reported where each branch finds them.
        for branch in parts.all_of.iter().filter(|it| !it.trivial) {
            let (v, e) = (&branch.v, &branch.e);
            out.extend(match mode {
                Mode::Fast => quote! { if !#v(value) { return false; } },
                Mode::Collect => quote! { #e(value, cx); },
            });
        }
        if !parts.any_of.is_empty() {
            out.extend(any_of(&parts.any_of, mode, &format!("{loc}/anyOf")));
        }
        if !parts.one_of.is_empty() {
            out.extend(self.one_of(schema, &parts.one_of, mode, &format!("{loc}/oneOf")));
        }
        out
    }

    /// A `match` on the JSON type of `value`, with the type-specific keywords inside each arm.
    fn type_dispatch(
        &mut self,
        schema: &Schema,
        parts: &Parts,
        mode: Mode,
        loc: &str,
    ) -> TokenStream {
        let allowed = |ty: JsonType| schema.types.as_ref().is_none_or(|it| it.contains(&ty));
        let mut arms = TokenStream::new();
        let string = self.string_checks(schema, mode, loc, &quote!(s), Subject::Value);
        if allowed(JsonType::String) && !string.is_empty() {
            arms.extend(quote! { Value::String(s) => { #string } });
        }
        let number = number_checks(schema, mode, loc);
        let integer_only = schema
            .types
            .as_ref()
            .is_some_and(|it| it.contains(&JsonType::Integer) && !it.contains(&JsonType::Number));
        if allowed(JsonType::Number) || allowed(JsonType::Integer) {
            let phrase = type_phrase(schema);
            let integer_check = fail(
                mode,
                "type",
                &format!("{loc}/type"),
                quote! { rt::type_message(cx, value, #phrase) },
            );
            if integer_only && number.is_empty() {
                arms.extend(
                    quote! { Value::Number(n) => { if !rt::is_integer(n) { #integer_check } } },
                );
            } else if integer_only {
                arms.extend(quote! { Value::Number(n) => { if !rt::is_integer(n) { #integer_check } else { #number } } });
            } else if !number.is_empty() {
                arms.extend(quote! { Value::Number(n) => { #number } });
            }
        }
        let array = self.array_checks(schema, parts, mode, loc);
        if allowed(JsonType::Array) && !array.is_empty() {
            arms.extend(quote! { Value::Array(a) => { #array } });
        }
        let object = self.object_checks(schema, parts, mode, loc);
        if allowed(JsonType::Object) && !object.is_empty() {
            arms.extend(quote! { Value::Object(m) => { #object } });
        }
        let Some(types) = &schema.types else {
            if arms.is_empty() {
                return TokenStream::new();
            }
            return quote! { match value { #arms _ => {} } };
        };
        // The types that are allowed but need no check, then everything else is a type error.
        let mut quiet = Vec::new();
        for ty in types {
            match ty {
                JsonType::Null => quiet.push(quote!(Value::Null)),
                JsonType::Boolean => quiet.push(quote!(Value::Bool(_))),
                JsonType::String if string.is_empty() => quiet.push(quote!(Value::String(_))),
                JsonType::Number | JsonType::Integer if number.is_empty() && !integer_only => {
                    quiet.push(quote!(Value::Number(_)))
                }
                JsonType::Array if array.is_empty() => quiet.push(quote!(Value::Array(_))),
                JsonType::Object if object.is_empty() => quiet.push(quote!(Value::Object(_))),
                _ => {}
            }
        }
        let mut distinct: Vec<String> = Vec::new();
        quiet.retain(|it| {
            let text = it.to_string();
            let new = !distinct.contains(&text);
            distinct.push(text);
            new
        });
        let quiet = if quiet.is_empty() {
            TokenStream::new()
        } else {
            quote! { #(#quiet)|* => {} }
        };
        let phrase = type_phrase(schema);
        let wrong = fail(
            mode,
            "type",
            &format!("{loc}/type"),
            quote! { rt::type_message(cx, value, #phrase) },
        );
        quote! { match value { #arms #quiet _ => { #wrong } } }
    }

    /// Checks of a string bound to `s`. `subject` says what the string is, for messages.
    fn string_checks(
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
            Subject::PropertyName => (Some("propertyNames"), quote! { cx.show_name(#s) }),
        };
        let keyword = |own: &'static str| keyword_of.unwrap_or(own);
        if let Some(min) = rules.min_length {
            let min_lit = Lit::u64_unsuffixed(min);
            let unit = if min == 1 { "character" } else { "characters" };
            let message = message(&format!("{{}} is shorter than {min} {unit}"), &shown);
            let fail = fail(
                mode,
                keyword("minLength"),
                &format!("{loc}/minLength"),
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
                keyword("maxLength"),
                &format!("{loc}/maxLength"),
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
            let fail = fail(mode, keyword("pattern"), &format!("{loc}/pattern"), message);
            out.extend(quote! { if !#ident.is_match(#s) { #fail } });
        }
        if let Some(format) = rules.format {
            let (check, what) = match format {
                Format::Email => (quote!(rt::is_email), "an e-mail address"),
                Format::DateTime => (quote!(rt::is_date_time), "an RFC 3339 date-time"),
            };
            let message = message(&format!("{{}} is not {what}"), &shown);
            let fail = fail(mode, keyword("format"), &format!("{loc}/format"), message);
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
                let fail = fail(mode, "propertyNames", &format!("{loc}/enum"), message);
                out.extend(quote! { if !matches!(#s, #(#strings)|*) { #fail } });
            }
        }
        out
    }

    fn array_checks(
        &mut self,
        schema: &Schema,
        parts: &Parts,
        mode: Mode,
        loc: &str,
    ) -> TokenStream {
        let rules = &schema.array;
        let mut out = TokenStream::new();
        if let Some(min) = rules.min_items {
            let min_lit = Lit::u64_unsuffixed(min);
            let message = message(
                &format!("the array has {{}}, fewer than the minimum of {min}"),
                &quote! { rt::count(a.len(), "item") },
            );
            let fail = fail(mode, "minItems", &format!("{loc}/minItems"), message);
            out.extend(quote! { if (a.len() as u64) < #min_lit { #fail } });
        }
        if let Some(max) = rules.max_items {
            let max_lit = Lit::u64_unsuffixed(max);
            let message = message(
                &format!("the array has {{}}, more than the maximum of {max}"),
                &quote! { rt::count(a.len(), "item") },
            );
            let fail = fail(mode, "maxItems", &format!("{loc}/maxItems"), message);
            out.extend(quote! { if (a.len() as u64) > #max_lit { #fail } });
        }
        if rules.unique_items {
            out.extend(match mode {
                Mode::Fast => quote! { if rt::first_duplicate(a).is_some() { return false; } },
                Mode::Collect => {
                    let schema_loc = format!("{loc}/uniqueItems");
                    quote! {
                        if let Some((i, j)) = rt::first_duplicate(a) {
                            cx.error("uniqueItems", #schema_loc, format!("items {} and {} are equal", i, j));
                        }
                    }
                }
            });
        }
        if let Some(items) = parts.items.as_ref().filter(|it| !it.trivial) {
            let (v, e) = (&items.v, &items.e);
            out.extend(match mode {
                Mode::Fast => quote! { for item in a { if !#v(item) { return false; } } },
                Mode::Collect => quote! {
                    for (i, item) in a.iter().enumerate() {
                        cx.push_index(i);
                        #e(item, cx);
                        cx.pop();
                    }
                },
            });
        }
        out
    }

    fn object_checks(
        &mut self,
        schema: &Schema,
        parts: &Parts,
        mode: Mode,
        loc: &str,
    ) -> TokenStream {
        let rules = &schema.object;
        let mut out = TokenStream::new();
        // Every required name gets a bit; names required but not listed in `properties` too.
        let mut required: Vec<&String> = parts
            .properties
            .iter()
            .filter(|it| it.2)
            .map(|it| &it.0)
            .collect();
        required.extend(
            rules
                .required
                .iter()
                .filter(|name| !parts.properties.iter().any(|it| &it.0 == *name)),
        );
        let bit = |name: &String| {
            required
                .iter()
                .position(|it| *it == name)
                .map(|i| 1u64 << i)
        };
        let needs_loop = !parts.properties.is_empty()
            || !required.is_empty()
            || rules.additional.is_some()
            || rules.property_names.is_some();
        if needs_loop {
            let mut arms = TokenStream::new();
            let mut listed: Vec<&String> = Vec::new();
            for (name, callee, _) in &parts.properties {
                listed.push(name);
                let mark = bit(name).map(|bit| {
                    let bit = Lit::u64_unsuffixed(bit);
                    quote! { seen |= #bit; }
                });
                let check = if callee.trivial {
                    TokenStream::new()
                } else {
                    let (v, e) = (&callee.v, &callee.e);
                    match mode {
                        Mode::Fast => quote! { if !#v(item) { return false; } },
                        Mode::Collect => quote! { cx.push_key(key); #e(item, cx); cx.pop(); },
                    }
                };
                arms.extend(quote! { #name => { #mark #check } });
            }
            for name in required.iter().filter(|it| !listed.contains(it)) {
                let bit = Lit::u64_unsuffixed(bit(name).unwrap_or_default());
                arms.extend(quote! { #name => { seen |= #bit; } });
            }
            let other = match (&rules.additional, &parts.additional) {
                (Some(Additional::Forbidden), _) => {
                    let schema_loc = format!("{loc}/additionalProperties");
                    match mode {
                        Mode::Fast => quote! { return false; },
                        Mode::Collect => quote! {
                            cx.error("additionalProperties", #schema_loc, format!("{} is not allowed here", cx.show_name(key)));
                        },
                    }
                }
                (_, Some(callee)) if !callee.trivial => {
                    let (v, e) = (&callee.v, &callee.e);
                    match mode {
                        Mode::Fast => quote! { if !#v(item) { return false; } },
                        Mode::Collect => quote! { cx.push_key(key); #e(item, cx); cx.pop(); },
                    }
                }
                _ => TokenStream::new(),
            };
            let names = match &rules.property_names {
                Some(names) => self.property_names(names, mode, loc),
                None => TokenStream::new(),
            };
            let declare = if required.is_empty() {
                quote!()
            } else {
                quote! { let mut seen: u64 = 0; }
            };
            let dispatch = if arms.is_empty() {
                other
            } else {
                quote! { match key { #arms _ => { #other } } }
            };
            out.extend(quote! {
                #declare
                for (key, item) in m {
                    let key: &str = key;
                    #names
                    #dispatch
                }
            });
            if !required.is_empty() {
                let all = Lit::u64_unsuffixed(if required.len() == 64 {
                    u64::MAX
                } else {
                    (1u64 << required.len()) - 1
                });
                let schema_loc = format!("{loc}/required");
                out.extend(match mode {
                    Mode::Fast => quote! { if seen != #all { return false; } },
                    Mode::Collect => {
                        let checks = required.iter().enumerate().map(|(i, name)| {
                            let bit = Lit::u64_unsuffixed(1u64 << i);
                            let message = format!("\"{name}\" is required");
                            quote! { if seen & #bit == 0 { cx.error("required", #schema_loc, #message.to_owned()); } }
                        });
                        if required.len() == 1 {
                            quote! { #(#checks)* }
                        } else {
                            quote! { if seen != #all { #(#checks)* } }
                        }
                    }
                });
            }
        }
        for (keyword, bound, above) in [
            ("minProperties", rules.min_properties, false),
            ("maxProperties", rules.max_properties, true),
        ] {
            let Some(bound) = bound else { continue };
            let bound_lit = Lit::u64_unsuffixed(bound);
            let (test, word) = if above {
                (
                    quote! { (m.len() as u64) > #bound_lit },
                    "more than the maximum",
                )
            } else {
                (
                    quote! { (m.len() as u64) < #bound_lit },
                    "fewer than the minimum",
                )
            };
            let message = message(
                &format!("the object has {{}}, {word} of {bound}"),
                &quote! { rt::count(m.len(), "property") },
            );
            let fail = fail(mode, keyword, &format!("{loc}/{keyword}"), message);
            out.extend(quote! { if #test { #fail } });
        }
        out
    }

    /// Checks of each key against `propertyNames`. Names are strings, so a schema that only
    /// constrains strings is checked on the `&str`; any other schema gets the name as a value.
    fn property_names(&mut self, names: &Schema, mode: Mode, loc: &str) -> TokenStream {
        let names_loc = format!("{loc}/propertyNames");
        let string_only = names.reference.is_none()
            && names
                .types
                .as_ref()
                .is_none_or(|it| it.contains(&JsonType::String))
            && names.const_value.is_none()
            && names.all_of.is_empty()
            && names.any_of.is_empty()
            && names.one_of.is_empty()
            && names
                .enum_values
                .as_ref()
                .is_none_or(|values| values.iter().all(|it| matches!(it, Literal::String(_))));
        if string_only {
            return self.string_checks(
                names,
                mode,
                &names_loc,
                &quote!(key),
                Subject::PropertyName,
            );
        }
        self.names_counter += 1;
        let name = format!("property_names_{}", self.names_counter);
        let callee = self.node(names, &name, &name);
        let v = &callee.v;
        match mode {
            Mode::Fast => quote! { if !#v(&Value::String(key.to_owned())) { return false; } },
            Mode::Collect => quote! {
                let name = Value::String(key.to_owned());
                if !#v(&name) {
                    cx.error("propertyNames", #names_loc, format!("{} is not allowed", cx.show_name(key)));
                }
            },
        }
    }

    fn one_of(
        &mut self,
        schema: &Schema,
        branches: &[Callee],
        mode: Mode,
        loc: &str,
    ) -> TokenStream {
        if let Some(discriminator) = &schema.discriminator {
            // Each branch requires `property` with its own single value, so the value of the
            // tag picks the only branch that can match.
            let property = &discriminator.property;
            let tags: Vec<&String> = discriminator.variants.iter().map(|it| &it.0).collect();
            let callees: Vec<Callee> = discriminator
                .variants
                .iter()
                .map(|(_, name)| self.definition_callee(name))
                .collect();
            let expected = listing(
                &tags
                    .iter()
                    .map(|it| Literal::String((*it).clone()))
                    .collect::<Vec<_>>(),
            );
            let unknown_tag = format!(
                "\"{}\" is {{}}, which is not {}",
                escape_braces(property),
                escape_braces(&expected)
            );
            let missing_tag = format!(
                "\"{property}\" is required to tell the variants apart; expected {expected}"
            );
            return match mode {
                Mode::Fast => {
                    let v = callees.iter().map(|it| &it.v);
                    quote! {
                        match value.get(#property).and_then(Value::as_str) {
                            #( Some(#tags) => if !#v(value) { return false; }, )*
                            _ => return false,
                        }
                    }
                }
                Mode::Collect => {
                    let e = callees.iter().map(|it| &it.e);
                    quote! {
                        match value {
                            Value::Object(m) => match m.get(#property) {
                                #( Some(Value::String(tag)) if tag == #tags => {
                                    let causes = cx.branch(|cx| #e(value, cx));
                                    cx.tagged_error(#loc, #property, #tags, causes);
                                } )*
                                Some(tag) => {
                                    let message = format!(#unknown_tag, cx.show(tag));
                                    cx.error("oneOf", #loc, message);
                                }
                                None => {
                                    let message = #missing_tag.to_owned();
                                    cx.error("oneOf", #loc, message);
                                }
                            },
                            other => {
                                let message = rt::type_message(cx, other, "an object");
                                cx.error("oneOf", #loc, message);
                            }
                        }
                    }
                }
            };
        }
        let v: Vec<&Ident> = branches.iter().map(|it| &it.v).collect();
        let e: Vec<&Ident> = branches.iter().map(|it| &it.e).collect();
        let labels: Vec<&str> = branches.iter().map(|it| it.label.as_str()).collect();
        match mode {
            Mode::Fast => quote! {
                let mut matched = 0usize;
                #( if #v(value) { matched += 1; if matched > 1 { return false; } } )*
                if matched != 1 { return false; }
            },
            Mode::Collect => quote! {
                let valid = [ #( #v(value) ),* ];
                let matched = valid.iter().filter(|it| **it).count();
                if matched != 1 {
                    let labels: &[&str] = &[ #( #labels ),* ];
                    let branches = if matched == 0 {
                        vec![ #( cx.branch(|cx| #e(value, cx)) ),* ]
                    } else {
                        Vec::new()
                    };
                    cx.one_of_error(#loc, labels, &valid, branches);
                }
            },
        }
    }
}

/// The callees of the schemas nested in one node.
struct Parts {
    properties: Vec<(String, Callee, bool)>,
    additional: Option<Callee>,
    items: Option<Callee>,
    all_of: Vec<Callee>,
    any_of: Vec<Callee>,
    one_of: Vec<Callee>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Subject {
    /// The string is the instance.
    Value,
    /// The string is the name of a property (`propertyNames`).
    PropertyName,
}

fn any_of(branches: &[Callee], mode: Mode, loc: &str) -> TokenStream {
    let v: Vec<&Ident> = branches.iter().map(|it| &it.v).collect();
    let e: Vec<&Ident> = branches.iter().map(|it| &it.e).collect();
    let labels: Vec<&str> = branches.iter().map(|it| it.label.as_str()).collect();
    match mode {
        Mode::Fast => quote! { if !( #( #v(value) )||* ) { return false; } },
        Mode::Collect => quote! {
            if !( #( #v(value) )||* ) {
                let branches = vec![ #( cx.branch(|cx| #e(value, cx)) ),* ];
                cx.any_of_error(#loc, &[ #( #labels ),* ], branches);
            }
        },
    }
}

fn number_checks(schema: &Schema, mode: Mode, loc: &str) -> TokenStream {
    let rules = &schema.number;
    let mut out = TokenStream::new();
    let checks = [
        (
            "minimum",
            &rules.minimum,
            quote!(rt::at_least),
            "is less than the minimum of",
        ),
        (
            "maximum",
            &rules.maximum,
            quote!(rt::at_most),
            "is greater than the maximum of",
        ),
        (
            "exclusiveMinimum",
            &rules.exclusive_minimum,
            quote!(rt::above),
            "is not greater than the exclusive minimum of",
        ),
        (
            "exclusiveMaximum",
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
        let fail = fail(mode, keyword, &format!("{loc}/{keyword}"), message);
        out.extend(quote! { if !#test(n, #value) { #fail } });
    }
    out
}

fn enum_and_const(schema: &Schema, mode: Mode, loc: &str) -> TokenStream {
    let mut out = TokenStream::new();
    for (keyword, values) in [
        ("enum", schema.enum_values.clone()),
        ("const", schema.const_value.clone().map(|it| vec![it])),
    ] {
        let Some(values) = values else { continue };
        let test = literal_test(&values);
        let listed = listing(&values);
        let message = message(
            &format!("{{}} is not {}", escape_braces(&listed)),
            &quote! { cx.show(value) },
        );
        let fail = fail(mode, keyword, &format!("{loc}/{keyword}"), message);
        out.extend(quote! { if !(#test) { #fail } });
    }
    out
}

/// An expression that is true when `value` equals one of `values` (all scalars; `lower`
/// refuses arrays and objects). Numbers compare by value, as JSON Schema says.
fn literal_test(values: &[Literal]) -> TokenStream {
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
    let mut tests = Vec::new();
    if !strings.is_empty() {
        tests.push(quote! { matches!(value.as_str(), Some(#(#strings)|*)) });
    }
    for value in values {
        match value {
            Literal::Null => tests.push(quote! { value.is_null() }),
            Literal::Bool(b) => tests.push(quote! { value.as_bool() == Some(#b) }),
            Literal::Number(text) => {
                let n = Lit::f64_unsuffixed(text.parse::<f64>().unwrap_or(f64::NAN));
                tests.push(quote! { rt::number_is(value, #n) });
            }
            Literal::String(_) | Literal::Array(_) | Literal::Object(_) => {}
        }
    }
    if tests.is_empty() {
        return quote!(false);
    }
    quote! { #(#tests)||* }
}

/// `"A"`, `"A" or "B"`, `one of "A", "B" or "C"`.
fn listing(values: &[Literal]) -> String {
    let shown: Vec<String> = values.iter().map(ToString::to_string).collect();
    match shown.as_slice() {
        [one] => one.clone(),
        [rest @ .., last] => format!("one of {} or {last}", rest.join(", ")),
        [] => "nothing".to_owned(),
    }
}

/// `format!(template, argument)`, where `template` has one `{}` and the constants of the
/// check already written in.
fn message(template: &str, argument: &TokenStream) -> TokenStream {
    quote! { format!(#template, #argument) }
}

/// Escapes text for the literal part of a format string.
fn escape_braces(text: &str) -> String {
    text.replace('{', "{{").replace('}', "}}")
}

/// What failing a check does in each mode.
fn fail(mode: Mode, keyword: &str, schema_location: &str, message: TokenStream) -> TokenStream {
    match mode {
        Mode::Fast => quote! { return false; },
        Mode::Collect => quote! {
            let message = #message;
            cx.error(#keyword, #schema_location, message);
        },
    }
}

/// The allowed types as a phrase for messages: "a string or null".
fn type_phrase(schema: &Schema) -> String {
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

/// A short name for a branch in messages.
fn label(schema: &Schema) -> String {
    if let Some(name) = &schema.reference {
        return name.clone();
    }
    if let Some(title) = &schema.title {
        return title.clone();
    }
    match schema.types.as_deref() {
        Some([one]) => one.name().to_owned(),
        _ => "the inline schema".to_owned(),
    }
}

/// True for a schema without any assertion (annotations only).
fn is_trivial(schema: &Schema) -> bool {
    let bare = Schema {
        location: schema.location.clone(),
        title: schema.title.clone(),
        description: schema.description.clone(),
        default: schema.default.clone(),
        examples: schema.examples.clone(),
        ..Schema::default()
    };
    *schema == bare
}
