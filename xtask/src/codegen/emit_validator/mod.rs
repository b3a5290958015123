//! Emits `crates/runa-order-validator/src/generated.rs`: the validator of every definition.
//!
//! Each schema node is checked by up to five generated families (named in
//! [`names::Family`](super::names::Family), and explained at the top of the generated file):
//!
//! * `v_*(&Value) -> bool`, the fast path: it returns at the first failure and never allocates
//!   on valid input;
//! * `e_*(&Value, &mut Cx)`, which collects every error, at the instance locations where the
//!   reference implementation (the `jsonschema` crate) reports them: `allOf` and `$ref` are
//!   transparent, while a failing `oneOf` or `anyOf` is one error at its own location that
//!   names the closest branch and why;
//! * `S_*`, a streaming seed that checks JSON text while serde_json reads it, and `O_*`, the
//!   state machine that reads the members of an object for a seed;
//! * `C_*`, a text collector that finds the errors of invalid text while it streams.
//!
//! The modules: this one is the entry point (the `Kind` enum, the nodes and their names),
//! `checks` describes each check of a keyword once (`checks::Check`: keyword, schema
//! location, test, message) and renders it for any path, `value` writes the `v_*` and `e_*`
//! functions, `stream` the `S_*` seeds and `object` their `O_*` state machines, and
//! `collect` the `C_*` collectors. A node that is only a `$ref` calls the referenced
//! definition's functions. Patterns are compiled once, in statics. The runtime the generated
//! code calls is `crate::rt` (and `crate::stream` for the text paths).

mod checks;
mod collect;
mod object;
mod stream;
mod value;

use self::{checks::*, collect::*, stream::*, value::*};

use std::collections::{BTreeMap, BTreeSet};

use heck::ToSnakeCase;
use proc_macro2::{Ident, Literal as Lit, TokenStream};
use quote::{format_ident, quote};

use super::{
    diagnostic::Diagnostic,
    ir::{Additional, Api, Discriminator, JsonType, Literal, Schema},
    keywords::{self as kw, Keyword},
    names::Family,
    rustdoc::{code, prose},
};

/// The stem of the functions of a schema that accepts everything (`v_any`).
const ANY: &str = "any";

/// The identifier of `family`'s item for the node `stem`.
fn ident(family: Family, stem: &str) -> Ident {
    format_ident!("{}", family.name(stem))
}

/// The lines at the top of the generated file that explain its families of items.
fn families_doc() -> Vec<String> {
    let mut lines = vec![
        " The checks of every schema of the spec. Each schema node has up to five items, named"
            .to_owned(),
        " after its definition (numbered for nested nodes):".to_owned(),
        String::new(),
    ];
    lines.extend(
        Family::ALL
            .iter()
            .map(|it| format!(" * {}", it.explanation())),
    );
    lines.extend([
        String::new(),
        " `Kind` names each definition and implements `crate::Schema` with them.".to_owned(),
    ]);
    lines
}

/// `api` without what can never fail: an `anyOf` with a branch that accepts everything
/// accepts everything, so it is left out (its other branches would be functions nothing
/// calls).
fn without_vacuous_checks(api: &Api) -> Api {
    let mut api = api.clone();
    for def in &mut api.definitions {
        def.schema.visit_mut(&mut |schema| {
            if schema.any_of.iter().any(is_trivial) {
                schema.any_of.clear();
            }
        });
    }
    api
}

