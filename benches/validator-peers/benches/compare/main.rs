//! Criterion benchmarks of the generated validator against `jsonschema` 0.61, `jsonschema` 0.60.2 (runtime and macro) and `boon` 0.6.
//!
//! Run with `cargo bench -p validator-peers`, then turn the results into the table of
//! `BENCHMARKS.md` with `python3 crates/runa-order-validator/benches/table.py`.
//!
//! Benchmark ids are `<measure>/<input>/<variant>/<validator>`:
//!
//! * measures: `is_valid` (a yes or no from a parsed `Value`), `errors` (every error from a
//!   parsed `Value`), `bytes` (from JSON bytes to a verdict);
//! * inputs: `new-order-1`, `new-order-200`, `completed-200` (see `inputs.rs`);
//! * variants: `valid`, and `invalid` with one error deep inside.
//!
//! Before anything is timed, every validator is checked to give the expected verdict on every
//! input, so a benchmark cannot silently measure the wrong thing.

mod inputs;
mod peers;

use std::{hint::black_box, time::Duration};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use serde::de::IgnoredAny;
use serde_json::Value;

use inputs::Input;
use peers::Peers;

/// One input with its validators and its compact JSON text.
struct Case {
    input: Input,
    peers: Peers,
    valid_bytes: Vec<u8>,
    invalid_bytes: Vec<u8>,
}

impl Case {
    fn new(input: Input) -> Case {
        let peers = Peers::new(input.kind);
        let valid_bytes = serde_json::to_vec(&input.valid).unwrap();
        let invalid_bytes = serde_json::to_vec(&input.invalid).unwrap();
        Case {
            input,
            peers,
            valid_bytes,
            invalid_bytes,
        }
    }

