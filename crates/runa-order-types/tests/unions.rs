//! The unions without a tag (`GetSingleOrderResponse`, `OrderListItem`, `OrderCompletionWebhook`): the variant is chosen from what tells them apart, and a body that fits none gets the chosen variant's error with its path, line and column.

use std::{fs, path::PathBuf};

use runa_order_types::{
    CompletedOrderWithBasicDetails, CompletedOrderWithFullDetails, GetSingleOrderResponse,
    OrderCompletionWebhook, OrderList, OrderListItem,
};

fn payload(path: &str) -> String {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/payloads/valid");
    fs::read_to_string(root.join(path)).unwrap()
}

/// `text` with the first `from` after `after` replaced by `to`.
fn break_after(text: &str, after: &str, from: &str, to: &str) -> String {
    let at = text.find(after).expect("anchor") + after.len();
    let (head, tail) = text.split_at(at);
    format!("{head}{}", tail.replacen(from, to, 1))
}

#[test]
fn a_completed_order_with_one_wrong_field_names_the_field_and_its_line() {
    let text = payload("GetSingleOrderResponse/completed-with-template.json");
    // The first item's face value as a number instead of a decimal string (line 19).
    let bad = break_after(
        &text,
        "\"items\"",
        "\"face_value\": \"20\"",
        "\"face_value\": 20",
    );
    let err = serde_json::from_str::<GetSingleOrderResponse>(&bad).unwrap_err();
    let message = err.to_string();
    assert!(
        message.starts_with(
            "items[0].face_value: invalid type: integer `20`, expected a decimal string (an exact decimal amount) at line 19 column 22"
        ),
        "{message}"
    );
    assert!(
        message.ends_with(
            "(read as `CompletedOrderWithFullDetails`, one of the variants of `GetSingleOrderResponse`)"
        ),
        "{message}"
    );
    assert!(!message.contains("did not match any variant"), "{message}");
    // The position is the one serde_json gives when it reads the variant on its own.
    let direct = serde_json::from_str::<CompletedOrderWithFullDetails>(&bad).unwrap_err();
    assert!(
        message.contains(&format!(
            "at line {} column {}",
            direct.line(),
            direct.column()
        )),
        "{message} / {direct}"
    );
}

#[test]
fn a_bad_incomplete_order_is_reported_as_one() {
    let text = "{\n  \"id\": \"O-1\",\n  \"status\": \"PROCESSING\",\n  \"message\": 5\n}";
    let err = serde_json::from_str::<GetSingleOrderResponse>(text).unwrap_err();
    assert_eq!(
        err.to_string(),
        "message: invalid type: integer `5`, expected a string at line 4 column 14 (read as `IncompleteOrder`, one of the variants of `GetSingleOrderResponse`)"
    );
    // A status the enum does not know is reported at the status, in the variant that has
    // the most of its required fields.
    let text = r#"{"id": "O-1", "status": "DONE", "message": "x"}"#;
    let err = serde_json::from_str::<GetSingleOrderResponse>(text).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("status: unknown variant `DONE`"),
        "{err}"
    );
    assert!(
        err.to_string().contains("read as `IncompleteOrder`"),
        "{err}"
    );
}

#[test]
fn valid_bodies_still_read_as_their_variant() {
    let completed = payload("GetSingleOrderResponse/completed-with-template.json");
    assert!(matches!(
        serde_json::from_str::<GetSingleOrderResponse>(&completed).unwrap(),
        GetSingleOrderResponse::CompletedOrderWithFullDetails(_)
    ));
    let incomplete = payload("GetSingleOrderResponse/incomplete.json");
    assert!(matches!(
        serde_json::from_str::<GetSingleOrderResponse>(&incomplete).unwrap(),
        GetSingleOrderResponse::IncompleteOrder(_)
    ));
    // And they are written back as the same JSON.
    let read: GetSingleOrderResponse = serde_json::from_str(&completed).unwrap();
    let again: GetSingleOrderResponse =
        serde_json::from_str(&serde_json::to_string(&read).unwrap()).unwrap();
    assert_eq!(
        serde_json::to_value(&read).unwrap(),
        serde_json::to_value(&again).unwrap()
    );
    // From a `serde_json::Value` too.
    let value: serde_json::Value = serde_json::from_str(&incomplete).unwrap();
    assert!(matches!(
        serde_json::from_value::<GetSingleOrderResponse>(value).unwrap(),
        GetSingleOrderResponse::IncompleteOrder(_)
    ));
}

