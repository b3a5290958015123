//! The catalogue of rule IDs: every rule the change report can produce, with the directions
//! it can have. The schema rules are `{direction}-{what}-{change}` and come in every
//! direction; the operation rules are the `Kind` constants of `operations.rs`, each with one.
//!
//! The rules push their findings through `schemas::Cx::push` and `Kind::at`, which check (in
//! debug builds, so in every test) that the rule is listed here; `xtask/tests/changes.rs`
//! checks that every (rule, direction) listed here has a case.

use std::sync::LazyLock;

use super::{direction::Direction, operations, schemas::slug};
use crate::codegen::keywords::{self as kw, Keyword};

/// What a family of schema rules is about: a keyword (its rule part is the keyword's
/// spelling in kebab case, with a suffix) or a word of its own.
#[derive(Debug, Clone, Copy)]
enum Subject {
    /// A keyword and the suffix after its slug (`enum` and `-value`: `enum-value`).
    Keyword(&'static Keyword, &'static str),
    /// `definition`, `property`, `null`.
    Word(&'static str),
}

/// Added (narrows) or removed (widens): a keyword that is there or not.
const PRESENCE: &[&str] = &["added", "removed"];
/// A keyword whose value is compared as a whole.
const VALUE: &[&str] = &["added", "removed", "changed"];
/// A numeric bound.
const BOUND: &[&str] = &["added", "removed", "increased", "decreased"];

/// Each family of schema rules: what it is about, and its last words.
const SCHEMA_FAMILIES: &[(Subject, &[&str])] = &[
    (Subject::Word("definition"), PRESENCE),
    (Subject::Word("property"), PRESENCE),
    (Subject::Keyword(&kw::REQUIRED, ""), PRESENCE),
    (Subject::Keyword(&kw::ADDITIONAL_PROPERTIES, ""), VALUE),
    (Subject::Keyword(&kw::PROPERTY_NAMES, ""), PRESENCE),
    (Subject::Keyword(&kw::MIN_PROPERTIES, ""), BOUND),
    (Subject::Keyword(&kw::MAX_PROPERTIES, ""), BOUND),
    (
        Subject::Keyword(&kw::TYPE, ""),
        &["widened", "narrowed", "changed"],
    ),
    (Subject::Word("null"), PRESENCE),
    (Subject::Keyword(&kw::ENUM, "-value"), PRESENCE),
    (Subject::Keyword(&kw::ENUM, ""), PRESENCE),
    (Subject::Keyword(&kw::CONST, ""), VALUE),
    (Subject::Keyword(&kw::MIN_LENGTH, ""), BOUND),
    (Subject::Keyword(&kw::MAX_LENGTH, ""), BOUND),
    (Subject::Keyword(&kw::PATTERN, ""), VALUE),
    (Subject::Keyword(&kw::FORMAT, ""), VALUE),
    (Subject::Keyword(&kw::MINIMUM, ""), BOUND),
    (Subject::Keyword(&kw::MAXIMUM, ""), BOUND),
    (Subject::Keyword(&kw::EXCLUSIVE_MINIMUM, ""), BOUND),
    (Subject::Keyword(&kw::EXCLUSIVE_MAXIMUM, ""), BOUND),
    (Subject::Keyword(&kw::MULTIPLE_OF, ""), VALUE),
    (Subject::Keyword(&kw::MIN_ITEMS, ""), BOUND),
    (Subject::Keyword(&kw::MAX_ITEMS, ""), BOUND),
    (Subject::Keyword(&kw::UNIQUE_ITEMS, ""), PRESENCE),
    (Subject::Keyword(&kw::ITEMS, ""), PRESENCE),
    (Subject::Keyword(&kw::REF, ""), &["changed"]),
    (Subject::Keyword(&kw::ONE_OF, "-branch"), PRESENCE),
    (Subject::Keyword(&kw::ANY_OF, "-branch"), PRESENCE),
    (Subject::Keyword(&kw::ALL_OF, "-branch"), PRESENCE),
    (Subject::Keyword(&kw::DESCRIPTION, ""), VALUE),
    (Subject::Keyword(&kw::TITLE, ""), VALUE),
    (Subject::Keyword(&kw::EXAMPLES, ""), VALUE),
    (Subject::Keyword(&kw::DEFAULT, ""), VALUE),
    (Subject::Keyword(&kw::COMMENT, ""), VALUE),
    (Subject::Keyword(&kw::DEPRECATED, ""), PRESENCE),
    (Subject::Keyword(&kw::READ_ONLY, ""), PRESENCE),
    (Subject::Keyword(&kw::WRITE_ONLY, ""), PRESENCE),
    (Subject::Keyword(&kw::PERSONAL, ""), PRESENCE),
];

/// The directions of every schema rule.
const EVERY_DIRECTION: [Direction; 3] = [Direction::Request, Direction::Response, Direction::Both];

/// The rule part of a keyword (`max-length`, `ref`, `comment`): its slug without `$`.
pub fn what(keyword: &Keyword) -> String {
    slug(keyword).trim_start_matches('$').to_owned()
}

impl Subject {
    fn what(self) -> String {
        match self {
            Subject::Keyword(keyword, suffix) => format!("{}{suffix}", what(keyword)),
            Subject::Word(word) => word.to_owned(),
        }
    }
}

/// One rule ID and the direction of its findings: a schema rule's ID starts with it (each
/// family is listed in the three directions), an operation rule has the one of its `Kind`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub rule: String,
    pub direction: Direction,
}

