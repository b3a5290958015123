//! Exact money: amounts read from the request's JSON text into `Decimal`, the rounding rule, the exact catalogue, and amounts written back as JSON numbers.
//!
//! The rule, also in the crate docs:
//!
//! * A face value is read from its JSON text, never through `f64`, and rounded to cents,
//!   half away from zero (`10.555` is `10.56`, `10.554999` is `10.55`). Everything after
//!   (the catalogue check, the price, the totals) uses the rounded face value.
//! * A face value above [`MAX_AMOUNT`] cannot be represented (the sum of 500 of them must
//!   still be exact): it is refused with `422 validation_error`, one detail of type
//!   `maximum` at the amount's location.
//! * The price is the face value times `1 - discount`, rounded to cents half away from
//!   zero. The discount is between 0 and 1, so the price is between 0 and the face value,
//!   and the item's discount (face value minus price) is never negative.
//! * Totals are exact sums of cent amounts; money strings have two decimals (`"10.00"`).

use std::{collections::BTreeMap, fmt, str::FromStr};

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::value::RawValue;

use crate::config::{Catalogue, FaceValues, Product, Template};

/// The largest amount the mock represents: 999,999,999,999,999,999,999,999.99 (just under
/// 10^24), so that the sum of the face values of 500 items is still exact in a `Decimal`.
pub const MAX_AMOUNT: Decimal =
    Decimal::from_parts(0xE3FF_FFFF, 0xDCC8_0CD2, 0x0052_B7D2, false, 2);

/// One cent, the smallest positive amount: amounts are rounded to cents.
pub(crate) const CENT: Decimal = Decimal::from_parts(1, 0, 0, false, 2);

/// Why an amount's text cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum AmountError {
    /// Above [`MAX_AMOUNT`].
    TooLarge,
    /// Not a JSON number (the validator should have refused it first).
    NotANumber,
    /// Below zero (the validator should have refused it first).
    Negative,
}

impl fmt::Display for AmountError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AmountError::TooLarge => write!(
                f,
                "is greater than {}, the largest amount the mock represents",
                money_text(MAX_AMOUNT)
            ),
            AmountError::NotANumber => write!(f, "is not a number"),
            AmountError::Negative => write!(f, "is negative"),
        }
    }
}

/// Reads a JSON number's text as an amount rounded to cents, half away from zero, without
/// going through `f64`. The text's length bounds the work: every step is linear in it.
pub(crate) fn parse_cents(text: &str) -> Result<Decimal, AmountError> {
    let text = text.trim();
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(at) => (&unsigned[..at], &unsigned[at + 1..]),
        None => (unsigned, "0"),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if whole.is_empty()
        || !whole.bytes().all(|it| it.is_ascii_digit())
        || !fraction.bytes().all(|it| it.is_ascii_digit())
    {
        return Err(AmountError::NotANumber);
    }
    let exponent = exponent.strip_prefix('+').unwrap_or(exponent);
    let (exponent_negative, exponent_digits) = match exponent.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, exponent),
    };
    if exponent_digits.is_empty() || !exponent_digits.bytes().all(|it| it.is_ascii_digit()) {
        return Err(AmountError::NotANumber);
    }
    // The value is `digits × 10^power`, with the digits' leading zeros dropped.
    let digits: Vec<u8> = whole
        .bytes()
        .chain(fraction.bytes())
        .skip_while(|it| *it == b'0')
        .collect();
    if digits.iter().all(|it| *it == b'0') {
        return Ok(Decimal::ZERO);
    }
    if negative {
        return Err(AmountError::Negative);
    }
    // An exponent with more digits than this is far beyond any amount, in either direction.
    let exponent_digits = exponent_digits.trim_start_matches('0');
    if exponent_digits.len() > 6 {
        return if exponent_negative {
            Ok(Decimal::ZERO)
        } else {
            Err(AmountError::TooLarge)
        };
    }
    let exponent: i64 = exponent_digits.parse().unwrap_or(0);
    let exponent = if exponent_negative {
        -exponent
    } else {
        exponent
    };
    let power = exponent - fraction.len() as i64;
    // Digits before the decimal point: the magnitude, so MAX_AMOUNT (24 of them) decides here.
    let integer_digits = digits.len() as i64 + power;
    if integer_digits > 24 {
        return Err(AmountError::TooLarge);
    }
    // Keep the digits down to the cents, and round on the first digit dropped.
    let kept = (integer_digits + 2).max(0) as usize;
    let (cents_digits, round_up) = if kept >= digits.len() {
        let mut it = digits.clone();
        it.resize(kept, b'0');
        (it, false)
    } else {
        (digits[..kept].to_vec(), digits[kept] >= b'5')
    };
    let mut cents: i128 = 0;
    for digit in cents_digits {
        cents = cents * 10 + i128::from(digit - b'0');
    }
    cents += i128::from(round_up);
    let amount = Decimal::from_i128_with_scale(cents, 2);
    if amount > MAX_AMOUNT {
        return Err(AmountError::TooLarge);
    }
    Ok(amount)
}

