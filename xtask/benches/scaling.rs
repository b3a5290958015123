//! How the generator's time grows with the size of the spec: each stage on synthetic specs of n and 10n definitions, with the ratio.
//!
//! Run with `cargo bench -p xtask --bench scaling`. `RUNA_BENCH_DEFS` sets n (500 by default,
//! so 10n is the 5,000 definitions of issue 9) and `RUNA_BENCH_RUNS` the number of runs, of
//! which the fastest counts (3 by default); `RUNA_BENCH_LOWER_ONLY=1` stops after load and
//! lower (to measure their peak memory apart, with `/usr/bin/time -v`). A ratio near 10 means
//! the stage is linear; the quadratic position lookup that issue 9 reports would show about 100.

use std::{
    env,
    time::{Duration, Instant},
};

use xtask::{
    codegen::{self, emit_client, emit_types, emit_validator},
    synthetic,
};

const STAGES: [&str; 6] = [
    "load + lower",
    "emit types (typify)",
    "emit validator",
    "emit client",
    "render (syn, checks, prettyplease)",
    "total",
];

fn main() {
    let n: usize = setting("RUNA_BENCH_DEFS", 500);
    let runs: usize = setting("RUNA_BENCH_RUNS", 3).max(1);
    let small = best_of(n, runs);
    let large = best_of(10 * n, runs);
    println!(
        "{:<36} {:>12} {:>12} {:>8}",
        "stage",
        format!("n = {n}"),
        format!("n = {}", 10 * n),
        "ratio"
    );
    for (i, stage) in STAGES.iter().enumerate() {
        println!(
            "{:<36} {:>12} {:>12} {:>8.1}",
            stage,
            format!("{:.1} ms", millis(small[i])),
            format!("{:.1} ms", millis(large[i])),
            large[i].as_secs_f64() / small[i].as_secs_f64()
        );
    }
}

fn setting(name: &str, default: usize) -> usize {
    env::var(name)
        .ok()
        .and_then(|it| it.parse().ok())
        .unwrap_or(default)
}

fn millis(it: Duration) -> f64 {
    it.as_secs_f64() * 1000.0
}

/// The fastest time of each stage over `runs` runs on a spec of `n` definitions.
fn best_of(n: usize, runs: usize) -> Vec<Duration> {
    let schema = synthetic::schema(n);
    let names: Vec<String> = (0..n).map(synthetic::name).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let operations = synthetic::operations_for("synthetic.schema.json", &names);
    let mut best = vec![Duration::MAX; STAGES.len()];
    for _ in 0..runs {
        let times = once(&schema, &operations);
        for (best, time) in best.iter_mut().zip(times) {
            *best = (*best).min(time);
        }
    }
    best
}

fn once(schema: &str, operations: &str) -> Vec<Duration> {
    let start = Instant::now();
    let api = codegen::lower_texts(
        "synthetic.schema.json",
        schema,
        "operations.json",
        operations,
    )
    .unwrap_or_else(|err| panic!("the synthetic spec does not lower: {err}"));
    let lowered = start.elapsed();
    if env::var_os("RUNA_BENCH_LOWER_ONLY").is_some() {
        let nothing = Duration::from_nanos(1);
        return vec![lowered, nothing, nothing, nothing, nothing, lowered];
    }

    let start = Instant::now();
    let types = emit_types::emit(&api).unwrap_or_else(|err| panic!("{err}"));
    let typed = start.elapsed();

    let start = Instant::now();
    let validator = emit_validator::emit(&api).unwrap_or_else(|err| panic!("{err}"));
    let validated = start.elapsed();

    let start = Instant::now();
    let client = emit_client::emit(&api).unwrap_or_else(|err| panic!("{err}"));
    let clients = start.elapsed();

    let start = Instant::now();
    for tokens in [types, validator, client] {
        let text = codegen::render(tokens, &["synthetic.schema.json"])
            .unwrap_or_else(|err| panic!("{err}"));
        std::hint::black_box(text);
    }
    let rendered = start.elapsed();

    let total = lowered + typed + validated + clients + rendered;
    vec![lowered, typed, validated, clients, rendered, total]
}
