//! The validator's numeric bounds and the types' `Decimal` must give the same verdict on every boundary value (issue 10): a face value is valid exactly when it is a `Decimal` of at least `0.01` (`minimum: 0.01`).
//!
//! The validator's text paths compare a number with its bound exactly on the JSON text
//! (`rt::cmp_decimal_text`), so the values whose `f64` is that of 0.01 while they are below it
//! agree too. The spec's only numeric bound in a schema is this `minimum: 0.01` (the `limit`
//! bounds of `operations.json` are the client's query checks, not the validator's); the values
//! cover it from both sides in plain, exponent and long-mantissa forms.

use runa_order_types::{Decimal, NewOrderDetails};
use runa_order_validator::Kind;

/// Boundary values around `minimum: 0.01`, as JSON number texts.
const VALUES: &[&str] = &[
    "0.01",
    "0.010",
    "1e-2",
    "1.0e-2",
    "0.1e-1",
    "0.02",
    "0.009",
    "0.0099",
    "0.009999999999999999",
    "0.0099999999999999999",
    "0.00999999999999999999",
    "0.0099999999999999999999999999",
    "0.0100000000000000001",
    "0.010000000000000000001",
    "0.0100000000000000000000000001",
    "0.0100000000000000002081668171",
    "0",
    "-0",
    "0.0",
    "0e5",
    "-0.01",
    "-1e-2",
    "1E-2",
    "1.0E-2",
    "10e-3",
    "100E-4",
    "0.001e1",
    "1e-02",
    "1.0e-2",
    "0.99999999999999999999e-2",
    "1.00000000000000000001e-2",
    "9.9999999999999999999999999e-3",
    "10.000000000000000000000001e-3",
    "9e-3",
    "1e-3",
    "1",
    "1e0",
    "25",
    "1E+2",
    "12345678901234567890.5",
];

/// The values on which the two may disagree: none.
const KNOWN_DISAGREEMENTS: &[&str] = &[];

fn body(face_value: &str) -> String {
    format!(
        r#"{{"payment_method":{{"type":"ACCOUNT_BALANCE","currency":"USD"}},"items":[{{"face_value":{face_value},"distribution_method":{{"type":"PAYOUT_LINK"}},"products":{{"type":"SINGLE","value":"AMZ-US"}}}}]}}"#
    )
}

#[test]
fn the_validator_and_the_types_agree_on_minimum_boundaries() {
    let minimum: Decimal = "0.01".parse().unwrap();
    let mut disagreements = Vec::new();
    for text in VALUES {
        let body = body(text);
        let order: NewOrderDetails = serde_json::from_str(&body)
            .unwrap_or_else(|err| panic!("{text}: the types refuse it: {err}"));
        let by_types = order.items[0].face_value >= minimum;
        let by_validator = Kind::NewOrderDetails.validate_str(&body).is_ok();
        // The streaming verdict alone must agree too (`validate_str` reads again only text
        // this one refuses).
        let streamed = Kind::NewOrderDetails.is_valid_slice(body.as_bytes());
        assert_eq!(streamed, by_validator, "{text}: the two text paths differ");
        if by_types != by_validator {
            disagreements.push(*text);
        }
    }
    assert_eq!(
        disagreements, KNOWN_DISAGREEMENTS,
        "values where `Kind::NewOrderDetails.validate_str` and `Decimal >= 0.01` differ"
    );
}
