//! The streaming path: the `S_*` seeds, which check JSON text while serde_json reads it.

use super::*;

// ---- The streaming seeds ----
//
// `S_*` seeds check JSON text while serde_json reads it (see `crates/runa-order-validator/src/
// stream.rs`). A visitor implements `visit_*` only for the JSON types the schema allows, so a
// value of another type fails in serde's default methods. Objects are read by an `O_*` state
// machine that matches each key once, refuses repeated keys and checks required members at
// the end. Schemas the visitor cannot check in one pass are read in one of two slower ways:
// as raw text read once per branch (`oneOf` without a tag, `allOf` that is not just object
// schemas), or into a `Value` for the `v_*` function (`propertyNames` that are not only
// about strings). A node with `uniqueItems` captures its value as raw text, reads it with
// its visitor, then compares the items of an array through a table of their offsets in
// that text (`stream::distinct_items`).

/// The families of serde `visit_*` methods, one per JSON type (integers are numbers).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub(super) enum Lane {
    Null,
    Bool,
    Number,
    String,
    Array,
    Object,
}

/// How a node is checked while reading.
pub(super) enum Plan {
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
pub(super) enum Rule {
    All,
    Any,
    One,
}

/// One object schema of an object lane, with its children's callees.
pub(super) struct Part<'a> {
    pub(super) schema: &'a Schema,
    pub(super) parts: Parts,
}

impl<'a> Emitter<'a> {
    /// The node and children's callees of the schema at `location`.
    pub(super) fn recorded(&self, location: &str) -> Option<(&'a Schema, Callee, Parts)> {
        self.index.get(location).map(|i| self.nodes[*i].clone())
    }

    /// The definition `name`'s node.
    pub(super) fn definition_node(&self, name: &str) -> Option<(&'a Schema, Callee, Parts)> {
        let def = self.api.definition(name)?;
        self.recorded(&def.schema.location)
    }

