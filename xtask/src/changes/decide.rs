//! What the rules cannot decide, decided with the `jsonschema` crate's canonical set operations,
//! and counter-examples for the breaking changes.
//!
//! For a finding in the definition `D`, both specs' `D` are canonicalized (with their `$defs`)
//! and subtracted: `old \ new` holds the payloads a client may send that the new spec refuses
//! (what breaks a request), `new \ old` the values the new spec lets the server send that
//! clients never agreed to read (what breaks a response). An empty difference proves the change
//! safe that way. A counter-example is searched for in the difference (and, failing that, in the
//! side that must accept it) by [`witness::Search`], and kept only when a validator of the old
//! `D` and one of the new `D` agree that it is one, so a shown counter-example is always true.
//!
//! A finding is decided only when it is the one change in `D` and in every definition `D`
//! reaches through `$ref`s in either spec (documentation and annotations aside: they accept the
//! same payloads); otherwise a difference could come from another change.
//! At most [`MAX_QUESTIONS`] findings are considered per report (the rest keep their rule's verdict),
//! and each question reads only the definitions its definition reaches.

use std::collections::{BTreeSet, HashMap};

use jsonschema061::canonical::{Containment, Satisfiability};
use serde_json::{Value, json};

use super::{
    FileKind, Finding, Level, Spec,
    direction::{self, Direction},
    witness,
};
use crate::codegen::keywords::{self as kw, REF_PREFIX};

/// The most findings one report decides with set operations.
pub const MAX_QUESTIONS: usize = 64;

/// What a difference says about one direction.
#[derive(Debug, Clone, PartialEq)]
enum Answer {
    /// The difference is empty: nothing breaks this way.
    Safe,
    /// A value in the difference, checked by both validators.
    Breaks(Value),
    /// Neither was shown.
    Unknown,
}

/// Decides the findings no rule decided and adds counter-examples to the breaking ones.
pub fn decide(findings: &mut [Finding], old: &Spec, new: &Spec) {
    let documents = [&old.sources.schema.value, &new.sources.schema.value];
    // The definition of each schema finding that may change which payloads are accepted.
    let owners: Vec<Option<String>> = findings
        .iter()
        .map(|it| {
            let counted = it.file_kind == FileKind::Schema && !it.same_payloads;
            counted.then(|| owner(&it.pointer)).flatten()
        })
        .collect();
    // Findings counted for isolation: those in a definition both specs have.
    let mut per_owner: HashMap<&str, usize> = HashMap::new();
    for name in owners.iter().flatten() {
        if documents.iter().all(|it| definition(it, name).is_some()) {
            *per_owner.entry(name.as_str()).or_default() += 1;
        }
    }
    let links = [
        direction::references(&old.api),
        direction::references(&new.api),
    ];
    let mut asked = 0;
    for (finding, name) in findings.iter_mut().zip(&owners) {
        let Some(name) = name else { continue };
        if !(finding.undecided || finding.level == Level::Breaking) || asked == MAX_QUESTIONS {
            continue;
        }
        if per_owner.get(name.as_str()) != Some(&1) {
            continue;
        }
        // Counted here, before the walk, so that a report walks and asks at most
        // `MAX_QUESTIONS` times.
        asked += 1;
        let reached: BTreeSet<String> = links
            .iter()
            .flat_map(|refs| direction::walk(refs, vec![name.as_str()]))
            .map(str::to_owned)
            .collect();
        let alone = reached
            .iter()
            .all(|it| it == name || !per_owner.contains_key(it.as_str()));
        if !alone {
            continue;
        }
        let Some(question) = Question::new(documents[0], documents[1], name, &reached) else {
            continue;
        };
        apply(finding, &question);
    }
}

