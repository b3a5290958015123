//! The change report's set operations and counter-examples, against the generated validator:
//! changes no rule decides (`oneOf`/`allOf` branches) are decided, and every counter-example
//! the report shows is one by the validators of both specs.
//!
//! One side of each comparison is the real spec, whose generated validator is
//! `runa-order-validator`; the other side is a seeded edit of it, checked with the `jsonschema`
//! crate (the reference the differential suite holds the generated validator to), since its own
//! generated validator does not exist. Each edit is compared both ways (real → edited and
//! edited → real), so the generated validator is the old spec's in one and the new spec's in the
//! other. `RUNA_CHANGES_SEED` replays a seed.

use runa_order_validator::Kind;
use serde_json::{Value, json};
use xtask::changes::{self, Direction, Level, Spec, seeded};

fn read(path: &str) -> Value {
    let text = std::fs::read_to_string(codegen_tests::root().join(path)).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn real() -> (Value, Value) {
    (
        read("spec/order-api.schema.json"),
        read("spec/operations.json"),
    )
}

fn spec(schema: &Value, ops: &Value) -> Result<Spec, String> {
    Spec::from_texts(
        (
            "spec/order-api.schema.json",
            serde_json::to_string_pretty(schema).unwrap(),
        ),
        (
            "spec/operations.json",
            serde_json::to_string_pretty(ops).unwrap(),
        ),
    )
    .map_err(|it| it.to_string())
}

fn edited(edit: impl FnOnce(&mut Value)) -> Spec {
    let (mut schema, ops) = real();
    edit(&mut schema);
    spec(&schema, &ops).unwrap_or_else(|err| panic!("{err}"))
}

fn def<'v>(schema: &'v mut Value, name: &str) -> &'v mut Value {
    &mut schema["$defs"][name]
}

fn branches<'v>(schema: &'v mut Value, pointer: &str) -> &'v mut Vec<Value> {
    schema
        .pointer_mut(pointer)
        .and_then(Value::as_array_mut)
        .unwrap_or_else(|| panic!("no array at {pointer}"))
}

/// The one finding of `rule` in a comparison of the real spec with an edit of it.
fn finding(new: &Spec, rule: &str) -> changes::Finding {
    let (schema, ops) = real();
    let report = changes::compare(&spec(&schema, &ops).unwrap(), new, "HEAD");
    let found: Vec<_> = report
        .findings
        .into_iter()
        .filter(|it| it.rule == rule)
        .collect();
    assert_eq!(found.len(), 1, "{rule}: {found:#?}");
    found.into_iter().next().unwrap()
}

#[test]
fn an_untagged_branch_that_makes_a_request_match_twice_is_breaking_with_its_counterexample() {
    // A branch every product object also matches: a payload that matched one branch now
    // matches two, which `oneOf` refuses.
    let new = edited(|schema| {
        branches(schema, "/$defs/NewOrderItemProducts/oneOf").push(json!({
            "type": "object",
            "properties": {"note": {"type": "integer"}},
            "required": ["note"]
        }));
    });
    let found = finding(&new, "request-one-of-branch-added");
    assert_eq!(found.level, Level::Breaking, "{found:#?}");
    assert_eq!(found.counterexample_way, Some(Direction::Request));
    let value = found.counterexample.expect("a counter-example");
    assert!(Kind::NewOrderItemProducts.is_valid(&value), "{value}");
    assert!(value.get("note").is_some(), "{value}");
}

#[test]
fn an_untagged_branch_no_request_can_also_match_is_proven_safe() {
    // Strings: no product object is one, so every old payload still matches one branch.
    let new = edited(|schema| {
        branches(schema, "/$defs/NewOrderItemProducts/oneOf")
            .push(json!({"type": "string", "minLength": 1}));
    });
    let found = finding(&new, "request-one-of-branch-added");
    assert_eq!(found.level, Level::Info, "{found:#?}");
    assert!(found.message.contains("prove"), "{}", found.message);
    assert_eq!(found.counterexample, None);
}

