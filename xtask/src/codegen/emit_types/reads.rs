//! Which schemas typify's types read every valid value of, and what the typify view gives typify for the others.
//!
//! The rule: the generated types never refuse a value the validator accepts. They may accept
//! more and leave the rest to the validator (bounds, uniqueness, formats), but a type that
//! refuses a valid value would make a valid payload unreadable. typify picks one Rust type
//! per schema from its keywords, which is exact for the shapes of an API (an object with
//! properties, a string with a pattern, a `oneOf` of tagged objects) and wrong for others:
//! `{"pattern": "^a*$"}` becomes a string type, though the schema accepts `123`; `anyOf`
//! becomes a struct of flattened options that reads only objects; a schema of several JSON
//! types becomes an enum that typify may not be able to read `null` into.
//!
//! [`reading`] decides, for one schema node, what the view does:
//!
//! * [`Reading::Typed`]: typify's type reads every valid value (the shapes listed on
//!   [`reading`]).
//! * [`Reading::WithoutBranches`]: the node has one JSON type and `allOf`/`anyOf`/`oneOf`
//!   branches that only add checks to it (no properties, items or references of their own):
//!   the view leaves the branches out, and the type of the JSON type alone reads every valid
//!   value (and some invalid ones, which the validator refuses).
//! * [`Reading::AnyValue`]: no type of typify's is right; the view gives typify a schema
//!   without keywords, whose type is `serde_json::Value`, and the docs say why.
//!
//! `enum` and `const` values are given to typify only when they are strings that Rust variants
//! can name apart (typify's enums of other values do not compile against schemars 1, and two
//! values such as `"a-b"` and `"a_b"` would be one variant): otherwise the type of the node's
//! JSON type reads them, and the docs list them as checked by the validator.

use crate::codegen::{
    emit_types::amounts,
    ir::{Additional, Api, JsonType, Literal, Schema},
    names,
};

