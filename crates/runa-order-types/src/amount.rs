//! Exact money amounts: the serde adapters that read and write `rust_decimal::Decimal` in the wire form the spec gives each amount (hand-written).
//!
//! The spec marks every money amount with `"format": "decimal"` (see `spec/README.md`); the
//! generated field is a [`Decimal`], with one of these adapters as its `serde(with = …)`:
//!
//! * [`number`] (and [`number_option`]) for amounts the API sends as JSON numbers (the request
//!   `face_value`, the estimate's prices). The number is read from its JSON text, never
//!   through `f64`: `0.1` is exactly one tenth, `10.10` keeps its two decimals, `1e-2` is
//!   `0.01`. It is written back as a JSON number with the `Decimal`'s digits (`10.10`).
//! * [`string`] (and [`string_option`]) for amounts the API sends as decimal strings (the
//!   order responses' `"10.00"`). `"10.10"` reads as 10.10 with scale 2 and is written back as
//!   `"10.10"`.
//!
//! Both forms accept the JSON number syntax only (`-?digits[.digits][e[+-]digits]`, no
//! leading `+`, no spaces, no `_`), and only values a `Decimal` holds exactly: at most 28
//! digits after the point and a magnitude below 2^96 (79,228,162,514,264,337,593,543,950,335).
//! Anything else is refused with an error that says why; nothing is rounded.
//!
//! Reading a number exactly needs serde_json's text of it (`serde_json::value::RawValue`), so
//! [`number`] works when serde_json reads the value itself: `serde_json::from_str`,
//! `from_slice`, `from_reader` and `from_value` (where the number is already an `f64`). The
//! generated unions read their variants from their own text for this reason, and the generator
//! refuses a number amount that serde would read through its internal buffer (inside a
//! `type`-tagged union). serde_json's `arbitrary_precision` feature is not needed.

use std::{borrow::Cow, fmt};

use rust_decimal::Decimal;
use serde::{
    Deserialize, Deserializer, Serialize, Serializer,
    de::{self, Unexpected},
};
use serde_json::value::RawValue;

/// The largest number of digits after the point a [`Decimal`] holds.
const MAX_SCALE: i64 = 28;

/// Why the text of an amount is not an exact [`Decimal`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AmountError {
    /// Not in the JSON number syntax.
    Syntax,
    /// More digits after the point than a `Decimal` holds (28), once trailing zeros are gone.
    TooPrecise,
    /// A magnitude of 2^96 or more.
    TooLarge,
}

impl fmt::Display for AmountError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AmountError::Syntax => "is not a decimal number",
            AmountError::TooPrecise => {
                "has more than 28 digits after the point, more than an exact decimal amount holds"
            }
            AmountError::TooLarge => {
                "is 2^96 or more, larger than an exact decimal amount holds (79228162514264337593543950335)"
            }
        })
    }
}

impl std::error::Error for AmountError {}

/// Reads `text`, in the JSON number syntax, as the exact [`Decimal`] it denotes.
///
/// The work is linear in the text: the digits are read once and the exponent moves the point
/// by at most a few dozen places before the value is known to be out of range.
pub fn parse(text: &str) -> Result<Decimal, AmountError> {
    let (mantissa, exponent) = split(text)?;
    exact(mantissa, exponent)
}

/// Checks the JSON number syntax of `text` and splits it into its mantissa (`-10.10`) and
/// its exponent (saturated: more than 18 digits is out of any range).
fn split(text: &str) -> Result<(&str, i64), AmountError> {
    let bytes = text.as_bytes();
    let mut at = usize::from(bytes.first() == Some(&b'-'));
    let digits = |from: usize| {
        bytes[from..]
            .iter()
            .take_while(|it| it.is_ascii_digit())
            .count()
    };
    let whole = digits(at);
    if whole == 0 || (whole > 1 && bytes[at] == b'0') {
        return Err(AmountError::Syntax);
    }
    at += whole;
    if bytes.get(at) == Some(&b'.') {
        let fraction = digits(at + 1);
        if fraction == 0 {
            return Err(AmountError::Syntax);
        }
        at += 1 + fraction;
    }
    let mantissa_end = at;
    let mut exponent: i64 = 0;
    if matches!(bytes.get(at), Some(b'e' | b'E')) {
        at += 1;
        let negative = match bytes.get(at) {
            Some(b'-') => {
                at += 1;
                true
            }
            Some(b'+') => {
                at += 1;
                false
            }
            _ => false,
        };
        let count = digits(at);
        if count == 0 {
            return Err(AmountError::Syntax);
        }
        // More than 18 digits cannot be an `i64`; such an exponent is out of range anyway,
        // unless the mantissa is zero.
        let trimmed = text[at..at + count].trim_start_matches('0');
        exponent = if trimmed.len() > 18 {
            i64::MAX
        } else {
            trimmed.parse().unwrap_or(0)
        };
        if negative {
            exponent = -exponent;
        }
        at += count;
    }
    if at != bytes.len() {
        return Err(AmountError::Syntax);
    }
    Ok((&text[..mantissa_end], exponent))
}