/// An amount as a money string: two decimals (`"10.00"`).
pub(crate) fn money_text(amount: Decimal) -> String {
    cents(amount).to_string()
}

/// `amount` rounded to cents, half away from zero, with two decimals (`10.00`): the amounts
/// of the mock's answers (the types write a decimal-string amount with its scale).
pub(crate) fn cents(amount: Decimal) -> Decimal {
    let mut it = amount.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    it.rescale(2);
    it
}

/// An amount written as a JSON number with two decimals (`10.00`), exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Number(pub(crate) Decimal);

impl Serialize for Number {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let raw = RawValue::from_string(money_text(self.0)).map_err(serde::ser::Error::custom)?;
        raw.serialize(serializer)
    }
}

/// The face values of a request body's items, as their JSON text. Both `NewOrderDetails`
/// and `OrderPriceRequest` have `items[].face_value`.
#[derive(Deserialize)]
struct RawItems<'a> {
    #[serde(borrow)]
    items: Vec<RawItem<'a>>,
}

#[derive(Deserialize)]
struct RawItem<'a> {
    #[serde(borrow)]
    face_value: &'a RawValue,
}

/// One amount of a body that cannot be used: its location and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BadAmount {
    pub(crate) location: Vec<String>,
    pub(crate) text: String,
    pub(crate) error: AmountError,
}

/// Reads every `items[].face_value` of a valid body from its text, rounded to cents.
pub(crate) fn face_values(body: &[u8]) -> Result<Vec<Decimal>, Vec<BadAmount>> {
    let raw: RawItems<'_> = serde_json::from_slice(body).map_err(|_| {
        vec![BadAmount {
            location: vec!["items".to_owned()],
            text: String::new(),
            error: AmountError::NotANumber,
        }]
    })?;
    let mut values = Vec::with_capacity(raw.items.len());
    let mut bad = Vec::new();
    for (index, item) in raw.items.iter().enumerate() {
        match parse_cents(item.face_value.get()) {
            Ok(it) => values.push(it),
            Err(error) => bad.push(BadAmount {
                location: vec![
                    "items".to_owned(),
                    index.to_string(),
                    "face_value".to_owned(),
                ],
                text: item.face_value.get().chars().take(40).collect(),
                error,
            }),
        }
    }
    if bad.is_empty() { Ok(values) } else { Err(bad) }
}

/// A product with exact amounts.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ExactProduct {
    pub(crate) currency: Option<String>,
    pub(crate) face_values: ExactFaceValues,
    pub(crate) discount: Decimal,
}

/// The face values a product allows, exactly.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ExactFaceValues {
    /// From `min` to `max` (`None`: no maximum), both included.
    Range { min: Decimal, max: Option<Decimal> },
    /// These denominations.
    Fixed(Vec<Decimal>),
}

impl ExactFaceValues {
    pub(crate) fn allows(&self, value: Decimal) -> bool {
        match self {
            ExactFaceValues::Range { min, max } => {
                value >= *min && max.is_none_or(|max| value <= max)
            }
            ExactFaceValues::Fixed(values) => values.contains(&value),
        }
    }

    pub(crate) fn minimum(&self) -> Decimal {
        match self {
            ExactFaceValues::Range { min, .. } => *min,
            ExactFaceValues::Fixed(values) => values.iter().copied().min().unwrap_or(Decimal::ZERO),
        }
    }
}

/// The catalogue with exact amounts, checked once when the server starts.
#[derive(Debug, Clone)]
pub(crate) struct ExactCatalogue {
    products: BTreeMap<String, ExactProduct>,
    templates: BTreeMap<String, Template>,
    accept_unlisted: bool,
    default_product: ExactProduct,
    default_template: Template,
}

/// A configured amount (an `f64` written in a test) as the decimal it was written as: the
/// shortest decimal text that reads back as the same `f64` (`0.04` is exactly `0.04`).
fn configured(value: f64) -> Option<Decimal> {
    if !value.is_finite() {
        return None;
    }
    Decimal::from_str(&format!("{value}")).ok()
}

