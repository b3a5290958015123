//! The `O_*` state machines of the streaming seeds: they read the members of an object
//! (or of the object schemas an `allOf` merges), each key once, and check the object at its end.

use super::*;

impl<'a> Emitter<'a> {
    /// The `O_*` state machine that reads the members of an object checked against `parts`.
    pub(super) fn object_state(&mut self, state: &Ident, parts: &[Part<'a>]) -> TokenStream {
        let names = known_names(parts);
        let name_checks = self.name_checks(parts);
        let (count_field, count_up, count_checks) = counting(parts);
        let dispatch = dispatch(&names, parts);
        let (seen_field, required_check) = required_check(&names, parts);
        // The other members are kept only where they may be read (not where every part
        // forbids them).
        let others_field = member_seeds(parts, None)
            .is_some()
            .then(|| quote! { others: stream::Others<'de>, });
        let marker = others_field
            .is_none()
            .then(|| quote! { _text: ::std::marker::PhantomData<&'de str>, });
        quote! {
            #[derive(Default)]
            #[allow(non_camel_case_types)]
            struct #state<'de> {
                #seen_field
                #count_field
                #others_field
                #marker
            }
            impl<'de> #state<'de> {
                fn member<S: stream::Source<'de>>(
                    &mut self,
                    key: stream::Key<'de>,
                    source: S,
                ) -> Result<(), S::Error> {
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

    /// The `propertyNames` checks of every part on the key `name`.
    fn name_checks(&mut self, parts: &[Part<'a>]) -> TokenStream {
        let mut checks = TokenStream::new();
        for part in parts {
            if let Some(names_schema) = &part.schema.object.property_names {
                let names_loc = kw::PROPERTY_NAMES.at(part.schema.location.trim_start_matches('#'));
                let subject = Subject::PropertyName;
                let part_checks =
                    self.string_checks(names_schema, &names_loc, &quote!(name), subject);
                checks.extend(render(&part_checks, Sink::Stream));
            }
        }
        if checks.is_empty() {
            return checks;
        }
        quote! {
            let name = key.as_str();
            #checks
        }
    }
}

/// The seeds that check the value of member `name` (any other member for `None`) in every
/// part, or `None` when a part forbids it.
fn member_seeds(parts: &[Part<'_>], name: Option<&str>) -> Option<Vec<TokenStream>> {
    let mut seeds = Vec::new();
    for part in parts {
        let declared = name.and_then(|name| part.parts.properties.iter().find(|it| it.0 == name));
        let additional = (&part.schema.object.additional, &part.parts.additional);
        match (declared, additional) {
            (Some((_, callee, _)), _) if !callee.trivial => seeds.push(seed_of(callee)),
            (Some(_), _) => {}
            (None, (Some(Additional::Forbidden), _)) => return None,
            (None, (Some(Additional::Schema(_)), Some(callee))) if !callee.trivial => {
                seeds.push(seed_of(callee))
            }
            _ => {}
        }
    }
    Some(seeds)
}

/// Reads a member's value from `source` with its seeds: one seed reads it as it streams,
/// several read it as raw text in turn.
fn read_value(seeds: Option<Vec<TokenStream>>) -> TokenStream {
    match seeds {
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
    }
}

/// The `match` of `member` on the key: a slot per known name, whose bit in `seen` refuses a
/// repeated key, and the other members, kept in `others` to refuse repeats.
fn dispatch(names: &[String], parts: &[Part<'_>]) -> TokenStream {
    let other = match member_seeds(parts, None) {
        None => quote! { Err(stream::invalid()) },
        seeds => {
            let value = read_value(seeds);
            quote! {
                self.others.insert(key)?;
                #value
            }
        }
    };
    if names.is_empty() {
        return other;
    }
    let mut slots = TokenStream::new();
    let mut arms = TokenStream::new();
    for (i, name) in names.iter().enumerate() {
        let slot = Lit::u8_unsuffixed(i as u8);
        let mask = Lit::u64_unsuffixed(1u64 << i);
        let value = read_value(member_seeds(parts, Some(name)));
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
    quote! {
        let slot: u8 = match key.as_str() { #slots _ => u8::MAX };
        match slot {
            #arms
            _ => { #other }
        }
    }
}

/// The member count of an object with `minProperties` or `maxProperties`: its field, its
/// increment (with the maximum, past which the verdict is known), and the checks at the end.
fn counting(parts: &[Part<'_>]) -> (TokenStream, TokenStream, TokenStream) {
    let objects = parts.iter().map(|it| &it.schema.object);
    let min = objects.clone().filter_map(|it| it.min_properties).max();
    let max = objects.filter_map(|it| it.max_properties).min();
    if min.is_none() && max.is_none() {
        return (quote!(), quote!(), quote!());
    }
    let loc = parts
        .first()
        .map_or("", |it| it.schema.location.trim_start_matches('#'));
    let counts = property_count_checks(min, max, loc, Operand::Count(quote!(self.count)));
    let (min, max) = split_counts(&counts);
    let early = max.clone();
    (
        quote! { count: u64, },
        quote! { self.count += 1; #early },
        quote! { #min #max },
    )
}

/// The `seen` field of the known names and the check at the end that every required name
/// was seen (the required set of every part, by the bits of their slots).
fn required_check(names: &[String], parts: &[Part<'_>]) -> (TokenStream, TokenStream) {
    if names.is_empty() {
        return (quote!(), quote!());
    }
    let mut required: Vec<(String, u64)> = Vec::new();
    for part in parts {
        for name in &part.schema.object.required {
            let bit = 1u64 << names.iter().position(|it| it == name).unwrap_or(0);
            if !required.iter().any(|(it, _)| it == name) {
                required.push((name.clone(), bit));
            }
        }
    }
    let loc = parts
        .first()
        .map_or("", |it| it.schema.location.trim_start_matches('#'));
    let check = RequiredSet::new(loc, required, quote!(self.seen), false);
    (quote! { seen: u64, }, check.render(Sink::Stream))
}
