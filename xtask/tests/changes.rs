//! The change report on pairs of specs that differ by one change each (table-driven, with a
//! case for every rule of the catalogue in each of its directions), and the properties: a
//! spec compared with itself, or with its keys shuffled and re-indented, reports nothing.

use serde_json::{Value, json};
use xtask::changes::{self, Bump, Crate, Direction, Level, Spec, catalogue};

/// The probe properties of `base()` and the cases of every schema rule in the three directions.
#[path = "changes/table.rs"]
mod table;

/// Cases on nodes of the real spec, and the rules of `operations.json`.
#[path = "changes/real.rs"]
mod real;

const SCHEMA: &str = "spec/order-api.schema.json";
const OPERATIONS: &str = "spec/operations.json";

fn real() -> (Value, Value) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let read = |path: &str| -> Value {
        serde_json::from_str(&std::fs::read_to_string(root.join(path)).unwrap()).unwrap()
    };
    (read(SCHEMA), read(OPERATIONS))
}

/// The base of every pair: the real spec with probe properties in a request-only, a
/// response-only and a both-ways definition (see `table::probes`), so that every schema rule
/// has a node of each direction.
fn base() -> (Value, Value) {
    let (mut schema, ops) = real();
    table::add_probes(&mut schema);
    (schema, ops)
}

fn set(doc: &mut Value, pointer: &str, value: Value) {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let key = key.replace("~1", "/").replace("~0", "~");
    match doc
        .pointer_mut(parent)
        .unwrap_or_else(|| panic!("no {parent}"))
    {
        Value::Object(map) => {
            map.insert(key, value);
        }
        Value::Array(items) => {
            let index: usize = key.parse().unwrap();
            if index >= items.len() {
                items.push(value);
            } else {
                items[index] = value;
            }
        }
        other => panic!("{parent} is {other}"),
    }
}

fn remove(doc: &mut Value, pointer: &str) {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    match doc.pointer_mut(parent).unwrap() {
        Value::Object(map) => {
            map.remove(key).unwrap_or_else(|| panic!("no {pointer}"));
        }
        Value::Array(items) => {
            items.remove(key.parse::<usize>().unwrap());
        }
        other => panic!("{parent} is {other}"),
    }
}

fn lower(schema: &Value, ops: &Value) -> Spec {
    Spec::from_texts(
        (SCHEMA, serde_json::to_string_pretty(schema).unwrap()),
        (OPERATIONS, serde_json::to_string_pretty(ops).unwrap()),
    )
    .unwrap_or_else(|err| panic!("{err}"))
}

/// One edit of a pair: in the schema (`S`) or the operations (`O`); `None` removes.
type Edit = (char, String, Option<Value>);

struct Case {
    edits: Vec<Edit>,
    rule: String,
    level: Level,
    direction: Direction,
    operations: &'static [&'static str],
}

const CREATE: &[&str] = &["createOrder"];
const ESTIMATE: &[&str] = &["estimateOrderPrice"];
const READS: &[&str] = &["getListOfOrders", "getSingleOrder"];
const ALL: &[&str] = &[
    "createOrder",
    "estimateOrderPrice",
    "getListOfOrders",
    "getSingleOrder",
];
const CREATE_GET: &[&str] = &["createOrder", "getSingleOrder"];

fn case(
    edits: Vec<Edit>,
    rule: &str,
    direction: Direction,
    level: Level,
    operations: &'static [&'static str],
) -> Case {
    Case {
        edits,
        rule: rule.to_owned(),
        level,
        direction,
        operations,
    }
}

fn s(pointer: impl Into<String>, value: Value) -> Edit {
    ('S', pointer.into(), Some(value))
}
fn s_del(pointer: impl Into<String>) -> Edit {
    ('S', pointer.into(), None)
}
fn o(pointer: impl Into<String>, value: Value) -> Edit {
    ('O', pointer.into(), Some(value))
}
fn o_del(pointer: impl Into<String>) -> Edit {
    ('O', pointer.into(), None)
}

fn cases() -> Vec<Case> {
    let mut out = table::cases();
    real::cases(&mut out);
    out
}

fn apply(case: &Case) -> (Value, Value) {
    let (mut schema, mut ops) = base();
    for (file, pointer, value) in &case.edits {
        let doc = if *file == 'S' { &mut schema } else { &mut ops };
        match value {
            Some(value) => set(doc, pointer, value.clone()),
            None => remove(doc, pointer),
        }
    }
    (schema, ops)
}

