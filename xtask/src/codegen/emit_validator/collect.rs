//! The text collectors (`C_*`), which find the errors of invalid JSON text while it streams.

use super::*;

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
pub(super) enum Reading {
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
    pub(super) fn reading(&self, schema: &'a Schema, callee: &Callee) -> Reading {
        if callee.trivial {
            return Reading::Skipped;
        }
        self.resolved(schema).map_or(Reading::Whole, reading_of)
    }

    /// The schema a child reads as: its own, or the definition its `$ref`s lead to (a chain
    /// of bare references is followed a bounded number of steps; one that does not end, or
    /// ends nowhere, gives `None` and is read whole).
    fn resolved(&self, schema: &'a Schema) -> Option<&'a Schema> {
        let mut schema = schema;
        for _ in 0..64 {
            let Some(name) = &schema.reference else {
                return Some(schema);
            };
            schema = &self.api.definition(name)?.schema;
        }
        None
    }

    /// True when a child read [`Reading::Shallow`] keeps its number's JSON text, for the
    /// exact comparison with the bounds of its schema.
    pub(super) fn exact(&self, schema: &'a Schema) -> bool {
        self.resolved(schema).is_some_and(has_bounds)
    }

    /// The collector of node `i`, when it has one.
    pub(super) fn collector(&mut self, i: usize) -> Option<TokenStream> {
        let (schema, callee, parts) = self.nodes[i].clone();
        if reading_of(schema) != Reading::Streams {
            return None;
        }
        let c = collector_ident(&callee);
        let e = &callee.e;
        let location = schema.location.as_str();
        let loc = location.trim_start_matches('#').to_owned();
        let doc = format!(
            "Collects the errors of {} while reading it.",
            code(location)
        );
        let (enter, leave) = personal_guards(schema.personal);
        let map = self.collect_container(schema, &parts, &loc, true);
        let seq = self.collect_container(schema, &parts, &loc, false);
        let combinators =
            !schema.all_of.is_empty() || !schema.any_of.is_empty() || !schema.one_of.is_empty();
        let unique = schema.array.unique_items && schema.allows(JsonType::Array);
        let deserialize = if combinators || unique {
            let scalar = combinators.then(|| {
                quote! {
                    if !stream::is_container(raw) {
                        // A scalar is checked whole, branches included.
                        #e(&stream::whole(raw), cx);
                        return Ok(());
                    }
                }
            });
            // The first two equal items, found on the array's text after its other keywords.
            let unique = unique.then(|| {
                let error = unique_error(&loc);
                quote! {
                    if let Ok(Some((i, j))) = stream::first_duplicate(raw) {
                        #enter
                        #error
                        #leave
                    }
                }
            });
            let combine = combinators.then(|| {
                let combine = self.collect_combinators(schema, &parts, &loc);
                quote! { #enter #combine #leave }
            });
            quote! {
                let raw = <&'de RawValue as ::serde::Deserialize<'de>>::deserialize(
                    deserializer,
                )?;
                let cx = self.0;
                #scalar
                // The node's own keywords, then each combinator on the same text.
                stream::lift(stream::visit_raw(#c(&mut *cx), raw))?;
                #unique
                #combine
                if cx.is_full() {
                    return Err(stream::invalid());
                }
                Ok(())
            }
        } else {
            quote! { deserializer.deserialize_any(self) }
        };
        let seed_impl = seed_impl(&quote!(#c<'_>), deserialize);
        let scalars = scalar_visits(e);
        let seq = visit_seq(quote! { let cx = self.0; #enter #seq #leave Ok(()) });
        let map = visit_map(quote! { let cx = self.0; #enter #map #leave Ok(()) });
        Some(quote! {
            #[doc = #doc]
            #[allow(non_camel_case_types, dead_code)]
            struct #c<'c>(&'c mut Cx);
            #seed_impl
            #[allow(unused_variables, unused_mut, unused_assignments)]
            impl<'de> Visitor<'de> for #c<'_> {
                type Value = ();
                fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.write_str(#location)
                }
                #scalars
                #seq
                #map
            }
        })
    }

    /// The type error of a container the node does not allow, shown as `value`.
    pub(super) fn container_type_error(schema: &Schema, loc: &str) -> TokenStream {
        type_failure(schema, loc, Sink::Collect)
    }

    /// The body of a collector's `visit_map` (`object`) or `visit_seq`: the node's own
    /// keywords on the container.
    pub(super) fn collect_container(
        &mut self,
        schema: &'a Schema,
        parts: &Parts,
        loc: &str,
        object: bool,
    ) -> TokenStream {
        let contents = if object {
            self.collect_members(schema, parts, loc)
        } else {
            self.collect_items(schema, parts, loc)
        };
        let literals = render(&literal_checks(schema, loc), Sink::Collect);
        if literals.is_empty() {
            return contents;
        }
        // Only a node without keywords about members or items has `enum` or `const` here
        // (see `reading_of`), and its literals are scalars, which a container never equals.
        // An array stands in empty, with its number of items for messages.
        if object {
            quote! {
                #contents
                let value = &Value::Object(::serde_json::Map::new());
                #literals
            }
        } else {
            quote! {
                let n = { #contents n };
                cx.stand_in(Some(n), |cx| {
                    let value = &Value::Array(Vec::new());
                    #literals
                });
            }
        }
    }

    /// The members part of [`Emitter::collect_container`].
    pub(super) fn collect_members(
        &mut self,
        schema: &'a Schema,
        parts: &Parts,
        loc: &str,
    ) -> TokenStream {
        let allowed = schema.allows(JsonType::Object);
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
        let object = &schema.object;
        let (min, max) = (object.min_properties, object.max_properties);
        let counts = property_count_checks(min, max, loc, Operand::Len(quote!(count)));
        let counts = render(&counts, Sink::Collect);
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
    pub(super) fn read_member(&self, schema: &'a Schema, callee: &Callee) -> TokenStream {
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
            Reading::Shallow if self.exact(schema) => quote! {
                let item = map.next_value_seed(stream::ExactOutline)?;
                item.check(cx, |cx, item| { cx.push_key(key); #e(item, cx); cx.pop(); });
            },
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

    /// The items part of [`Emitter::collect_container`]; it leaves the number of items in `n`.
    pub(super) fn collect_items(
        &mut self,
        schema: &'a Schema,
        parts: &Parts,
        loc: &str,
    ) -> TokenStream {
        let allowed = schema.allows(JsonType::Array);
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
        let exact = rules.items.as_ref().is_some_and(|it| self.exact(it));
        let counts = render(
            &item_count_checks(schema, loc, Operand::Len(quote!(n))),
            Sink::Collect,
        );
        // `uniqueItems` is checked on the array's text, after this (see `collector`).
        let item = match &parts.items {
            Some(callee) => read_item(reading, callee, exact),
            None => quote! { if seq.next_element_seed(stream::Skip)?.is_none() { break; } },
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

    /// Reads `raw` for the child `callee` and collects its errors, as the `e_*` function of
    /// an `allOf` or a branch does. With `stop`, a full collector ends the read.
    pub(super) fn read_raw(&self, schema: &'a Schema, callee: &Callee, stop: bool) -> TokenStream {
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
            Reading::Shallow if self.exact(schema) => quote! {
                stream::exact_outline(raw).check(cx, |cx, item| { #e(item, cx); });
            },
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
    pub(super) fn verdict_raw(callee: &Callee) -> TokenStream {
        if callee.trivial {
            return quote!(true);
        }
        let s = &callee.s;
        quote! { stream::run(#s, raw).is_ok() }
    }

    /// The `allOf`, `anyOf` and `oneOf` of a collector's node, on `raw`, in the order of the
    /// node's `e_*` function.
    pub(super) fn collect_combinators(
        &self,
        schema: &'a Schema,
        parts: &Parts,
        loc: &str,
    ) -> TokenStream {
        let mut out = TokenStream::new();
        for (callee, branch) in parts.all_of.iter().zip(&schema.all_of) {
            if !callee.trivial {
                out.extend(self.read_raw(branch, callee, true));
            }
        }
        if !parts.any_of.is_empty() {
            let any_loc = kw::ANY_OF.at(loc);
            // No branch matched: `!(a || b)`, or for one branch the verdict's opposite.
            let refused = match parts.any_of.as_slice() {
                [one] if !one.trivial => {
                    let s = &one.s;
                    quote! { stream::run(#s, raw).is_err() }
                }
                many => {
                    let verdicts = many.iter().map(Self::verdict_raw);
                    quote! { !( #( #verdicts )||* ) }
                }
            };
            let labels = parts.any_of.iter().map(|it| it.label.as_str());
            let branches = parts
                .any_of
                .iter()
                .zip(&schema.any_of)
                .map(|(callee, branch)| branch_closure(self.read_raw(branch, callee, false)));
            let counts = required_counts(self.api, &schema.any_of);
            out.extend(quote! {
                if #refused {
                    let branches = vec![ #( cx.branch(#branches) ),* ];
                    cx.any_of_error(#any_loc, &[ #( #labels ),* ], #counts, branches);
                }
            });
        }
        if !parts.one_of.is_empty() {
            let one_loc = kw::ONE_OF.at(loc);
            out.extend(self.collect_one_of(schema, parts, &one_loc));
        }
        out
    }

    pub(super) fn collect_one_of(
        &self,
        schema: &'a Schema,
        parts: &Parts,
        loc: &str,
    ) -> TokenStream {
        let one_of = kw::ONE_OF.name;
        if let Some(discriminator) = &schema.discriminator {
            let property = &discriminator.property;
            let (unknown_tag, missing_tag) = tag_messages(discriminator);
            let arms = discriminator.variants.iter().map(|(tag, name)| {
                let callee = self.definition_callee(name);
                let refused = if callee.trivial {
                    quote!(false)
                } else {
                    let s = &callee.s;
                    quote! { stream::run(#s, raw).is_err() }
                };
                let read = branch_closure(match self.api.definition(name) {
                    Some(def) => self.read_raw(&def.schema, &callee, false),
                    None => TokenStream::new(),
                });
                quote! {
                    stream::Member::Found(tag) if tag.value.as_str() == Some(#tag) => {
                        if #refused {
                            let causes = cx.branch(#read);
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
                            cx.error(#one_of, #loc, message);
                        });
                    }
                    stream::Member::Missing => {
                        let message = #missing_tag.to_owned();
                        cx.error(#one_of, #loc, message);
                    }
                    stream::Member::NotObject(other) => {
                        other.check(cx, |cx, other| {
                            let message = rt::type_message(cx, other, "an object");
                            cx.error(#one_of, #loc, message);
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
            .map(|(callee, branch)| branch_closure(self.read_raw(branch, callee, false)));
        let counts = required_counts(self.api, &schema.one_of);
        quote! {
            let valid = [ #( #verdicts ),* ];
            let matched = valid.iter().filter(|it| **it).count();
            if matched != 1 {
                let labels: &[&str] = &[ #( #labels ),* ];
                let branches = if matched == 0 {
                    vec![ #( cx.branch(#branches) ),* ]
                } else {
                    Vec::new()
                };
                cx.one_of_error(#loc, labels, #counts, &valid, branches);
            }
        }
    }

    /// How `Kind::collect_text` reads a whole document of the definition `name`.
    pub(super) fn document_collector(&self, name: &str) -> TokenStream {
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

/// Reads item `n` for the items' child `callee`, read as `reading` says, and collects its
/// errors as the `e_*` function of an array does. With `exact`, a number keeps its JSON
/// text for its bounds.
fn read_item(reading: Reading, callee: &Callee, exact: bool) -> TokenStream {
    let (v, e) = (&callee.v, &callee.e);
    match reading {
        Reading::Shallow if exact => quote! {
            let Some(item) = seq.next_element_seed(stream::ExactOutline)? else { break; };
            item.check(cx, |cx, item| { cx.push_index(n); #e(item, cx); cx.pop(); });
        },
        Reading::Skipped => quote! {
            if seq.next_element_seed(stream::Skip)?.is_none() { break; }
        },
        Reading::Streams => {
            let c = collector_ident(callee);
            quote! {
                cx.push_index(n);
                let more = seq.next_element_seed(#c(&mut *cx))?.is_some();
                cx.pop();
                if !more { break; }
            }
        }
        Reading::Shallow => quote! {
            let Some(item) = seq.next_element_seed(stream::Outline)? else { break; };
            item.check(cx, |cx, item| {
                if !#v(item) { cx.push_index(n); #e(item, cx); cx.pop(); }
            });
        },
        Reading::Whole => quote! {
            let Some(item) = seq.next_element_seed(stream::Strict)? else { break; };
            if !#v(&item) { cx.push_index(n); #e(&item, cx); cx.pop(); }
        },
    }
}

/// The `visit_*` methods of a collector for scalars, which check the scalar whole with `e`.
fn scalar_visits(e: &Ident) -> TokenStream {
    quote! {
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
    }
}

/// The collector of the node whose streaming seed is `callee.s`.
pub(super) fn collector_ident(callee: &Callee) -> Ident {
    let seed = callee.s.to_string();
    ident(Family::Collector, Family::Seed.stem(&seed).unwrap_or(&seed))
}

/// True when the schema has a keyword about the members of an object.
pub(super) fn has_object_keywords(schema: &Schema) -> bool {
    let object = &schema.object;
    !object.properties.is_empty()
        || !object.required.is_empty()
        || object.additional.is_some()
        || object.property_names.is_some()
        || object.min_properties.is_some()
        || object.max_properties.is_some()
}

/// How the text collectors read the value of a schema that is not a reference.
pub(super) fn reading_of(schema: &Schema) -> Reading {
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

/// The closure that collects the errors of one branch with `read`: a branch that accepts
/// everything reads nothing, and its closure does not name the collector it is given.
fn branch_closure(read: TokenStream) -> TokenStream {
    if read.is_empty() {
        quote!(|_| {})
    } else {
        quote!(|cx| { #read })
    }
}
