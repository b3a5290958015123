//! The validator on the project's payloads: valid ones pass every entry point, invalid ones give located, readable errors.

use std::{fs, path::PathBuf};

use runa_order_validator::{Kind, Options, Position, validate};
use serde_json::{Value, json};

fn payloads() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/payloads")
}

/// `(kind, file name, text)` for every file under `tests/payloads/<set>/<Kind>/`.
fn files(set: &str) -> Vec<(Kind, String, String)> {
    let mut out = Vec::new();
    let mut dirs: Vec<_> = fs::read_dir(payloads().join(set))
        .unwrap()
        .map(|it| it.unwrap().path())
        .collect();
    dirs.sort();
    for dir in dirs {
        let name = dir.file_name().unwrap().to_str().unwrap().to_owned();
        let kind = Kind::from_name(&name).unwrap_or_else(|| panic!("{name} is not a kind"));
        let mut paths: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .map(|it| it.unwrap().path())
            .collect();
        paths.sort();
        for path in paths {
            let file = format!(
                "{set}/{name}/{}",
                path.file_name().unwrap().to_str().unwrap()
            );
            out.push((kind, file, fs::read_to_string(&path).unwrap()));
        }
    }
    out
}

#[test]
fn valid_payloads_pass_every_entry_point() {
    let files = files("valid");
    assert!(files.len() >= 19);
    for (kind, file, text) in files {
        let value: Value = serde_json::from_str(&text).unwrap();
        assert!(kind.is_valid(&value), "{file} is refused by is_valid");
        if let Err(errors) = kind.validate(&value) {
            panic!("{file}:\n{errors}");
        }
        if let Err(errors) = kind.validate_str(&text) {
            panic!("{file}:\n{errors}");
        }
    }
}

/// Values built in Rust are checked as they would be sent.
#[test]
fn typed_values_are_validated() {
    let text = fs::read_to_string(payloads().join("valid/NewOrderDetails/async-three-items.json"))
        .unwrap();
    let mut order: runa_order_types::NewOrderDetails = serde_json::from_str(&text).unwrap();
    validate(&order).unwrap();
    // The types cannot express the minimum face value; the validator refuses it.
    order.items[0].face_value = runa_order_types::Decimal::ZERO;
    order.items.truncate(1);
    let errors = validate(&order).unwrap_err();
    assert_eq!(
        errors.to_string(),
        "/items/0/face_value: 0 is less than the minimum of 0.01"
    );

    let page: runa_order_types::OrderList = serde_json::from_str(
        &fs::read_to_string(payloads().join("valid/OrderList/two-orders.json")).unwrap(),
    )
    .unwrap();
    validate(&page).unwrap();
}

/// Every invalid payload is refused with located errors; the output is what the CLI prints.
#[test]
fn invalid_payloads_give_located_errors() {
    let files = files("invalid");
    assert!(files.len() >= 13);
    for (kind, file, text) in files {
        let errors = kind.validate_str(&text).expect_err(&file);
        let mut report = String::new();
        for error in &errors {
            let Position { line, column } = error.position.expect("text errors are located");
            report.push_str(&format!("{file}:{line}:{column}: {error}\n"));
        }
        insta::assert_snapshot!(file.replace('/', "__"), report);
    }
}

/// The issue's acceptance example: an error on line 7 is reported on line 7.
#[test]
fn an_error_on_line_seven() {
    let text = fs::read_to_string(payloads().join("invalid/NewOrderDetails/face-value-zero.json"))
        .unwrap();
    let errors = Kind::NewOrderDetails.validate_str(&text).unwrap_err();
    assert_eq!(errors.len(), 1);
    let error = errors.first();
    assert_eq!(
        error.position,
        Some(Position {
            line: 7,
            column: 21
        })
    );
    assert_eq!(error.instance_location, "/items/0/face_value");
    assert_eq!(
        error.schema_location,
        "/$defs/NewOrderItemDetails/properties/face_value/minimum"
    );
    assert_eq!(error.keyword, "minimum");
    assert_eq!(error.message, "0 is less than the minimum of 0.01");
}

