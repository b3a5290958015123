//! How the validator scales on adversarial inputs (time at n and 10n on every path), and its peak memory per input byte; a bench binary for `BENCHMARKS.md`.
//!
//! Run with `cargo bench -p runa-order-validator --bench scaling` (about three minutes; add
//! `-- --quick` for the first table and small files only, `-- --n N` for another n,
//! `-- --scaling-only` or `-- --memory-only` for one part). It prints Markdown tables:
//!
//! * **Scaling.** For each adversarial shape of the issue (distinct numbers under
//!   `uniqueItems`, distinct strings under it, unknown members, metadata keys, the keys of
//!   a map of objects) at n and 10n, the time of `is_valid` and `validate` on the parsed
//!   `Value` and of `is_valid_slice` and `validate_slice` on the text, and time(10n) /
//!   time(n), which linear work keeps near 10 and quadratic work near 100 (the target is at
//!   most 12). A time is the fastest of many runs when runs are short, and otherwise the
//!   user processor time (from `/proc/self/stat`) averaged over repeated runs, so that
//!   other work on a shared machine counts as little as it can (see `time`); glibc's
//!   allocator is told to keep the memory it frees, as a long-running service's does, so
//!   that runs do not pay page faults for memory given back between them. The target is measured at
//!   n = 1,000, where 10n still fits the processor's caches, beside two references: a plain
//!   `HashSet<String>` (linear) and the pairwise search `uniqueItems` used before (quadratic).
//!   A second table repeats it at 50 times those sizes, where memory latency makes every
//!   hash table and `Value` slower per item (the linear reference shows how much).
//! * **Memory.** For large valid, refused and non-JSON files, the peak resident memory of a
//!   process that reads the file and validates it, as `runa-order-validate` does, divided by
//!   the file's size. Each measurement runs in a fresh process (this binary, started again
//!   with `--memory-child`), which reads `VmHWM` from `/proc/self/status` at the end.
//!
//! Every verdict is checked before anything is timed or measured.

use std::{
    env, fs,
    hint::black_box,
    path::{Path, PathBuf},
    process::Command,
    time::{Duration, Instant},
};

use runa_order_validator::{Kind, Options};
use serde_json::Value;

/// One adversarial input: its kind, a builder of its text at size n, and the verdict.
struct Shape {
    name: &'static str,
    kind: Kind,
    build: fn(usize) -> String,
    valid: bool,
}

fn order_with(products: &str, extra: &str) -> String {
    format!(
        r#"{{"payment_method":{{"type":"ACCOUNT_BALANCE","currency":"USD"}},"items":[{{"face_value":10,"distribution_method":{{"type":"PAYOUT_LINK"}},"products":{products}}}]{extra}}}"#
    )
}

fn joined(n: usize, item: impl Fn(usize) -> String) -> String {
    (0..n).map(item).collect::<Vec<_>>().join(",")
}

fn distinct_numbers(n: usize) -> String {
    order_with(
        &format!(
            r#"{{"type":"MULTIPLE","values":[{}]}}"#,
            joined(n, |i| i.to_string())
        ),
        "",
    )
}

fn distinct_strings(n: usize) -> String {
    order_with(
        &format!(
            r#"{{"type":"MULTIPLE","values":[{}]}}"#,
            joined(n, |i| format!("\"P-{i}\""))
        ),
        "",
    )
}

