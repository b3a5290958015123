//! Money amounts in the types: every amount is a `Decimal`, read and written exactly in the wire form the spec gives it (a number stays a number, a decimal string stays a string with its scale).

use runa_order_types::{
    Decimal, DistributionMethod, NewOrderItemDetails, NewOrderItemProducts, OrderItemDiscount,
    TransactionDetailEntry,
};
use serde_json::json;

fn amount(text: &str) -> Decimal {
    text.parse().unwrap()
}

/// An estimate item with `price` written as `text` (a JSON number amount).
fn estimate_item(price: &str) -> String {
    format!(
        r#"{{"currency":"USD","discount_multiplier":"0","face_value":{price},"price":{price},"products":{{"type":"SINGLE","value":"AMZ-US"}}}}"#
    )
}

/// The values the tests run through both wire forms: `0.1`, `10.10`, `1e-2`, 17 significant
/// digits, the spec's smallest face value (`minimum: 0.01`), and the largest and smallest
/// values a `Decimal` holds (the spec sets no maximum), with what each reads as.
const VALUES: &[(&str, &str)] = &[
    ("0.1", "0.1"),
    ("10.10", "10.10"),
    ("1e-2", "0.01"),
    ("1.2345678901234567", "1.2345678901234567"),
    ("0.12345678901234567", "0.12345678901234567"),
    ("0.01", "0.01"),
    (
        "79228162514264337593543950335",
        "79228162514264337593543950335",
    ),
    (
        "-79228162514264337593543950335",
        "-79228162514264337593543950335",
    ),
    (
        "0.0000000000000000000000000001",
        "0.0000000000000000000000000001",
    ),
];

#[test]
fn number_amounts_round_trip_exactly() {
    for (text, exact) in VALUES {
        let body = estimate_item(text);
        let item: OrderItemDiscount =
            serde_json::from_str(&body).unwrap_or_else(|err| panic!("{text}: {err}"));
        assert_eq!(item.price, amount(exact), "{text}");
        assert_eq!(item.price.to_string(), *exact, "{text} keeps its digits");
        // Written back as a JSON number with the same digits (`1e-2` as its value, `0.01`).
        let again = serde_json::to_string(&item).unwrap();
        assert!(
            again.contains(&format!(r#""price":{exact},"#)),
            "{text}: {again}"
        );
        let twice: OrderItemDiscount = serde_json::from_str(&again).unwrap();
        assert_eq!(twice.price, item.price);
        assert_eq!(twice.price.scale(), item.price.scale());
    }
}

#[test]
fn string_amounts_round_trip_with_their_scale() {
    for (text, exact) in VALUES {
        let body = format!(r#"{{"value":"{text}"}}"#);
        let entry: TransactionDetailEntry =
            serde_json::from_str(&body).unwrap_or_else(|err| panic!("{text}: {err}"));
        assert_eq!(entry.value, amount(exact), "{text}");
        assert_eq!(
            serde_json::to_string(&entry).unwrap(),
            format!(r#"{{"value":"{exact}"}}"#),
            "{text}"
        );
    }
    // "10.10" keeps its two decimals, "40" has none, as the API wrote them.
    let entry: TransactionDetailEntry = serde_json::from_str(r#"{"value":"10.10"}"#).unwrap();
    assert_eq!(entry.value.scale(), 2);
    assert_eq!(
        serde_json::to_value(&entry).unwrap(),
        json!({"value": "10.10"})
    );
}

#[test]
fn a_number_is_never_read_through_f64() {
    // 17 significant digits that an f64 cannot hold: 0.30000000000000004 is what
    // 0.1 + 0.2 gives in f64, and 9007199254740993 is 2^53 + 1.
    for text in [
        "0.30000000000000004",
        "9007199254740993",
        "0.1000000000000000055",
    ] {
        let item: OrderItemDiscount = serde_json::from_str(&estimate_item(text)).unwrap();
        assert_eq!(item.face_value.to_string(), text);
    }
}

#[test]
fn amounts_outside_a_decimal_are_refused_with_the_reason() {
    for (text, reason) in [
        (
            "79228162514264337593543950336",
            "is 2^96 or more, larger than an exact decimal amount holds",
        ),
        ("1e30", "is 2^96 or more"),
        (
            "0.00000000000000000000000000001",
            "has more than 28 digits after the point",
        ),
    ] {
        let err = serde_json::from_str::<OrderItemDiscount>(&estimate_item(text)).unwrap_err();
        let message = err.to_string();
        assert!(message.contains(reason), "{text}: {message}");
        assert!(message.contains(&format!("the amount {text}")), "{message}");
        assert!(err.line() > 0, "located: {message}");
        let err =
            serde_json::from_str::<TransactionDetailEntry>(&format!(r#"{{"value":"{text}"}}"#))
                .unwrap_err();
        assert!(err.to_string().contains(reason), "{text}: {err}");
    }
}

#[test]
fn the_wrong_wire_form_is_refused_where_it_is() {
    let err = serde_json::from_str::<OrderItemDiscount>(&estimate_item("\"10.10\"")).unwrap_err();
    assert!(
        err.to_string().starts_with(
            "invalid type: string \"10.10\", expected a JSON number (an exact decimal amount) at line 1 column"
        ),
        "{err}"
    );
    let err = serde_json::from_str::<TransactionDetailEntry>(r#"{"value": 10.10}"#).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid type: floating point `10.1`, expected a decimal string (an exact decimal amount) at line 1 column 15"
    );
    for bad in ["\"1_000\"", "\"+1\"", "\" 1\"", "\"\"", "\"1.\"", "\"NaN\""] {
        let err = serde_json::from_str::<TransactionDetailEntry>(&format!(r#"{{"value":{bad}}}"#))
            .unwrap_err();
        assert!(
            err.to_string().contains("is not a decimal number"),
            "{bad}: {err}"
        );
    }
    let err = serde_json::from_str::<OrderItemDiscount>(&estimate_item("null")).unwrap_err();
    assert!(err.to_string().starts_with("invalid type: null"), "{err}");
}

#[test]
fn request_amounts_add_up_exactly() {
    let item = |value: &str| -> NewOrderItemDetails {
        NewOrderItemDetails::builder()
            .face_value(amount(value))
            .distribution_method(DistributionMethod::PayoutLink { template_id: None })
            .products(NewOrderItemProducts::Single {
                value: "AMZ-US".parse().unwrap(),
                usage_config: None,
            })
            .try_into()
            .unwrap()
    };
    let (a, b) = (item("0.1"), item("0.2"));
    assert_eq!(a.face_value + b.face_value, amount("0.3"));
    // What goes out is `0.1`, not `0.1000000000000000055511151231257827`.
    let text = serde_json::to_string(&a).unwrap();
    assert!(text.contains(r#""face_value":0.1,"#), "{text}");
    // Builders take a `Decimal` or an integer (never an `f64`).
    let whole = NewOrderItemDetails::builder()
        .face_value(25)
        .distribution_method(DistributionMethod::PayoutLink { template_id: None })
        .products(NewOrderItemProducts::Single {
            value: "AMZ-US".parse().unwrap(),
            usage_config: None,
        });
    let whole: NewOrderItemDetails = whole.try_into().unwrap();
    assert_eq!(whole.face_value, Decimal::from(25));
}