    /// The object schemas an `allOf` node is made of, when it is made only of object schemas
    /// (following references and nested `allOf`s); `None` otherwise.
    pub(super) fn object_parts(&self, schema: &'a Schema, parts: &Parts) -> Option<Vec<Part<'a>>> {
        let mut out = Vec::new();
        let mut object_typed = false;
        self.collect_parts(schema, parts, &mut out, &mut object_typed)?;
        object_typed.then_some(out)
    }

    pub(super) fn collect_parts(
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

    pub(super) fn plan(&self, schema: &'a Schema, parts: &Parts) -> Plan {
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
    pub(super) fn object_parts_own(
        &self,
        schema: &'a Schema,
        parts: &Parts,
    ) -> Option<Vec<Part<'a>>> {
        allowed_lanes(schema).contains(&Lane::Object).then(|| {
            vec![Part {
                schema,
                parts: parts.clone(),
            }]
        })
    }

    /// The JSON types a node's visitor implements, when its plan has a visitor.
    pub(super) fn lanes_of(&self, schema: &'a Schema, parts: &Parts) -> Option<Vec<Lane>> {
        if let Some(known) = self.lanes.borrow().get(&schema.location) {
            return known.clone();
        }
        let lanes = self.lanes_of_plan(schema, parts);
        self.lanes
            .borrow_mut()
            .insert(schema.location.clone(), lanes.clone());
        lanes
    }

    pub(super) fn lanes_of_plan(&self, schema: &'a Schema, parts: &Parts) -> Option<Vec<Lane>> {
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
    pub(super) fn stream(&mut self, i: usize) -> TokenStream {
        let (schema, callee, parts) = self.nodes[i].clone();
        let seed = &callee.s;
        let doc = format!("Checks {} while reading it.", code(&schema.location));
        let header = quote! {
            #[doc = #doc]
            #[derive(Clone, Copy)]
            #[allow(non_camel_case_types)]
            struct #seed;
        };
        let body = match self.plan(schema, &parts) {
            Plan::ByValue => {
                let v = &callee.v;
                seed_impl(
                    &quote!(#seed),
                    quote! { stream::by_value(deserializer, #v) },
                )
            }
            Plan::Combine(rule, seeds) => {
                let verdict = match rule {
                    Rule::All => quote! { matched.iter().all(|it| *it) },
                    Rule::Any => quote! { matched.iter().any(|it| *it) },
                    Rule::One => quote! { matched.iter().filter(|it| **it).count() == 1 },
                };
                let body = quote! {
                    let raw = <&'de RawValue as ::serde::Deserialize<'de>>::deserialize(
                        deserializer,
                    )?;
                    let matched = [ #( stream::run(#seeds, raw).is_ok() ),* ];
                    if #verdict { Ok(()) } else { Err(stream::invalid()) }
                };
                seed_impl(&quote!(#seed), body)
            }
            Plan::Delegate(taken) => {
                let methods = taken.iter().map(|(lane, target)| delegate(*lane, target));
                visitor(seed, &schema.location, methods.collect(), false, false)
            }
            Plan::Tagged => visitor(
                seed,
                &schema.location,
                tagged_visit_map(schema),
                false,
                false,
            ),
            Plan::Lanes => self.lanes(schema, &callee, &parts),
        };
        quote! { #header #body }
    }

    /// The visitor of a node checked by its own keywords, with one family of `visit_*`
    /// methods per JSON type it allows, and the items it needs (`O_*`, `number`).
    fn lanes(&mut self, schema: &'a Schema, callee: &Callee, parts: &Parts) -> TokenStream {
        let seed = &callee.s;
        let (object, lanes) = if schema.all_of.is_empty() {
            (self.object_parts_own(schema, parts), allowed_lanes(schema))
        } else {
            (self.object_parts(schema, parts), vec![Lane::Object])
        };
        let loc = schema.location.trim_start_matches('#').to_owned();
        let mut methods = TokenStream::new();
        let mut extra = TokenStream::new();
        let exact = lanes.contains(&Lane::Number) && has_bounds(schema);
        for lane in lanes {
            methods.extend(match lane {
                Lane::Object => {
                    let seed_name = seed.to_string();
                    let stem = Family::Seed.stem(&seed_name).unwrap_or(&seed_name);
                    let state = ident(Family::ObjectState, stem);
                    extra.extend(self.object_state(&state, object.as_deref().unwrap_or_default()));
                    visit_map(quote! {
                        let mut state = #state::default();
                        while let Some(key) = map.next_key::<stream::Key<'de>>()? {
                            state.member(key, &mut map)?;
                        }
                        state.finish()
                    })
                }
                Lane::Array => array_lane(schema, parts, &loc),
                Lane::String => {
                    let checks = self.string_checks(schema, &loc, &quote!(s), Subject::Value);
                    let checks = render(&checks, Sink::Stream);
                    let allowed = stream_literals(schema, Operand::Str(quote!(s)));
                    quote! {
                        fn visit_str<E: de::Error>(self, s: &str) -> Result<(), E> {
                            #checks
                            #allowed
                            Ok(())
                        }
                    }
                }
                Lane::Number => {
                    extra.extend(number_method(seed, schema));
                    quote! {
                        fn visit_u64<E: de::Error>(self, n: u64) -> Result<(), E> {
                            self.number(stream::float_u(n), true, None)
                        }
                        fn visit_i64<E: de::Error>(self, n: i64) -> Result<(), E> {
                            self.number(stream::float_i(n), true, None)
                        }
                        fn visit_f64<E: de::Error>(self, n: f64) -> Result<(), E> {
                            self.number(n, n.fract() == 0.0, None)
                        }
                    }
                }
                Lane::Bool => {
                    let allowed = stream_literals(schema, Operand::Bool);
                    quote! {
                        fn visit_bool<E: de::Error>(self, b: bool) -> Result<(), E> {
                            #allowed
                            Ok(())
                        }
                    }
                }
                Lane::Null => quote! {
                    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
                        Ok(())
                    }
                },
            });
        }
        let unique = schema.array.unique_items && schema.allows(JsonType::Array);
        let body = visitor(seed, &schema.location, methods, exact, unique);
        quote! { #body #extra }
    }
}

/// `impl DeserializeSeed for #ty`, whose `deserialize` runs `body` on `deserializer`.
pub(super) fn seed_impl(ty: &TokenStream, body: TokenStream) -> TokenStream {
    quote! {
        impl<'de> DeserializeSeed<'de> for #ty {
            type Value = ();
            fn deserialize<D: Deserializer<'de>>(
                self,
                deserializer: D,
            ) -> Result<(), D::Error> {
                #body
            }
        }
    }
}

/// A `visit_map` that reads `map` with `body`.
pub(super) fn visit_map(body: TokenStream) -> TokenStream {
    quote! {
        fn visit_map<A: de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> Result<(), A::Error> {
            #body
        }
    }
}

/// A `visit_seq` that reads `seq` with `body`.
pub(super) fn visit_seq(body: TokenStream) -> TokenStream {
    quote! {
        fn visit_seq<A: de::SeqAccess<'de>>(
            self,
            mut seq: A,
        ) -> Result<(), A::Error> {
            #body
        }
    }
}

/// The seed `seed`, read with `deserialize_any` by a visitor with `methods`. With `exact`,
/// numbers are read as text for their bounds; with `unique`, the value is read from its text,
/// whose array items are then compared (`uniqueItems`).
fn visitor(
    seed: &Ident,
    location: &str,
    methods: TokenStream,
    exact: bool,
    unique: bool,
) -> TokenStream {
    let mut body = if exact {
        // Numbers are read as text, for the exact comparison with their bounds.
        quote! {
            stream::exact(deserializer, self, |seed, t, x| {
                seed.number::<serde_json::Error>(x, x.fract() == 0.0, Some(t)).is_ok()
            })
        }
    } else {
        quote! { deserializer.deserialize_any(self) }
    };
    if unique {
        body = quote! { stream::distinct_items(deserializer, |deserializer| { #body }) };
    }
    let seed_impl = seed_impl(&quote!(#seed), body);
    quote! {
        #seed_impl
        #[allow(unused_variables)]
        impl<'de> Visitor<'de> for #seed {
            type Value = ();
            fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(#location)
            }
            #methods
        }
    }
}

/// The `visit_map` of a `oneOf` told apart by a tag: the tag picks the branch's `O_*`.
fn tagged_visit_map(schema: &Schema) -> TokenStream {
    let Some(discriminator) = &schema.discriminator else {
        return TokenStream::new();
    };
    let property = &discriminator.property;
    let tags = discriminator.variants.iter().map(|it| &it.0);
    let states = discriminator
        .variants
        .iter()
        .map(|(_, name)| ident(Family::ObjectState, &name.to_snake_case()));
    visit_map(quote! {
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
    })
}

/// The `visit_seq` of an array node: each item through its seed, counted for `minItems`
/// and `maxItems` (`uniqueItems` is checked on the array's text, by `visitor`).
fn array_lane(schema: &Schema, parts: &Parts, loc: &str) -> TokenStream {
    let items = parts
        .items
        .as_ref()
        .map_or_else(|| quote!(stream::Skip), seed_of);
    let counts = item_count_checks(schema, loc, Operand::Count(quote!(n)));
    let (min, max) = split_counts(&counts);
    visit_seq(if max.is_none() && min.is_none() {
        quote! {
            while seq.next_element_seed(#items)?.is_some() {}
            Ok(())
        }
    } else {
        quote! {
            let mut n: u64 = 0;
            while seq.next_element_seed(#items)?.is_some() {
                n += 1;
                #max
            }
            #min
            Ok(())
        }
    })
}

/// The `enum` and `const` check of a streamed scalar held by `operand`, when the node has
/// either (the values both allow; those of other JSON types than the operand's are another
/// lane's).
fn stream_literals(schema: &Schema, operand: Operand) -> Option<TokenStream> {
    let values = literals(schema);
    let any = !values.is_empty();
    let check = Check {
        keyword: kw::ENUM.name,
        location: kw::ENUM.at(&schema.location),
        test: Test::Literals(values),
        operand,
        message: TokenStream::new(),
    };
    any.then(|| check.render(Sink::Stream))
}

/// The seed that checks a child, or the one that skips it.
pub(super) fn seed_of(callee: &Callee) -> TokenStream {
    if callee.trivial {
        quote!(stream::Skip)
    } else {
        let s = &callee.s;
        quote!(#s)
    }
}

/// A `visit_*` method family that hands the value to another seed's visitor.
pub(super) fn delegate(lane: Lane, target: &Ident) -> TokenStream {
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

/// The `minItems`/`minProperties` and the `maxItems`/`maxProperties` checks of `counts`,
/// rendered for a streaming visitor apart: the maximum is checked as each item or member is
/// read (past it the verdict is known), the minimum at the end.
pub(super) fn split_counts(counts: &[Check]) -> (Option<TokenStream>, Option<TokenStream>) {
    let pick = |minimum: bool| {
        counts
            .iter()
            .find(|it| matches!(it.test, Test::MinCount(_)) == minimum)
            .map(|it| it.render(Sink::Stream))
    };
    (pick(true), pick(false))
}

/// The checks of a number, given as `x`, whether it is integral and `t`, its JSON text when
/// the seed read it as text.
pub(super) fn number_method(seed: &Ident, schema: &Schema) -> TokenStream {
    let integer_only = schema
        .types
        .as_ref()
        .is_some_and(|it| it.contains(&JsonType::Integer) && !it.contains(&JsonType::Number));
    let mut checks = TokenStream::new();
    if integer_only {
        checks.extend(quote! { if !integral { return Err(stream::invalid()); } });
    }
    let loc = schema.location.trim_start_matches('#');
    checks.extend(render(
        &number_checks(schema, loc, Operand::Float),
        Sink::Stream,
    ));
    checks.extend(stream_literals(schema, Operand::Float));
    quote! {
        impl #seed {
            #[allow(unused_variables, clippy::float_cmp)]
            fn number<E: de::Error>(
                self,
                x: f64,
                integral: bool,
                t: Option<&str>,
            ) -> Result<(), E> {
                #checks
                Ok(())
            }
        }
    }
}

/// The values of `enum` and `const` together (a value must be among both).
pub(super) fn literals(schema: &Schema) -> Vec<Literal> {
    match (&schema.enum_values, &schema.const_value) {
        (Some(values), Some(one)) => values.iter().filter(|it| *it == one).cloned().collect(),
        (Some(values), None) => values.clone(),
        (None, Some(one)) => vec![one.clone()],
        (None, None) => Vec::new(),
    }
}

/// The JSON types a schema's own keywords allow.
pub(super) fn allowed_lanes(schema: &Schema) -> Vec<Lane> {
    let by_type = |ty: JsonType| schema.allows(ty);
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
pub(super) fn has_own_assertions(schema: &Schema) -> bool {
    let bare = Schema {
        personal: schema.personal,
        all_of: schema.all_of.clone(),
        any_of: schema.any_of.clone(),
        one_of: schema.one_of.clone(),
        discriminator: schema.discriminator.clone(),
        ..schema.annotations()
    };
    *schema != bare
}

/// True when `propertyNames`, if any, only constrains strings (so it can be checked on the key).
pub(super) fn names_are_strings(schema: &Schema) -> bool {
    schema
        .object
        .property_names
        .as_deref()
        .is_none_or(only_strings)
}

/// True when `schema` allows strings and its keywords all apply to a string as such (no
/// `$ref`, `const` or combinator, an `enum` of strings only), so it can be checked on a `&str`.
pub(super) fn only_strings(schema: &Schema) -> bool {
    schema.reference.is_none()
        && schema.allows(JsonType::String)
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
pub(super) fn known_names(parts: &[Part<'_>]) -> Vec<String> {
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
pub(super) fn seed_names(tokens: TokenStream, out: &mut std::collections::BTreeSet<String>) {
    for token in tokens {
        match token {
            proc_macro2::TokenTree::Ident(ident) => {
                let name = ident.to_string();
                let stem = Family::Seed.stem(&name);
                if let Some(stem) = stem.or_else(|| Family::ObjectState.stem(&name)) {
                    out.insert(Family::Seed.name(stem));
                }
            }
            proc_macro2::TokenTree::Group(group) => seed_names(group.stream(), out),
            _ => {}
        }
    }
}
