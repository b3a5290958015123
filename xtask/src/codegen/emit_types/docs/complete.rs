//! Documents what typify leaves bare in its output: enum variants, the `builder` and `error` modules, builders and their setters, `builder()`; restores the allowed values typify's merge of a narrowing `allOf` drops.

use std::collections::BTreeMap;

use syn::{
    Attribute, Expr, Fields, ImplItem, Item, ItemImpl, ItemMod, Meta, Type, Visibility, parse_quote,
};

use super::{code, undocumented::undocumented};
use crate::codegen::keywords;

/// Documents the public items of typify's output that have no doc comment. Returns the names
/// of public items it could not document (empty when every one has a doc).
pub fn complete(file: &mut syn::File) -> Vec<String> {
    normalize(&mut file.items);
    narrowed_enums(&mut file.items);

    // The docs and JSON names of each struct's fields, for the setters of its builder.
    let mut field_docs: BTreeMap<String, BTreeMap<String, FieldDoc>> = BTreeMap::new();
    for item in &file.items {
        if let Item::Struct(it) = item
            && let Fields::Named(fields) = &it.fields
        {
            let docs = fields
                .named
                .iter()
                .filter_map(|field| {
                    let name = field.ident.as_ref()?.to_string();
                    let doc = FieldDoc {
                        wire: serde_rename(&field.attrs).unwrap_or_else(|| name.clone()),
                        docs: docs(&field.attrs),
                    };
                    Some((name, doc))
                })
                .collect();
            field_docs.insert(it.ident.to_string(), docs);
        }
    }

    for item in &mut file.items {
        match item {
            Item::Struct(it) if is_public(&it.vis) => {
                let name = it.ident.to_string();
                if docs(&it.attrs).is_empty() {
                    add_doc(&mut it.attrs, &format!("The `{name}` schema of the spec."));
                }
                document_fields(&mut it.fields);
            }
            Item::Enum(it) if is_public(&it.vis) => {
                let name = it.ident.to_string();
                if docs(&it.attrs).is_empty() {
                    add_doc(&mut it.attrs, &format!("The `{name}` schema of the spec."));
                }
                for variant in &mut it.variants {
                    if docs(&variant.attrs).is_empty() {
                        let text = match (serde_rename(&variant.attrs), &variant.fields) {
                            (Some(wire), _) => format!("{} in JSON.", code(&format!("{wire:?}"))),
                            (None, Fields::Unnamed(fields)) if fields.unnamed.len() == 1 => {
                                format!("A [`{}`].", type_name(&fields.unnamed[0].ty))
                            }
                            (None, _) => format!("The `{}` variant.", variant.ident),
                        };
                        add_doc(&mut variant.attrs, &text);
                    }
                    document_fields(&mut variant.fields);
                }
            }
            Item::Impl(it) if it.trait_.is_none() => {
                let name = type_name(&it.self_ty);
                for member in &mut it.items {
                    if let ImplItem::Fn(function) = member
                        && is_public(&function.vis)
                        && docs(&function.attrs).is_empty()
                        && function.sig.ident == "builder"
                    {
                        add_doc(
                            &mut function.attrs,
                            &format!(
                                "A builder of [`{name}`]; see [`builder::{name}`] for how to use it."
                            ),
                        );
                    }
                }
            }
            Item::Mod(module) if module.ident == "builder" => {
                document_builders(module, &field_docs);
            }
            Item::Mod(module) if module.ident == "error" => {
                // typify's own line ("Error types.") says less than this.
                replace_docs(
                    &mut module.attrs,
                    "The error of the conversions of this crate's types: a string that breaks a bound when parsed or converted, or a builder that cannot build its type.",
                );
            }
            _ => {}
        }
    }
    undocumented(file)
}