    /// Both variants: name, value and bytes.
    fn variants(&self) -> [(&'static str, &Value, &[u8]); 2] {
        let [(valid, valid_value), (invalid, invalid_value)] = self.input.variants();
        [
            (valid, valid_value, &self.valid_bytes),
            (invalid, invalid_value, &self.invalid_bytes),
        ]
    }

    /// Panics unless every validator gives the expected verdict on both variants.
    fn check(&self) {
        let Case { input, peers, .. } = self;
        for (variant, value, bytes) in self.variants() {
            let expected = variant == "valid";
            let at = format!("{}/{variant}", input.name);

            assert_eq!(input.kind.is_valid(value), expected, "{at}: ours is_valid");
            match input.kind.validate(value) {
                Ok(()) => assert!(expected, "{at}: ours validate found no error"),
                Err(errors) => {
                    assert!(!expected, "{at}: ours validate: {errors}");
                    assert_eq!(errors.len(), 1, "{at}: ours validate: {errors}");
                    assert_eq!(errors.first().instance_location, input.error_at, "{at}");
                }
            }
            match input.kind.validate_slice(bytes) {
                Ok(()) => assert!(expected, "{at}: ours validate_slice found no error"),
                Err(errors) => {
                    assert!(!expected, "{at}: ours validate_slice: {errors}");
                    assert_eq!(errors.len(), 1, "{at}: ours validate_slice: {errors}");
                    assert!(errors.first().position.is_some(), "{at}: no position");
                }
            }
            assert_eq!(
                input.kind.is_valid_slice(bytes),
                expected,
                "{at}: ours is_valid_slice"
            );
            let parsed: Value = serde_json::from_slice(bytes).unwrap();
            assert_eq!(&parsed, value, "{at}: the bytes are the value");
            serde_json::from_slice::<IgnoredAny>(bytes).unwrap();

            assert_eq!(peers.runtime061.is_valid(value), expected, "{at}: 0.61");
            let n = peers.runtime061.iter_errors(value).count();
            assert_eq!(n == 0, expected, "{at}: 0.61 iter_errors gave {n}");

            assert_eq!(peers.runtime060.is_valid(value), expected, "{at}: 0.60.2");
            let n = peers.runtime060.iter_errors(value).count();
            assert_eq!(n == 0, expected, "{at}: 0.60.2 iter_errors gave {n}");

            assert_eq!((peers.macro060.is_valid)(value), expected, "{at}: macro");
            let n = (peers.macro060.iter_errors)(value).count();
            assert_eq!(n == 0, expected, "{at}: macro iter_errors gave {n}");

            if let Err(err) = peers.boon.validate(value) {
                assert!(!expected, "{at}: boon: {err:#}");
            } else {
                assert!(expected, "{at}: boon found no error");
            }
        }
    }
}

/// `is_valid`: a yes or no from a parsed `Value`.
fn is_valid(c: &mut Criterion, case: &Case) {
    let Case { input, peers, .. } = case;
    let kind = input.kind;
    for (variant, value, _) in case.variants() {
        let mut group = c.benchmark_group(format!("is_valid/{}/{variant}", input.name));
        group.bench_function("ours", |b| b.iter(|| kind.is_valid(black_box(value))));
        group.bench_function("jsonschema-0.61", |b| {
            b.iter(|| peers.runtime061.is_valid(black_box(value)))
        });
        group.bench_function("jsonschema-0.60.2", |b| {
            b.iter(|| peers.runtime060.is_valid(black_box(value)))
        });
        group.bench_function("macro-0.60.2", |b| {
            b.iter(|| (peers.macro060.is_valid)(black_box(value)))
        });
        // boon has no yes-or-no path; this is its only entry point.
        group.bench_function("boon-0.6", |b| {
            b.iter(|| peers.boon.validate(black_box(value)).is_ok())
        });
        group.finish();
    }
}

/// `errors`: every error from a parsed `Value`, kept (not formatted) until the iteration ends.
fn errors(c: &mut Criterion, case: &Case) {
    let Case { input, peers, .. } = case;
    let kind = input.kind;
    for (variant, value, _) in case.variants() {
        let mut group = c.benchmark_group(format!("errors/{}/{variant}", input.name));
        group.bench_function("ours", |b| b.iter(|| kind.validate(black_box(value))));
        group.bench_function("jsonschema-0.61", |b| {
            b.iter(|| {
                peers
                    .runtime061
                    .iter_errors(black_box(value))
                    .collect::<Vec<_>>()
            })
        });
        group.bench_function("jsonschema-0.60.2", |b| {
            b.iter(|| {
                peers
                    .runtime060
                    .iter_errors(black_box(value))
                    .collect::<Vec<_>>()
            })
        });
        group.bench_function("macro-0.60.2", |b| {
            b.iter(|| (peers.macro060.iter_errors)(black_box(value)).collect::<Vec<_>>())
        });
        // The error tree is built, then dropped after `black_box`, as the others' errors are.
        group.bench_function("boon-0.6", |b| {
            b.iter(|| black_box(peers.boon.validate(black_box(value))).is_err())
        });
        group.finish();
    }
}

/// `bytes`: from JSON text to a verdict, against the floor of reading the text at all.
fn bytes(c: &mut Criterion, case: &Case) {
    let Case { input, peers, .. } = case;
    let kind = input.kind;
    for (variant, _, bytes) in case.variants() {
        let mut group = c.benchmark_group(format!("bytes/{}/{variant}", input.name));
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_function("ours", |b| b.iter(|| kind.validate_slice(black_box(bytes))));
        group.bench_function("ours-is_valid_slice", |b| {
            b.iter(|| kind.is_valid_slice(black_box(bytes)))
        });
        group.bench_function("ours-from_slice-is_valid", |b| {
            b.iter(|| from_slice(black_box(bytes)).is_some_and(|it| kind.is_valid(&it)))
        });
        group.bench_function("jsonschema-0.61-from_slice-is_valid", |b| {
            b.iter(|| from_slice(black_box(bytes)).is_some_and(|it| peers.runtime061.is_valid(&it)))
        });
        group.bench_function("floor-IgnoredAny", |b| {
            b.iter(|| serde_json::from_slice::<IgnoredAny>(black_box(bytes)).is_ok())
        });
        group.finish();
    }
}

fn from_slice(bytes: &[u8]) -> Option<Value> {
    serde_json::from_slice(bytes).ok()
}

fn compare(c: &mut Criterion) {
    let cases: Vec<Case> = inputs::all().into_iter().map(Case::new).collect();
    for case in &cases {
        case.check();
        eprintln!(
            "{}: {} ({} bytes of compact JSON; invalid: {})",
            case.input.name,
            case.input.kind.name(),
            case.valid_bytes.len(),
            case.input.error
        );
    }
    for case in &cases {
        is_valid(c, case);
        errors(c, case);
        bytes(c, case);
    }
}

/// Three seconds of measurement after one of warm-up, 30 samples: about six minutes for the
/// whole run on two shared cores. `cargo bench -p validator-peers -- --measurement-time 5`
/// and the other criterion options override it.
fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(30)
        .without_plots()
}

criterion_group! {
    name = benches;
    config = config();
    targets = compare
}
criterion_main!(benches);
