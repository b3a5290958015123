//! The mock's behaviours seen over raw HTTP, including the ones a correct client never triggers.

use std::time::Duration;

use reqwest::StatusCode;
use runa_order_mock::{Config, Faults, MockServer};
use serde_json::{Value, json};

const KEY: &str = "XXtest.key";

fn order(items: usize) -> Value {
    let item = json!({
        "face_value": 10,
        "distribution_method": {"type": "EMAIL", "email_address": "fred@example.com"},
        "products": {"type": "SINGLE", "value": "AMZ-US"}
    });
    json!({
        "payment_method": {"type": "ACCOUNT_BALANCE", "currency": "USD"},
        "items": vec![item; items]
    })
}

async fn start() -> MockServer {
    MockServer::start(Config {
        async_delay: Duration::from_millis(100),
        ..Config::default()
    })
    .await
    .unwrap()
}

/// Every answer the mock sent so far validates against the spec.
fn assert_answers_follow_the_spec(mock: &MockServer) {
    let violations = mock.spec_violations();
    assert!(violations.is_empty(), "{violations:?}");
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

async fn post(
    mock: &MockServer,
    headers: &[(&str, &str)],
    body: impl Into<reqwest::Body>,
) -> (StatusCode, Value) {
    let mut request = http().post(format!("{}/order", mock.base_url()));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.body(body).send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

fn text(value: &Value) -> String {
    value.to_string()
}

#[tokio::test]
async fn authentication_versions_and_headers() {
    let mock = start().await;
    let body = text(&order(1));
    let (status, answer) = post(&mock, &[("X-Idempotency-Key", "a")], body.clone()).await;
    assert_eq!(
        (status.as_u16(), answer["type"].as_str()),
        (401, Some("unauthorized"))
    );
    for (version, expected, ty) in [
        ("2023-01-16", 410, "version_removed"),
        ("2023-07-27", 410, "version_removed"),
        ("2025-01-01", 400, "invalid_version"),
    ] {
        let (status, answer) = post(
            &mock,
            &[
                ("X-Api-Key", KEY),
                ("X-Api-Version", version),
                ("X-Idempotency-Key", "a"),
            ],
            body.clone(),
        )
        .await;
        assert_eq!(
            (status.as_u16(), answer["type"].as_str()),
            (expected, Some(ty))
        );
    }
    let (status, answer) = post(&mock, &[("X-Api-Key", KEY)], body.clone()).await;
    assert_eq!(
        (status.as_u16(), answer["type"].as_str()),
        (400, Some("bad_request"))
    );
    let (status, answer) = post(
        &mock,
        &[
            ("X-Api-Key", KEY),
            ("X-Idempotency-Key", "b"),
            ("X-Execution-Mode", "later"),
        ],
        body.clone(),
    )
    .await;
    assert_eq!(
        (status.as_u16(), answer["type"].as_str()),
        (400, Some("invalid_execution_mode"))
    );
    let (status, answer) = post(
        &mock,
        &[
            ("X-Api-Key", KEY),
            ("X-Idempotency-Key", "c"),
            ("X-Execution-Mode", "sync"),
        ],
        text(&order(2)),
    )
    .await;
    assert_eq!(
        (status.as_u16(), answer["type"].as_str()),
        (400, Some("invalid_execution_mode"))
    );
    let (status, answer) = post(
        &mock,
        &[("X-Api-Key", KEY), ("X-Idempotency-Key", "d")],
        "{not json",
    )
    .await;
    assert_eq!(
        (status.as_u16(), answer["type"].as_str()),
        (400, Some("bad_request"))
    );
    assert_eq!(mock.order_count(), 0);

    let response = http()
        .get(format!("{}/order/O-1", mock.base_url()))
        .header("X-Api-Key", KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    assert_eq!(response.headers()["X-Api-Version"], "2024-02-05");
    assert_answers_follow_the_spec(&mock);
}

#[tokio::test]
async fn a_body_of_the_wrong_type_gets_422_with_the_location() {
    let mock = start().await;
    let mut body = order(2);
    body["items"][1]["face_value"] = json!("ten");
    let (status, answer) = post(
        &mock,
        &[("X-Api-Key", KEY), ("X-Idempotency-Key", "e")],
        text(&body),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(answer["type"], "validation_error");
    assert_eq!(
        answer["details"][0]["location"],
        json!(["items", "1", "face_value"])
    );
    assert_answers_follow_the_spec(&mock);
}

#[tokio::test]
async fn a_body_the_spec_refuses_gets_422_with_every_location() {
    let mock = start().await;
    let mut body = order(1);
    body["items"][0]["face_value"] = json!(0);
    body["payment_method"]["currency"] = json!("usd");
    let (status, answer) = post(
        &mock,
        &[("X-Api-Key", KEY), ("X-Idempotency-Key", "v")],
        text(&body),
    )
    .await;
    assert_eq!(status, 422);
    let locations: Vec<&Value> = answer["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|it| &it["location"])
        .collect();
    assert!(
        locations.contains(&&json!(["items", "0", "face_value"])),
        "{answer}"
    );
    assert!(
        locations.contains(&&json!(["payment_method", "currency"])),
        "{answer}"
    );
    assert_eq!(mock.order_count(), 0);
    assert_answers_follow_the_spec(&mock);
}

#[tokio::test]
async fn the_same_key_and_body_replays_and_another_body_is_refused() {
    let mock = start().await;
    let headers = [("X-Api-Key", KEY), ("X-Idempotency-Key", "same")];
    let (first_status, first) = post(&mock, &headers, text(&order(2))).await;
    assert_eq!(first_status, 202);
    // The same body, laid out differently, is the same body.
    let pretty = serde_json::to_string_pretty(&order(2)).unwrap();
    let (status, again) = post(&mock, &headers, pretty).await;
    assert_eq!((status, &again), (first_status, &first));
    let (status, other) = post(&mock, &headers, text(&order(1))).await;
    assert_eq!(
        (status.as_u16(), other["type"].as_str()),
        (400, Some("idempotency_validation_error"))
    );
    // Keys are per API key.
    let (status, _) = post(
        &mock,
        &[("X-Api-Key", "XXother.key"), ("X-Idempotency-Key", "same")],
        text(&order(1)),
    )
    .await;
    assert_eq!(status, 202);
    assert_eq!(mock.order_count(), 2);
    // Triggered errors are outcomes: recorded and replayed.
    let trigger = [
        ("X-Api-Key", KEY),
        ("X-Idempotency-Key", "t"),
        ("X-Trigger-Error", "internal_server_error"),
    ];
    let (status, _) = post(&mock, &trigger, text(&order(1))).await;
    assert_eq!(status, 500);
    let (status, _) = post(&mock, &headers[..], text(&order(2))).await;
    assert_eq!(status, 202);
    let (status, _) = post(
        &mock,
        &[("X-Api-Key", KEY), ("X-Idempotency-Key", "t")],
        text(&order(1)),
    )
    .await;
    assert_eq!(status, 500, "the recorded 500 is replayed");
    assert_answers_follow_the_spec(&mock);
}

#[tokio::test]
async fn a_repeat_in_progress_is_refused_until_the_first_finishes() {
    let mock = start().await;
    mock.set_faults(Faults {
        delay: Some(Duration::from_millis(1500)),
        ..Faults::default()
    });
    let headers = [("X-Api-Key", KEY), ("X-Idempotency-Key", "slow")];
    let body = text(&order(1));
    let (first, second) = tokio::join!(post(&mock, &headers, body.clone()), async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        post(&mock, &headers, body.clone()).await
    });
    assert_eq!(first.0, 202);
    assert_eq!(
        (second.0.as_u16(), second.1["type"].as_str()),
        (400, Some("idempotency_in_progress"))
    );
    assert_eq!(mock.order_count(), 1);
}

#[tokio::test]
async fn a_dropped_connection_still_stores_the_order_once() {
    let mock = start().await;
    mock.set_faults(Faults {
        drop_after_store_every: Some(1),
        ..Faults::default()
    });
    let headers = [("X-Api-Key", KEY), ("X-Idempotency-Key", "dropped")];
    let err = http()
        .post(format!("{}/order", mock.base_url()))
        .header(headers[0].0, headers[0].1)
        .header(headers[1].0, headers[1].1)
        .body(text(&order(1)))
        .send()
        .await
        .expect_err("no answer comes");
    assert!(!err.is_timeout(), "{err}");
    assert_eq!(mock.order_count(), 1);
    mock.set_faults(Faults::default());
    let (status, answer) = post(&mock, &headers, text(&order(1))).await;
    assert_eq!(status, 202);
    assert_eq!(answer["id"].as_str(), Some(mock.orders()[0].id.as_str()));
    assert_eq!(mock.order_count(), 1);
}

#[tokio::test]
async fn injected_faults_before_the_idempotency_layer_record_nothing() {
    let mock = start().await;
    mock.set_faults(Faults {
        rate_limit_every: Some(1),
        retry_after_secs: 3,
        ..Faults::default()
    });
    let headers = [("X-Api-Key", KEY), ("X-Idempotency-Key", "f")];
    let response = http()
        .post(format!("{}/order", mock.base_url()))
        .header(headers[0].0, headers[0].1)
        .header(headers[1].0, headers[1].1)
        .body(text(&order(1)))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 429);
    assert_eq!(response.headers()["Retry-After"], "3");
    mock.set_faults(Faults {
        server_error_every: Some(1),
        ..Faults::default()
    });
    let (status, _) = post(&mock, &headers, text(&order(1))).await;
    assert_eq!(status, 500);
    mock.set_faults(Faults::default());
    let (status, _) = post(&mock, &headers, text(&order(1))).await;
    assert_eq!(status, 202, "the key was never recorded");
    assert_eq!(mock.order_count(), 1);
}

#[tokio::test]
async fn pagination_parameters_are_checked() {
    let mock = start().await;
    // The bounds of `limit` are the spec's, read by the generated query parser.
    for (query, message) in [
        ("limit=0", "`limit` is 0, below the minimum of 1"),
        ("limit=501", "`limit` is 501, above the maximum of 500"),
        ("limit=x", "`limit` is \"x\", not an integer"),
        ("after=zzz", "after cursor is invalid"),
        ("after=c1&before=c2", "either before or after"),
    ] {
        let response = http()
            .get(format!("{}/order?{query}", mock.base_url()))
            .header("X-Api-Key", KEY)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{query}");
        let answer: Value = response.json().await.unwrap();
        assert_eq!(answer["type"], "pagination_error", "{query}");
        let text = answer["message"].as_str().unwrap_or_default();
        assert!(text.contains(message), "{query}: {text}");
    }
    let answer: Value = http()
        .get(format!("{}/order", mock.base_url()))
        .header("X-Api-Key", KEY)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        answer,
        json!({"items": [], "pagination": {"cursors": {}, "page": {"limit": 100}}})
    );
    assert_answers_follow_the_spec(&mock);
}

#[tokio::test]
async fn concurrent_creates_are_neither_lost_nor_duplicated() {
    let mock = start().await;
    let requests = (0..300).map(|n| {
        let mock = &mock;
        async move {
            let key = format!("k{}", n % 100);
            post(
                mock,
                &[("X-Api-Key", KEY), ("X-Idempotency-Key", &key)],
                text(&order(1)),
            )
            .await
        }
    });
    let answers = futures::future::join_all(requests).await;
    for (status, answer) in &answers {
        let ok = *status == 202 || (*status == 400 && answer["type"] == "idempotency_in_progress");
        assert!(ok, "{status} {answer}");
    }
    assert_eq!(mock.order_count(), 100);
}

/// Found by schemathesis (issue 12): a request that reused the key of a placed order with an
/// execution mode outside the enum got the recorded `202` back. The mode is checked before the
/// idempotency layer now, so it is refused, and the key's record is left as it was.
#[tokio::test]
async fn a_bad_execution_mode_is_refused_even_for_a_known_key() {
    let mock = start().await;
    let body = text(&order(1));
    let headers = [("X-Api-Key", KEY), ("X-Idempotency-Key", "known")];
    let (status, first) = post(&mock, &headers, body.clone()).await;
    assert_eq!(status.as_u16(), 202, "{first}");
    let (status, answer) = post(
        &mock,
        &[
            ("X-Api-Key", KEY),
            ("X-Idempotency-Key", "known"),
            ("X-Execution-Mode", "AAA"),
        ],
        body.clone(),
    )
    .await;
    assert_eq!(
        (status.as_u16(), answer["type"].as_str()),
        (400, Some("invalid_execution_mode"))
    );
    // The key still replays the order it placed, and no second order exists.
    let (status, replay) = post(&mock, &headers, body).await;
    assert_eq!(status.as_u16(), 202);
    assert_eq!(replay["id"], first["id"]);
    assert_eq!(mock.order_count(), 1);
    assert_answers_follow_the_spec(&mock);
}

/// A body with one item of `face_value` written as this exact JSON text.
fn order_text(face_value: &str) -> String {
    format!(
        r#"{{"payment_method": {{"type": "ACCOUNT_BALANCE", "currency": "USD"}},
        "items": [{{"face_value": {face_value},
          "distribution_method": {{"type": "EMAIL", "email_address": "fred@example.com"}},
          "products": {{"type": "SINGLE", "value": "AMZ-US"}}}}]}}"#
    )
}

