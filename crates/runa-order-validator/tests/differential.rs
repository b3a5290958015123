//! Differential tests: the generated validator against the reference JSON Schema implementation (`jsonschema` 0.61) on seeded, schema-driven payloads.
//!
//! Each run makes valid payloads for every definition of `spec/order-api.schema.json` and
//! mutations of them that break one keyword at a time (or several at once), checks each with
//! both validators, and requires the same verdict and the same set of failing instance
//! pointers from `Kind::is_valid`, `Kind::validate`, `Kind::validate_slice` and the reference,
//! and from the reference built from the OpenAPI document (`openapi/runa-order-api.json`).
//!
//! The seed is fixed unless `RUNA_DIFF_SEED` says otherwise: `RUNA_DIFF_SEED=<u64>` replays a
//! seed, `RUNA_DIFF_SEED=random` picks one. The seed in use is printed, and so is the coverage
//! of the spec's definitions and keywords (`cargo test -p runa-order-validator --test
//! differential -- --nocapture`).
//!
//! The suite is an independent oracle on purpose: `differential/spec.rs` lists the assertion
//! keywords, and `generate.rs` and `mutate.rs` read the spec's JSON, without the generator's
//! keyword table (`xtask/src/codegen/keywords.rs`), IR or emitters. A mistake in those would
//! otherwise be repeated by the test that should catch it.

// The helpers live in `tests/differential/`, which is not a test target of its own.
mod differential {
    pub mod compare;
    pub mod coverage;
    pub mod generate;
    pub mod mutate;
    pub mod spec;
}

use std::collections::BTreeMap;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use rand::{SeedableRng, rngs::StdRng};
use runa_order_validator::Kind;
use serde_json::{Value, json};

use differential::compare::{self, Reference, Verdict, compare, describe};
use differential::coverage::Coverage;
use differential::generate::{self, Constraints, Generator, Mode, Payload};
use differential::mutate::{self, Change, Mutant};
use differential::spec::{Spec, Ty};

/// The seed of a run without `RUNA_DIFF_SEED`, so that CI is reproducible.
const DEFAULT_SEED: u64 = 20_240_205;
/// The least number of payloads a run checks.
const MIN_PAYLOADS: usize = 10_000;
/// The random phase stops once this many payloads were checked in all.
const TARGET_PAYLOADS: usize = 11_000;
/// Random mutants made from each random valid payload.
const MUTANTS_PER_PAYLOAD: usize = 4;
/// Sweep payloads per definition; 12 is a multiple of every number of alternatives in the
/// spec (2, 3 and 4 branches, 2 types), so every alternative is taken.
const SWEEP_ROUNDS: usize = 12;
/// Disagreements printed in full; the rest are counted.
const SHOWN: usize = 25;

fn seed() -> u64 {
    match std::env::var("RUNA_DIFF_SEED") {
        Err(_) => DEFAULT_SEED,
        Ok(text) if text == "random" => {
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .expect("the clock is after 1970");
            now.as_nanos() as u64 ^ u64::from(std::process::id()).rotate_left(32)
        }
        Ok(text) => text
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("RUNA_DIFF_SEED must be a u64 or `random`, not {text:?}")),
    }
}

/// One run: the counts, the coverage, and what went wrong.
struct Run<'s> {
    seed: u64,
    reference: &'s Reference,
    coverage: Coverage,
    checked: usize,
    accepted: usize,
    refused: usize,
    per_kind: BTreeMap<&'static str, (usize, usize)>,
    /// Per change (or "several at once"): mutants made, and how many of them were refused.
    per_change: BTreeMap<&'static str, (usize, usize)>,
    disagreements: Vec<String>,
    disagreement_count: usize,
    /// Payloads meant to be valid that the reference refused: bugs of this suite.
    generator_bugs: Vec<String>,
    generator_bug_count: usize,
}