#[test]
fn an_order_list_item_names_its_field_and_line() {
    let text = payload("OrderList/two-orders.json");
    let item_text = r#"{
  "id": "O-1",
  "status": "COMPLETED",
  "created_at": "2025-06-30T11:00:00Z",
  "payment_method": { "type": "ACCOUNT_BALANCE" },
  "currency": "usd",
  "total_price": "97.50",
  "total_discount": "2.50"
}"#;
    let err = serde_json::from_str::<OrderListItem>(item_text).unwrap_err();
    let message = err.to_string();
    assert!(
        message.starts_with("currency: doesn't match pattern \"^[A-Z]{3}$\" at line 6 column 19"),
        "{message}"
    );
    assert!(
        message.contains("read as `CompletedOrderWithBasicDetails`"),
        "{message}"
    );
    let direct = serde_json::from_str::<CompletedOrderWithBasicDetails>(item_text).unwrap_err();
    assert_eq!((direct.line(), direct.column()), (6, 19), "{direct}");

    // Inside a list: the outer path leads to the item, the item's message names the field,
    // and serde_json adds where the item ends in the whole text.
    let bad = break_after(&text, "\"total_price\"", "\"97.50\"", "97.50");
    let mut de = serde_json::Deserializer::from_str(&bad);
    let err = serde_path_to_error::deserialize::<_, OrderList>(&mut de).unwrap_err();
    assert_eq!(err.path().to_string(), "items[0]");
    let message = err.inner().to_string();
    assert!(
        message.starts_with(
            "total_price: invalid type: floating point `97.5`, expected a decimal string (an exact decimal amount) at line 9 column 26"
        ),
        "{message}"
    );
    assert!(message.ends_with("at line 14 column 4"), "{message}");
}

#[test]
fn the_webhook_is_told_apart_by_its_status() {
    let completed = payload("OrderCompletionWebhook/completed.json");
    // A completed webhook with a bad amount is reported as a completed one…
    let bad = completed.replacen("\"97.50\"", "97.50", 1);
    let err = serde_json::from_str::<OrderCompletionWebhook>(&bad).unwrap_err();
    let message = err.to_string();
    assert!(
        message.starts_with(
            "total_price: invalid type: floating point `97.5`, expected a decimal string"
        ),
        "{message}"
    );
    assert!(message.contains(" at line 8 column "), "{message}");
    assert!(
        message.contains("read as `CompletedOrderWebhook`"),
        "{message}"
    );
    // …and a failed one by its status, even with the fields of a completed one around.
    let bad = r#"{"status": "FAILED", "created_at": "2025-06-30T11:00:00Z", "total_price": "1"}"#;
    let err = serde_json::from_str::<OrderCompletionWebhook>(bad).unwrap_err();
    assert_eq!(
        err.to_string(),
        "missing field `id` at line 1 column 78 (read as `FailedOrderWebhook`, one of the variants of `OrderCompletionWebhook`)"
    );
    let failed = payload("OrderCompletionWebhook/failed.json");
    assert!(matches!(
        serde_json::from_str::<OrderCompletionWebhook>(&failed).unwrap(),
        OrderCompletionWebhook::FailedOrderWebhook(_)
    ));
    assert!(matches!(
        serde_json::from_str::<OrderCompletionWebhook>(&completed).unwrap(),
        OrderCompletionWebhook::CompletedOrderWebhook(_)
    ));
}

#[test]
fn text_that_is_not_an_object_is_refused_with_a_message() {
    let err = serde_json::from_str::<GetSingleOrderResponse>("[1, 2]").unwrap_err();
    assert!(
        err.to_string()
            .starts_with("[0]: invalid type: integer `1`, expected a string at line 1 column 2"),
        "{err}"
    );
    let err = serde_json::from_str::<GetSingleOrderResponse>("{\"id\": ").unwrap_err();
    assert!(err.to_string().contains("EOF"), "{err}");
}
