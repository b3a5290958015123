//! The fingerprint an idempotency key is compared by: the SHA-256 of a request body's JSON value in a canonical form, its numbers read as exact decimals from their text.
//!
//! Two bodies have the same fingerprint when they are the same JSON value: whitespace, the
//! order of an object's members, the escapes of a string and the way a number is written do
//! not matter, and numbers compare as exact decimals, never through `f64`. So `10`, `10.0`,
//! `10.00` and `1e1` are one number (the same amount, so the same request), while
//! `100000000000000001.0` and `100000000000000000.0`, or `1.005` and `1.00499999999999999`,
//! are two (one `f64`, two orders). Text that is not JSON is fingerprinted by its bytes.
//!
//! The canonical form is hashed as it is read (struson's streaming reader gives each number's
//! text): an array's elements stream into the array's hash, an object's members are sorted by
//! name and hashed when it closes, and a nested container counts by its hash, so every byte of
//! the body is read once and the work is linear in its length.

use sha2::{Digest, Sha256};
use struson::reader::{JsonReader, JsonStreamReader, ReaderSettings, ValueType};

/// The SHA-256 that the idempotency layer compares.
pub(crate) type Fingerprint = [u8; 32];

/// The fingerprint of a request body: of its JSON value when it is one JSON document, else
/// of its bytes (the two kinds never collide: each hash starts with its own tag).
pub(crate) fn fingerprint(body: &[u8]) -> Fingerprint {
    canonical(body).unwrap_or_else(|| {
        Sha256::new()
            .chain_update(b"bytes\0")
            .chain_update(body)
            .finalize()
            .into()
    })
}

/// A container being read: an array streams its elements' encodings into its hash; an
/// object keeps its members (name, encoding of the value) to sort them when it closes.
enum Open {
    Array(Sha256),
    Object {
        members: Vec<(String, Vec<u8>)>,
        name: Option<String>,
    },
}

/// Appends a scalar's encoding: a tag, the length of its text, and its text.
fn encode(tag: u8, text: &[u8], out: &mut Vec<u8>) {
    out.push(tag);
    out.extend_from_slice(&(text.len() as u64).to_le_bytes());
    out.extend_from_slice(text);
}

/// The canonical hash of `body` as one JSON document, or `None` when it is not one.
fn canonical(body: &[u8]) -> Option<Fingerprint> {
    let settings = ReaderSettings {
        track_path: false,
        ..ReaderSettings::default()
    };
    let mut reader = JsonStreamReader::new_custom(body, settings);
    let mut open: Vec<Open> = Vec::new();
    loop {
        // The encoding of the value completed in this step, if one was.
        let mut done: Option<Vec<u8>> = None;
        match open.last_mut() {
            Some(Open::Object { name, .. }) if name.is_none() => {
                if reader.has_next().ok()? {
                    *name = Some(reader.next_name().ok()?.to_owned());
                    continue;
                }
                reader.end_object().ok()?;
                let Some(Open::Object { mut members, .. }) = open.pop() else {
                    return None;
                };
                // By name, then value, so that even a repeated name (text the validator
                // refuses) has one order.
                members.sort_unstable();
                let mut hash = Sha256::new().chain_update(b"object\0");
                for (name, value) in &members {
                    let mut member = Vec::with_capacity(name.len() + 9);
                    encode(b's', name.as_bytes(), &mut member);
                    hash.update(&member);
                    hash.update(value);
                }
                let mut it = vec![b'O'];
                it.extend_from_slice(&hash.finalize());
                done = Some(it);
            }
            Some(Open::Array(_)) if !reader.has_next().ok()? => {
                reader.end_array().ok()?;
                let Some(Open::Array(hash)) = open.pop() else {
                    return None;
                };
                let mut it = vec![b'A'];
                it.extend_from_slice(&hash.finalize());
                done = Some(it);
            }
            _ => {}
        }
        let encoded = match done {
            Some(it) => it,
            None => {
                let mut it = Vec::new();
                match reader.peek().ok()? {
                    ValueType::Object => {
                        reader.begin_object().ok()?;
                        open.push(Open::Object {
                            members: Vec::new(),
                            name: None,
                        });
                        continue;
                    }
                    ValueType::Array => {
                        reader.begin_array().ok()?;
                        open.push(Open::Array(Sha256::new().chain_update(b"array\0")));
                        continue;
                    }
                    ValueType::String => encode(b's', reader.next_str().ok()?.as_bytes(), &mut it),
                    ValueType::Number => encode(
                        b'n',
                        exact_number(reader.next_number_as_str().ok()?).as_bytes(),
                        &mut it,
                    ),
                    ValueType::Boolean => {
                        it.push(if reader.next_bool().ok()? { b't' } else { b'f' })
                    }
                    ValueType::Null => {
                        reader.next_null().ok()?;
                        it.push(b'z');
                    }
                }
                it
            }
        };
        match open.last_mut() {
            Some(Open::Array(hash)) => hash.update(&encoded),
            Some(Open::Object { members, name }) => members.push((name.take()?, encoded)),
            None => {
                reader.consume_trailing_whitespace().ok()?;
                return Some(
                    Sha256::new()
                        .chain_update(b"json\0")
                        .chain_update(&encoded)
                        .finalize()
                        .into(),
                );
            }
        }
    }
}

