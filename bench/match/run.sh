#!/usr/bin/env bash
# Pattern-matching compilation figures (decision trees, docs/decisions.md):
#  (a) bench/match/match20.snow, a 20-variant sum type and a 20-arm `case`
#      with nested patterns, literals, or-patterns and guards in a hot loop:
#      lines of generated C (without #line), time of compiling that C with
#      cc -O0 and -O2 (best of 3), run time of the --release binary (best
#      of 5);
#  (b) every tests/e2e/*.snow: total lines of generated C and total time of
#      compiling it with cc -O0 (each file once);
#  (c) lines of generated C of examples/patterns.snow.
# Compare with a baseline run of this same script: SNOWC=/path/to/old/snowc
# measures another compiler binary (default: target/release/snowc, built).
#
#   bash bench/match/run.sh            SNOWC=/tmp/old-snowc bash bench/match/run.sh
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
CC="${CC:-cc}"
work="$(mktemp -d "${TMPDIR:-/tmp}/snow-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT

if [[ -z "${SNOWC:-}" ]]; then
    cargo build --release -q -p snowc
    SNOWC="$root/target/release/snowc"
fi
read -r -a cflags <<<"$("$SNOWC" print-c-flags --cflags)"

now_ns() { date +%s%N; }

# best_of N CMD...: the best wall time of N runs in seconds (output discarded).
best_of() {
    local n=$1 best="" t0 t1
    shift
    for _ in $(seq "$n"); do
        t0=$(now_ns)
        "$@" >/dev/null
        t1=$(now_ns)
        if [[ -z "$best" || $((t1 - t0)) -lt $best ]]; then best=$((t1 - t0)); fi
    done
    awk -v ns="$best" 'BEGIN { printf "%.3f", ns / 1e9 }'
}

# emit FILE OUT: the generated C of FILE without #line directives.
emit() { "$SNOWC" "$1" --no-line-directives --emit-c "$2"; }

echo "== (a) bench/match/match20.snow"
emit bench/match/match20.snow "$work/m20.c"
echo "generated C lines:   $(wc -l <"$work/m20.c")"
echo "cc -O0 -c:           $(best_of 3 "$CC" "${cflags[@]}" -O0 -c "$work/m20.c" -o "$work/m20.o") s (best of 3)"
echo "cc -O2 -c:           $(best_of 3 "$CC" "${cflags[@]}" -O2 -c "$work/m20.c" -o "$work/m20.o") s (best of 3)"
"$SNOWC" bench/match/match20.snow --release -o "$work/m20"
echo "run (--release):     $(best_of 5 "$work/m20") s (best of 5; prints $("$work/m20"))"

echo "== (b) tests/e2e/*.snow"
lines=0
files=0
compile_ns=0
for f in tests/e2e/*.snow; do
    emit "$f" "$work/e.c"
    lines=$((lines + $(wc -l <"$work/e.c")))
    files=$((files + 1))
    t0=$(now_ns)
    "$CC" "${cflags[@]}" -O0 -c "$work/e.c" -o "$work/e.o"
    t1=$(now_ns)
    compile_ns=$((compile_ns + t1 - t0))
done
echo "programs:            $files"
echo "generated C lines:   $lines"
awk -v ns="$compile_ns" 'BEGIN { printf "cc -O0 -c total:     %.2f s\n", ns / 1e9 }'

echo "== (c) examples/patterns.snow"
emit examples/patterns.snow "$work/p.c"
echo "generated C lines:   $(wc -l <"$work/p.c")"
