#!/usr/bin/env python3
"""Turns the results of `cargo bench -p validator-peers` into the tables of BENCHMARKS.md.

Reads target/criterion/**/new/{benchmark,estimates}.json (criterion's output for the last
run), and prints Markdown: the medians of every benchmark, and the ratios against the
targets with met/missed. With --write, the part of BENCHMARKS.md between the
`<!-- table:begin -->` and `<!-- table:end -->` markers is replaced instead.

Usage (from anywhere in the workspace):

    python3 crates/runa-order-validator/benches/table.py [--write] [--note TEXT]
        [--criterion DIR] [--record] [--best-of-runs]

On a shared machine one run is noisy. `--record` appends the medians of the last run to
target/criterion/runs.jsonl (run.sh empties it first); `--best-of-runs` then takes, for each
benchmark, the smallest median of the recorded runs (the one least disturbed by other work).

Only the standard library is used.
"""

import argparse
import json
import os
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
CRATE = HERE.parent
ROOT = CRATE.parent.parent
BENCHMARKS_MD = CRATE / "BENCHMARKS.md"
BEGIN, END = "<!-- table:begin -->", "<!-- table:end -->"

INPUTS = ["new-order-1", "new-order-200", "completed-200"]
VARIANTS = ["valid", "invalid"]
MEASURES = {
    "is_valid": ["ours", "jsonschema-0.61", "jsonschema-0.60.2", "macro-0.60.2", "boon-0.6"],
    "errors": ["ours", "jsonschema-0.61", "jsonschema-0.60.2", "macro-0.60.2", "boon-0.6"],
    "bytes": [
        "ours",
        "ours-is_valid_slice",
        "ours-from_slice-is_valid",
        "jsonschema-0.61-from_slice-is_valid",
        "floor-IgnoredAny",
    ],
}
TITLES = {
    "is_valid": "`is_valid` on a parsed `Value` (boon: `validate(..).is_ok()`, its only entry point)",
    "errors": "Full error collection on a parsed `Value` (ours: `validate`; jsonschema: `iter_errors(..).collect()`; boon: `validate`)",
    "bytes": "Bytes to verdict (ours: `validate_slice`, which also collects and locates the errors of invalid text, and `is_valid_slice`, the verdict alone; `from_slice` is `serde_json::from_slice::<Value>`; the floor is `serde_json::from_slice::<IgnoredAny>`)",
}
HEADERS = {
    "ours-from_slice-is_valid": "ours `from_slice` + `is_valid`",
    "jsonschema-0.61-from_slice-is_valid": "`from_slice` + 0.61 `is_valid`",
    "floor-IgnoredAny": "floor (`IgnoredAny`)",
    "ours": "ours",
    "ours-is_valid_slice": "ours `is_valid_slice`",
}

# (measure, ours, peer, direction, bound, description): the ratio is peer / ours for "at
# least" targets and ours / peer for "at most" targets.
TARGETS = [
    ("is_valid", "ours", "jsonschema-0.61", "faster", 3.0, "`is_valid` vs 0.61 runtime `is_valid`"),
    ("is_valid", "ours", "macro-0.60.2", "faster", 1.5, "`is_valid` vs 0.60.2 macro `is_valid`"),
    ("errors", "ours", "jsonschema-0.61", "faster", 3.0, "`validate` vs 0.61 `iter_errors`"),
    ("bytes", "ours-is_valid_slice", "floor-IgnoredAny", "within", 2.0, "`is_valid_slice` ÷ `IgnoredAny` floor (the verdict)"),
    ("bytes", "ours", "floor-IgnoredAny", "within", 2.0, "`validate_slice` ÷ `IgnoredAny` floor (verdict and located errors)"),
]


def criterion_dir(arg):
    if arg:
        return pathlib.Path(arg)
    target = os.environ.get("CARGO_TARGET_DIR")
    return (pathlib.Path(target) if target else ROOT / "target") / "criterion"