#[test]
fn every_pair_reports_its_one_change() {
    let cases = cases();
    assert!(cases.len() >= 60, "{} cases", cases.len());
    let (schema, ops) = base();
    let old = lower(&schema, &ops);
    let mut failures = Vec::new();
    for case in &cases {
        let (schema, ops) = apply(case);
        let report = changes::compare(&old, &lower(&schema, &ops), "base");
        let found: Vec<_> = report
            .findings
            .iter()
            .filter(|it| it.rule == case.rule)
            .collect();
        let ok = found.len() == 1
            && found[0].level == case.level
            && found[0].direction == case.direction
            && found[0].operations == case.operations
            && found[0].line > 0;
        // Every finding of the pair, the expected one or not, is a rule of the catalogue.
        let unknown: Vec<_> = report
            .findings
            .iter()
            .filter(|it| !catalogue::knows(&it.rule, it.direction))
            .map(|it| (&it.rule, it.direction))
            .collect();
        if !unknown.is_empty() {
            failures.push(format!("{}: not in the catalogue: {unknown:?}", case.rule));
        }
        if !ok {
            let all: Vec<_> = report
                .findings
                .iter()
                .map(|it| {
                    (
                        &it.rule,
                        it.level,
                        it.direction,
                        &it.operations,
                        &it.pointer,
                    )
                })
                .collect();
            failures.push(format!("{} {:?}: {all:?}", case.rule, case.edits));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_catalogued_rule_has_a_case_in_each_of_its_directions() {
    let cases = cases();
    let covered: std::collections::HashSet<(&str, Direction)> = cases
        .iter()
        .map(|it| (it.rule.as_str(), it.direction))
        .collect();
    let missing: Vec<String> = catalogue::entries()
        .into_iter()
        .filter(|it| !covered.contains(&(it.rule.as_str(), it.direction)))
        .map(|it| format!("{} ({})", it.rule, it.direction.name()))
        .collect();
    assert!(
        missing.is_empty(),
        "rules without a case:\n{}",
        missing.join("\n")
    );
    let unknown: Vec<String> = cases
        .iter()
        .filter(|it| !catalogue::knows(&it.rule, it.direction))
        .map(|it| format!("{} ({})", it.rule, it.direction.name()))
        .collect();
    assert!(
        unknown.is_empty(),
        "cases of rules the catalogue does not list:\n{}",
        unknown.join("\n")
    );
}

/// The one finding of `rule` after `edits` of the base.
fn finding(edits: Vec<Edit>, rule: &str) -> changes::Finding {
    let (schema, ops) = base();
    let old = lower(&schema, &ops);
    let case = case(edits, rule, Direction::Both, Level::Info, &[]);
    let (schema, ops) = apply(&case);
    let report = changes::compare(&old, &lower(&schema, &ops), "base");
    let found: Vec<_> = report
        .findings
        .iter()
        .filter(|it| it.rule == rule)
        .collect();
    assert_eq!(found.len(), 1, "{rule}: {:?}", report.findings);
    found[0].clone()
}

/// The bump of `krate` a finding calls for (`None` when it does not touch it).
fn bump(finding: &changes::Finding, krate: Crate) -> Bump {
    let bumps = finding.rust.items.iter().filter(|it| it.0 == krate);
    bumps.map(|it| it.1).max().unwrap_or(Bump::None)
}

#[test]
fn annotations_say_what_the_generated_code_does() {
    let at = |path: &str| format!("/$defs/NewOrderItemDetails/properties/{path}");
    // An optional field becomes `T` with `#[serde(default = …)]`: major.
    let it = finding(
        vec![s(at("word/default"), json!("a"))],
        "request-default-added",
    );
    assert_eq!(
        (it.level, bump(&it, Crate::Types)),
        (Level::Info, Bump::Major)
    );
    // A definition gains `impl Default`: minor.
    let it = finding(
        vec![s("/$defs/OrderStatus/default", json!("PROCESSING"))],
        "response-default-added",
    );
    assert_eq!(bump(&it, Crate::Types), Bump::Minor, "{:?}", it.rust);
    // The generator does not write `#[deprecated]`: nothing changes in any crate.
    let it = finding(
        vec![s(at("word/deprecated"), json!(true))],
        "request-deprecated-added",
    );
    assert_eq!((it.level, it.rust.semver()), (Level::Info, Bump::None));
    // The validator's messages print the value again.
    let it = finding(
        vec![s_del(at("mixed/x-personal"))],
        "request-x-personal-removed",
    );
    assert_eq!(
        (it.level, bump(&it, Crate::Validator)),
        (Level::Warning, Bump::Patch)
    );
    // typify names the variant `DistributionMethod::Email` after this title.
    let it = finding(
        vec![s("/$defs/EmailDistribution/title", json!("Mail"))],
        "both-title-changed",
    );
    assert_eq!(
        (it.level, bump(&it, Crate::Types)),
        (Level::Info, Bump::Major)
    );
    // The title of a plain string names no type: documentation.
    let it = finding(
        vec![s(at("mixed/title"), json!("Either"))],
        "request-title-changed",
    );
    assert_eq!(bump(&it, Crate::Types), Bump::Patch);
    // `decimal` accepts the same payloads but makes the field a `Decimal`.
    let it = finding(
        vec![s(at("amount/format"), json!("decimal"))],
        "request-format-added",
    );
    assert_eq!(
        (it.level, bump(&it, Crate::Types)),
        (Level::Info, Bump::Major)
    );
}

#[test]
fn a_spec_compared_with_itself_reports_nothing() {
    let (schema, ops) = real();
    let report = changes::compare(&lower(&schema, &ops), &lower(&schema, &ops), "self");
    assert!(report.findings.is_empty(), "{:?}", report.findings);
}

/// The next number of a seeded xorshift generator.
fn next(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

/// `value` as JSON text with the members of every object in a seeded random order and an
/// indentation of `indent` spaces (serde_json's `Map` keeps keys sorted, so the order is made
/// here, in the text). `RUNA_CHANGES_SEED` replays a seed.
fn shuffled(value: &Value, state: &mut u64, indent: usize, depth: usize, out: &mut String) {
    let pad = |depth: usize| format!("\n{}", " ".repeat(indent * depth));
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            for i in (1..entries.len()).rev() {
                entries.swap(i, (next(state) % (i as u64 + 1)) as usize);
            }
            out.push('{');
            for (i, (key, item)) in entries.into_iter().enumerate() {
                out.push_str(if i > 0 { "," } else { "" });
                out.push_str(&pad(depth + 1));
                out.push_str(&format!("{}: ", Value::from(key.as_str())));
                shuffled(item, state, indent, depth + 1, out);
            }
            out.push_str(&pad(depth));
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                out.push_str(if i > 0 { "," } else { "" });
                out.push_str(&pad(depth + 1));
                shuffled(item, state, indent, depth + 1, out);
            }
            out.push_str(&pad(depth));
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

#[test]
fn shuffled_keys_and_other_indentation_report_nothing() {
    let seed: u64 = std::env::var("RUNA_CHANGES_SEED")
        .ok()
        .and_then(|it| it.parse().ok())
        .unwrap_or(0x5eed);
    let (schema, ops) = real();
    let old = lower(&schema, &ops);
    for round in 0..8u64 {
        let round_seed = seed.wrapping_add(round);
        let mut state = round_seed.max(1);
        let indent = (round % 4) as usize;
        let (mut schema_text, mut ops_text) = (String::new(), String::new());
        shuffled(&schema, &mut state, indent, 0, &mut schema_text);
        shuffled(&ops, &mut state, indent, 0, &mut ops_text);
        let new = Spec::from_texts((SCHEMA, schema_text), (OPERATIONS, ops_text)).unwrap();
        let report = changes::compare(&old, &new, "shuffled");
        assert!(
            report.findings.is_empty(),
            "RUNA_CHANGES_SEED={round_seed}: {:?}",
            report.findings
        );
    }
}

#[test]
fn an_inline_schema_moved_into_defs_reports_nothing_breaking() {
    let (mut schema, ops) = real();
    let old = lower(&schema, &ops);
    let inline = schema
        .pointer("/$defs/NewOrderItemDetails/properties/face_value")
        .unwrap()
        .clone();
    set(&mut schema, "/$defs/FaceValue", inline);
    set(
        &mut schema,
        "/$defs/NewOrderItemDetails/properties/face_value",
        json!({"$ref": "#/$defs/FaceValue"}),
    );
    let report = changes::compare(&old, &lower(&schema, &ops), "moved");
    let worst = report
        .findings
        .iter()
        .filter(|it| it.rule != "both-definition-added")
        .map(|it| it.level)
        .max();
    assert!(
        worst.is_none_or(|it| it == Level::Info),
        "{:?}",
        report.findings
    );
}

/// A change set that mixes levels: a narrower request bound (breaking), a removed response
/// property (warning), a new optional request property and a description (info), a new
/// optional parameter (info).
fn mixed() -> (Spec, Spec) {
    let (schema, ops) = base();
    let old = lower(&schema, &ops);
    let case = case(
        vec![
            s(
                "/$defs/NewOrderDetails/properties/items/maxItems",
                json!(100),
            ),
            s_del("/$defs/IncompleteOrder/properties/note"),
            s(
                "/$defs/NewOrderItemDetails/properties/extra",
                json!({"type": "string"}),
            ),
            s(
                "/$defs/OrderStatus/description",
                json!("Where the order is."),
            ),
            // Breaking, and alone in its definition: with a counter-example.
            s("/$defs/RecipientReference/maxLength", json!(10)),
            o(
                "/operations/1/parameters/9",
                json!({"name": "X-Trace", "in": "header", "type": "string"}),
            ),
        ],
        "",
        Direction::Both,
        Level::Info,
        &[],
    );
    let (schema, ops) = apply(&case);
    (old, lower(&schema, &ops))
}

#[test]
fn every_output_format_renders_a_mixed_change_set() {
    use xtask::changes::render::{Format, render};
    let (old, new) = mixed();
    let report = changes::compare(&old, &new, "HEAD");
    let levels: Vec<Level> = report.findings.iter().map(|it| it.level).collect();
    for level in [Level::Breaking, Level::Warning, Level::Info] {
        assert!(levels.contains(&level), "{levels:?}");
    }
    insta::assert_snapshot!("changes_text", render(&report, Format::Text));
    insta::assert_snapshot!("changes_markdown", render(&report, Format::Markdown));
    insta::assert_snapshot!("changes_github", render(&report, Format::Github));
    insta::assert_snapshot!("changes_json", render(&report, Format::Json));
}

#[test]
fn a_node_reached_from_a_request_and_a_response_is_one_finding_of_both() {
    // Old: an inline string in a request-only and in a response-only definition. New: both
    // name one definition, with a bound: one change, so one finding, of both directions.
    let (mut schema, ops) = base();
    for host in ["NewOrderItemDetails", "IncompleteOrder"] {
        set(
            &mut schema,
            &format!("/$defs/{host}/properties/tag"),
            json!({"type": "string"}),
        );
    }
    let old = lower(&schema, &ops);
    set(
        &mut schema,
        "/$defs/Tag",
        json!({"type": "string", "maxLength": 5}),
    );
    for host in ["NewOrderItemDetails", "IncompleteOrder"] {
        set(
            &mut schema,
            &format!("/$defs/{host}/properties/tag"),
            json!({"$ref": "#/$defs/Tag"}),
        );
    }
    let report = changes::compare(&old, &lower(&schema, &ops), "HEAD");
    let bounds: Vec<_> = report
        .findings
        .iter()
        .filter(|it| it.rule.ends_with("max-length-added"))
        .collect();
    assert_eq!(bounds.len(), 1, "{bounds:#?}");
    assert_eq!(bounds[0].rule, "both-max-length-added");
    assert_eq!(bounds[0].direction, Direction::Both);
    assert_eq!(bounds[0].level, Level::Breaking);
    for operation in ["createOrder", "getSingleOrder"] {
        assert!(
            bounds[0].operations.iter().any(|it| it == operation),
            "{bounds:#?}"
        );
    }
}

#[test]
fn two_new_statuses_of_one_operation_are_two_findings() {
    let (schema, ops) = base();
    let old = lower(&schema, &ops);
    let mut changed = ops.clone();
    for status in ["418", "451"] {
        set(
            &mut changed,
            &format!("/operations/0/responses/{status}"),
            json!({"body": "APIErrorResponse", "description": "Refused."}),
        );
    }
    let report = changes::compare(&old, &lower(&schema, &changed), "HEAD");
    let added: Vec<&str> = report
        .findings
        .iter()
        .filter(|it| it.rule == "response-status-added")
        .map(|it| it.message.as_str())
        .collect();
    assert_eq!(added.len(), 2, "{added:?}");
}
