//! Exact comparison of two numbers written as JSON number text (`0.01`, `-1.5E+3`), without
//! going through `f64`: the text paths compare a number with a bound of the spec this way.
//!
//! The comparison reads each text once, left to right, and allocates nothing: it finds the
//! sign, the first significant digit and its decimal exponent (the power of ten it stands
//! for), then compares the digits from there. Exponents beyond ±2^62 saturate, so text such
//! as `1e99999999999999999999` still compares (as larger than any number of ordinary size).
//!
//! [`is_multiple_of`] decides `multipleOf` on the same parts: the digits modulo the divisor's
//! significand, then the powers of ten between their places, with integer arithmetic.

use std::cmp::Ordering;

/// The largest exponent magnitude kept exactly; larger ones saturate here (far beyond any
/// length of text, so adding a mantissa's length to it never overflows).
const EXPONENT_LIMIT: i64 = 1 << 62;

/// One number's text, taken apart.
struct Parts<'a> {
    negative: bool,
    /// The digits of the mantissa from the first significant one on, with the `.` if it
    /// comes later (skipped when reading); empty when the number is zero.
    significant: &'a [u8],
    /// The power of ten of the first significant digit (`0.01` → -2, `12` → 1).
    exponent: i64,
}

impl<'a> Parts<'a> {
    fn of(text: &'a str) -> Parts<'a> {
        let bytes = text.as_bytes();
        let (negative, rest) = match bytes.split_first() {
            Some((b'-', rest)) => (true, rest),
            Some((b'+', rest)) => (false, rest),
            _ => (false, bytes),
        };
        let end = rest
            .iter()
            .position(|it| matches!(it, b'e' | b'E'))
            .unwrap_or(rest.len());
        let (mantissa, exponent_text) = rest.split_at(end);
        let point = mantissa
            .iter()
            .position(|it| *it == b'.')
            .unwrap_or(mantissa.len());
        let Some(first) = mantissa.iter().position(|it| matches!(it, b'1'..=b'9')) else {
            return Parts {
                negative,
                significant: &[],
                exponent: 0,
            };
        };
        // Digits between the first significant one and the point (or the point and it).
        let place = if first < point {
            (point - first - 1) as i64
        } else {
            -((first - point) as i64)
        };
        Parts {
            negative,
            significant: &mantissa[first..],
            exponent: place.saturating_add(exponent_of(exponent_text)),
        }
    }

    fn is_zero(&self) -> bool {
        self.significant.is_empty()
    }
}

/// The value of an exponent part (`e-5`, `E+12`, or nothing), saturated at
/// [`EXPONENT_LIMIT`].
fn exponent_of(text: &[u8]) -> i64 {
    let digits = text.get(1..).unwrap_or_default();
    let (negative, digits) = match digits.split_first() {
        Some((b'-', rest)) => (true, rest),
        Some((b'+', rest)) => (false, rest),
        _ => (false, digits),
    };
    let magnitude = digits
        .iter()
        .filter(|it| it.is_ascii_digit())
        .fold(0i64, |acc, it| {
            acc.saturating_mul(10)
                .saturating_add(i64::from(it - b'0'))
                .min(EXPONENT_LIMIT)
        });
    if negative { -magnitude } else { magnitude }
}

/// The digits of a significand, without the point.
fn digits(significant: &[u8]) -> impl Iterator<Item = u8> + '_ {
    significant.iter().copied().filter(u8::is_ascii_digit)
}

/// Compares two numbers written as JSON number text exactly: `cmp_decimal_text("0.0099999999999999999",
/// "0.01")` is `Less`, although both texts read as the same `f64`. `0`, `-0`, `0.0` and `0e5`
/// are equal; `1e-2`, `1.0E-2`, `10e-3` and `0.01` are equal. The time is linear in the
/// texts and nothing is allocated. Text that is not a JSON number gives some order, never a
/// panic.
pub fn cmp_decimal_text(a: &str, b: &str) -> Ordering {
    let (a, b) = (Parts::of(a), Parts::of(b));
    let sign = |it: &Parts| match (it.is_zero(), it.negative) {
        (true, _) => 0,
        (false, true) => -1,
        (false, false) => 1,
    };
    let (sa, sb) = (sign(&a), sign(&b));
    if sa != sb || sa == 0 {
        return sa.cmp(&sb);
    }
    let magnitude = a.exponent.cmp(&b.exponent).then_with(|| {
        let (mut x, mut y) = (digits(a.significant), digits(b.significant));
        loop {
            match (x.next(), y.next()) {
                (None, None) => return Ordering::Equal,
                // Past its last digit, a significand goes on with zeros.
                (p, q) => match p.unwrap_or(b'0').cmp(&q.unwrap_or(b'0')) {
                    Ordering::Equal => {}
                    other => return other,
                },
            }
        }
    });
    if sa < 0 {
        magnitude.reverse()
    } else {
        magnitude
    }
}

