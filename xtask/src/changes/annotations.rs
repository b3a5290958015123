//! The rules on annotations that accept no other payload but tell clients something or change
//! what the generated code does: `examples`, `default`, `$comment`, `deprecated`, `readOnly`,
//! `writeOnly` and `x-personal`. Each is reported (documentation at least, `info`), with what
//! the generator really does with it.

use super::{
    Level,
    direction::Direction,
    rust::{self, Bump, Crate, Impact},
    schemas::{Change, Cx, Effect, simple, where_},
};
use crate::codegen::{
    ir::{Literal, Schema},
    keywords::{self, Keyword},
};

/// `added`, `removed` or `changed`, from whether the keyword is there before and after.
fn word(before: bool, after: bool) -> &'static str {
    match (before, after) {
        (false, true) => "added",
        (true, false) => "removed",
        _ => "changed",
    }
}

/// A change of the annotation `keyword` at `new` (documentation as far as payloads go).
fn change<'a>(
    keyword: &Keyword,
    change: &'static str,
    new: &'a Schema,
    rust: Impact,
) -> Change<'a> {
    let message = format!("`{}` of {} is {change}", keyword.name, where_(new));
    Change {
        what: super::catalogue::what(keyword),
        ..simple("", change, Effect::Doc, new, message, rust)
    }
}

/// Nothing in the generated crates changes: `why` says why.
fn nothing(why: &str) -> Impact {
    Impact::one(Crate::Types, Bump::None, why)
}

pub(crate) fn compare<'a>(cx: &mut Cx<'a>, old: &'a Schema, new: &'a Schema, owner: &str) {
    let ty = rust::type_name(&new.location);
    if old.examples != new.examples {
        let change_word = word(!old.examples.is_empty(), !new.examples.is_empty());
        let rust = Impact::one(
            Crate::Types,
            Bump::Patch,
            format!("the docs of {ty} show other examples"),
        );
        cx.push(owner, change(&keywords::EXAMPLES, change_word, new, rust));
    }
    if old.default != new.default {
        let change_word = word(old.default.is_some(), new.default.is_some());
        let rust = default_impact(cx, new, change_word, new.default.as_ref());
        cx.push(owner, change(&keywords::DEFAULT, change_word, new, rust));
    }
    let (a, b) = (&old.notes, &new.notes);
    if a.comment != b.comment {
        let change_word = word(a.comment.is_some(), b.comment.is_some());
        let rust = nothing("no generated code carries `$comment`");
        cx.push(owner, change(&keywords::COMMENT, change_word, new, rust));
    }
    let flags = [
        (
            &keywords::DEPRECATED,
            a.deprecated,
            b.deprecated,
            "no generated code changes: the generator writes no `#[deprecated]`, so no build warns",
        ),
        (
            &keywords::READ_ONLY,
            a.read_only,
            b.read_only,
            "no generated code changes: the types and the validator ignore it, and the field stays in requests and responses",
        ),
        (
            &keywords::WRITE_ONLY,
            a.write_only,
            b.write_only,
            "no generated code changes: the types and the validator ignore it, and the field stays in requests and responses",
        ),
    ];
    for (keyword, before, after, why) in flags {
        if before != after {
            let change_word = word(before, after);
            cx.push(owner, change(keyword, change_word, new, nothing(why)));
        }
    }
    if old.personal != new.personal {
        let (change_word, text) = if new.personal {
            ("added", "stop printing")
        } else {
            ("removed", "print again")
        };
        let rust = Impact::one(
            Crate::Validator,
            Bump::Patch,
            format!(
                "the validator's messages {text} the values at {} (unless `show_values`)",
                where_(new)
            ),
        );
        cx.push(owner, change(&keywords::PERSONAL, change_word, new, rust));
    }
}

/// What a `default` does in the types crate: typify turns it into `impl Default` on a
/// definition's type and into `#[serde(default = …)]` on an optional property (whose field is
/// then `T`, not `Option<T>`); elsewhere it is only the "Default:" line of the docs.
fn default_impact(cx: &Cx<'_>, node: &Schema, change: &str, value: Option<&Literal>) -> Impact {
    let ty = rust::type_name(&node.location);
    let shown = value.map_or_else(|| "nothing".to_owned(), ToString::to_string);
    let (bump, text) = if rust::is_definition(&node.location) {
        match change {
            "added" => (Bump::Minor, format!("{ty} gains `impl Default`")),
            "removed" => (Bump::Major, format!("{ty} loses `impl Default`")),
            _ => (
                Bump::Major,
                format!("`Default::default()` of {ty} returns {shown}"),
            ),
        }
    } else if cx.is_optional_property(&node.location) {
        match change {
            "changed" => (
                Bump::Major,
                format!(
                    "a missing {} now decodes to {shown} (its `#[serde(default = …)]` changes)",
                    where_(node)
                ),
            ),
            _ => (
                Bump::Major,
                format!(
                    "the field of {} changes between `Option<T>` and `T` with \
                     `#[serde(default = …)]`, so a missing value decodes to {shown}",
                    where_(node)
                ),
            ),
        }
    } else {
        (Bump::Patch, format!("the docs of {ty} change"))
    };
    Impact::one(Crate::Types, bump, text)
}

/// The level of the changes that effect and direction alone do not decide: a new `readOnly`
/// asks requests not to send a value (a warning where requests carry it), a new `writeOnly`
/// says responses stop returning it (a warning where responses carry it), a removed
/// `x-personal` lets error messages print personal data, and a changed `default` changes what
/// an absent value means to the API and to the generated types.
pub(crate) fn level(what: &str, change: &str, direction: Direction) -> Option<Level> {
    let is = |keyword: &Keyword| what == super::catalogue::what(keyword);
    let warns = match change {
        "added" if is(&keywords::READ_ONLY) => direction != Direction::Response,
        "added" if is(&keywords::WRITE_ONLY) => direction != Direction::Request,
        "removed" if is(&keywords::PERSONAL) => true,
        "changed" if is(&keywords::DEFAULT) => true,
        _ => return None,
    };
    Some(if warns { Level::Warning } else { Level::Info })
}
