//! The doc comments of the generated code: schema descriptions with their bounds and examples, and docs for the items typify leaves bare.
//!
//! Two halves:
//!
//! * [`describe`] writes the text the typify view puts in each schema's `description`, which
//!   typify turns into the doc comment of the type or field: the spec's description (or, for a
//!   property that is only a `$ref`, the description of its target), then the bounds a value
//!   must respect, saying which ones the Rust type itself refuses and which only the validator
//!   checks, then the spec's `examples` and `default`.
//! * [`complete`] walks typify's output and documents what typify leaves without docs: enum
//!   variants, the `builder` and `error` modules, each builder and each builder setter (a setter
//!   gets the doc of the field it sets, bounds included), and `builder()`; it also restores the
//!   allowed values that typify's merge of a narrowing `allOf` drops, and replaces typify's
//!   placeholder docs (the type's name alone). Anything public that is still bare is reported,
//!   so that a typify upgrade cannot silently drop docs.
//!
//! Text from the spec is plain text, not Markdown: [`markdown`] escapes what rustdoc would read
//! as HTML or as an intra-doc link, outside code spans.

use std::collections::BTreeMap;

use syn::{
    Attribute, Expr, Fields, ImplItem, Item, ItemImpl, ItemMod, Meta, Type, Visibility, parse_quote,
};

use crate::codegen::{
    ir::{Additional, Api, Format, Literal, Schema},
    keywords,
};

/// Escapes `text` from the spec for a doc comment: `<`, `>`, `[` and `]` outside code spans
/// become literal characters, so that rustdoc reads no HTML tag (`<detail>`) and no intra-doc
/// link (`[items]`) in them. Code spans (`` `…` ``) are kept as they are.
pub fn markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        match rest.find('`') {
            None => {
                escape_into(&mut out, rest);
                break;
            }
            Some(start) => {
                escape_into(&mut out, &rest[..start]);
                let ticks = rest[start..].len() - rest[start..].trim_start_matches('`').len();
                let fence = &rest[start..start + ticks];
                let after = start + ticks;
                // A code span ends at the next run of exactly as many backticks.
                match find_fence(&rest[after..], ticks) {
                    Some(end) => {
                        let close = after + end + ticks;
                        out.push_str(&rest[start..close]);
                        rest = &rest[close..];
                    }
                    None => {
                        // An unmatched run of backticks is literal text.
                        out.push_str(fence);
                        rest = &rest[after..];
                    }
                }
            }
        }
    }
    out
}

/// The position in `text` of the first run of exactly `ticks` backticks.
fn find_fence(text: &str, ticks: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'`' {
            let run = bytes[i..].iter().take_while(|it| **it == b'`').count();
            if run == ticks {
                return Some(i);
            }
            i += run;
        } else {
            i += 1;
        }
    }
    None
}

fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '<' | '>' | '[' | ']' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
}

/// `text` as an inline code span, fenced with more backticks than any run inside it.
pub fn code(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    if longest > 0 || text.starts_with(' ') || text.ends_with(' ') {
        format!("{fence} {text} {fence}")
    } else {
        format!("{fence}{text}{fence}")
    }
}

/// What a schema is, for the first sentence of a schema without a description.
#[derive(Debug, Clone)]
pub enum Subject<'a> {
    /// A `$defs` member.
    Definition(&'a str),
    /// A member of `properties`.
    Property(&'a str),
    /// The `items` of an array, with what the array is.
    Item(String),
    /// The `propertyNames` of a map.
    Key(String),
    /// The `additionalProperties` of a map.
    Value(String),
    /// A branch of `allOf`, `anyOf` or `oneOf`.
    Branch(String),
}

impl Subject<'_> {
    /// A sentence that says what the value is, when the spec does not.
    fn sentence(&self) -> String {
        match self {
            Subject::Definition(name) => format!("The `{name}` schema of the spec."),
            Subject::Property(name) => format!("The `{name}` property."),
            Subject::Item(of) => format!("An item of {of}."),
            Subject::Key(of) => format!("A key of {of}."),
            Subject::Value(of) => format!("A value of {of}."),
            Subject::Branch(of) => format!("One of the forms of {of}."),
        }
    }

    /// How a child schema refers to this one (`` `metadata` ``).
    pub fn name(&self) -> String {
        match self {
            Subject::Definition(name) | Subject::Property(name) => format!("`{name}`"),
            Subject::Item(of) => format!("an item of {of}"),
            Subject::Key(of) => format!("a key of {of}"),
            Subject::Value(of) => format!("a value of {of}"),
            Subject::Branch(of) => of.clone(),
        }
    }
}