/// The exact value of `mantissa` × 10^`exponent`, keeping the scale as written where it fits.
fn exact(mantissa: &str, exponent: i64) -> Result<Decimal, AmountError> {
    // Drop the point: the digits as an integer, and the scale.
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let negative = int.starts_with('-');
    let digits_text: String = int
        .trim_start_matches('-')
        .chars()
        .chain(frac.chars())
        .collect();
    let digits_text = digits_text.trim_start_matches('0');
    // The scale as written (`10.10` has 2, `1e-2` has 2, `1e2` has -2).
    let written = (frac.len() as i64).saturating_sub(exponent);
    if digits_text.is_empty() {
        return Ok(Decimal::new(0, written.clamp(0, MAX_SCALE) as u32));
    }
    // Trailing zeros of the digits lower the scale without changing the value.
    let significant = digits_text.trim_end_matches('0');
    let zeros = (digits_text.len() - significant.len()) as i64;
    // The value is `significant` × 10^-`smallest`.
    let smallest = written.saturating_sub(zeros);
    if significant.len() > 29 {
        // 29 significant digits are the most a 96-bit mantissa can hold.
        return Err(if smallest <= 0 {
            AmountError::TooLarge
        } else {
            AmountError::TooPrecise
        });
    }
    if smallest > MAX_SCALE {
        return Err(AmountError::TooPrecise);
    }
    let limit = 1i128 << 96;
    let mut value: i128 = significant.parse().map_err(|_| AmountError::Syntax)?;
    if value >= limit {
        return Err(AmountError::TooLarge);
    }
    // Raise the scale towards the written one (kept when it fits), and at least to 0. Each
    // step multiplies by ten, so an exponent past the range stops within 30 steps.
    let target = written.clamp(smallest.max(0), MAX_SCALE);
    let mut scale = smallest;
    while scale < target {
        match value.checked_mul(10).filter(|it| *it < limit) {
            Some(it) => {
                value = it;
                scale += 1;
            }
            None if scale >= 0 => break,
            None => return Err(AmountError::TooLarge),
        }
    }
    let value = if negative { -value } else { value };
    Decimal::try_from_i128_with_scale(value, scale as u32).map_err(|_| AmountError::TooLarge)
}

/// What an amount's reader expects, for serde's messages.
struct Expected(&'static str);

impl de::Expected for Expected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

const A_NUMBER: Expected = Expected("a JSON number (an exact decimal amount)");
const A_STRING: Expected = Expected("a decimal string (an exact decimal amount)");

/// The serde error for JSON `text` that is not of the expected type.
fn wrong_type<E: de::Error>(text: &str, expected: &Expected) -> E {
    let unexpected = match text.as_bytes().first() {
        Some(b'"') => {
            return match serde_json::from_str::<Cow<'_, str>>(text) {
                Ok(it) => E::invalid_type(Unexpected::Str(&it), expected),
                Err(_) => E::invalid_type(Unexpected::Other("string"), expected),
            };
        }
        Some(b't') => Unexpected::Bool(true),
        Some(b'f') => Unexpected::Bool(false),
        Some(b'n') => Unexpected::Unit,
        Some(b'{') => Unexpected::Map,
        Some(b'[') => Unexpected::Seq,
        _ => Unexpected::Other("number"),
    };
    E::invalid_type(unexpected, expected)
}

/// The serde error for an amount whose text cannot be an exact `Decimal`.
fn bad_amount<E: de::Error>(text: &str, error: AmountError) -> E {
    let shown: String = text.chars().take(40).collect();
    let more = if shown.len() < text.len() { "…" } else { "" };
    E::custom(format_args!("the amount {shown}{more} {error}"))
}

/// Reads and writes an amount that is a JSON number (`"type": "number", "format": "decimal"`).
pub mod number {
    use super::*;

    /// Writes `value` as a JSON number with its digits (`10.10`, not `10.1`).
    pub fn serialize<S: Serializer>(value: &Decimal, serializer: S) -> Result<S::Ok, S::Error> {
        // `Decimal`'s text is always a valid JSON number.
        let raw = RawValue::from_string(value.to_string()).map_err(serde::ser::Error::custom)?;
        raw.serialize(serializer)
    }

    /// Reads a JSON number from its text, exactly.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
        let raw = Box::<RawValue>::deserialize(deserializer)?;
        let text = raw.get();
        if !matches!(text.as_bytes().first(), Some(b'-' | b'0'..=b'9')) {
            return Err(wrong_type(text, &A_NUMBER));
        }
        parse(text).map_err(|err| bad_amount(text, err))
    }
}

/// [`number`] for an optional amount (`None` is absent or `null`).
pub mod number_option {
    use super::*;

