//! The docs of the generated code, from the real spec: every public item has one, and they show the bounds and examples a value must respect.

use syn::{Attribute, Fields, ImplItem, Item};
use xtask::codegen::{self, emit_types::docs};

/// The generated file at `path`, parsed.
fn generated(path: &str) -> syn::File {
    let files = codegen::generate(&xtask::project_root().expect("the workspace root"))
        .expect("the spec generates");
    let file = files
        .iter()
        .find(|it| it.path == path)
        .unwrap_or_else(|| panic!("{path} is generated"));
    syn::parse_file(&file.contents).expect("generated code parses")
}

fn doc_of(attrs: &[Attribute]) -> String {
    attrs
        .iter()
        .filter(|it| it.path().is_ident("doc"))
        .filter_map(|it| match &it.meta {
            syn::Meta::NameValue(value) => match &value.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(text),
                    ..
                }) => Some(text.value()),
                _ => None,
            },
            _ => None,
        })
        .map(|it| it.trim().to_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The items of the module `module` (`""` for the file itself).
fn items_of<'a>(file: &'a syn::File, module: &str) -> &'a [Item] {
    if module.is_empty() {
        return &file.items;
    }
    file.items
        .iter()
        .find_map(|it| match it {
            Item::Mod(it) if it.ident == module => it.content.as_ref().map(|(_, it)| &it[..]),
            _ => None,
        })
        .unwrap_or_else(|| panic!("module {module}"))
}

/// The docs of the type called `name` in `items`.
fn type_doc(items: &[Item], name: &str) -> String {
    items
        .iter()
        .find_map(|it| match it {
            Item::Struct(it) if it.ident == name => Some(doc_of(&it.attrs)),
            Item::Enum(it) if it.ident == name => Some(doc_of(&it.attrs)),
            _ => None,
        })
        .unwrap_or_else(|| panic!("type {name}"))
}

/// The docs of field `field` of struct `name`, or of variant `field` of enum `name`.
fn member_doc(items: &[Item], name: &str, field: &str) -> String {
    items
        .iter()
        .find_map(|it| match it {
            Item::Struct(it) if it.ident == name => match &it.fields {
                Fields::Named(fields) => fields
                    .named
                    .iter()
                    .find(|it| it.ident.as_ref().is_some_and(|it| it == field))
                    .map(|it| doc_of(&it.attrs)),
                _ => None,
            },
            Item::Enum(it) if it.ident == name => it
                .variants
                .iter()
                .find(|it| it.ident == field)
                .map(|it| doc_of(&it.attrs)),
            _ => None,
        })
        .unwrap_or_else(|| panic!("member {name}.{field}"))
}

/// The docs of the inherent method `method` of `name` in `items`.
fn method_doc(items: &[Item], name: &str, method: &str) -> String {
    items
        .iter()
        .filter_map(|it| match it {
            Item::Impl(it) if it.trait_.is_none() => Some(it),
            _ => None,
        })
        .filter(|it| matches!(&*it.self_ty, syn::Type::Path(path) if path.path.is_ident(name)))
        .flat_map(|it| &it.items)
        .find_map(|it| match it {
            ImplItem::Fn(it) if it.sig.ident == method => Some(doc_of(&it.attrs)),
            _ => None,
        })
        .unwrap_or_else(|| panic!("method {name}::{method}"))
}

#[track_caller]
fn assert_contains(doc: &str, parts: &[&str]) {
    for part in parts {
        assert!(doc.contains(part), "{part:?} is missing from:\n{doc}");
    }
}

/// Before, typify left builder setters, string-enum variants, `builder()` and fields that are
/// only a `$ref` without docs (the types crate allowed `missing_docs` on its generated module).
#[test]
fn every_public_generated_item_has_docs() {
    for path in [
        "crates/runa-order-types/src/generated.rs",
        "crates/runa-order-client/src/generated.rs",
    ] {
        let file = generated(path);
        let bare = docs::undocumented(&file);
        assert!(bare.is_empty(), "{path}: no docs on {bare:?}");
        // typify's placeholder doc, the type's name alone, says nothing.
        for item in &file.items {
            let (attrs, name) = match item {
                Item::Struct(it) => (&it.attrs, &it.ident),
                Item::Enum(it) => (&it.attrs, &it.ident),
                _ => continue,
            };
            assert_ne!(doc_of(attrs), format!("`{name}`"), "{path}: {name}");
        }
    }
}

