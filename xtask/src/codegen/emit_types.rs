//! Emits `crates/runa-order-types/src/generated.rs`: the IR, seen the way typify needs it, through typify 0.8.
//!
//! typify reads schemars 0.8 schemas, so this stage writes a *typify view* of every
//! definition. The view differs from the spec on purpose, in three ways:
//!
//! * A `oneOf` told apart by a tag (`type`) has its branches inlined, because typify only
//!   makes a `#[serde(tag = "type")]` enum from inline object branches.
//! * A nullable definition (`["string", "null"]`, or `anyOf` a schema and `{"type": "null"}`)
//!   loses its `null`, and every reference to it becomes `anyOf: [{$ref}, {type: null}]`, so
//!   fields are `Option<T>` with `null` and absent both meaning `None`, as the API documents.
//! * `date-time` strings become the hand-written `crate::Timestamp`, which keeps the text it
//!   was read from so that values round-trip byte for byte.
//! * Money amounts (`format: decimal`) become `crate::Decimal` (`rust_decimal`), read and
//!   written exactly in their wire form by the serde adapters of `crate::amount`; see
//!   [`amounts`], which also refuses the places where that cannot be done.
//!
//! After typify, [`unions::rewrite`] replaces the derived `Deserialize` of every untagged union
//! with one that picks the variant from what tells them apart and reports its error with a
//! path and a position.
//!
//! Every schema of the view gets a `description` written by [`docs::describe`]: the spec's
//! description (or its `$ref` target's), the bounds a value must respect and the spec's
//! examples, so that typify writes them into the doc comments of types and fields. After
//! typify, [`docs::complete`] documents what typify leaves bare (variants, builders and their
//! setters, modules), so that the types crate compiles under `#![deny(missing_docs)]`.
//!
//! typify's pattern checks use the backtracking `regress` engine; the output is rewritten to
//! use the linear-time `regex` crate (see `linear_patterns` below).
//!
//! typify panics on some schemas. `lower` refuses the constructs known to do that, and any
//! panic left is caught here and reported as a diagnostic.

pub mod amounts;
pub mod docs;
pub mod reads;
pub mod unions;

use std::{
    cell::Cell,
    collections::{BTreeMap, BTreeSet},
    panic::{self, AssertUnwindSafe},
};

use proc_macro2::{Group, Ident, TokenStream, TokenTree};
use serde_json::{Map, Value};
use typify::{TypeSpace, TypeSpacePatch, TypeSpaceSettings};

use self::docs::Subject;
use super::{
    diagnostic::Diagnostic,
    ir::{Additional, Api, Definition, Format, JsonType, Literal, Schema},
    keywords as kw, names,
};

/// The name of the hand-written timestamp type, in the view and in the types crate.
const TIMESTAMP: &str = "Timestamp";

/// The placeholder of the view for integers, which typify replaces with `serde_json::Number`.
pub const INTEGER: &str = "IntegerNumber";

/// A definition of the view of one JSON type with a description.
fn placeholder(json_type: JsonType, description: &str) -> Value {
    Value::Object(Map::from_iter([
        (kw::TYPE.name.into(), json_type.name().into()),
        (kw::DESCRIPTION.name.into(), description.into()),
    ]))
}

/// The most definitions whose typify type is replaced by `serde_json::Value` because typify
/// could not make one, before the generator gives up (each costs a run of typify per
/// definition to find it).
const MAX_TYPIFY_FALLBACKS: usize = 64;

