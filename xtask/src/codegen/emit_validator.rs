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
        api,
        nodes: Vec::new(),
        index: BTreeMap::new(),
        items: Vec::new(),
        patterns: BTreeMap::new(),
        counters: BTreeMap::new(),
        names_counter: 0,
        lanes: Default::default(),
    };
    for def in &api.definitions {
        let base = def.name.to_snake_case();
        let callee = emitter.node(&def.schema, &base, &base);
        if def.schema.reference.is_some() {
            // A definition that is only a `$ref` gets no functions from `node`; it checks with
            // its target's, under its own names, so that `Kind` and references can name it.
            let streams = emitter.reading(&def.schema, &callee) == Reading::Streams;
            emitter
                .items
                .push(alias(&base, &callee, def.schema.personal, streams));
        }
    }
    // Every node has a name now, so the streaming seeds can refer to any of them. Only the
    // seeds reachable from a definition's seed are kept: the children of a node read into a
    // `Value`, and the object schemas merged into an `allOf`, have no seed of their own.
    let seeds: Vec<(String, TokenStream)> = (0..emitter.nodes.len())
        .map(|i| (emitter.nodes[i].1.s.to_string(), emitter.stream(i)))
        .collect();
    // The text collectors, which take the verdicts of branches from their seeds.
    let collectors: Vec<TokenStream> = (0..emitter.nodes.len())
        .filter_map(|i| emitter.collector(i))
        .collect();
    let document_collectors: Vec<TokenStream> = api
        .definitions
        .iter()
        .map(|it| emitter.document_collector(&it.name))
        .collect();
    let mut reachable: std::collections::BTreeSet<String> = api
        .definitions
        .iter()
        .map(|it| format!("S_{}", it.name.to_snake_case()))
        .collect();
    for tokens in &collectors {
        seed_names(tokens.clone(), &mut reachable);
    }
    let mut queue: Vec<String> = reachable.iter().cloned().collect();
    while let Some(name) = queue.pop() {
        let Some((_, tokens)) = seeds.iter().find(|(it, _)| *it == name) else {
            continue;
        };
        let mut named = std::collections::BTreeSet::new();
        seed_names(tokens.clone(), &mut named);
        for other in named {
            if reachable.insert(other.clone()) {
                queue.push(other);
            }
        }
    }
    for (name, tokens) in seeds {
        if reachable.contains(&name) {
            emitter.items.push(tokens);
        }
    }
    emitter.items.extend(collectors);
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
    let s_seeds: Vec<Ident> = names
        .iter()
        .map(|it| format_ident!("S_{}", it.to_snake_case()))
        .collect();
    let e_fns: Vec<Ident> = names
        .iter()
        .map(|it| format_ident!("e_{}", it.to_snake_case()))
        .collect();
    let count = names.len();
    let pattern_statics = patterns.iter().map(|(pattern, ident)| {
        let doc = format!("Matches `{pattern}`.");
        let body = super::pattern::matcher(pattern).unwrap_or_else(|| {
            quote! {
                static PATTERN: ::std::sync::LazyLock<::regex::Regex> = ::std::sync::LazyLock::new(|| {
                    ::regex::Regex::new(#pattern).expect("the generator checked this pattern")
                });
                PATTERN.is_match(s)
            }
        });
        quote! {
            #[doc = #doc]
            #[allow(clippy::manual_is_ascii_check)]
            fn #ident(s: &str) -> bool {
                #body
            }
        }
    });

    Ok(quote! {
        use ::serde::de::{self, DeserializeSeed, Deserializer, Visitor};
        // Only a spec with a `oneOf` the streaming seeds read as raw text uses `RawValue`.
        #[allow(unused_imports)]
        use ::serde_json::{Value, value::RawValue};
        use crate::rt::{self, Cx};
        use crate::stream;

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
        }

        impl crate::Schema for Kind {
            fn name(self) -> &'static str {
                Kind::name(self)
            }

            fn check(self, value: &Value) -> bool {
                match self { #( Kind::#variants => #v_fns(value), )* }
            }

            fn collect(self, value: &Value, cx: &mut Cx) {
                match self { #( Kind::#variants => #e_fns(value, cx), )* }
            }

            fn check_slice(self, bytes: &[u8]) -> bool {
                match self { #( Kind::#variants => stream::check_document(#s_seeds, bytes), )* }
            }

            fn collect_text(self, text: &str, cx: &mut Cx) {
                match self { #( Kind::#variants => #document_collectors, )* }
            }
        }

        #( #pattern_statics )*

        /// A schema without assertions accepts everything.
        #[allow(dead_code)]
        fn v_any(_: &Value) -> bool {
            true
        }

        #[allow(dead_code)]
        fn e_any(_: &Value, _: &mut Cx) {}

        #( #items )*
    })
}

/// `impl Validate` for the type of every definition, in the module `types` (`runa-order-types`
/// for the validator crate), so values built in Rust can be checked and the client links each
/// body type to its schema. Kept apart from [`emit`] because the snapshots of the fixtures'
/// validators show the checks only.
pub fn typed_impls(api: &Api, types: &TokenStream) -> TokenStream {
    let variants: Vec<Ident> = api
        .definitions
        .iter()
        .map(|it| format_ident!("{}", it.name))
        .collect();
    quote! {
        #( impl crate::Validate for #types::#variants {
            type Kind = Kind;
            const KIND: Kind = Kind::#variants;
        } )*
    }
}

/// The functions, seed and (when `streams`, the target reading as a collector) text
/// collector of a definition `name` that is only a reference to `target`.
fn alias(name: &str, target: &Callee, personal: bool, streams: bool) -> TokenStream {
    let (v, e, seed) = (
        format_ident!("v_{name}"),
        format_ident!("e_{name}"),
        format_ident!("S_{name}"),
    );
    let (tv, te, ts) = (&target.v, &target.e, &target.s);
    let (enter, leave) = if personal {
        (
            quote! { cx.enter_personal(); },
            quote! { cx.leave_personal(); },
        )
    } else {
        (quote! {}, quote! {})
    };
    let collector = streams.then(|| {
        let (c, tc) = (format_ident!("C_{name}"), collector_ident(target));
        let read = if personal {
            quote! {
                let cx = self.0;
                cx.enter_personal();
                let outcome = #tc(&mut *cx).deserialize(deserializer);
                cx.leave_personal();
                outcome
            }
        } else {
            quote! { #tc(self.0).deserialize(deserializer) }
        };
        quote! {
            #[allow(non_camel_case_types, dead_code)]
            struct #c<'c>(&'c mut Cx);
            impl<'de> DeserializeSeed<'de> for #c<'_> {
                type Value = ();
                fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
                    #read
                }
            }
        }
    });
    quote! {
        fn #v(value: &Value) -> bool {
            #tv(value)
        }
        fn #e(value: &Value, cx: &mut Cx) {
            #enter
            #te(value, cx);
            #leave
        }
        #[derive(Clone, Copy)]
        #[allow(non_camel_case_types)]
        struct #seed;
        impl<'de> DeserializeSeed<'de> for #seed {
            type Value = ();
            fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
                #ts.deserialize(deserializer)
            }
        }
        #collector
    }
}

/// Whether a check returns `false` (fast path) or records an error (collecting path).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Fast,
    Collect,
    /// Inside a streaming visitor: fail with an error, the verdict is all that matters.
    Stream,
}

/// The two functions that check one schema node.
#[derive(Clone)]
struct Callee {
    v: Ident,
    e: Ident,
    /// The streaming seed type.
    s: Ident,
    /// A short name for messages about `oneOf` and `anyOf` branches.
    label: String,
    /// True when the schema accepts every value, so no call is needed.
    trivial: bool,
    /// True when the collecting function costs no more than the fast one on a valid value
    /// (an array, whose collector checks each item with the item's fast function, or an object
    /// or `allOf` that holds one), so a parent collecting errors calls it directly instead of
    /// walking the array twice.
    direct: bool,
}

struct Emitter<'a> {
    api: &'a Api,
    items: Vec<TokenStream>,
    /// Every emitted node, its callee and its children's callees, in emission order.
    nodes: Vec<(&'a Schema, Callee, Parts)>,
    /// Schema location to position in `nodes`.
    index: BTreeMap<String, usize>,
    /// Pattern source to the name of its matching function.
    patterns: BTreeMap<String, Ident>,
    /// Per definition, the number of nested nodes named so far.
    counters: BTreeMap<String, usize>,
    /// The number of `propertyNames` schemas that needed their own functions.
    names_counter: usize,
    /// `lanes_of` of each node already asked, by schema location: without it, a chain of
    /// `anyOf`s whose branches refer to the next level twice takes time exponential in its
    /// depth (each level asks both branches, which ask both of theirs).
    lanes: std::cell::RefCell<BTreeMap<String, Option<Vec<Lane>>>>,
}

