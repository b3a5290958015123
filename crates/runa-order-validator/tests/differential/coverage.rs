//! Which definitions and assertion keywords of the spec the payloads of a run exercised, with an accepted and with a refused payload.
//!
//! A keyword occurrence is *refused* when one of our errors (or a cause inside one) has its
//! location as `schema_location`. It is *accepted* when an accepted payload holds a value,
//! of a type the keyword applies to, that was generated for the keyword's node.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use runa_order_validator::{Errors, ValidationError};

use super::generate::Payload;
use super::spec::{Occurrence, Spec, Ty};

/// Keyword occurrences that no value can break, with the reason. The coverage must miss
/// exactly these with refused payloads, so the list cannot go stale.
pub const NEVER_REFUSED: &[(&str, &str)] = &[(
    "/$defs/OrderMetadata/propertyNames/type",
    "property names are always strings, so `\"type\": \"string\"` in propertyNames cannot fail",
)];

/// Keyword occurrences inside a `oneOf` or `anyOf` branch that our errors never name: a failing
/// combinator reports the closest branch only, and this branch is never the closest (the
/// `{"type": "null"}` branch of `fx` ties with the object branch on a value of another type,
/// and ties go to the first branch). They count as refused when a change aimed at them was
/// refused with an error at the enclosing combinator.
pub const VIA_COMBINATOR: &[&str] = &["/$defs/TransactionDetailEntry/properties/fx/anyOf/1/type"];

/// Keyword occurrences whose failure is always the same problem (same pointer, keyword and
/// message) as that of another occurrence, its twin: an `allOf` branch that repeats the
/// `type` of its base. The validator reports a problem once, under the twin's location, so
/// these count as refused when a change aimed at them was refused with an error naming the
/// twin.
pub const REPORTED_ONCE: &[(&str, &str)] = &[
    (
        "/$defs/CompletedOrderWebhook/allOf/1/type",
        "/$defs/CompletedOrderWithBasicDetails/type",
    ),
    (
        "/$defs/CompletedOrderWebhook/allOf/1/properties/status/type",
        "/$defs/OrderStatus/type",
    ),
    (
        "/$defs/CompletedOrderWithFullDetails/allOf/1/type",
        "/$defs/CompletedOrderWithBasicDetails/type",
    ),
    (
        "/$defs/SyncCompletedOrder/allOf/1/type",
        "/$defs/CompletedOrderWithBasicDetails/type",
    ),
    (
        "/$defs/SyncCompletedOrder/allOf/1/properties/status/type",
        "/$defs/OrderStatus/type",
    ),
];

#[derive(Debug)]
pub struct Coverage {
    occurrences: Vec<Occurrence>,
    definitions: Vec<String>,
    /// Every branch of every `oneOf` and `anyOf`.
    branches: Vec<String>,
    /// Schema locations named by our errors and their causes.
    refused: BTreeSet<String>,
    /// Targets refused through the enclosing combinator (see [`VIA_COMBINATOR`]).
    via_combinator: BTreeSet<String>,
    /// Targets refused under the location of their twin (see [`REPORTED_ONCE`]).
    via_twin: BTreeSet<String>,
    /// Nodes that a value of an accepted payload was generated for, with the value's type.
    accepted: BTreeSet<(String, Ty)>,
}