/// Generates the types of every definition.
///
/// typify refuses or panics on some schemas the view gives it. The definition it fails on is
/// found (each is tried with the definitions it refers to) and given `serde_json::Value` as its
/// type, with the reason in its docs, and typify runs again: a schema the generator accepts
/// gets a type that reads its values, never a refusal in typify's words.
pub fn emit(api: &Api) -> Result<TokenStream, Diagnostic> {
    amounts::check(api)?;
    let settings = settings(api);
    // typify reports some problems as errors and others as panics; both are failures here.
    let run = |definitions: Vec<(String, schemars08::schema::Schema)>| {
        quietly(|| {
            let mut space = TypeSpace::new(&settings);
            space.add_ref_types(definitions).map(|()| space.to_stream())
        })
        .ok()
        .and_then(Result::ok)
    };
    let mut fallbacks = BTreeSet::new();
    loop {
        let views = views(api, &fallbacks);
        let mut definitions: Vec<(String, schemars08::schema::Schema)> = Vec::new();
        for (name, value) in &views {
            let location = api.definition(name).map_or("#", |it| &it.schema.location);
            definitions.push((
                name.clone(),
                into_schemars(value.clone(), &api.schema_file, location)?,
            ));
        }
        if let Some(tokens) = run(definitions.clone()) {
            return complete_docs(api, linear_patterns(tokens));
        }
        let failed = failing_definition(api, &views, &definitions, &run);
        match failed {
            Some(name) if fallbacks.len() < MAX_TYPIFY_FALLBACKS && !fallbacks.contains(&name) => {
                fallbacks.insert(name);
            }
            _ => {
                return Err(unsupported(
                    api,
                    None,
                    "the types generator could not make the Rust types of the spec (a generator \
                     bug: please report it with the spec)"
                        .to_owned(),
                ));
            }
        }
    }
}

/// The Rust type that reads every value of the definition `def`, for code that names the
/// types under `module`: the definition's type, or `Option` of it for a nullable definition,
/// whose type leaves `null` out (a field that refers to it is an `Option`, see the module docs).
pub fn definition_type(api: &Api, def: &Definition, module: &TokenStream) -> TokenStream {
    let name = quote::format_ident!("{}", def.name);
    let view = View::new(api);
    if view.is_nullable_definition(&def.name) {
        quote::quote!(::std::option::Option<#module::#name>)
    } else {
        quote::quote!(#module::#name)
    }
}

/// The typify view of every definition, with the placeholders the views refer to.
fn views(api: &Api, fallbacks: &BTreeSet<String>) -> Vec<(String, Value)> {
    let view = View::new(api);
    let mut views: Vec<(String, Value)> = api
        .definitions
        .iter()
        .map(|def| {
            let subject = Subject::Definition(&def.name);
            let it = if fallbacks.contains(&def.name) {
                view.any_value(&def.schema, &subject)
            } else {
                view.schema(&def.schema, true, &subject)
            };
            (def.name.clone(), it)
        })
        .collect();
    if view.uses_timestamp.get() {
        let timestamp = Value::Object(Map::from_iter([
            (kw::TYPE.name.into(), JsonType::String.name().into()),
            (kw::FORMAT.name.into(), Format::DateTime.name().into()),
            (
                kw::DESCRIPTION.name.into(),
                "An RFC 3339 date-time, kept as received.".into(),
            ),
        ]));
        views.push((TIMESTAMP.to_owned(), timestamp));
    }
    // Placeholders that typify replaces with the marker types of `crate::amount`; the
    // rewrite after typify makes them `crate::Decimal`.
    if view.uses_number_amount.get() {
        let it = placeholder(JsonType::Number, "An exact decimal amount, a JSON number.");
        views.push((amounts::NUMBER.to_owned(), it));
    }
    if view.uses_integer.get() {
        let it = placeholder(
            JsonType::Integer,
            "An integer: any JSON number with an integer value.",
        );
        views.push((INTEGER.to_owned(), it));
    }
    if view.uses_string_amount.get() {
        let it = placeholder(
            JsonType::String,
            "An exact decimal amount, a decimal string.",
        );
        views.push((amounts::STRING.to_owned(), it));
    }
    views
}

/// typify's settings: builders, the derives, and the hand-written types that replace the
/// placeholders of the view.
fn settings(api: &Api) -> TypeSpaceSettings {
    let mut settings = TypeSpaceSettings::default();
    settings
        .with_struct_builder(true)
        .with_derive("::schemars::JsonSchema".to_owned())
        .with_map_type("::std::collections::BTreeMap")
        .with_replacement(
            TIMESTAMP,
            format!("crate::{TIMESTAMP}"),
            [
                typify::TypeSpaceImpl::FromStr,
                typify::TypeSpaceImpl::Display,
            ]
            .into_iter(),
        )
        .with_replacement(
            amounts::NUMBER,
            amounts::NUMBER_MARKER,
            [
                typify::TypeSpaceImpl::Display,
                typify::TypeSpaceImpl::Default,
            ]
            .into_iter(),
        )
        .with_replacement(
            INTEGER,
            "::serde_json::Number",
            [
                typify::TypeSpaceImpl::FromStr,
                typify::TypeSpaceImpl::Display,
            ]
            .into_iter(),
        )
        .with_replacement(
            amounts::STRING,
            amounts::STRING_MARKER,
            [
                typify::TypeSpaceImpl::Display,
                typify::TypeSpaceImpl::Default,
            ]
            .into_iter(),
        );
    for def in &api.definitions {
        let typify_name = names::typify_name(&def.name);
        if typify_name != def.name {
            let mut patch = TypeSpacePatch::default();
            patch.with_rename(&def.name);
            settings.with_patch(typify_name, &patch);
        }
    }

    settings
}

/// Documents what typify left without docs; a public item that still has none is a
/// diagnostic, so that the generated crate always builds under `#![deny(missing_docs)]`.
fn complete_docs(api: &Api, tokens: TokenStream) -> Result<TokenStream, Diagnostic> {
    let mut file: syn::File = syn::parse2(tokens)
        .map_err(|err| unsupported(api, None, format!("typify emitted invalid Rust: {err}")))?;
    amounts::rewrite(&mut file);
    unions::rewrite(&mut file, api);
    private_strings(&mut file);
    let bare = docs::complete(&mut file);
    if !bare.is_empty() {
        let message = format!(
            "typify emitted public items the generator cannot document: {}",
            bare.join(", ")
        );
        return Err(unsupported(api, None, message));
    }
    let tokens = amounts::decimals(quote::ToTokens::into_token_stream(file));
    Ok(quote::quote! {
        // `large_enum_variant`: unions hold their variants as the spec shapes them (a full
        // order beside a three-field one). `derivable_impls`: typify writes `Default` by hand
        // for single-value tag enums. `unnecessary_fallible_conversions`: the setters of
        // amounts take `Into<Decimal>` (no `f64`) and keep typify's `try_into()` body, whose
        // error is `Infallible`.
        #![allow(
            clippy::large_enum_variant,
            clippy::derivable_impls,
            clippy::unnecessary_fallible_conversions
        )]
        #tokens
    })
}

