//! Every schema rule, in the three directions: the same one-change edit of a probe property of
//! a request-only definition (`NewOrderItemDetails`), a response-only one (`IncompleteOrder`)
//! and a both-ways one (`EmailDistribution`), with the level expected in each.

use serde_json::{Value, json};
use xtask::changes::{Direction, Level};

use Level::{Breaking as B, Info as I, Warning as W};

use super::{CREATE, CREATE_GET, Case, Edit, READS, case, s, s_del, set};

/// The probe properties `base()` adds to each host definition: a node for each kind of rule,
/// with the keyword present (for `removed`, `increased`, `decreased`, `changed`) or absent
/// (`word`, `amount`, `list`, `bag`: for `added`). None is required.
fn probes(place: &Place) -> Vec<(&'static str, Value)> {
    vec![
        (
            "note",
            json!({"type": "string", "minLength": 1, "maxLength": 50, "pattern": "^[a-z]+$"}),
        ),
        ("word", json!({"type": "string"})),
        (
            "mixed",
            json!({
                "type": ["string", "integer"],
                "title": "Mixed",
                "description": "A string or a number.",
                "examples": ["a"],
                "$comment": "a probe",
                "deprecated": true,
                "readOnly": true,
                "x-personal": true
            }),
        ),
        ("maybe", json!({"type": ["string", "null"]})),
        ("mail", json!({"type": "string", "format": "email"})),
        (
            "count",
            json!({
                "type": "integer",
                "minimum": 1,
                "maximum": 100,
                "exclusiveMinimum": 0,
                "exclusiveMaximum": 1000,
                "default": 5
            }),
        ),
        ("amount", json!({"type": "number"})),
        ("step", json!({"type": "number", "multipleOf": 0.5})),
        (
            "tags",
            json!({
                "type": "array",
                "items": {"type": "string"},
                "minItems": 1,
                "maxItems": 10,
                "uniqueItems": true,
                "writeOnly": true
            }),
        ),
        ("list", json!({"type": "array"})),
        (
            "obj",
            json!({
                "type": "object",
                "properties": {"a": {"type": "string"}, "b": {"type": "string"}},
                "required": ["a"],
                "additionalProperties": {"type": "string"},
                "propertyNames": {"maxLength": 10},
                "minProperties": 1,
                "maxProperties": 5
            }),
        ),
        ("bag", json!({"type": "object"})),
        ("level", json!({"type": "string", "enum": ["low", "high"]})),
        ("kind", json!({"const": "x"})),
        ("link", json!({"$ref": "#/$defs/CurrencyAlias"})),
        (
            "choice",
            json!({"oneOf": [{"type": "string"}, {"type": "integer"}]}),
        ),
        (
            "either",
            json!({"anyOf": [{"type": "string"}, {"type": "integer"}]}),
        ),
        (
            "joint",
            json!({"allOf": [{"type": "string"}, {"minLength": 1}]}),
        ),
        (
            "probe_ref",
            json!({"$ref": format!("#/$defs/{}", place.definition("Probe"))}),
        ),
    ]
}

/// A host definition: where its probes are, which way it travels, and its operations.
pub struct Place {
    host: &'static str,
    direction: Direction,
    operations: &'static [&'static str],
}

const PLACES: [Place; 3] = [
    Place {
        host: "NewOrderItemDetails",
        direction: Direction::Request,
        operations: CREATE,
    },
    Place {
        host: "IncompleteOrder",
        direction: Direction::Response,
        operations: READS,
    },
    Place {
        host: "EmailDistribution",
        direction: Direction::Both,
        operations: CREATE_GET,
    },
];

impl Place {
    /// The pointer of `path` under the host's properties (`word/maxLength`).
    fn at(&self, path: &str) -> String {
        format!("/$defs/{}/properties/{path}", self.host)
    }

    /// A definition of this place's own (`ProbeRequest`), reached from the host only.
    fn definition(&self, stem: &str) -> String {
        let direction = self.direction.name();
        format!("{stem}{}{}", direction[..1].to_uppercase(), &direction[1..])
    }
}