impl Run<'_> {
    fn failure(
        &self,
        kind: Kind,
        what: &str,
        origin: &str,
        value: &Value,
        verdict: &Verdict,
    ) -> String {
        format!(
            "RUNA_DIFF_SEED={} {}: {what}\n{}\npayload ({origin}):\n{}\n{}",
            self.seed,
            kind.name(),
            verdict
                .problems
                .iter()
                .map(|it| format!("  - {it}"))
                .collect::<Vec<_>>()
                .join("\n"),
            serde_json::to_string_pretty(value).expect("a Value serializes"),
            describe(verdict),
        )
    }

    /// Checks one payload with both validators. `payload` is given for generated valid
    /// payloads (whose sites feed the coverage), `targets` for mutants. Returns our verdict.
    fn check(
        &mut self,
        kind: Kind,
        value: &Value,
        origin: &str,
        payload: Option<&Payload>,
        targets: &[String],
        must_be_valid: bool,
    ) -> bool {
        self.checked += 1;
        let mut verdict = compare(
            kind,
            self.reference.validator(kind),
            value,
            self.checked.is_multiple_of(2),
        );
        // The OpenAPI document's copy of the schemas must say the same (issue 12).
        if let Some(problem) = self
            .reference
            .document_disagreement(kind, value, &verdict.reference)
        {
            verdict.problems.push(problem);
        }
        if !verdict.problems.is_empty() {
            self.disagreement_count += 1;
            if self.disagreements.len() < SHOWN {
                let text = self.failure(kind, "the validators disagree", origin, value, &verdict);
                self.disagreements.push(text);
            }
        }
        if must_be_valid && !verdict.reference.valid {
            self.generator_bug_count += 1;
        }
        if must_be_valid && !verdict.reference.valid && self.generator_bugs.len() < SHOWN {
            let text = self.failure(
                kind,
                "a payload meant to be valid (generated, or given unknown properties only) is refused by the reference: a bug of this suite",
                origin,
                value,
                &verdict,
            );
            self.generator_bugs.push(text);
        }
        let counts = self.per_kind.entry(kind.name()).or_default();
        match &verdict.ours {
            Ok(()) => {
                self.accepted += 1;
                counts.0 += 1;
                if verdict.reference.valid
                    && let Some(payload) = payload
                {
                    self.coverage.accept(payload);
                }
            }
            Err(errors) => {
                self.refused += 1;
                counts.1 += 1;
                self.coverage.refuse(errors, targets);
            }
        }
        verdict.ours.is_ok()
    }

    fn check_mutant(&mut self, kind: Kind, mutant: &Mutant) {
        let valid = self.check(
            kind,
            &mutant.value,
            &mutant.description,
            None,
            &mutant.targets,
            mutant.keeps_valid,
        );
        let name = match mutant.changes.as_slice() {
            [one] => one,
            _ => "several at once",
        };
        let counts = self.per_change.entry(name).or_default();
        counts.0 += 1;
        counts.1 += usize::from(!valid);
    }
}

