//! A bounded, seeded fuzz test: mutated bytes of the test payloads go into every text entry point of the validator, which must not panic and must give one verdict on every path.
//!
//! Each run mutates the files of `tests/payloads/` (byte flips, insertions, deletions,
//! copies of a range, and tokens that are hard for a JSON reader: repeated keys, numbers
//! beyond `f64` and numbers whose exponent goes past 65,536 with digits that bring them back,
//! deep nesting, invalid UTF-8, lone surrogates, a byte-order mark before the text or
//! anywhere in it, keys with control characters). Every mutant is checked with
//! `is_valid_slice`, `validate_slice` and `validate_str`, and, when it is JSON (by this
//! test's own strict reading: serde_json, and no repeated key), with `is_valid` and
//! `validate` on its `Value`:
//!
//! * nothing panics;
//! * the verdicts agree, and `validate_slice` reports text that is not JSON as one `parse`
//!   error exactly when the strict reading refuses it;
//! * on invalid JSON, `validate` and `validate_slice` name the same failing pointers, and
//!   every error of `validate_slice` has a position;
//! * no error prints a control character (a key's line break or terminal escape is escaped).
//!
//! The seed is fixed unless `RUNA_FUZZ_SEED` says otherwise (`<u64>` replays a seed,
//! `random` picks one); it is printed, and so is the mutant of a failure.

mod common;

use std::{
    collections::{BTreeSet, HashSet},
    fmt, fs,
    panic::{AssertUnwindSafe, catch_unwind},
    time::{SystemTime, UNIX_EPOCH},
};

use rand::{RngExt, SeedableRng, rngs::StdRng, seq::IndexedRandom};
use runa_order_validator::{Errors, Kind, Options};
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// The seed of a run without `RUNA_FUZZ_SEED`, so that CI is reproducible.
const DEFAULT_SEED: u64 = 9_2024_0205;
/// Mutants checked per run: a few seconds in a debug build.
const MUTANTS: usize = 20_000;

fn seed() -> u64 {
    match std::env::var("RUNA_FUZZ_SEED") {
        Err(_) => DEFAULT_SEED,
        Ok(text) if text == "random" => {
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .expect("the clock is after 1970");
            now.as_nanos() as u64 ^ u64::from(std::process::id())
        }
        Ok(text) => text
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("RUNA_FUZZ_SEED must be a u64 or `random`, not {text:?}")),
    }
}

/// `(kind, bytes)` of every payload file, valid and invalid.
fn payloads() -> Vec<(Kind, Vec<u8>)> {
    common::payload_files()
        .into_iter()
        .map(|(kind, file)| (kind, fs::read(file).unwrap()))
        .collect()
}

/// Pieces of text that are hard for a JSON reader, inserted whole.
fn tokens() -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = [
        &br#"{"a": 1, "a": 2}"#[..],
        br#""x": 1, "x": 2"#,
        br#","type": "EMAIL""#,
        b"1e400",
        b"-1e400",
        b"1.0",
        b"1e0",
        b"-0",
        b"18446744073709551616",
        b"0.1e-400",
        br#""\u0000""#,
        br#""\ud800""#,
        br#""\uDC00\uD800""#,
        b"\xff",
        b"\xc3\x28",
        b"\xef\xbb\xbf",
        b"null",
        b"true",
        b"[]",
        b"{}",
        br#""metadata": {"k": "v", "k": "w"}"#,
        br#""values": ["A", "A"]"#,
        br#""values": [1, 1.0, {"a": [1]}, {"a": [1e0]}]"#,
        // Exponents beyond what Rust's float parser counts (65,536), and beyond `i32`.
        b"1e655360",
        b"1E+65537",
        b"-1e-655360",
        b"1e-99999999999999999999",
        b"0e99999999999999999999",
        b"0.0e-4294967296",
        // Keys with control characters, JSON-escaped (a valid key) and raw (not JSON).
        br#""k\u001b[2J\n": 1"#,
        br#""\u0000\u009b\u2028": "v""#,
        b"\"k\x1b[2J\": 1",
    ]
    .iter()
    .map(|it| it.to_vec())
    .collect();
    // Numbers whose exponent passes 65,536 while their digits bring them back: 10^589,823
    // (beyond `f64`) and exactly 1 (65 KB each).
    let zeros = |n: usize| "0".repeat(n);
    out.push(format!("0.{}1e655360", zeros(65_535)).into_bytes());
    out.push(format!("1{}e-65537", zeros(65_537)).into_bytes());
    for depth in [126, 127, 128, 129] {
        out.push(format!("{}{}", "[".repeat(depth), "]".repeat(depth)).into_bytes());
        out.push(format!("{{\"d\":{}0{}}}", "[".repeat(depth), "]".repeat(depth)).into_bytes());
    }
    out
}

