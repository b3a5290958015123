//! Realistic payloads through the generated types: valid ones round-trip, invalid ones are refused with a path.

use std::{fs, path::PathBuf};

use runa_order_types as types;
use serde::{Serialize, de::DeserializeOwned};
use serde_json::{Value, json};

fn payloads_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/payloads")
}

/// Reads `text` as `T`, reporting the serde path of a failure.
fn decode<T: DeserializeOwned>(value: &Value) -> Result<T, String> {
    let text = value.to_string();
    let de = &mut serde_json::Deserializer::from_str(&text);
    serde_path_to_error::deserialize(de).map_err(|err| format!("{}: {}", err.path(), err.inner()))
}

/// JSON equality as the API means it: numbers compare by value (`10` is `10.0`), and an
/// optional member that is `null` is the same as an absent one.
fn equivalent(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(xs), Value::Array(ys)) => {
            xs.len() == ys.len() && xs.iter().zip(ys).all(|(x, y)| equivalent(x, y))
        }
        (Value::Object(xs), Value::Object(ys)) => {
            let keys: std::collections::BTreeSet<&String> = xs.keys().chain(ys.keys()).collect();
            keys.into_iter()
                .all(|key| match (xs.get(key), ys.get(key)) {
                    (Some(x), Some(y)) => equivalent(x, y),
                    (Some(Value::Null), None) | (None, Some(Value::Null)) => true,
                    _ => false,
                })
        }
        _ => a == b,
    }
}

fn round_trip<T: DeserializeOwned + Serialize>(name: &str, value: &Value) {
    let typed: T = decode(value).unwrap_or_else(|err| panic!("{name} was refused: {err}"));
    let again = serde_json::to_value(&typed).unwrap();
    assert!(
        equivalent(value, &again),
        "{name} changed in a round trip:\nbefore: {value:#}\nafter:  {again:#}"
    );
}

/// Every `tests/payloads/valid/<Type>/*.json` file deserializes as `<Type>` and serializes back
/// to an equivalent value.
#[test]
fn valid_payloads_round_trip() {
    let mut checked = Vec::new();
    let mut dirs: Vec<_> = fs::read_dir(payloads_dir().join("valid"))
        .unwrap()
        .map(|it| it.unwrap().path())
        .collect();
    dirs.sort();
    for dir in dirs {
        let type_name = dir.file_name().unwrap().to_str().unwrap().to_owned();
        let mut files: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .map(|it| it.unwrap().path())
            .collect();
        files.sort();
        assert!(!files.is_empty(), "{} has no payload", dir.display());
        for file in files {
            let name = format!(
                "{type_name}/{}",
                file.file_name().unwrap().to_str().unwrap()
            );
            let value: Value = serde_json::from_str(&fs::read_to_string(&file).unwrap()).unwrap();
            match type_name.as_str() {
                "NewOrderDetails" => round_trip::<types::NewOrderDetails>(&name, &value),
                "OrderPriceRequest" => round_trip::<types::OrderPriceRequest>(&name, &value),
                "SyncCompletedOrder" => round_trip::<types::SyncCompletedOrder>(&name, &value),
                "AsyncAcceptedOrder" => round_trip::<types::AsyncAcceptedOrder>(&name, &value),
                "GetSingleOrderResponse" => {
                    round_trip::<types::GetSingleOrderResponse>(&name, &value)
                }
                "CompletedOrderWithFullDetails" => {
                    round_trip::<types::CompletedOrderWithFullDetails>(&name, &value)
                }
                "OrderList" => round_trip::<types::OrderList>(&name, &value),
                "OrderPriceResponse" => round_trip::<types::OrderPriceResponse>(&name, &value),
                "APIErrorResponse" => round_trip::<types::APIErrorResponse>(&name, &value),
                "ValidationErrorResponse" => {
                    round_trip::<types::ValidationErrorResponse>(&name, &value)
                }
                "RateExceededResponse" => round_trip::<types::RateExceededResponse>(&name, &value),
                "OrderCompletionWebhook" => {
                    round_trip::<types::OrderCompletionWebhook>(&name, &value)
                }
                other => panic!("no Rust type is mapped for the payload directory {other}"),
            }
            checked.push(name);
        }
    }
    assert!(
        checked.len() >= 19,
        "only {} payloads were checked",
        checked.len()
    );
}

fn load(relative: &str) -> Value {
    let path = payloads_dir().join("valid").join(relative);
    serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap()
}

/// `value` with the member at `pointer` replaced (or removed, for `None`).
fn with(mut value: Value, pointer: &str, new: Option<Value>) -> Value {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let target = value.pointer_mut(parent).unwrap();
    match (target, new) {
        (Value::Object(map), Some(new)) => {
            map.insert(key.to_owned(), new);
        }
        (Value::Object(map), None) => {
            map.remove(key);
        }
        (Value::Array(items), Some(new)) => items[key.parse::<usize>().unwrap()] = new,
        (Value::Array(items), None) => {
            items.remove(key.parse::<usize>().unwrap());
        }
        _ => panic!("{pointer} is not inside an object or array"),
    }
    value
}