/// Makes the field of every string newtype private, as typify already makes it for the
/// constrained ones (`Currency`), so that every string concept (`OrderId`, `Currency`, …) is
/// built the same way (`"…".parse()`, `T::try_from(string)`, or `T::from(string)` when any
/// string is allowed) and read the same way (`Deref` to `String`, `as_str()`,
/// `String::from(it)`).
fn private_strings(file: &mut syn::File) {
    for item in &mut file.items {
        let syn::Item::Struct(it) = item else {
            continue;
        };
        let syn::Fields::Unnamed(fields) = &mut it.fields else {
            continue;
        };
        if fields.unnamed.len() != 1 {
            continue;
        }
        let field = &mut fields.unnamed[0];
        let is_string = matches!(&field.ty, syn::Type::Path(path)
            if path.path.segments.last().is_some_and(|it| it.ident == "String"));
        if is_string {
            field.vis = syn::Visibility::Inherited;
        }
    }
}

/// The first definition that typify cannot make on its own (with the definitions it refers
/// to), in spec order.
///
/// typify takes every definition at once and does not say which one it failed on, so each is
/// tried apart; this only happens when typify failed.
fn failing_definition(
    api: &Api,
    views: &[(String, Value)],
    definitions: &[(String, schemars08::schema::Schema)],
    run: &dyn Fn(Vec<(String, schemars08::schema::Schema)>) -> Option<TokenStream>,
) -> Option<String> {
    let views: BTreeMap<&str, &Value> =
        views.iter().map(|(name, it)| (name.as_str(), it)).collect();
    api.definitions.iter().find_map(|def| {
        let needed = referenced(&views, &def.name);
        let subset: Vec<_> = definitions
            .iter()
            .filter(|(name, _)| needed.contains(name))
            .cloned()
            .collect();
        run(subset).is_none().then(|| def.name.clone())
    })
}

/// A diagnostic for a schema the types generator cannot make, at `pointer` when it is known.
fn unsupported(api: &Api, pointer: Option<String>, message: String) -> Diagnostic {
    Diagnostic {
        file: api.schema_file.clone(),
        position: None,
        pointer,
        message: format!(
            "{message}; this construct is not supported by the types generator (see ARCHITECTURE.md, \"typify view\")"
        ),
    }
}