#[test]
fn the_generated_validator_agrees_with_the_reference() {
    let seed = seed();
    println!("RUNA_DIFF_SEED={seed} (replay with RUNA_DIFF_SEED={seed})");
    let started = Instant::now();
    let spec = Spec::load();
    let reference = Reference::build(&spec);
    let mut generator = Generator::new(&spec);
    let mut rng = StdRng::seed_from_u64(seed);
    let mut run = Run {
        seed,
        reference: &reference,
        coverage: Coverage::new(&spec),
        checked: 0,
        accepted: 0,
        refused: 0,
        per_kind: BTreeMap::new(),
        per_change: BTreeMap::new(),
        disagreements: Vec::new(),
        disagreement_count: 0,
        generator_bugs: Vec::new(),
        generator_bug_count: 0,
    };

    // The sweep: for every definition, payloads that take every alternative of the spec, and
    // at each of their values every change whose keyword no refused payload has reached yet;
    // every near miss of each format keyword once.
    let mut near_misses_done = std::collections::BTreeSet::new();
    for round in 0..SWEEP_ROUNDS {
        for kind in Kind::ALL {
            let payload = generator.payload(kind.name(), &mut rng, Mode::Sweep(round));
            let origin = format!("valid, sweep round {round}");
            run.check(*kind, &payload.value, &origin, Some(&payload), &[], true);
            for site in 0..payload.sites.len() {
                for planned in mutate::plan(&spec, &payload, site) {
                    if matches!(planned.change, Change::BadFormat(_))
                        && near_misses_done.insert(planned.targets.clone())
                    {
                        for mutant in mutate::every_near_miss(&payload, &planned, &mut rng) {
                            run.check_mutant(*kind, &mutant);
                        }
                        continue;
                    }
                    let wanted = if planned.change == Change::UnknownProperty {
                        site == payload.sites.len() - 1
                    } else {
                        planned
                            .targets
                            .iter()
                            .any(|it| !run.coverage.is_refused(it))
                    };
                    if !wanted {
                        continue;
                    }
                    if let Some(mutant) =
                        mutate::single(&mut generator, &payload, &planned, &mut rng)
                    {
                        run.check_mutant(*kind, &mutant);
                    }
                }
            }
        }
    }
    let swept = run.checked;

    // The random phase: random payloads of every definition in turn, each with random
    // mutants of one to four changes.
    let mut turn = 0;
    while run.checked < TARGET_PAYLOADS {
        let kind = Kind::ALL[turn % Kind::ALL.len()];
        turn += 1;
        let payload = generator.payload(kind.name(), &mut rng, Mode::Random);
        run.check(
            kind,
            &payload.value,
            "valid, random",
            Some(&payload),
            &[],
            true,
        );
        let plans = mutate::plan_all(&spec, &payload);
        for _ in 0..MUTANTS_PER_PAYLOAD {
            if let Some(mutant) = mutate::random(&mut generator, &payload, &plans, &mut rng) {
                run.check_mutant(kind, &mutant);
            }
        }
    }

    println!(
        "checked {} payloads ({swept} in the sweep): {} accepted, {} refused, in {:.1?}",
        run.checked,
        run.accepted,
        run.refused,
        started.elapsed()
    );
    println!("per definition:");
    for (name, (accepted, refused)) in &run.per_kind {
        println!("  {name}: {accepted} accepted, {refused} refused");
    }
    println!("per change:");
    for (name, (made, refused)) in &run.per_change {
        println!("  {name}: {made} mutants, {refused} refused");
    }
    let (report, complete) = run.coverage.report();
    print!("{report}");

    let mut failures = Vec::new();
    if !run.generator_bugs.is_empty() {
        failures.push(format!(
            "{} payloads meant to be valid were refused by the reference (the first {} are shown):\n\n{}",
            run.generator_bug_count,
            run.generator_bugs.len(),
            run.generator_bugs.join("\n\n")
        ));
    }
    if run.disagreement_count > 0 {
        failures.push(format!(
            "{} payloads out of {} disagree (the first {} are shown):\n\n{}",
            run.disagreement_count,
            run.checked,
            run.disagreements.len(),
            run.disagreements.join("\n\n")
        ));
    }
    if !complete {
        failures.push(format!("the coverage is not complete:\n{report}"));
    }
    for kind in Kind::ALL {
        let (accepted, refused) = run.per_kind.get(kind.name()).copied().unwrap_or_default();
        if accepted == 0 || refused == 0 {
            failures.push(format!(
                "{} was checked as the top-level kind with {accepted} accepted and {refused} refused payloads; both must happen",
                kind.name()
            ));
        }
    }
    if run.checked < MIN_PAYLOADS {
        failures.push(format!(
            "only {} payloads were checked, fewer than {MIN_PAYLOADS}",
            run.checked
        ));
    }
    assert!(
        failures.is_empty(),
        "RUNA_DIFF_SEED={seed}\n\n{}",
        failures.join("\n\n")
    );
}

