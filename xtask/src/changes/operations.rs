//! The rules on `operations.json`: operations, parameters and headers, status codes, body
//! types, the idempotency key and the execution-mode rules.

use std::collections::{HashMap, HashSet};

use super::{
    FileKind, Finding, Level, Side,
    direction::Direction,
    rust::{Bump, Crate, Impact},
    schemas::{Effect, judge},
};
use crate::codegen::ir::{Api, Operation, Parameter, Rule};

/// Every operation finding between two APIs.
pub fn compare(old: &Api, new: &Api) -> Vec<Finding> {
    let mut out = Vec::new();
    let before: HashMap<&str, &Operation> = old
        .http
        .operations
        .iter()
        .map(|it| (it.id.as_str(), it))
        .collect();
    let after: HashMap<&str, &Operation> = new
        .http
        .operations
        .iter()
        .map(|it| (it.id.as_str(), it))
        .collect();
    for operation in &new.http.operations {
        match before.get(operation.id.as_str()) {
            Some(previous) => compare_operation(previous, operation, &mut out),
            None => out.push(finding(
                "operation-added",
                Level::Info,
                Direction::Both,
                operation,
                &operation.pointer,
                Side::New,
                format!(
                    "the operation `{}` ({} {}) is added",
                    operation.id,
                    operation.method.name(),
                    operation.path
                ),
                Impact::one(
                    Crate::Client,
                    Bump::Minor,
                    format!("new method for `{}`", operation.id),
                ),
            )),
        }
    }
    for operation in &old.http.operations {
        if !after.contains_key(operation.id.as_str()) {
            out.push(finding(
                "operation-removed",
                Level::Breaking,
                Direction::Both,
                operation,
                &operation.pointer,
                Side::Old,
                format!(
                    "the operation `{}` ({} {}) is removed",
                    operation.id,
                    operation.method.name(),
                    operation.path
                ),
                Impact::one(
                    Crate::Client,
                    Bump::Major,
                    format!("the method and module of `{}` are removed", operation.id),
                ),
            ));
        }
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn finding(
    rule: &str,
    level: Level,
    direction: Direction,
    operation: &Operation,
    pointer: &str,
    side: Side,
    message: String,
    rust: Impact,
) -> Finding {
    Finding {
        rule: rule.to_owned(),
        level,
        direction,
        operations: vec![operation.id.clone()],
        pointer: pointer.to_owned(),
        side,
        file_kind: FileKind::Operations,
        file: String::new(),
        line: 0,
        column: 0,
        message,
        counterexample: None,
        rust,
    }
}

fn compare_operation(old: &Operation, new: &Operation, out: &mut Vec<Finding>) {
    if old.method != new.method || old.path != new.path {
        out.push(finding(
            "operation-route-changed",
            Level::Breaking,
            Direction::Request,
            new,
            &new.pointer,
            Side::New,
            format!(
                "`{}` moves from {} {} to {} {}",
                new.id,
                old.method.name(),
                old.path,
                new.method.name(),
                new.path
            ),
            Impact::one(
                Crate::Client,
                Bump::Patch,
                "the request goes to the new route",
            ),
        ));
    }
    parameters(old, new, out);
    bodies(old, new, out);
    if old.idempotency_key != new.idempotency_key {
        let shown = |it: &Option<String>| it.clone().unwrap_or_else(|| "none".to_owned());
        out.push(finding(
            "request-idempotency-key-changed",
            Level::Breaking,
            Direction::Request,
            new,
            &new.pointer,
            Side::New,
            format!(
                "the idempotency key header of `{}` changes from {} to {}",
                new.id,
                shown(&old.idempotency_key),
                shown(&new.idempotency_key)
            ),
            Impact::one(
                Crate::Client,
                Bump::Major,
                format!("the idempotency handling of `{}` changes", new.id),
            ),
        ));
    }
    rules(old, new, out);
}

fn parameters(old: &Operation, new: &Operation, out: &mut Vec<Finding>) {
    let before: HashMap<&str, &Parameter> = old
        .parameters
        .iter()
        .map(|it| (it.name.as_str(), it))
        .collect();
    let after: HashMap<&str, &Parameter> = new
        .parameters
        .iter()
        .map(|it| (it.name.as_str(), it))
        .collect();
    for parameter in &new.parameters {
        let name = &parameter.name;
        let place = parameter.location.name();
        match before.get(name.as_str()) {
            None if parameter.required => out.push(finding(
                "request-parameter-required-added",
                Level::Breaking,
                Direction::Request,
                new,
                &parameter.pointer,
                Side::New,
                format!("`{}` gains the required {place} parameter `{name}`", new.id),
                Impact::one(
                    Crate::Client,
                    Bump::Major,
                    format!("calls of `{}` must give `{name}`", new.id),
                ),
            )),
            None => out.push(finding(
                "request-parameter-added",
                Level::Info,
                Direction::Request,
                new,
                &parameter.pointer,
                Side::New,
                format!("`{}` gains the optional {place} parameter `{name}`", new.id),
                Impact::one(
                    Crate::Client,
                    Bump::Minor,
                    format!("new optional `{name}` for `{}`", new.id),
                ),
            )),
            Some(previous) => parameter_changed(previous, parameter, new, out),
        }
    }
    for parameter in &old.parameters {
        if !after.contains_key(parameter.name.as_str()) {
            out.push(finding(
                "request-parameter-removed",
                Level::Warning,
                Direction::Request,
                old,
                &parameter.pointer,
                Side::Old,
                format!(
                    "`{}` loses the {} parameter `{}`",
                    old.id,
                    parameter.location.name(),
                    parameter.name
                ),
                Impact::one(
                    Crate::Client,
                    Bump::Major,
                    format!("`{}` is no longer accepted by `{}`", parameter.name, old.id),
                ),
            ));
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
    let mut narrows = false;
    let mut widens = false;
    let mut note = |narrow: bool, widen: bool| {
        narrows |= narrow;
        widens |= widen;
    };
    note(!old.required && new.required, old.required && !new.required);
    note(old.ty != new.ty, old.ty != new.ty);
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
    let effect = match (narrows, widens) {
        (false, false) => return,
        (true, false) => Effect::Narrows,
        (false, true) => Effect::Widens,
        (true, true) => Effect::Changes,
    };
    let word = match effect {
        Effect::Narrows => "narrowed",
        Effect::Widens => "widened",
        _ => "changed",
    };
    let bump = if narrows { Bump::Major } else { Bump::Minor };
    out.push(finding(
        &format!("request-parameter-{word}"),
        judge(effect, Direction::Request),
        Direction::Request,
        operation,
        &new.pointer,
        Side::New,
        format!(
            "the {} parameter `{}` of `{}` is {word}",
            new.location.name(),
            new.name,
            operation.id
        ),
        Impact::one(
            Crate::Client,
            bump,
            format!("the values `{}` accepts change", new.name),
        ),
    ));
}

fn bodies(old: &Operation, new: &Operation, out: &mut Vec<Finding>) {
    if old.request_body != new.request_body {
        let shown = |it: &Option<String>| it.clone().unwrap_or_else(|| "none".to_owned());
        out.push(finding(
            "request-body-changed",
            Level::Breaking,
            Direction::Request,
            new,
            &new.pointer,
            Side::New,
            format!(
                "the request body of `{}` changes from {} to {}",
                new.id,
                shown(&old.request_body),
                shown(&new.request_body)
            ),
            Impact::one(
                Crate::Client,
                Bump::Major,
                format!("the body type of `{}` changes", new.id),
            ),
        ));
    }
    let before: HashMap<u16, &str> = old
        .responses
        .iter()
        .map(|it| (it.status, it.body.as_str()))
        .collect();
    let after: HashMap<u16, &str> = new
        .responses
        .iter()
        .map(|it| (it.status, it.body.as_str()))
        .collect();
    for response in &new.responses {
        let status = response.status;
        match before.get(&status) {
            None => out.push(finding(
                "response-status-added",
                Level::Warning,
                Direction::Response,
                new,
                &new.pointer,
                Side::New,
                format!("`{}` may answer {status} ({})", new.id, response.body),
                Impact::one(
                    Crate::Client,
                    Bump::Minor,
                    format!(
                        "the decoder of `{}` reads {status} as `{}`",
                        new.id, response.body
                    ),
                ),
            )),
            Some(body) if *body != response.body => out.push(finding(
                "response-body-changed",
                Level::Breaking,
                Direction::Response,
                new,
                &new.pointer,
                Side::New,
                format!(
                    "the {status} body of `{}` changes from {body} to {}",
                    new.id, response.body
                ),
                Impact::one(
                    Crate::Client,
                    Bump::Major,
                    format!("the {status} answer of `{}` has another type", new.id),
                ),
            )),
            Some(_) => {}
        }
    }
    for response in &old.responses {
        if !after.contains_key(&response.status) {
            out.push(finding(
                "response-status-removed",
                Level::Info,
                Direction::Response,
                old,
                &old.pointer,
                Side::Old,
                format!("`{}` no longer answers {}", old.id, response.status),
                Impact::one(
                    Crate::Client,
                    Bump::Major,
                    format!(
                        "the {} answer of `{}` is an unexpected response",
                        response.status, old.id
                    ),
                ),
            ));
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
        let effect = match before.get(&key(rule)) {
            None => Effect::Narrows,
            Some(previous) if max(previous) > max(rule) => Effect::Narrows,
            Some(previous) if max(previous) < max(rule) => Effect::Widens,
            Some(previous) if previous != &rule => Effect::Doc,
            Some(_) => continue,
        };
        let word = match effect {
            Effect::Narrows => "narrowed",
            Effect::Widens => "widened",
            _ => "changed",
        };
        out.push(finding(
            &format!("request-header-rule-{word}"),
            judge(effect, Direction::Request),
            Direction::Request,
            new,
            &new.pointer,
            Side::New,
            format!(
                "`{}`: with {header}: {value}, `{field}` may hold at most {} items ({word})",
                new.id,
                max(rule)
            ),
            Impact::one(
                Crate::Client,
                Bump::Patch,
                format!("the check of `{}` before sending changes", new.id),
            ),
        ));
    }
    for rule in &old.rules {
        if !after.contains_key(&key(rule)) {
            let (header, value, field) = key(rule);
            out.push(finding(
                "request-header-rule-removed",
                Level::Info,
                Direction::Request,
                old,
                &old.pointer,
                Side::Old,
                format!(
                    "`{}`: the limit on `{field}` with {header}: {value} is removed",
                    old.id
                ),
                Impact::one(
                    Crate::Client,
                    Bump::Patch,
                    format!("the check of `{}` before sending changes", old.id),
                ),
            ));
        }
    }
}