/// `name` and every definition its view refers to, directly or not.
fn referenced(views: &BTreeMap<&str, &Value>, name: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::from([name.to_owned()]);
    let mut queue = vec![name.to_owned()];
    while let Some(next) = queue.pop() {
        let Some(view) = views.get(next.as_str()) else {
            continue;
        };
        let mut stack = vec![*view];
        while let Some(value) = stack.pop() {
            match value {
                Value::Object(map) => {
                    if let Some(target) = map
                        .get(kw::REF.name)
                        .and_then(Value::as_str)
                        .and_then(|it| it.strip_prefix(kw::REF_PREFIX))
                        && found.insert(target.to_owned())
                    {
                        queue.push(target.to_owned());
                    }
                    stack.extend(map.values());
                }
                Value::Array(items) => stack.extend(items),
                _ => {}
            }
        }
    }
    found
}

/// Makes the generated types check `pattern` with the `regex` crate instead of `regress`.
///
/// typify checks patterns with `regress`, a backtracking engine, on which `^(a+)+$` took
/// 27.7 s for 31 characters. `regex` decides every pattern in time linear in the input, and is
/// the engine of the validator (for the patterns `pattern.rs` does not turn into byte loops),
/// so the two crates also agree on every pattern; `lower` checks that each pattern compiles
/// with both. typify names the engine only as the root of the path `::regress::Regex`, whose
/// `new`, `unwrap` and `find(..).is_none()` calls read the same with `regex`.
fn linear_patterns(tokens: TokenStream) -> TokenStream {
    tokens
        .into_iter()
        .map(|token| match token {
            TokenTree::Ident(ident) if ident == "regress" => {
                TokenTree::Ident(Ident::new("regex", ident.span()))
            }
            TokenTree::Group(group) => {
                let mut out = Group::new(group.delimiter(), linear_patterns(group.stream()));
                out.set_span(group.span());
                TokenTree::Group(out)
            }
            other => other,
        })
        .collect()
}

/// Runs `f`, turning a panic into its message without printing it.
fn quietly<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    let previous = panic::take_hook();
    panic::set_hook(Box::new(|_| {}));
    let outcome = panic::catch_unwind(AssertUnwindSafe(f));
    panic::set_hook(previous);
    outcome.map_err(|payload| {
        payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|it| (*it).to_owned()))
            .unwrap_or_else(|| "unknown panic".to_owned())
    })
}

fn into_schemars(
    value: Value,
    file: &str,
    location: &str,
) -> Result<schemars08::schema::Schema, Diagnostic> {
    serde_json::from_value(value).map_err(|err| Diagnostic {
        file: file.to_owned(),
        position: None,
        pointer: Some(location.to_owned()),
        message: format!("cannot express the schema for typify: {err}"),
    })
}

struct View<'a> {
    api: &'a Api,
    /// Set when some schema became a reference to the hand-written timestamp type.
    uses_timestamp: Cell<bool>,
    /// Set when some amount is a JSON number, or a decimal string.
    uses_number_amount: Cell<bool>,
    uses_string_amount: Cell<bool>,
    /// Set when some schema is an integer.
    uses_integer: Cell<bool>,
}

