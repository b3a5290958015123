//! What a service sees when a body of a union type is wrong: the field's path and its line, never "did not match any variant".

use std::{fs, path::PathBuf};

use runa_order_types::{GetSingleOrderResponse, OrderCompletionWebhook, OrderList};

fn payload(path: &str) -> String {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/payloads/valid");
    fs::read_to_string(root.join(path)).expect("a payload of the repository")
}

/// The body with its first order ID replaced by the number 42, and the line that ID is on.
fn id_as_number(text: &str) -> (String, usize) {
    let at = text.find("\"O-").expect("an order ID");
    let end = at + 1 + text[at + 1..].find('"').expect("the end of the ID");
    let line = text[..at].matches('\n').count() + 1;
    (format!("{}42{}", &text[..at], &text[end + 1..]), line)
}

fn assert_located(message: &str, path: &str, line: Option<usize>) {
    assert!(
        message.starts_with(&format!("{path}: invalid type: integer `42`, expected")),
        "{message}"
    );
    assert!(!message.contains("did not match any variant"), "{message}");
    match line {
        Some(line) => assert!(
            message.contains(&format!("at line {line} column ")),
            "{message}"
        ),
        None => assert!(message.contains(" at line "), "{message}"),
    }
}

#[test]
fn every_union_body_names_the_wrong_field_and_its_line() {
    for file in ["completed-with-template.json", "incomplete.json"] {
        let (bad, line) = id_as_number(&payload(&format!("GetSingleOrderResponse/{file}")));
        let err = serde_json::from_str::<GetSingleOrderResponse>(&bad).unwrap_err();
        assert_located(&err.to_string(), "id", Some(line));
    }
    for file in ["completed.json", "failed.json"] {
        let (bad, line) = id_as_number(&payload(&format!("OrderCompletionWebhook/{file}")));
        let err = serde_json::from_str::<OrderCompletionWebhook>(&bad).unwrap_err();
        assert_located(&err.to_string(), "id", Some(line));
    }
    // An `OrderListItem` inside a list: the path starts at the list.
    let (bad, _) = id_as_number(&payload("OrderList/two-orders.json"));
    let err = serde_json::from_str::<OrderList>(&bad).unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains("id: invalid type: integer `42`"),
        "{message}"
    );
    assert!(message.contains(" at line "), "{message}");
    assert!(!message.contains("did not match any variant"), "{message}");
}