fn exact_product(code: &str, product: &Product) -> Result<ExactProduct, String> {
    let discount = configured(product.discount)
        .filter(|it| *it >= Decimal::ZERO && *it <= Decimal::ONE)
        .ok_or_else(|| {
            format!(
                "product {code:?}: the discount {} must be from 0 to 1",
                product.discount
            )
        })?;
    // In cents, at least one cent after rounding: a face value is a positive amount.
    let amount = |value: f64, what: &str| -> Result<Decimal, String> {
        parse_cents(&format!("{value}"))
            .ok()
            .filter(|it| value.is_finite() && *it > Decimal::ZERO)
            .ok_or_else(|| {
                format!(
                    "product {code:?}: the {what} {value} must be a positive amount of at most {}",
                    money_text(MAX_AMOUNT)
                )
            })
    };
    let face_values = match &product.face_values {
        FaceValues::Range { min, max } => ExactFaceValues::Range {
            // A minimum of 0 is none: any positive amount.
            min: if *min == 0.0 {
                CENT
            } else {
                amount(*min, "minimum face value")?
            },
            // A maximum beyond what the mock represents is no maximum: larger amounts are
            // refused anyway.
            max: match parse_cents(&format!("{max}")) {
                Ok(it) if max.is_finite() => Some(it),
                _ if *max > 0.0 => None,
                _ => {
                    return Err(format!(
                        "product {code:?}: the maximum {max} is not positive"
                    ));
                }
            },
        },
        FaceValues::Fixed(values) => ExactFaceValues::Fixed(
            values
                .iter()
                .map(|it| amount(*it, "face value"))
                .collect::<Result<_, _>>()?,
        ),
    };
    Ok(ExactProduct {
        currency: product.currency.clone(),
        face_values,
        discount,
    })
}

impl ExactCatalogue {
    /// Checks every amount of the catalogue: discounts from 0 to 1, face values positive (at
    /// least one cent after rounding) and at most [`MAX_AMOUNT`]. The error names the product.
    pub(crate) fn new(catalogue: &Catalogue) -> Result<ExactCatalogue, String> {
        let products = catalogue
            .products
            .iter()
            .map(|(code, product)| Ok((code.clone(), exact_product(code, product)?)))
            .collect::<Result<_, String>>()?;
        Ok(ExactCatalogue {
            products,
            templates: catalogue.templates.clone(),
            accept_unlisted: catalogue.accept_unlisted,
            default_product: exact_product("(unlisted)", &Product::default())?,
            default_template: Template::default(),
        })
    }

    /// The product with this code, on the terms of [`Catalogue::product`].
    pub(crate) fn product(&self, code: &str) -> Option<&ExactProduct> {
        match self.products.get(code) {
            Some(it) => Some(it),
            None if self.accept_unlisted && crate::config::is_well_formed_code(code) => {
                Some(&self.default_product)
            }
            None => None,
        }
    }

    /// The template with this ID, on the terms of [`Catalogue::template`].
    pub(crate) fn template(&self, id: &str) -> Option<&Template> {
        match self.templates.get(id) {
            Some(it) => Some(it),
            None if self.accept_unlisted && crate::config::is_well_formed_code(id) => {
                Some(&self.default_template)
            }
            None => None,
        }
    }
}