/// Names of members the spec uses, and a few it does not.
const NAMES: &[&str] = &[
    // A key with a line break, a terminal escape, the C1 escape and a bidirectional override,
    // JSON-escaped.
    r"k\n\u001b[2J\u009b\u202e",
    "type",
    "value",
    "values",
    "metadata",
    "face_value",
    "items",
    "currency",
    "email_address",
    "status",
    "k",
    "x-unknown",
];

/// One random change to `bytes`.
fn mutate(bytes: &mut Vec<u8>, tokens: &[Vec<u8>], rng: &mut StdRng) {
    let len = bytes.len();
    let at = rng.random_range(0..=len);
    match rng.random_range(0..10) {
        // A member inserted at the start of an object: the text often stays JSON, so the
        // member's value (a hard token, or a repeat of a name) reaches the schema checks.
        7..=9 => {
            let opens: Vec<usize> = (0..len).filter(|i| bytes[*i] == b'{').collect();
            let Some(open) = opens.choose(rng) else {
                return;
            };
            let value = if rng.random_bool(0.5) {
                tokens.choose(rng).expect("not empty").clone()
            } else {
                [
                    &b"0"[..],
                    b"\"A\"",
                    b"[1, 1.0]",
                    b"{}",
                    b"null",
                    b"-1",
                    b"\"\"",
                ]
                .choose(rng)
                .expect("not empty")
                .to_vec()
            };
            let next = bytes[open + 1..]
                .iter()
                .find(|it| !it.is_ascii_whitespace())
                .copied();
            let mut member =
                format!("\"{}\": ", NAMES.choose(rng).expect("not empty")).into_bytes();
            member.extend(value);
            if next != Some(b'}') {
                member.push(b',');
            }
            bytes.splice(open + 1..open + 1, member);
        }
        // A letter or digit changed into another: strings and numbers change, the
        // structure stays.
        5 | 6 if len > 0 => {
            let i = rng.random_range(0..len);
            if bytes[i].is_ascii_alphanumeric() {
                bytes[i] = *b"aAzZ09_-".choose(rng).expect("not empty");
            }
        }
        0 if len > 0 && rng.random_bool(0.1) => {
            // A byte-order mark before the text, which is otherwise often valid.
            bytes.splice(0..0, *b"\xef\xbb\xbf");
        }
        0 if len > 0 => {
            let i = rng.random_range(0..len);
            bytes[i] = rng.random();
        }
        1 if len > 0 => {
            let i = rng.random_range(0..len);
            bytes[i] = *b"{}[]\":,0123456789eE.-+tfnul \\x"
                .choose(rng)
                .expect("not empty");
        }
        2 if len > 0 => {
            let end = (at + rng.random_range(1..=16)).min(len);
            bytes.drain(at.min(end)..end);
        }
        3 if len > 0 => {
            let from = rng.random_range(0..len);
            let to = (from + rng.random_range(1..=64)).min(len);
            let piece = bytes[from..to].to_vec();
            bytes.splice(at..at, piece);
        }
        _ => {
            let token = tokens.choose(rng).expect("not empty").clone();
            bytes.splice(at..at, token);
        }
    }
}

/// This test's own strict reading: serde_json's `Value`, with a repeated key an error (a
/// UTF-8 byte-order mark is not JSON, for serde_json as for the validator).
fn strict(bytes: &[u8]) -> Option<Value> {
    struct Strict;
    impl<'de> DeserializeSeed<'de> for Strict {
        type Value = Value;
        fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
            d.deserialize_any(self)
        }
    }
    impl<'de> Visitor<'de> for Strict {
        type Value = Value;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("JSON")
        }
        fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
            Ok(Value::Bool(v))
        }
        fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
            Ok(Value::from(v))
        }
        fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
            Ok(Value::from(v))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
            serde_json::Number::from_f64(v)
                .map(Value::Number)
                .ok_or_else(|| E::custom("not a finite number"))
        }
        fn visit_str<E>(self, v: &str) -> Result<Value, E> {
            Ok(Value::String(v.to_owned()))
        }
        fn visit_unit<E>(self) -> Result<Value, E> {
            Ok(Value::Null)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
            let mut items = Vec::new();
            while let Some(item) = seq.next_element_seed(Strict)? {
                items.push(item);
            }
            Ok(Value::Array(items))
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
            let mut members = Map::new();
            let mut keys = HashSet::new();
            while let Some(key) = map.next_key::<String>()? {
                if !keys.insert(key.clone()) {
                    return Err(de::Error::custom("repeated key"));
                }
                let value = map.next_value_seed(Strict)?;
                members.insert(key, value);
            }
            Ok(Value::Object(members))
        }
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = Strict.deserialize(&mut de).ok()?;
    de.end().ok()?;
    Some(value)
}

