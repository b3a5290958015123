//! A bounded fuzz-style test of the generator: seeded mutations of spec text go through load and lower (and the emitters when a small spec still lowers); nothing panics and every refusal is a located diagnostic.
//!
//! The bases are the real spec and every fixture with operations (its own, or the minimal
//! ones `build.rs` uses). Each case applies one to three mutations to the schema or the
//! operations file: flipped and deleted characters, copied spans, JSON strings swapped for
//! keywords and hostile values (cycles, colliding names, CR/LF in header names, stray braces
//! in paths, catastrophic patterns), duplicate keys, deep nesting and truncation.
//!
//! The run is replayable: the seed is fixed unless `RUNA_FUZZ_SEED` says otherwise
//! (`RUNA_FUZZ_SEED=<u64>` replays a run, `RUNA_FUZZ_SEED=random` picks one), a failure prints
//! the seed, the case and its mutations, and `RUNA_FUZZ_CASES` sets the number of cases
//! (1,000 by default, a few seconds in a debug build).

use std::{
    fs,
    panic::{self, AssertUnwindSafe},
    time::{SystemTime, UNIX_EPOCH},
};

use codegen_tests::{fixtures, root};
use rand::{RngExt, SeedableRng, rngs::StdRng, seq::IndexedRandom};
use xtask::codegen::{self, diagnostic::Diagnostics};

/// The seed of a run without `RUNA_FUZZ_SEED`, so that CI is reproducible.
const DEFAULT_SEED: u64 = 0x5eed_0009_0017_0022;
/// Cases of a run without `RUNA_FUZZ_CASES`.
const DEFAULT_CASES: usize = 1_000;
/// Specs up to this size go through every stage; the real spec only through load and lower,
/// so that a case stays in milliseconds.
const EMIT_BELOW_BYTES: usize = 4_000;

/// JSON strings that mutations write in place of others: keywords of both files, and values
/// that once crashed the generator or made it write code that does not compile.
const WORDS: &[&str] = &[
    "type",
    "object",
    "string",
    "integer",
    "number",
    "null",
    "array",
    "boolean",
    "$ref",
    "#/$defs/Currency",
    "#/$defs/NewOrderDetails",
    "#/$defs/DistributionMethod",
    "allOf",
    "anyOf",
    "oneOf",
    "properties",
    "required",
    "items",
    "additionalProperties",
    "propertyNames",
    "enum",
    "const",
    "pattern",
    "^(a+)+$",
    "[",
    "minLength",
    "maxItems",
    "maximum",
    "format",
    "date-time",
    "email",
    "self",
    "Self",
    "a-b",
    "a_b",
    "type_",
    "Ok",
    "Default",
    "X-Api-Key",
    "X-Bad\r\nName",
    "x-execution-mode",
    "{id}",
    "/order/{id}/{missing}",
    "/order/}",
    "GET",
    "POST",
    "header",
    "query",
    "path",
    "200",
    "204",
    "999",
    "description",
    "x-personal",
    "body",
    "other",
    "",
    "é",
];

fn seed() -> u64 {
    match std::env::var("RUNA_FUZZ_SEED") {
        Err(_) => DEFAULT_SEED,
        Ok(text) if text == "random" => {
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .expect("the clock is after 1970");
            now.as_nanos() as u64 ^ u64::from(std::process::id()).rotate_left(32)
        }
        Ok(text) => text
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("RUNA_FUZZ_SEED must be a u64 or `random`, not {text:?}")),
    }
}

fn cases() -> usize {
    std::env::var("RUNA_FUZZ_CASES")
        .ok()
        .map(|it| {
            it.trim()
                .parse()
                .unwrap_or_else(|_| panic!("RUNA_FUZZ_CASES must be a number, not {it:?}"))
        })
        .unwrap_or(DEFAULT_CASES)
}

/// A schema file and an operations file, with their paths as messages show them, and the
/// names of the schema's definitions (for mutations that retarget a `$ref`).
#[derive(Clone)]
struct Spec {
    schema_path: String,
    schema: String,
    operations_path: String,
    operations: String,
    names: Vec<String>,
}

