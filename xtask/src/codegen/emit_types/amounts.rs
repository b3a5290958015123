//! Money amounts in the generated types: where `format: decimal` may stand, and the rewrite of typify's output that makes each amount field a `rust_decimal::Decimal` with the serde adapter of its wire form.
//!
//! The typify view turns an amount into a reference to one of two placeholder definitions
//! ([`NUMBER`] for JSON numbers, [`STRING`] for decimal strings), which typify replaces with
//! the marker types `crate::amount::NumberAmount` and `crate::amount::StringAmount`. On
//! typify's syntax tree, [`rewrite`] then gives every field of a marker type (or an `Option` of
//! one) the attributes `#[serde(with = "crate::amount::number")]` (or `number_option`,
//! `string`, `string_option`) and `#[schemars(with = "crate::amount::NumberAmount")]`, and
//! replaces the marker type by `crate::Decimal` everywhere (fields, builders, setters), so
//! the type a user sees is `Decimal`.
//!
//! [`check`] refuses, with the place, a `format: decimal` the generated code could not make a
//! `Decimal` of: anywhere but an object property, on a type other than `number` or `string`,
//! with string constraints or an `enum` a `Decimal` would not check, and a number amount that
//! serde would read through its internal buffer (in a union that typify makes a `type`-tagged
//! or inline enum), where its text, and so its exact value, is not available.

use std::collections::BTreeSet;

use proc_macro2::{Group, TokenStream, TokenTree};
use quote::quote;
use syn::{Field, Fields, GenericArgument, Item, PathArguments, Type, parse_quote};

use crate::codegen::{
    diagnostic::Diagnostic,
    ir::{Additional, Api, Format, JsonType, Schema},
    keywords,
};

/// The view's placeholder definition of an amount that is a JSON number.
pub const NUMBER: &str = "AmountNumber";
/// The view's placeholder definition of an amount that is a decimal string.
pub const STRING: &str = "AmountString";
/// What typify writes for each placeholder.
pub const NUMBER_MARKER: &str = "crate::amount::NumberAmount";
pub const STRING_MARKER: &str = "crate::amount::StringAmount";

/// The wire form of an amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wire {
    Number,
    String,
}

/// The wire form of `schema` when it is an amount (`format: decimal`), and whether it may be
/// `null`. Only meaningful once [`check`] passed.
pub fn amount(schema: &Schema) -> Option<(Wire, bool)> {
    if schema.string.format != Some(Format::Decimal) {
        return None;
    }
    let types = schema.types.as_deref().unwrap_or_default();
    let nullable = types.contains(&JsonType::Null);
    let wire = if types.contains(&JsonType::Number) {
        Wire::Number
    } else {
        Wire::String
    };
    Some((wire, nullable))
}

/// Refuses the `format: decimal`s the types cannot make a `Decimal` of (the first found;
/// `lower` reports them all, with [`problems`]).
pub fn check(api: &Api) -> Result<(), Diagnostic> {
    match problems(api).into_iter().next() {
        Some(it) => Err(it),
        None => Ok(()),
    }
}

/// Every `format: decimal` the types cannot make a `Decimal` of.
pub fn problems(api: &Api) -> Vec<Diagnostic> {
    let mut cx = Check {
        api,
        problems: Vec::new(),
        buffered: BTreeSet::new(),
    };
    for def in &api.definitions {
        cx.walk(&def.schema, Place::Definition, false);
    }
    // Definitions reached from a buffered union are read through serde's buffer wherever
    // they are: a number amount in them cannot be exact.
    let mut queue: Vec<String> = cx.buffered.iter().cloned().collect();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    while let Some(name) = queue.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        if let Some(def) = api.definition(&name) {
            cx.buffered.clear();
            cx.walk(&def.schema, Place::Definition, true);
            queue.extend(cx.buffered.iter().cloned());
        }
    }
    cx.problems
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Definition,
    Property,
    Other,
}

struct Check<'a> {
    api: &'a Api,
    problems: Vec<Diagnostic>,
    /// Definitions referred to from a place serde reads through its buffer.
    buffered: BTreeSet<String>,
}