impl<'a> Emitter<'a> {
    fn definition_callee(&self, name: &str) -> Callee {
        let snake = name.to_snake_case();
        Callee {
            v: format_ident!("v_{snake}"),
            e: format_ident!("e_{snake}"),
            s: format_ident!("S_{snake}"),
            label: name.to_owned(),
            trivial: false,
            direct: false,
        }
    }

    fn pattern(&mut self, pattern: &str) -> Ident {
        let n = self.patterns.len();
        self.patterns
            .entry(pattern.to_owned())
            .or_insert_with(|| format_ident!("pattern_{n}"))
            .clone()
    }

    /// Emits the functions of `schema` (named after `name`) and of the nodes inside it, and
    /// returns what to call. `def` is the definition's snake-case name, for numbering.
    fn node(&mut self, schema: &'a Schema, name: &str, def: &str) -> Callee {
        if let Some(target) = &schema.reference {
            return self.definition_callee(target);
        }
        let label = label(schema);
        if is_trivial(schema) && name != def {
            return Callee {
                v: format_ident!("v_any"),
                e: format_ident!("e_any"),
                s: format_ident!("S_any"),
                label,
                trivial: true,
                direct: false,
            };
        }
        let child = |this: &mut Self, schema: &'a Schema| {
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
        // A collecting function that calls an array's collector directly costs no more than
        // the fast function on a valid value, so its parents may call it directly too.
        let direct = parts.items.is_some()
            || parts.properties.iter().any(|it| it.1.direct)
            || parts.all_of.iter().any(|it| it.direct)
            || parts.additional.as_ref().is_some_and(|it| it.direct);
        let v = format_ident!("v_{name}");
        let e = format_ident!("e_{name}");
        let seed = format_ident!("S_{name}");
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
            fn #e(value: &Value, cx: &mut Cx) {
                #enter
                #collect
                #leave
            }
        });
        let callee = Callee {
            v,
            e,
            s: seed,
            label,
            trivial: false,
            direct,
        };
        self.index.insert(schema.location.clone(), self.nodes.len());
        self.nodes.push((schema, callee.clone(), parts));
        callee
    }

    /// The statements that check `value` against `schema`.
    fn body(&mut self, schema: &'a Schema, parts: &Parts, mode: Mode) -> TokenStream {
        let loc = schema.location.trim_start_matches('#').to_owned();
        let mut out = TokenStream::new();
        out.extend(self.type_dispatch(schema, parts, mode, &loc));
        out.extend(enum_and_const(schema, mode, &loc));
        // allOf: every branch applies; errors are reported where each branch finds them.
        for branch in parts.all_of.iter().filter(|it| !it.trivial) {
            let (v, e) = (&branch.v, &branch.e);
            out.extend(match mode {
                Mode::Stream => unreachable!("streaming checks are emitted by `stream`"),
                Mode::Fast => quote! { if !#v(value) { return false; } },
                Mode::Collect if branch.direct => quote! { #e(value, cx); },
                Mode::Collect => quote! { if !#v(value) { #e(value, cx); } },
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
        schema: &'a Schema,
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
            out.extend(quote! { if !#ident(#s) { #fail } });
        }
        let asserted = rules.format.and_then(|format| match format {
            Format::Email => Some((quote!(rt::is_email), "an e-mail address")),
            Format::DateTime => Some((quote!(rt::is_date_time), "an RFC 3339 date-time")),
            // An annotation, as unknown formats are in 2020-12 (see spec/README.md).
            Format::Decimal => None,
        });
        if let Some((check, what)) = asserted {
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
        let mut out = item_count_checks(schema, mode, loc, &quote!(a.len()));
        // The fast path checks the items before their uniqueness, which costs more.
        let unique_fast = quote! { if rt::first_duplicate(a).is_some() { return false; } };
        if rules.unique_items {
            out.extend(match mode {
                Mode::Stream => unreachable!("streaming checks are emitted by `stream`"),
                Mode::Fast => TokenStream::new(),
                Mode::Collect => {
                    let error = unique_error(loc);
                    quote! {
                        if let Some((i, j)) = rt::first_duplicate(a) {
                            #error
                        }
                    }
                }
            });
        }
        if let Some(items) = parts.items.as_ref().filter(|it| !it.trivial) {
            let (v, e) = (&items.v, &items.e);
            out.extend(match mode {
                Mode::Stream => unreachable!("streaming checks are emitted by `stream`"),
                Mode::Fast => quote! { for item in a { if !#v(item) { return false; } } },
                Mode::Collect => quote! {
                    for (i, item) in a.iter().enumerate() {
                        if cx.is_full() {
                            break;
                        }
                        if !#v(item) {
                            cx.push_index(i);
                            #e(item, cx);
                            cx.pop();
                        }
                    }
                },
            });
        }
        if rules.unique_items && mode == Mode::Fast {
            out.extend(unique_fast);
        }
        out
    }

    fn object_checks(
        &mut self,
        schema: &'a Schema,
        parts: &Parts,
        mode: Mode,
        loc: &str,
    ) -> TokenStream {
        let rules = &schema.object;
        // The fast path decides the number of members before reading them.
        let mut out = if mode == Mode::Fast {
            property_count_checks(schema, mode, loc, &quote!(m.len()))
        } else {
            TokenStream::new()
        };
        let required = required_names(schema, parts);
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
                        Mode::Stream => unreachable!("streaming checks are emitted by `stream`"),
                        Mode::Fast => quote! { if !#v(item) { return false; } },
                        Mode::Collect if callee.direct => {
                            quote! { cx.push_key(key); #e(item, cx); cx.pop(); }
                        }
                        Mode::Collect => {
                            quote! { if !#v(item) { cx.push_key(key); #e(item, cx); cx.pop(); } }
                        }
                    }
                };
                arms.extend(quote! { #name => { #mark #check } });
            }
            for name in required.iter().filter(|it| !listed.contains(it)) {
                let bit = Lit::u64_unsuffixed(bit(name).unwrap_or_default());
                arms.extend(quote! { #name => { seen |= #bit; } });
            }
            let other = match (&rules.additional, &parts.additional) {
                (Some(Additional::Forbidden), _) => match mode {
                    Mode::Stream => unreachable!("streaming checks are emitted by `stream`"),
                    Mode::Fast => quote! { return false; },
                    Mode::Collect => additional_error(loc),
                },
                (_, Some(callee)) if !callee.trivial => {
                    let (v, e) = (&callee.v, &callee.e);
                    match mode {
                        Mode::Stream => unreachable!("streaming checks are emitted by `stream`"),
                        Mode::Fast => quote! { if !#v(item) { return false; } },
                        Mode::Collect if callee.direct => {
                            quote! { cx.push_key(key); #e(item, cx); cx.pop(); }
                        }
                        Mode::Collect => {
                            quote! { if !#v(item) { cx.push_key(key); #e(item, cx); cx.pop(); } }
                        }
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
            let stop = if mode == Mode::Collect {
                quote! { if cx.is_full() { break; } }
            } else {
                quote!()
            };
            out.extend(quote! {
                #declare
                for (key, item) in m {
                    #stop
                    let key: &str = key;
                    #names
                    #dispatch
                }
            });
            out.extend(required_checks(&required, mode, loc));
        }
        if mode != Mode::Fast {
            out.extend(property_count_checks(schema, mode, loc, &quote!(m.len())));
        }
        out
    }

    /// Checks of each key against `propertyNames`. Names are strings, so a schema that only
    /// constrains strings is checked on the `&str`; any other schema gets the name as a value.
    fn property_names(&mut self, names: &'a Schema, mode: Mode, loc: &str) -> TokenStream {
        let names_loc = format!("{loc}/propertyNames");
        if only_strings(names) {
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
            Mode::Stream => unreachable!("streaming checks are emitted by `stream`"),
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
                Mode::Stream => unreachable!("streaming checks are emitted by `stream`"),
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
                    let v = callees.iter().map(|it| &it.v);
                    quote! {
                        match value {
                            Value::Object(m) => match m.get(#property) {
                                #( Some(Value::String(tag)) if tag == #tags => {
                                    if !#v(value) {
                                        let causes = cx.branch(|cx| #e(value, cx));
                                        cx.tagged_error(#loc, #property, #tags, causes);
                                    }
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
            Mode::Stream => unreachable!("streaming checks are emitted by `stream`"),
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
#[derive(Clone)]
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
        Mode::Stream => unreachable!("streaming checks are emitted by `stream`"),
        Mode::Fast => quote! { if !( #( #v(value) )||* ) { return false; } },
        Mode::Collect => quote! {
            if !( #( #v(value) )||* ) {
                let branches = vec![ #( cx.branch(|cx| #e(value, cx)) ),* ];
                cx.any_of_error(#loc, &[ #( #labels ),* ], branches);
            }
        },
    }
}

/// The `minItems` and `maxItems` checks of an array whose length is `len`.
fn item_count_checks(schema: &Schema, mode: Mode, loc: &str, len: &TokenStream) -> TokenStream {
    let rules = &schema.array;
    let mut out = TokenStream::new();
    if let Some(min) = rules.min_items {
        let min_lit = Lit::u64_unsuffixed(min);
        let message = message(
            &format!("the array has {{}}, fewer than the minimum of {min}"),
            &quote! { rt::count(#len, "item") },
        );
        let fail = fail(mode, "minItems", &format!("{loc}/minItems"), message);
        out.extend(quote! { if (#len as u64) < #min_lit { #fail } });
    }
    if let Some(max) = rules.max_items {
        let max_lit = Lit::u64_unsuffixed(max);
        let message = message(
            &format!("the array has {{}}, more than the maximum of {max}"),
            &quote! { rt::count(#len, "item") },
        );
        let fail = fail(mode, "maxItems", &format!("{loc}/maxItems"), message);
        out.extend(quote! { if (#len as u64) > #max_lit { #fail } });
    }
    out
}

/// Records that items `i` and `j` of the array are equal (`uniqueItems`).
fn unique_error(loc: &str) -> TokenStream {
    let schema_loc = format!("{loc}/uniqueItems");
    quote! {
        cx.error("uniqueItems", #schema_loc, format!("items {} and {} are equal", i, j));
    }
}

/// Records that the member `key` is not allowed (`additionalProperties: false`).
fn additional_error(loc: &str) -> TokenStream {
    let schema_loc = format!("{loc}/additionalProperties");
    quote! {
        cx.error("additionalProperties", #schema_loc, format!("{} is not allowed here", cx.show_name(key)));
    }
}

/// The names an object must have, each of which gets a bit of `seen`: the required
/// properties in the order of `properties`, then required names it does not list.
fn required_names<'s>(schema: &'s Schema, parts: &'s Parts) -> Vec<&'s String> {
    let mut required: Vec<&String> = parts
        .properties
        .iter()
        .filter(|it| it.2)
        .map(|it| &it.0)
        .collect();
    required.extend(
        schema
            .object
            .required
            .iter()
            .filter(|name| !parts.properties.iter().any(|it| &it.0 == *name)),
    );
    required
}

/// The check, after the members were read, that every required name was seen.
fn required_checks(required: &[&String], mode: Mode, loc: &str) -> TokenStream {
    if required.is_empty() {
        return TokenStream::new();
    }
    let all = Lit::u64_unsuffixed(if required.len() == 64 {
        u64::MAX
    } else {
        (1u64 << required.len()) - 1
    });
    let schema_loc = format!("{loc}/required");
    match mode {
        Mode::Stream => unreachable!("streaming checks are emitted by `stream`"),
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
    }
}

/// The `minProperties` and `maxProperties` checks of an object with `len` members.
fn property_count_checks(schema: &Schema, mode: Mode, loc: &str, len: &TokenStream) -> TokenStream {
    let rules = &schema.object;
    let mut out = TokenStream::new();
    for (keyword, bound, above) in [
        ("minProperties", rules.min_properties, false),
        ("maxProperties", rules.max_properties, true),
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
        let fail = fail(mode, keyword, &format!("{loc}/{keyword}"), message);
        out.extend(quote! { if #test { #fail } });
    }
    out
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
        Mode::Stream => quote! { return Err(stream::invalid()); },
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

// ---- The streaming seeds ----
//
// `S_*` seeds check JSON text while serde_json reads it (see `crates/runa-order-validator/src/
// stream.rs`). A visitor implements `visit_*` only for the JSON types the schema allows, so a
// value of another type fails in serde's default methods. Objects are read by an `O_*` state
// machine that matches each key once, refuses repeated keys and checks required members at
// the end. Schemas the visitor cannot check in one pass are read in one of two slower ways:
// as raw text read once per branch (`oneOf` without a tag, `allOf` that is not just object
// schemas), or into a `Value` for the `v_*` function (`propertyNames` that are not only
// about strings). The items of a `uniqueItems` array are captured one by one, checked with
// the item seed and hashed (`stream::Unique`).

/// The families of serde `visit_*` methods, one per JSON type (integers are numbers).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Lane {
    Null,
    Bool,
    Number,
    String,
    Array,
    Object,
}

/// How a node is checked while reading.
enum Plan {
    /// By its own keywords; an `allOf` of object schemas is merged into one object lane.
    Lanes,
    /// A `oneOf` told apart by a tag: the tag picks the branch's object state machine.
    Tagged,
    /// A `oneOf` or `anyOf` whose branches allow disjoint JSON types: each type goes to the
    /// one branch that allows it.
    Delegate(Vec<(Lane, Ident)>),
    /// The value is captured as raw text and read once per branch.
    Combine(Rule, Vec<TokenStream>),
    /// The value is read into a `Value` and checked by the `v_*` function.
    ByValue,
}

#[derive(Clone, Copy)]
enum Rule {
    All,
    Any,
    One,
}

/// One object schema of an object lane, with its children's callees.
struct Part<'a> {
    schema: &'a Schema,
    parts: Parts,
}

impl<'a> Emitter<'a> {
    /// The node and children's callees of the schema at `location`.
    fn recorded(&self, location: &str) -> Option<(&'a Schema, Callee, Parts)> {
        self.index.get(location).map(|i| self.nodes[*i].clone())
    }

    /// The definition `name`'s node.
    fn definition_node(&self, name: &str) -> Option<(&'a Schema, Callee, Parts)> {
        let def = self.api.definition(name)?;
        self.recorded(&def.schema.location)
    }

    /// The object schemas an `allOf` node is made of, when it is made only of object schemas
    /// (following references and nested `allOf`s); `None` otherwise.
    fn object_parts(&self, schema: &'a Schema, parts: &Parts) -> Option<Vec<Part<'a>>> {
        let mut out = Vec::new();
        let mut object_typed = false;
        self.collect_parts(schema, parts, &mut out, &mut object_typed)?;
        object_typed.then_some(out)
    }

    fn collect_parts(
        &self,
        schema: &'a Schema,
        parts: &Parts,
        out: &mut Vec<Part<'a>>,
        object_typed: &mut bool,
    ) -> Option<()> {
        if let Some(name) = &schema.reference {
            let (target, _, target_parts) = self.definition_node(name)?;
            return self.collect_parts(target, &target_parts, out, object_typed);
        }
        let objectish = schema.enum_values.is_none()
            && schema.const_value.is_none()
            && schema.any_of.is_empty()
            && schema.one_of.is_empty()
            && !schema.array.unique_items
            && matches!(schema.types.as_deref(), None | Some([JsonType::Object]));
        if !objectish || !names_are_strings(schema) {
            return None;
        }
        *object_typed |= schema.types.as_deref() == Some(&[JsonType::Object]);
        out.push(Part {
            schema,
            parts: parts.clone(),
        });
        for branch in &schema.all_of {
            let (target, branch_parts) = match &branch.reference {
                Some(name) => {
                    let (target, _, target_parts) = self.definition_node(name)?;
                    (target, target_parts)
                }
                None => {
                    let (target, _, target_parts) = self.recorded(&branch.location)?;
                    (target, target_parts)
                }
            };
            self.collect_parts(target, &branch_parts, out, object_typed)?;
        }
        Some(())
    }

    fn plan(&self, schema: &'a Schema, parts: &Parts) -> Plan {
        if !names_are_strings(schema) {
            return Plan::ByValue;
        }
        let own = has_own_assertions(schema);
        if !schema.all_of.is_empty() {
            if !schema.any_of.is_empty() || !schema.one_of.is_empty() {
                return Plan::ByValue;
            }
            if let Some(object) = self.object_parts(schema, parts)
                && known_names(&object).len() <= 64
            {
                return Plan::Lanes;
            }
            if own {
                return Plan::ByValue;
            }
            return Plan::Combine(Rule::All, parts.all_of.iter().map(seed_of).collect());
        }
        let (rule, branches, schemas) = match (schema.one_of.is_empty(), schema.any_of.is_empty()) {
            (true, true) => {
                let too_many = self
                    .object_parts_own(schema, parts)
                    .is_some_and(|it| known_names(&it).len() > 64);
                return if too_many { Plan::ByValue } else { Plan::Lanes };
            }
            (false, true) => (Rule::One, &parts.one_of, &schema.one_of),
            (true, false) => (Rule::Any, &parts.any_of, &schema.any_of),
            (false, false) => return Plan::ByValue,
        };
        if own {
            return Plan::ByValue;
        }
        if let Some(discriminator) = &schema.discriminator {
            let all_plain = discriminator.variants.iter().all(|(_, name)| {
                self.definition_node(name)
                    .is_some_and(|(target, _, target_parts)| {
                        matches!(self.plan(target, &target_parts), Plan::Lanes)
                            && self.lanes_of(target, &target_parts) == Some(vec![Lane::Object])
                    })
            });
            if all_plain {
                return Plan::Tagged;
            }
        }
        // Branches that allow disjoint JSON types: each value has one branch to try.
        let mut taken: Vec<(Lane, Ident)> = Vec::new();
        let mut disjoint = true;
        for (branch, callee) in schemas.iter().zip(branches) {
            let lanes = match &branch.reference {
                Some(name) => self
                    .definition_node(name)
                    .and_then(|(target, _, target_parts)| self.lanes_of(target, &target_parts)),
                None => self
                    .recorded(&branch.location)
                    .and_then(|(target, _, target_parts)| self.lanes_of(target, &target_parts)),
            };
            match lanes {
                Some(lanes)
                    if !callee.trivial
                        && lanes
                            .iter()
                            .all(|lane| !taken.iter().any(|(it, _)| it == lane)) =>
                {
                    taken.extend(lanes.into_iter().map(|lane| (lane, callee.s.clone())));
                }
                _ => disjoint = false,
            }
        }
        if disjoint {
            Plan::Delegate(taken)
        } else {
            Plan::Combine(rule, branches.iter().map(seed_of).collect())
        }
    }

    /// The single object part of a node without `allOf`, if it has object keywords.
    fn object_parts_own(&self, schema: &'a Schema, parts: &Parts) -> Option<Vec<Part<'a>>> {
        allowed_lanes(schema).contains(&Lane::Object).then(|| {
            vec![Part {
                schema,
                parts: parts.clone(),
            }]
        })
    }

    /// The JSON types a node's visitor implements, when its plan has a visitor.
    fn lanes_of(&self, schema: &'a Schema, parts: &Parts) -> Option<Vec<Lane>> {
        if let Some(known) = self.lanes.borrow().get(&schema.location) {
            return known.clone();
        }
        let lanes = self.lanes_of_plan(schema, parts);
        self.lanes
            .borrow_mut()
            .insert(schema.location.clone(), lanes.clone());
        lanes
    }

    fn lanes_of_plan(&self, schema: &'a Schema, parts: &Parts) -> Option<Vec<Lane>> {
        match self.plan(schema, parts) {
            Plan::Lanes if !schema.all_of.is_empty() => Some(vec![Lane::Object]),
            Plan::Lanes => Some(allowed_lanes(schema)),
            Plan::Tagged => Some(vec![Lane::Object]),
            Plan::Delegate(taken) => {
                let mut lanes: Vec<Lane> = taken.into_iter().map(|(it, _)| it).collect();
                lanes.sort();
                lanes.dedup();
                Some(lanes)
            }
            Plan::Combine(..) | Plan::ByValue => None,
        }
    }

    /// The seed (and visitor, and object state machine) of node `i`.
    fn stream(&mut self, i: usize) -> TokenStream {
        let (schema, callee, parts) = self.nodes[i].clone();
        let seed = &callee.s;
        let v = &callee.v;
        let location = schema.location.as_str();
        let doc = format!("Checks `{location}` while reading it.");
        let header = quote! {
            #[doc = #doc]
            #[derive(Clone, Copy)]
            #[allow(non_camel_case_types)]
            struct #seed;
        };
        let visitor = |methods: TokenStream| {
            quote! {
                impl<'de> DeserializeSeed<'de> for #seed {
                    type Value = ();
                    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
                        deserializer.deserialize_any(self)
                    }
                }
                #[allow(unused_variables)]
                impl<'de> Visitor<'de> for #seed {
                    type Value = ();
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(#location)
                    }
                    #methods
                }
            }
        };
        match self.plan(schema, &parts) {
            Plan::ByValue => quote! {
                #header
                impl<'de> DeserializeSeed<'de> for #seed {
                    type Value = ();
                    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
                        stream::by_value(deserializer, #v)
                    }
                }
            },
            Plan::Combine(rule, seeds) => {
                let verdict = match rule {
                    Rule::All => quote! { matched.iter().all(|it| *it) },
                    Rule::Any => quote! { matched.iter().any(|it| *it) },
                    Rule::One => quote! { matched.iter().filter(|it| **it).count() == 1 },
                };
                quote! {
                    #header
                    impl<'de> DeserializeSeed<'de> for #seed {
                        type Value = ();
                        fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
                            let raw = <&'de RawValue as ::serde::Deserialize<'de>>::deserialize(deserializer)?;
                            let matched = [ #( stream::run(#seeds, raw).is_ok() ),* ];
                            if #verdict { Ok(()) } else { Err(stream::invalid()) }
                        }
                    }
                }
            }
            Plan::Delegate(taken) => {
                let methods: TokenStream = taken
                    .iter()
                    .map(|(lane, target)| delegate(*lane, target))
                    .collect();
                let body = visitor(methods);
                quote! { #header #body }
            }
            Plan::Tagged => {
                let discriminator = schema
                    .discriminator
                    .as_ref()
                    .expect("a tagged plan has a discriminator");
                let property = &discriminator.property;
                let tags = discriminator.variants.iter().map(|it| &it.0);
                let states = discriminator
                    .variants
                    .iter()
                    .map(|(_, name)| format_ident!("O_{}", name.to_snake_case()));
                let methods = quote! {
                    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
                        // Members before the tag are kept as raw text until the tag says
                        // which branch reads them.
                        let mut pending = stream::Pending::default();
                        while let Some(key) = map.next_key::<stream::Key<'de>>()? {
                            if key.as_str() == #property {
                                let tag = map.next_value::<stream::Key<'de>>()?;
                                return match tag.as_str() {
                                    #( #tags => {
                                        let mut state = #states::default();
                                        stream::lift(state.member(key, stream::Checked))?;
                                        for (key, raw) in pending.into_members() {
                                            stream::lift(state.member(key, stream::Raw(raw)))?;
                                        }
                                        while let Some(key) = map.next_key::<stream::Key<'de>>()? {
                                            state.member(key, &mut map)?;
                                        }
                                        state.finish()
                                    } )*
                                    _ => Err(stream::invalid()),
                                };
                            }
                            let raw = map.next_value::<&'de RawValue>()?;
                            pending.insert(key, raw)?;
                        }
                        Err(stream::invalid())
                    }
                };
                let body = visitor(methods);
                quote! { #header #body }
            }
            Plan::Lanes => {
                let object = if schema.all_of.is_empty() {
                    self.object_parts_own(schema, &parts)
                } else {
                    self.object_parts(schema, &parts)
                };
                let lanes = if schema.all_of.is_empty() {
                    allowed_lanes(schema)
                } else {
                    vec![Lane::Object]
                };
                let state = format_ident!("O_{}", seed.to_string().trim_start_matches("S_"));
                let mut methods = TokenStream::new();
                let mut extra = TokenStream::new();
                for lane in lanes {
                    match lane {
                        Lane::Object => {
                            let object = object.as_deref().unwrap_or_default();
                            extra.extend(self.object_state(&state, object));
                            methods.extend(quote! {
                                fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
                                    let mut state = #state::default();
                                    while let Some(key) = map.next_key::<stream::Key<'de>>()? {
                                        state.member(key, &mut map)?;
                                    }
                                    state.finish()
                                }
                            });
                        }
                        Lane::Array => {
                            let items = parts
                                .items
                                .as_ref()
                                .map_or_else(|| quote!(stream::Skip), seed_of);
                            let max = schema.array.max_items.map(|max| {
                                let max = Lit::u64_unsuffixed(max);
                                quote! { if n > #max { return Err(stream::invalid()); } }
                            });
                            let min = schema.array.min_items.map(|min| {
                                let min = Lit::u64_unsuffixed(min);
                                quote! { if n < #min { return Err(stream::invalid()); } }
                            });
                            methods.extend(if schema.array.unique_items {
                                // Each item is captured, checked, and hashed for uniqueness.
                                quote! {
                                    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
                                        let mut unique = stream::Unique::default();
                                        let mut n: u64 = 0;
                                        while let Some(raw) = seq.next_element::<&'de RawValue>()? {
                                            stream::lift(stream::run(#items, raw))?;
                                            unique.insert_distinct(raw)?;
                                            n += 1;
                                            #max
                                        }
                                        #min
                                        Ok(())
                                    }
                                }
                            } else if max.is_none() && min.is_none() {
                                quote! {
                                    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
                                        while seq.next_element_seed(#items)?.is_some() {}
                                        Ok(())
                                    }
                                }
                            } else {
                                quote! {
                                    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
                                        let mut n: u64 = 0;
                                        while seq.next_element_seed(#items)?.is_some() {
                                            n += 1;
                                            #max
                                        }
                                        #min
                                        Ok(())
                                    }
                                }
                            });
                        }
                        Lane::String => {
                            let loc = location.trim_start_matches('#').to_owned();
                            let checks = self.string_checks(
                                schema,
                                Mode::Stream,
                                &loc,
                                &quote!(s),
                                Subject::Value,
                            );
                            let values = literals(schema);
                            let strings: Vec<&String> = values
                                .iter()
                                .filter_map(|it| match it {
                                    Literal::String(s) => Some(s),
                                    _ => None,
                                })
                                .collect();
                            let allowed = (!literals(schema).is_empty()).then(|| quote! {
                                if !matches!(s, #(#strings)|*) { return Err(stream::invalid()); }
                            });
                            methods.extend(quote! {
                                fn visit_str<E: de::Error>(self, s: &str) -> Result<(), E> {
                                    #checks
                                    #allowed
                                    Ok(())
                                }
                            });
                        }
                        Lane::Number => {
                            extra.extend(number_method(seed, schema));
                            methods.extend(quote! {
                                fn visit_u64<E: de::Error>(self, n: u64) -> Result<(), E> {
                                    self.number(stream::float_u(n), true)
                                }
                                fn visit_i64<E: de::Error>(self, n: i64) -> Result<(), E> {
                                    self.number(stream::float_i(n), true)
                                }
                                fn visit_f64<E: de::Error>(self, n: f64) -> Result<(), E> {
                                    self.number(n, n.fract() == 0.0)
                                }
                            });
                        }
                        Lane::Bool => {
                            let values: Vec<bool> = literals(schema)
                                .iter()
                                .filter_map(|it| match it {
                                    Literal::Bool(b) => Some(*b),
                                    _ => None,
                                })
                                .collect();
                            let allowed = (!literals(schema).is_empty()).then(|| {
                                quote! {
                                    if !( #( b == #values )||* ) { return Err(stream::invalid()); }
                                }
                            });
                            methods.extend(quote! {
                                fn visit_bool<E: de::Error>(self, b: bool) -> Result<(), E> {
                                    #allowed
                                    Ok(())
                                }
                            });
                        }
                        Lane::Null => methods.extend(quote! {
                            fn visit_unit<E: de::Error>(self) -> Result<(), E> {
                                Ok(())
                            }
                        }),
                    }
                }
                let body = visitor(methods);
                quote! { #header #body #extra }
            }
        }
    }

    /// The `O_*` state machine that reads the members of an object checked against `parts`.
    fn object_state(&mut self, state: &Ident, parts: &[Part<'a>]) -> TokenStream {
        let names = known_names(parts);
        let bit = |name: &str| 1u64 << names.iter().position(|it| it == name).unwrap_or(0);
        let mut required: Vec<&String> = Vec::new();
        for part in parts {
            for name in &part.schema.object.required {
                if !required.contains(&name) {
                    required.push(name);
                }
            }
        }
        let required_mask =
            Lit::u64_unsuffixed(required.iter().map(|it| bit(it)).fold(0, |a, b| a | b));
        // The seeds that check the value of member `name` (`None` for a forbidden member).
        let seeds_for = |name: Option<&str>| -> Option<Vec<TokenStream>> {
            let mut seeds = Vec::new();
            for part in parts {
                let declared =
                    name.and_then(|name| part.parts.properties.iter().find(|it| it.0 == name));
                match (
                    declared,
                    &part.schema.object.additional,
                    &part.parts.additional,
                ) {
                    (Some((_, callee, _)), _, _) if !callee.trivial => seeds.push(seed_of(callee)),
                    (Some(_), _, _) => {}
                    (None, Some(Additional::Forbidden), _) => return None,
                    (None, Some(Additional::Schema(_)), Some(callee)) if !callee.trivial => {
                        seeds.push(seed_of(callee))
                    }
                    _ => {}
                }
            }
            Some(seeds)
        };
        let read = |seeds: Option<Vec<TokenStream>>| match seeds {
            None => quote! { Err(stream::invalid()) },
            Some(seeds) => match seeds.as_slice() {
                [] => quote! { source.value(stream::Skip) },
                [one] => quote! { source.value(#one) },
                many => quote! {
                    let raw = source.raw()?;
                    #( stream::lift(stream::run(#many, raw))?; )*
                    Ok(())
                },
            },
        };
        let mut slots = TokenStream::new();
        let mut arms = TokenStream::new();
        for (i, name) in names.iter().enumerate() {
            let slot = Lit::u8_unsuffixed(i as u8);
            let mask = Lit::u64_unsuffixed(1u64 << i);
            let value = read(seeds_for(Some(name)));
            slots.extend(quote! { #name => #slot, });
            arms.extend(quote! {
                #slot => {
                    if self.seen & #mask != 0 {
                        return Err(stream::invalid());
                    }
                    self.seen |= #mask;
                    #value
                }
            });
        }
        let other = match seeds_for(None) {
            None => quote! { Err(stream::invalid()) },
            seeds => {
                let value = read(seeds);
                quote! {
                    self.others.insert(key)?;
                    #value
                }
            }
        };
        let mut name_checks = TokenStream::new();
        for part in parts {
            if let Some(names_schema) = &part.schema.object.property_names {
                let names_loc = format!(
                    "{}/propertyNames",
                    part.schema.location.trim_start_matches('#')
                );
                name_checks.extend(self.string_checks(
                    names_schema,
                    Mode::Stream,
                    &names_loc,
                    &quote!(name),
                    Subject::PropertyName,
                ));
            }
        }
        let min = parts
            .iter()
            .filter_map(|it| it.schema.object.min_properties)
            .max();
        let max = parts
            .iter()
            .filter_map(|it| it.schema.object.max_properties)
            .min();
        let counting = min.is_some() || max.is_some();
        let (count_field, count_up, count_checks) = if counting {
            let min = min.map(|min| {
                let min = Lit::u64_unsuffixed(min);
                quote! { if self.count < #min { return Err(stream::invalid()); } }
            });
            let max = max.map(|max| {
                let max = Lit::u64_unsuffixed(max);
                quote! { if self.count > #max { return Err(stream::invalid()); } }
            });
            // Past the maximum the verdict is known; stop before reading more members.
            let early = max.clone();
            (
                quote! { count: u64, },
                quote! { self.count += 1; #early },
                quote! { #min #max },
            )
        } else {
            (quote!(), quote!(), quote!())
        };
        let name_checks = if name_checks.is_empty() {
            quote!()
        } else {
            quote! {
                let name = key.as_str();
                #name_checks
            }
        };
        let dispatch = if names.is_empty() {
            other
        } else {
            quote! {
                let slot: u8 = match key.as_str() { #slots _ => u8::MAX };
                match slot {
                    #arms
                    _ => { #other }
                }
            }
        };
        let (seen_field, required_check) = if names.is_empty() {
            (quote!(), quote!())
        } else if required.is_empty() {
            (quote! { seen: u64, }, quote!())
        } else {
            (
                quote! { seen: u64, },
                quote! {
                    if self.seen & #required_mask != #required_mask {
                        return Err(stream::invalid());
                    }
                },
            )
        };
        quote! {
            #[derive(Default)]
            #[allow(non_camel_case_types)]
            struct #state<'de> {
                #seen_field
                #count_field
                others: stream::Others<'de>,
            }
            impl<'de> #state<'de> {
                fn member<S: stream::Source<'de>>(&mut self, key: stream::Key<'de>, source: S) -> Result<(), S::Error> {
                    #count_up
                    #name_checks
                    #dispatch
                }
                fn finish<E: de::Error>(self) -> Result<(), E> {
                    #required_check
                    #count_checks
                    Ok(())
                }
            }
        }
    }
}

/// The seed that checks a child, or the one that skips it.
fn seed_of(callee: &Callee) -> TokenStream {
    if callee.trivial {
        quote!(stream::Skip)
    } else {
        let s = &callee.s;
        quote!(#s)
    }
}

/// A `visit_*` method family that hands the value to another seed's visitor.
fn delegate(lane: Lane, target: &Ident) -> TokenStream {
    match lane {
        Lane::Null => {
            quote! { fn visit_unit<E: de::Error>(self) -> Result<(), E> { #target.visit_unit() } }
        }
        Lane::Bool => {
            quote! { fn visit_bool<E: de::Error>(self, b: bool) -> Result<(), E> { #target.visit_bool(b) } }
        }
        Lane::Number => quote! {
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<(), E> { #target.visit_u64(n) }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<(), E> { #target.visit_i64(n) }
            fn visit_f64<E: de::Error>(self, n: f64) -> Result<(), E> { #target.visit_f64(n) }
        },
        Lane::String => {
            quote! { fn visit_str<E: de::Error>(self, s: &str) -> Result<(), E> { #target.visit_str(s) } }
        }
        Lane::Array => quote! {
            fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> { #target.visit_seq(seq) }
        },
        Lane::Object => quote! {
            fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<(), A::Error> { #target.visit_map(map) }
        },
    }
}

/// The checks of a number, given as `x` and whether it is integral.
fn number_method(seed: &Ident, schema: &Schema) -> TokenStream {
    let rules = &schema.number;
    let integer_only = schema
        .types
        .as_ref()
        .is_some_and(|it| it.contains(&JsonType::Integer) && !it.contains(&JsonType::Number));
    let mut checks = TokenStream::new();
    if integer_only {
        checks.extend(quote! { if !integral { return Err(stream::invalid()); } });
    }
    // serde_json never hands over NaN, so each bound's failing side is the plain comparison.
    for (bound, failing) in [
        (&rules.minimum, quote!(<)),
        (&rules.maximum, quote!(>)),
        (&rules.exclusive_minimum, quote!(<=)),
        (&rules.exclusive_maximum, quote!(>=)),
    ] {
        if let Some(bound) = bound {
            let value = Lit::f64_unsuffixed(bound.value);
            checks.extend(quote! { if x #failing #value { return Err(stream::invalid()); } });
        }
    }
    let numbers: Vec<Lit> = literals(schema)
        .iter()
        .filter_map(|it| match it {
            Literal::Number(text) => {
                Some(Lit::f64_unsuffixed(text.parse::<f64>().unwrap_or(f64::NAN)))
            }
            _ => None,
        })
        .collect();
    if !literals(schema).is_empty() {
        checks.extend(quote! { if !( #( x == #numbers )||* ) { return Err(stream::invalid()); } });
    }
    quote! {
        impl #seed {
            #[allow(unused_variables, clippy::float_cmp)]
            fn number<E: de::Error>(self, x: f64, integral: bool) -> Result<(), E> {
                #checks
                Ok(())
            }
        }
    }
}

/// The values of `enum` and `const` together (a value must be among both).
fn literals(schema: &Schema) -> Vec<Literal> {
    match (&schema.enum_values, &schema.const_value) {
        (Some(values), Some(one)) => values.iter().filter(|it| *it == one).cloned().collect(),
        (Some(values), None) => values.clone(),
        (None, Some(one)) => vec![one.clone()],
        (None, None) => Vec::new(),
    }
}

/// The JSON types a schema's own keywords allow.
fn allowed_lanes(schema: &Schema) -> Vec<Lane> {
    let by_type = |ty: JsonType| schema.types.as_ref().is_none_or(|it| it.contains(&ty));
    let restricted = schema.enum_values.is_some() || schema.const_value.is_some();
    let values = literals(schema);
    let listed = |lane: Lane| {
        !restricted
            || values.iter().any(|it| match it {
                Literal::Null => lane == Lane::Null,
                Literal::Bool(_) => lane == Lane::Bool,
                Literal::Number(_) => lane == Lane::Number,
                Literal::String(_) => lane == Lane::String,
                Literal::Array(_) => lane == Lane::Array,
                Literal::Object(_) => lane == Lane::Object,
            })
    };
    let mut lanes = Vec::new();
    for (lane, allowed) in [
        (Lane::Null, by_type(JsonType::Null)),
        (Lane::Bool, by_type(JsonType::Boolean)),
        (
            Lane::Number,
            by_type(JsonType::Number) || by_type(JsonType::Integer),
        ),
        (Lane::String, by_type(JsonType::String)),
        (Lane::Array, by_type(JsonType::Array)),
        (Lane::Object, by_type(JsonType::Object)),
    ] {
        if allowed && listed(lane) {
            lanes.push(lane);
        }
    }
    lanes
}

/// True when the schema asserts something itself, besides its combinators.
fn has_own_assertions(schema: &Schema) -> bool {
    let bare = Schema {
        location: schema.location.clone(),
        title: schema.title.clone(),
        description: schema.description.clone(),
        default: schema.default.clone(),
        examples: schema.examples.clone(),
        personal: schema.personal,
        all_of: schema.all_of.clone(),
        any_of: schema.any_of.clone(),
        one_of: schema.one_of.clone(),
        discriminator: schema.discriminator.clone(),
        ..Schema::default()
    };
    *schema != bare
}

/// True when `propertyNames`, if any, only constrains strings (so it can be checked on the key).
fn names_are_strings(schema: &Schema) -> bool {
    schema
        .object
        .property_names
        .as_deref()
        .is_none_or(only_strings)
}

/// True when `schema` allows strings and its keywords all apply to a string as such (no
/// `$ref`, `const` or combinator, an `enum` of strings only), so it can be checked on a `&str`.
fn only_strings(schema: &Schema) -> bool {
    schema.reference.is_none()
        && schema
            .types
            .as_ref()
            .is_none_or(|it| it.contains(&JsonType::String))
        && schema.const_value.is_none()
        && schema.all_of.is_empty()
        && schema.any_of.is_empty()
        && schema.one_of.is_empty()
        && schema
            .enum_values
            .as_ref()
            .is_none_or(|values| values.iter().all(|it| matches!(it, Literal::String(_))))
}

/// Every member name the parts declare or require, in order of first appearance.
fn known_names(parts: &[Part<'_>]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    // A set for the test, so an object with thousands of properties is not quadratic.
    let mut seen = std::collections::BTreeSet::new();
    for part in parts {
        let object = &part.schema.object;
        for name in object
            .properties
            .iter()
            .map(|it| &it.name)
            .chain(&object.required)
        {
            if seen.insert(name) {
                names.push(name.clone());
            }
        }
    }
    names
}

/// The seeds a piece of generated code uses: `S_*` idents, and `O_*` state machines, which
/// belong to the seed of the same name.
fn seed_names(tokens: TokenStream, out: &mut std::collections::BTreeSet<String>) {
    for token in tokens {
        match token {
            proc_macro2::TokenTree::Ident(ident) => {
                let name = ident.to_string();
                if let Some(rest) = name.strip_prefix("S_").or_else(|| name.strip_prefix("O_")) {
                    out.insert(format!("S_{rest}"));
                }
            }
            proc_macro2::TokenTree::Group(group) => seed_names(group.stream(), out),
            _ => {}
        }
    }
}

// ---- The text collectors ----
//
// `C_*` collectors find the errors of invalid JSON text (after the streaming pass refused it
// and the text is known to be JSON) without reading the whole document into a `Value`, so
// that the memory of the located pass does not grow with the document: a collector reads
// the members and items of an object or array as serde_json streams them, and only the
// values its children check with their `e_*` functions are built, one at a time. Each
// collector records exactly the errors its node's `e_*` function would record on the same
// value (the checks and messages come from the same emitting functions), in document order.
// A node with `allOf`, `anyOf` or `oneOf` keeps its value as borrowed raw text and reads it
// once for its own keywords and once per branch, taking the branches' verdicts from their
// streaming seeds. Once the error collector is full, a collector fails, which ends the read.

/// How the text collectors read the value of a node.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Reading {
    /// The schema accepts everything: the value is skipped.
    Skipped,
    /// The node has a collector `C_*`, which reads its members or items as they come.
    Streams,
    /// Only the JSON type of a container matters (the node has no keyword about members or
    /// items): containers are skipped and stand in empty, scalars are read.
    Shallow,
    /// The value is read into a `Value` and checked by the `e_*` function.
    Whole,
}

impl<'a> Emitter<'a> {
    /// How a child whose callee is `callee` and whose schema is `schema` is read.
    fn reading(&self, schema: &'a Schema, callee: &Callee) -> Reading {
        if callee.trivial {
            return Reading::Skipped;
        }
        let mut schema = schema;
        // A `$ref` reads as its definition (a chain of bare references is followed a bounded
        // number of steps; one that does not end is read whole).
        for _ in 0..64 {
            let Some(name) = &schema.reference else {
                return reading_of(schema);
            };
            match self.api.definition(name) {
                Some(def) => schema = &def.schema,
                None => return Reading::Whole,
            }
        }
        Reading::Whole
    }

    /// The collector of node `i`, when it has one.
    fn collector(&mut self, i: usize) -> Option<TokenStream> {
        let (schema, callee, parts) = self.nodes[i].clone();
        if reading_of(schema) != Reading::Streams {
            return None;
        }
        let c = collector_ident(&callee);
        let e = &callee.e;
        let location = schema.location.as_str();
        let loc = location.trim_start_matches('#').to_owned();
        let doc = format!("Collects the errors of `{location}` while reading it.");
        let (enter, leave) = if schema.personal {
            (
                quote! { cx.enter_personal(); },
                quote! { cx.leave_personal(); },
            )
        } else {
            (quote! {}, quote! {})
        };
        let map = self.collect_map(schema, &parts, &loc);
        let seq = self.collect_seq(schema, &parts, &loc);
        let combinators =
            !schema.all_of.is_empty() || !schema.any_of.is_empty() || !schema.one_of.is_empty();
        let deserialize = if combinators {
            let combine = self.collect_combinators(schema, &parts, &loc);
            quote! {
                let raw = <&'de RawValue as ::serde::Deserialize<'de>>::deserialize(deserializer)?;
                let cx = self.0;
                if !stream::is_container(raw) {
                    // A scalar is checked whole, branches included.
                    #e(&stream::whole(raw), cx);
                    return Ok(());
                }
                // The node's own keywords, then each combinator on the same text.
                stream::lift(stream::visit_raw(#c(&mut *cx), raw))?;
                #enter
                #combine
                #leave
                if cx.is_full() {
                    return Err(stream::invalid());
                }
                Ok(())
            }
        } else {
            quote! { deserializer.deserialize_any(self) }
        };
        Some(quote! {
            #[doc = #doc]
            #[allow(non_camel_case_types, dead_code)]
            struct #c<'c>(&'c mut Cx);
            impl<'de> DeserializeSeed<'de> for #c<'_> {
                type Value = ();
                fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
                    #deserialize
                }
            }
            #[allow(unused_variables, unused_mut, unused_assignments)]
            impl<'de> Visitor<'de> for #c<'_> {
                type Value = ();
                fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.write_str(#location)
                }
                fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
                    #e(&Value::Bool(v), self.0);
                    Ok(())
                }
                fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
                    #e(&Value::from(v), self.0);
                    Ok(())
                }
                fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
                    #e(&Value::from(v), self.0);
                    Ok(())
                }
                fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
                    #e(&stream::float_value(v), self.0);
                    Ok(())
                }
                fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
                    #e(&Value::String(v.to_owned()), self.0);
                    Ok(())
                }
                fn visit_unit<E: de::Error>(self) -> Result<(), E> {
                    #e(&Value::Null, self.0);
                    Ok(())
                }
                fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
                    let cx = self.0;
                    #enter
                    #seq
                    #leave
                    Ok(())
                }
                fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
                    let cx = self.0;
                    #enter
                    #map
                    #leave
                    Ok(())
                }
            }
        })
    }

    /// The type error of a container the node does not allow, shown as `value`.
    fn container_type_error(schema: &Schema, loc: &str) -> TokenStream {
        let phrase = type_phrase(schema);
        fail(
            Mode::Collect,
            "type",
            &format!("{loc}/type"),
            quote! { rt::type_message(cx, value, #phrase) },
        )
    }

    /// The body of a collector's `visit_map`: the node's own keywords on an object.
    fn collect_map(&mut self, schema: &'a Schema, parts: &Parts, loc: &str) -> TokenStream {
        let literals = enum_and_const(schema, Mode::Collect, loc);
        if literals.is_empty() {
            return self.collect_members(schema, parts, loc);
        }
        // Only a node without keywords about members has `enum` or `const` here (see
        // `reading_of`), and its literals are scalars, which an object never equals.
        let members = self.collect_members(schema, parts, loc);
        quote! {
            #members
            let value = &Value::Object(::serde_json::Map::new());
            #literals
        }
    }

    /// The members part of [`Emitter::collect_map`].
    fn collect_members(&mut self, schema: &'a Schema, parts: &Parts, loc: &str) -> TokenStream {
        let allowed = schema
            .types
            .as_ref()
            .is_none_or(|it| it.contains(&JsonType::Object));
        let skip = quote! {
            while map.next_key::<de::IgnoredAny>()?.is_some() {
                map.next_value_seed(stream::Skip)?;
            }
        };
        if !allowed {
            let error = Self::container_type_error(schema, loc);
            return quote! {
                #skip
                let value = &Value::Object(::serde_json::Map::new());
                #error
            };
        }
        if !has_object_keywords(schema) {
            return skip;
        }
        let required = required_names(schema, parts);
        let bit = |name: &String| {
            required
                .iter()
                .position(|it| *it == name)
                .map(|i| Lit::u64_unsuffixed(1u64 << i))
        };
        let mut arms = TokenStream::new();
        let mut listed: Vec<&String> = Vec::new();
        for ((name, callee, _), property) in parts.properties.iter().zip(&schema.object.properties)
        {
            listed.push(name);
            let mark = bit(name).map(|bit| quote! { seen |= #bit; });
            let read = self.read_member(&property.schema, callee);
            arms.extend(quote! { #name => { #mark #read } });
        }
        for name in required.iter().filter(|it| !listed.contains(it)) {
            let mark = bit(name).map(|bit| quote! { seen |= #bit; });
            arms.extend(quote! { #name => { #mark map.next_value_seed(stream::Skip)?; } });
        }
        let other = match (&schema.object.additional, &parts.additional) {
            (Some(Additional::Forbidden), _) => {
                let error = additional_error(loc);
                quote! { map.next_value_seed(stream::Skip)?; #error }
            }
            (Some(Additional::Schema(additional)), Some(callee)) => {
                self.read_member(additional, callee)
            }
            _ => quote! { map.next_value_seed(stream::Skip)?; },
        };
        let names = match &schema.object.property_names {
            Some(names) => self.property_names(names, Mode::Collect, loc),
            None => TokenStream::new(),
        };
        let dispatch = if arms.is_empty() {
            other
        } else {
            quote! { match key { #arms _ => { #other } } }
        };
        let declare = if required.is_empty() {
            quote!()
        } else {
            quote! { let mut seen: u64 = 0; }
        };
        let required_check = required_checks(&required, Mode::Collect, loc);
        let counts = property_count_checks(schema, Mode::Collect, loc, &quote!(count));
        quote! {
            #declare
            let mut count: usize = 0;
            while let Some(name) = map.next_key::<stream::Key<'de>>()? {
                if cx.is_full() {
                    return Err(stream::invalid());
                }
                count += 1;
                let key: &str = name.as_str();
                #names
                #dispatch
            }
            #required_check
            #counts
        }
    }

    /// Reads the value of member `key` for the child `callee` and collects its errors, as
    /// the `e_*` function of an object does.
    fn read_member(&self, schema: &'a Schema, callee: &Callee) -> TokenStream {
        let (v, e) = (&callee.v, &callee.e);
        match self.reading(schema, callee) {
            Reading::Skipped => quote! { map.next_value_seed(stream::Skip)?; },
            Reading::Streams => {
                let c = collector_ident(callee);
                quote! {
                    cx.push_key(key);
                    map.next_value_seed(#c(&mut *cx))?;
                    cx.pop();
                }
            }
            Reading::Shallow => quote! {
                let item = map.next_value_seed(stream::Outline)?;
                item.check(cx, |cx, item| {
                    if !#v(item) { cx.push_key(key); #e(item, cx); cx.pop(); }
                });
            },
            Reading::Whole => quote! {
                let item = map.next_value_seed(stream::Strict)?;
                if !#v(&item) { cx.push_key(key); #e(&item, cx); cx.pop(); }
            },
        }
    }

    /// The body of a collector's `visit_seq`: the node's own keywords on an array.
    fn collect_seq(&mut self, schema: &'a Schema, parts: &Parts, loc: &str) -> TokenStream {
        let literals = enum_and_const(schema, Mode::Collect, loc);
        if literals.is_empty() {
            return self.collect_items(schema, parts, loc);
        }
        // As in `collect_map`: the node has no keyword about items, and its literals are
        // scalars. The array stands in empty, with its number of items for messages.
        let items = self.collect_items(schema, parts, loc);
        quote! {
            let n = { #items n };
            cx.stand_in(Some(n), |cx| {
                let value = &Value::Array(Vec::new());
                #literals
            });
        }
    }

    /// The items part of [`Emitter::collect_seq`]; it leaves the number of items in `n`.
    fn collect_items(&mut self, schema: &'a Schema, parts: &Parts, loc: &str) -> TokenStream {
        let allowed = schema
            .types
            .as_ref()
            .is_none_or(|it| it.contains(&JsonType::Array));
        let rules = &schema.array;
        if !allowed {
            let error = Self::container_type_error(schema, loc);
            return quote! {
                let mut n: usize = 0;
                while seq.next_element_seed(stream::Skip)?.is_some() {
                    n += 1;
                }
                cx.stand_in(Some(n), |cx| {
                    let value = &Value::Array(Vec::new());
                    #error
                });
            };
        }
        let has_keywords = rules.items.is_some()
            || rules.min_items.is_some()
            || rules.max_items.is_some()
            || rules.unique_items;
        if !has_keywords {
            return quote! {
                let mut n: usize = 0;
                while seq.next_element_seed(stream::Skip)?.is_some() {
                    n += 1;
                }
            };
        }
        let reading = match (&rules.items, &parts.items) {
            (Some(items), Some(callee)) => self.reading(items, callee),
            _ => Reading::Skipped,
        };
        let items_callee = parts.items.clone();
        let item = |from_raw: bool| -> TokenStream {
            let Some(callee) = &items_callee else {
                return TokenStream::new();
            };
            let (v, e) = (&callee.v, &callee.e);
            match (reading, from_raw) {
                (Reading::Skipped, false) => quote! {
                    if seq.next_element_seed(stream::Skip)?.is_none() { break; }
                },
                (Reading::Skipped, true) => TokenStream::new(),
                (Reading::Streams, false) => {
                    let c = collector_ident(callee);
                    quote! {
                        cx.push_index(n);
                        let more = seq.next_element_seed(#c(&mut *cx))?.is_some();
                        cx.pop();
                        if !more { break; }
                    }
                }
                (Reading::Streams, true) => {
                    let c = collector_ident(callee);
                    quote! {
                        cx.push_index(n);
                        stream::lift(stream::collect_raw(#c(&mut *cx), raw))?;
                        cx.pop();
                    }
                }
                (Reading::Shallow, true) | (Reading::Whole, true) => quote! {
                    // The item as read for its hash, or read now.
                    let item = item.unwrap_or_else(|| stream::whole(raw));
                    if !#v(&item) { cx.push_index(n); #e(&item, cx); cx.pop(); }
                },
                (Reading::Shallow, false) => {
                    quote! {
                        let Some(item) = seq.next_element_seed(stream::Outline)? else { break; };
                        item.check(cx, |cx, item| {
                            if !#v(item) { cx.push_index(n); #e(item, cx); cx.pop(); }
                        });
                    }
                }
                (Reading::Whole, false) => {
                    quote! {
                        let Some(item) = seq.next_element_seed(stream::Strict)? else { break; };
                        if !#v(&item) { cx.push_index(n); #e(&item, cx); cx.pop(); }
                    }
                }
            }
        };
        let counts = item_count_checks(schema, Mode::Collect, loc, &quote!(n));
        if rules.unique_items {
            let item = item(true);
            let unique_error = unique_error(loc);
            quote! {
                let mut n: usize = 0;
                let mut unique = stream::Unique::default();
                let mut duplicate: Option<(usize, usize)> = None;
                loop {
                    if cx.is_full() {
                        return Err(stream::invalid());
                    }
                    let Some(raw) = seq.next_element::<&'de RawValue>()? else { break; };
                    let mut item: Option<Value> = None;
                    if duplicate.is_none() {
                        let (value, equal) = unique.insert_value(raw);
                        if let Some(i) = equal {
                            duplicate = Some((i, n));
                            // Only the first pair is reported; the rest needs no memory.
                            unique = stream::Unique::default();
                        }
                        item = Some(value);
                    }
                    #item
                    n += 1;
                }
                #counts
                if let Some((i, j)) = duplicate {
                    #unique_error
                }
            }
        } else {
            let item = item(false);
            let item = if item.is_empty() {
                quote! { if seq.next_element_seed(stream::Skip)?.is_none() { break; } }
            } else {
                item
            };
            quote! {
                let mut n: usize = 0;
                loop {
                    if cx.is_full() {
                        return Err(stream::invalid());
                    }
                    #item
                    n += 1;
                }
                #counts
            }
        }
    }

    /// Reads `raw` for the child `callee` and collects its errors, as the `e_*` function of
    /// an `allOf` or a branch does. With `stop`, a full collector ends the read.
    fn read_raw(&self, schema: &'a Schema, callee: &Callee, stop: bool) -> TokenStream {
        let (v, e) = (&callee.v, &callee.e);
        match self.reading(schema, callee) {
            Reading::Skipped => TokenStream::new(),
            Reading::Streams => {
                let c = collector_ident(callee);
                if stop {
                    quote! { stream::lift(stream::collect_raw(#c(&mut *cx), raw))?; }
                } else {
                    quote! { let _ = stream::collect_raw(#c(&mut *cx), raw); }
                }
            }
            Reading::Shallow => quote! {
                stream::outline(raw).check(cx, |cx, item| {
                    if !#v(item) { #e(item, cx); }
                });
            },
            Reading::Whole => quote! {
                let item = stream::whole(raw);
                if !#v(&item) { #e(&item, cx); }
            },
        }
    }

    /// The verdict of the child `callee` on `raw`, from its streaming seed.
    fn verdict_raw(callee: &Callee) -> TokenStream {
        if callee.trivial {
            return quote!(true);
        }
        let s = &callee.s;
        quote! { stream::run(#s, raw).is_ok() }
    }

    /// The `allOf`, `anyOf` and `oneOf` of a collector's node, on `raw`, in the order of the
    /// node's `e_*` function.
    fn collect_combinators(&self, schema: &'a Schema, parts: &Parts, loc: &str) -> TokenStream {
        let mut out = TokenStream::new();
        for (callee, branch) in parts.all_of.iter().zip(&schema.all_of) {
            if !callee.trivial {
                out.extend(self.read_raw(branch, callee, true));
            }
        }
        if !parts.any_of.is_empty() {
            let any_loc = format!("{loc}/anyOf");
            let verdicts = parts.any_of.iter().map(Self::verdict_raw);
            let labels = parts.any_of.iter().map(|it| it.label.as_str());
            let branches = parts
                .any_of
                .iter()
                .zip(&schema.any_of)
                .map(|(callee, branch)| self.read_raw(branch, callee, false));
            out.extend(quote! {
                if !( #( #verdicts )||* ) {
                    let branches = vec![ #( cx.branch(|cx| { #branches }) ),* ];
                    cx.any_of_error(#any_loc, &[ #( #labels ),* ], branches);
                }
            });
        }
        if !parts.one_of.is_empty() {
            let one_loc = format!("{loc}/oneOf");
            out.extend(self.collect_one_of(schema, parts, &one_loc));
        }
        out
    }

    fn collect_one_of(&self, schema: &'a Schema, parts: &Parts, loc: &str) -> TokenStream {
        if let Some(discriminator) = &schema.discriminator {
            let property = &discriminator.property;
            let tags: Vec<&String> = discriminator.variants.iter().map(|it| &it.0).collect();
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
            let arms = discriminator.variants.iter().map(|(tag, name)| {
                let callee = self.definition_callee(name);
                let refused = if callee.trivial {
                    quote!(false)
                } else {
                    let s = &callee.s;
                    quote! { stream::run(#s, raw).is_err() }
                };
                let read = match self.api.definition(name) {
                    Some(def) => self.read_raw(&def.schema, &callee, false),
                    None => TokenStream::new(),
                };
                quote! {
                    stream::Member::Found(tag) if tag.value.as_str() == Some(#tag) => {
                        if #refused {
                            let causes = cx.branch(|cx| { #read });
                            cx.tagged_error(#loc, #property, #tag, causes);
                        }
                    }
                }
            });
            return quote! {
                match stream::member(raw, #property) {
                    #( #arms )*
                    stream::Member::Found(tag) => {
                        tag.check(cx, |cx, tag| {
                            let message = format!(#unknown_tag, cx.show(tag));
                            cx.error("oneOf", #loc, message);
                        });
                    }
                    stream::Member::Missing => {
                        let message = #missing_tag.to_owned();
                        cx.error("oneOf", #loc, message);
                    }
                    stream::Member::NotObject(other) => {
                        other.check(cx, |cx, other| {
                            let message = rt::type_message(cx, other, "an object");
                            cx.error("oneOf", #loc, message);
                        });
                    }
                }
            };
        }
        let verdicts = parts.one_of.iter().map(Self::verdict_raw);
        let labels = parts.one_of.iter().map(|it| it.label.as_str());
        let branches = parts
            .one_of
            .iter()
            .zip(&schema.one_of)
            .map(|(callee, branch)| self.read_raw(branch, callee, false));
        quote! {
            let valid = [ #( #verdicts ),* ];
            let matched = valid.iter().filter(|it| **it).count();
            if matched != 1 {
                let labels: &[&str] = &[ #( #labels ),* ];
                let branches = if matched == 0 {
                    vec![ #( cx.branch(|cx| { #branches }) ),* ]
                } else {
                    Vec::new()
                };
                cx.one_of_error(#loc, labels, &valid, branches);
            }
        }
    }

    /// How `Kind::collect_text` reads a whole document of the definition `name`.
    fn document_collector(&self, name: &str) -> TokenStream {
        let callee = self.definition_callee(name);
        let e = &callee.e;
        let reading = self
            .api
            .definition(name)
            .map_or(Reading::Whole, |def| reading_of(&def.schema));
        match reading {
            Reading::Streams => {
                let c = collector_ident(&callee);
                quote! { stream::collect_document(#c(cx), text) }
            }
            Reading::Shallow | Reading::Skipped => {
                quote! { stream::collect_outline(text, cx, #e) }
            }
            Reading::Whole => quote! { stream::collect_whole(text, cx, #e) },
        }
    }
}

/// The collector of the node whose streaming seed is `callee.s`.
fn collector_ident(callee: &Callee) -> Ident {
    let seed = callee.s.to_string();
    format_ident!("C_{}", seed.trim_start_matches("S_"))
}

/// True when the schema has a keyword about the members of an object.
fn has_object_keywords(schema: &Schema) -> bool {
    let object = &schema.object;
    !object.properties.is_empty()
        || !object.required.is_empty()
        || object.additional.is_some()
        || object.property_names.is_some()
        || object.min_properties.is_some()
        || object.max_properties.is_some()
}

/// How the text collectors read the value of a schema that is not a reference.
fn reading_of(schema: &Schema) -> Reading {
    let rules = &schema.array;
    let containers = has_object_keywords(schema)
        || rules.items.is_some()
        || rules.min_items.is_some()
        || rules.max_items.is_some()
        || rules.unique_items;
    let combinators =
        !schema.all_of.is_empty() || !schema.any_of.is_empty() || !schema.one_of.is_empty();
    let literals = schema.enum_values.is_some() || schema.const_value.is_some();
    if schema.reference.is_some() || !names_are_strings(schema) {
        return Reading::Whole;
    }
    if containers && literals {
        // `enum` and `const` hold scalars, so such a node refuses every container; it is not
        // worth a collector.
        return Reading::Whole;
    }
    if containers || combinators {
        Reading::Streams
    } else {
        Reading::Shallow
    }
}
