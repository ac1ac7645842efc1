#!/usr/bin/env bash
# Shared driver of the Snow-vs-Rust benchmarks (collections.sh, json.sh).
# A benchmark is a Snow program and a Rust baseline binary doing the same
# work, both taking the phase to run as their only argument. Each phase is
# timed as a whole program run, best of N, runs of both programs
# interleaved; a phase's cost is its time minus the time of its base phase
# (the run that does only the work it builds on). Prints seconds and the
# Snow/Rust ratio per phase.
#
#   bash bench/phases.sh SNOW_FILE RUST_BIN_NAME RUNS LABEL:PHASE:BASE...
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
snow_file="$1"
rust_name="$2"
runs="$3"
shift 3
work="$(mktemp -d "${TMPDIR:-/tmp}/snow-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT

cargo build --release -q -p snowc
target/release/snowc --release "$snow_file" -o "$work/snow"
cargo build --release -q --manifest-path bench/baseline/Cargo.toml \
    --target-dir "$work/baseline-target"
rust="$work/baseline-target/release/$rust_name"

# The two programs must agree before their times mean anything.
for spec in "$@"; do
    IFS=: read -r _ phase _ <<<"$spec"
    if [[ "$("$work/snow" "$phase")" != "$("$rust" "$phase")" ]]; then
        echo "phase $phase: Snow and Rust outputs differ" >&2
        exit 1
    fi
done

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
phases=()
for spec in "$@"; do
    IFS=: read -r _ phase base <<<"$spec"
    phases+=("$phase" "$base")
done
mapfile -t phases < <(printf '%s\n' "${phases[@]}" | sort -u)
for _ in $(seq "$runs"); do
    for phase in "${phases[@]}"; do
        for prog in snow rust; do
            if [[ $prog == snow ]]; then bin="$work/snow"; else bin="$rust"; fi
            t=$(time_ns "$bin" "$phase")
            key="$prog-$phase"
            if [[ -z "${best[$key]:-}" || $t -lt ${best[$key]} ]]; then best[$key]=$t; fi
        done
    done
done

printf '%-8s %10s %10s %8s\n' phase snow_s rust_s ratio
for spec in "$@"; do
    IFS=: read -r label phase base <<<"$spec"
    s=$((best[snow-$phase] - best[snow-$base]))
    r=$((best[rust-$phase] - best[rust-$base]))
    awk -v p="$label" -v s="$s" -v r="$r" \
        'BEGIN { printf "%-8s %10.3f %10.3f %8.2f\n", p, s / 1e9, r / 1e9, (r > 0 ? s / r : 0) }'
done
