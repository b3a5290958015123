//! The `Deserialize` of every union without a tag (`#[serde(untagged)]` enums of typify's output whose variants each wrap one type), written to pick the variant from what the spec says tells them apart and to report its error with a path and a position.
//!
//! typify derives `Deserialize` for such an enum with `#[serde(untagged)]`, whose error is only
//! "data did not match any variant", and which reads the variants through serde's buffer (so
//! a number is an `f64` there). [`rewrite`] drops that derive (the `Serialize` derive and its
//! `untagged` stay, so the JSON written is unchanged) and adds an impl that calls the types
//! crate's `crate::union::deserialize` with, per variant, the properties its definition
//! requires and the string values it allows for a property (`status: ["FAILED"]`), both read
//! from the IR through `allOf` and `$ref`. The runtime (`crates/runa-order-types/src/union.rs`)
//! says how they rank the variants.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use syn::{Fields, Item, ItemEnum, Meta, Type, punctuated::Punctuated};

use crate::codegen::ir::{Api, Literal, Schema};

/// What tells a definition apart as a variant of a union.
#[derive(Debug, Default, Clone)]
struct Marks {
    required: BTreeSet<String>,
    /// Property name to the strings it may be; properties limited in several places keep the
    /// values allowed by all.
    tags: BTreeMap<String, BTreeSet<String>>,
}

/// Replaces the derived `Deserialize` of every untagged enum of tuple variants.
pub fn rewrite(file: &mut syn::File, api: &Api) {
    let mut impls: Vec<Item> = Vec::new();
    for item in &mut file.items {
        let Item::Enum(it) = item else { continue };
        if !is_untagged(it) {
            continue;
        }
        let Some(variants) = tuple_variants(it) else {
            continue;
        };
        // The impl is parsed before the derive goes, so that the enum is never left without one.
        let Ok(reader) = syn::parse2::<Item>(deserialize_impl(api, &it.ident, &variants)) else {
            continue;
        };
        if drop_deserialize(it) {
            impls.push(reader);
        }
    }
    file.items.extend(impls);
}

fn is_untagged(item: &ItemEnum) -> bool {
    item.attrs.iter().any(|attr| {
        attr.path().is_ident("serde")
            && attr
                .meta
                .require_list()
                .is_ok_and(|list| list.tokens.to_string() == "untagged")
    })
}

/// `(variant, wrapped type)` for each variant, when every variant wraps exactly one type.
fn tuple_variants(item: &ItemEnum) -> Option<Vec<(syn::Ident, Type)>> {
    item.variants
        .iter()
        .map(|variant| match &variant.fields {
            Fields::Unnamed(fields) if fields.unnamed.len() == 1 => {
                Some((variant.ident.clone(), fields.unnamed[0].ty.clone()))
            }
            _ => None,
        })
        .collect()
}

/// Removes `Deserialize` from the enum's derives; false when it had none.
fn drop_deserialize(item: &mut ItemEnum) -> bool {
    let mut dropped = false;
    for attr in &mut item.attrs {
        if !attr.path().is_ident("derive") {
            continue;
        }
        let Meta::List(list) = &mut attr.meta else {
            continue;
        };
        let Ok(paths) =
            list.parse_args_with(Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
        else {
            continue;
        };
        let kept: Punctuated<syn::Path, syn::Token![,]> = paths
            .into_iter()
            .filter(|path| {
                let is = path
                    .segments
                    .last()
                    .is_some_and(|it| it.ident == "Deserialize");
                dropped |= is;
                !is
            })
            .collect();
        list.tokens = kept.into_token_stream();
    }
    dropped
}

/// The last name of the type a variant wraps, through `Box`.
fn type_name(ty: &Type) -> Option<String> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if last.ident == "Box"
        && let syn::PathArguments::AngleBracketed(args) = &last.arguments
        && let Some(syn::GenericArgument::Type(inner)) = args.args.first()
    {
        return type_name(inner);
    }
    Some(last.ident.to_string())
}

fn deserialize_impl(api: &Api, name: &syn::Ident, variants: &[(syn::Ident, Type)]) -> TokenStream {
    let infos = variants.iter().map(|(variant, ty)| {
        let marks = type_name(ty)
            .and_then(|it| api.definition(&it).map(|def| marks(api, &def.schema)))
            .unwrap_or_default();
        let label = type_name(ty).unwrap_or_else(|| variant.to_string());
        let required = marks.required.iter();
        let tags = marks.tags.iter().map(|(property, values)| {
            let values = values.iter();
            quote! { (#property, &[#(#values),*]) }
        });
        quote! {
            crate::union::Variant {
                name: #label,
                required: &[#(#required),*],
                tags: &[#(#tags),*],
            }
        }
    });
    let last = variants.len().saturating_sub(1);
    let arms = variants.iter().enumerate().map(|(i, (variant, ty))| {
        let pattern = if i == last {
            quote!(_)
        } else {
            let i = syn::Index::from(i);
            quote!(#i)
        };
        quote! { #pattern => crate::union::read::<#ty>(text).map(Self::#variant) }
    });
    let label = name.to_string();
    quote! {
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
            where
                D: ::serde::Deserializer<'de>,
            {
                const VARIANTS: &[crate::union::Variant] = &[#(#infos),*];
                crate::union::deserialize(deserializer, #label, VARIANTS, |index, text| {
                    match index {
                        #(#arms,)*
                    }
                })
            }
        }
    }
}

/// The required properties and string-limited properties of `schema`, through `allOf` and
/// `$ref` (each definition is visited once).
fn marks(api: &Api, schema: &Schema) -> Marks {
    let mut out = Marks::default();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut stack: Vec<&Schema> = vec![schema];
    while let Some(schema) = stack.pop() {
        if let Some(name) = &schema.reference {
            if seen.insert(name.clone())
                && let Some(def) = api.definition(name)
            {
                stack.push(&def.schema);
            }
            continue;
        }
        out.required.extend(schema.object.required.iter().cloned());
        for property in &schema.object.properties {
            if let Some(values) = strings(api, &property.schema) {
                out.tags
                    .entry(property.name.clone())
                    .and_modify(|it| it.retain(|value| values.contains(value)))
                    .or_insert(values);
            }
        }
        stack.extend(schema.all_of.iter());
    }
    out
}

/// The strings a property schema allows, when it is an `enum` or `const` of strings (or a
/// reference to one).
fn strings(api: &Api, schema: &Schema) -> Option<BTreeSet<String>> {
    let schema = match &schema.reference {
        Some(name) => &api.definition(name)?.schema,
        None => schema,
    };
    let values: Vec<&Literal> = match (&schema.enum_values, &schema.const_value) {
        (Some(values), _) => values.iter().collect(),
        (None, Some(value)) => vec![value],
        (None, None) => return None,
    };
    values
        .into_iter()
        .map(|it| match it {
            Literal::String(s) => Some(s.clone()),
            _ => None,
        })
        .collect()
}
