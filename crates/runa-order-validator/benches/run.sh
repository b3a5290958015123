#!/usr/bin/env bash
# Runs the validator benchmarks and rewrites the tables of crates/runa-order-validator/BENCHMARKS.md.
#
# Usage: [RUNS=n] bash crates/runa-order-validator/benches/run.sh [criterion options]
#   e.g. RUNS=3 ... run.sh                    (each time is the best median of 3 runs)
#        ... run.sh --measurement-time 5      (longer, steadier)
#        ... run.sh is_valid/new-order-200    (only the matching benchmarks; the table keeps
#                                              the results of earlier runs for the rest)
#
# It builds first, so that the build is not timed and does not load the machine during the
# measurement, then records the load average before and after the run, the run's duration and
# the commit, and writes them above the tables.
set -euo pipefail
cd "$(dirname "$0")/../../.."

runs=${RUNS:-1}
table=crates/runa-order-validator/benches/table.py
cargo bench -p validator-peers --bench compare --no-run
commit=$(git rev-parse --short HEAD)
if [ -n "$(git status --porcelain --untracked-files=no -- . ":!crates/runa-order-validator/BENCHMARKS.md")" ]; then commit="$commit with uncommitted changes"; fi
rm -f "${CARGO_TARGET_DIR:-target}/criterion/runs.jsonl"
loads=()
start=$(date +%s)
for run in $(seq "$runs"); do
    before=$(cut -d' ' -f1-3 /proc/loadavg)
    cargo bench -p validator-peers --bench compare -- "$@"
    loads+=("run $run: $before before, $(cut -d' ' -f1-3 /proc/loadavg) after")
    python3 "$table" --record
done
seconds=$(($(date +%s) - start))

load=$(IFS=';'; echo "${loads[*]}" | sed 's/;/; /g')
python3 "$table" --write --best-of-runs --note \
    "Measured on $(date -u '+%Y-%m-%d %H:%M') UTC at commit $commit, on $(nproc) cores shared with other builds, in $runs run(s) of \`cargo bench -p validator-peers --bench compare\` that took ${seconds} s in all; load average (1, 5, 15 min) $load."
