//! The change report on pairs of specs that differ by one change each (table-driven), and the
//! properties: a spec compared with itself, or with its keys shuffled and re-indented, reports
//! nothing.

use serde_json::{Value, json};
use xtask::changes::{self, Level, Spec};

const SCHEMA: &str = "spec/order-api.schema.json";
const OPERATIONS: &str = "spec/operations.json";

fn real() -> (Value, Value) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let read = |path: &str| -> Value {
        serde_json::from_str(&std::fs::read_to_string(root.join(path)).unwrap()).unwrap()
    };
    (read(SCHEMA), read(OPERATIONS))
}

/// The base of every pair: the real spec with a request-only, a response-only and a
/// both-ways string property `note`, so that every string rule has a node of each direction.
fn base() -> (Value, Value) {
    let (mut schema, ops) = real();
    let note = json!({"type": "string", "minLength": 1, "maxLength": 50, "pattern": "^[a-z]+$"});
    for def in [
        "NewOrderItemDetails",
        "IncompleteOrder",
        "EmailDistribution",
    ] {
        set(
            &mut schema,
            &format!("/$defs/{def}/properties/note"),
            note.clone(),
        );
    }
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
type Edit = (char, &'static str, Option<Value>);

struct Case {
    edits: Vec<Edit>,
    rule: &'static str,
    level: Level,
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
    rule: &'static str,
    level: Level,
    operations: &'static [&'static str],
) -> Case {
    Case {
        edits,
        rule,
        level,
        operations,
    }
}

fn s(pointer: &'static str, value: Value) -> Edit {
    ('S', pointer, Some(value))
}
fn s_del(pointer: &'static str) -> Edit {
    ('S', pointer, None)
}
fn o(pointer: &'static str, value: Value) -> Edit {
    ('O', pointer, Some(value))
}
fn o_del(pointer: &'static str) -> Edit {
    ('O', pointer, None)
}

/// The same string edits on the request-only, response-only and both-ways `note`.
fn string_cases(out: &mut Vec<Case>) {
    use Level::{Breaking as B, Info as I};
    let places: [(&str, &str, &[&str]); 3] = [
        (
            "request",
            "/$defs/NewOrderItemDetails/properties/note",
            CREATE,
        ),
        ("response", "/$defs/IncompleteOrder/properties/note", READS),
        (
            "both",
            "/$defs/EmailDistribution/properties/note",
            CREATE_GET,
        ),
    ];
    let leak = |text: String| -> &'static str { Box::leak(text.into_boxed_str()) };
    for (direction, place, ops) in places {
        let at = |key: &str| leak(format!("{place}/{key}"));
        let req = direction == "request";
        let resp = direction == "response";
        let pick = |narrow: bool| {
            if narrow {
                if resp { I } else { B }
            } else if req {
                I
            } else {
                B
            }
        };
        let table: Vec<(Edit, &str, Level)> = vec![
            (
                s(at("maxLength"), json!(10)),
                "max-length-decreased",
                pick(true),
            ),
            (
                s(at("maxLength"), json!(100)),
                "max-length-increased",
                pick(false),
            ),
            (s_del(at("maxLength")), "max-length-removed", pick(false)),
            (
                s(at("minLength"), json!(5)),
                "min-length-increased",
                pick(true),
            ),
            (s_del(at("minLength")), "min-length-removed", pick(false)),
            (
                s(at("pattern"), json!("^[a-z]+[0-9]*$")),
                "pattern-changed",
                B,
            ),
            (s_del(at("pattern")), "pattern-removed", pick(false)),
            (s(at("format"), json!("email")), "format-added", pick(true)),
            (
                s(at("type"), json!(["string", "null"])),
                "null-added",
                pick(false),
            ),
            (
                s(at("description"), json!("A note.")),
                "description-added",
                I,
            ),
        ];
        for (edit, rule, level) in table {
            out.push(case(
                vec![edit],
                leak(format!("{direction}-{rule}")),
                level,
                ops,
            ));
        }
    }
}

fn number_and_array_cases_1(out: &mut Vec<Case>) {
    use Level::{Breaking as B, Info as I};
    out.extend([
        case(
            vec![s(
                "/$defs/NewOrderItemDetails/properties/face_value/minimum",
                json!(1),
            )],
            "request-minimum-increased",
            B,
            CREATE,
        ),
        case(
            vec![s(
                "/$defs/NewOrderItemDetails/properties/face_value/minimum",
                json!(0.001),
            )],
            "request-minimum-decreased",
            I,
            CREATE,
        ),
        case(
            vec![s_del(
                "/$defs/NewOrderItemDetails/properties/face_value/minimum",
            )],
            "request-minimum-removed",
            I,
            CREATE,
        ),
        case(
            vec![s(
                "/$defs/NewOrderItemDetails/properties/face_value/maximum",
                json!(1000),
            )],
            "request-maximum-added",
            B,
            CREATE,
        ),
        case(
            vec![s(
                "/$defs/NewOrderItemDetails/properties/face_value/exclusiveMaximum",
                json!(1000),
            )],
            "request-exclusive-maximum-added",
            B,
            CREATE,
        ),
        case(
            vec![s(
                "/$defs/NewOrderItemDetails/properties/face_value",
                json!({"type": "string"}),
            )],
            "request-type-changed",
            B,
            CREATE,
        ),
    ]);
}

fn number_and_array_cases_2(out: &mut Vec<Case>) {
    use Level::{Breaking as B, Info as I};
    out.extend([
        case(
            vec![s(
                "/$defs/NewOrderItemDetails/properties/face_value/type",
                json!("integer"),
            )],
            "request-type-narrowed",
            B,
            CREATE,
        ),
        case(
            vec![s(
                "/$defs/NewOrderItemDetails/properties/face_value/type",
                json!(["number", "string"]),
            )],
            "request-type-widened",
            I,
            CREATE,
        ),
        case(
            vec![s(
                "/$defs/NewOrderDetails/properties/items/maxItems",
                json!(100),
            )],
            "request-max-items-decreased",
            B,
            CREATE,
        ),
        case(
            vec![s(
                "/$defs/NewOrderDetails/properties/items/maxItems",
                json!(300),
            )],
            "request-max-items-increased",
            I,
            CREATE,
        ),
        case(
            vec![s(
                "/$defs/NewOrderDetails/properties/items/minItems",
                json!(2),
            )],
            "request-min-items-increased",
            B,
            CREATE,
        ),
        case(
            vec![s(
                "/$defs/NewOrderDetails/properties/items/uniqueItems",
                json!(true),
            )],
            "request-unique-items-added",
            B,
            CREATE,
        ),
    ]);
}

fn object_cases_1(out: &mut Vec<Case>) {
    use Level::{Breaking as B, Info as I};
    out.extend([
        case(
            vec![s(
                "/$defs/OrderPriceRequest/properties/items/maxItems",
                json!(100),
            )],
            "request-max-items-decreased",
            B,
            ESTIMATE,
        ),
        case(
            vec![s("/$defs/NewOrderItemDetails/required/3", json!("note"))],
            "request-required-added",
            B,
            CREATE,
        ),
        case(
            vec![s("/$defs/IncompleteOrder/required/3", json!("note"))],
            "response-required-added",
            I,
            READS,
        ),
        case(
            vec![s(
                "/$defs/IncompleteOrder/required",
                json!(["id", "status"]),
            )],
            "response-required-removed",
            B,
            READS,
        ),
        case(
            vec![s(
                "/$defs/NewOrderItemDetails/properties/extra",
                json!({"type": "string"}),
            )],
            "request-property-added",
            I,
            CREATE,
        ),
        case(
            vec![s(
                "/$defs/IncompleteOrder/properties/extra",
                json!({"type": "string"}),
            )],
            "response-property-added",
            I,
            READS,
        ),
    ]);
}

fn object_cases_2(out: &mut Vec<Case>) {
    use Level::{Breaking as B, Info as I, Warning as W};
    out.extend([
        case(
            vec![s_del("/$defs/NewOrderItemDetails/properties/note")],
            "request-property-removed",
            W,
            CREATE,
        ),
        case(
            vec![s_del("/$defs/IncompleteOrder/properties/note")],
            "response-property-removed",
            W,
            READS,
        ),
        case(
            vec![s(
                "/$defs/OrderStatus/enum",
                json!(["PROCESSING", "COMPLETED", "FAILED", "CANCELLED", "NEW"]),
            )],
            "response-enum-value-added",
            B,
            &["createOrder", "getListOfOrders", "getSingleOrder"],
        ),
        case(
            vec![s(
                "/$defs/AccountPaymentType/enum",
                json!(["ACCOUNT_BALANCE", "CARD"]),
            )],
            "both-enum-value-added",
            B,
            ALL,
        ),
        case(
            vec![s(
                "/$defs/IncompleteOrder/properties/message/maxLength",
                json!(10),
            )],
            "response-max-length-added",
            I,
            READS,
        ),
        case(
            vec![s(
                "/$defs/OrderStatus/description",
                json!("Where the order is."),
            )],
            "response-description-changed",
            I,
            &["createOrder", "getListOfOrders", "getSingleOrder"],
        ),
    ]);
}

fn enum_and_shared_cases(out: &mut Vec<Case>) {
    use Level::{Breaking as B, Info as I, Warning as W};
    out.extend([
        case(
            vec![s("/$defs/Currency/pattern", json!("^[A-Z]{3,4}$"))],
            "both-pattern-changed",
            B,
            ALL,
        ),
        case(
            vec![s("/$defs/Currency/maxLength", json!(3))],
            "both-max-length-added",
            B,
            ALL,
        ),
        case(
            vec![s(
                "/$defs/APIErrorResponse/properties/help/type",
                json!("string"),
            )],
            "response-null-removed",
            I,
            ALL,
        ),
        case(
            vec![s("/$defs/Unused", json!({"type": "string"}))],
            "both-definition-added",
            I,
            &[],
        ),
        case(
            vec![s(
                "/$defs/IncompleteOrder/properties/message/type",
                json!("integer"),
            )],
            "response-type-changed",
            B,
            READS,
        ),
        case(
            vec![o_del("/operations/3")],
            "operation-removed",
            B,
            ESTIMATE,
        ),
        case(
            vec![o(
                "/operations/1/parameters/9",
                json!({"name": "X-Trace", "in": "header", "type": "string", "required": true}),
            )],
            "request-parameter-required-added",
            B,
            &["getSingleOrder"],
        ),
        case(
            vec![o(
                "/operations/1/parameters/9",
                json!({"name": "X-Trace", "in": "header", "type": "string"}),
            )],
            "request-parameter-added",
            I,
            &["getSingleOrder"],
        ),
        case(
            vec![o(
                "/operations/0/responses/418",
                json!({"body": "APIErrorResponse"}),
            )],
            "response-status-added",
            W,
            CREATE,
        ),
        case(
            vec![o_del("/operations/0/responses/504")],
            "response-status-removed",
            I,
            CREATE,
        ),
        case(
            vec![o(
                "/operations/0/responses/202/body",
                json!("IncompleteOrder"),
            )],
            "response-body-changed",
            B,
            CREATE,
        ),
        case(
            vec![o("/operations/3/request_body", json!("NewOrderDetails"))],
            "request-body-changed",
            B,
            ESTIMATE,
        ),
    ]);
}

fn cases() -> Vec<Case> {
    let mut out = Vec::new();
    string_cases(&mut out);
    number_and_array_cases_1(&mut out);
    number_and_array_cases_2(&mut out);
    object_cases_1(&mut out);
    object_cases_2(&mut out);
    enum_and_shared_cases(&mut out);
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
            && found[0].operations == case.operations
            && found[0].line > 0
            && found[0].rule.starts_with(found[0].direction.name())
                != found[0].rule.starts_with("operation");
        if !ok {
            let all: Vec<_> = report
                .findings
                .iter()
                .map(|it| (&it.rule, it.level, &it.operations, &it.pointer))
                .collect();
            failures.push(format!("{} {:?}: {all:?}", case.rule, case.edits));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
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
            o(
                "/operations/1/parameters/9",
                json!({"name": "X-Trace", "in": "header", "type": "string"}),
            ),
        ],
        "",
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