/// The schema rules, without their direction: `what-change` (`max-length-decreased`).
static SCHEMA: LazyLock<Vec<String>> = LazyLock::new(|| {
    SCHEMA_FAMILIES
        .iter()
        .flat_map(|(subject, changes)| {
            let what = subject.what();
            changes.iter().map(move |change| format!("{what}-{change}"))
        })
        .collect()
});

/// Every rule ID the report can produce, with its direction: the schema rules first (in the
/// order of their families), then the operation rules.
pub fn entries() -> Vec<Entry> {
    let schema = SCHEMA.iter().flat_map(|rest| {
        EVERY_DIRECTION.into_iter().map(move |direction| Entry {
            rule: format!("{}-{rest}", direction.name()),
            direction,
        })
    });
    let operations = operations::KINDS.iter().map(|kind| Entry {
        rule: kind.rule.to_owned(),
        direction: kind.direction,
    });
    schema.chain(operations).collect()
}

/// True when the schema rule `{direction}-{what}-{change}` is catalogued.
pub fn is_schema_rule(what: &str, change: &str) -> bool {
    let rule = format!("{what}-{change}");
    SCHEMA.contains(&rule)
}

/// True when `rule` is catalogued with `direction`.
pub fn knows(rule: &str, direction: Direction) -> bool {
    entries()
        .iter()
        .any(|it| it.rule == rule && it.direction == direction)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_id_is_listed_once() {
        let mut rules: Vec<String> = entries().into_iter().map(|it| it.rule).collect();
        let before = rules.len();
        rules.sort();
        rules.dedup();
        assert_eq!(before, rules.len(), "a rule ID is listed twice");
    }

    /// A keyword the generator learns to read (a new row of the keyword table) must get its
    /// rules here, or its changes would be reported as nothing.
    #[test]
    fn every_schema_keyword_has_rules() {
        let families: Vec<&str> = SCHEMA_FAMILIES
            .iter()
            .filter_map(|(subject, _)| match subject {
                Subject::Keyword(keyword, _) => Some(keyword.name),
                Subject::Word(_) => None,
            })
            .collect();
        let missing: Vec<&str> = kw::TABLE
            .iter()
            .filter(|it| it.in_schema())
            // `properties` is compared member by member: the `property` rules.
            .filter(|it| **it != kw::PROPERTIES)
            .map(|it| it.name)
            .filter(|it| !families.contains(it))
            .collect();
        assert!(missing.is_empty(), "keywords without rules: {missing:?}");
    }

    #[test]
    fn schema_rules_are_found_by_their_parts() {
        assert!(is_schema_rule("max-length", "decreased"));
        assert!(is_schema_rule("enum-value", "added"));
        assert!(is_schema_rule("ref", "changed"));
        assert!(!is_schema_rule("max-length", "changed"));
        assert_eq!(what(&kw::READ_ONLY), "read-only");
        assert_eq!(what(&kw::COMMENT), "comment");
        assert!(knows("both-null-added", Direction::Both));
        assert!(!knows("both-null-added", Direction::Request));
        assert!(knows("operation-removed", Direction::Both));
    }
}
