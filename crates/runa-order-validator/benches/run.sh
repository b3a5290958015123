#!/usr/bin/env bash
# Runs the validator benchmarks and rewrites the tables of crates/runa-order-validator/BENCHMARKS.md.
#
# Usage: bash crates/runa-order-validator/benches/run.sh [criterion options]
#   e.g. ... run.sh --measurement-time 5      (longer, steadier)
#        ... run.sh is_valid/new-order-200    (only the matching benchmarks; the table keeps
#                                              the results of earlier runs for the rest)
#
# It builds first, so that the build is not timed and does not load the machine during the
# measurement, then records the load average before and after the run, the run's duration and
# the commit, and writes them above the tables.
set -euo pipefail
cd "$(dirname "$0")/../../.."

cargo bench -p runa-order-validator --no-run
commit=$(git rev-parse --short HEAD)
if [ -n "$(git status --porcelain --untracked-files=no)" ]; then commit="$commit with uncommitted changes"; fi
before=$(cut -d' ' -f1-3 /proc/loadavg)
start=$(date +%s)
cargo bench -p runa-order-validator -- "$@"
seconds=$(($(date +%s) - start))
after=$(cut -d' ' -f1-3 /proc/loadavg)

python3 crates/runa-order-validator/benches/table.py --write --note \
    "Measured on $(date -u '+%Y-%m-%d %H:%M') UTC at commit $commit, on $(nproc) cores shared with other builds; load average (1, 5, 15 min) $before before and $after after; the run took ${seconds} s."