/// The description the typify view gives `schema`: what it is, its bounds, its examples.
///
/// A schema that is only a `$ref` takes the description, bounds and examples of its target,
/// unless it has its own.
pub fn describe(api: &Api, schema: &Schema, subject: &Subject<'_>) -> String {
    let target = schema
        .reference
        .as_ref()
        .and_then(|name| api.definition(name))
        .map(|it| &it.schema);
    let rules_of = target.unwrap_or(schema);

    let mut paragraphs = Vec::new();
    let description = schema
        .description
        .as_deref()
        .or_else(|| target.and_then(|it| it.description.as_deref()));
    paragraphs.push(match description {
        Some(text) => markdown(text.trim()),
        None => subject.sentence(),
    });

    let rules = Rules::of(rules_of);
    if !rules.enforced.is_empty() {
        paragraphs.push(format!(
            "**Bounds** (the Rust type refuses other values, when built and when deserialized): {}.",
            rules.enforced.join("; ")
        ));
    }
    if !rules.contract.is_empty() {
        paragraphs.push(format!(
            "**Bounds** (checked by `runa-order-validator`; the Rust type may accept values outside them): {}.",
            rules.contract.join("; ")
        ));
    }
    if let Some(values) = rules.values {
        paragraphs.push(values);
    }

    let examples = if schema.examples.is_empty() {
        target.map_or(&schema.examples, |it| &it.examples)
    } else {
        &schema.examples
    };
    match examples.as_slice() {
        [] => {}
        [one] => paragraphs.push(format!("**Example:** {}", code(&one.to_string()))),
        many => paragraphs.push(format!(
            "**Examples:** {}",
            many.iter()
                .map(|it| code(&it.to_string()))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
    if let Some(default) = schema
        .default
        .as_ref()
        .or(target.and_then(|it| it.default.as_ref()))
    {
        paragraphs.push(format!("**Default:** {}", code(&default.to_string())));
    }
    paragraphs.join("\n\n")
}

/// The bounds of one schema, in words.
#[derive(Debug, Default)]
struct Rules {
    /// Bounds the generated Rust type checks itself: lengths and patterns of strings (typify
    /// makes a newtype that refuses other values) and `date-time` (`Timestamp` parses it).
    enforced: Vec<String>,
    /// Bounds the validator checks and the Rust type may not: numbers (typify keeps at most
    /// the sign of an integer bound, as `u64` or `NonZeroU64`), arrays, maps, e-mail syntax.
    contract: Vec<String>,
    /// The allowed values of an `enum` or `const`.
    values: Option<String>,
}

impl Rules {
    fn of(schema: &Schema) -> Rules {
        let mut out = Rules::default();
        let string = &schema.string;
        if let Some(it) = length(string.min_length, string.max_length, "character") {
            out.enforced.push(it);
        }
        if let Some(pattern) = &string.pattern {
            out.enforced
                .push(format!("matches the pattern {}", code(pattern)));
        }
        match string.format {
            Some(Format::DateTime) => out
                .enforced
                .push("an RFC 3339 date-time (`2024-03-01T10:00:00Z`)".to_owned()),
            Some(Format::Email) => out.contract.push("an e-mail address".to_owned()),
            Some(Format::Decimal) => out
                .enforced
                .push("an exact decimal amount (`rust_decimal::Decimal`)".to_owned()),
            None => {}
        }

        let number = &schema.number;
        for (bound, words) in [
            (&number.minimum, "at least"),
            (&number.exclusive_minimum, "greater than"),
            (&number.maximum, "at most"),
            (&number.exclusive_maximum, "less than"),
        ] {
            if let Some(bound) = bound {
                out.contract.push(format!("{words} {}", code(&bound.text)));
            }
        }

        let array = &schema.array;
        if let Some(it) = length(array.min_items, array.max_items, "item") {
            out.contract.push(it);
        }
        if array.unique_items {
            out.contract.push("no two items are equal".to_owned());
        }
        if let Some(items) = &array.items
            && items.reference.is_none()
        {
            out.nested("each item", items);
        }

        let object = &schema.object;
        if let Some(it) = length(object.min_properties, object.max_properties, "entry") {
            out.contract.push(it);
        }
        if let Some(names) = &object.property_names {
            out.nested("each key", names);
        }
        if let Some(Additional::Schema(values)) = &object.additional
            && values.reference.is_none()
        {
            out.nested("each value", values);
        }

        let values: Vec<&Literal> = match (&schema.enum_values, &schema.const_value) {
            (Some(values), _) => values.iter().collect(),
            (None, Some(value)) => vec![value],
            (None, None) => Vec::new(),
        };
        let values: Vec<String> = values
            .into_iter()
            .filter(|it| !matches!(it, Literal::Null))
            .map(|it| code(&it.to_string()))
            .collect();
        out.values = match values.as_slice() {
            [] => None,
            [one] => Some(format!("**Value:** always {one}.")),
            many => Some(format!("**Allowed values:** {}.", many.join(", "))),
        };
        out
    }

    /// Adds the bounds of a nested schema (the items, keys or values of a collection); they
    /// are the collection's contract, whatever the nested type checks.
    fn nested(&mut self, what: &str, schema: &Schema) {
        let inner = Rules::of(schema);
        let all: Vec<String> = inner.enforced.into_iter().chain(inner.contract).collect();
        if !all.is_empty() {
            self.contract.push(format!("{what}: {}", all.join(", ")));
        }
    }
}

/// "1 to 200 items", "at least 2 items", "at most 128 characters".
fn length(min: Option<u64>, max: Option<u64>, unit: &str) -> Option<String> {
    let plural = |n: u64| {
        if n == 1 {
            unit.to_owned()
        } else if let Some(stem) = unit.strip_suffix('y') {
            format!("{stem}ies")
        } else {
            format!("{unit}s")
        }
    };
    match (min.filter(|it| *it > 0), max) {
        (None, None) => None,
        (Some(min), None) => Some(format!("at least {min} {}", plural(min))),
        (None, Some(max)) => Some(format!("at most {max} {}", plural(max))),
        (Some(min), Some(max)) if min == max => Some(format!("exactly {min} {}", plural(min))),
        (Some(min), Some(max)) => Some(format!("{min} to {max} {}", plural(max))),
    }
}

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
                    add_doc(&mut field.attrs, &format!("The `{wire}` property."));
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
                Some((user, wire)) => format!("The `{wire}` of [`{user}`]."),
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
                add_doc(&mut field.attrs, &format!("The `{wire}` property."));
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
                        notes.push(format!("`{}` in JSON", doc.wire));
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
    matches!(expr, Expr::Call(call)
        if matches!(&*call.func, Expr::Path(path)
            if path.path.segments.last().is_some_and(|it| it.ident == "Err")))
}

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

fn is_public(vis: &Visibility) -> bool {
    matches!(vis, Visibility::Public(_))
}

/// The doc attributes among `attrs`.
fn docs(attrs: &[Attribute]) -> Vec<Attribute> {
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
fn type_name(ty: &Type) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_escapes_html_and_links_outside_code() {
        assert_eq!(
            markdown("Not allowed to order products: <detail>"),
            "Not allowed to order products: \\<detail\\>"
        );
        assert_eq!(
            markdown("see [items] and `a<b>[c]`"),
            "see \\[items\\] and `a<b>[c]`"
        );
        assert_eq!(markdown("``a ` b`` <x>"), "``a ` b`` \\<x\\>");
        assert_eq!(markdown("a lone ` and <y>"), "a lone ` and \\<y\\>");
        assert_eq!(markdown("plain"), "plain");
    }

    #[test]
    fn code_spans_fence_backticks() {
        assert_eq!(code("USD"), "`USD`");
        assert_eq!(code("a`b"), "`` a`b ``");
        assert_eq!(code("\"x\""), "`\"x\"`");
    }

    #[test]
    fn lengths_read_as_words() {
        assert_eq!(
            length(Some(1), Some(200), "item").unwrap(),
            "1 to 200 items"
        );
        assert_eq!(length(Some(2), None, "item").unwrap(), "at least 2 items");
        assert_eq!(
            length(Some(1), None, "character").unwrap(),
            "at least 1 character"
        );
        assert_eq!(
            length(None, Some(20), "entry").unwrap(),
            "at most 20 entries"
        );
        assert_eq!(
            length(Some(3), Some(3), "character").unwrap(),
            "exactly 3 characters"
        );
        assert_eq!(length(Some(0), None, "item"), None);
    }
}