impl<'a> View<'a> {
    fn new(api: &'a Api) -> View<'a> {
        View {
            api,
            uses_timestamp: Cell::new(false),
            uses_number_amount: Cell::new(false),
            uses_string_amount: Cell::new(false),
            uses_integer: Cell::new(false),
        }
    }

    fn is_nullable_definition(&self, name: &str) -> bool {
        self.api
            .definition(name)
            .is_some_and(|def| is_nullable(&def.schema) || null_or(&def.schema).is_some())
    }

    /// The view of a definition typify could not make a type of: no keyword, so that its type
    /// is `serde_json::Value`, and docs that say why.
    fn any_value(&self, schema: &Schema, subject: &Subject<'_>) -> Value {
        let reading = reads::Reading::AnyValue(
            "the types generator could not make a Rust type that states the schema",
        );
        let mut text = docs::describe(self.api, schema, subject);
        if let Some(note) = docs::rust_type_note(reading) {
            text = format!("{text}\n\n{note}");
        }
        let mut out = Map::new();
        if let Some(title) = &schema.title {
            out.insert(kw::TITLE.name.into(), title.clone().into());
        }
        out.insert(kw::DESCRIPTION.name.into(), text.into());
        Value::Object(out)
    }

    /// The typify view of `schema`; `top` is true for a definition itself, and `subject` says
    /// what the schema is, for its docs.
    fn schema(&self, schema: &Schema, top: bool, subject: &Subject<'_>) -> Value {
        self.view(schema, top, subject, false)
    }

    /// [`View::schema`]; `object_branch` is true for a branch of an `allOf` that typify merges
    /// into one struct, where a schema of object keywords without `type` reads objects only.
    fn view(
        &self,
        schema: &Schema,
        top: bool,
        subject: &Subject<'_>,
        object_branch: bool,
    ) -> Value {
        if top && let Some(inner) = null_or(schema) {
            // A definition that is `anyOf` a schema and null loses its null like a nullable
            // one, and every reference to it becomes optional.
            let mut view = self.schema(inner, false, subject);
            if let Value::Object(map) = &mut view {
                if let Some(title) = &schema.title {
                    map.insert(kw::TITLE.name.into(), title.clone().into());
                }
                let description = docs::describe(self.api, schema, subject);
                map.insert(kw::DESCRIPTION.name.into(), description.into());
            }
            return view;
        }
        let mut out = Map::new();
        if let Some(title) = &schema.title {
            out.insert(kw::TITLE.name.into(), title.clone().into());
        }
        // A `$ref` keeps its own docs only where typify writes them: on a property. Elsewhere
        // (branches, items) a description beside a `$ref` would say nothing new.
        if schema.reference.is_none() || matches!(subject, Subject::Property(_)) {
            out.insert(
                kw::DESCRIPTION.name.into(),
                docs::describe(self.api, schema, subject).into(),
            );
        }
        if let Some(default) = &schema.default {
            out.insert(kw::DEFAULT.name.into(), literal(default));
        }
        if let Some((reference, nullable)) = self.replaced(schema) {
            insert_nullable(&mut out, reference, nullable);
            return Value::Object(out);
        }
        let reading = reads::reading(self.api, schema, object_branch);
        if let Some(note) = docs::rust_type_note(reading) {
            let key = kw::DESCRIPTION.name;
            let described = out.get(key).and_then(Value::as_str).unwrap_or_default();
            let text = match described {
                "" => note,
                it => format!("{it}\n\n{note}"),
            };
            out.insert(key.into(), text.into());
        }
        if let reads::Reading::AnyValue(_) = reading {
            // No keyword: typify's type is `serde_json::Value`.
            return Value::Object(out);
        }
        types_and_literals(&mut out, schema, top);
        string_and_number(&mut out, schema);
        self.array(&mut out, schema, subject);
        self.object(&mut out, schema, subject);
        if reading == reads::Reading::Typed {
            self.combinators(&mut out, schema, subject);
        }
        Value::Object(out)
    }

    /// The reference that stands for the whole schema, and whether it may be null: a `$ref`,
    /// a money amount (a placeholder of `crate::amount`) or a date-time (`crate::Timestamp`).
    fn replaced(&self, schema: &Schema) -> Option<(Value, bool)> {
        if let Some(name) = &schema.reference {
            return Some((reference_to(name), self.is_nullable_definition(name)));
        }
        if let Some((wire, nullable)) = amounts::amount(schema) {
            let name = match wire {
                amounts::Wire::Number => {
                    self.uses_number_amount.set(true);
                    amounts::NUMBER
                }
                amounts::Wire::String => {
                    self.uses_string_amount.set(true);
                    amounts::STRING
                }
            };
            return Some((reference_to(name), nullable));
        }
        let types = schema.types.as_deref().unwrap_or_default();
        if schema.non_null_types() == [JsonType::Integer] {
            // Any JSON number with an integer value (`1.0` and `1e300` too): `serde_json::Number`.
            self.uses_integer.set(true);
            return Some((reference_to(INTEGER), types.contains(&JsonType::Null)));
        }
        let date_time = schema.string.format == Some(Format::DateTime)
            && !types.is_empty()
            && types
                .iter()
                .all(|it| matches!(it, JsonType::String | JsonType::Null));
        if date_time {
            self.uses_timestamp.set(true);
            return Some((reference_to(TIMESTAMP), types.contains(&JsonType::Null)));
        }
        None
    }

    fn array(&self, out: &mut Map<String, Value>, schema: &Schema, subject: &Subject<'_>) {
        let array = &schema.array;
        if let Some(items) = &array.items {
            let subject = Subject::Item(subject.name());
            out.insert(kw::ITEMS.name.into(), self.schema(items, false, &subject));
        }
        insert_some(out, kw::MIN_ITEMS.name, array.min_items);
        insert_some(out, kw::MAX_ITEMS.name, array.max_items);
        if array.unique_items {
            out.insert(kw::UNIQUE_ITEMS.name.into(), true.into());
        }
    }

    fn object(&self, out: &mut Map<String, Value>, schema: &Schema, subject: &Subject<'_>) {
        let object = &schema.object;
        if !object.properties.is_empty() {
            let properties: Map<String, Value> = object
                .properties
                .iter()
                .map(|it| {
                    let subject = Subject::Property(&it.name);
                    (it.name.clone(), self.schema(&it.schema, false, &subject))
                })
                .collect();
            out.insert(kw::PROPERTIES.name.into(), properties.into());
        }
        if !object.required.is_empty() {
            out.insert(kw::REQUIRED.name.into(), object.required.clone().into());
        }
        match &object.additional {
            None => {}
            Some(Additional::Forbidden) => {
                out.insert(kw::ADDITIONAL_PROPERTIES.name.into(), false.into());
            }
            Some(Additional::Schema(it)) => {
                let subject = Subject::Value(subject.name());
                let view = self.schema(it, false, &subject);
                out.insert(kw::ADDITIONAL_PROPERTIES.name.into(), view);
            }
        }
        if let Some(names) = &object.property_names {
            let subject = Subject::Key(subject.name());
            let view = self.schema(names, false, &subject);
            out.insert(kw::PROPERTY_NAMES.name.into(), view);
        }
        insert_some(out, kw::MIN_PROPERTIES.name, object.min_properties);
        insert_some(out, kw::MAX_PROPERTIES.name, object.max_properties);
    }

    fn combinators(&self, out: &mut Map<String, Value>, schema: &Schema, subject: &Subject<'_>) {
        let branch = Subject::Branch(subject.name());
        let views = |branches: &[Schema], object: bool| -> Vec<Value> {
            branches
                .iter()
                .map(|it| self.view(it, false, &branch, object))
                .collect()
        };
        // `reading` let the branches through only in the forms typify reads exactly: the
        // branches of an `allOf` are object schemas typify merges.
        for (key, branches, object) in [
            (kw::ALL_OF.name, &schema.all_of, true),
            (kw::ANY_OF.name, &schema.any_of, false),
        ] {
            if !branches.is_empty() {
                out.insert(key.into(), views(branches, object).into());
            }
        }
        if !schema.one_of.is_empty() {
            let branches: Vec<Value> = match &schema.discriminator {
                // Inline the tagged branches so typify makes a `#[serde(tag = …)]` enum.
                Some(discriminator) => discriminator
                    .variants
                    .iter()
                    .filter_map(|(_, name)| self.api.definition(name))
                    .map(|def| self.schema(&def.schema, true, &Subject::Definition(&def.name)))
                    .collect(),
                None => views(&schema.one_of, false),
            };
            out.insert(kw::ONE_OF.name.into(), branches.into());
        }
    }
}

/// `type` (without `null` on a nullable definition, which becomes `Option`), `enum` and
/// `const`.
fn types_and_literals(out: &mut Map<String, Value>, schema: &Schema, top: bool) {
    let mut types = schema.types.clone().unwrap_or_default();
    if top && is_nullable(schema) {
        types.retain(|it| *it != JsonType::Null);
    }
    match types.as_slice() {
        [] => {}
        [one] => {
            out.insert(kw::TYPE.name.into(), one.name().into());
        }
        many => {
            let names: Vec<&str> = many.iter().map(|it| it.name()).collect();
            out.insert(kw::TYPE.name.into(), names.into());
        }
    }
    // typify's enums of other values do not compile against schemars 1; the type of the
    // node's JSON type reads them instead (see `reads`).
    if reads::string_literals(schema) {
        if let Some(values) = &schema.enum_values {
            let values: Vec<Value> = values.iter().map(literal).collect();
            out.insert(kw::ENUM.name.into(), values.into());
        }
        if let Some(value) = &schema.const_value {
            out.insert(kw::CONST.name.into(), literal(value));
        }
    }
}

/// The string and number keywords.
fn string_and_number(out: &mut Map<String, Value>, schema: &Schema) {
    let string = &schema.string;
    insert_some(out, kw::MIN_LENGTH.name, string.min_length);
    insert_some(out, kw::MAX_LENGTH.name, string.max_length);
    if let Some(pattern) = &string.pattern {
        out.insert(kw::PATTERN.name.into(), pattern.clone().into());
    }
    if let Some(format) = string.format {
        out.insert(kw::FORMAT.name.into(), format.name().into());
    }
    let number = &schema.number;
    for (key, bound) in [
        (kw::MINIMUM.name, &number.minimum),
        (kw::MAXIMUM.name, &number.maximum),
        (kw::EXCLUSIVE_MINIMUM.name, &number.exclusive_minimum),
        (kw::EXCLUSIVE_MAXIMUM.name, &number.exclusive_maximum),
    ] {
        if let Some(bound) = bound {
            out.insert(key.into(), literal(&Literal::Number(bound.text.clone())));
        }
    }
}

/// The other branch of a schema that is only `anyOf: [X, {"type": "null"}]` (in either order,
/// with annotations beside it). typify gives the type it makes for `X` the name of the
/// definition too, so the view treats such a definition like `["…", "null"]`.
fn null_or(schema: &Schema) -> Option<&Schema> {
    let annotations = |it: &Schema| Schema {
        personal: it.personal,
        ..it.annotations()
    };
    let bare = Schema {
        any_of: schema.any_of.clone(),
        ..annotations(schema)
    };
    if *schema != bare || schema.any_of.len() != 2 {
        return None;
    }
    let is_null = |it: &Schema| {
        *it == Schema {
            types: Some(vec![JsonType::Null]),
            ..annotations(it)
        }
    };
    match (is_null(&schema.any_of[0]), is_null(&schema.any_of[1])) {
        (false, true) => Some(&schema.any_of[0]),
        (true, false) => Some(&schema.any_of[1]),
        _ => None,
    }
}

fn is_nullable(schema: &Schema) -> bool {
    schema
        .types
        .as_ref()
        .is_some_and(|types| types.len() > 1 && types.contains(&JsonType::Null))
}

fn insert_nullable(out: &mut Map<String, Value>, reference: Value, nullable: bool) {
    if nullable {
        let null = Map::from_iter([(kw::TYPE.name.into(), JsonType::Null.name().into())]);
        let branches = Value::Array(vec![reference, Value::Object(null)]);
        out.insert(kw::ANY_OF.name.into(), branches);
    } else if let Value::Object(reference) = reference {
        out.extend(reference);
    }
}

/// `{"$ref": "#/$defs/<name>"}`.
fn reference_to(name: &str) -> Value {
    let target = format!("{}{name}", kw::REF_PREFIX);
    Value::Object(Map::from_iter([(kw::REF.name.into(), target.into())]))
}

fn insert_some(out: &mut Map<String, Value>, key: &str, value: Option<u64>) {
    if let Some(value) = value {
        out.insert(key.into(), value.into());
    }
}

fn literal(value: &Literal) -> Value {
    match value {
        Literal::Null => Value::Null,
        Literal::Bool(it) => Value::Bool(*it),
        Literal::Number(text) => serde_json::from_str(text).unwrap_or(Value::Null),
        Literal::String(it) => Value::String(it.clone()),
        Literal::Array(items) => items.iter().map(literal).collect::<Vec<_>>().into(),
        Literal::Object(members) => Value::Object(
            members
                .iter()
                .map(|(k, v)| (k.clone(), literal(v)))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_its_message() {
        assert_eq!(quietly(|| 7), Ok(7));
        assert_eq!(
            quietly(|| -> () { panic!("expected a '/' in $ref: Foo") }),
            Err("expected a '/' in $ref: Foo".to_owned())
        );
        let name = "Foo";
        assert_eq!(
            quietly(|| -> () { panic!("no definition {name}") }),
            Err("no definition Foo".to_owned())
        );
    }
}