#[test]
fn docs_show_the_bounds_and_examples_of_the_spec() {
    let file = generated("crates/runa-order-types/src/generated.rs");
    let top = items_of(&file, "");
    let builders = items_of(&file, "builder");

    // A number: its bound (which only the validator checks) and its example, on the field and
    // on the builder's setter.
    let face_value = member_doc(top, "NewOrderItemDetails", "face_value");
    assert_contains(
        &face_value,
        &[
            "Value of the payout",
            "checked by `runa-order-validator`",
            "at least `0.01`",
            "**Example:** `10`",
        ],
    );
    let setter = method_doc(builders, "NewOrderItemDetails", "face_value");
    assert_contains(&setter, &["Sets `face_value` (required).", &face_value]);

    // Arrays: lengths and uniqueness.
    assert_contains(
        &member_doc(top, "NewOrderDetails", "items"),
        &["1 to 200 items"],
    );
    assert_contains(
        &member_doc(top, "OrderPriceRequest", "items"),
        &["1 to 500 items"],
    );
    assert_contains(
        &member_doc(top, "MultipleProduct", "values"),
        &[
            "at least 2 items; no two items are equal",
            r#"**Example:** `["AMZ-US","AIRBNB-US"]`"#,
        ],
    );

    // A constrained string: the type refuses other values.
    assert_contains(
        &type_doc(top, "Currency"),
        &[
            "the Rust type refuses other values",
            "matches the pattern `^[A-Z]{3}$`",
            r#"**Example:** `"USD"`"#,
        ],
    );
    // A map: its size, and the bounds of its keys and values.
    assert_contains(
        &type_doc(top, "OrderMetadata"),
        &[
            "at most 20 entries; each key: at most 40 characters; each value: at most 200 characters",
        ],
    );
    // E-mail syntax is a contract rule, not a type rule.
    assert_contains(
        &member_doc(top, "EmailDistribution", "email_address"),
        &["checked by `runa-order-validator`", "an e-mail address"],
    );

    // A field that is only a `$ref` takes its target's description, bounds and example.
    assert_contains(
        &member_doc(top, "AsyncAcceptedOrder", "id"),
        &[
            "Identifier of an order, assigned by Runa",
            r#"**Example:** `"O-01H5WQGHKCBB85MQFM68S9KJ5Q"`"#,
        ],
    );
    assert_contains(
        &member_doc(top, "NewOrderDetails", "description"),
        &[
            "at most 128 characters",
            "the Rust type refuses other values",
        ],
    );
    let setter = method_doc(builders, "NewOrderDetails", "description");
    assert_contains(&setter, &["Sets `description`.", "at most 128 characters"]);

    // Enums: the allowed values, and each variant's JSON spelling.
    assert_contains(
        &type_doc(top, "OrderStatus"),
        &[r#"**Allowed values:** `"COMPLETED"`, `"FAILED"`, `"PROCESSING"`."#],
    );
    assert_contains(
        &member_doc(top, "OrderStatus", "Processing"),
        &[r#"`"PROCESSING"` in JSON."#],
    );
    // An `allOf` that narrows a property to one value: typify's merged enum and its field.
    assert_contains(
        &member_doc(top, "SyncCompletedOrder", "status"),
        &[r#"**Value:** always `"COMPLETED"`."#],
    );
    assert_contains(
        &type_doc(top, "SyncCompletedOrderStatus"),
        &[
            "The `status` of [`SyncCompletedOrder`].",
            r#"**Value:** always `"COMPLETED"`."#,
        ],
    );
    // A renamed field says its JSON name on the setter.
    assert_contains(
        &method_doc(builders, "APIErrorResponse", "type_"),
        &["Sets `type_` (`type` in JSON, required)."],
    );
    assert_contains(
        &method_doc(top, "NewOrderDetails", "builder"),
        &["[`builder::NewOrderDetails`]"],
    );
}

/// Text of the spec is plain text: the documented message of `product_validation_error`
/// (`Not allowed to order products: <detail>`) made `cargo doc` warn of an unclosed HTML tag.
#[test]
fn spec_text_cannot_turn_into_html_in_docs() {
    let file = generated("crates/runa-order-client/src/generated.rs");
    let doc = member_doc(&file.items, "ApiErrorType", "ProductValidationError");
    assert_contains(&doc, &[r"Not allowed to order products: \<detail\>"]);
}