fn order() -> Value {
    json!({
        "payment_method": {"type": "ACCOUNT_BALANCE", "currency": "USD"},
        "items": [{
            "face_value": 10,
            "distribution_method": {"type": "RECIPIENT", "recipient_reference": "jane doe", "email_address": "jane.doe"},
            "products": {"type": "SINGLE", "value": "AMZ-US"}
        }],
        "description": "Bonus for Jane Doe, employee 4711, who asked for ".to_owned() + &"x".repeat(100),
        "metadata": {"employee": "Jane Doe", "salary": 123456}
    })
}

/// E-mail addresses, recipient references, descriptions and metadata stay out of messages.
#[test]
fn personal_data_is_not_printed_unless_asked() {
    let errors = Kind::NewOrderDetails
        .validate(&order())
        .unwrap_err()
        .to_string();
    assert!(
        !errors.contains("jane") && !errors.contains("Jane") && !errors.contains("123456"),
        "{errors}"
    );
    assert_eq!(
        errors,
        [
            "/description: a string of 149 characters is longer than 128 characters",
            "/items/0/distribution_method/email_address: a string of 8 characters is not an e-mail address (\"type\" is \"RECIPIENT\")",
            "/items/0/distribution_method/recipient_reference: a string of 8 characters does not match the pattern ^[A-Za-z0-9-_@.]+$ (\"type\" is \"RECIPIENT\")",
            "/metadata/salary: a number is not a string",
        ]
        .join("\n")
    );
    let shown = Kind::NewOrderDetails
        .validate_with(
            &order(),
            &Options {
                show_values: true,
                ..Options::default()
            },
        )
        .unwrap_err()
        .to_string();
    assert!(
        shown.contains("\"jane.doe\" is not an e-mail address"),
        "{shown}"
    );
    assert!(
        shown.contains("/metadata/salary: 123456 is not a string"),
        "{shown}"
    );
}

/// The closest branch is named, with the reason.
#[test]
fn one_of_failures_name_the_closest_branch() {
    let errors = Kind::GetSingleOrderResponse
        .validate(&json!({"id": "O-1", "status": "PROCESSING"}))
        .unwrap_err();
    assert_eq!(
        errors.to_string(),
        "(root): matches none of CompletedOrderWithFullDetails or IncompleteOrder; closest is IncompleteOrder: \"message\" is required"
    );
    assert_eq!(errors.first().causes.len(), 1);
    assert_eq!(
        errors.first().causes[0].schema_location,
        "/$defs/IncompleteOrder/required"
    );

    let product = json!({"type": "SINGLE"});
    let errors = Kind::NewOrderItemProducts.validate(&product).unwrap_err();
    assert_eq!(
        errors.to_string(),
        "(root): \"value\" is required (\"type\" is \"SINGLE\")"
    );
    let errors = Kind::NewOrderItemProducts
        .validate(&json!({"value": "AMZ-US"}))
        .unwrap_err();
    assert_eq!(
        errors.to_string(),
        "(root): \"type\" is required to tell the variants apart; expected one of \"SINGLE\", \"MULTIPLE\" or \"TEMPLATE\""
    );
    let errors = Kind::TransactionDetailEntry
        .validate(&json!({"value": "1", "fx": "none"}))
        .unwrap_err();
    assert_eq!(
        errors.to_string(),
        "/fx: matches none of TransactionDetailFXDetails or null; closest is TransactionDetailFXDetails: \"none\" is not an object"
    );
}

