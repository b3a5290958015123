//! The `Value` path: the fast `v_*` and collecting `e_*` functions of a schema node.

use super::*;

impl<'a> Emitter<'a> {
    /// The statements that check `value` against `schema`.
    pub(super) fn body(&mut self, schema: &'a Schema, parts: &Parts, mode: Mode) -> TokenStream {
        let loc = schema.location.trim_start_matches('#').to_owned();
        let mut out = TokenStream::new();
        out.extend(self.type_dispatch(schema, parts, mode));
        out.extend(render(&literal_checks(schema, &loc), mode.sink()));
        // allOf: every branch applies; errors are reported where each branch finds them.
        for branch in parts.all_of.iter().filter(|it| !it.trivial) {
            let (v, e) = (&branch.v, &branch.e);
            out.extend(match mode {
                Mode::Fast => quote! { if !#v(value) { return false; } },
                Mode::Collect if branch.direct => quote! { #e(value, cx); },
                Mode::Collect => quote! { if !#v(value) { #e(value, cx); } },
            });
        }
        if !parts.any_of.is_empty() {
            let counts = required_counts(self.api, &schema.any_of);
            out.extend(any_of(&parts.any_of, &counts, mode, &kw::ANY_OF.at(&loc)));
        }
        if !parts.one_of.is_empty() {
            out.extend(self.one_of(schema, &parts.one_of, mode, &kw::ONE_OF.at(&loc)));
        }
        out
    }

    /// A `match` on the JSON type of `value`, with the type-specific keywords inside each arm.
    pub(super) fn type_dispatch(
        &mut self,
        schema: &'a Schema,
        parts: &Parts,
        mode: Mode,
    ) -> TokenStream {
        let loc = schema.location.trim_start_matches('#');
        let allowed = |ty: JsonType| schema.allows(ty);
        let mut arms = TokenStream::new();
        let string = self.string_checks(schema, loc, &quote!(s), Subject::Value);
        let string = render(&string, mode.sink());
        if allowed(JsonType::String) && !string.is_empty() {
            arms.extend(quote! { Value::String(s) => { #string } });
        }
        // The collecting functions compare exactly when a text collector gives the text.
        let operand = match mode {
            Mode::Fast => Operand::Number,
            Mode::Collect => Operand::NumberCx,
        };
        let number = render(&number_checks(schema, loc, operand), mode.sink());
        let integer_only = schema
            .types
            .as_ref()
            .is_some_and(|it| it.contains(&JsonType::Integer) && !it.contains(&JsonType::Number));
        if allowed(JsonType::Number) || allowed(JsonType::Integer) {
            let integer_check = type_failure(schema, loc, mode.sink());
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
        let array = Self::array_checks(schema, parts, mode, loc);
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
        let wrong = type_failure(schema, loc, mode.sink());
        quote! { match value { #arms #quiet _ => { #wrong } } }
    }

    /// The checks of an array `a`: its length, its items and their uniqueness.
    pub(super) fn array_checks(
        schema: &Schema,
        parts: &Parts,
        mode: Mode,
        loc: &str,
    ) -> TokenStream {
        let rules = &schema.array;
        let counts = item_count_checks(schema, loc, Operand::Len(quote!(a.len())));
        let mut out = render(&counts, mode.sink());
        // The fast path checks the items before their uniqueness, which costs more.
        let unique_fast = quote! { if rt::first_duplicate(a).is_some() { return false; } };
        if rules.unique_items {
            out.extend(match mode {
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

    /// The checks of an object `m`: its members by name, `propertyNames`, `required` and the
    /// number of members.
    pub(super) fn object_checks(
        &mut self,
        schema: &'a Schema,
        parts: &Parts,
        mode: Mode,
        loc: &str,
    ) -> TokenStream {
        let rules = &schema.object;
        // The fast path decides the number of members before reading them.
        let mut out = if mode == Mode::Fast {
            property_counts(schema, loc, mode)
        } else {
            TokenStream::new()
        };
        let required = required_names(schema, parts);
        let needs_loop = !parts.properties.is_empty()
            || !required.is_empty()
            || rules.additional.is_some()
            || rules.property_names.is_some();
        if needs_loop {
            let arms = member_arms(parts, &required, mode);
            let other = match (&rules.additional, &parts.additional) {
                (Some(Additional::Forbidden), _) => match mode {
                    Mode::Fast => quote! { return false; },
                    Mode::Collect => additional_error(loc),
                },
                (_, Some(callee)) => member_check(callee, mode),
                _ => TokenStream::new(),
            };
            let names = match &rules.property_names {
                Some(names) => self.property_names(names, mode, loc),
                None => TokenStream::new(),
            };
            let declare = (!required.is_empty()).then(|| quote! { let mut seen: u64 = 0; });
            let dispatch = if arms.is_empty() {
                other
            } else {
                quote! { match key { #arms _ => { #other } } }
            };
            let stop = (mode == Mode::Collect).then(|| quote! { if cx.is_full() { break; } });
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
            out.extend(property_counts(schema, loc, mode));
        }
        out
    }

    /// Checks of each key against `propertyNames`. Names are strings, so a schema that only
    /// constrains strings is checked on the `&str`; any other schema gets the name as a value.
    pub(super) fn property_names(
        &mut self,
        names: &'a Schema,
        mode: Mode,
        loc: &str,
    ) -> TokenStream {
        let names_loc = kw::PROPERTY_NAMES.at(loc);
        let names_keyword = kw::PROPERTY_NAMES.name;
        if only_strings(names) {
            let checks = self.string_checks(names, &names_loc, &quote!(key), Subject::PropertyName);
            return render(&checks, mode.sink());
        }
        // One node per `propertyNames` schema, whichever path asks first; the collecting
        // path gives the errors of the name as the causes of its own.
        let callee = match self.index.get(&names.location) {
            Some(at) => self.nodes[*at].1.clone(),
            None => {
                self.names_counter += 1;
                let name = format!("property_names_{}", self.names_counter);
                self.node(names, &name, &name)
            }
        };
        let (v, e) = (&callee.v, &callee.e);
        match mode {
            Mode::Fast => quote! { if !#v(&Value::String(key.to_owned())) { return false; } },
            Mode::Collect => quote! {
                let name = Value::String(key.to_owned());
                if !#v(&name) {
                    let causes = cx.branch(|cx| #e(&name, cx));
                    let message = format!("{} is not allowed", cx.show_name(key));
                    cx.error_with_causes(#names_keyword, #names_loc, message, causes);
                }
            },
        }
    }

    pub(super) fn one_of(
        &mut self,
        schema: &Schema,
        branches: &[Callee],
        mode: Mode,
        loc: &str,
    ) -> TokenStream {
        let one_of = kw::ONE_OF.name;
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
            let (unknown_tag, missing_tag) = tag_messages(discriminator);
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
                                    cx.error(#one_of, #loc, message);
                                }
                                None => {
                                    let message = #missing_tag.to_owned();
                                    cx.error(#one_of, #loc, message);
                                }
                            },
                            other => {
                                let message = rt::type_message(cx, other, "an object");
                                cx.error(#one_of, #loc, message);
                            }
                        }
                    }
                }
            };
        }
        let v: Vec<&Ident> = branches.iter().map(|it| &it.v).collect();
        let e: Vec<&Ident> = branches.iter().map(|it| &it.e).collect();
        let labels: Vec<&str> = branches.iter().map(|it| it.label.as_str()).collect();
        let counts = required_counts(self.api, &schema.one_of);
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
                    cx.one_of_error(#loc, labels, #counts, &valid, branches);
                }
            },
        }
    }
}

pub(super) fn any_of(
    branches: &[Callee],
    counts: &TokenStream,
    mode: Mode,
    loc: &str,
) -> TokenStream {
    let v: Vec<&Ident> = branches.iter().map(|it| &it.v).collect();
    let e: Vec<&Ident> = branches.iter().map(|it| &it.e).collect();
    let labels: Vec<&str> = branches.iter().map(|it| it.label.as_str()).collect();
    match mode {
        Mode::Fast => quote! { if !( #( #v(value) )||* ) { return false; } },
        Mode::Collect => quote! {
            if !( #( #v(value) )||* ) {
                let branches = vec![ #( cx.branch(|cx| #e(value, cx)) ),* ];
                cx.any_of_error(#loc, &[ #( #labels ),* ], #counts, branches);
            }
        },
    }
}

/// Records that items `i` and `j` of the array are equal (`uniqueItems`).
pub(super) fn unique_error(loc: &str) -> TokenStream {
    let schema_loc = kw::UNIQUE_ITEMS.at(loc);
    let keyword = kw::UNIQUE_ITEMS.name;
    quote! {
        cx.error(#keyword, #schema_loc, format!("items {} and {} are equal", i, j));
    }
}

/// Records that the member `key` is not allowed (`additionalProperties: false`).
pub(super) fn additional_error(loc: &str) -> TokenStream {
    let schema_loc = kw::ADDITIONAL_PROPERTIES.at(loc);
    let keyword = kw::ADDITIONAL_PROPERTIES.name;
    quote! {
        cx.error(#keyword, #schema_loc, format!("{} is not allowed here", cx.show_name(key)));
    }
}

/// The names an object must have, each of which gets a bit of `seen`: the required
/// properties in the order of `properties`, then required names it does not list.
pub(super) fn required_names<'s>(schema: &'s Schema, parts: &'s Parts) -> Vec<&'s String> {
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
pub(super) fn required_checks(required: &[&String], mode: Mode, loc: &str) -> TokenStream {
    let names = required
        .iter()
        .enumerate()
        .map(|(i, name)| ((*name).clone(), 1u64 << i));
    RequiredSet::new(loc, names.collect(), quote!(seen), true).render(mode.sink())
}

/// An expression that is true when `value` equals one of `values` (all scalars; `lower`
/// refuses arrays and objects). Numbers compare by value, as JSON Schema says.
pub(super) fn literal_test(values: &[Literal]) -> TokenStream {
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
            Literal::Bool(b) => tests.push(quote! { matches!(value.as_bool(), Some(#b)) }),
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

/// The arms of the `match` on a member's key: each property is checked by its child and
/// marks its bit in `seen` when it is required, and required names no property declares
/// mark theirs.
fn member_arms(parts: &Parts, required: &[&String], mode: Mode) -> TokenStream {
    let bit = |name: &String| {
        let i = required.iter().position(|it| *it == name)?;
        Some(Lit::u64_unsuffixed(1u64 << i))
    };
    let mut arms = TokenStream::new();
    for (name, callee, _) in &parts.properties {
        let mark = bit(name).map(|bit| quote! { seen |= #bit; });
        let check = member_check(callee, mode);
        arms.extend(quote! { #name => { #mark #check } });
    }
    let listed = |name: &&String| parts.properties.iter().any(|it| &it.0 == *name);
    for name in required.iter().filter(|it| !listed(it)) {
        let bit = bit(name).unwrap_or_else(|| Lit::u64_unsuffixed(0));
        arms.extend(quote! { #name => { seen |= #bit; } });
    }
    arms
}

/// The check of the member `item` (called `key`) by the child `callee`.
fn member_check(callee: &Callee, mode: Mode) -> TokenStream {
    if callee.trivial {
        return TokenStream::new();
    }
    let (v, e) = (&callee.v, &callee.e);
    match mode {
        Mode::Fast => quote! { if !#v(item) { return false; } },
        Mode::Collect if callee.direct => {
            quote! { cx.push_key(key); #e(item, cx); cx.pop(); }
        }
        Mode::Collect => {
            quote! { if !#v(item) { cx.push_key(key); #e(item, cx); cx.pop(); } }
        }
    }
}

/// The `minProperties` and `maxProperties` checks of the object `m`.
fn property_counts(schema: &Schema, loc: &str, mode: Mode) -> TokenStream {
    let rules = &schema.object;
    let (min, max) = (rules.min_properties, rules.max_properties);
    let checks = property_count_checks(min, max, loc, Operand::Len(quote!(m.len())));
    render(&checks, mode.sink())
}
