//! The rules on `operations.json`: operations, parameters and headers, status codes, body
//! types, the idempotency key and the execution-mode rules (and, in `api.rs`, the texts, the
//! error types, the API version, the servers and the API key header). Every rule of both
//! files is a `Kind` constant of this file.

use std::collections::{HashMap, HashSet};

use super::{
    FileKind, Finding, Level, Side,
    direction::Direction,
    rust::{Bump, Crate, Impact},
};
use crate::codegen::ir::{Api, Literal, Operation, Parameter, Rule};
use Direction::{Both, Request, Response};
use Level::{Breaking, Info, Warning};

/// One rule of this file: its stable ID, level and direction, and the bump of the client
/// crate it calls for (every operation finding is about the client).
#[derive(Debug, Clone, Copy)]
pub struct Kind {
    pub rule: &'static str,
    pub level: Level,
    pub direction: Direction,
    pub bump: Bump,
}

const fn kind(rule: &'static str, level: Level, direction: Direction, bump: Bump) -> Kind {
    Kind {
        rule,
        level,
        direction,
        bump,
    }
}

/// Declares one constant per rule, and `KINDS`, the list of every one, from one line each:
/// name = ID, level, direction, bump of the client crate.
macro_rules! rules {
    ($($vis:vis $name:ident = $rule:literal, $level:ident, $direction:ident, $bump:ident;)*) => {
        $($vis const $name: Kind = kind($rule, $level, $direction, Bump::$bump);)*

        /// Every rule of this file and of `api.rs`, for the catalogue (`catalogue.rs`).
        pub const KINDS: &[Kind] = &[$($name),*];
    };
}

rules! {
    OPERATION_ADDED = "operation-added", Info, Both, Minor;
    OPERATION_REMOVED = "operation-removed", Breaking, Both, Major;
    ROUTE_CHANGED = "operation-route-changed", Breaking, Request, Patch;
    KEY_CHANGED = "request-idempotency-key-changed", Breaking, Request, Major;
    PARAMETER_REQUIRED_ADDED = "request-parameter-required-added", Breaking, Request, Major;
    PARAMETER_ADDED = "request-parameter-added", Info, Request, Minor;
    PARAMETER_REMOVED = "request-parameter-removed", Warning, Request, Major;
    PARAMETER_NARROWED = "request-parameter-narrowed", Breaking, Request, Major;
    PARAMETER_WIDENED = "request-parameter-widened", Info, Request, Minor;
    PARAMETER_CHANGED = "request-parameter-changed", Breaking, Request, Major;
    PARAMETER_DEFAULT_CHANGED = "request-parameter-default-changed", Warning, Request, Major;
    REQUEST_BODY_CHANGED = "request-body-changed", Breaking, Request, Major;
    STATUS_ADDED = "response-status-added", Warning, Response, Minor;
    RESPONSE_BODY_CHANGED = "response-body-changed", Breaking, Response, Major;
    STATUS_REMOVED = "response-status-removed", Info, Response, Major;
    HEADER_RULE_NARROWED = "request-header-rule-narrowed", Breaking, Request, Patch;
    HEADER_RULE_WIDENED = "request-header-rule-widened", Info, Request, Patch;
    HEADER_RULE_CHANGED = "request-header-rule-changed", Info, Request, Patch;
    HEADER_RULE_REMOVED = "request-header-rule-removed", Info, Request, Patch;
    pub(super) OPERATION_DOCS_CHANGED = "operation-docs-changed", Info, Both, Patch;
    pub(super) API_VERSION_CHANGED = "request-api-version-changed", Warning, Request, Major;
    pub(super) REMOVED_VERSIONS_CHANGED = "request-removed-versions-changed", Warning, Request, Patch;
    pub(super) AUTH_HEADER_CHANGED = "request-auth-header-changed", Breaking, Request, Major;
    pub(super) SERVERS_CHANGED = "api-servers-changed", Warning, Both, Major;
    pub(super) ERROR_TYPE_ADDED = "response-error-type-added", Warning, Response, Major;
    pub(super) ERROR_TYPE_REMOVED = "response-error-type-removed", Info, Response, Major;
    pub(super) ERROR_TYPE_CHANGED = "response-error-type-changed", Info, Response, Patch;
}