/// What the typify view does with one schema node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// typify's type reads every value the schema accepts.
    Typed,
    /// typify's type of the node without its branches reads every value the schema accepts;
    /// the reason says what the branches are.
    WithoutBranches(&'static str),
    /// The Rust type is `serde_json::Value`, for this reason.
    AnyValue(&'static str),
}

/// What the view does with `schema` (see the module docs). typify's type is exact or looser
/// for: a `$ref`; a money amount or a date-time (hand-written types); a node of one JSON type
/// (`null` beside it makes it optional) whose keywords are that type's, with branches only as
/// below; string `enum`s and `const`s; a `oneOf` of references (a tagged enum, or a union the
/// types crate reads variant by variant); an `allOf` of object schemas and references to
/// them (typify merges them into one struct); `anyOf` a schema and `null`; and a schema
/// without assertions.
/// `object_branch` is true for a branch of an `allOf` typify merges into one struct: another
/// branch makes the value an object, so object keywords without `type` are read exactly.
pub fn reading(api: &Api, schema: &Schema, object_branch: bool) -> Reading {
    if schema.reference.is_some() || amounts::amount(schema).is_some() {
        return Reading::Typed;
    }
    if object_branch && is_object(api, schema, 0) {
        return Reading::Typed;
    }
    let has_branches =
        !(schema.all_of.is_empty() && schema.any_of.is_empty() && schema.one_of.is_empty());
    let types = schema.non_null_types();
    match (&schema.types, types.as_slice()) {
        (None, _) => {
            if string_literals(schema) {
                // The values are the strings listed; typify's enum reads exactly those.
                return Reading::Typed;
            }
            if has_type_keywords(schema) {
                return Reading::AnyValue(
                    "the schema has no `type`, so it accepts values of every JSON type, and \
                     its keywords would make the Rust type one of them",
                );
            }
            if has_branches {
                return match known_branches(api, schema) {
                    true => Reading::Typed,
                    false => Reading::AnyValue(
                        "the schema has no `type` and its `allOf`, `anyOf` or `oneOf` branches \
                         are not a form the Rust types state exactly",
                    ),
                };
            }
            if literals(schema).next().is_some() {
                return Reading::AnyValue(
                    "its allowed values are not strings that Rust variants can name apart, and \
                     the schema has no `type`",
                );
            }
            Reading::Typed
        }
        (Some(_), []) => Reading::Typed,
        (Some(_), [_]) => {
            if !has_branches || known_branches(api, schema) {
                Reading::Typed
            } else if branches(schema).all(|it| !declares_shape(it)) {
                Reading::WithoutBranches(
                    "its `allOf`, `anyOf` or `oneOf` branches only add checks, which \
                     `runa-order-validator` makes",
                )
            } else {
                Reading::AnyValue(
                    "its `allOf`, `anyOf` or `oneOf` branches declare members or items in a form \
                     the Rust types do not state exactly",
                )
            }
        }
        (Some(_), _) => Reading::AnyValue("the schema allows several JSON types"),
    }
}

/// The `enum` and `const` values of `schema`.
fn literals(schema: &Schema) -> impl Iterator<Item = &Literal> {
    schema
        .enum_values
        .iter()
        .flatten()
        .chain(schema.const_value.as_ref())
}

/// True when `schema` lists allowed values, every one a string, that Rust variants can name
/// apart: typify makes an enum of them.
pub fn string_literals(schema: &Schema) -> bool {
    let strings: Option<Vec<&str>> = literals(schema)
        .map(|it| match it {
            Literal::String(it) => Some(it.as_str()),
            _ => None,
        })
        .collect();
    match strings {
        Some(strings) if !strings.is_empty() => names::typify_variants(&strings).is_ok(),
        _ => false,
    }
}

/// True when `schema` has keywords of one JSON type, from which typify would pick the type.
fn has_type_keywords(schema: &Schema) -> bool {
    let string = &schema.string;
    let number = &schema.number;
    let array = &schema.array;
    let object = &schema.object;
    string.min_length.is_some()
        || string.max_length.is_some()
        || string.pattern.is_some()
        || string.format.is_some()
        || number.minimum.is_some()
        || number.maximum.is_some()
        || number.exclusive_minimum.is_some()
        || number.exclusive_maximum.is_some()
        || number.multiple_of.is_some()
        || array.items.is_some()
        || array.min_items.is_some()
        || array.max_items.is_some()
        || array.unique_items
        || !object.properties.is_empty()
        || !object.required.is_empty()
        || object.additional.is_some()
        || object.property_names.is_some()
        || object.min_properties.is_some()
        || object.max_properties.is_some()
}

fn branches(schema: &Schema) -> impl Iterator<Item = &Schema> {
    schema
        .all_of
        .iter()
        .chain(&schema.any_of)
        .chain(&schema.one_of)
}

/// True when `schema` (or a branch of it) declares members, items or a reference: leaving it
/// out of the view would leave out parts of the value's Rust type.
fn declares_shape(schema: &Schema) -> bool {
    schema.reference.is_some()
        || schema.array.items.is_some()
        || !schema.object.properties.is_empty()
        || matches!(schema.object.additional, Some(Additional::Schema(_)))
        || schema.object.property_names.is_some()
        || branches(schema).any(declares_shape)
}

/// True when the branches of `schema` are one of the forms typify's types read exactly: only
/// `oneOf` of references; only `allOf` of objects; only `anyOf` a schema and `null`.
fn known_branches(api: &Api, schema: &Schema) -> bool {
    let (all_of, any_of, one_of) = (&schema.all_of, &schema.any_of, &schema.one_of);
    if !one_of.is_empty() {
        return all_of.is_empty()
            && any_of.is_empty()
            && !has_type_keywords(schema)
            && one_of.iter().all(is_bare_reference);
    }
    if !all_of.is_empty() {
        return is_object(api, schema, 0) && pins_object(api, schema, 0);
    }
    super::null_or(schema).is_some()
}

/// True for a schema that is only a `$ref` (annotations beside it).
fn is_bare_reference(schema: &Schema) -> bool {
    schema.reference.is_some()
        && *schema
            == Schema {
                reference: schema.reference.clone(),
                personal: schema.personal,
                ..schema.annotations()
            }
}

fn is_object_or_untyped(schema: &Schema) -> bool {
    match &schema.types {
        None => true,
        Some(types) => types.as_slice() == [JsonType::Object],
    }
}

/// True when `schema` holds only what typify merges into a struct: object keywords (with
/// or without `type: object`), references to such schemas, and `allOf`s of them.
fn is_object(api: &Api, schema: &Schema, depth: usize) -> bool {
    // References nest as deep as the spec's definitions; a cycle through `allOf` is refused
    // by the graph checks before any emitter runs, so this bound is never met by a spec
    // that gets here.
    if depth > api.definitions.len() {
        return false;
    }
    if let Some(name) = &schema.reference {
        return api
            .definition(name)
            .is_some_and(|def| is_object(api, &def.schema, depth + 1));
    }
    let string = &schema.string;
    let number = &schema.number;
    let array = &schema.array;
    let only_object = string.min_length.is_none()
        && string.max_length.is_none()
        && string.pattern.is_none()
        && string.format.is_none()
        && number.minimum.is_none()
        && number.maximum.is_none()
        && number.exclusive_minimum.is_none()
        && number.exclusive_maximum.is_none()
        && number.multiple_of.is_none()
        && array.items.is_none()
        && array.min_items.is_none()
        && array.max_items.is_none()
        && !array.unique_items
        && schema.any_of.is_empty()
        && schema.one_of.is_empty()
        && literals(schema).next().is_none();
    only_object
        && is_object_or_untyped(schema)
        && schema.all_of.iter().all(|it| is_object(api, it, depth + 1))
}

/// True when `schema` accepts only objects: `type: object`, or a reference to such a schema,
/// or an `allOf` with such a branch.
fn pins_object(api: &Api, schema: &Schema, depth: usize) -> bool {
    if depth > api.definitions.len() {
        return false;
    }
    if let Some(name) = &schema.reference {
        return api
            .definition(name)
            .is_some_and(|def| pins_object(api, &def.schema, depth + 1));
    }
    schema.types.as_deref() == Some(&[JsonType::Object])
        || schema
            .all_of
            .iter()
            .any(|it| pins_object(api, it, depth + 1))
}
