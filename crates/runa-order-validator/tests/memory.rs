//! Peak memory of checking JSON text, counted by the allocator: the bound of README's Limits (at most 4 times the text, besides the text) holds on the shape that costs the most per byte, short distinct strings under `uniqueItems`.
//!
//! Issue 18, item 4: `uniqueItems` kept each item's raw text (16 bytes), its hash (8 bytes)
//! and a table entry, doubling as they grew: 8.9 times a file of short distinct strings at
//! 1.4 MB, 8.0 times at 14 MB. The table now holds only each item's offset in the array's
//! text, sized once from the number of items. Every byte the check allocates is counted
//! (`peak_alloc`), on every path that reads text.

use peak_alloc::PeakAlloc;
use runa_order_validator::Kind;

/// Counts every byte this test binary allocates.
#[global_allocator]
static ALLOCATOR: PeakAlloc = PeakAlloc;

/// README, Limits (Validator): checking JSON text takes at most about 4 times the text's
/// size in memory besides the text.
const BOUND: f64 = 4.0;

/// The `i`th shortest JSON string: one printable ASCII character (no quote or backslash),
/// then two, and so on; the shortest distinct items there are.
fn short(i: usize) -> String {
    let alphabet: Vec<char> = (b' '..=b'~')
        .filter(|it| !matches!(it, b'"' | b'\\'))
        .map(char::from)
        .collect();
    let (mut i, mut len, mut count) = (i, 1, alphabet.len());
    while i >= count {
        i -= count;
        len += 1;
        count *= alphabet.len();
    }
    let mut out = String::from('"');
    for _ in 0..len {
        out.push(alphabet[i % alphabet.len()]);
        i /= alphabet.len();
    }
    out.push('"');
    out
}

/// An order whose one item offers the products `values` (JSON text of the array's items).
fn order_with_values(values: &str) -> String {
    format!(
        r#"{{"payment_method":{{"type":"ACCOUNT_BALANCE","currency":"USD"}},"items":[{{"face_value":10,"distribution_method":{{"type":"PAYOUT_LINK"}},"products":{{"type":"MULTIPLE","values":[{values}]}}}}]}}"#
    )
}

/// The peak of the bytes `check` allocates beyond what was live before it, per byte of
/// `text`, and its verdict.
fn peak_per_byte(text: &str, check: impl FnOnce(&[u8]) -> bool) -> (f64, bool) {
    ALLOCATOR.reset_peak_usage();
    let before = ALLOCATOR.current_usage();
    let valid = check(text.as_bytes());
    let peak = ALLOCATOR.peak_usage().saturating_sub(before);
    (peak as f64 / text.len() as f64, valid)
}

/// A path that reads text, and its verdict.
type Check = fn(&[u8]) -> bool;

/// One test, so that no other test allocates while a peak is measured.
#[test]
fn unique_items_of_short_distinct_strings_stay_within_the_bound_on_every_text_path() {
    // 114,689 items is one more than 7/8 of 2^17, where a table sized for them has the most
    // room per item; 250,000 (1.5 MB) is the size of the issue's first figure.
    for n in [114_689, 250_000] {
        let values: Vec<String> = (0..n).map(short).collect();
        let valid = order_with_values(&values.join(","));
        let repeated = order_with_values(&format!("{},{}", values.join(","), values[n / 2]));
        // One item at the end is a number, not a product code: the collectors report it,
        // then compare the items.
        let last_refused = order_with_values(&format!("{},1", values.join(",")));
        // Numbers are not product codes: every item is refused, 100 errors are kept.
        let numbers =
            order_with_values(&(0..n).map(|i| i.to_string()).collect::<Vec<_>>().join(","));
        drop(values);
        let cases: [(&str, &String, Check, bool); 6] = [
            (
                "is_valid_slice",
                &valid,
                |it| Kind::NewOrderDetails.is_valid_slice(it),
                true,
            ),
            (
                "validate_slice",
                &valid,
                |it| Kind::NewOrderDetails.validate_slice(it).is_ok(),
                true,
            ),
            (
                "is_valid_slice, a repeat",
                &repeated,
                |it| Kind::NewOrderDetails.is_valid_slice(it),
                false,
            ),
            (
                "validate_slice, a repeat",
                &repeated,
                |it| {
                    let errors = Kind::NewOrderDetails.validate_slice(it).unwrap_err();
                    assert_eq!(errors.len(), 1, "{errors}");
                    assert!(errors.first().message.starts_with("items "), "{errors}");
                    false
                },
                false,
            ),
            (
                "validate_slice, a number at the end",
                &last_refused,
                |it| Kind::NewOrderDetails.validate_slice(it).is_ok(),
                false,
            ),
            (
                "validate_slice, numbers",
                &numbers,
                |it| Kind::NewOrderDetails.validate_slice(it).is_ok(),
                false,
            ),
        ];
        for (path, text, check, expected) in cases {
            let (ratio, verdict) = peak_per_byte(text, check);
            println!(
                "{n} items, {path}: {} bytes, peak {ratio:.2} × the text",
                text.len()
            );
            assert_eq!(verdict, expected, "{path}");
            assert!(
                ratio <= BOUND,
                "{n} items, {path}: the check took {ratio:.2} times the text ({} bytes), more than {BOUND}",
                text.len()
            );
        }
    }
}