/// Where a finding is: an operation, the pointer of the node in `operations.json`, and the
/// spec that node is in.
#[derive(Debug, Clone, Copy)]
struct At<'a> {
    operation: &'a Operation,
    pointer: &'a str,
    side: Side,
}

impl<'a> At<'a> {
    fn new(operation: &'a Operation, pointer: &'a str) -> At<'a> {
        At {
            operation,
            pointer,
            side: Side::New,
        }
    }

    fn old(operation: &'a Operation, pointer: &'a str) -> At<'a> {
        At {
            operation,
            pointer,
            side: Side::Old,
        }
    }
}

impl Kind {
    /// The finding of this rule at `at`, with its message and what it does to the client.
    fn at(self, at: At<'_>, message: String, rust: String) -> Finding {
        let (operations, pointer) = (vec![at.operation.id.clone()], at.pointer.to_owned());
        self.finding(operations, pointer, at.side, message, rust)
    }

    /// The finding of this rule for `operations`, at `pointer` of `operations.json`.
    pub(super) fn finding(
        self,
        operations: Vec<String>,
        pointer: String,
        side: Side,
        message: String,
        rust: String,
    ) -> Finding {
        debug_assert!(
            KINDS.iter().any(|it| it.rule == self.rule),
            "{} is not in `KINDS`",
            self.rule
        );
        Finding {
            rule: self.rule.to_owned(),
            level: self.level,
            direction: self.direction,
            operations,
            pointer,
            side,
            file_kind: FileKind::Operations,
            file: String::new(),
            line: 0,
            column: 0,
            message,
            counterexample: None,
            counterexample_way: None,
            same_payloads: false,
            undecided: false,
            rust: Impact::one(Crate::Client, self.bump, rust),
        }
    }
}

/// Every operation finding between two APIs.
pub fn compare(old: &Api, new: &Api) -> Vec<Finding> {
    let mut out = Vec::new();
    let before = by_id(old);
    let after = by_id(new);
    for operation in &new.http.operations {
        match before.get(operation.id.as_str()) {
            Some(previous) => compare_operation(previous, operation, &mut out),
            None => {
                let (id, route) = (&operation.id, route(operation));
                let message = format!("the operation `{id}` ({route}) is added");
                let rust = format!("new method for `{id}`");
                out.push(OPERATION_ADDED.at(At::new(operation, &operation.pointer), message, rust));
            }
        }
    }
    for operation in &old.http.operations {
        if !after.contains_key(operation.id.as_str()) {
            let (id, route) = (&operation.id, route(operation));
            let message = format!("the operation `{id}` ({route}) is removed");
            let rust = format!("the method and module of `{id}` are removed");
            out.push(OPERATION_REMOVED.at(At::old(operation, &operation.pointer), message, rust));
        }
    }
    super::api::compare(old, new, &mut out);
    out
}

fn by_id(api: &Api) -> HashMap<&str, &Operation> {
    api.http
        .operations
        .iter()
        .map(|it| (it.id.as_str(), it))
        .collect()
}

/// `POST /order`.
fn route(operation: &Operation) -> String {
    format!("{} {}", operation.method.name(), operation.path)
}

/// `none` or the name.
fn shown(name: &Option<String>) -> &str {
    name.as_deref().unwrap_or("none")
}

fn compare_operation(old: &Operation, new: &Operation, out: &mut Vec<Finding>) {
    let at = At::new(new, &new.pointer);
    if old.method != new.method || old.path != new.path {
        let message = format!("`{}` moves from {} to {}", new.id, route(old), route(new));
        let rust = "the request goes to the new route".to_owned();
        out.push(ROUTE_CHANGED.at(at, message, rust));
    }
    parameters(old, new, out);
    bodies(old, new, out);
    if old.idempotency_key != new.idempotency_key {
        let (before, after) = (shown(&old.idempotency_key), shown(&new.idempotency_key));
        let message = format!(
            "the idempotency key header of `{}` changes from {before} to {after}",
            new.id
        );
        let rust = format!("the idempotency handling of `{}` changes", new.id);
        out.push(KEY_CHANGED.at(at, message, rust));
    }
    rules(old, new, out);
    super::api::docs(old, new, out);
}