fn collect(errors: &[ValidationError], out: &mut Vec<(String, &'static str)>) {
    for error in errors {
        out.push((error.schema_location.clone(), error.keyword));
        collect(&error.causes, out);
    }
}

impl Coverage {
    pub fn new(spec: &Spec) -> Coverage {
        Coverage {
            occurrences: spec.occurrences(),
            definitions: spec.definitions(),
            branches: spec
                .nodes()
                .into_iter()
                .filter(|it| {
                    let mut segments = it.rsplit('/');
                    let index = segments.next().unwrap_or_default();
                    let keyword = segments.next().unwrap_or_default();
                    matches!(keyword, "oneOf" | "anyOf") && index.parse::<usize>().is_ok()
                })
                .collect(),
            refused: BTreeSet::new(),
            via_combinator: BTreeSet::new(),
            via_twin: BTreeSet::new(),
            accepted: BTreeSet::new(),
        }
    }

    /// Records a payload that both validators accepted.
    pub fn accept(&mut self, payload: &Payload) {
        for site in &payload.sites {
            for node in &site.nodes {
                self.accepted.insert((node.clone(), site.ty));
            }
        }
        for node in &payload.names {
            self.accepted.insert((node.clone(), Ty::String));
        }
    }

    /// Records our errors on a refused payload that changes aimed at `targets` produced.
    pub fn refuse(&mut self, errors: &Errors, targets: &[String]) {
        let mut named = Vec::new();
        collect(&errors.clone().into_vec(), &mut named);
        for target in targets {
            let enclosing = named.iter().any(|(location, keyword)| {
                matches!(*keyword, "oneOf" | "anyOf") && target.starts_with(&format!("{location}/"))
            });
            if enclosing && VIA_COMBINATOR.contains(&target.as_str()) {
                self.via_combinator.insert(target.clone());
            }
            let twin_named = REPORTED_ONCE.iter().any(|(location, twin)| {
                location == target && named.iter().any(|(named, _)| named == twin)
            });
            if twin_named {
                self.via_twin.insert(target.clone());
            }
        }
        self.refused.extend(named.into_iter().map(|it| it.0));
    }

    pub fn is_refused(&self, location: &str) -> bool {
        self.refused.contains(location)
            || self.via_combinator.contains(location)
            || self.via_twin.contains(location)
    }

    fn is_accepted(&self, occurrence: &Occurrence) -> bool {
        self.accepted.iter().any(|(node, ty)| {
            *node == occurrence.node
                && occurrence
                    .applies_to
                    .is_none_or(|types| types.iter().any(|it| ty.is_a(*it)))
        })
    }

    fn definition_refused(&self, name: &str) -> bool {
        let prefix = format!("/$defs/{name}/");
        self.refused.iter().any(|it| it.starts_with(&prefix))
    }

    fn definition_accepted(&self, name: &str) -> bool {
        self.node_accepted(&format!("/$defs/{name}"))
    }

    fn node_accepted(&self, node: &str) -> bool {
        self.accepted.iter().any(|it| it.0 == node)
    }

    /// The keyword occurrences not refused, less those that cannot be.
    pub fn missing_refused(&self) -> Vec<String> {
        self.occurrences
            .iter()
            .map(Occurrence::location)
            .filter(|it| !self.is_refused(it))
            .collect()
    }

    /// The report printed by the test, and whether coverage is complete.
    pub fn report(&self) -> (String, bool) {
        let total = self.occurrences.len();
        let never: Vec<&str> = NEVER_REFUSED.iter().map(|it| it.0).collect();
        let missing_refused = self.missing_refused();
        let unexpected: Vec<&String> = missing_refused
            .iter()
            .filter(|it| !never.contains(&it.as_str()))
            .collect();
        let mut stale: Vec<&str> = never
            .iter()
            .copied()
            .filter(|it| !missing_refused.iter().any(|m| m == it))
            .collect();
        // A location our errors name directly does not need the combinator.
        stale.extend(
            VIA_COMBINATOR
                .iter()
                .copied()
                .filter(|it| self.refused.contains(*it)),
        );
        // A location our errors name directly does not need its twin.
        stale.extend(
            REPORTED_ONCE
                .iter()
                .map(|it| it.0)
                .filter(|it| self.refused.contains(*it)),
        );
        let branches = self.branches.len();
        let branches_missing: Vec<&String> = self
            .branches
            .iter()
            .filter(|it| !self.node_accepted(it))
            .collect();
        let missing_accepted: Vec<String> = self
            .occurrences
            .iter()
            .filter(|it| !self.is_accepted(it))
            .map(Occurrence::location)
            .collect();
        let definitions = self.definitions.len();
        let defs_missing_refused: Vec<&String> = self
            .definitions
            .iter()
            .filter(|it| !self.definition_refused(it))
            .collect();
        let defs_missing_accepted: Vec<&String> = self
            .definitions
            .iter()
            .filter(|it| !self.definition_accepted(it))
            .collect();

        let mut out = String::new();
        let _ = writeln!(
            out,
            "coverage: keywords: {}/{total} refused ({} of them through the enclosing combinator, {} under a twin, {} never refusable), {}/{total} accepted; definitions: {}/{definitions} refused, {}/{definitions} accepted; oneOf/anyOf branches: {}/{branches} taken by accepted payloads",
            total - missing_refused.len(),
            self.via_combinator.len(),
            self.via_twin.len(),
            never.len(),
            total - missing_accepted.len(),
            definitions - defs_missing_refused.len(),
            definitions - defs_missing_accepted.len(),
            branches - branches_missing.len(),
        );
        for (location, why) in NEVER_REFUSED {
            let _ = writeln!(out, "  never refusable: {location}: {why}");
        }
        for location in &unexpected {
            let _ = writeln!(out, "  NOT REFUSED: {location}");
        }
        for location in &stale {
            let _ = writeln!(
                out,
                "  STALE EXCEPTION: {location} is named by our errors (update NEVER_REFUSED or VIA_COMBINATOR)"
            );
        }
        for location in &missing_accepted {
            let _ = writeln!(out, "  NOT ACCEPTED: {location}");
        }
        for name in &defs_missing_refused {
            let _ = writeln!(out, "  DEFINITION NOT REFUSED: {name}");
        }
        for name in &defs_missing_accepted {
            let _ = writeln!(out, "  DEFINITION NOT ACCEPTED: {name}");
        }
        for branch in &branches_missing {
            let _ = writeln!(out, "  BRANCH NOT TAKEN: {branch}");
        }
        let complete = unexpected.is_empty()
            && stale.is_empty()
            && missing_accepted.is_empty()
            && defs_missing_refused.is_empty()
            && defs_missing_accepted.is_empty()
            && branches_missing.is_empty();
        (out, complete)
    }
}