/// The comparison can fail: against a spec whose currency pattern is lower-case, the
/// generated validator disagrees with the reference on both verdicts.
#[test]
fn the_comparison_notices_a_disagreement() {
    let spec = Spec::load();
    let mut changed = spec.doc.clone();
    changed["$defs"]["Currency"]["pattern"] = json!("^[a-z]{3}$");
    let reference = compare::reference_for(&changed, "Currency");
    for value in [json!("usd"), json!("USD")] {
        let verdict = compare(Kind::Currency, &reference, &value, false);
        assert!(
            verdict
                .problems
                .iter()
                .any(|it| it.starts_with("verdicts differ")),
            "{value}: {:?}",
            verdict.problems
        );
    }
    let same = compare(
        Kind::Currency,
        &compare::reference_for(&spec.doc, "Currency"),
        &json!(1),
        true,
    );
    assert!(same.problems.is_empty(), "{:?}", same.problems);
}

/// The check of the OpenAPI document's schemas can fail too: a document whose currency
/// pattern is lower-case disagrees with the spec, and the real document agrees.
#[test]
fn the_document_check_notices_a_changed_schema() {
    let spec = Spec::load();
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../openapi/runa-order-api.json");
    let openapi: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut changed = openapi.clone();
    changed["components"]["schemas"]["Currency"]["pattern"] = json!("^[a-z]{3}$");
    let changed = compare::document_reference_for(&changed, "Currency");
    let real = compare::document_reference_for(&openapi, "Currency");
    let reference = compare::reference_for(&spec.doc, "Currency");
    for value in [json!("usd"), json!("USD"), json!(1)] {
        let report = compare(Kind::Currency, &reference, &value, false).reference;
        assert!(compare::document_disagreement(&real, &value, &report).is_none());
        let found = compare::document_disagreement(&changed, &value, &report);
        assert_eq!(found.is_some(), value != json!(1), "{value}: {found:?}");
    }
}

/// The one input class the generator leaves out (see `generate::has_unchecked_a_label`):
/// e-mail domains with a label that starts with `xn--` (any case) and is not a known-good
/// A-label. Ours accepts them without decoding the Punycode; the reference refuses those that
/// do not decode to a valid U-label, and every upper-case `XN--`. When this test fails, the
/// two agree and the exclusion can be removed.
#[test]
fn the_excluded_a_labels_still_differ() {
    let spec = Spec::load();
    let reference = compare::reference_for(&spec.doc, "EmailDistribution");
    for address in [
        "fred@xn--zz9.example",
        "fred@xn--ls8h.la",
        "fred@XN--bcher-kva.example",
    ] {
        assert!(generate::has_unchecked_a_label(address), "{address}");
        let value = json!({"type": "EMAIL", "email_address": address});
        assert!(Kind::EmailDistribution.is_valid(&value), "{address}");
        assert!(!reference.is_valid(&value), "{address}");
    }
    // Valid A-labels are generated, and both accept them.
    let address = "fred@xn--bcher-kva.example";
    assert!(!generate::has_unchecked_a_label(address));
    let value = json!({"type": "EMAIL", "email_address": address});
    assert!(
        compare(Kind::EmailDistribution, &reference, &value, true)
            .problems
            .is_empty()
    );
    assert!(reference.is_valid(&value));
}

