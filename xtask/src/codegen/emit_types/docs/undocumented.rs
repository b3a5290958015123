//! The check that every public item of the generated types has a doc comment, so that a typify upgrade cannot silently drop docs.

use syn::{Attribute, Fields, ImplItem, Item};

use super::complete::{docs, is_public, type_name};

/// The public items of `file` (and of its modules) that still have no doc comment.
pub fn undocumented(file: &syn::File) -> Vec<String> {
    let mut out = Vec::new();
    check_items(&file.items, "", &mut out);
    out
}

fn check_items(items: &[Item], prefix: &str, out: &mut Vec<String>) {
    let mut bare = Vec::new();
    let mut missing = |attrs: &[Attribute], what: String| {
        if docs(attrs).is_empty() {
            bare.push(format!("{prefix}{what}"));
        }
    };
    let mut modules = Vec::new();
    for item in items {
        match item {
            Item::Struct(it) if is_public(&it.vis) => {
                missing(&it.attrs, it.ident.to_string());
                if let Fields::Named(fields) = &it.fields {
                    for field in fields.named.iter().filter(|it| is_public(&it.vis)) {
                        let field_name = field.ident.as_ref().map(ToString::to_string);
                        missing(
                            &field.attrs,
                            format!("{}.{}", it.ident, field_name.unwrap_or_default()),
                        );
                    }
                }
            }
            Item::Enum(it) if is_public(&it.vis) => {
                missing(&it.attrs, it.ident.to_string());
                for variant in &it.variants {
                    missing(&variant.attrs, format!("{}::{}", it.ident, variant.ident));
                    if let Fields::Named(fields) = &variant.fields {
                        for field in &fields.named {
                            let field_name = field.ident.as_ref().map(ToString::to_string);
                            missing(
                                &field.attrs,
                                format!(
                                    "{}::{}.{}",
                                    it.ident,
                                    variant.ident,
                                    field_name.unwrap_or_default()
                                ),
                            );
                        }
                    }
                }
            }
            Item::Impl(it) if it.trait_.is_none() => {
                for member in &it.items {
                    if let ImplItem::Fn(function) = member
                        && is_public(&function.vis)
                    {
                        missing(
                            &function.attrs,
                            format!("{}::{}", type_name(&it.self_ty), function.sig.ident),
                        );
                    }
                }
            }
            Item::Mod(module) if is_public(&module.vis) => {
                missing(&module.attrs, module.ident.to_string());
                modules.push(module);
            }
            Item::Type(it) if is_public(&it.vis) => missing(&it.attrs, it.ident.to_string()),
            Item::Const(it) if is_public(&it.vis) => missing(&it.attrs, it.ident.to_string()),
            Item::Fn(it) if is_public(&it.vis) => missing(&it.attrs, it.sig.ident.to_string()),
            _ => {}
        }
    }
    out.extend(bare);
    for module in modules {
        if let Some((_, items)) = &module.content {
            check_items(items, &format!("{prefix}{}::", module.ident), out);
        }
    }
}