/// Generates the validator of every definition.
pub fn emit(api: &Api) -> Result<TokenStream, Diagnostic> {
    let api = &without_vacuous_checks(api);
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
            let alias = alias(&base, &callee, def.schema.personal, streams);
            emitter.items.push(alias);
        }
    }
    emitter.streaming_items();
    let document_collectors: Vec<TokenStream> = api
        .definitions
        .iter()
        .map(|it| emitter.document_collector(&it.name))
        .collect();
    let Emitter {
        items, patterns, ..
    } = emitter;
    let kind = kind_items(api, &document_collectors);
    let pattern_statics = patterns
        .iter()
        .map(|(pattern, ident)| pattern_static(pattern, ident));
    let (v_any, e_any) = (ident(Family::Fast, ANY), ident(Family::Collect, ANY));
    let families = families_doc();
    Ok(quote! {
        #( #![doc = #families] )*
        // Every node is written in the same shape (a `match` on the JSON type, a `match` on
        // each key), which these two lints would have written differently case by case; the
        // functions and seeds are private, documented by the families above.
        #![allow(missing_docs, clippy::collapsible_match, clippy::single_match)]

        use ::serde::de::{self, DeserializeSeed, Deserializer, Visitor};
        // Only a spec with a `oneOf` the streaming seeds read as raw text uses `RawValue`.
        #[allow(unused_imports)]
        use ::serde_json::{Value, value::RawValue};
        use crate::rt::{self, Cx};
        use crate::stream;

        #kind

        #( #pattern_statics )*

        /// A schema without assertions accepts everything.
        #[allow(dead_code)]
        fn #v_any(_: &Value) -> bool {
            true
        }

        #[allow(dead_code)]
        fn #e_any(_: &Value, _: &mut Cx) {}

        #( #items )*
    })
}

impl Emitter<'_> {
    /// Adds the streaming seeds and the text collectors of every node to the items. Every node
    /// has a name by now, so a seed can refer to any of them. Only the seeds reachable from a
    /// definition's seed (or named by a collector) are kept: the children of a node read into
    /// a `Value`, and the object schemas merged into an `allOf`, have no seed of their own.
    fn streaming_items(&mut self) {
        let seeds: Vec<(String, TokenStream)> = (0..self.nodes.len())
            .map(|i| (self.nodes[i].1.s.to_string(), self.stream(i)))
            .collect();
        // The text collectors, which take the verdicts of branches from their seeds.
        let collectors: Vec<TokenStream> = (0..self.nodes.len())
            .filter_map(|i| self.collector(i))
            .collect();
        let mut reachable: BTreeSet<String> = self
            .api
            .definitions
            .iter()
            .map(|it| Family::Seed.name(&it.name.to_snake_case()))
            .collect();
        for tokens in &collectors {
            seed_names(tokens.clone(), &mut reachable);
        }
        let mut queue: Vec<String> = reachable.iter().cloned().collect();
        while let Some(name) = queue.pop() {
            let Some((_, tokens)) = seeds.iter().find(|(it, _)| *it == name) else {
                continue;
            };
            let mut named = BTreeSet::new();
            seed_names(tokens.clone(), &mut named);
            for other in named {
                if reachable.insert(other.clone()) {
                    queue.push(other);
                }
            }
        }
        let kept = seeds
            .into_iter()
            .filter(|(name, _)| reachable.contains(name));
        self.items.extend(kept.map(|(_, tokens)| tokens));
        self.items.extend(collectors);
    }
}

/// `Kind`, one variant per definition, and its `Schema` impl, which dispatches to each
/// definition's `v_*`, `e_*`, `S_*` and text collector.
fn kind_items(api: &Api, document_collectors: &[TokenStream]) -> TokenStream {
    let variants: Vec<Ident> = api
        .definitions
        .iter()
        .map(|it| format_ident!("{}", it.name))
        .collect();
    let names: Vec<&str> = api.definitions.iter().map(|it| it.name.as_str()).collect();
    let docs = api
        .definitions
        .iter()
        .map(|it| match &it.schema.description {
            Some(text) => prose(text.trim()),
            None => format!("The {} schema.", code(&it.name)),
        });
    let family = |family: Family| -> Vec<Ident> {
        names
            .iter()
            .map(|it| ident(family, &it.to_snake_case()))
            .collect()
    };
    let (v_fns, e_fns, s_seeds) = (
        family(Family::Fast),
        family(Family::Collect),
        family(Family::Seed),
    );
    let count = names.len();
    quote! {
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
                match self {
                    #( Kind::#variants => stream::check_document(#s_seeds, bytes), )*
                }
            }

            fn collect_text(self, text: &str, cx: &mut Cx) {
                match self { #( Kind::#variants => #document_collectors, )* }
            }
        }
    }
}

