//! The official JSON-Schema-Test-Suite (draft 2020-12) through the real generator: the refusals, the generated validator's verdicts on four paths, and the types on every valid instance.

use runa_order_validator::Schema as _;
use serde_json::Value;
use xtask::suite::{self, Group};

use crate::suite::{round_trip, validator::Kind};

fn groups() -> Vec<Group> {
    let root = xtask::project_root().unwrap_or_else(|err| panic!("{err}"));
    suite::load(&root).unwrap_or_else(|err| panic!("{err:#}"))
}

/// The groups the generator accepted, each with its schema's `Kind`.
fn accepted(groups: &[Group]) -> Vec<(&Group, Kind)> {
    groups
        .iter()
        .filter_map(|group| Kind::from_name(&group.name).map(|kind| (group, kind)))
        .collect()
}

#[test]
fn every_refusal_is_in_the_generators_words_at_its_place() {
    let groups = groups();
    for line in crate::SUITE_REFUSALS.lines() {
        for forbidden in ["panicked", "not yet implemented", "typify"] {
            assert!(!line.contains(forbidden), "{line}");
        }
        // `draft2020-12/anyOf.json #/3/schema/anyOf/1 (JstAnyOfG3): …`
        let place = line.split(' ').nth(1).unwrap_or_default();
        assert!(place.starts_with("#/"), "no place in {line}");
        assert!(!line.contains(char::is_control), "{line:?}");
    }
    // A refused group is refused whole: no definition of it reached the generated code.
    let refused: std::collections::BTreeSet<&str> = crate::SUITE_REFUSALS
        .lines()
        .filter_map(|it| it.split(['(', ')']).nth(1))
        .collect();
    for group in &groups {
        assert_ne!(
            refused.contains(group.name.as_str()),
            Kind::from_name(&group.name).is_some(),
            "{} is both or neither accepted and refused",
            group.name
        );
    }
    insta::assert_snapshot!("suite_refusals", crate::SUITE_REFUSALS);
}

#[test]
fn the_validator_agrees_with_the_suite_on_all_four_paths() {
    let groups = groups();
    let mut checked = 0;
    let mut disagreements = Vec::new();
    for (group, kind) in accepted(&groups) {
        for case in &group.tests {
            let text = serde_json::to_vec(&case.data).unwrap();
            let verdicts = [
                ("is_valid", kind.is_valid(&case.data)),
                ("validate", kind.validate(&case.data).is_ok()),
                ("is_valid_slice", kind.is_valid_slice(&text)),
                ("validate_slice", kind.validate_slice(&text).is_ok()),
            ];
            // The generator asserts `format` (README, "Validating payloads"); `format.json`
            // expects it to be an annotation, and its strings that break a format are valid
            // only then.
            let annotation_only = group.file == "draft2020-12/format.json"
                && case
                    .description
                    .ends_with("is only an annotation by default");
            let expected = case.valid && !annotation_only;
            for (path, verdict) in verdicts {
                if verdict != expected {
                    disagreements.push(format!(
                        "{} #{} ({}), {:?}: {path} says {verdict}, {expected} expected",
                        group.file, group.index, group.name, case.description
                    ));
                }
            }
            checked += 1;
        }
    }
    assert!(checked > 300, "only {checked} tests of accepted groups");
    assert!(
        disagreements.is_empty(),
        "{} disagreements:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}

#[test]
fn the_types_read_every_valid_instance_and_write_it_back() {
    let groups = groups();
    let mut read = 0;
    let mut problems = Vec::new();
    for (group, _) in accepted(&groups) {
        for case in group.tests.iter().filter(|it| it.valid) {
            let outcome = round_trip(&group.name, &case.data)
                .unwrap_or_else(|| panic!("{} has no type", group.name));
            let place = format!(
                "{} #{} ({}), {:?}, {}",
                group.file, group.index, group.name, case.description, case.data
            );
            match outcome {
                Err(err) => problems.push(format!("{place}: refused: {err}")),
                Ok(back) => {
                    if let Err(difference) = same(&case.data, &back, "") {
                        problems.push(format!("{place}: written back as {back}: {difference}"));
                    }
                }
            }
            read += 1;
        }
    }
    assert!(read > 150, "only {read} valid instances");
    assert!(
        problems.is_empty(),
        "{} of {read} valid instances:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// Whether `back`, what the types wrote of `original`, is the same JSON value: numbers are
/// compared as numbers (`1.0` is `1`), and object members may be missing from `back` (the
/// types drop the members a struct does not declare, as the README says), never added.
fn same(original: &Value, back: &Value, at: &str) -> Result<(), String> {
    match (original, back) {
        (Value::Number(a), Value::Number(b)) => {
            let equal = match (a.as_i64(), b.as_i64(), a.as_u64(), b.as_u64()) {
                (Some(a), Some(b), _, _) => a == b,
                (_, _, Some(a), Some(b)) => a == b,
                _ => a.as_f64() == b.as_f64(),
            };
            equal
                .then_some(())
                .ok_or_else(|| format!("{at}: {a} is not {b}"))
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => a
            .iter()
            .zip(b)
            .enumerate()
            .try_for_each(|(i, (a, b))| same(a, b, &format!("{at}/{i}"))),
        (Value::Object(a), Value::Object(b)) => {
            b.iter().try_for_each(|(key, b)| match a.get(key) {
                Some(a) => same(a, b, &format!("{at}/{key}")),
                None => Err(format!("{at}/{key} was added")),
            })
        }
        (a, b) if a == b => Ok(()),
        (a, b) => Err(format!("{at}: {a} became {b}")),
    }
}