/// typify merges an `allOf` that narrows a property to fewer values (`status` of
/// `SyncCompletedOrder`, always `COMPLETED`) into a new enum whose doc is only its name, and the
/// field loses the allowed values. This says, on every field whose type is a string enum, which
/// values it allows, and replaces typify's placeholder doc ("`Name`") of a type with what the
/// type is for.
fn narrowed_enums(items: &mut [Item]) {
    // The allowed values of each enum whose variants all have a JSON spelling.
    let mut values: BTreeMap<String, String> = BTreeMap::new();
    // The first field of each type: its struct and its JSON name.
    let mut users: BTreeMap<String, (String, String)> = BTreeMap::new();
    for item in items.iter() {
        match item {
            Item::Enum(it) => {
                let spellings: Option<Vec<String>> = it
                    .variants
                    .iter()
                    .map(|variant| match variant.fields {
                        Fields::Unit => serde_rename(&variant.attrs),
                        _ => None,
                    })
                    .collect();
                if let Some(spellings) = spellings.filter(|it| !it.is_empty()) {
                    let spellings: Vec<String> = spellings
                        .iter()
                        .map(|it| code(&format!("{it:?}")))
                        .collect();
                    let text = match spellings.as_slice() {
                        [one] => format!("**Value:** always {one}."),
                        many => format!("**Allowed values:** {}.", many.join(", ")),
                    };
                    values.insert(it.ident.to_string(), text);
                }
            }
            Item::Struct(it) => {
                for field in &it.fields {
                    let wire = serde_rename(&field.attrs)
                        .or_else(|| field.ident.as_ref().map(ToString::to_string))
                        .unwrap_or_default();
                    users
                        .entry(value_type_name(&field.ty))
                        .or_insert_with(|| (it.ident.to_string(), wire));
                }
            }
            _ => {}
        }
    }
    let add_values = |fields: &mut Fields| {
        for field in fields.iter_mut() {
            let text = doc_text(&field.attrs);
            if let Some(values) = values.get(&value_type_name(&field.ty))
                && !text.contains("**Value:**")
                && !text.contains("**Allowed values:**")
            {
                if text.is_empty() {
                    let wire = serde_rename(&field.attrs)
                        .or_else(|| field.ident.as_ref().map(ToString::to_string))
                        .unwrap_or_default();
                    add_doc(&mut field.attrs, &format!("The {} property.", code(&wire)));
                }
                add_doc(&mut field.attrs, "");
                add_doc(&mut field.attrs, values);
            }
        }
    };
    for item in items.iter_mut() {
        let (attrs, name) = match item {
            Item::Struct(it) => {
                add_values(&mut it.fields);
                (&mut it.attrs, it.ident.to_string())
            }
            Item::Enum(it) => {
                for variant in &mut it.variants {
                    add_values(&mut variant.fields);
                }
                (&mut it.attrs, it.ident.to_string())
            }
            _ => continue,
        };
        if doc_text(attrs) == format!("`{name}`") {
            let mut text = match users.get(&name) {
                Some((user, wire)) => format!("The {} of [`{user}`].", code(wire)),
                None => format!("The `{name}` type."),
            };
            if let Some(values) = values.get(&name) {
                text.push_str("\n\n");
                text.push_str(values);
            }
            replace_docs(attrs, &text);
        }
    }
}

/// The text of the docs in `attrs`, trimmed.
fn doc_text(attrs: &[Attribute]) -> String {
    attrs
        .iter()
        .filter(|it| it.path().is_ident("doc"))
        .filter_map(|it| match &it.meta {
            Meta::NameValue(value) => match &value.value {
                Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(text),
                    ..
                }) => Some(text.value()),
                _ => None,
            },
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_owned()
}

/// The name of the type a field holds, through one `Option` (`OrderStatus` for
/// `Option<OrderStatus>`).
fn value_type_name(ty: &Type) -> String {
    if let Type::Path(path) = ty
        && let Some(last) = path.path.segments.last()
        && last.ident == "Option"
        && let syn::PathArguments::AngleBracketed(args) = &last.arguments
        && let Some(syn::GenericArgument::Type(inner)) = args.args.first()
    {
        return type_name(inner);
    }
    type_name(ty)
}