/// The price of `face_value` (in cents) with `discount`: rounded to cents half away from
/// zero, so never above the face value and never below zero.
pub(crate) fn price(face_value: Decimal, discount: Decimal) -> Decimal {
    let discount = discount.clamp(Decimal::ZERO, Decimal::ONE);
    // Both factors are small enough (face value below 10^24 with two decimals, a discount
    // of at most 28 digits) that rust_decimal rounds only beyond the cents.
    (face_value * (Decimal::ONE - discount))
        .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
        .clamp(Decimal::ZERO, face_value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cents(text: &str) -> String {
        money_text(parse_cents(text).unwrap())
    }

    #[test]
    fn amounts_are_read_from_their_text_and_rounded_to_cents() {
        assert_eq!(cents("10"), "10.00");
        assert_eq!(cents("10.555"), "10.56");
        assert_eq!(cents("10.554999999999999999999999999999999"), "10.55");
        assert_eq!(cents("0.005"), "0.01");
        assert_eq!(cents("0.0049"), "0.00");
        assert_eq!(cents("1e2"), "100.00");
        assert_eq!(cents("1.5E+1"), "15.00");
        assert_eq!(cents("2500e-2"), "25.00");
        assert_eq!(cents("0.0"), "0.00");
        assert_eq!(cents("1e-999999999"), "0.00");
        assert_eq!(
            cents("999999999999999999999999.99"),
            "999999999999999999999999.99"
        );
        assert_eq!(money_text(MAX_AMOUNT), "999999999999999999999999.99");
        // Exact where f64 is not: 0.1 + 0.2 and large values.
        assert_eq!(
            money_text(parse_cents("0.1").unwrap() + parse_cents("0.2").unwrap()),
            "0.30"
        );
        assert_eq!(
            cents("123456789012345678901234.56"),
            "123456789012345678901234.56"
        );
    }

    #[test]
    fn amounts_the_mock_cannot_represent_are_refused() {
        for text in [
            "1e308",
            "1e24",
            "999999999999999999999999.995",
            "1000000000000000000000000",
            "1e9999999999",
        ] {
            assert_eq!(parse_cents(text), Err(AmountError::TooLarge), "{text}");
        }
        assert_eq!(parse_cents("-1"), Err(AmountError::Negative));
        assert_eq!(parse_cents("ten"), Err(AmountError::NotANumber));
        assert_eq!(parse_cents("1e"), Err(AmountError::NotANumber));
    }

    #[test]
    fn a_price_is_never_above_the_face_value_nor_below_zero() {
        let d = |it: &str| Decimal::from_str(it).unwrap();
        assert_eq!(money_text(price(d("10.56"), d("0"))), "10.56");
        assert_eq!(money_text(price(d("25.00"), d("0.04"))), "24.00");
        assert_eq!(money_text(price(d("0.01"), d("0.5"))), "0.01");
        assert_eq!(money_text(price(d("0.01"), d("1"))), "0.00");
        assert_eq!(
            money_text(price(MAX_AMOUNT, d("0.1"))),
            "899999999999999999999999.99"
        );
        for face in ["0.01", "0.03", "10.55", "999.99", "123456.78"] {
            for discount in ["0", "0.001", "0.05", "0.333", "0.5", "0.999", "1"] {
                let it = price(d(face), d(discount));
                assert!(it >= Decimal::ZERO && it <= d(face), "{face} {discount}");
            }
        }
    }

    #[test]
    fn numbers_are_written_exactly() {
        let text =
            serde_json::to_string(&[Number(MAX_AMOUNT), Number(Decimal::new(5, 1))]).unwrap();
        assert_eq!(text, "[999999999999999999999999.99,0.50]");
    }

    #[test]
    fn the_catalogue_is_checked_and_exact() {
        let catalogue = Catalogue::empty().with_product(
            "A",
            Product {
                currency: None,
                face_values: FaceValues::Fixed(vec![10.0, 25.5]),
                discount: 0.04,
            },
        );
        let exact = ExactCatalogue::new(&catalogue).unwrap();
        let a = exact.product("A").unwrap();
        assert_eq!(a.discount, Decimal::new(4, 2));
        assert!(a.face_values.allows(Decimal::new(2550, 2)));
        assert!(!a.face_values.allows(Decimal::new(2551, 2)));
        assert!(exact.product("B").is_none());
        let unlimited = ExactCatalogue::new(&Catalogue::default()).unwrap();
        let any = &unlimited.product("AMZ-US").unwrap().face_values;
        assert!(any.allows(MAX_AMOUNT));
        // No minimum of its own, but a face value is a positive amount.
        assert!(any.allows(CENT));
        assert!(!any.allows(Decimal::ZERO));
        assert_eq!(any.minimum(), CENT);
        let zero_face = |face_values| {
            Catalogue::empty().with_product(
                "Z",
                Product {
                    face_values,
                    ..Product::default()
                },
            )
        };
        let err = ExactCatalogue::new(&zero_face(FaceValues::Fixed(vec![5.0, 0.0]))).unwrap_err();
        assert!(err.contains("must be a positive amount"), "{err}");
        assert!(
            ExactCatalogue::new(&zero_face(FaceValues::Range {
                min: 0.001,
                max: 1.0
            }))
            .is_err()
        );
        for discount in [-0.1, 1.5, f64::NAN] {
            let bad = Catalogue::empty().with_product(
                "BAD",
                Product {
                    discount,
                    ..Product::default()
                },
            );
            let err = ExactCatalogue::new(&bad).unwrap_err();
            assert!(err.contains("\"BAD\""), "{err}");
        }
    }
}
