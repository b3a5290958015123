//! The issue's adversarial inputs as regression tests: inputs large enough that the old validator took minutes (or never finished) get the right verdict on every path.
//!
//! Each input is checked by every entry point: `is_valid_slice` and `validate_slice` on the
//! text (`validate_str` too where the text is small: it is `validate_slice` of the bytes),
//! and `is_valid` and `validate` on the `Value` when the text is JSON. The sizes are those
//! of the issue or larger; the verdicts, not durations, are asserted.

use runa_order_validator::{Errors, Kind, Options, ValidationError};
use serde_json::Value;

/// Every error, however many: the paths are compared error for error.
fn unlimited() -> Options {
    Options {
        max_errors: usize::MAX,
        ..Options::default()
    }
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

/// The errors of `products` (a `oneOf` told apart by `type`) are reported each on its own,
/// with the variant they were checked against; there are no others.
fn product_errors(errors: &Errors) -> Vec<&ValidationError> {
    for error in errors {
        let variant = error.variant.as_ref().unwrap_or_else(|| panic!("{error}"));
        assert_eq!(variant.instance_location, "/items/0/products");
    }
    errors.iter().collect()
}

fn pointers(result: &Result<(), Errors>) -> Vec<String> {
    let mut out: Vec<String> = match result {
        Ok(()) => Vec::new(),
        Err(errors) => flat(errors)
            .iter()
            .map(|it| format!("{} {}", it.instance_location, it.keyword))
            .collect(),
    };
    out.sort();
    out
}

/// Checks `text` with every entry point, requires one verdict, and returns the errors of
/// `validate_slice` (with no limit on their number).
#[track_caller]
fn check(kind: Kind, text: &str) -> Result<(), Errors> {
    let bytes = text.as_bytes();
    let fast = kind.is_valid_slice(bytes);
    let located = kind.validate_slice_with(bytes, &unlimited());
    assert_eq!(fast, located.is_ok(), "is_valid_slice and validate_slice");
    let not_json = located.as_ref().is_err_and(Errors::is_parse_error);
    if !not_json {
        let value: Value = serde_json::from_str(text).expect("the text is JSON");
        assert_eq!(kind.is_valid(&value), fast, "is_valid and is_valid_slice");
        let collected = kind.validate_with(&value, &unlimited());
        assert_eq!(collected.is_ok(), fast, "validate and is_valid_slice");
        assert_eq!(
            pointers(&collected),
            pointers(&located),
            "validate and validate_slice report different errors"
        );
    }
    located
}

#[track_caller]
fn assert_not_json(kind: Kind, text: &str, message: &str) {
    let errors = check(kind, text).expect_err("the text is not JSON");
    assert!(errors.is_parse_error(), "{errors}");
    assert!(
        errors.first().message.contains(message),
        "{message:?} not in {}",
        errors.first().message
    );
}

/// A valid order whose one item pays out one of `values` (JSON text of an array).
fn order_with_values(values: &str) -> String {
    format!(
        r#"{{"payment_method": {{"type": "ACCOUNT_BALANCE", "currency": "USD"}},
            "items": [{{"face_value": 10, "distribution_method": {{"type": "PAYOUT_LINK"}},
                        "products": {{"type": "MULTIPLE", "values": {values}}}}}]}}"#
    )
}

fn json_array(items: impl Iterator<Item = String>) -> String {
    format!("[{}]", items.collect::<Vec<_>>().join(","))
}

/// Issue 9, item 6: `products.values` of 100,000 distinct numbers (590 KB) took 96 s,
/// because items were compared pair by pair unless all were strings.
#[test]
fn unique_items_of_100000_distinct_numbers_take_linear_time() {
    let values = json_array((0..100_000).map(|i| i.to_string()));
    assert!(values.len() > 580_000, "{}", values.len());
    let errors = check(Kind::NewOrderDetails, &order_with_values(&values)).unwrap_err();
    // Every item is a number where a string is required; none repeats.
    let causes = product_errors(&errors);
    assert_eq!(causes.len(), 100_000);
    assert!(causes.iter().all(|it| it.keyword == "type"), "{errors}");

    // The same with a repeat of the first at the far end, spelt `0.0`.
    let values = json_array((0..100_000).map(|i| i.to_string()).chain(["0.0".into()]));
    let errors = check(Kind::NewOrderDetails, &order_with_values(&values)).unwrap_err();
    let unique: Vec<_> = product_errors(&errors)
        .into_iter()
        .filter(|it| it.keyword == "uniqueItems")
        .collect();
    assert_eq!(unique.len(), 1, "{errors}");
    assert_eq!(
        unique[0].message,
        "items 0 and 100000 are equal (\"type\" is \"MULTIPLE\")"
    );
    assert_eq!(
        unique[0].instance_location, "/items/0/products/values",
        "{errors}"
    );
}