fn apply(finding: &mut Finding, question: &Question) {
    let request = matches!(finding.direction, Direction::Request | Direction::Both)
        .then(|| question.ask(Direction::Request));
    let response = matches!(finding.direction, Direction::Response | Direction::Both)
        .then(|| question.ask(Direction::Response));
    let answers = [
        (Direction::Request, request),
        (Direction::Response, response),
    ];
    let broken = answers.iter().find_map(|(way, answer)| match answer {
        Some(Answer::Breaks(value)) => Some((*way, value.clone())),
        _ => None,
    });
    let safe = answers
        .iter()
        .all(|(_, answer)| matches!(answer, None | Some(Answer::Safe)));
    match broken {
        Some((way, value)) => {
            if finding.undecided {
                finding.level = Level::Breaking;
                finding
                    .message
                    .push_str(&format!("; the set operations show {}", what_breaks(way)));
            }
            finding.counterexample = Some(value);
            finding.counterexample_way = Some(way);
        }
        None if safe && finding.undecided => {
            finding.level = Level::Info;
            finding.message.push_str(
                "; the set operations prove that no payload changes side (nothing breaks)",
            );
        }
        None => {}
    }
    finding.undecided = false;
}

fn what_breaks(way: Direction) -> &'static str {
    match way {
        Direction::Response => "a response the old spec refused (see the counter-example)",
        _ => "a request the old spec accepted that the new one refuses (see the counter-example)",
    }
}

/// The definition a schema pointer is in (`#/$defs/Order/properties/id` → `Order`).
fn owner(pointer: &str) -> Option<String> {
    let rest = pointer.strip_prefix(REF_PREFIX)?;
    let name = rest.split('/').next()?;
    Some(name.replace("~1", "/").replace("~0", "~"))
}

fn definition<'v>(document: &'v Value, name: &str) -> Option<&'v Value> {
    document.get(kw::DEFS.name)?.get(name)
}

/// One definition in both specs: the documents that validate it, canonicalized.
struct Question {
    old: Value,
    new: Value,
    canonical: Option<(
        jsonschema061::canonical::CanonicalSchema,
        jsonschema061::canonical::CanonicalSchema,
    )>,
    validators: (jsonschema061::Validator, jsonschema061::Validator),
}

impl Question {
    /// The definition `name` of both specs, each with the definitions it reaches (`reached`,
    /// from either spec) only, so a question costs what the definition reaches, not the spec.
    fn new(old: &Value, new: &Value, name: &str, reached: &BTreeSet<String>) -> Option<Question> {
        let document = |spec: &Value| {
            let defs: serde_json::Map<String, Value> = reached
                .iter()
                .filter_map(|it| Some((it.clone(), definition(spec, it)?.clone())))
                .collect();
            json!({
                (kw::SCHEMA.name): crate::codegen::lower::DIALECT,
                (kw::DEFS.name): defs,
                (kw::REF.name): format!("{REF_PREFIX}{}", name.replace('~', "~0").replace('/', "~1")),
            })
        };
        let (old, new) = (document(old), document(new));
        let validators = (witness::validator(&old)?, witness::validator(&new)?);
        let canonical = jsonschema061::canonicalize(&old)
            .ok()
            .zip(jsonschema061::canonicalize(&new).ok());
        Some(Question {
            old,
            new,
            canonical,
            validators,
        })
    }

    /// Whether the change breaks clients in `way`: a request the old spec accepts and the new
    /// one refuses, or a response the new spec allows and the old one refused.
    fn ask(&self, way: Direction) -> Answer {
        let (accepts, refuses, side) = match way {
            Direction::Response => (&self.validators.1, &self.validators.0, &self.new),
            _ => (&self.validators.0, &self.validators.1, &self.old),
        };
        // What must stay accepted (`taken`) and what accepts now (`taker`).
        let pair = self.canonical.as_ref().map(|(old, new)| match way {
            Direction::Response => (new, old),
            _ => (old, new),
        });
        if let Some((taken, taker)) = pair
            && taker.covers(taken).ok() == Some(Containment::Yes)
        {
            return Answer::Safe;
        }
        let difference = pair.and_then(|(taken, taker)| taken.subtract(taker).ok());
        if let Some(difference) = &difference
            && difference.satisfiability() == Satisfiability::No
        {
            return Answer::Safe;
        }
        let mut documents: Vec<Value> = difference.iter().map(|it| it.to_json_schema()).collect();
        documents.push(side.clone());
        for document in &documents {
            let mut search = witness::Search::new(document);
            let found = search
                .roots(document)
                .into_iter()
                .find(|it| accepts.is_valid(it) && !refuses.is_valid(it));
            if let Some(value) = found {
                return Answer::Breaks(value);
            }
        }
        Answer::Unknown
    }
}