/// Issue 18, item 5: the idempotency fingerprint compares amounts exactly, as decimals. Two
/// amounts that are one `f64` (`100000000000000001.0` and `100000000000000000.0`; `1.005` and
/// `1.00499999999999999`) are different orders, so the second is `400
/// idempotency_validation_error`; the same decimal written another way (`10`, `10.0`, `10.00`,
/// `1e1`) is the same request and replays the first answer.
#[tokio::test]
async fn a_key_reused_with_another_exact_amount_is_refused() {
    let mock = start().await;
    for (key, first, second) in [
        ("big", "100000000000000000.0", "100000000000000001.0"),
        ("half-cent", "1.005", "1.00499999999999999"),
    ] {
        let headers = [("X-Api-Key", KEY), ("X-Idempotency-Key", key)];
        let (status, placed) = post(&mock, &headers, order_text(first)).await;
        assert_eq!(status, 202, "{placed}");
        let (status, answer) = post(&mock, &headers, order_text(second)).await;
        assert_eq!(
            (status.as_u16(), answer["type"].as_str()),
            (400, Some("idempotency_validation_error")),
            "{second} after {first} under one key: {answer}"
        );
    }
    assert_eq!(mock.order_count(), 2);

    let headers = [("X-Api-Key", KEY), ("X-Idempotency-Key", "ten")];
    let (status, first) = post(&mock, &headers, order_text("10")).await;
    assert_eq!(status, 202, "{first}");
    for same in ["10.0", "10.00", "1e1", "1.000E+1", "0.10e2"] {
        let (status, again) = post(&mock, &headers, order_text(same)).await;
        assert_eq!((status, &again), (StatusCode::ACCEPTED, &first), "{same}");
    }
    assert_eq!(mock.order_count(), 3);
    assert_answers_follow_the_spec(&mock);
}

