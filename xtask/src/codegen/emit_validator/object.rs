//! The `O_*` state machines of the streaming seeds: they read the members of an object
//! (or of the object schemas an `allOf` merges), each key once, and check the object at its end.

use super::*;

impl<'a> Emitter<'a> {
    /// The `O_*` state machine that reads the members of an object checked against `parts`.
    pub(super) fn object_state(&mut self, state: &Ident, parts: &[Part<'a>]) -> TokenStream {
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
                let names_loc = kw::PROPERTY_NAMES.at(part.schema.location.trim_start_matches('#'));
                let checks = self.string_checks(
                    names_schema,
                    &names_loc,
                    &quote!(name),
                    Subject::PropertyName,
                );
                name_checks.extend(render(&checks, Sink::Stream));
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
            let loc = parts
                .first()
                .map_or("", |it| it.schema.location.trim_start_matches('#'));
            let counts = property_count_checks(min, max, loc, Operand::Count(quote!(self.count)));
            let (min, max) = split_counts(&counts);
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