#[test]
fn a_branch_change_beside_another_change_it_reaches_stays_a_warning() {
    // Two changes under one definition: a difference could come from either, so the set
    // operations do not decide the branch, and it is reported as a warning, not dropped.
    let new = edited(|schema| {
        branches(schema, "/$defs/NewOrderItemProducts/oneOf").push(json!({
            "type": "object",
            "properties": {"note": {"type": "integer"}},
            "required": ["note"]
        }));
        def(schema, "ProductCode")["maxLength"] = json!(20);
    });
    let found = finding(&new, "request-one-of-branch-added");
    assert_eq!(found.level, Level::Warning, "{found:#?}");
    assert_eq!(found.counterexample, None);
}

#[test]
fn a_narrowing_all_of_branch_in_a_request_is_breaking_with_its_counterexample() {
    let new = edited(|schema| {
        branches(
            schema,
            "/$defs/NewOrderDetails/properties/payment_method/allOf",
        )
        .push(json!({"type": "object", "properties": {"currency": {"type": "string", "maxLength": 2}}}));
    });
    let found = finding(&new, "request-all-of-branch-added");
    assert_eq!(found.level, Level::Breaking, "{found:#?}");
    let value = found.counterexample.expect("a counter-example");
    assert!(Kind::NewOrderDetails.is_valid(&value), "{value}");
}

#[test]
fn a_breaking_bound_gets_the_smallest_counterexample_found() {
    let new = edited(|schema| def(schema, "RecipientReference")["maxLength"] = json!(10));
    let found = finding(&new, "both-max-length-decreased");
    assert_eq!(found.level, Level::Breaking);
    let value = found.counterexample.expect("a counter-example");
    assert!(Kind::RecipientReference.is_valid(&value), "{value}");
    assert_eq!(value.as_str().map(str::len), Some(11), "{value}");
}

#[test]
fn the_counterexample_appears_in_every_output_format() {
    let (schema, ops) = real();
    let new = edited(|schema| def(schema, "RecipientReference")["maxLength"] = json!(10));
    let report = changes::compare(&spec(&schema, &ops).unwrap(), &new, "HEAD");
    let value = report.findings[0]
        .counterexample
        .clone()
        .unwrap()
        .to_string();
    for format in [
        changes::render::Format::Text,
        changes::render::Format::Markdown,
        changes::render::Format::Github,
        changes::render::Format::Json,
    ] {
        let out = changes::render::render(&report, format);
        assert!(
            out.contains(&value) || out.contains(&value.replace('"', "\\\"")),
            "{format:?}: {out}"
        );
    }
}

// The property, on the seeded edits of `xtask::changes::seeded` (which `cargo xtask
// semver-check` compares with cargo-semver-checks).

/// The definition a pointer is in.
fn owner(pointer: &str) -> &str {
    pointer
        .strip_prefix("#/$defs/")
        .and_then(|it| it.split('/').next())
        .unwrap_or_else(|| panic!("{pointer} is not in a definition"))
}

/// The `jsonschema` crate's verdict on `value` as the definition `name` of `schema`.
fn reference_accepts(schema: &Value, name: &str, value: &Value) -> bool {
    let document = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$defs": schema["$defs"].clone(),
        "$ref": format!("#/$defs/{name}"),
    });
    jsonschema061::options()
        .should_validate_formats(true)
        .build(&document)
        .unwrap()
        .is_valid(value)
}