def load(directory):
    """Maps (measure, input, variant, validator) to criterion's median in nanoseconds."""
    medians = {}
    for meta in directory.glob("**/new/benchmark.json"):
        bench = json.loads(meta.read_text())
        parts = bench["group_id"].split("/")
        if len(parts) != 3 or parts[0] not in MEASURES:
            continue
        estimates = json.loads((meta.parent / "estimates.json").read_text())
        medians[(*parts, bench["function_id"])] = estimates["median"]["point_estimate"]
    return medians


def record(directory, medians):
    with open(directory / "runs.jsonl", "a") as out:
        out.write(json.dumps([[*key, value] for key, value in sorted(medians.items())]) + "\n")


def best_of_runs(directory, medians):
    """The smallest median of each benchmark over the recorded runs, and the number of runs."""
    path = directory / "runs.jsonl"
    runs = [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []
    best = dict(medians)
    for run in runs:
        for *key, value in run:
            key = tuple(key)
            best[key] = min(best.get(key, value), value)
    return best, len(runs)


def duration(ns):
    if ns is None:
        return "–"
    if ns < 1_000:
        return f"{ns:.0f} ns"
    us = ns / 1_000
    if us < 10:
        return f"{us:.2f} µs"
    if us < 1_000:
        return f"{us:.1f} µs"
    return f"{us / 1_000:.2f} ms"


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def render(medians, note):
    out = []
    if note:
        out += [note, ""]
    out += ["### Targets", ""]
    out.append(
        "Ratios of medians. \"×\" is how many times faster ours is than the peer (higher is "
        "better); for bytes it is how many times the floor ours takes (lower is better)."
    )
    out.append("")
    rows = []
    for measure, mine, peer, direction, bound, what in TARGETS:
        for name in INPUTS:
            for variant in VARIANTS:
                ours = medians.get((measure, name, variant, mine))
                other = medians.get((measure, name, variant, peer))
                if ours is None or other is None:
                    rows.append([what, name, variant, "–", "–", "not measured"])
                    continue
                if direction == "faster":
                    ratio, goal = other / ours, f"≥ {bound:g}×"
                    met = ratio >= bound
                    verdict = "met" if met else f"missed (needs {bound / ratio:.2f}× faster)"
                else:
                    ratio, goal = ours / other, f"≤ {bound:g}×"
                    met = ratio <= bound
                    verdict = "met" if met else f"missed (needs {ratio / bound:.2f}× faster)"
                rows.append([what, name, variant, f"{ratio:.2f}×", goal, verdict])
    out.append(table(["target", "input", "variant", "ratio", "goal", "met/missed"], rows))
    for measure, validators in MEASURES.items():
        out += ["", f"### {TITLES[measure]}", "", "Medians."]
        out.append("")
        header = ["input", "variant"] + [HEADERS.get(v, f"`{v}`") for v in validators]
        rows = [
            [name, variant]
            + [duration(medians.get((measure, name, variant, v))) for v in validators]
            for name in INPUTS
            for variant in VARIANTS
        ]
        out.append(table(header, rows))
    return "\n".join(out) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--criterion", help="criterion's output (default: target/criterion)")
    parser.add_argument("--write", action="store_true", help=f"update {BENCHMARKS_MD.name}")
    parser.add_argument("--note", default="", help="a line to put above the tables")
    parser.add_argument("--record", action="store_true", help="record the last run and stop")
    parser.add_argument(
        "--best-of-runs", action="store_true", help="the smallest median of the recorded runs"
    )
    args = parser.parse_args()

    directory = criterion_dir(args.criterion)
    medians = load(directory)
    if not medians:
        sys.exit(f"error: no results in {directory}; run `cargo bench -p validator-peers` first")
    if args.record:
        record(directory, medians)
        return
    if args.best_of_runs:
        medians, runs = best_of_runs(directory, medians)
        args.note += f" Each time is the smallest of the medians of {runs} run(s)."
    text = render(medians, args.note)
    if not args.write:
        sys.stdout.write(text)
        return
    document = BENCHMARKS_MD.read_text()
    if BEGIN not in document or END not in document:
        sys.exit(f"error: {BENCHMARKS_MD} has no {BEGIN} … {END} markers")
    head, rest = document.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    BENCHMARKS_MD.write_text(f"{head}{BEGIN}\n{text}{END}{tail}")
    print(f"wrote {BENCHMARKS_MD.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