#[track_caller]
fn refused<T: DeserializeOwned + std::fmt::Debug>(value: Value, path: &str, message: &str) {
    match decode::<T>(&value) {
        Ok(it) => panic!("accepted {value}\nas {it:?}"),
        Err(err) => assert!(
            err.starts_with(&format!("{path}: ")) && err.contains(message),
            "expected `{path}: …{message}…`, got `{err}`"
        ),
    }
}

#[test]
fn invalid_requests_are_refused_with_the_path() {
    let order = load("NewOrderDetails/async-three-items.json");
    type O = types::NewOrderDetails;
    refused::<O>(
        with(order.clone(), "/items", None),
        ".",
        "missing field `items`",
    );
    refused::<O>(
        with(
            order.clone(),
            "/payment_method/currency",
            Some(json!("usd")),
        ),
        "payment_method.currency",
        "doesn't match pattern",
    );
    refused::<O>(
        with(order.clone(), "/payment_method/type", Some(json!("CARD"))),
        "payment_method.type",
        "unknown variant `CARD`",
    );
    refused::<O>(
        with(order.clone(), "/items/0/face_value", Some(json!("25"))),
        "items[0].face_value",
        "invalid type: string \"25\", expected a JSON number (an exact decimal amount)",
    );
    refused::<O>(
        with(
            order.clone(),
            "/items/0/distribution_method/type",
            Some(json!("SMS")),
        ),
        "items[0].distribution_method.type",
        "unknown variant `SMS`",
    );
    refused::<O>(
        with(order.clone(), "/items/0/products/value", Some(json!(""))),
        "items[0].products",
        "shorter than 1 character",
    );
    refused::<O>(
        with(order.clone(), "/items/1/products/values", None),
        "items[1].products",
        "missing field `values`",
    );
    refused::<O>(
        with(order.clone(), "/description", Some(json!("x".repeat(129)))),
        "description",
        "longer than 128 characters",
    );
    refused::<O>(
        with(order.clone(), "/metadata/campaign", Some(json!(7))),
        "metadata.campaign",
        "invalid type: integer `7`",
    );
    let long_key = "k".repeat(41);
    refused::<O>(
        with(
            order.clone(),
            &format!("/metadata/{long_key}"),
            Some(json!("v")),
        ),
        &format!("metadata.{long_key}"),
        "longer than 40 characters",
    );
    refused::<O>(
        with(
            order.clone(),
            "/metadata/note",
            Some(json!("v".repeat(201))),
        ),
        "metadata.note",
        "longer than 200 characters",
    );

    let sync = load("NewOrderDetails/sync-prepaid-visa-recipient.json");
    refused::<O>(
        with(
            sync.clone(),
            "/items/0/distribution_method/recipient_reference",
            Some(json!("two words")),
        ),
        "items[0].distribution_method",
        "doesn't match pattern",
    );
    refused::<O>(
        with(
            sync.clone(),
            "/items/0/products/usage_config/spend_rules_template_id",
            Some(json!("PSR-123")),
        ),
        "items[0].products",
        "doesn't match pattern",
    );
    refused::<O>(
        with(sync, "/items/0/distribution_method/email_address", None),
        "items[0].distribution_method",
        "missing field `email_address`",
    );
}

#[test]
fn invalid_responses_are_refused_with_the_path() {
    let order = load("SyncCompletedOrder/single-email-item.json");
    type S = types::SyncCompletedOrder;
    refused::<S>(
        with(order.clone(), "/status", Some(json!("PROCESSING"))),
        "status",
        "unknown variant `PROCESSING`",
    );
    refused::<S>(
        with(order.clone(), "/created_at", Some(json!("yesterday"))),
        "created_at",
        "is not an RFC 3339 date-time",
    );
    refused::<S>(
        with(
            order.clone(),
            "/items/0/payout/status",
            Some(json!("PENDING")),
        ),
        "items[0].payout.status",
        "unknown variant `PENDING`",
    );
    refused::<S>(
        with(order.clone(), "/total_price", Some(json!(24.25))),
        "total_price",
        "invalid type: floating point `24.25`, expected a decimal string (an exact decimal amount)",
    );
    refused::<S>(
        with(order, "/transaction_detail/USD/value", None),
        "transaction_detail.USD",
        "missing field `value`",
    );

    refused::<types::OrderList>(
        with(load("OrderList/two-orders.json"), "/pagination", None),
        ".",
        "missing field `pagination`",
    );
    refused::<types::APIErrorResponse>(
        json!({"type": "not_found"}),
        ".",
        "missing field `message`",
    );
    refused::<types::RateExceededResponse>(
        json!({"message": "slow down"}),
        ".",
        "missing field `error`",
    );
}