fn bases() -> Vec<Spec> {
    let real = root();
    let mut bases = vec![Spec {
        schema_path: "spec/order-api.schema.json".to_owned(),
        schema: fs::read_to_string(real.join("spec/order-api.schema.json")).unwrap(),
        operations_path: "spec/operations.json".to_owned(),
        operations: fs::read_to_string(real.join("spec/operations.json")).unwrap(),
        names: Vec::new(),
    }];
    let mut paths: Vec<_> = fs::read_dir(fixtures())
        .unwrap()
        .map(|it| it.unwrap().path())
        .filter(|it| it.to_string_lossy().ends_with(".schema.json"))
        .collect();
    paths.sort();
    for path in paths {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let schema = fs::read_to_string(&path).unwrap();
        let own = path.with_file_name(name.replace(".schema.json", ".operations.json"));
        let operations = if own.exists() {
            fs::read_to_string(own).unwrap()
        } else {
            let api = codegen::lower_schema_text(&name, &schema).unwrap();
            let names: Vec<&str> = api.definitions.iter().map(|it| it.name.as_str()).collect();
            xtask::synthetic::operations_for(&name, &names)
        };
        bases.push(Spec {
            schema_path: format!("tests/fixtures/{name}"),
            schema,
            operations_path: "tests/fixtures/operations.json".to_owned(),
            operations,
            names: Vec::new(),
        });
    }
    for base in &mut bases {
        let api = codegen::lower_schema_text(&base.schema_path, &base.schema).unwrap();
        base.names = api.definitions.into_iter().map(|it| it.name).collect();
    }
    bases
}