/// The matching function of `pattern`: a byte loop from `pattern.rs` when the pattern is
/// simple, else a `regex` compiled once.
fn pattern_static(pattern: &str, ident: &Ident) -> TokenStream {
    let doc = format!("Matches {}.", code(pattern));
    let body = super::pattern::matcher(pattern).unwrap_or_else(|| {
        quote! {
            static PATTERN: ::std::sync::LazyLock<::regex::Regex> =
                ::std::sync::LazyLock::new(|| {
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
pub(super) fn alias(name: &str, target: &Callee, personal: bool, streams: bool) -> TokenStream {
    let (v, e, seed) = (
        ident(Family::Fast, name),
        ident(Family::Collect, name),
        ident(Family::Seed, name),
    );
    let (tv, te, ts) = (&target.v, &target.e, &target.s);
    let (enter, leave) = personal_guards(personal);
    let collector = streams.then(|| {
        let (c, tc) = (ident(Family::Collector, name), collector_ident(target));
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
        let seed_impl = seed_impl(&quote!(#c<'_>), read);
        quote! {
            #[allow(non_camel_case_types, dead_code)]
            struct #c<'c>(&'c mut Cx);
            #seed_impl
        }
    });
    let seed_impl = seed_impl(&quote!(#seed), quote! { #ts.deserialize(deserializer) });
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
        #seed_impl
        #collector
    }
}

/// The statements around the checks of a value marked `x-personal`, which make messages
/// describe values inside it instead of printing them; nothing for other values.
pub(super) fn personal_guards(personal: bool) -> (TokenStream, TokenStream) {
    if personal {
        (
            quote! { cx.enter_personal(); },
            quote! { cx.leave_personal(); },
        )
    } else {
        (quote! {}, quote! {})
    }
}

/// The two functions that check one schema node.
#[derive(Clone)]
pub(super) struct Callee {
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

pub(super) struct Emitter<'a> {
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

/// How many distinct names the object `schema` requires, with those of its `allOf` branches
/// and of the definitions it refers to: what a `oneOf` or `anyOf` branch asks a value to
/// have, so that the closest branch is the one whose required members the value has most of.
pub(super) fn required_count(api: &Api, schema: &Schema) -> usize {
    let mut names = BTreeSet::new();
    let mut visited = BTreeSet::new();
    let mut stack = vec![schema];
    while let Some(it) = stack.pop() {
        names.extend(it.object.required.iter().map(String::as_str));
        stack.extend(&it.all_of);
        if let Some(name) = &it.reference
            && visited.insert(name.as_str())
            && let Some(definition) = api.definition(name)
        {
            stack.push(&definition.schema);
        }
    }
    names.len()
}

/// The `required_count` of each branch, for `Cx::one_of_error` and `Cx::any_of_error`.
pub(super) fn required_counts(api: &Api, branches: &[Schema]) -> TokenStream {
    let counts = branches.iter().map(|it| required_count(api, it));
    quote! { &[ #( #counts ),* ] }
}

impl<'a> Emitter<'a> {
    fn definition_callee(&self, name: &str) -> Callee {
        let snake = name.to_snake_case();
        Callee {
            v: ident(Family::Fast, &snake),
            e: ident(Family::Collect, &snake),
            s: ident(Family::Seed, &snake),
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
                v: ident(Family::Fast, ANY),
                e: ident(Family::Collect, ANY),
                s: ident(Family::Seed, ANY),
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
        let v = ident(Family::Fast, name);
        let e = ident(Family::Collect, name);
        let seed = ident(Family::Seed, name);
        let fast = self.body(schema, &parts, Mode::Fast);
        let collect = self.body(schema, &parts, Mode::Collect);
        let doc = format!("Checks {}.", code(&schema.location));
        let (enter, leave) = personal_guards(schema.personal);
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
}

/// The callees of the schemas nested in one node.
#[derive(Clone)]
pub(super) struct Parts {
    properties: Vec<(String, Callee, bool)>,
    additional: Option<Callee>,
    items: Option<Callee>,
    all_of: Vec<Callee>,
    any_of: Vec<Callee>,
    one_of: Vec<Callee>,
}

/// A short name for a branch in messages.
pub(super) fn label(schema: &Schema) -> String {
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
pub(super) fn is_trivial(schema: &Schema) -> bool {
    *schema == schema.annotations()
}
