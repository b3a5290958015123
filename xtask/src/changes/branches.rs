//! The rules on `oneOf`, `anyOf` and `allOf`: branches matched by the definition they name (or
//! by position), added and removed branches judged when the keyword decides, a warning when not.

use std::collections::HashMap;

use super::{
    Side,
    rust::{self, Bump, Crate, Impact},
    schemas::{Change, Cx, Effect, simple, slug, where_},
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
        Effect::Combination
    };
    let all_of = Effect::Combination;
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
        let how = Moved {
            verb: "gains",
            what: "added",
            effect: grows,
        };
        let change = branch_change(keyword, &how, &name, branch, new, &ty);
        cx.push(owner, change);
    }
    for (i, branch) in before.iter().enumerate() {
        let name = key(i, branch);
        if now.contains_key(&name) {
            continue;
        }
        let how = Moved {
            verb: "loses",
            what: "removed",
            effect: shrinks,
        };
        let mut change = branch_change(keyword, &how, &name, branch, new, &ty);
        change.side = Side::Old;
        cx.push(owner, change);
    }
}

/// A branch that came or went: the verb of the message, the rule's last word, and what it
/// does to the accepted set (a `null` branch always widens when it comes, narrows when it goes).
struct Moved {
    verb: &'static str,
    what: &'static str,
    effect: Effect,
}

fn branch_change<'a>(
    keyword: &Keyword,
    how: &Moved,
    name: &str,
    branch: &'a Schema,
    new: &Schema,
    ty: &str,
) -> Change<'a> {
    let null = name == "null";
    let verb = how.verb;
    let message = format!(
        "{} {verb} the `{}` branch {name}",
        where_(new),
        keyword.name
    );
    let rust = Impact::one(
        Crate::Types,
        Bump::Major,
        format!("{ty} {verb} a variant or its fields change"),
    );
    let effect = match (null, how.what) {
        (true, "added") => Effect::Widens,
        (true, _) => Effect::Narrows,
        (false, _) => how.effect,
    };
    let mut change = simple("", how.what, effect, branch, message, rust);
    change.what = if null {
        "null".to_owned()
    } else {
        format!("{}-branch", slug(keyword))
    };
    change
}
