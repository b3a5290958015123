//! The rules on `oneOf`, `anyOf` and `allOf`: branches matched by the definition they name (or
//! by position), added and removed branches judged when the keyword decides, a warning when not.

use std::collections::HashMap;

use super::{
    Side,
    rust::{self, Bump, Crate, Impact},
    schemas::{Cx, Effect, simple, slug, where_},
};
use crate::codegen::{
    ir::{JsonType, Schema},
    keywords::{self, Keyword},
};

pub(crate) fn compare<'a>(cx: &mut Cx<'a>, old: &'a Schema, new: &'a Schema, owner: &str) {
    // A tagged `oneOf` has disjoint branches, so a new branch only widens; an untagged one
    // may also refuse a payload that now matches two branches: undecided.
    let tagged = old.discriminator.is_some() && new.discriminator.is_some();
    let one_of = if tagged {
        Effect::Widens
    } else {
        Effect::Undecided
    };
    let all_of = Effect::Undecided;
    for (keyword, before, after, grows) in [
        (&keywords::ONE_OF, &old.one_of, &new.one_of, one_of),
        (&keywords::ANY_OF, &old.any_of, &new.any_of, Effect::Widens),
        (&keywords::ALL_OF, &old.all_of, &new.all_of, all_of),
    ] {
        branches(cx, keyword, before, after, grows, new, owner);
    }
}

/// The key a branch is matched by: the definition it names, or its position.
fn key(index: usize, branch: &Schema) -> String {
    match &branch.reference {
        Some(name) => name.clone(),
        None if branch.types.as_deref() == Some(&[JsonType::Null]) => "null".to_owned(),
        None => format!("#{index}"),
    }
}

fn branches<'a>(
    cx: &mut Cx<'a>,
    keyword: &Keyword,
    before: &'a [Schema],
    after: &'a [Schema],
    grows: Effect,
    new: &'a Schema,
    owner: &str,
) {
    let old: HashMap<String, &Schema> = before
        .iter()
        .enumerate()
        .map(|(i, it)| (key(i, it), it))
        .collect();
    let now: HashMap<String, &Schema> = after
        .iter()
        .enumerate()
        .map(|(i, it)| (key(i, it), it))
        .collect();
    let shrinks = match grows {
        Effect::Widens => Effect::Narrows,
        other => other,
    };
    let ty = rust::type_name(&new.location);
    for (i, branch) in after.iter().enumerate() {
        let name = key(i, branch);
        if let Some(previous) = old.get(&name) {
            cx.node(previous, branch, owner);
            continue;
        }
        let null = name == "null";
        let message = format!("{} gains the `{}` branch {name}", where_(new), keyword.name);
        let rust = Impact::one(
            Crate::Types,
            Bump::Major,
            format!("{ty} gains a variant or its fields change"),
        );
        let mut change = simple(
            "",
            "added",
            if null { Effect::Widens } else { grows },
            branch,
            message,
            rust,
        );
        change.what = if null {
            "null".to_owned()
        } else {
            format!("{}-branch", slug(keyword))
        };
        cx.push(owner, change);
    }
    for (i, branch) in before.iter().enumerate() {
        let name = key(i, branch);
        if now.contains_key(&name) {
            continue;
        }
        let null = name == "null";
        let message = format!("{} loses the `{}` branch {name}", where_(new), keyword.name);
        let rust = Impact::one(
            Crate::Types,
            Bump::Major,
            format!("{ty} loses a variant or its fields change"),
        );
        let mut change = simple(
            "",
            "removed",
            if null { Effect::Narrows } else { shrinks },
            branch,
            message,
            rust,
        );
        change.what = if null {
            "null".to_owned()
        } else {
            format!("{}-branch", slug(keyword))
        };
        change.side = Side::Old;
        cx.push(owner, change);
    }
}
