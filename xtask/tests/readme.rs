//! The README's tables of bodies and their types, rebuilt from the spec, so that they cannot drift from `spec/`.

use std::{collections::BTreeSet, fs};

use xtask::codegen::{
    ir::{Additional, Api, Operation, Schema},
    load, lower,
};

/// The client method of each operation (hand-written in `crates/runa-order-client/src/client.rs`).
const METHODS: &[(&str, &str)] = &[
    ("createOrder", "`create_order`"),
    ("getSingleOrder", "`get_order`"),
    ("getListOfOrders", "`list_orders`, `list_all_orders`"),
    ("estimateOrderPrice", "`estimate_order`"),
];

/// What `create_order` gives for each of its `2xx` bodies (`Created` in the client).
const CREATED: &[(&str, &str)] = &[
    ("SyncCompletedOrder", "`Created::Completed`"),
    ("AsyncAcceptedOrder", "`Created::Accepted`"),
];

/// The client error each error body becomes (`crates/runa-order-client/src/decode.rs`).
const ERRORS: &[(&str, &str)] = &[
    ("APIErrorResponse", "`Error::Api`"),
    ("ValidationErrorResponse", "`Error::Validation`"),
    ("RateExceededResponse", "`Error::RateLimited`"),
];

const START: &str =
    "<!-- bodies-table: start (rebuilt from spec/ and checked by xtask/tests/readme.rs) -->";
const END: &str = "<!-- bodies-table: end -->";

fn api() -> Api {
    let sources =
        load::load(&xtask::project_root().expect("the workspace root")).expect("the spec loads");
    let (api, diagnostics) = lower::lower(&sources);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    api
}

fn lookup<'a>(table: &[(&str, &'a str)], key: &str, what: &str) -> &'a str {
    table
        .iter()
        .find(|(it, _)| *it == key)
        .map(|(_, it)| *it)
        .unwrap_or_else(|| {
            panic!("{what} `{key}` is new: add it to this test and to the README's table")
        })
}

/// The rows of one operation: its responses grouped by body, in order of first status.
fn operation_rows(operation: &Operation, out: &mut String) {
    let mut groups: Vec<(&str, Vec<u16>)> = Vec::new();
    for response in &operation.responses {
        let success = (200..300).contains(&response.status);
        match groups.iter_mut().find(|(body, _)| *body == response.body) {
            // Each success keeps its own row, since each is its own result.
            Some((_, statuses)) if !success => statuses.push(response.status),
            _ => groups.push((&response.body, vec![response.status])),
        }
    }
    let successes = operation
        .responses
        .iter()
        .filter(|it| (200..300).contains(&it.status))
        .count();
    for (i, (body, statuses)) in groups.iter().enumerate() {
        let gives = if (200..300).contains(&statuses[0]) {
            if successes > 1 {
                format!("`Ok`: {}", lookup(CREATED, body, "success body"))
            } else {
                "`Ok`".to_owned()
            }
        } else {
            format!("`Err`: {}", lookup(ERRORS, body, "error body"))
        };
        let statuses = statuses
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        let (operation_cell, method, request) = if i == 0 {
            (
                format!("`{} {}`", operation.method.name(), operation.path),
                lookup(METHODS, &operation.id, "operation").to_owned(),
                operation
                    .request_body
                    .as_ref()
                    .map_or("none".to_owned(), |it| format!("`{it}`")),
            )
        } else {
            Default::default()
        };
        out.push_str(&format!(
            "| {operation_cell} | {method} | {request} | {statuses} | `{body}` | {gives} |\n"
        ));
    }
}

/// Every definition `schema` refers to, directly.
fn references(schema: &Schema, out: &mut BTreeSet<String>) {
    if let Some(name) = &schema.reference {
        out.insert(name.clone());
    }
    let nested = schema
        .array
        .items
        .iter()
        .map(|it| &**it)
        .chain(schema.object.properties.iter().map(|it| &it.schema))
        .chain(schema.object.property_names.iter().map(|it| &**it))
        .chain(match &schema.object.additional {
            Some(Additional::Schema(it)) => Some(&**it),
            _ => None,
        })
        .chain(&schema.all_of)
        .chain(&schema.any_of)
        .chain(&schema.one_of);
    for it in nested {
        references(it, out);
    }
}

/// The definitions reachable from `start`, `start` included.
fn reachable(api: &Api, start: impl IntoIterator<Item = String>) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo: Vec<String> = start.into_iter().collect();
    while let Some(name) = todo.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        if let Some(def) = api.definition(&name) {
            let mut next = BTreeSet::new();
            references(&def.schema, &mut next);
            todo.extend(next);
        }
    }
    seen
}

/// The webhook bodies: the definitions no operation uses and no other definition refers to,
/// each with the definitions it is a `oneOf` of.
fn webhook_rows(api: &Api, out: &mut String) {
    let used = reachable(
        api,
        api.http.operations.iter().flat_map(|op| {
            op.request_body
                .iter()
                .cloned()
                .chain(op.responses.iter().map(|it| it.body.clone()))
        }),
    );
    let mut referenced = BTreeSet::new();
    for def in &api.definitions {
        references(&def.schema, &mut referenced);
    }
    let roots: Vec<_> = api
        .definitions
        .iter()
        .filter(|it| !used.contains(&it.name) && !referenced.contains(&it.name))
        .collect();
    assert!(!roots.is_empty(), "the spec has no webhook body");
    let covered = reachable(api, roots.iter().map(|it| it.name.clone()));
    for def in &api.definitions {
        assert!(
            used.contains(&def.name) || covered.contains(&def.name),
            "{} is neither in a body of an operation nor of a webhook",
            def.name
        );
    }
    for root in roots {
        let variants: Vec<String> = root
            .schema
            .one_of
            .iter()
            .filter_map(|it| it.reference.as_ref())
            .map(|name| {
                let what = api
                    .definition(name)
                    .and_then(|it| it.schema.description.as_deref())
                    .unwrap_or_default();
                format!("`{name}`: {what}")
            })
            .collect();
        let description = root.schema.description.as_deref().unwrap_or_default();
        out.push_str(&format!(
            "| `{}` | {} | {} |\n",
            root.name,
            description,
            if variants.is_empty() {
                "—".to_owned()
            } else {
                variants.join("<br>")
            }
        ));
    }
}

fn expected_tables(api: &Api) -> String {
    let mut out = String::new();
    out.push_str(
        "| Operation | Client method | Request body | Status | Body type | The call gives |\n",
    );
    out.push_str("|---|---|---|---|---|---|\n");
    for operation in &api.http.operations {
        operation_rows(operation, &mut out);
    }
    out.push('\n');
    out.push_str("| Webhook body type | What it is | Its variants |\n");
    out.push_str("|---|---|---|\n");
    webhook_rows(api, &mut out);
    out
}

/// Before, the README said which types exist but not which one reads which answer.
#[test]
fn the_readme_tables_of_bodies_match_the_spec() {
    let api = api();
    let expected = expected_tables(&api);
    let path = xtask::project_root()
        .expect("the workspace root")
        .join("README.md");
    let readme = fs::read_to_string(&path).expect("README.md is readable");
    let (Some(start), Some(end)) = (readme.find(START), readme.find(END)) else {
        panic!(
            "README.md lacks the markers {START:?} and {END:?}; put this between them:\n\n{expected}"
        );
    };
    let actual = readme[start + START.len()..end].trim();
    assert!(
        actual == expected.trim(),
        "the README's tables of bodies are out of date with spec/; replace the text between the markers with:\n\n{expected}"
    );
}