impl Check<'_> {
    fn refuse(&mut self, schema: &Schema, message: String) {
        // A definition reached again from a buffered union is walked once more; its problem is
        // reported once.
        let pointer = keywords::FORMAT.at(&schema.location);
        if self
            .problems
            .iter()
            .all(|it| it.pointer.as_deref() != Some(&pointer))
        {
            self.problems.push(Diagnostic {
                file: self.api.schema_file.clone(),
                position: None,
                pointer: Some(pointer),
                message,
            });
        }
    }

    fn walk(&mut self, schema: &Schema, place: Place, buffered: bool) {
        if let Some(name) = &schema.reference
            && buffered
        {
            self.buffered.insert(name.clone());
        }
        if schema.string.format == Some(Format::Decimal) {
            self.amount(schema, place, buffered);
        }
        for property in &schema.object.properties {
            self.walk(&property.schema, Place::Property, buffered);
        }
        if let Some(items) = &schema.array.items {
            self.walk(items, Place::Other, buffered);
        }
        if let Some(Additional::Schema(values)) = &schema.object.additional {
            self.walk(values, Place::Other, buffered);
        }
        if let Some(names) = &schema.object.property_names {
            self.walk(names, Place::Other, buffered);
        }
        // `allOf` branches are merged into one struct: their properties are the value's.
        for branch in &schema.all_of {
            let inner = if place == Place::Definition {
                Place::Definition
            } else {
                Place::Other
            };
            self.walk(branch, inner, buffered);
        }
        // A null-or-X `anyOf` is an `Option`; any other `anyOf` is an untagged enum of inline
        // branches, read through serde's buffer.
        let null_or = schema.any_of.len() == 2
            && schema
                .any_of
                .iter()
                .any(|it| it.types.as_deref() == Some(&[JsonType::Null][..]));
        for branch in &schema.any_of {
            self.walk(branch, Place::Other, buffered || !null_or);
        }
        // A `oneOf` of references without a tag gets the generated union reader, which reads
        // each variant from the text; a tagged one, or one with inline branches, is buffered.
        let by_text =
            schema.discriminator.is_none() && schema.one_of.iter().all(|it| it.reference.is_some());
        for branch in &schema.one_of {
            self.walk(branch, Place::Other, buffered || !by_text);
        }
        if schema.discriminator.is_some() {
            for branch in &schema.one_of {
                if let Some(name) = &branch.reference {
                    self.buffered.insert(name.clone());
                }
            }
        }
    }

    fn amount(&mut self, schema: &Schema, place: Place, buffered: bool) {
        let types = schema.non_null_types();
        if !matches!(types.as_slice(), [JsonType::Number] | [JsonType::String]) {
            return self.refuse(
                schema,
                "`format: decimal` needs `type` \"number\" or \"string\" (or one of them with \"null\"): it makes the Rust type `rust_decimal::Decimal`".to_owned(),
            );
        }
        if place != Place::Property {
            return self.refuse(
                schema,
                "`format: decimal` is supported on object properties only (not on a definition, an array item or a map value): put the amount in a property".to_owned(),
            );
        }
        let string = &schema.string;
        if string.pattern.is_some()
            || string.min_length.is_some()
            || string.max_length.is_some()
            || schema.enum_values.is_some()
            || schema.const_value.is_some()
            || schema.default.is_some()
            || schema.reference.is_some()
            || !schema.all_of.is_empty()
            || !schema.any_of.is_empty()
            || !schema.one_of.is_empty()
        {
            return self.refuse(
                schema,
                "`format: decimal` cannot be combined with `pattern`, `minLength`, `maxLength`, `enum`, `const`, `default`, `$ref` or a combinator: the `Decimal` field would not check them (use `minimum` and `maximum`, which the validator checks)".to_owned(),
            );
        }
        if buffered && types == [JsonType::Number] {
            self.refuse(
                schema,
                "a number amount (`format: decimal` on `type: number`) cannot be inside a `type`-tagged union or a union of inline schemas: serde reads those through a buffer that keeps numbers as `f64`, so the amount would not be exact; make it a decimal string, or make the union a `oneOf` of `$ref`s without a tag".to_owned(),
            );
        }
    }
}

/// Gives amount fields their serde and schemars attributes ([`decimals`] then changes their
/// type to `crate::Decimal`).
pub fn rewrite(file: &mut syn::File) {
    rewrite_items(&mut file.items);
}

fn rewrite_items(items: &mut [Item]) {
    for item in items {
        match item {
            Item::Struct(it) => attribute_fields(&mut it.fields),
            Item::Enum(it) => {
                for variant in &mut it.variants {
                    attribute_fields(&mut variant.fields);
                }
            }
            Item::Mod(it) => {
                if let Some((_, items)) = &mut it.content {
                    rewrite_items(items);
                }
            }
            Item::Impl(it) => {
                for item in &mut it.items {
                    if let syn::ImplItem::Fn(method) = item {
                        exact_setter(method);
                    }
                }
            }
            _ => {}
        }
    }
}