/// The `i`th shortest JSON string: one printable ASCII character (no quote or backslash),
/// then two, and so on; the shortest distinct items there are (issue 18).
fn short_string(i: usize) -> String {
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

fn short_distinct_strings(n: usize) -> String {
    order_with(
        &format!(
            r#"{{"type":"MULTIPLE","values":[{}]}}"#,
            joined(n, short_string)
        ),
        "",
    )
}

fn unknown_members(n: usize) -> String {
    order_with(
        r#"{"type":"SINGLE","value":"AMZ-US"}"#,
        &format!(",{}", joined(n, |i| format!("\"unknown-{i}\":{i}"))),
    )
}

fn metadata_keys(n: usize) -> String {
    order_with(
        r#"{"type":"SINGLE","value":"AMZ-US"}"#,
        &format!(
            r#","metadata":{{{}}}"#,
            joined(n, |i| format!("\"key-{i}\":\"v\""))
        ),
    )
}

fn map_entries(n: usize) -> String {
    format!(
        "{{{}}}",
        joined(n, |i| format!(r#""C{i}":{{"value":"1.00","fx":null}}"#))
    )
}

const SHAPES: &[Shape] = &[
    Shape {
        name: "distinct numbers under `uniqueItems`",
        kind: Kind::NewOrderDetails,
        build: distinct_numbers,
        valid: false,
    },
    Shape {
        name: "distinct strings under `uniqueItems`",
        kind: Kind::NewOrderDetails,
        build: distinct_strings,
        valid: true,
    },
    Shape {
        name: "unknown members",
        kind: Kind::NewOrderDetails,
        build: unknown_members,
        valid: true,
    },
    Shape {
        name: "metadata keys (a map of strings)",
        kind: Kind::NewOrderDetails,
        build: metadata_keys,
        valid: false,
    },
    Shape {
        name: "`TransactionDetail` keys (a map of objects)",
        kind: Kind::TransactionDetail,
        build: map_entries,
        valid: true,
    },
];

const PATHS: [&str; 4] = ["is_valid", "validate", "is_valid_slice", "validate_slice"];

/// The processor time this process has used so far in user mode, from `/proc/self/stat`,
/// in clock ticks of 10 ms (Linux's `USER_HZ` is 100). Time in the kernel is left out: it is
/// mostly page faults on memory the allocator gave back to the system between runs, which
/// happens for large runs and not for small ones (glibc's thresholds), so it would measure
/// the repetition rather than the input; the memory itself is measured separately.
fn cpu_ticks() -> u64 {
    let stat = fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The fields after the command name, which is in parentheses: utime is the 12th of them.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or("", |it| it.1)
        .split_whitespace()
        .collect();
    let field = |i: usize| {
        fields
            .get(i)
            .and_then(|it| it.parse::<u64>().ok())
            .unwrap_or(0)
    };
    field(11)
}

/// The time of one run of `f`. Runs are repeated in three blocks that each use a third of
/// `budget` of user processor time (at least three runs each). A run shorter than 5 ms is
/// rarely interrupted, so for those the smallest wall-clock time of a run is kept (the run
/// least disturbed by other work on a shared machine); longer runs always are, so for them
/// each block gives its average user processor time, and the smallest is kept. Processor
/// time, not wall time, so that time given to other processes does not count; the caches
/// are still shared.
fn time(budget: Duration, mut f: impl FnMut()) -> Duration {
    let block_ticks = (budget.as_millis() / 30).max(1) as u64;
    let (mut fastest, mut best_average) = (Duration::MAX, Duration::MAX);
    for _ in 0..3 {
        let start = cpu_ticks();
        let mut runs = 0u32;
        while runs < 3 || cpu_ticks() - start < block_ticks {
            let run = Instant::now();
            f();
            fastest = fastest.min(run.elapsed());
            runs += 1;
        }
        best_average = best_average.min(Duration::from_millis((cpu_ticks() - start) * 10) / runs);
    }
    if fastest < Duration::from_millis(5) {
        fastest
    } else {
        best_average
    }
}

fn show(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s >= 1.0 {
        format!("{s:.2} s")
    } else if s >= 1e-3 {
        format!("{:.1} ms", s * 1e3)
    } else {
        format!("{:.0} µs", s * 1e6)
    }
}

fn size(bytes: usize) -> String {
    if bytes >= 1 << 20 {
        format!("{:.1} MB", bytes as f64 / 1e6)
    } else {
        format!("{:.0} KB", bytes as f64 / 1e3)
    }
}

/// The time of each path on the input of size `n`, after checking its verdicts.
fn times(shape: &Shape, n: usize, budget: Duration) -> (usize, [Duration; 4]) {
    let text = (shape.build)(n);
    let bytes = text.as_bytes();
    let value: Value = serde_json::from_str(&text).expect("the shapes are JSON");
    let kind = shape.kind;
    let options = Options::default();
    assert_eq!(kind.is_valid(&value), shape.valid, "{}", shape.name);
    assert_eq!(kind.validate(&value).is_ok(), shape.valid, "{}", shape.name);
    assert_eq!(kind.is_valid_slice(bytes), shape.valid, "{}", shape.name);
    assert_eq!(
        kind.validate_slice(bytes).is_ok(),
        shape.valid,
        "{}",
        shape.name
    );
    let times = [
        time(budget, || {
            black_box(kind.is_valid(black_box(&value)));
        }),
        time(budget, || {
            let _ = black_box(kind.validate_with(black_box(&value), &options));
        }),
        time(budget, || {
            black_box(kind.is_valid_slice(black_box(bytes)));
        }),
        time(budget, || {
            let _ = black_box(kind.validate_slice_with(black_box(bytes), &options));
        }),
    ];
    (bytes.len(), times)
}

/// The linear reference row: inserting `n` distinct short strings into a
/// `std::collections::HashSet`, the plainest linear work with a hash table, to show what the
/// machine's caches do to the time per item as the table grows.
fn linear_reference(n: usize, budget: Duration) -> Duration {
    time(budget, || {
        let mut set = std::collections::HashSet::new();
        for i in 0..n {
            set.insert(format!("unknown-{i}"));
        }
        black_box(&set);
    })
}

/// The quadratic reference row: looking for two equal numbers among `n` distinct ones pair
/// by pair, as `uniqueItems` did before issue 9.
fn quadratic_reference(n: usize, budget: Duration) -> Duration {
    let items: Vec<Value> = (0..n).map(Value::from).collect();
    time(budget, || {
        let mut found = false;
        for j in 1..items.len() {
            for i in 0..j {
                found |= items[i] == items[j];
            }
        }
        black_box(found);
    })
}

/// One table of time at n and 10n on every path of every shape; returns the largest ratio.
fn scaling(n: usize, budget: Duration, with_quadratic: bool) -> f64 {
    println!(
        "| shape | verdict | size at n / 10n | path | time at n | time at 10n | ratio | at most 12 |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    let mut worst: f64 = 0.0;
    for shape in SHAPES {
        let (small, at_n) = times(shape, n, budget);
        let (large, at_10n) = times(shape, 10 * n, budget);
        for (i, path) in PATHS.iter().enumerate() {
            let ratio = at_10n[i].as_secs_f64() / at_n[i].as_secs_f64().max(1e-9);
            worst = worst.max(ratio);
            println!(
                "| {} | {} | {} / {} | `{path}` | {} | {} | {ratio:.1} | {} |",
                shape.name,
                if shape.valid { "valid" } else { "refused" },
                size(small),
                size(large),
                show(at_n[i]),
                show(at_10n[i]),
                if ratio <= 12.0 { "yes" } else { "no" },
            );
        }
    }
    let mut references = vec![(
        "reference, linear: a `HashSet<String>` of n distinct keys",
        linear_reference(n, budget),
        linear_reference(10 * n, budget),
    )];
    if with_quadratic {
        references.push((
            "reference, quadratic: n numbers compared pair by pair (`uniqueItems` before)",
            quadratic_reference(n, budget),
            quadratic_reference(10 * n, budget),
        ));
    }
    for (name, at_n, at_10n) in references {
        println!(
            "| {name} | | | | {} | {} | {:.1} | |",
            show(at_n),
            show(at_10n),
            at_10n.as_secs_f64() / at_n.as_secs_f64().max(1e-9)
        );
    }
    println!();
    worst
}

/// Both scaling tables: the target at sizes that fit the processor's caches, and the same
/// at fifty times those sizes for the absolute times.
fn scalings(quick: bool, n: Option<usize>) {
    let n = n.unwrap_or(1_000);
    let budget = Duration::from_millis(if quick { 300 } else { 1_000 });
    println!("### Scaling: time at n = {n} and 10n = {}\n", 10 * n);
    println!(
        "Time of one run: for runs under 5 ms the fastest run, for longer ones the smallest of three averages of user processor time, each over runs that used a third of {budget:?} of it; ratio = time(10n) / time(n). Linear work gives about 10 (see the linear reference), quadratic work about 100 (see the quadratic reference); the target is at most 12.\n"
    );
    let worst = scaling(n, budget, true);
    println!("Largest ratio of the validator: {worst:.1}.\n");
    if quick {
        return;
    }
    issue_inputs();
    let large = 50 * n;
    println!("### The same at n = {large} and 10n = {}\n", 10 * large);
    println!(
        "Beyond the processor's caches the time per item grows with the size of the tables and `Value`s however linear the work is; the linear reference shows how much on this machine.\n"
    );
    scaling(large, budget, false);
}

/// The inputs the issue reported, at its sizes: the time of each path (the fastest of three
/// runs, with the `Value` already parsed for `is_valid` and `validate`).
fn issue_inputs() {
    println!("#### The issue's inputs\n");
    println!(
        "Wall-clock time of one run, the fastest of three; `is_valid` and `validate` get the `Value` already parsed.\n"
    );
    println!(
        "| input | size | verdict | `is_valid` | `validate` | `is_valid_slice` | `validate_slice` |"
    );
    println!("|---|---|---|---|---|---|---|");
    let inputs: [(&str, &Shape, usize); 4] = [
        (
            "100,000 distinct numbers under `uniqueItems`",
            &SHAPES[0],
            100_000,
        ),
        ("100,000 unknown members", &SHAPES[2], 100_000),
        ("100,000 metadata keys", &SHAPES[3], 100_000),
        ("3,000,000 unknown members", &SHAPES[2], 3_000_000),
    ];
    for (name, shape, n) in inputs {
        let text = (shape.build)(n);
        let bytes = text.as_bytes();
        let value: Value = serde_json::from_str(&text).expect("the shapes are JSON");
        let kind = shape.kind;
        let fastest = |f: &mut dyn FnMut()| {
            (0..3)
                .map(|_| {
                    let t = Instant::now();
                    f();
                    t.elapsed()
                })
                .min()
                .unwrap_or_default()
        };
        let times = [
            fastest(&mut || {
                black_box(kind.is_valid(&value));
            }),
            fastest(&mut || {
                let _ = black_box(kind.validate(&value));
            }),
            fastest(&mut || {
                black_box(kind.is_valid_slice(bytes));
            }),
            fastest(&mut || {
                let _ = black_box(kind.validate_slice(bytes));
            }),
        ];
        assert_eq!(kind.is_valid_slice(bytes), shape.valid, "{name}");
        println!(
            "| {name} | {} | {} | {} | {} | {} | {} |",
            size(bytes.len()),
            if shape.valid { "valid" } else { "refused" },
            show(times[0]),
            show(times[1]),
            show(times[2]),
            show(times[3]),
        );
    }
    println!();
}

/// A large file for the memory table: what it is, its kind, and its text.
struct File {
    name: &'static str,
    kind: Kind,
    text: String,
}

/// An order of `n` realistic items (e-mail, link and recipient distributions; single,
/// multiple and template products); refused past 200 items.
fn order_of(n: usize) -> String {
    let items = joined(n, |i| {
        match i % 3 {
        0 => format!(
            r#"{{"face_value":25,"distribution_method":{{"type":"EMAIL","email_address":"person{i}@example.com","template_id":"DT-01HPSF51G0ZWHJ3JTNWRH0WDYK"}},"products":{{"type":"SINGLE","value":"AMZ-US"}}}}"#
        ),
        1 => r#"{"face_value":50,"distribution_method":{"type":"PAYOUT_LINK"},"products":{"type":"MULTIPLE","values":["AMZ-US","AIRBNB-US","TARGET-US"]}}"#.to_owned(),
        _ => format!(
            r#"{{"face_value":20.5,"distribution_method":{{"type":"RECIPIENT","recipient_reference":"ref-{i}"}},"products":{{"type":"TEMPLATE","template_id":"PT-01HQ12PV4B8XMBRTK281JM54KK"}}}}"#
        ),
    }
    });
    format!(
        r#"{{"payment_method":{{"type":"ACCOUNT_BALANCE","currency":"USD"}},"items":[{items}],"description":"rewards","metadata":{{"campaign":"q3"}}}}"#
    )
}

/// A page of `n` orders, completed and incomplete (`GET /order`): valid at any size.
fn page_of(n: usize) -> String {
    let orders = joined(n, |i| {
        if i % 2 == 0 {
            format!(
                r#"{{"id":"O-{i:026}","status":"COMPLETED","created_at":"2025-06-30T11:00:00Z","completed_at":"2025-06-30T11:00:02Z","description":"June rewards","payment_method":{{"type":"ACCOUNT_BALANCE","currency":"USD"}},"currency":"USD","total_price":"97.50","total_discount":"2.50"}}"#
            )
        } else {
            format!(
                r#"{{"id":"O-{i:026}","status":"PROCESSING","message":"The order is being processed."}}"#
            )
        }
    });
    format!(r#"{{"items":[{orders}],"pagination":{{"cursors":{{}},"page":{{"limit":{n}}}}}}}"#)
}

fn files(quick: bool) -> Vec<File> {
    let scale = if quick { 10 } else { 1 };
    vec![
        File {
            name: "page of 400,000 orders (`OrderList`), valid",
            kind: Kind::OrderList,
            text: page_of(400_000 / scale),
        },
        File {
            name: "order of 400,000 items (`NewOrderDetails`), refused: more than 200 items",
            kind: Kind::NewOrderDetails,
            text: order_of(400_000 / scale),
        },
        File {
            name: "order with 1,000,000 metadata numbers, refused: 1,000,001 errors (100 kept)",
            kind: Kind::NewOrderDetails,
            text: order_with(
                r#"{"type":"SINGLE","value":"AMZ-US"}"#,
                &format!(
                    r#","metadata":{{{}}}"#,
                    joined(1_000_000 / scale, |i| format!("\"k{i}\":{i}"))
                ),
            ),
        },
        File {
            name: "1,000,000 distinct numbers under `uniqueItems`, refused",
            kind: Kind::NewOrderDetails,
            text: distinct_numbers(1_000_000 / scale),
        },
        File {
            name: "1,000,000 distinct strings under `uniqueItems`, valid",
            kind: Kind::NewOrderDetails,
            text: distinct_strings(1_000_000 / scale),
        },
        File {
            name: "1,000,000 shortest distinct strings under `uniqueItems` (1 to 4 characters), valid",
            kind: Kind::NewOrderDetails,
            text: short_distinct_strings(1_000_000 / scale),
        },
        File {
            name: "1,000,000 unknown members, valid",
            kind: Kind::NewOrderDetails,
            text: unknown_members(1_000_000 / scale),
        },
        File {
            name: "1,000,000 metadata keys, refused",
            kind: Kind::NewOrderDetails,
            text: metadata_keys(1_000_000 / scale),
        },
        File {
            name: "1,000,000 unknown members, the first repeated at the end: not JSON",
            kind: Kind::NewOrderDetails,
            text: {
                let mut text = unknown_members(1_000_000 / scale);
                text.insert_str(text.len() - 1, r#","unknown-0":0"#);
                text
            },
        },
    ]
}

/// The peak resident memory of this process so far (`VmHWM`), in bytes.
fn peak() -> u64 {
    let status = fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|it| it.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

/// In a fresh process: reads `path` and validates it with `path` ("text": as the command
/// line does, `validate_slice`; "value": `from_slice` then `validate`), then prints the
/// peak after reading and at the end, and the verdict.
fn memory_child(kind: &str, path: &Path, how: &str) {
    let kind = Kind::from_name(kind).expect("a kind");
    let start = peak();
    let bytes = fs::read(path).expect("the file was written");
    let read = peak();
    let valid = match how {
        "text" => kind.validate_slice(&bytes).is_ok(),
        _ => match serde_json::from_slice::<Value>(&bytes) {
            Ok(value) => kind.validate(&value).is_ok(),
            Err(_) => false,
        },
    };
    println!("{start} {read} {} {valid}", peak());
}

fn memory(quick: bool) {
    let me = env::current_exe().expect("the bench binary knows where it is");
    let dir = env::temp_dir().join(format!("runa-scaling-{}", std::process::id()));
    fs::create_dir_all(&dir).expect("a temporary directory");
    println!("### Peak memory per input byte\n");
    println!(
        "Peak resident memory (`VmHWM`) of a fresh process that reads the file and checks it, divided by the file's size. \"Text\" is what `runa-order-validate` does (`validate_slice`, after `is_valid_slice` inside it); \"`Value`\" parses with `serde_json::from_slice` and runs `validate`, for comparison.\n"
    );
    println!(
        "| file | size | verdict | text: peak / size | text: peak above the file read | `Value`: peak / size |"
    );
    println!("|---|---|---|---|---|---|");
    let mut worst: f64 = 0.0;
    let mut baseline: f64 = 0.0;
    for (i, file) in files(quick).into_iter().enumerate() {
        let path: PathBuf = dir.join(format!("{i}.json"));
        fs::write(&path, &file.text).expect("the file is written");
        let len = file.text.len() as f64;
        let mut run = |how: &str| -> (f64, f64, bool) {
            let output = Command::new(&me)
                .env_remove("MALLOC_TRIM_THRESHOLD_")
                .env_remove("MALLOC_TOP_PAD_")
                .env_remove("MALLOC_MMAP_THRESHOLD_")
                .args(["--memory-child", file.kind.name()])
                .arg(&path)
                .arg(how)
                .output()
                .expect("the bench binary runs");
            let out = String::from_utf8_lossy(&output.stdout);
            let fields: Vec<&str> = out.split_whitespace().collect();
            let [start, read, end, valid] = fields[..] else {
                panic!(
                    "the child printed {out:?}, stderr {:?}",
                    String::from_utf8_lossy(&output.stderr)
                );
            };
            let (read, end): (f64, f64) = (read.parse().unwrap(), end.parse().unwrap());
            baseline = baseline.max(start.parse().unwrap());
            (end / len, (end - read) / len, valid == "true")
        };
        let (text, above, valid) = run("text");
        let (value, _, _) = run("value");
        worst = worst.max(text);
        println!(
            "| {} | {} | {} | {text:.2}× | {above:.2}× | {value:.1}× |",
            file.name,
            size(file.text.len()),
            if valid { "valid" } else { "refused" },
        );
        let _ = fs::remove_file(&path);
    }
    let _ = fs::remove_dir(&dir);
    println!(
        "\nLargest text peak per input byte: {worst:.2}× (the target is at most 8×). The process itself (code, stack, allocator) takes at most {} before it reads the file.\n",
        size(baseline as usize)
    );
}

fn main() {
    let args: Vec<String> = env::args().collect();
    if args.get(1).map(String::as_str) == Some("--memory-child") {
        memory_child(&args[2], Path::new(&args[3]), &args[4]);
        return;
    }
    // For a profiler: `--loop <shape> <n> <path> <runs>` runs one path of one shape (by
    // their positions in the tables) `runs` times.
    if args.get(1).map(String::as_str) == Some("--loop") {
        let number = |i: usize| args[i].parse::<usize>().expect("a number");
        let shape = &SHAPES[number(2)];
        let text = (shape.build)(number(3));
        let value: Value = serde_json::from_str(&text).expect("JSON");
        for _ in 0..number(5) {
            match number(4) {
                0 => {
                    black_box(shape.kind.is_valid(&value));
                }
                1 => {
                    let _ = black_box(shape.kind.validate(&value));
                }
                2 => {
                    black_box(shape.kind.is_valid_slice(text.as_bytes()));
                }
                _ => {
                    let _ = black_box(shape.kind.validate_slice(text.as_bytes()));
                }
            }
        }
        return;
    }
    // The timing runs in a child with glibc's allocator told to keep the memory it frees
    // (the memory children are started without this): otherwise memory given back to the
    // system between runs is faulted in again on the next run, which happens to large runs
    // and not to small ones, and would time the repetition rather than the validator. A
    // long-running service, which reuses its memory, runs in that state.
    if env::var_os("RUNA_SCALING_TIMING").is_none() {
        let me = env::current_exe().expect("the bench binary knows where it is");
        let status = Command::new(me)
            .args(&args[1..])
            .env("RUNA_SCALING_TIMING", "1")
            .env("MALLOC_TRIM_THRESHOLD_", "1073741824")
            .env("MALLOC_TOP_PAD_", "67108864")
            .env("MALLOC_MMAP_THRESHOLD_", "33554432")
            .status()
            .expect("the bench binary runs");
        std::process::exit(status.code().unwrap_or(1));
    }
    // `cargo bench` passes `--bench`; criterion's options are ignored here.
    let quick = args.iter().any(|it| it == "--quick");
    let n = args
        .iter()
        .position(|it| it == "--n")
        .and_then(|i| args.get(i + 1))
        .and_then(|it| it.parse().ok());
    if !args.iter().any(|it| it == "--memory-only") {
        scalings(quick, n);
    }
    if !args.iter().any(|it| it == "--scaling-only") {
        memory(quick);
    }
}
