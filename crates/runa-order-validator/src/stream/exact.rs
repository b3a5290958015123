//! The text paths' reading of numbers that have bounds: the number's JSON text is kept, so
//! that its bounds are compared exactly ([`rt::cmp_decimal_text`]) rather than on its `f64`.

use serde::de::{self, DeserializeSeed, Deserializer, Visitor};
use serde_json::value::RawValue;

use super::{Outline, Shallow, invalid, lift, note_read_again, outline, scalar, visit_raw};
use crate::rt;

/// The text of captured JSON when it is a number (JSON numbers begin with `-` or a digit).
pub fn number_text(raw: &RawValue) -> Option<&str> {
    let text = raw.get();
    text.starts_with(|it: char| it == '-' || it.is_ascii_digit())
        .then_some(text)
}

/// The `f64` of a number's JSON text as serde_json reads it, refused where serde_json refuses
/// it (beyond the range of `f64`), so that what is JSON is the same here as everywhere else.
///
/// Not Rust's `str::parse::<f64>`: it stops counting an exponent at 65,536, so that
/// `0.` + 65,535 zeros + `1e655360` (10^589,823) read as a small number, and `1` + 655,360
/// zeros + `e-655360` (exactly 1) as infinity (issue 18). serde_json reads the text once, in
/// time linear in its length, and folds the digits into the exponent exactly.
fn float<E: de::Error>(text: &str) -> Result<f64, E> {
    match serde_json::from_str::<f64>(text) {
        Ok(x) if x.is_finite() => Ok(x),
        _ => Err(E::custom("number out of range")),
    }
}

/// Reads a value for a seed whose numbers have bounds: a number goes to `number` with its
/// text and its `f64` (which returns whether it is valid), anything else to `visitor`.
pub fn exact<'de, D, V>(
    deserializer: D,
    visitor: V,
    number: fn(V, &str, f64) -> bool,
) -> Result<(), D::Error>
where
    D: Deserializer<'de>,
    V: Visitor<'de, Value = ()>,
{
    let raw = <&'de RawValue as de::Deserialize<'de>>::deserialize(deserializer)?;
    match number_text(raw) {
        Some(text) => {
            if number(visitor, text, float(text)?) {
                Ok(())
            } else {
                Err(invalid())
            }
        }
        None => {
            note_read_again(raw.get());
            lift(visit_raw(visitor, raw))
        }
    }
}

/// A [`Shallow`] value with the JSON text of a number.
#[derive(Debug)]
pub struct Exact<'de> {
    shallow: Shallow,
    text: Option<&'de str>,
}

impl Exact<'_> {
    /// Runs `check` on the value, with the number's text for its bounds.
    pub fn check(&self, cx: &mut rt::Cx, check: impl FnOnce(&mut rt::Cx, &serde_json::Value)) {
        cx.with_number_text(self.text, |cx| self.shallow.check(cx, check));
    }
}

/// Captured text as an [`Exact`] value.
pub fn exact_outline(raw: &RawValue) -> Exact<'_> {
    match number_text(raw) {
        Some(text) => Exact {
            shallow: // As serde_json reads it (an integer stays one, for messages).
            scalar(serde_json::from_str::<serde_json::Number>(text).map_or(serde_json::Value::Null, serde_json::Value::Number)),
            text: Some(text),
        },
        None => Exact {
            shallow: outline(raw),
            text: None,
        },
    }
}

/// Reads an [`Exact`] value: the [`Outline`](super::Outline) of a node whose numbers have
/// bounds.
#[derive(Clone, Copy)]
pub struct ExactOutline;

impl<'de> DeserializeSeed<'de> for ExactOutline {
    type Value = Exact<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Exact<'de>, D::Error> {
        let raw = <&'de RawValue as de::Deserialize<'de>>::deserialize(deserializer)?;
        if let Some(text) = number_text(raw) {
            float::<D::Error>(text)?;
            return Ok(exact_outline(raw));
        }
        // Anything else is read again, with the checks of `Outline` (and their errors).
        note_read_again(raw.get());
        let mut de = serde_json::Deserializer::from_str(raw.get());
        let shallow = Outline.deserialize(&mut de).map_err(de::Error::custom)?;
        Ok(Exact {
            shallow,
            text: None,
        })
    }
}
