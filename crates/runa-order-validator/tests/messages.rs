//! The messages of the validator point at the problem: each error of a tagged variant on its own, at its own line, and no problem reported twice.

use std::{collections::HashSet, fs, path::PathBuf};

use runa_order_validator::{Errors, Kind, Options, Position, ValidationError};

fn payloads() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/payloads")
}

fn read(file: &str) -> String {
    fs::read_to_string(payloads().join(file)).unwrap()
}

/// Every error with the causes of each, depth first.
fn flat(errors: &Errors) -> Vec<&ValidationError> {
    fn walk<'e>(errors: &'e [ValidationError], out: &mut Vec<&'e ValidationError>) {
        for error in errors {
            out.push(error);
            walk(&error.causes, out);
        }
    }
    let mut out = Vec::new();
    for error in errors {
        out.push(error);
        walk(&error.causes, &mut out);
    }
    out
}

/// The 1-based line of the first occurrence of `needle` in `text`.
fn line_of(text: &str, needle: &str) -> usize {
    let at = text.find(needle).unwrap_or_else(|| panic!("{needle}"));
    text[..at].lines().count().max(1)
}

/// The prepaid-card reload example of the documentation with a wrong e-mail address and a
/// wrong recipient reference: two errors, each at its own pointer and its own line.
#[test]
fn both_problems_of_a_recipient_are_reported_at_their_own_lines() {
    let text = read("invalid/NewOrderDetails/recipient-two-problems.json");
    let errors = Kind::NewOrderDetails.validate_str(&text).unwrap_err();
    let found: Vec<(&str, &str, Option<Position>)> = errors
        .iter()
        .map(|it| (it.instance_location.as_str(), it.keyword, it.position))
        .collect();
    let email = line_of(&text, "\"email_address\"");
    let reference = line_of(&text, "\"recipient_reference\"");
    assert_ne!(email, reference);
    assert_eq!(
        found,
        [
            (
                "/items/0/distribution_method/recipient_reference",
                "pattern",
                Some(Position {
                    line: reference,
                    column: 32
                })
            ),
            (
                "/items/0/distribution_method/email_address",
                "format",
                Some(Position {
                    line: email,
                    column: 26
                })
            ),
        ],
        "{errors}"
    );
    for error in &errors {
        let variant = error.variant.as_ref().expect("the variant is named");
        assert_eq!(variant.instance_location, "/items/0/distribution_method");
        assert_eq!((variant.property, variant.tag), ("type", "RECIPIENT"));
        assert!(error.causes.is_empty(), "{error}");
        assert!(
            error.message.ends_with("(\"type\" is \"RECIPIENT\")"),
            "{error}"
        );
    }
    // The `Value` path reports the same errors (in the order of the schema), without positions.
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    let from_value = Kind::NewOrderDetails.validate(&value).unwrap_err();
    let pointers = |errors: &Errors| -> Vec<String> {
        let mut out: Vec<String> = errors.iter().map(|it| it.to_string()).collect();
        out.sort();
        out
    };
    assert_eq!(pointers(&from_value), pointers(&errors));
}

/// The `required` of an `allOf` branch that repeats its base's is reported once.
#[test]
fn a_completed_order_without_totals_gets_each_required_error_once() {
    let text = read("invalid/SyncCompletedOrder/missing-totals.json");
    let errors = Kind::SyncCompletedOrder.validate_str(&text).unwrap_err();
    let messages: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        messages,
        [
            "(root): \"total_price\" is required",
            "(root): \"total_discount\" is required"
        ],
        "{errors}"
    );
}