fn parameters(old: &Operation, new: &Operation, out: &mut Vec<Finding>) {
    // Maps and sets, so that the comparison is linear in the number of parameters.
    let before: HashMap<&str, &Parameter> = old
        .parameters
        .iter()
        .map(|it| (it.name.as_str(), it))
        .collect();
    let after: HashSet<&str> = new.parameters.iter().map(|it| it.name.as_str()).collect();
    for parameter in &new.parameters {
        let (name, place, id) = (&parameter.name, parameter.location.name(), &new.id);
        let at = At::new(new, &parameter.pointer);
        match before.get(name.as_str()) {
            None if parameter.required => {
                let message = format!("`{id}` gains the required {place} parameter `{name}`");
                let rust = format!("calls of `{id}` must give `{name}`");
                out.push(PARAMETER_REQUIRED_ADDED.at(at, message, rust));
            }
            None => {
                let message = format!("`{id}` gains the optional {place} parameter `{name}`");
                out.push(PARAMETER_ADDED.at(
                    at,
                    message,
                    format!("new optional `{name}` for `{id}`"),
                ));
            }
            Some(previous) => parameter_changed(previous, parameter, new, out),
        }
    }
    for parameter in &old.parameters {
        if !after.contains(parameter.name.as_str()) {
            let (name, place, id) = (&parameter.name, parameter.location.name(), &old.id);
            let message = format!("`{id}` loses the {place} parameter `{name}`");
            let rust = format!("`{name}` is no longer accepted by `{id}`");
            out.push(PARAMETER_REMOVED.at(At::old(old, &parameter.pointer), message, rust));
        }
    }
}

/// A parameter's schema: narrowed (breaking) or widened (info), judged as a request.
fn parameter_changed(
    old: &Parameter,
    new: &Parameter,
    operation: &Operation,
    out: &mut Vec<Finding>,
) {
    if old.default != new.default {
        let shown =
            |it: &Option<Literal>| it.as_ref().map_or("none".to_owned(), ToString::to_string);
        let message = format!(
            "the default of the {} parameter `{}` of `{}` changes from {} to {}",
            new.location.name(),
            new.name,
            operation.id,
            shown(&old.default),
            shown(&new.default)
        );
        let rust = format!(
            "what `{}` sends or assumes for `{}` when it is not given changes",
            operation.id, new.name
        );
        out.push(PARAMETER_DEFAULT_CHANGED.at(At::new(operation, &new.pointer), message, rust));
    }
    let mut narrows = false;
    let mut widens = false;
    let mut note = |narrow: bool, widen: bool| {
        narrows |= narrow;
        widens |= widen;
    };
    note(!old.required && new.required, old.required && !new.required);
    // Another type, or another place (a header that becomes a query parameter).
    let moved = old.ty != new.ty || old.location != new.location;
    note(moved, moved);
    // Sets, so that the comparison is linear in the number of values.
    let before: HashSet<&String> = old.enum_values.iter().collect();
    let after: HashSet<&String> = new.enum_values.iter().collect();
    let removed = before.iter().any(|it| !after.contains(it));
    let added = after.iter().any(|it| !before.contains(it));
    note(
        (old.enum_values.is_empty() && !new.enum_values.is_empty())
            || (removed && !new.enum_values.is_empty()),
        (!old.enum_values.is_empty() && new.enum_values.is_empty())
            || (added && !old.enum_values.is_empty()),
    );
    let lower = |it: Option<i64>| it.unwrap_or(i64::MIN);
    let upper = |it: Option<i64>| it.unwrap_or(i64::MAX);
    note(
        lower(new.minimum) > lower(old.minimum),
        lower(new.minimum) < lower(old.minimum),
    );
    note(
        upper(new.maximum) < upper(old.maximum),
        upper(new.maximum) > upper(old.maximum),
    );
    let (kind, word) = match (narrows, widens) {
        (false, false) => return,
        (true, false) => (PARAMETER_NARROWED, "narrowed"),
        (false, true) => (PARAMETER_WIDENED, "widened"),
        (true, true) => (PARAMETER_CHANGED, "changed"),
    };
    let message = format!(
        "the {} parameter `{}` of `{}` is {word}",
        new.location.name(),
        new.name,
        operation.id
    );
    let rust = format!("the values `{}` accepts change", new.name);
    out.push(kind.at(At::new(operation, &new.pointer), message, rust));
}