    /// Writes `Some` as [`number::serialize`] does and `None` as `null`.
    pub fn serialize<S: Serializer>(
        value: &Option<Decimal>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(it) => number::serialize(it, serializer),
            None => serializer.serialize_none(),
        }
    }

    /// Reads `null` as `None`, and a number as [`number::deserialize`] does.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Decimal>, D::Error> {
        let raw = Option::<Box<RawValue>>::deserialize(deserializer)?;
        match raw {
            None => Ok(None),
            Some(raw) if raw.get() == "null" => Ok(None),
            Some(raw) => {
                let text = raw.get();
                if !matches!(text.as_bytes().first(), Some(b'-' | b'0'..=b'9')) {
                    return Err(wrong_type(text, &A_NUMBER));
                }
                parse(text).map(Some).map_err(|err| bad_amount(text, err))
            }
        }
    }
}

/// Reads and writes an amount that is a decimal string (`"type": "string", "format": "decimal"`).
pub mod string {
    use super::*;

    /// Writes `value` as a string with its scale (`"10.10"`).
    pub fn serialize<S: Serializer>(value: &Decimal, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(value)
    }

    /// Reads a decimal string exactly.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
        deserializer.deserialize_str(StringVisitor)
    }

    pub(super) struct StringVisitor;

    impl de::Visitor<'_> for StringVisitor {
        type Value = Decimal;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(A_STRING.0)
        }

        fn visit_str<E: de::Error>(self, text: &str) -> Result<Decimal, E> {
            parse(text).map_err(|err| bad_amount(&format!("\"{text}\""), err))
        }
    }
}

/// [`string`] for an optional amount (`None` is absent or `null`).
pub mod string_option {
    use super::*;

    /// Writes `Some` as [`string::serialize`] does and `None` as `null`.
    pub fn serialize<S: Serializer>(
        value: &Option<Decimal>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(it) => serializer.collect_str(it),
            None => serializer.serialize_none(),
        }
    }

    /// Reads `null` as `None`, and a string as [`string::deserialize`] does.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Decimal>, D::Error> {
        struct Wrapper(Decimal);
        impl<'de> Deserialize<'de> for Wrapper {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                string::deserialize(deserializer).map(Wrapper)
            }
        }
        Ok(Option::<Wrapper>::deserialize(deserializer)?.map(|it| it.0))
    }
}

/// The JSON Schema of a number amount, for `schemars` (`#[schemars(with = …)]` on the field).
#[derive(Debug)]
pub struct NumberAmount;

impl schemars::JsonSchema for NumberAmount {
    fn schema_name() -> Cow<'static, str> {
        "NumberAmount".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": "number", "format": "decimal"})
    }
}

/// The JSON Schema of a decimal-string amount, for `schemars`.
#[derive(Debug)]
pub struct StringAmount;

impl schemars::JsonSchema for StringAmount {
    fn schema_name() -> Cow<'static, str> {
        "StringAmount".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "format": "decimal",
            "pattern": "^-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?$",
        })
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    fn d(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    #[test]
    fn parse_is_exact_and_keeps_the_scale() {
        for (text, want) in [
            ("0.1", "0.1"),
            ("10.10", "10.10"),
            ("1e-2", "0.01"),
            ("1E+2", "100"),
            ("1.5e1", "15"),
            ("-0.5", "-0.5"),
            ("0", "0"),
            ("0.00", "0.00"),
            ("0.12345678901234567", "0.12345678901234567"),
            (
                "79228162514264337593543950335",
                "79228162514264337593543950335",
            ),
            (
                "0.0000000000000000000000000001",
                "0.0000000000000000000000000001",
            ),
            ("100e-30", "0.0000000000000000000000000001"),
            ("0e999999999999999999999", "0"),
        ] {
            let got = parse(text).unwrap_or_else(|err| panic!("{text}: {err}"));
            assert_eq!(got.to_string(), want, "{text}");
        }
        assert_eq!(parse("10.10").unwrap().scale(), 2);
        assert_eq!(parse("0.1").unwrap(), d("0.1"));
    }

    #[test]
    fn parse_refuses_what_it_cannot_hold_exactly() {
        for (text, want) in [
            ("79228162514264337593543950336", AmountError::TooLarge),
            ("1e29", AmountError::TooLarge),
            ("1e99999999999999999999", AmountError::TooLarge),
            ("0.00000000000000000000000000001", AmountError::TooPrecise),
            ("1e-29", AmountError::TooPrecise),
            ("0.123456789012345678901234567891", AmountError::TooPrecise),
            ("", AmountError::Syntax),
            ("+1", AmountError::Syntax),
            ("01", AmountError::Syntax),
            ("1.", AmountError::Syntax),
            (".5", AmountError::Syntax),
            ("1e", AmountError::Syntax),
            ("1_000", AmountError::Syntax),
            (" 1", AmountError::Syntax),
            ("NaN", AmountError::Syntax),
        ] {
            assert_eq!(parse(text), Err(want), "{text}");
        }
    }

    #[test]
    fn a_long_exponent_is_linear_work() {
        // A million-digit exponent is read once and refused, without looping over its value.
        let text = format!("1e{}", "9".repeat(1_000_000));
        assert_eq!(parse(&text), Err(AmountError::TooLarge));
        let text = format!("1e-{}", "9".repeat(1_000_000));
        assert_eq!(parse(&text), Err(AmountError::TooPrecise));
    }
}
