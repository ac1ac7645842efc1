#!/usr/bin/env bash
# Collections benchmark: bench/collections.snow (compiled with snowc
# --release) against the same work in Rust with std HashMap/HashSet/sort
# (bench/baseline). Each phase (map: 1,000,000 puts + lookups; set: adds +
# contains; sort: a 1,000,000-element List) is timed as a whole program run,
# best of N, runs of both programs interleaved; the "none" run (startup and
# input generation only) is subtracted. Prints seconds and the Snow/Rust
# ratio per phase.
#
#   bash bench/collections.sh [N]      (N runs per phase, default 3)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
runs="${1:-3}"
work="$(mktemp -d "${TMPDIR:-/tmp}/snow-coll.XXXXXX")"
trap 'rm -rf "$work"' EXIT

cargo build --release -q -p snowc
target/release/snowc --release bench/collections.snow -o "$work/snow"
cargo build --release -q --manifest-path bench/baseline/Cargo.toml \
    --target-dir "$work/baseline-target"
rust="$work/baseline-target/release/collections-baseline"

now_ns() { date +%s%N; }

# time_ns CMD...: wall time of one run in nanoseconds (output discarded).
time_ns() {
    local t0 t1
    t0=$(now_ns)
    "$@" >/dev/null
    t1=$(now_ns)
    echo $((t1 - t0))
}

declare -A best
for _ in $(seq "$runs"); do
    for phase in none map set sort; do
        for prog in snow rust; do
            if [[ $prog == snow ]]; then bin="$work/snow"; else bin="$rust"; fi
            t=$(time_ns "$bin" "$phase")
            key="$prog-$phase"
            if [[ -z "${best[$key]:-}" || $t -lt ${best[$key]} ]]; then best[$key]=$t; fi
        done
    done
done

printf '%-6s %10s %10s %8s\n' phase snow_s rust_s ratio
for phase in map set sort; do
    s=$((best[snow-$phase] - best[snow-none]))
    r=$((best[rust-$phase] - best[rust-none]))
    awk -v p="$phase" -v s="$s" -v r="$r" \
        'BEGIN { printf "%-6s %10.3f %10.3f %8.2f\n", p, s / 1e9, r / 1e9, (r > 0 ? s / r : 0) }'
done