/// Adds the probes to the three hosts, each place's `Probe…` definition, and `CurrencyAlias`:
/// a definition that is only a `$ref`, which `ref-changed` needs (a `$ref` to a definition
/// that is not one is compared by the shape it names).
pub fn add_probes(schema: &mut Value) {
    set(
        schema,
        "/$defs/CurrencyAlias",
        json!({"$ref": "#/$defs/Currency"}),
    );
    for place in &PLACES {
        for (name, probe) in probes(place) {
            set(schema, &place.at(name), probe);
        }
        let definition = format!("/$defs/{}", place.definition("Probe"));
        set(
            schema,
            &definition,
            json!({"type": "string", "maxLength": 5}),
        );
    }
}

/// The levels of a rule in a request, a response and a both-ways node.
type Levels = [Level; 3];

/// Fewer payloads: breaks requests.
const NARROWS: Levels = [B, I, B];
/// More payloads: breaks responses.
const WIDENS: Levels = [I, B, B];
/// Other payloads: breaks both.
const CHANGES: Levels = [B, B, B];
/// Documentation, or nothing a payload sees.
const DOC: Levels = [I, I, I];
/// May break some clients.
const WARNS: Levels = [W, W, W];

/// One row: the rule without its direction, its levels, and the edit at a place.
type Row = (&'static str, Levels, fn(&Place) -> Vec<Edit>);

/// Definitions, properties, objects.
const OBJECTS: &[Row] = &[
    ("definition-added", DOC, |p| {
        // The inline `word` moves into a definition of its own, with the same meaning.
        let name = p.definition("Word");
        vec![
            s(format!("/$defs/{name}"), json!({"type": "string"})),
            s(p.at("word"), json!({"$ref": format!("#/$defs/{name}")})),
        ]
    }),
    ("definition-removed", NARROWS, |p| {
        // The definition `Probe…` moves back inline into the one property that used it.
        vec![
            s(p.at("probe_ref"), json!({"type": "string", "maxLength": 5})),
            s_del(format!("/$defs/{}", p.definition("Probe"))),
        ]
    }),
    ("property-added", DOC, |p| {
        vec![s(p.at("added"), json!({"type": "string"}))]
    }),
    ("property-removed", WARNS, |p| vec![s_del(p.at("word"))]),
    ("required-added", NARROWS, |p| {
        vec![s(p.at("obj/required"), json!(["a", "b"]))]
    }),
    ("required-removed", WIDENS, |p| {
        vec![s_del(p.at("obj/required"))]
    }),
    ("additional-properties-added", NARROWS, |p| {
        vec![s(p.at("bag/additionalProperties"), json!(false))]
    }),
    ("additional-properties-removed", WIDENS, |p| {
        vec![s_del(p.at("obj/additionalProperties"))]
    }),
    ("additional-properties-changed", CHANGES, |p| {
        vec![s(p.at("obj/additionalProperties"), json!(false))]
    }),
    ("property-names-added", NARROWS, |p| {
        vec![s(p.at("bag/propertyNames"), json!({"maxLength": 10}))]
    }),
    ("property-names-removed", WIDENS, |p| {
        vec![s_del(p.at("obj/propertyNames"))]
    }),
    ("min-properties-added", NARROWS, |p| {
        vec![s(p.at("bag/minProperties"), json!(1))]
    }),
    ("min-properties-removed", WIDENS, |p| {
        vec![s_del(p.at("obj/minProperties"))]
    }),
    ("min-properties-increased", NARROWS, |p| {
        vec![s(p.at("obj/minProperties"), json!(2))]
    }),
    ("min-properties-decreased", WIDENS, |p| {
        vec![s(p.at("obj/minProperties"), json!(0))]
    }),
    ("max-properties-added", NARROWS, |p| {
        vec![s(p.at("bag/maxProperties"), json!(5))]
    }),
    ("max-properties-removed", WIDENS, |p| {
        vec![s_del(p.at("obj/maxProperties"))]
    }),
    ("max-properties-increased", WIDENS, |p| {
        vec![s(p.at("obj/maxProperties"), json!(6))]
    }),
    ("max-properties-decreased", NARROWS, |p| {
        vec![s(p.at("obj/maxProperties"), json!(4))]
    }),
];

/// Types, `null`, values.
const VALUES: &[Row] = &[
    ("type-widened", WIDENS, |p| {
        vec![s(p.at("word/type"), json!(["string", "integer"]))]
    }),
    ("type-narrowed", NARROWS, |p| {
        vec![s(p.at("mixed/type"), json!("string"))]
    }),
    ("type-changed", CHANGES, |p| {
        vec![s(p.at("word/type"), json!("integer"))]
    }),
    ("null-added", WIDENS, |p| {
        vec![s(p.at("word/type"), json!(["string", "null"]))]
    }),
    ("null-removed", NARROWS, |p| {
        vec![s(p.at("maybe/type"), json!("string"))]
    }),
    ("enum-value-added", WIDENS, |p| {
        vec![s(p.at("level/enum"), json!(["low", "high", "mid"]))]
    }),
    ("enum-value-removed", NARROWS, |p| {
        vec![s(p.at("level/enum"), json!(["low"]))]
    }),
    ("enum-added", NARROWS, |p| {
        vec![s(p.at("word/enum"), json!(["a", "b"]))]
    }),
    ("enum-removed", WIDENS, |p| vec![s_del(p.at("level/enum"))]),
    ("const-added", NARROWS, |p| {
        vec![s(p.at("word/const"), json!("x"))]
    }),
    ("const-removed", WIDENS, |p| vec![s_del(p.at("kind/const"))]),
    ("const-changed", CHANGES, |p| {
        vec![s(p.at("kind/const"), json!("y"))]
    }),
    ("ref-changed", CHANGES, |p| {
        vec![s(p.at("link/$ref"), json!("#/$defs/AccountPaymentType"))]
    }),
];

/// Strings.
const STRINGS: &[Row] = &[
    ("min-length-added", NARROWS, |p| {
        vec![s(p.at("word/minLength"), json!(1))]
    }),
    ("min-length-removed", WIDENS, |p| {
        vec![s_del(p.at("note/minLength"))]
    }),
    ("min-length-increased", NARROWS, |p| {
        vec![s(p.at("note/minLength"), json!(5))]
    }),
    ("min-length-decreased", WIDENS, |p| {
        vec![s(p.at("note/minLength"), json!(0))]
    }),
    ("max-length-added", NARROWS, |p| {
        vec![s(p.at("word/maxLength"), json!(10))]
    }),
    ("max-length-removed", WIDENS, |p| {
        vec![s_del(p.at("note/maxLength"))]
    }),
    ("max-length-increased", WIDENS, |p| {
        vec![s(p.at("note/maxLength"), json!(100))]
    }),
    ("max-length-decreased", NARROWS, |p| {
        vec![s(p.at("note/maxLength"), json!(10))]
    }),
    ("pattern-added", NARROWS, |p| {
        vec![s(p.at("word/pattern"), json!("^[a-z]+$"))]
    }),
    ("pattern-removed", WIDENS, |p| {
        vec![s_del(p.at("note/pattern"))]
    }),
    ("pattern-changed", CHANGES, |p| {
        vec![s(p.at("note/pattern"), json!("^[a-z]+[0-9]*$"))]
    }),
    ("format-added", NARROWS, |p| {
        vec![s(p.at("word/format"), json!("email"))]
    }),
    ("format-removed", WIDENS, |p| {
        vec![s_del(p.at("mail/format"))]
    }),
    ("format-changed", CHANGES, |p| {
        vec![s(p.at("mail/format"), json!("date-time"))]
    }),
];

/// Numbers.
const NUMBERS: &[Row] = &[
    ("minimum-added", NARROWS, |p| {
        vec![s(p.at("amount/minimum"), json!(0))]
    }),
    ("minimum-removed", WIDENS, |p| {
        vec![s_del(p.at("count/minimum"))]
    }),
    ("minimum-increased", NARROWS, |p| {
        vec![s(p.at("count/minimum"), json!(2))]
    }),
    ("minimum-decreased", WIDENS, |p| {
        vec![s(p.at("count/minimum"), json!(0))]
    }),
    ("maximum-added", NARROWS, |p| {
        vec![s(p.at("amount/maximum"), json!(10))]
    }),
    ("maximum-removed", WIDENS, |p| {
        vec![s_del(p.at("count/maximum"))]
    }),
    ("maximum-increased", WIDENS, |p| {
        vec![s(p.at("count/maximum"), json!(200))]
    }),
    ("maximum-decreased", NARROWS, |p| {
        vec![s(p.at("count/maximum"), json!(50))]
    }),
    ("exclusive-minimum-added", NARROWS, |p| {
        vec![s(p.at("amount/exclusiveMinimum"), json!(0))]
    }),
    ("exclusive-minimum-removed", WIDENS, |p| {
        vec![s_del(p.at("count/exclusiveMinimum"))]
    }),
    ("exclusive-minimum-increased", NARROWS, |p| {
        vec![s(p.at("count/exclusiveMinimum"), json!(0.5))]
    }),
    ("exclusive-minimum-decreased", WIDENS, |p| {
        vec![s(p.at("count/exclusiveMinimum"), json!(-1))]
    }),
    ("exclusive-maximum-added", NARROWS, |p| {
        vec![s(p.at("amount/exclusiveMaximum"), json!(10))]
    }),
    ("exclusive-maximum-removed", WIDENS, |p| {
        vec![s_del(p.at("count/exclusiveMaximum"))]
    }),
    ("exclusive-maximum-increased", WIDENS, |p| {
        vec![s(p.at("count/exclusiveMaximum"), json!(2000))]
    }),
    ("exclusive-maximum-decreased", NARROWS, |p| {
        vec![s(p.at("count/exclusiveMaximum"), json!(500))]
    }),
    ("multiple-of-added", NARROWS, |p| {
        vec![s(p.at("amount/multipleOf"), json!(0.01))]
    }),
    ("multiple-of-removed", WIDENS, |p| {
        vec![s_del(p.at("step/multipleOf"))]
    }),
    // 1 is a multiple of 0.5: every multiple of 1 was a multiple of 0.5.
    ("multiple-of-changed", NARROWS, |p| {
        vec![s(p.at("step/multipleOf"), json!(1))]
    }),
];

/// Arrays.
const ARRAYS: &[Row] = &[
    ("min-items-added", NARROWS, |p| {
        vec![s(p.at("list/minItems"), json!(1))]
    }),
    ("min-items-removed", WIDENS, |p| {
        vec![s_del(p.at("tags/minItems"))]
    }),
    ("min-items-increased", NARROWS, |p| {
        vec![s(p.at("tags/minItems"), json!(2))]
    }),
    ("min-items-decreased", WIDENS, |p| {
        vec![s(p.at("tags/minItems"), json!(0))]
    }),
    ("max-items-added", NARROWS, |p| {
        vec![s(p.at("list/maxItems"), json!(10))]
    }),
    ("max-items-removed", WIDENS, |p| {
        vec![s_del(p.at("tags/maxItems"))]
    }),
    ("max-items-increased", WIDENS, |p| {
        vec![s(p.at("tags/maxItems"), json!(20))]
    }),
    ("max-items-decreased", NARROWS, |p| {
        vec![s(p.at("tags/maxItems"), json!(5))]
    }),
    ("unique-items-added", NARROWS, |p| {
        vec![s(p.at("list/uniqueItems"), json!(true))]
    }),
    ("unique-items-removed", WIDENS, |p| {
        vec![s_del(p.at("tags/uniqueItems"))]
    }),
    ("items-added", NARROWS, |p| {
        vec![s(p.at("list/items"), json!({"type": "string"}))]
    }),
    ("items-removed", WIDENS, |p| vec![s_del(p.at("tags/items"))]),
];

/// Branches: an untagged `oneOf` and an `allOf` cannot be decided by the rules (a warning);
/// an `anyOf` branch widens when it comes and narrows when it goes.
/// The rules leave untagged `oneOf` and `allOf` branches undecided; the set operations
/// (`changes::decide`) decide these (the probes' branches are disjoint types and bounds), so
/// each has the level of what it does to the accepted set.
const BRANCHES: &[Row] = &[
    ("one-of-branch-added", WIDENS, |p| {
        vec![s(p.at("choice/oneOf/2"), json!({"type": "boolean"}))]
    }),
    ("one-of-branch-removed", NARROWS, |p| {
        vec![s_del(p.at("choice/oneOf/1"))]
    }),
    ("any-of-branch-added", WIDENS, |p| {
        vec![s(p.at("either/anyOf/2"), json!({"type": "boolean"}))]
    }),
    ("any-of-branch-removed", NARROWS, |p| {
        vec![s_del(p.at("either/anyOf/1"))]
    }),
    ("all-of-branch-added", NARROWS, |p| {
        vec![s(p.at("joint/allOf/2"), json!({"maxLength": 5}))]
    }),
    ("all-of-branch-removed", WIDENS, |p| {
        vec![s_del(p.at("joint/allOf/1"))]
    }),
];

/// Annotations: documentation, except where they tell clients to send or expect less.
const ANNOTATIONS: &[Row] = &[
    ("description-added", DOC, |p| {
        vec![s(p.at("word/description"), json!("A word."))]
    }),
    ("description-removed", DOC, |p| {
        vec![s_del(p.at("mixed/description"))]
    }),
    ("description-changed", DOC, |p| {
        vec![s(p.at("mixed/description"), json!("Text or a number."))]
    }),
    ("title-added", DOC, |p| {
        vec![s(p.at("word/title"), json!("Word"))]
    }),
    ("title-removed", DOC, |p| vec![s_del(p.at("mixed/title"))]),
    ("title-changed", DOC, |p| {
        vec![s(p.at("mixed/title"), json!("Either"))]
    }),
    ("examples-added", DOC, |p| {
        vec![s(p.at("word/examples"), json!(["a"]))]
    }),
    ("examples-removed", DOC, |p| {
        vec![s_del(p.at("mixed/examples"))]
    }),
    ("examples-changed", DOC, |p| {
        vec![s(p.at("mixed/examples"), json!(["b", 2]))]
    }),
    ("default-added", DOC, |p| {
        vec![s(p.at("word/default"), json!("a"))]
    }),
    ("default-removed", DOC, |p| {
        vec![s_del(p.at("count/default"))]
    }),
    // What an absent value means changes, for the API and for the decoded Rust value.
    ("default-changed", WARNS, |p| {
        vec![s(p.at("count/default"), json!(6))]
    }),
    ("comment-added", DOC, |p| {
        vec![s(p.at("word/$comment"), json!("a note"))]
    }),
    ("comment-removed", DOC, |p| {
        vec![s_del(p.at("mixed/$comment"))]
    }),
    ("comment-changed", DOC, |p| {
        vec![s(p.at("mixed/$comment"), json!("another note"))]
    }),
    ("deprecated-added", DOC, |p| {
        vec![s(p.at("word/deprecated"), json!(true))]
    }),
    ("deprecated-removed", DOC, |p| {
        vec![s_del(p.at("mixed/deprecated"))]
    }),
    // Requests should no longer send the value.
    ("read-only-added", [W, I, W], |p| {
        vec![s(p.at("word/readOnly"), json!(true))]
    }),
    ("read-only-removed", DOC, |p| {
        vec![s_del(p.at("mixed/readOnly"))]
    }),
    // Responses no longer return the value.
    ("write-only-added", [I, W, W], |p| {
        vec![s(p.at("word/writeOnly"), json!(true))]
    }),
    ("write-only-removed", DOC, |p| {
        vec![s_del(p.at("tags/writeOnly"))]
    }),
    ("x-personal-added", DOC, |p| {
        vec![s(p.at("word/x-personal"), json!(true))]
    }),
    // Error messages may print the value again.
    ("x-personal-removed", WARNS, |p| {
        vec![s_del(p.at("mixed/x-personal"))]
    }),
];

/// Every row in the three places.
pub fn cases() -> Vec<Case> {
    let mut out = Vec::new();
    for rows in [
        OBJECTS,
        VALUES,
        STRINGS,
        NUMBERS,
        ARRAYS,
        BRANCHES,
        ANNOTATIONS,
    ] {
        for (rule, levels, edit) in rows {
            for (place, level) in PLACES.iter().zip(levels) {
                let id = format!("{}-{rule}", place.direction.name());
                out.push(case(
                    edit(place),
                    &id,
                    place.direction,
                    *level,
                    place.operations,
                ));
            }
        }
    }
    // `null` also comes and goes as an `anyOf` branch.
    for (place, level) in PLACES.iter().zip(WIDENS) {
        let (direction, operations) = (place.direction, place.operations);
        let edit = s(place.at("either/anyOf/2"), json!({"type": "null"}));
        let id = format!("{}-null-added", direction.name());
        out.push(case(vec![edit], &id, direction, level, operations));
    }
    out
}