/// GET with an API key.
async fn get_as(mock: &MockServer, api_key: &str, path: &str) -> (StatusCode, Value) {
    let response = http()
        .get(format!("{}{path}", mock.base_url()))
        .header("X-Api-Key", api_key)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

/// Issue 18, item 9: an order belongs to the API key that placed it, as idempotency keys do.
/// Another key gets `404` for it and does not see it in its lists.
#[tokio::test]
async fn orders_are_scoped_by_api_key() {
    let (a, b) = ("XXkey.a", "XXkey.b");
    let mock = MockServer::start(Config {
        async_delay: Duration::ZERO,
        api_keys: Some(vec![a.to_owned(), b.to_owned()]),
        ..Config::default()
    })
    .await
    .unwrap();
    let (status, placed) = post(
        &mock,
        &[("X-Api-Key", a), ("X-Idempotency-Key", "one")],
        text(&order(1)),
    )
    .await;
    assert_eq!(status, 202, "{placed}");
    let id = placed["id"].as_str().unwrap();
    let (status, answer) = get_as(&mock, b, &format!("/order/{id}")).await;
    assert_eq!(
        (status.as_u16(), answer["type"].as_str()),
        (404, Some("not_found"))
    );
    let (status, list) = get_as(&mock, b, "/order").await;
    assert_eq!(status, 200);
    assert_eq!(list["items"], json!([]), "{list}");
    let (status, list) = get_as(&mock, b, "/order?limit=500&before=c0").await;
    assert_eq!(status, 200);
    assert_eq!(list["items"], json!([]), "{list}");

    let (status, order) = get_as(&mock, a, &format!("/order/{id}")).await;
    assert_eq!((status.as_u16(), order["id"].as_str()), (200, Some(id)));
    let (status, list) = get_as(&mock, a, "/order").await;
    assert_eq!(status, 200);
    assert_eq!(list["items"].as_array().unwrap().len(), 1, "{list}");
    assert_eq!(list["items"][0]["id"].as_str(), Some(id));
    assert_answers_follow_the_spec(&mock);
}

/// The member `name` of `object` is present and `null`.
fn assert_null(object: &Value, name: &str, what: &str) {
    let members = object
        .as_object()
        .unwrap_or_else(|| panic!("{what} is not an object: {object}"));
    assert_eq!(
        members.get(name),
        Some(&Value::Null),
        "{what} must send `{name}: null`: {object}"
    );
}

/// Issue 18, item 10: where the API sends `null` (an order's `description` and `metadata`
/// when none was given, a payout's `expiry_date` without link expiry, a subtotal's `fx`
/// without a conversion, a 422's `help`), the mock sends `null` too, in the raw JSON of every
/// answer that has them; given values are echoed.
#[tokio::test]
async fn answers_carry_the_nulls_the_api_sends() {
    let mock = MockServer::start(Config {
        async_delay: Duration::ZERO,
        ..Config::default()
    })
    .await
    .unwrap();
    let (status, sync) = post(
        &mock,
        &[
            ("X-Api-Key", KEY),
            ("X-Idempotency-Key", "sync"),
            ("X-Execution-Mode", "sync"),
        ],
        text(&order(1)),
    )
    .await;
    assert_eq!(status, 200, "{sync}");
    let id = sync["id"].as_str().unwrap().to_owned();
    let (status, full) = get_as(&mock, KEY, &format!("/order/{id}")).await;
    assert_eq!(status, 200);
    let (status, list) = get_as(&mock, KEY, "/order").await;
    assert_eq!(status, 200);
    for (what, order) in [("the sync answer", &sync), ("GET /order/{id}", &full)] {
        assert_null(order, "description", what);
        assert_null(order, "metadata", what);
        assert_null(&order["items"][0]["payout"], "expiry_date", what);
        assert_null(&order["transaction_detail"]["USD"], "fx", what);
    }
    assert_null(&list["items"][0], "description", "a list item");

    // Given values are echoed, not replaced.
    let mut described = order(1);
    described["description"] = json!("Summer campaign");
    described["metadata"] = json!({"campaign": "summer"});
    let (status, placed) = post(
        &mock,
        &[
            ("X-Api-Key", KEY),
            ("X-Idempotency-Key", "described"),
            ("X-Execution-Mode", "sync"),
        ],
        text(&described),
    )
    .await;
    assert_eq!(status, 200, "{placed}");
    assert_eq!(placed["description"], "Summer campaign");
    assert_eq!(placed["metadata"], json!({"campaign": "summer"}));

    // A 422's `help` is null, as in the API's examples.
    let mut bad = order(1);
    bad["items"][0]["face_value"] = json!(0);
    let (status, refused) = post(
        &mock,
        &[("X-Api-Key", KEY), ("X-Idempotency-Key", "bad")],
        text(&bad),
    )
    .await;
    assert_eq!(status, 422);
    assert_null(&refused, "help", "a 422 answer");
    assert_answers_follow_the_spec(&mock);
}