/// Numbers, objects and arrays mixed, with one repeat at the far end under JSON Schema
/// equality (`1` is `1.0` and `1e0`, objects are equal whatever the order of members).
#[test]
fn unique_items_of_mixed_values_find_the_repeat_at_the_far_end() {
    let n = 10_000;
    let items = |i: usize| {
        [
            format!("{i}"),
            format!(r#"{{"a": {i}, "b": [{i}, "x"]}}"#),
            format!(r#"[{i}, {{"k": {i}}}]"#),
            format!(r#""s{i}""#),
        ]
    };
    for (repeat, first) in [
        ("1.0".to_owned(), 4),
        ("1e0".to_owned(), 4),
        (r#"{"b": [1.0, "x"], "a": 1}"#.to_owned(), 5),
        (r#"[1, {"k": 1e0}]"#.to_owned(), 6),
        (r#""s1""#.to_owned(), 7),
    ] {
        let values = json_array((0..n).flat_map(items).chain([repeat.clone()]));
        let errors = check(Kind::NewOrderDetails, &order_with_values(&values)).unwrap_err();
        let unique: Vec<_> = product_errors(&errors)
            .into_iter()
            .filter(|it| it.keyword == "uniqueItems")
            .collect();
        assert_eq!(unique.len(), 1, "{repeat}");
        assert_eq!(
            unique[0].message,
            format!(
                "items {first} and {} are equal (\"type\" is \"MULTIPLE\")",
                4 * n
            ),
            "{repeat}"
        );
    }
    // Without the repeat, no uniqueness error.
    let values = json_array((0..n).flat_map(items));
    let errors = check(Kind::NewOrderDetails, &order_with_values(&values)).unwrap_err();
    let causes = product_errors(&errors);
    assert_eq!(causes.len(), 3 * n);
    assert!(causes.iter().all(|it| it.keyword == "type"), "{errors}");
}

/// 100,000 distinct strings, then one repeat at the far end: the verdict alone
/// (`is_valid`, `is_valid_slice`) is decided by uniqueness here.
#[test]
fn unique_items_of_100000_strings() {
    let strings = (0..100_000).map(|i| format!("\"P-{i:06}\""));
    let values = json_array(strings.clone());
    check(Kind::NewOrderDetails, &order_with_values(&values)).unwrap();
    let values = json_array(strings.chain(["\"P-099998\"".to_owned()]));
    let errors = check(Kind::NewOrderDetails, &order_with_values(&values)).unwrap_err();
    let causes = product_errors(&errors);
    assert_eq!(causes.len(), 1, "{errors}");
    // Reported at its own pointer, with the variant the tag chose.
    assert_eq!(causes[0].instance_location, "/items/0/products/values");
    assert_eq!(
        errors.first().to_string(),
        "/items/0/products/values: items 99998 and 100000 are equal (\"type\" is \"MULTIPLE\")"
    );
}

/// A valid order with `extra` members after its own.
fn order_with_members(extra: &str) -> String {
    format!(
        r#"{{"payment_method": {{"type": "ACCOUNT_BALANCE", "currency": "USD"}},
            "items": [{{"face_value": 10, "distribution_method": {{"type": "PAYOUT_LINK"}},
                        "products": {{"type": "SINGLE", "value": "AMZ-US"}}}}]{extra}}}"#
    )
}

/// `n` members `"<prefix><i>": <value>`, each after a comma.
fn members(prefix: &str, n: usize, value: &str) -> String {
    let mut out = String::with_capacity(n * (prefix.len() + value.len() + 12));
    for i in 0..n {
        out.push_str(&format!(",\"{prefix}{i}\":{value}"));
    }
    out
}

/// Issue 9, item 7: the streaming path searched the earlier keys of an object for each key,
/// so 100,000 unknown members (1.3 MB) took 16 s and 3 million never finished.
#[test]
fn a_million_unknown_members_take_linear_time() {
    let extra = members("unknown-", 1_000_000, "0");
    check(Kind::NewOrderDetails, &order_with_members(&extra)).unwrap();
    // The first one again, at the far end.
    let repeated = format!("{extra},\"unknown-0\":1");
    assert_not_json(
        Kind::NewOrderDetails,
        &order_with_members(&repeated),
        "duplicate key \"unknown-0\"",
    );
}

/// Issue 9, item 7: 100,000 metadata keys took 14 s.
#[test]
fn a_million_metadata_keys_take_linear_time() {
    let metadata = members("key-", 1_000_000, "\"v\"");
    let text = order_with_members(&format!(",\"metadata\":{{{}}}", &metadata[1..]));
    let errors = check(Kind::NewOrderDetails, &text).unwrap_err();
    assert_eq!(errors.len(), 1, "{errors}");
    assert_eq!(
        errors.first().to_string(),
        "/metadata: the object has 1000000 properties, more than the maximum of 20"
    );
    let text = order_with_members(&format!(
        ",\"metadata\":{{{},\"key-0\":\"w\"}}",
        &metadata[1..]
    ));
    assert_not_json(Kind::NewOrderDetails, &text, "duplicate key \"key-0\"");
}

/// The keys of a map whose values are objects (`TransactionDetail`, by payout currency):
/// every key is checked for repeats while each value is read by its own schema.
#[test]
fn a_map_of_200000_entries_takes_linear_time() {
    let entries = members("C", 200_000, r#"{"value":"1.00","fx":null}"#);
    let text = format!("{{{}}}", &entries[1..]);
    check(Kind::TransactionDetail, &text).unwrap();
    let text = format!("{{{},\"C7\":{{\"value\":\"2.00\"}}}}", &entries[1..]);
    assert_not_json(Kind::TransactionDetail, &text, "duplicate key \"C7\"");
    // One bad entry far away is found and located.
    let text = format!("{{{},\"X\":{{\"value\":2}}}}", &entries[1..]);
    let errors = check(Kind::TransactionDetail, &text).unwrap_err();
    assert_eq!(errors.to_string(), "/X/value: 2 is not a string");
}

/// Nesting of `depth` arrays around `null`.
fn nested(depth: usize) -> String {
    format!("{}null{}", "[".repeat(depth), "]".repeat(depth))
}

/// How many objects and arrays are open at `offset` of `text`.
fn depth_at(text: &str, offset: usize) -> usize {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for b in text[..offset].bytes() {
        match (in_string, escaped, b) {
            (true, true, _) => escaped = false,
            (true, false, b'\\') => escaped = true,
            (true, false, b'"') => in_string = false,
            (false, _, b'"') => in_string = true,
            (false, _, b'[' | b'{') => depth += 1,
            (false, _, b']' | b'}') => depth -= 1,
            _ => {}
        }
    }
    depth
}

/// Issue 9, item 8: inside values the schema does not look at (unknown members, members
/// kept as raw text before a tag, maps), the streaming path accepted repeated keys, numbers
/// beyond `f64` and nesting deeper than serde_json's limit, which the located pass refuses.
#[test]
fn text_that_is_not_json_is_refused_where_the_schema_does_not_look() {
    // `^` marks where a member is put: at the root, in an object with a schema, in an item,
    // before the tag of a tagged union (kept as raw text until the tag), after it, and in a
    // map (metadata, whose values must be strings).
    let cases = [
        (
            Kind::NewOrderDetails,
            r#"{"payment_method": {"type": "ACCOUNT_BALANCE", "currency": "USD" ^},
                "items": [{"face_value": 10 ^,
                           "distribution_method": {"email_address": "a@example.com" ^, "type": "EMAIL" ^},
                           "products": {"type": "MULTIPLE", "values": ["A", "B"] ^}}],
                "metadata": {"k": "v" ^} ^}"#,
        ),
        // A `oneOf` without a tag at the root is read as raw text once per branch.
        (
            Kind::GetSingleOrderResponse,
            r#"{"id": "O-1", "status": "PROCESSING", "message": "m" ^}"#,
        ),
        // ... and in the items of a page, below the root.
        (
            Kind::OrderList,
            r#"{"items": [{"id": "O-1", "status": "PROCESSING", "message": "m" ^}],
                "pagination": {"cursors": {}, "page": {"limit": 10 ^}} ^}"#,
        ),
    ];
    let mut checked = 0;
    for (kind, template) in cases {
        let sites = template.matches('^').count();
        for site in 0..sites {
            // This site gets the member; the others nothing.
            let mut text = String::new();
            let mut at = 0;
            for (i, piece) in template.split('^').enumerate() {
                if i > 0 && i - 1 == site {
                    at = text.len();
                    text.push_str(", \"x-member\": HERE");
                }
                text.push_str(piece);
            }
            let depth = depth_at(&text, at);
            let with = |value: &str| text.replacen("HERE", value, 1);
            let in_map = text[..at].ends_with("\"v\" ");
            // The controls: JSON, and valid unless the member is a map's value.
            for value in [
                nested(127 - depth),
                "1e300".to_owned(),
                r#"{"a": 1, "b": {"a": 1}}"#.to_owned(),
            ] {
                let result = check(kind, &with(&value));
                assert_eq!(
                    result.is_ok(),
                    !in_map,
                    "{kind:?} at site {site}: {value}: {:?}",
                    result.err().map(|it| it.to_string())
                );
                checked += 1;
            }
            for (value, message) in [
                (nested(128 - depth), "recursion limit exceeded"),
                ("1e400".to_owned(), "number out of range"),
                ("[-1e400]".to_owned(), "number out of range"),
                (r#"{"a": 1, "a": 2}"#.to_owned(), "duplicate key \"a\""),
                (
                    r#"[{"b": [true, {"c": 1, "c": 1}]}]"#.to_owned(),
                    "duplicate key \"c\"",
                ),
                // The member itself, twice.
                (
                    r#"1, "x-member": 2"#.to_owned(),
                    "duplicate key \"x-member\"",
                ),
            ] {
                let text = with(&value);
                assert_not_json(kind, &text, message);
                assert_eq!(
                    kind.validate_str(&text),
                    kind.validate_slice(text.as_bytes())
                );
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 11 * 9);
}

/// Issue 9, item 11: a refused 60 MB file peaked at 1.0 GB, because the located pass read
/// the whole text into a `Value` (about 15 times the text for orders). The collectors read
/// it as it streams; the memory is measured by `benches/scaling.rs` (`BENCHMARKS.md`), and
/// this test holds the verdict and the one located error on an order of 200,000 items.
#[test]
fn a_refused_order_of_200000_items_gets_its_one_located_error() {
    let item = r#"{"face_value":25,"distribution_method":{"type":"EMAIL","email_address":"maria@example.com"},"products":{"type":"SINGLE","value":"AMZ-US"}}"#;
    let text = format!(
        "{{\"payment_method\":{{\"type\":\"ACCOUNT_BALANCE\",\"currency\":\"USD\"}},\n\"items\":[{}]}}",
        vec![item; 200_000].join(",\n")
    );
    assert!(text.len() > 25_000_000, "{}", text.len());
    let kind = Kind::NewOrderDetails;
    assert!(!kind.is_valid_slice(text.as_bytes()));
    let errors = kind.validate_str(&text).unwrap_err();
    assert_eq!(errors.len(), 1, "{errors}");
    assert_eq!(
        errors.first().to_string(),
        "/items: the array has 200000 items, more than the maximum of 200"
    );
    assert_eq!(errors.first().position.unwrap().to_string(), "2:9");
}

/// A valid order whose one item has the face value `face_value` (JSON number text), on the
/// third line of the text.
fn order_with_face_value(face_value: &str) -> String {
    format!(
        "{{\"payment_method\": {{\"type\": \"ACCOUNT_BALANCE\", \"currency\": \"USD\"}},\n\"items\": [{{\"distribution_method\": {{\"type\": \"PAYOUT_LINK\"}},\n\"products\": {{\"type\": \"SINGLE\", \"value\": \"AMZ-US\"}}, \"face_value\": {face_value}}}]}}"
    )
}

/// Issue 18, item 1: the bounded `face_value` took its exponent through Rust's float parser,
/// which stops counting an exponent at 65,536. `0.` + 65,535 zeros + `1e655360` (10^589,823)
/// was accepted by the text paths while serde_json and the types refuse it, and `1` + 655,360
/// zeros + `e-655360` (exactly 1) was refused "without a reason (a validator bug)" while the
/// `Value` path and the types accept it. Every path now gives the verdict of the types.
#[test]
fn numbers_with_huge_exponents_get_the_verdict_of_the_types_on_every_path() {
    let zeros = |n: usize| "0".repeat(n);
    let cases = [
        // (face value, accepted by the types and by every path of the validator)
        (format!("0.{}1e655360", zeros(65_535)), false),
        (format!("1{}e-655360", zeros(655_360)), true),
        // 10 and 1: the exponent beyond 65,536 is offset by the digits.
        (format!("0.{}1e65537", zeros(65_535)), true),
        (format!("1{}e-65537", zeros(65_537)), true),
        // Beyond any `f64`, or below the minimum of 0.01, whatever the exponent's length.
        ("1e99999999999999999999".to_owned(), false),
        ("1e-99999999999999999999".to_owned(), false),
        (format!("0.{}1e2", zeros(65_535)), false),
    ];
    for (face_value, accepted) in cases {
        let text = order_with_face_value(&face_value);
        let head = &face_value[..face_value.len().min(12)];
        let typed = serde_json::from_str::<runa_order_types::NewOrderDetails>(&text);
        assert_eq!(typed.is_ok(), accepted, "the types on {head}…: {typed:?}");
        // `check` requires one verdict from `is_valid_slice`, `validate_slice`, and, when the
        // text is JSON, `is_valid` and `validate` on its `Value`.
        let verdict = check(Kind::NewOrderDetails, &text);
        assert_eq!(
            verdict.is_ok(),
            accepted,
            "the validator on {head}…: {verdict:?}"
        );
        assert_eq!(
            Kind::NewOrderDetails.validate_str(&text).is_ok(),
            accepted,
            "{head}…"
        );
        if let Err(errors) = verdict {
            let error = errors.first();
            assert_ne!(error.keyword, "internal", "{head}…: {errors}");
            let position = error.position.expect("located");
            assert_eq!(position.line, 3, "{head}…: {errors}");
            if errors.is_parse_error() {
                assert!(
                    error.message.contains("number out of range"),
                    "{head}…: {errors}"
                );
                assert!(
                    serde_json::from_str::<Value>(&text).is_err(),
                    "serde_json reads {head}…"
                );
            } else {
                assert_eq!(error.instance_location, "/items/0/face_value", "{errors}");
                assert_eq!(error.keyword, "minimum", "{errors}");
            }
        }
    }
}

/// Issue 18, item 2: a UTF-8 byte-order mark before a valid order was skipped by the
/// validator but refused by serde_json and the types. JSON text must not start with one
/// (RFC 8259, section 8.1), so every path refuses it, at 1:1, with a message that says so.
#[test]
fn a_byte_order_mark_is_refused_on_every_path_as_the_types_refuse_it() {
    let order = order_with_face_value("10");
    check(Kind::NewOrderDetails, &order).expect("the order is valid");
    let text = format!("\u{feff}{order}");
    assert!(serde_json::from_str::<runa_order_types::NewOrderDetails>(&text).is_err());
    assert!(serde_json::from_slice::<Value>(text.as_bytes()).is_err());
    let kind = Kind::NewOrderDetails;
    assert!(!kind.is_valid_slice(text.as_bytes()));
    for errors in [
        kind.validate_slice(text.as_bytes()).unwrap_err(),
        kind.validate_str(&text).unwrap_err(),
    ] {
        assert!(errors.is_parse_error(), "{errors}");
        let error = errors.first();
        assert_eq!(
            error.position.map(|it| it.to_string()).as_deref(),
            Some("1:1")
        );
        assert!(
            error
                .message
                .starts_with("the text starts with a UTF-8 byte-order mark"),
            "{errors}"
        );
    }
    // A byte-order mark elsewhere is an ordinary character: inside a string it is text, and
    // between tokens it is not JSON.
    let inside = order.replace("AMZ-US", "AMZ-US\u{feff}");
    check(kind, &inside).expect("a character of a product code");
    let between = order.replace("\"items\"", "\u{feff}\"items\"");
    assert!(check(kind, &between).unwrap_err().is_parse_error());
}