#[test]
fn every_counterexample_is_accepted_by_one_side_and_refused_by_the_other() {
    let seed: u64 = std::env::var("RUNA_CHANGES_SEED")
        .ok()
        .and_then(|it| it.parse().ok())
        .unwrap_or(seeded::DEFAULT_SEED);
    let (schema, ops) = real();
    let real_spec = spec(&schema, &ops).unwrap();
    let mut checked_by_generated = 0;
    let mut breaking = 0;
    let drawn = seeded::edits(&schema, &ops, seed, seeded::DEFAULT_COUNT);
    let edits = drawn.len();
    assert_eq!(edits, seeded::DEFAULT_COUNT, "RUNA_CHANGES_SEED={seed}");
    for (edit, other_spec) in &drawn {
        let (label, other) = (&edit.label, &edit.schema);
        // `real_is_old`: the real spec is the old side of the comparison.
        for real_is_old in [true, false] {
            let (old, new, old_json, new_json) = if real_is_old {
                (&real_spec, other_spec, &schema, other)
            } else {
                (other_spec, &real_spec, other, &schema)
            };
            let report = changes::compare(old, new, "seeded");
            for finding in &report.findings {
                if finding.level == Level::Breaking && finding.pointer.starts_with("#/$defs/") {
                    breaking += 1;
                }
                let Some(value) = &finding.counterexample else {
                    continue;
                };
                let context = format!(
                    "RUNA_CHANGES_SEED={seed}, edit {label}, real is old: {real_is_old}, {} at {}: {value}",
                    finding.rule, finding.pointer
                );
                assert_eq!(finding.level, Level::Breaking, "{context}");
                let name = owner(&finding.pointer);
                let generated = Kind::from_name(name)
                    .unwrap_or_else(|| panic!("{context}: no generated kind"))
                    .is_valid(value);
                // Which spec must accept it and which refuse it.
                let (accepting_is_old, accepting, refusing) = match finding.counterexample_way {
                    Some(Direction::Response) => (false, new_json, old_json),
                    _ => (true, old_json, new_json),
                };
                let real_accepts = accepting_is_old == real_is_old;
                assert_eq!(generated, real_accepts, "generated validator: {context}");
                let (other_json, other_should) = if real_accepts {
                    (refusing, false)
                } else {
                    (accepting, true)
                };
                assert_eq!(
                    reference_accepts(other_json, name, value),
                    other_should,
                    "jsonschema on the edited spec: {context}"
                );
                checked_by_generated += 1;
            }
        }
    }
    eprintln!(
        "RUNA_CHANGES_SEED={seed}: {checked_by_generated} counter-examples checked, \
         for {breaking} breaking schema findings in {edits} edits compared both ways"
    );
    assert!(
        checked_by_generated >= 20,
        "RUNA_CHANGES_SEED={seed}: only {checked_by_generated} counter-examples in 60 edits"
    );
}

#[test]
fn a_large_spec_with_many_breaking_changes_gets_counterexamples_up_to_the_cap() {
    // 6,000 definitions, 1,000 of them codes whose `maxLength` goes from 12 to 11, each with a
    // `pattern`: every counter-example found is a 12-character code, and the set operations
    // are asked at most `MAX_QUESTIONS` times, each on the definitions its own reaches.
    let n = 6_000;
    let names: Vec<String> = (0..n).map(xtask::synthetic::name).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let schema = xtask::synthetic::schema(n);
    let ops = xtask::synthetic::operations_for("s.json", &refs);
    let mut changed: Value = serde_json::from_str(&schema).unwrap();
    for index in (0..n).step_by(6) {
        changed["$defs"][xtask::synthetic::name(index)]["maxLength"] = json!(11);
    }
    let old = Spec::from_texts(("s.json", schema), ("o.json", ops.clone())).unwrap();
    let changed = serde_json::to_string_pretty(&changed).unwrap();
    let new = Spec::from_texts(("s.json", changed), ("o.json", ops)).unwrap();
    let report = changes::compare(&old, &new, "synthetic");
    let breaking = report
        .findings
        .iter()
        .filter(|it| it.level == Level::Breaking)
        .count();
    assert_eq!(breaking, n / 6);
    let found: Vec<&Value> = report
        .findings
        .iter()
        .filter_map(|it| it.counterexample.as_ref())
        .collect();
    assert_eq!(found.len(), changes::decide::MAX_QUESTIONS);
    let code = regex::Regex::new("^[A-Z]{3}-[0-9]{2,8}$").unwrap();
    for value in found {
        let text = value.as_str().unwrap_or_default();
        assert_eq!(text.len(), 12, "{value}");
        assert!(code.is_match(text), "{value}");
    }
}