/// Responses may carry fields this version of the spec does not know; they are accepted.
#[test]
fn unknown_response_fields_are_accepted() {
    let order = with(
        load("SyncCompletedOrder/single-email-item.json"),
        "/loyalty_points",
        Some(json!(12)),
    );
    let order = with(
        order,
        "/items/0/payout/qr_code",
        Some(json!("https://example.com/qr.png")),
    );
    let typed: types::SyncCompletedOrder = decode(&order).unwrap();
    assert_eq!(
        typed.items[0].payout.url,
        "https://spend.playground.runa.io/5c1f4a2e-8b7d-4e3a-9f10-2d6c8e4b7a91"
    );

    let list = with(
        load("OrderList/two-orders.json"),
        "/items/1/eta_seconds",
        Some(json!(3)),
    );
    let typed: types::OrderList = decode(&list).unwrap();
    assert!(matches!(
        typed.items[1],
        types::OrderListItem::IncompleteOrder(_)
    ));
}

/// Tagged variants become enum variants, and the untagged response unions pick the right one.
#[test]
fn variants_are_enums() {
    let order: types::NewOrderDetails =
        decode(&load("NewOrderDetails/async-three-items.json")).unwrap();
    match &order.items[0].distribution_method {
        types::DistributionMethod::Email { email_address, .. } => {
            assert_eq!(email_address, "maria.lopez@example.com")
        }
        other => panic!("expected an e-mail distribution, got {other:?}"),
    }
    assert!(matches!(
        order.items[1].products,
        types::NewOrderItemProducts::Multiple { .. }
    ));
    assert!(matches!(
        order.items[2].products,
        types::NewOrderItemProducts::Template { .. }
    ));

    let full: types::GetSingleOrderResponse =
        decode(&load("GetSingleOrderResponse/completed-with-template.json")).unwrap();
    let types::GetSingleOrderResponse::CompletedOrderWithFullDetails(full) = full else {
        panic!("a completed order was read as an incomplete one");
    };
    assert!(matches!(
        full.items[1].products,
        types::CompletedOrderItemProducts::Unknown
    ));
    let incomplete: types::GetSingleOrderResponse =
        decode(&load("GetSingleOrderResponse/incomplete.json")).unwrap();
    assert!(matches!(
        incomplete,
        types::GetSingleOrderResponse::IncompleteOrder(_)
    ));

    let failed: types::OrderCompletionWebhook =
        decode(&load("OrderCompletionWebhook/failed.json")).unwrap();
    assert!(matches!(
        failed,
        types::OrderCompletionWebhook::FailedOrderWebhook(_)
    ));
}

/// Some rules of the contract are not expressed in Rust types: numeric bounds, array
/// lengths, uniqueness, the number of metadata keys and e-mail syntax. The types accept
/// these payloads; `runa-order-validator` refuses them. This test records the gap, so a
/// change in what the types enforce is noticed.
#[test]
fn contract_rules_left_to_the_validator() {
    let order = load("NewOrderDetails/async-three-items.json");
    type O = types::NewOrderDetails;
    let too_many: Vec<Value> = (0..201).map(|_| order["items"][0].clone()).collect();
    let many_keys: serde_json::Map<String, Value> =
        (0..21).map(|i| (format!("k{i}"), json!("v"))).collect();
    for (what, value) in [
        (
            "face_value below 0.01",
            with(order.clone(), "/items/0/face_value", Some(json!(0))),
        ),
        ("no items", with(order.clone(), "/items", Some(json!([])))),
        (
            "201 items",
            with(order.clone(), "/items", Some(Value::Array(too_many))),
        ),
        (
            "repeated product codes",
            with(
                order.clone(),
                "/items/1/products/values",
                Some(json!(["AMZ-US", "AMZ-US"])),
            ),
        ),
        (
            "21 metadata keys",
            with(order.clone(), "/metadata", Some(Value::Object(many_keys))),
        ),
        (
            "malformed e-mail",
            with(
                order.clone(),
                "/items/0/distribution_method/email_address",
                Some(json!("maria")),
            ),
        ),
    ] {
        assert!(
            decode::<O>(&value).is_ok(),
            "the types now refuse {what}; move the case to the refused tests"
        );
    }
}

/// The types derive schemars 1's `JsonSchema`, so users can embed them in their own schemas.
#[test]
fn types_describe_themselves_with_schemars() {
    let schema = serde_json::to_value(schemars::schema_for!(types::NewOrderDetails)).unwrap();
    assert_eq!(schema["title"], "NewOrderDetails");
    let required: Vec<&str> = schema["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|it| it.as_str().unwrap())
        .collect();
    assert_eq!(required, ["items", "payment_method"]);
    let defs = schema["$defs"].as_object().unwrap();
    assert!(
        defs.contains_key("DistributionMethod") && defs.contains_key("Currency"),
        "{defs:?}"
    );
}