/// Every `pattern` of the spec (which the generator may turn into a byte loop instead of a
/// regex) gives the reference's verdict on strings near a matching one: every string of up to
/// two characters from an alphabet around the pattern's classes, and every one-character
/// substitution, insertion and deletion of a generated matching string.
#[test]
fn every_pattern_agrees_with_the_reference_near_its_matches() {
    let spec = Spec::load();
    let mut generator = Generator::new(&spec);
    let mut rng = StdRng::seed_from_u64(DEFAULT_SEED);
    let alphabet: Vec<char> = "-./09:@AHIJKLOPRSTUVZ[_`az{ é\n".chars().collect();
    let mut tested = BTreeMap::new();
    for kind in Kind::ALL {
        let payload = generator.payload(kind.name(), &mut rng, Mode::Sweep(0));
        for site in &payload.sites {
            let Some(pattern) = site.nodes.iter().find_map(|node| {
                spec.doc
                    .pointer(node)?
                    .get("pattern")?
                    .as_str()
                    .map(str::to_owned)
            }) else {
                continue;
            };
            if tested.contains_key(&pattern) {
                continue;
            }
            let at = generate::pointer(&site.path);
            let Some(Value::String(matching)) = payload.value.pointer(&at).cloned() else {
                continue;
            };
            let reference = compare::reference_for(&spec.doc, kind.name());
            let mut candidates: Vec<String> = vec![String::new()];
            for a in &alphabet {
                candidates.push(a.to_string());
                for b in &alphabet {
                    candidates.push(format!("{a}{b}"));
                }
            }
            let chars: Vec<char> = matching.chars().collect();
            for i in 0..=chars.len() {
                let (before, after) = chars.split_at(i);
                let before: String = before.iter().collect();
                candidates.push(format!(
                    "{before}{}",
                    after.iter().skip(1).collect::<String>()
                ));
                for c in &alphabet {
                    let after: String = after.iter().collect();
                    candidates.push(format!("{before}{c}{after}"));
                    if !after.is_empty() {
                        candidates.push(format!(
                            "{before}{c}{}",
                            &after[after.chars().next().map_or(0, char::len_utf8)..]
                        ));
                    }
                }
            }
            let mut accepted = 0;
            for candidate in &candidates {
                let mut value = payload.value.clone();
                *value.pointer_mut(&at).expect("the site exists") =
                    Value::String(candidate.clone());
                let verdict = compare(*kind, &reference, &value, false);
                assert!(
                    verdict.problems.is_empty(),
                    "{pattern} at {at} of {}, {candidate:?}: {}",
                    kind.name(),
                    verdict.problems.join("; ")
                );
                accepted += usize::from(verdict.ours.is_ok());
            }
            tested.insert(pattern, (candidates.len(), accepted));
        }
    }
    println!("patterns checked (candidates, accepted): {tested:?}");
    let spec_patterns = spec.doc.to_string().matches("\"pattern\":").count();
    assert!(
        tested.len() >= 4 && tested.len() <= spec_patterns,
        "{tested:?}"
    );
    // Each pattern met both verdicts.
    for (pattern, (candidates, accepted)) in &tested {
        assert!(
            *accepted > 0 && accepted < candidates,
            "{pattern}: {accepted} of {candidates}"
        );
    }
}

/// A seed gives the same payloads and mutants every time, so a failing seed can be replayed.
#[test]
fn a_seed_replays_the_same_payloads() {
    let spec = Spec::load();
    let make = |seed: u64| -> Vec<Value> {
        let mut generator = Generator::new(&spec);
        let mut rng = StdRng::seed_from_u64(seed);
        let mut out = Vec::new();
        for kind in Kind::ALL {
            let payload = generator.payload(kind.name(), &mut rng, Mode::Random);
            let plans = mutate::plan_all(&spec, &payload);
            if let Some(mutant) = mutate::random(&mut generator, &payload, &plans, &mut rng) {
                out.push(mutant.value);
            }
            out.push(payload.value);
        }
        out
    };
    assert_eq!(make(7), make(7));
    assert_ne!(make(7), make(8));
}

/// How many objects and arrays are open at `offset` of the JSON text `text`.
fn depth_at(text: &str, offset: usize) -> usize {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for b in text[..offset].bytes() {
        match (in_string, escaped, b) {
            (true, true, _) => escaped = false,
            (true, false, b'\\') => escaped = true,
            (true, false, b'"') => in_string = false,
            (false, _, b'"') => in_string = true,
            (false, _, b'[' | b'{') => depth += 1,
            (false, _, b']' | b'}') => depth -= 1,
            _ => {}
        }
    }
    depth
}