/// A JSON number's text as its exact decimal value, written one way: the sign, the
/// significant digits without leading or trailing zeros, and the power of ten
/// (`-12.50e1` is `-125e0`, `0.0` is `0`). An exponent of more than 18 digits (far beyond any
/// `f64`) is kept as its text.
fn exact_number(text: &str) -> String {
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (mantissa, exponent) = unsigned.split_once(['e', 'E']).unwrap_or((unsigned, "0"));
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = format!("{whole}{fraction}");
    let significant = digits.trim_start_matches('0');
    let trimmed = significant.trim_end_matches('0');
    if trimmed.is_empty() {
        return "0".to_owned();
    }
    // The value is `trimmed × 10^(exponent - fraction digits + trailing zeros)`.
    let shift = (significant.len() - trimmed.len()) as i128 - fraction.len() as i128;
    let sign = if negative { "-" } else { "" };
    let (exponent_negative, exponent_digits) = match exponent.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, exponent.strip_prefix('+').unwrap_or(exponent)),
    };
    let exponent_digits = exponent_digits.trim_start_matches('0');
    if exponent_digits.len() > 18 {
        let exponent_sign = if exponent_negative { "-" } else { "" };
        return format!("{sign}{trimmed}e{exponent_sign}{exponent_digits}{shift:+}");
    }
    let magnitude = exponent_digits.parse::<i128>().unwrap_or(0);
    let power = if exponent_negative {
        -magnitude
    } else {
        magnitude
    } + shift;
    format!("{sign}{trimmed}e{power}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_exact_decimals_written_one_way() {
        assert_eq!(exact_number("10"), "1e1");
        for same in [
            "10.0", "10.00", "1e1", "1.000E+1", "0.10e2", "100e-1", "0010",
        ] {
            assert_eq!(exact_number(same), "1e1", "{same}");
        }
        assert_eq!(exact_number("0"), "0");
        assert_eq!(exact_number("-0.000"), "0");
        assert_eq!(exact_number("-12.50e1"), "-125e0");
        assert_eq!(exact_number("1.005"), "1005e-3");
        assert_eq!(
            exact_number("1.00499999999999999"),
            "100499999999999999e-17"
        );
        assert_ne!(
            exact_number("100000000000000001.0"),
            exact_number("100000000000000000.0")
        );
        assert_eq!(
            exact_number("1e-1234567890123456789012"),
            "1e-1234567890123456789012+0"
        );
    }

    #[test]
    fn layout_order_and_escapes_do_not_matter_but_values_do() {
        let a = fingerprint(br#"{"a": [1, 2.50, {"x": "\u00e9", "y": null}], "b": true}"#);
        let b = fingerprint(b"{\"b\":true,\"a\":[1.0,25e-1,{\"y\":null,\"x\":\"\xc3\xa9\"}]}");
        assert_eq!(a, b);
        for other in [
            br#"{"a": [1, 2.51, {"x": "\u00e9", "y": null}], "b": true}"#.as_slice(),
            br#"{"a": [2.50, 1, {"x": "\u00e9", "y": null}], "b": true}"#,
            br#"{"a": [1, 2.50, {"x": "\u00e9"}], "b": true}"#,
            br#"{"a": [1, 2.50, {"x": "e", "y": null}], "b": true}"#,
            br#"{"a": [1, 2.50, {"x": "\u00e9", "y": null}], "b": "true"}"#,
            br#"{"a": [[1, 2.50], {"x": "\u00e9", "y": null}], "b": true}"#,
            br#"{"ab": [1, 2.50, {"x": "\u00e9", "y": null}], "": true}"#,
        ] {
            assert_ne!(a, fingerprint(other), "{}", String::from_utf8_lossy(other));
        }
        // Surrogate pairs are one character, as serde_json reads them.
        assert_eq!(
            fingerprint(br#"["\ud83d\ude00"]"#),
            fingerprint("[\"\u{1F600}\"]".as_bytes())
        );
    }

    #[test]
    fn text_that_is_not_json_is_fingerprinted_by_its_bytes() {
        assert_eq!(fingerprint(b"{not json"), fingerprint(b"{not json"));
        assert_ne!(fingerprint(b"{not json"), fingerprint(b"{not  json"));
        assert_ne!(fingerprint(b"[1] [2]"), fingerprint(b"[1]"));
        assert!(canonical(b"[1,]").is_none());
        assert!(canonical(b"").is_none());
    }
}
