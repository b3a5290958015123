//! Request bodies the mock reads as the validator and the types do (issue 18, items 1 and 2): numbers with exponents beyond `f64`'s reach, and a UTF-8 byte-order mark.

use std::time::Duration;

use runa_order_mock::{Config, MockServer};
use serde_json::Value;

const KEY: &str = "XXtest.key";

/// An order whose one item has the face value `face_value` (JSON number text), on the third
/// line of the text.
fn order_with_face_value(face_value: &str) -> String {
    format!(
        "{{\"payment_method\": {{\"type\": \"ACCOUNT_BALANCE\", \"currency\": \"USD\"}},\n\"items\": [{{\"distribution_method\": {{\"type\": \"PAYOUT_LINK\"}},\n\"products\": {{\"type\": \"SINGLE\", \"value\": \"AMZ-US\"}}, \"face_value\": {face_value}}}]}}"
    )
}

/// `POST /order` with `body` under a fresh idempotency key: the status and the answer.
async fn create(mock: &MockServer, key: &str, body: Vec<u8>) -> (u16, Value) {
    let response = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
        .post(format!("{}/order", mock.base_url()))
        .header("X-Api-Key", KEY)
        .header("X-Idempotency-Key", key)
        .header("Content-Type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

/// Issue 18, item 1: through the mock, `0.` + 65,535 zeros + `1e655360` got a 422 that said
/// "0.0000…0 is greater than 999…99", and `1` + 655,360 zeros + `e-655360` (exactly 1) a 422
/// "without a reason (a validator bug)". The first is not JSON, as serde_json says (a
/// located 400); the second is an order of 1.00.
#[tokio::test]
async fn numbers_with_huge_exponents_are_read_as_the_types_read_them() {
    let mock = MockServer::start(Config::default()).await.unwrap();
    let huge = order_with_face_value(&format!("0.{}1e655360", "0".repeat(65_535)));
    let (status, answer) = create(&mock, "huge", huge.into_bytes()).await;
    assert_eq!(status, 400, "{answer}");
    assert_eq!(answer["type"], "bad_request", "{answer}");
    let message = answer["message"].as_str().unwrap();
    assert!(
        message.starts_with("The body is not valid JSON: 3:")
            && message.contains("number out of range"),
        "{message}"
    );

    let one = order_with_face_value(&format!("1{}e-655360", "0".repeat(655_360)));
    let (status, answer) = create(&mock, "one", one.into_bytes()).await;
    assert_eq!(status, 202, "{answer}");
    assert_eq!(answer["status"], "PROCESSING", "{answer}");
    assert_eq!(mock.order_count(), 1);
    assert!(
        mock.spec_violations().is_empty(),
        "{:?}",
        mock.spec_violations()
    );
}

/// Issue 18, item 2: a byte-order mark before a valid order got a 422 `maximum` detail at
/// `["items"]` saying " is not a number". It is not JSON for the validator, serde_json and
/// the types, so the mock refuses it with a 400 that names it, and stores nothing.
#[tokio::test]
async fn a_byte_order_mark_is_refused_as_not_json() {
    let mock = MockServer::start(Config::default()).await.unwrap();
    let mut body = "\u{feff}".as_bytes().to_vec();
    body.extend(order_with_face_value("10").into_bytes());
    let (status, answer) = create(&mock, "mark", body).await;
    assert_eq!(status, 400, "{answer}");
    assert_eq!(answer["type"], "bad_request", "{answer}");
    let message = answer["message"].as_str().unwrap();
    assert!(
        message.starts_with(
            "The body is not valid JSON: 1:1: the text starts with a UTF-8 byte-order mark"
        ),
        "{message}"
    );
    assert_eq!(mock.order_count(), 0);
    // The same order without the mark is placed.
    let (status, answer) = create(&mock, "plain", order_with_face_value("10").into_bytes()).await;
    assert_eq!(status, 202, "{answer}");
}