fn pointers(errors: &Errors) -> BTreeSet<String> {
    errors
        .iter()
        .map(|it| it.instance_location.clone())
        .collect()
}

/// Checks one mutant; returns what is wrong, if anything, and whether it is JSON.
fn check(kind: Kind, bytes: &[u8]) -> (Vec<String>, bool) {
    let all = Options {
        max_errors: usize::MAX,
        ..Options::default()
    };
    let mut problems = Vec::new();
    let fast = kind.is_valid_slice(bytes);
    let located = kind.validate_slice_with(bytes, &all);
    if fast != located.is_ok() {
        problems.push(format!(
            "is_valid_slice says {fast}, validate_slice {}",
            located.is_ok()
        ));
    }
    if let Ok(text) = std::str::from_utf8(bytes)
        && kind.validate_str(text) != kind.validate_slice(bytes)
    {
        problems.push("validate_str and validate_slice differ".to_owned());
    }
    let parse_error = located.as_ref().is_err_and(Errors::is_parse_error);
    if let Err(errors) = &located
        && errors.iter().any(|it| it.position.is_none())
    {
        problems.push(format!(
            "an error of validate_slice has no position: {errors}"
        ));
    }
    if let Err(errors) = &located
        && errors
            .to_string()
            .chars()
            .any(|c| c.is_control() && c != '\n')
    {
        problems.push(format!(
            "an error prints a control character: {:?}",
            errors.to_string()
        ));
    }
    let value = strict(bytes);
    match (&value, parse_error) {
        (None, false) => problems.push(format!(
            "the text is not JSON, but validate_slice says {:?}",
            located.as_ref().map_err(ToString::to_string)
        )),
        (Some(_), true) => problems.push(format!(
            "the text is JSON, but validate_slice says it is not: {:?}",
            located.as_ref().map_err(ToString::to_string)
        )),
        _ => {}
    }
    if let Some(value) = &value {
        let valid = kind.is_valid(value);
        let collected = kind.validate_with(value, &all);
        if valid != fast || collected.is_ok() != fast {
            problems.push(format!(
                "is_valid says {valid}, validate {}, is_valid_slice {fast}",
                collected.is_ok()
            ));
        }
        if let (Err(ours), Err(text)) = (&collected, &located)
            && !parse_error
            && pointers(ours) != pointers(text)
        {
            problems.push(format!(
                "validate fails at {:?}, validate_slice at {:?}",
                pointers(ours),
                pointers(text)
            ));
        }
    }
    (problems, value.is_some())
}

#[test]
fn mutated_payloads_get_one_verdict_on_every_path_and_no_panic() {
    let seed = seed();
    println!("RUNA_FUZZ_SEED={seed} (replay with RUNA_FUZZ_SEED={seed})");
    let mut rng = StdRng::seed_from_u64(seed);
    let payloads = payloads();
    let tokens = tokens();
    let (mut json, mut valid, mut failures) = (0usize, 0usize, Vec::new());
    for round in 0..MUTANTS {
        let (own, original) = payloads.choose(&mut rng).expect("payloads exist");
        // Mostly the payload's own kind; sometimes any kind, to reach every seed.
        let kind = if rng.random_range(0..4) == 0 {
            *Kind::ALL.choose(&mut rng).expect("kinds exist")
        } else {
            *own
        };
        let mut bytes = original.clone();
        for _ in 0..rng.random_range(1..=3) {
            mutate(&mut bytes, &tokens, &mut rng);
        }
        let outcome = catch_unwind(AssertUnwindSafe(|| check(kind, &bytes)));
        let problems = match outcome {
            Ok((problems, is_json)) => {
                json += usize::from(is_json);
                valid += usize::from(kind.is_valid_slice(&bytes));
                problems
            }
            Err(_) => vec!["a panic".to_owned()],
        };
        if !problems.is_empty() {
            failures.push(format!(
                "RUNA_FUZZ_SEED={seed}, mutant {round}, {}: {}\n{}",
                kind.name(),
                problems.join("; "),
                String::from_utf8_lossy(&bytes).escape_debug()
            ));
        }
    }
    println!("{MUTANTS} mutants: {json} were JSON, {valid} were valid");
    assert!(
        failures.is_empty(),
        "{} of {MUTANTS} mutants failed; the first ones:\n\n{}",
        failures.len(),
        failures[..failures.len().min(5)].join("\n\n")
    );
    // The mutants reach every outcome: not JSON, JSON but invalid, and valid.
    assert!(json > MUTANTS / 4 && json < MUTANTS, "{json} were JSON");
    assert!(valid > MUTANTS / 100, "{valid} were valid");
}
