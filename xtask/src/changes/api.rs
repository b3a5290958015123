//! The rules on what `operations.json` says besides the operations' shapes: the texts of
//! operations, parameters and responses, the documented error types, the API version, the
//! removed versions, the servers and the header of the API key. Each is something the
//! generated client states (docs, `ApiErrorType`, constants), so each change is reported.

use std::collections::HashMap;

use super::{
    Finding, Side,
    operations::{
        API_VERSION_CHANGED, AUTH_HEADER_CHANGED, ERROR_TYPE_ADDED, ERROR_TYPE_CHANGED,
        ERROR_TYPE_REMOVED, OPERATION_DOCS_CHANGED, REMOVED_VERSIONS_CHANGED, SERVERS_CHANGED,
    },
};
use crate::codegen::{
    ir::{Api, ErrorType, Http, Operation},
    keywords,
};

/// Every finding about the texts of `old` and `new` (one operation, in both specs).
pub(super) fn docs(old: &Operation, new: &Operation, out: &mut Vec<Finding>) {
    let id = &new.id;
    let mut texts: Vec<(String, Option<&str>, Option<&str>, String)> = vec![
        (
            keywords::SUMMARY.at(&new.pointer),
            Some(old.summary.as_str()),
            Some(new.summary.as_str()),
            format!("the summary of `{id}`"),
        ),
        (
            keywords::DESCRIPTION.at(&new.pointer),
            old.description.as_deref(),
            new.description.as_deref(),
            format!("the description of `{id}`"),
        ),
    ];
    let parameters: HashMap<&str, _> = old
        .parameters
        .iter()
        .map(|it| (it.name.as_str(), it))
        .collect();
    for parameter in &new.parameters {
        if let Some(before) = parameters.get(parameter.name.as_str()) {
            texts.push((
                keywords::DESCRIPTION.at(&parameter.pointer),
                before.description.as_deref(),
                parameter.description.as_deref(),
                format!(
                    "the description of the parameter `{}` of `{id}`",
                    parameter.name
                ),
            ));
        }
    }
    let responses: HashMap<u16, _> = old.responses.iter().map(|it| (it.status, it)).collect();
    for response in &new.responses {
        if let Some(before) = responses.get(&response.status) {
            texts.push((
                keywords::DESCRIPTION.at(&format!("{}/responses/{}", new.pointer, response.status)),
                before.description.as_deref(),
                response.description.as_deref(),
                format!(
                    "the description of the {} answer of `{id}`",
                    response.status
                ),
            ));
        }
    }
    for (pointer, before, after, what) in texts {
        if before != after {
            // A removed text is placed at what held it.
            let pointer = match after {
                Some(_) => pointer,
                None => pointer
                    .rsplit_once('/')
                    .map_or(pointer.clone(), |it| it.0.to_owned()),
            };
            let message = format!("{what} changed");
            let rust = format!("the docs of `{id}` change");
            let operations = vec![id.clone()];
            out.push(OPERATION_DOCS_CHANGED.finding(operations, pointer, Side::New, message, rust));
        }
    }
}

/// Every finding about the API as a whole; each affects every operation of the new spec.
pub(super) fn compare(old: &Api, new: &Api, out: &mut Vec<Finding>) {
    let mut every: Vec<String> = new.http.operations.iter().map(|it| it.id.clone()).collect();
    every.sort();
    let (a, b) = (&old.http, &new.http);
    let listed = |it: &[String]| format!("[{}]", it.join(", "));
    let servers = |it: &Http| -> String {
        let it: Vec<String> = it
            .servers
            .iter()
            .map(|it| format!("{} {}", it.name, it.url))
            .collect();
        listed(&it)
    };
    // What each fact is called, its pointer, its value on each side, and the effect on the client.
    let facts = [
        (
            API_VERSION_CHANGED,
            "#/api_version",
            "the API version the client sends",
            (a.api_version.clone(), b.api_version.clone()),
            "`API_VERSION`, the default `X-Api-Version`, changes: the API answers as another version",
        ),
        (
            REMOVED_VERSIONS_CHANGED,
            "#/removed_versions",
            "the list of removed API versions",
            (listed(&a.removed_versions), listed(&b.removed_versions)),
            "`REMOVED_API_VERSIONS` changes",
        ),
        (
            AUTH_HEADER_CHANGED,
            "#/auth_header",
            "the API key header",
            (a.auth_header.clone(), b.auth_header.clone()),
            "the header the client sends the API key in changes",
        ),
        (
            SERVERS_CHANGED,
            "#/servers",
            "the list of servers",
            (servers(a), servers(b)),
            "the constants of the `servers` module change",
        ),
    ];
    for (kind, pointer, what, (before, after), rust) in facts {
        if before != after {
            let message = format!("{what} changes from {before} to {after}");
            let (operations, pointer, rust) = (every.clone(), pointer.to_owned(), rust.to_owned());
            out.push(kind.finding(operations, pointer, Side::New, message, rust));
        }
    }
    error_types(&a.error_types, &b.error_types, &every, out);
}

/// What the client says of an error type (its place in the file aside).
fn facts(it: &ErrorType) -> (u16, &str, bool) {
    (it.status, it.message.as_str(), it.deprecated)
}

/// `error_types`: `ApiErrorType` gains, loses or changes a variant.
fn error_types(
    before: &[ErrorType],
    after: &[ErrorType],
    every: &[String],
    out: &mut Vec<Finding>,
) {
    let old: HashMap<&str, &ErrorType> = before.iter().map(|it| (it.name.as_str(), it)).collect();
    let new: HashMap<&str, &ErrorType> = after.iter().map(|it| (it.name.as_str(), it)).collect();
    for it in after {
        let name = &it.name;
        let (kind, message, rust) = match old.get(name.as_str()) {
            None => (
                ERROR_TYPE_ADDED,
                format!("the error type `{name}` ({}) is added", it.status),
                format!(
                    "`ApiErrorType` gains a variant for `{name}` (which was `Other`), which \
                     breaks exhaustive `match`es"
                ),
            ),
            Some(previous) if facts(previous) != facts(it) => (
                ERROR_TYPE_CHANGED,
                format!("the error type `{name}` changes (its status, message or deprecation)"),
                format!("the docs, `status()` or `is_deprecated()` of the `{name}` variant change"),
            ),
            Some(_) => continue,
        };
        let pointer = it.pointer.clone();
        out.push(kind.finding(every.to_vec(), pointer, Side::New, message, rust));
    }
    for it in before {
        if !new.contains_key(it.name.as_str()) {
            let name = &it.name;
            let message = format!("the error type `{name}` is removed");
            let rust = format!("`ApiErrorType` loses the variant of `{name}`");
            let pointer = it.pointer.clone();
            out.push(ERROR_TYPE_REMOVED.finding(every.to_vec(), pointer, Side::Old, message, rust));
        }
    }
}