/// Rewrites every doc comment as one `#[doc]` per line, each starting with a space, so that
/// prettyplease prints `/// text` lines (typify writes `///text`, and `/** … */` blocks for
/// docs of several lines).
fn normalize(items: &mut [Item]) {
    fn fields(fields: &mut Fields) {
        for field in fields.iter_mut() {
            split_docs(&mut field.attrs);
        }
    }
    for item in items {
        match item {
            Item::Struct(it) => {
                split_docs(&mut it.attrs);
                fields(&mut it.fields);
            }
            Item::Enum(it) => {
                split_docs(&mut it.attrs);
                for variant in &mut it.variants {
                    split_docs(&mut variant.attrs);
                    fields(&mut variant.fields);
                }
            }
            Item::Impl(it) => {
                for member in &mut it.items {
                    if let ImplItem::Fn(function) = member {
                        split_docs(&mut function.attrs);
                    }
                }
            }
            Item::Mod(module) => {
                split_docs(&mut module.attrs);
                if let Some((_, items)) = &mut module.content {
                    normalize(items);
                }
            }
            Item::Type(it) => split_docs(&mut it.attrs),
            Item::Const(it) => split_docs(&mut it.attrs),
            Item::Fn(it) => split_docs(&mut it.attrs),
            _ => {}
        }
    }
}

fn split_docs(attrs: &mut Vec<Attribute>) {
    let mut out = Vec::with_capacity(attrs.len());
    for attr in attrs.drain(..) {
        let text = match &attr.meta {
            Meta::NameValue(it) if attr.path().is_ident("doc") => match &it.value {
                Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(text),
                    ..
                }) => Some(text.value()),
                _ => None,
            },
            _ => None,
        };
        match text {
            None => out.push(attr),
            Some(text) => {
                for line in text.split('\n') {
                    let line = match line.trim_end() {
                        "" => String::new(),
                        it if it.starts_with(' ') => it.to_owned(),
                        it => format!(" {it}"),
                    };
                    out.push(parse_quote!(#[doc = #line]));
                }
            }
        }
    }
    *attrs = out;
}

/// What a builder setter repeats of the field it sets.
struct FieldDoc {
    /// The property's name in JSON.
    wire: String,
    docs: Vec<Attribute>,
}

fn document_fields(fields: &mut Fields) {
    if let Fields::Named(fields) = fields {
        for field in &mut fields.named {
            if is_public(&field.vis) || matches!(field.vis, Visibility::Inherited) {
                if !docs(&field.attrs).is_empty() {
                    continue;
                }
                let wire = serde_rename(&field.attrs)
                    .or_else(|| field.ident.as_ref().map(ToString::to_string))
                    .unwrap_or_default();
                add_doc(&mut field.attrs, &format!("The {} property.", code(&wire)));
            }
        }
    }
}

fn document_builders(
    module: &mut ItemMod,
    field_docs: &BTreeMap<String, BTreeMap<String, FieldDoc>>,
) {
    // typify's own line ("Types for composing complex structures.") says less than this.
    replace_docs(
        &mut module.attrs,
        "Builders of the struct types of this crate.\n\nStart from the type's `builder()`, set fields with the methods named after them (each method's docs give the field's bounds), then convert with `try_into()`: a required field left unset, or a value that does not convert (a string that breaks a bound), is an error that names the field.",
    );
    let Some((_, items)) = &mut module.content else {
        return;
    };
    let required = required_fields(items);
    for item in items.iter_mut() {
        match item {
            Item::Struct(it) if is_public(&it.vis) && docs(&it.attrs).is_empty() => {
                let name = it.ident.to_string();
                let mut text = format!(
                    "A builder of [`{name}`](super::{name}): set fields with the methods named after them, then convert with `try_into()`."
                );
                match required.get(&name).map(Vec::as_slice) {
                    None | Some([]) => text.push_str(" Every field is optional."),
                    Some(fields) => {
                        let fields: Vec<String> =
                            fields.iter().map(|it| format!("`{it}`")).collect();
                        text.push_str(&format!(
                            " Required: {}; converting fails while one is unset.",
                            fields.join(", ")
                        ));
                    }
                }
                add_doc(&mut it.attrs, &text);
            }
            Item::Impl(it) if it.trait_.is_none() => {
                let name = type_name(&it.self_ty);
                let required = required.get(&name);
                for member in &mut it.items {
                    let ImplItem::Fn(function) = member else {
                        continue;
                    };
                    if !is_public(&function.vis) || !docs(&function.attrs).is_empty() {
                        continue;
                    }
                    let field = function.sig.ident.to_string();
                    let doc = field_docs.get(&name).and_then(|it| it.get(&field));
                    let mut notes = Vec::new();
                    if let Some(doc) = doc
                        && doc.wire != field
                    {
                        notes.push(format!("{} in JSON", code(&doc.wire)));
                    }
                    if required.is_some_and(|it| it.contains(&field)) {
                        notes.push(keywords::REQUIRED.name.to_owned());
                    }
                    let head = if notes.is_empty() {
                        format!("Sets `{field}`.")
                    } else {
                        format!("Sets `{field}` ({}).", notes.join(", "))
                    };
                    add_doc(&mut function.attrs, &head);
                    if let Some(doc) = doc
                        && !doc.docs.is_empty()
                    {
                        add_doc(&mut function.attrs, "");
                        function.attrs.extend(doc.docs.iter().cloned());
                    }
                }
            }
            _ => {}
        }
    }
}