/// Text that is not one JSON document gives one located error, never a panic.
#[test]
fn bad_text_is_one_located_error() {
    let kind = Kind::NewOrderDetails;
    let cases: [(&[u8], &str, (usize, usize)); 6] = [
        (
            b"{\"items\": [1,]}",
            "invalid JSON: trailing comma",
            (1, 14),
        ),
        (
            b"{\"a\": \"\xc3\x28\"}",
            "invalid JSON: invalid unicode code point",
            (1, 8),
        ),
        // serde_json stops at the last digit of the number.
        (
            b"{\"items\": 1e999}",
            "invalid JSON: number out of range",
            (1, 15),
        ),
        (
            b"{\"a\": 1, \"a\": 2}",
            "duplicate key \"a\" (first at 1:2)",
            (1, 10),
        ),
        (
            b"\n\n   ",
            "invalid JSON: EOF while parsing a value",
            (3, 3),
        ),
        (b"{} {}", "invalid JSON: trailing characters", (1, 4)),
    ];
    for (text, message, (line, column)) in cases {
        let errors = kind.validate_slice(text).unwrap_err();
        assert!(errors.is_parse_error(), "{errors}");
        let error = errors.first();
        assert_eq!(error.message, message, "{}", String::from_utf8_lossy(text));
        assert_eq!(
            error.position,
            Some(Position { line, column }),
            "{}",
            String::from_utf8_lossy(text)
        );
    }
    let deep = format!("{}{}", "[".repeat(200_000), "]".repeat(200_000));
    let errors = kind.validate_str(&deep).unwrap_err();
    assert!(
        errors.first().message.contains("recursion limit exceeded"),
        "{errors}"
    );
}

#[test]
fn kinds_are_listed_and_found_by_name() {
    assert_eq!(Kind::ALL.len(), Kind::COUNT);
    assert!(Kind::ALL.len() >= 50);
    for kind in Kind::ALL {
        assert_eq!(Kind::from_name(kind.name()), Some(*kind));
    }
    assert_eq!(Kind::from_name("newOrderDetails"), None);
    assert_eq!(Kind::NewOrderDetails.name(), "NewOrderDetails");
}

/// Issue 9, item 10: the library keeps at most `Options::max_errors` errors (100 by default)
/// and stops checking soon after, on the `Value` and the text paths alike.
#[test]
fn errors_are_bounded_by_options() {
    // 300 items with a face value of 0: 300 errors, and one for the 200-item maximum.
    let item = r#"{"face_value": 0, "distribution_method": {"type": "PAYOUT_LINK"}, "products": {"type": "SINGLE", "value": "AMZ-US"}}"#;
    let text = format!(
        r#"{{"payment_method": {{"type": "ACCOUNT_BALANCE", "currency": "USD"}}, "items": [{}]}}"#,
        vec![item; 300].join(",")
    );
    let value: Value = serde_json::from_str(&text).unwrap();
    let kind = Kind::NewOrderDetails;
    for errors in [
        kind.validate(&value).unwrap_err(),
        kind.validate_str(&text).unwrap_err(),
    ] {
        assert_eq!(errors.len(), 100);
        assert!(errors.is_truncated());
        let omitted = errors.omitted();
        assert!(omitted >= 1);
        let last = if omitted == 1 {
            "(and at least 1 more error; the check stopped at the limit of errors)".to_owned()
        } else {
            format!(
                "(and at least {omitted} more errors; the check stopped at the limit of errors)"
            )
        };
        assert!(errors.to_string().ends_with(&last), "{errors}");
    }
    let all = Options {
        max_errors: usize::MAX,
        ..Options::default()
    };
    for errors in [
        kind.validate_with(&value, &all).unwrap_err(),
        kind.validate_slice_with(text.as_bytes(), &all).unwrap_err(),
    ] {
        assert_eq!(errors.len(), 301);
        assert!(!errors.is_truncated());
        assert_eq!(errors.omitted(), 0);
    }
    let three = Options {
        max_errors: 3,
        ..Options::default()
    };
    let errors = kind
        .validate_slice_with(text.as_bytes(), &three)
        .unwrap_err();
    let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        shown,
        [
            "/items/0/face_value: 0 is less than the minimum of 0.01",
            "/items/1/face_value: 0 is less than the minimum of 0.01",
            "/items/2/face_value: 0 is less than the minimum of 0.01",
        ]
    );
    // 0 keeps one error.
    let none = Options {
        max_errors: 0,
        ..Options::default()
    };
    assert_eq!(kind.validate_with(&value, &none).unwrap_err().len(), 1);
}