/// Issue 9, item 8: in every object of generated payloads of every definition, whether its
/// schema ignores unknown members or reads them as a map (`additionalProperties`), a member
/// whose text is not JSON (a repeated key inside it, a number beyond `f64`, nesting one level
/// past serde_json's limit, the member itself twice) makes every text path refuse the text
/// as not JSON, as the located pass and the reference's reader (serde_json) do; the same
/// member with JSON at the limit of nesting gets the reference's verdict.
#[test]
fn text_that_is_not_json_is_refused_inside_unknown_members_and_maps() {
    const MARK: &str = "x-poison-here";
    let spec = Spec::load();
    let reference = Reference::build(&spec);
    let mut generator = Generator::new(&spec);
    let mut rng = StdRng::seed_from_u64(DEFAULT_SEED);
    let (mut members, mut maps, mut failures) = (0usize, 0usize, Vec::new());
    for round in 0..2 {
        for kind in Kind::ALL {
            let payload = generator.payload(kind.name(), &mut rng, Mode::Sweep(round));
            for site in payload.sites.iter().filter(|it| it.ty == Ty::Object) {
                let in_map = !Constraints::of(&spec, &site.nodes).additional.is_empty();
                let mut value = payload.value.clone();
                let Some(Value::Object(object)) = value.pointer_mut(&generate::pointer(&site.path))
                else {
                    continue;
                };
                object.insert(MARK.to_owned(), json!(MARK));
                let text = serde_json::to_string(&value).expect("a Value serializes");
                let placeholder = format!("\"{MARK}\":\"{MARK}\"");
                let at = text.find(&placeholder).expect("the member is in the text");
                let depth = depth_at(&text, at);
                let member =
                    |value: &str| text.replacen(&placeholder, &format!("\"{MARK}\":{value}"), 1);
                let nested =
                    |levels: usize| format!("{}0{}", "[".repeat(levels), "]".repeat(levels));
                let where_ = format!(
                    "{} at {} ({})",
                    kind.name(),
                    generate::pointer(&site.path),
                    if in_map { "map" } else { "unknown member" }
                );
                for poisoned in [
                    member(r#"{"a": 1, "b": [{"c": 2, "c": 3}], "a": 4}"#),
                    member("[1, -1e400]"),
                    member("1.8e308"),
                    member(&nested(128 - depth)),
                    member(&format!("0,\"{MARK}\":1")),
                ] {
                    let located = kind.validate_slice(poisoned.as_bytes());
                    if kind.is_valid_slice(poisoned.as_bytes())
                        || !located.as_ref().is_err_and(|it| it.is_parse_error())
                        || kind.validate_str(&poisoned) != located
                    {
                        failures.push(format!("{where_}: {poisoned}\n{located:?}"));
                    }
                }
                // At the limit of nesting the text is JSON: the verdict is the reference's.
                let control = member(&nested(127 - depth));
                let control_value: Value =
                    serde_json::from_str(&control).expect("JSON at the limit");
                let verdict = compare(*kind, reference.validator(*kind), &control_value, false);
                let located = kind.validate_slice(control.as_bytes());
                if !verdict.problems.is_empty()
                    || located.is_ok() != verdict.reference.valid
                    || kind.is_valid_slice(control.as_bytes()) != verdict.reference.valid
                {
                    failures.push(format!(
                        "{where_}, at the limit: {control}\n{}",
                        describe(&verdict)
                    ));
                }
                if in_map {
                    maps += 1;
                } else {
                    members += 1;
                }
            }
        }
    }
    println!("poisoned {members} objects with unknown members and {maps} maps");
    assert!(
        failures.is_empty(),
        "{} failures; the first ones:\n\n{}",
        failures.len(),
        failures[..failures.len().min(5)].join("\n\n")
    );
    assert!(members > 100 && maps > 5, "{members} objects, {maps} maps");
}
