//! Which way each definition travels: tagged request, response or both from `operations.json`,
//! with the operations that reach it.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::codegen::ir::{Api, Schema};

/// Who sends a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Direction {
    /// Sent by clients: narrowing what is accepted breaks them.
    Request,
    /// Received by clients: widening what can arrive breaks them.
    Response,
    /// Both ways (or reached by no operation, such as a webhook body, judged both ways so
    /// that nothing is silenced): either move breaks.
    Both,
}

impl Direction {
    /// The spelling in rule IDs and reports.
    pub fn name(self) -> &'static str {
        match self {
            Direction::Request => "request",
            Direction::Response => "response",
            Direction::Both => "both",
        }
    }

    /// The direction of something that travels both `self` and `other`.
    pub fn join(self, other: Direction) -> Direction {
        if self == other { self } else { Direction::Both }
    }
}

/// The direction and the operations of every definition reached from an operation.
#[derive(Debug, Clone, Default)]
pub struct Directions {
    reached: HashMap<String, (Direction, BTreeSet<String>)>,
}

impl Directions {
    /// Walks from every request body (request) and response body (response) through the `$ref`s
    /// of each definition, once per operation and direction: time linear in the spec for each.
    pub fn of(api: &Api) -> Directions {
        let refs = references(api);
        let mut reached: HashMap<String, (Direction, BTreeSet<String>)> = HashMap::new();
        for operation in &api.http.operations {
            let requests = operation.request_body.iter().map(String::as_str);
            let responses = operation.responses.iter().map(|it| it.body.as_str());
            for (direction, roots) in [
                (Direction::Request, requests.collect::<Vec<_>>()),
                (Direction::Response, responses.collect()),
            ] {
                for name in walk(&refs, roots) {
                    let entry = reached
                        .entry(name.to_owned())
                        .or_insert_with(|| (direction, BTreeSet::new()));
                    entry.0 = entry.0.join(direction);
                    entry.1.insert(operation.id.clone());
                }
            }
        }
        Directions { reached }
    }

    /// The direction of the definition `name` and the operations reaching it, in name order.
    /// A definition no operation reaches is judged both ways, with no operation.
    pub fn get(&self, name: &str) -> (Direction, Vec<String>) {
        match self.reached.get(name) {
            Some((direction, operations)) => (*direction, operations.iter().cloned().collect()),
            None => (Direction::Both, Vec::new()),
        }
    }
}

/// The definitions each definition refers to.
/// The definitions each definition names through `$ref`s (the IR's own links).
pub(crate) fn references(api: &Api) -> BTreeMap<&str, Vec<&str>> {
    api.definitions
        .iter()
        .map(|definition| {
            let mut out = Vec::new();
            collect_refs(&definition.schema, &mut out);
            (definition.name.as_str(), out)
        })
        .collect()
}

fn collect_refs<'a>(schema: &'a Schema, out: &mut Vec<&'a str>) {
    let mut stack = vec![schema];
    while let Some(node) = stack.pop() {
        out.extend(node.reference.as_deref());
        stack.extend(node.children().into_iter().map(|(_, it)| it));
    }
}

/// Every definition reachable from `roots`, each once.
pub(crate) fn walk<'a>(
    refs: &BTreeMap<&'a str, Vec<&'a str>>,
    roots: Vec<&'a str>,
) -> BTreeSet<&'a str> {
    let mut seen = BTreeSet::new();
    let mut stack = roots;
    while let Some(name) = stack.pop() {
        if seen.insert(name) {
            stack.extend(refs.get(name).into_iter().flatten().copied());
        }
    }
    seen
}