/// True when the number written `text` (JSON number text) is an integer multiple of
/// `significand × 10^exponent` (`multipleOf`; the generator passes a significand without
/// trailing zeros, below 2^63). Exact: `0.30000000000000004` is no multiple of `0.1` although
/// its `f64` reads as one, `1e-2` is a multiple of `0.01`, and a 30-digit amount is decided on
/// all its digits. The time is linear in the text; nothing is allocated.
pub fn is_multiple_of(text: &str, significand: u64, exponent: i64) -> bool {
    let parts = Parts::of(text);
    if parts.is_zero() {
        return true;
    }
    if significand == 0 {
        return false;
    }
    // The number is `X × 10^last`, with `X` its significant digits up to the last that is
    // not zero.
    let count = digits(parts.significant)
        .enumerate()
        .filter(|(_, it)| *it != b'0')
        .last()
        .map_or(0, |(at, _)| at + 1);
    let last = parts.exponent.saturating_sub(count as i64 - 1);
    let shift = last.saturating_sub(exponent);
    if shift < 0 {
        // The divisor's last digit is in a lower place than the number's last one, which is
        // not zero.
        return false;
    }
    let d = u128::from(significand);
    let mut rest = digits(parts.significant)
        .take(count)
        .fold(0u128, |rest, digit| {
            (rest * 10 + u128::from(digit - b'0')) % d
        });
    // `d` has at most 62 factors of 2 or 5 (it is below 2^63), so past 64 places the
    // remainder is zero exactly when it is at 64.
    for _ in 0..shift.min(64) {
        rest = rest * 10 % d;
    }
    rest == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use Ordering::{Equal, Greater, Less};

    #[track_caller]
    fn check(a: &str, b: &str, expected: Ordering) {
        assert_eq!(cmp_decimal_text(a, b), expected, "{a} vs {b}");
        assert_eq!(cmp_decimal_text(b, a), expected.reverse(), "{b} vs {a}");
    }

    #[test]
    fn zeros_are_equal_whatever_their_sign_or_exponent() {
        for zero in [
            "0",
            "-0",
            "0.0",
            "0e5",
            "-0.000E-7",
            "0E+99999999999999999999",
        ] {
            check(zero, "0", Equal);
            check(zero, "0.00001", Less);
            check(zero, "-1e-400", Greater);
        }
    }

    #[test]
    fn signs_order_before_magnitudes() {
        check("-1", "1", Less);
        check("-100", "-2", Less);
        check("-0.01", "-0.0099999999999999999", Less);
        check("-5e3", "-5000", Equal);
    }

    #[test]
    fn exponents_and_trailing_zeros_do_not_change_the_value() {
        for same in [
            "1e-2", "1.0E-2", "10e-3", "0.010", "100E-4", "0.001e1", "1E-02",
        ] {
            check(same, "0.01", Equal);
        }
        check("12.5e1", "125", Equal);
        check("1e2", "99.999", Greater);
        check("1E+2", "100.0000000000000000000000001", Less);
    }

    #[test]
    fn long_mantissas_are_compared_digit_by_digit() {
        // All three read as the f64 of 0.01.
        for below in [
            "0.0099999999999999999",
            "0.00999999999999999999",
            "0.0099999999999999999999999999",
        ] {
            check(below, "0.01", Less);
        }
        check("0.0100000000000000000000000001", "0.01", Greater);
        check(
            "123456789012345678901234567890",
            "123456789012345678901234567891",
            Less,
        );
        let long = format!("1.{}1", "0".repeat(100_000));
        check(&long, "1", Greater);
        check(
            &long,
            "1.00000000000000000000000000000000000000000000000000001",
            Less,
        );
    }

    #[test]
    fn huge_exponents_saturate_without_overflow() {
        check("1e99999999999999999999", "9e999", Greater);
        check("1e-99999999999999999999", "0", Greater);
        check("1e-99999999999999999999", "1e-999", Less);
        check("-1e99999999999999999999", "-1", Less);
        check("1e99999999999999999999", "2e99999999999999999999", Less);
    }

    #[test]
    fn multiples_are_decided_on_the_decimal_text() {
        // 0.01 is 1 × 10^-2.
        for yes in [
            "10.10",
            "1e-2",
            "0.01",
            "-0.05",
            "0",
            "-0.0",
            "100",
            "1E+2",
            "123456789012345678901234567.89",
            "0.0100000",
            "1.00e1",
        ] {
            assert!(is_multiple_of(yes, 1, -2), "{yes}");
        }
        for no in [
            "0.001",
            "10.101",
            "1e-3",
            "0.30000000000000004",
            "123456789012345678901234567.891",
            "1.005",
        ] {
            assert!(!is_multiple_of(no, 1, -2), "{no}");
        }
        // 0.0075 is 75 × 10^-4; 1.5 is 15 × 10^-1.
        assert!(is_multiple_of("0.0225", 75, -4));
        assert!(!is_multiple_of("0.0226", 75, -4));
        assert!(is_multiple_of("4.5", 15, -1));
        assert!(!is_multiple_of("35", 15, -1));
        assert!(is_multiple_of("7.5e400", 15, -1));
        // 10^308 is no multiple of 0.123456789 (the suite's "float division = inf").
        assert!(!is_multiple_of("1e308", 123_456_789, -9));
        // Huge exponents are decided without counting up to them.
        assert!(!is_multiple_of("1e999999999999999999999", 3, 0));
        assert!(is_multiple_of("2e999999999999999999999", 2, 5));
        assert!(!is_multiple_of("1e-99999999999999999", 1, -2));
    }

    #[test]
    fn a_long_number_is_read_once() {
        let long = format!("{}.5", "9".repeat(100_000));
        assert!(is_multiple_of(&long, 5, -1));
        assert!(!is_multiple_of(&long, 3, 0));
    }
}
