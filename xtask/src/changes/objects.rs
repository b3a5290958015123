//! The rules on objects: properties added and removed, `required`, open or closed objects,
//! property names and the member counts.

use std::collections::{BTreeSet, HashMap};

use super::{
    Side,
    rust::{self, Bump, Crate, Impact},
    schemas::{Cx, Effect, simple, slug, where_},
};
use crate::codegen::{
    ir::{Additional, Schema},
    keywords,
};

pub(crate) fn compare<'a>(cx: &mut Cx<'a>, old: &'a Schema, new: &'a Schema, owner: &str) {
    let (a, b) = (&old.object, &new.object);
    let before: HashMap<&str, &Schema> = a
        .properties
        .iter()
        .map(|it| (it.name.as_str(), &it.schema))
        .collect();
    let after: HashMap<&str, &Schema> = b
        .properties
        .iter()
        .map(|it| (it.name.as_str(), &it.schema))
        .collect();
    let ty = rust::type_name(&new.location);
    for property in &b.properties {
        match before.get(property.name.as_str()) {
            Some(schema) => cx.node(schema, &property.schema, owner),
            None => {
                let name = &property.name;
                let message = format!("{} gains the property `{name}`", where_(new));
                let rust = Impact::one(
                    Crate::Types,
                    Bump::Major,
                    format!(
                        "{ty} gains the public field `{name}`, which breaks struct literals \
                         and exhaustive patterns (its builder gains the setter `{name}`)"
                    ),
                );
                cx.push(
                    owner,
                    simple(
                        "property",
                        "added",
                        Effect::Doc,
                        &property.schema,
                        message,
                        rust,
                    ),
                );
            }
        }
    }
    for property in &a.properties {
        if !after.contains_key(property.name.as_str()) {
            let name = &property.name;
            let message = format!("{} loses the property `{name}`", where_(old));
            let rust = Impact::one(
                Crate::Types,
                Bump::Major,
                format!("{ty} loses the public field `{name}` and its builder setter"),
            );
            let mut change = simple(
                "property",
                "removed",
                Effect::Widens,
                &property.schema,
                message,
                rust,
            );
            change.side = Side::Old;
            cx.push(owner, change);
        }
    }
    required(cx, &a.required, &b.required, new, owner);
    additional(cx, a.additional.as_ref(), b.additional.as_ref(), new, owner);
    match (&a.property_names, &b.property_names) {
        (Some(before), Some(after)) => cx.node(before, after, owner),
        (before, after) => cx.presence(
            owner,
            &keywords::PROPERTY_NAMES,
            before.is_some(),
            after.is_some(),
            new,
        ),
    }
    let rust = Impact::one(Crate::Validator, Bump::Patch, "the check changes");
    let counts = [
        (
            &keywords::MIN_PROPERTIES,
            a.min_properties,
            b.min_properties,
        ),
        (
            &keywords::MAX_PROPERTIES,
            a.max_properties,
            b.max_properties,
        ),
    ];
    cx.counts(owner, counts, new, &rust);
}

fn required<'a>(
    cx: &mut Cx<'a>,
    before: &[String],
    after: &[String],
    new: &'a Schema,
    owner: &str,
) {
    let before: BTreeSet<&str> = before.iter().map(String::as_str).collect();
    let after: BTreeSet<&str> = after.iter().map(String::as_str).collect();
    let ty = rust::type_name(&new.location);
    for (names, change, effect, rust_word) in [
        (
            after.difference(&before),
            "added",
            Effect::Narrows,
            "`Option<T>` to `T`",
        ),
        (
            before.difference(&after),
            "removed",
            Effect::Widens,
            "`T` to `Option<T>`",
        ),
    ] {
        for name in names {
            let message = format!(
                "`{name}` is {change} in `{}` of {}",
                keywords::REQUIRED.name,
                where_(new)
            );
            let rust = Impact::one(
                Crate::Types,
                Bump::Major,
                format!("the field `{name}` of {ty} changes from {rust_word}"),
            );
            let mut it = simple("", change, effect, new, message, rust);
            it.what = slug(&keywords::REQUIRED);
            cx.push(owner, it);
        }
    }
}

fn additional<'a>(
    cx: &mut Cx<'a>,
    before: Option<&'a Additional>,
    after: Option<&'a Additional>,
    new: &'a Schema,
    owner: &str,
) {
    let effect = match (before, after) {
        (Some(Additional::Schema(a)), Some(Additional::Schema(b))) => return cx.node(a, b, owner),
        (None, None) | (Some(Additional::Forbidden), Some(Additional::Forbidden)) => return,
        (None, Some(_)) => Effect::Narrows,
        (Some(_), None) => Effect::Widens,
        _ => Effect::Changes,
    };
    let change = match effect {
        Effect::Narrows => "added",
        Effect::Widens => "removed",
        _ => "changed",
    };
    let keyword = &keywords::ADDITIONAL_PROPERTIES;
    let message = format!("`{}` of {} {change}", keyword.name, where_(new));
    let rust = rust::type_changes(&new.location);
    let mut it = simple("", change, effect, new, message, rust);
    it.what = slug(keyword);
    cx.push(owner, it);
}