/// No payload of `tests/payloads/` gets the same (pointer, keyword, message) twice, on any
/// path, causes included.
#[test]
fn no_test_payload_gets_the_same_problem_twice() {
    let all = Options {
        max_errors: usize::MAX,
        ..Options::default()
    };
    let mut checked = 0;
    for set in ["valid", "invalid"] {
        for dir in fs::read_dir(payloads().join(set)).unwrap() {
            let dir = dir.unwrap().path();
            let name = dir.file_name().unwrap().to_str().unwrap().to_owned();
            let kind = Kind::from_name(&name).unwrap();
            for path in fs::read_dir(&dir).unwrap() {
                let path = path.unwrap().path();
                let text = fs::read_to_string(&path).unwrap();
                let from_text = kind.validate_slice_with(text.as_bytes(), &all);
                let from_value = serde_json::from_str(&text)
                    .map(|value| kind.validate_with(&value, &all))
                    .unwrap_or(Ok(()));
                for result in [from_text, from_value] {
                    let Err(errors) = result else { continue };
                    let mut seen = HashSet::new();
                    for error in flat(&errors) {
                        let key = (&error.instance_location, error.keyword, &error.message);
                        assert!(seen.insert(key), "{}: twice: {error}", path.display());
                    }
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 20, "{checked}");
}

/// A completed order without its totals is closest to the completed order (it has six of
/// its eight required members), not to the incomplete order that would need one fewer
/// error.
#[test]
fn the_closest_branch_is_the_one_whose_members_the_payload_has() {
    let text = read("invalid/GetSingleOrderResponse/completed-missing-totals.json");
    let errors = Kind::GetSingleOrderResponse
        .validate_str(&text)
        .unwrap_err();
    assert_eq!(errors.len(), 1, "{errors}");
    assert_eq!(
        errors.first().message,
        "matches none of CompletedOrderWithFullDetails or IncompleteOrder; closest is CompletedOrderWithFullDetails: \"total_price\" is required (and 1 more problem)"
    );
    let causes: Vec<String> = errors
        .first()
        .causes
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        causes,
        [
            "(root): \"total_price\" is required",
            "(root): \"total_discount\" is required"
        ]
    );
}

/// An order whose face value is `face_value` (JSON number text), the face value on line 4.
fn order_with_face_value(face_value: &str) -> String {
    format!(
        "{{\"payment_method\": {{\"type\": \"ACCOUNT_BALANCE\", \"currency\": \"USD\"}},\n\
         \"items\": [\n\
         {{\"distribution_method\": {{\"type\": \"PAYOUT_LINK\"}},\n\
         \"face_value\": {face_value},\n\
         \"products\": {{\"type\": \"SINGLE\", \"value\": \"AMZ-US\"}}}}]}}"
    )
}

#[test]
fn a_number_just_below_its_minimum_is_refused_by_the_text_paths_and_shown_as_written() {
    // Its f64 is that of 0.01, the minimum; its value is below it.
    let below = "0.0099999999999999999";
    let text = order_with_face_value(below);
    assert!(!Kind::NewOrderDetails.is_valid_slice(text.as_bytes()));
    let errors = Kind::NewOrderDetails.validate_str(&text).unwrap_err();
    let all = flat(&errors);
    assert_eq!(all.len(), 1, "{errors}");
    assert_eq!(all[0].instance_location, "/items/0/face_value");
    assert_eq!(all[0].keyword, "minimum");
    assert_eq!(
        all[0].message,
        format!("{below} is less than the minimum of 0.01")
    );
    assert_eq!(
        all[0].position,
        Some(Position {
            line: 4,
            column: 15
        })
    );
    // The same number written with an exponent and a mantissa too long to show whole.
    let long = format!("9.{}e-3", "9".repeat(100));
    let errors = Kind::NewOrderDetails
        .validate_str(&order_with_face_value(&long))
        .unwrap_err();
    let shown = format!("{}…", &long[..60]);
    assert_eq!(
        errors.first().message,
        format!("{shown} is less than the minimum of 0.01")
    );
    // The `Value` paths compare the f64 the `Value` holds (documented in the crate docs).
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert!(Kind::NewOrderDetails.is_valid(&value));
    // At the minimum, in any notation, every path accepts.
    for at in [
        "0.01",
        "1e-2",
        "1.0E-2",
        "10e-3",
        "0.0100000000000000000000",
    ] {
        let text = order_with_face_value(at);
        assert!(Kind::NewOrderDetails.validate_str(&text).is_ok(), "{at}");
        assert!(
            Kind::NewOrderDetails.is_valid_slice(text.as_bytes()),
            "{at}"
        );
    }
}