fn bodies(old: &Operation, new: &Operation, out: &mut Vec<Finding>) {
    if old.request_body != new.request_body {
        let (before, after) = (shown(&old.request_body), shown(&new.request_body));
        let message = format!(
            "the request body of `{}` changes from {before} to {after}",
            new.id
        );
        let rust = format!("the body type of `{}` changes", new.id);
        out.push(REQUEST_BODY_CHANGED.at(At::new(new, &new.pointer), message, rust));
    }
    let statuses = |operation: &'_ Operation| -> HashMap<u16, String> {
        operation
            .responses
            .iter()
            .map(|it| (it.status, it.body.clone()))
            .collect()
    };
    let (before, after) = (statuses(old), statuses(new));
    for response in &new.responses {
        let (status, id, body) = (response.status, &new.id, &response.body);
        let at = At::new(new, &new.pointer);
        match before.get(&status) {
            None => {
                let message = format!("`{id}` may answer {status} ({body})");
                let rust = format!("the decoder of `{id}` reads {status} as `{body}`");
                out.push(STATUS_ADDED.at(at, message, rust));
            }
            Some(previous) if previous != body => {
                let message =
                    format!("the {status} body of `{id}` changes from {previous} to {body}");
                let rust = format!("the {status} answer of `{id}` has another type");
                out.push(RESPONSE_BODY_CHANGED.at(at, message, rust));
            }
            Some(_) => {}
        }
    }
    for response in &old.responses {
        let (status, id) = (response.status, &old.id);
        if !after.contains_key(&status) {
            let message = format!("`{id}` no longer answers {status}");
            let rust = format!("the {status} answer of `{id}` is an unexpected response");
            out.push(STATUS_REMOVED.at(At::old(old, &old.pointer), message, rust));
        }
    }
}

fn rules(old: &Operation, new: &Operation, out: &mut Vec<Finding>) {
    let key = |rule: &Rule| match rule {
        Rule::MaxItemsWhenHeader(it) => (it.header.clone(), it.value.clone(), it.field.clone()),
    };
    let max = |rule: &Rule| match rule {
        Rule::MaxItemsWhenHeader(it) => it.max,
    };
    let before: HashMap<_, &Rule> = old.rules.iter().map(|it| (key(it), it)).collect();
    let after: HashMap<_, &Rule> = new.rules.iter().map(|it| (key(it), it)).collect();
    for rule in &new.rules {
        let (header, value, field) = key(rule);
        let (kind, word) = match before.get(&key(rule)) {
            None => (HEADER_RULE_NARROWED, "narrowed"),
            Some(previous) if max(previous) > max(rule) => (HEADER_RULE_NARROWED, "narrowed"),
            Some(previous) if max(previous) < max(rule) => (HEADER_RULE_WIDENED, "widened"),
            Some(previous) if previous != &rule => (HEADER_RULE_CHANGED, "changed"),
            Some(_) => continue,
        };
        let message = format!(
            "`{}`: with {header}: {value}, `{field}` may hold at most {} items ({word})",
            new.id,
            max(rule)
        );
        let rust = format!("the check of `{}` before sending changes", new.id);
        out.push(kind.at(At::new(new, &new.pointer), message, rust));
    }
    for rule in &old.rules {
        if !after.contains_key(&key(rule)) {
            let (header, value, field) = key(rule);
            let message = format!(
                "`{}`: the limit on `{field}` with {header}: {value} is removed",
                old.id
            );
            let rust = format!("the check of `{}` before sending changes", old.id);
            out.push(HEADER_RULE_REMOVED.at(At::old(old, &old.pointer), message, rust));
        }
    }
}