/// The character boundaries of `text`, so that mutations keep it UTF-8.
fn boundary(rng: &mut StdRng, text: &str) -> usize {
    if text.is_empty() {
        return 0;
    }
    let mut at = rng.random_range(0..=text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The byte ranges of the contents of the JSON strings of `text` (without the quotes).
fn strings(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'"' {
            let start = i + 1;
            let mut j = start;
            while j < bytes.len() && bytes[j] != b'"' {
                j += if bytes[j] == b'\\' { 2 } else { 1 };
            }
            if j <= bytes.len() {
                out.push((start, j.min(bytes.len())));
            }
            i = j + 1;
        } else {
            i += 1;
        }
    }
    out
}

/// Applies one random mutation to `text` and says which.
fn mutate(rng: &mut StdRng, text: &mut String, names: &[String]) -> String {
    const CHARS: &[char] = &[
        '{', '}', '[', ']', '"', ',', ':', '\\', ' ', '0', '9', '-', '+', '.', 'e', 'a', 'Z', '_',
        '\n', '\t', 'é', '\u{2028}',
    ];
    // Mutations that keep the text JSON, and often a spec that lowers, come first and most.
    match rng.random_range(0..14) {
        10 | 11 => {
            let refs: Vec<usize> = text.match_indices("#/$defs/").map(|(i, _)| i).collect();
            let (Some(&at), Some(name)) = (refs.choose(rng), names.choose(rng)) else {
                return "nothing (no reference)".to_owned();
            };
            let start = at + "#/$defs/".len();
            let end = start + text[start..].find('"').unwrap_or(0);
            text.replace_range(start..end, name);
            format!("point the reference at byte {at} to {name}")
        }
        12 | 13 => {
            let numbers: Vec<usize> = text
                .match_indices(": ")
                .map(|(i, _)| i + 2)
                .filter(|i| text.as_bytes().get(*i).is_some_and(u8::is_ascii_digit))
                .collect();
            let Some(&at) = numbers.choose(rng) else {
                return "nothing (no number)".to_owned();
            };
            let end = at
                + text[at..]
                    .find(|c: char| !c.is_ascii_digit() && c != '.')
                    .unwrap_or(0);
            let value = ["0", "1", "2", "64", "65", "100", "0.5", "1000000"]
                .choose(rng)
                .unwrap();
            text.replace_range(at..end, value);
            format!("set the number at byte {at} to {value}")
        }
        0 => {
            let at = boundary(rng, text);
            let c = *CHARS.choose(rng).unwrap();
            let end = text[at..]
                .chars()
                .next()
                .map_or(at, |it| at + it.len_utf8());
            text.replace_range(at..end, &c.to_string());
            format!("replace the character at byte {at} with {c:?}")
        }
        1 => {
            let at = boundary(rng, text);
            let mut end = (at + rng.random_range(1..=16)).min(text.len());
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            text.replace_range(at..end, "");
            format!("delete bytes {at}..{end}")
        }
        2 => {
            let from = boundary(rng, text);
            let mut end = (from + rng.random_range(1..=64)).min(text.len());
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            let span = text[from..end].to_owned();
            let at = boundary(rng, text);
            text.insert_str(at, &span);
            format!("copy bytes {from}..{end} to byte {at}")
        }
        3..=5 => {
            let found = strings(text);
            let Some(&(start, end)) = found.choose(rng) else {
                return "nothing (no string)".to_owned();
            };
            let word = if rng.random_bool(0.3) && !names.is_empty() {
                format!("#/$defs/{}", names.choose(rng).unwrap())
            } else {
                WORDS
                    .choose(rng)
                    .unwrap()
                    .replace('\r', "\\r")
                    .replace('\n', "\\n")
            };
            text.replace_range(start..end, &word);
            format!("replace the string at byte {start} with {word:?}")
        }
        6 => {
            let opens: Vec<usize> = text.match_indices('{').map(|(i, _)| i).collect();
            let Some(&at) = opens.choose(rng) else {
                return "nothing (no object)".to_owned();
            };
            let key = WORDS.choose(rng).unwrap();
            text.insert_str(at + 1, &format!("\"{key}\": \"string\", "));
            format!("insert the member {key:?} after the object at byte {at}")
        }
        7 => {
            let opens: Vec<usize> = text.match_indices('{').map(|(i, _)| i).collect();
            let Some(&at) = opens.choose(rng) else {
                return "nothing (no object)".to_owned();
            };
            let depth = rng.random_range(1..=300);
            let nested = format!("\"deep\": {}{}, ", "[".repeat(depth), "]".repeat(depth));
            text.insert_str(at + 1, &nested);
            format!("nest {depth} arrays after the object at byte {at}")
        }
        8 => {
            let at = boundary(rng, text);
            text.truncate(at);
            format!("truncate at byte {at}")
        }
        _ => {
            let colons: Vec<usize> = text.match_indices(": ").map(|(i, _)| i).collect();
            let Some(&at) = colons.choose(rng) else {
                return "nothing (no member)".to_owned();
            };
            let value = [
                "1e999",
                "-1",
                "1.5",
                "true",
                "null",
                "[]",
                "{}",
                "18446744073709551616",
            ]
            .choose(rng)
            .unwrap();
            text.insert_str(at + 2, &format!("{value}, \"x\": "));
            format!("insert the value {value} at byte {at}")
        }
    }
}

/// Every diagnostic names its place: a line and column, and a JSON pointer unless it is about
/// the text itself (not JSON).
fn unlocated(err: &Diagnostics) -> Vec<String> {
    err.0
        .iter()
        .filter(|it| {
            it.position.is_none()
                || (it.pointer.is_none()
                    && !it.message.starts_with("invalid JSON")
                    && !it.message.starts_with("the file is not UTF-8"))
        })
        .map(ToString::to_string)
        .collect()
}

#[test]
fn mutated_specs_never_panic_and_every_refusal_is_located() {
    let seed = seed();
    let cases = cases();
    println!("RUNA_FUZZ_SEED={seed} RUNA_FUZZ_CASES={cases}");
    let bases = bases();
    let mut rng = StdRng::seed_from_u64(seed);
    let (mut refused, mut lowered, mut emitted) = (0, 0, 0);
    let mut failures = Vec::new();
    for case in 0..cases {
        let mut spec = bases.choose(&mut rng).unwrap().clone();
        let mut steps = Vec::new();
        let count = [1, 1, 1, 1, 1, 1, 2, 2, 2, 3]
            .choose(&mut rng)
            .copied()
            .unwrap();
        for _ in 0..count {
            let (file, text) = if rng.random_bool(0.7) {
                ("schema", &mut spec.schema)
            } else {
                ("operations", &mut spec.operations)
            };
            steps.push(format!("{file}: {}", mutate(&mut rng, text, &spec.names)));
        }
        let replay = || {
            format!(
                "RUNA_FUZZ_SEED={seed}, case {case} of {cases}, base {}, mutations:\n  {}",
                spec.schema_path,
                steps.join("\n  ")
            )
        };
        // Small specs go through every stage, the real spec (whose types alone take longer in
        // a debug build) through load and lower.
        let emit = spec.schema.len() <= EMIT_BELOW_BYTES;
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
            if emit {
                codegen::generate_texts(
                    &spec.schema_path,
                    &spec.schema,
                    &spec.operations_path,
                    &spec.operations,
                )
                .map(|_| ())
            } else {
                codegen::lower_texts(
                    &spec.schema_path,
                    &spec.schema,
                    &spec.operations_path,
                    &spec.operations,
                )
                .map(|_| ())
            }
        }));
        match outcome {
            Err(_) => failures.push(format!("the generator panicked; {}", replay())),
            Ok(Ok(())) if emit => emitted += 1,
            Ok(Ok(())) => lowered += 1,
            Ok(Err(err)) => {
                refused += 1;
                let unlocated = unlocated(&err);
                if !unlocated.is_empty() {
                    failures.push(format!(
                        "unlocated diagnostics:\n{}\n{}",
                        unlocated.join("\n"),
                        replay()
                    ));
                }
            }
        }
    }
    println!(
        "{cases} cases: {refused} refused, {lowered} lowered (real spec), {emitted} generated (fixtures)"
    );
    assert!(
        failures.is_empty(),
        "{} of {cases} cases failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    // The mutations must leave some specs valid and break others, or the test checks little.
    assert!(
        refused > cases / 10 && lowered + emitted > cases / 20,
        "{refused} refused, {lowered} lowered, {emitted} generated"
    );
}