/// A builder's setter of an amount takes what converts into a `Decimal` without loss
/// (`Decimal`, integers), not typify's `TryInto`, which would accept an `f64`.
fn exact_setter(method: &mut syn::ImplItemFn) {
    let Some(clause) = &mut method.sig.generics.where_clause else {
        return;
    };
    let mut changed = false;
    for predicate in clause.predicates.iter_mut() {
        let syn::WherePredicate::Type(it) = predicate else {
            continue;
        };
        for bound in it.bounds.iter_mut() {
            let syn::TypeParamBound::Trait(bound) = bound else {
                continue;
            };
            let Some(last) = bound.path.segments.last_mut() else {
                continue;
            };
            let PathArguments::AngleBracketed(args) = &last.arguments else {
                continue;
            };
            let amount = args.args.iter().any(|arg| {
                matches!(arg, GenericArgument::Type(ty)
                    if marker_of(ty).or_else(|| option_inner(ty).and_then(marker_of)).is_some())
            });
            if last.ident == "TryInto" && amount {
                last.ident = syn::Ident::new("Into", last.ident.span());
                changed = true;
            }
        }
    }
    if changed {
        // `T::Error` names `TryInto`'s error, which `Into` does not have.
        clause.predicates = clause
            .predicates
            .iter()
            .filter(|it| !quote!(#it).to_string().contains("Error"))
            .cloned()
            .collect();
    }
}

fn attribute_fields(fields: &mut Fields) {
    for field in fields.iter_mut() {
        attribute_field(field);
    }
}

fn attribute_field(field: &mut Field) {
    let (marker, optional) = match marker_of(&field.ty) {
        Some(it) => (it, false),
        None => match option_inner(&field.ty).and_then(marker_of) {
            Some(it) => (it, true),
            None => return,
        },
    };
    let (adapter, schema) = match (marker, optional) {
        (Wire::Number, false) => ("crate::amount::number", NUMBER_MARKER.to_owned()),
        (Wire::Number, true) => (
            "crate::amount::number_option",
            format!("::std::option::Option<{NUMBER_MARKER}>"),
        ),
        (Wire::String, false) => ("crate::amount::string", STRING_MARKER.to_owned()),
        (Wire::String, true) => (
            "crate::amount::string_option",
            format!("::std::option::Option<{STRING_MARKER}>"),
        ),
    };
    // typify makes a required nullable field required with
    // `deserialize_with = "Option::deserialize"`; the adapter takes its place (and reads
    // `null` as `None`). Any other optional field must say `default`: serde reads a missing
    // `Option` field as `None` only without an adapter.
    let before = field.attrs.len();
    field.attrs.retain(|attr| {
        !(attr.path().is_ident("serde") && quote!(#attr).to_string().contains("deserialize_with"))
    });
    let required = field.attrs.len() != before;
    let default = if optional && !required {
        quote!(#[serde(default)])
    } else {
        TokenStream::new()
    };
    let attrs: TokenStream = quote! {
        #default
        #[serde(with = #adapter)]
        #[schemars(with = #schema)]
    };
    let parsed: syn::Field = parse_quote! { #attrs x: u8 };
    field.attrs.extend(parsed.attrs);
}

/// The wire form of a marker type, when `ty` is one.
fn marker_of(ty: &Type) -> Option<Wire> {
    let Type::Path(path) = ty else { return None };
    let text = path
        .path
        .segments
        .iter()
        .map(|it| it.ident.to_string())
        .collect::<Vec<_>>()
        .join("::");
    match text.as_str() {
        "crate::amount::NumberAmount" => Some(Wire::Number),
        "crate::amount::StringAmount" => Some(Wire::String),
        _ => None,
    }
}

/// `T` when `ty` is `Option<T>` (by any path ending in `Option`).
fn option_inner(ty: &Type) -> Option<&Type> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        GenericArgument::Type(it) => Some(it),
        _ => None,
    }
}

/// Replaces both marker types (`crate::amount::NumberAmount`, `crate::amount::StringAmount`)
/// by `crate::Decimal` in the tokens, everywhere but in string literals (the attributes keep
/// naming the markers, for schemars).
pub fn decimals(tokens: TokenStream) -> TokenStream {
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    let mut out: Vec<TokenTree> = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        if let Some(span) = marker_at(&tokens[i..]) {
            let mut replacement: TokenStream = quote!(crate::Decimal);
            replacement = replacement
                .into_iter()
                .map(|mut it| {
                    it.set_span(span);
                    it
                })
                .collect();
            out.extend(replacement);
            // `crate` `:` `:` `amount` `:` `:` `Marker`
            i += 7;
            continue;
        }
        out.push(match &tokens[i] {
            TokenTree::Group(group) => {
                let mut it = Group::new(group.delimiter(), decimals(group.stream()));
                it.set_span(group.span());
                TokenTree::Group(it)
            }
            other => other.clone(),
        });
        i += 1;
    }
    out.into_iter().collect()
}

/// The span of a marker path starting at `tokens[0]`, when one does.
fn marker_at(tokens: &[TokenTree]) -> Option<proc_macro2::Span> {
    let [
        TokenTree::Ident(krate),
        TokenTree::Punct(a),
        TokenTree::Punct(b),
        TokenTree::Ident(module),
        TokenTree::Punct(c),
        TokenTree::Punct(d),
        TokenTree::Ident(marker),
        ..,
    ] = tokens
    else {
        return None;
    };
    let colons = [a, b, c, d].iter().all(|it| it.as_char() == ':');
    (krate == "crate"
        && colons
        && module == "amount"
        && (marker == "NumberAmount" || marker == "StringAmount"))
        .then(|| krate.span())
}
