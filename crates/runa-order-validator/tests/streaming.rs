//! The streaming path (`is_valid_slice`) gives the same verdict as the `Value` path on thousands of mutated payloads.

mod common;

use std::fs;

use runa_order_validator::Kind;
use serde_json::{Value, json};

fn payloads() -> Vec<(Kind, String, Value)> {
    let mut out = Vec::new();
    for (kind, file) in common::payload_files() {
        // Files that are not JSON are the text reader's business, tested elsewhere.
        if let Ok(value) = serde_json::from_str(&fs::read_to_string(&file).unwrap()) {
            out.push((kind, file.display().to_string(), value));
        }
    }
    out
}

/// Compact JSON with the members of every object in reverse order, so tags come first where
/// serde_json's sorted order puts them last.
fn reversed(value: &Value) -> String {
    match value {
        Value::Object(map) => {
            let members: Vec<String> = map
                .iter()
                .rev()
                .map(|(k, v)| format!("{}:{}", Value::String(k.clone()), reversed(v)))
                .collect();
            format!("{{{}}}", members.join(","))
        }
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(reversed).collect::<Vec<_>>().join(",")
        ),
        other => other.to_string(),
    }
}

#[track_caller]
fn agree(kind: Kind, value: &Value, what: &str) -> bool {
    let expected = kind.is_valid(value);
    for text in [
        value.to_string(),
        serde_json::to_string_pretty(value).unwrap(),
        reversed(value),
    ] {
        assert_eq!(
            kind.is_valid_slice(text.as_bytes()),
            expected,
            "{what}: {} disagrees on\n{text}",
            kind.name()
        );
    }
    expected
}

/// Every pointer of `value`, root first.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                pointers(
                    child,
                    format!("{at}/{}", key.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                pointers(child, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn every_payload_gets_the_same_verdict_for_every_kind() {
    for (_, file, value) in payloads() {
        for kind in Kind::ALL {
            agree(*kind, &value, &file);
        }
    }
}

#[test]
fn mutated_payloads_get_the_same_verdict() {
    let replacements = [
        json!(null),
        json!(true),
        json!(0),
        json!(-1),
        json!(0.5),
        json!(250),
        json!(1e3),
        json!(""),
        json!("x"),
        json!("USD"),
        json!("2025-01-01T00:00:00Z"),
        json!("a@example.com"),
        json!([]),
        json!(["AMZ-US"]),
        json!(["AMZ-US", "AMZ-US"]),
        json!({}),
        json!({"type": "EMAIL"}),
        json!({"type": "SINGLE", "value": "AMZ-US"}),
    ];
    let (mut checked, mut valid) = (0usize, 0usize);
    for (kind, file, value) in payloads() {
        let mut at = Vec::new();
        pointers(&value, String::new(), &mut at);
        for pointer in at.iter().skip(1) {
            for replacement in &replacements {
                let mut mutated = value.clone();
                *mutated.pointer_mut(pointer).unwrap() = replacement.clone();
                valid += usize::from(agree(
                    kind,
                    &mutated,
                    &format!("{file} with {pointer} = {replacement}"),
                ));
                checked += 1;
            }
            let (parent, key) = pointer.rsplit_once('/').unwrap();
            let mut removed = value.clone();
            match removed.pointer_mut(parent).unwrap() {
                Value::Object(map) => {
                    map.remove(key);
                }
                Value::Array(items) => {
                    items.remove(key.parse::<usize>().unwrap());
                }
                _ => unreachable!(),
            }
            valid += usize::from(agree(kind, &removed, &format!("{file} without {pointer}")));
            checked += 1;
        }
        let mut extra = value.clone();
        if let Value::Object(map) = &mut extra {
            map.insert("unknown_member".to_owned(), json!({"nested": [1, 2]}));
            valid += usize::from(agree(
                kind,
                &extra,
                &format!("{file} with an unknown member"),
            ));
            checked += 1;
        }
    }
    assert!(checked > 5_000, "only {checked} mutations");
    assert!(
        valid > 100 && valid < checked,
        "{valid} of {checked} mutations were valid"
    );
}

/// Duplicate keys make text invalid on both paths, wherever they are.
#[test]
fn duplicate_keys_are_refused_by_both_paths() {
    let order = r#"{"payment_method": {"type": "ACCOUNT_BALANCE", "currency": "USD"},
        "items": [{"face_value": 10, "distribution_method": {"type": "PAYOUT_LINK"},
                   "products": {"type": "SINGLE", "value": "AMZ-US"}}]}"#;
    assert!(Kind::NewOrderDetails.is_valid_slice(order.as_bytes()));
    for (from, to) in [
        (
            r#""face_value": 10,"#,
            r#""face_value": 10, "face_value": 11,"#,
        ),
        (
            r#"{"type": "PAYOUT_LINK"}"#,
            r#"{"type": "PAYOUT_LINK", "type": "PAYOUT_LINK"}"#,
        ),
        (
            r#"{"type": "SINGLE", "value": "AMZ-US"}"#,
            r#"{"value": "A", "value": "AMZ-US", "type": "SINGLE"}"#,
        ),
        (
            r#""currency": "USD"}"#,
            r#""currency": "USD", "x": 1, "x": 2}"#,
        ),
        // After a broken rule (the streaming pass stops there), and spelt differently.
        (
            r#""currency": "USD"}"#,
            r#""currency": "usd", "x": 1, "\u0078": 2}"#,
        ),
    ] {
        let text = order.replace(from, to);
        assert!(
            !Kind::NewOrderDetails.is_valid_slice(text.as_bytes()),
            "{text}"
        );
        let errors = Kind::NewOrderDetails.validate_str(&text).unwrap_err();
        assert!(
            errors.first().message.starts_with("duplicate key"),
            "{errors}"
        );
    }
}