/// The required fields of each builder: those its `Default` sets to `Err(…)` ("no value
/// supplied"), in field order.
fn required_fields(items: &[Item]) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    for item in items {
        let Item::Impl(ItemImpl {
            trait_: Some((_, path, _)),
            self_ty,
            items,
            ..
        }) = item
        else {
            continue;
        };
        if path.segments.last().is_none_or(|it| it.ident != "Default") {
            continue;
        }
        let Some(ImplItem::Fn(function)) = items.first() else {
            continue;
        };
        let Some(syn::Stmt::Expr(Expr::Struct(init), _)) = function.block.stmts.last() else {
            continue;
        };
        let fields = init
            .fields
            .iter()
            .filter(|field| is_err_call(&field.expr))
            .filter_map(|field| match &field.member {
                syn::Member::Named(ident) => Some(ident.to_string()),
                syn::Member::Unnamed(_) => None,
            })
            .collect();
        out.insert(type_name(self_ty), fields);
    }
    out
}

fn is_err_call(expr: &Expr) -> bool {
    let Expr::Call(call) = expr else {
        return false;
    };
    let Expr::Path(path) = &*call.func else {
        return false;
    };
    path.path
        .segments
        .last()
        .is_some_and(|it| it.ident == "Err")
}

pub(super) fn is_public(vis: &Visibility) -> bool {
    matches!(vis, Visibility::Public(_))
}

/// The doc attributes among `attrs`.
pub(super) fn docs(attrs: &[Attribute]) -> Vec<Attribute> {
    attrs
        .iter()
        .filter(|it| it.path().is_ident("doc"))
        .cloned()
        .collect()
}

/// Appends `text` to the docs in `attrs`, one `#[doc]` per line so that it prints as `///`.
fn add_doc(attrs: &mut Vec<Attribute>, text: &str) {
    // Docs go before the other attributes (derives, serde), as typify writes them.
    let at = attrs
        .iter()
        .rposition(|it| it.path().is_ident("doc"))
        .map_or(0, |it| it + 1);
    let lines: Vec<Attribute> = text
        .split('\n')
        .map(|line| {
            let line = if line.is_empty() {
                String::new()
            } else {
                format!(" {line}")
            };
            parse_quote!(#[doc = #line])
        })
        .collect();
    attrs.splice(at..at, lines);
}

/// Replaces the docs in `attrs` with `text`.
fn replace_docs(attrs: &mut Vec<Attribute>, text: &str) {
    attrs.retain(|it| !it.path().is_ident("doc"));
    add_doc(attrs, text);
}

/// The value of `#[serde(rename = "…")]` among `attrs`.
fn serde_rename(attrs: &[Attribute]) -> Option<String> {
    attrs
        .iter()
        .filter(|it| it.path().is_ident("serde"))
        .find_map(|attr| {
            let Meta::List(list) = &attr.meta else {
                return None;
            };
            let mut found = None;
            let _ = list.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename") {
                    let value: syn::LitStr = meta.value()?.parse()?;
                    found = Some(value.value());
                } else if meta.input.peek(syn::Token![=]) {
                    // Skip the value of another `key = value`.
                    let _: Expr = meta.value()?.parse()?;
                }
                Ok(())
            });
            found
        })
}

/// The last segment of a type's path (`APIErrorResponse` for `super::APIErrorResponse`).
pub(super) fn type_name(ty: &Type) -> String {
    match ty {
        Type::Path(path) => path
            .path
            .segments
            .last()
            .map(|it| it.ident.to_string())
            .unwrap_or_default(),
        _ => String::new(),
    }
}
