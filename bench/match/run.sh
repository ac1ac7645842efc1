#!/usr/bin/env bash
# Pattern-matching compilation figures (decision trees, docs/decisions.md):
#  (a) bench/match/match20.snow, a 20-variant sum type and a 20-arm `case`
#      with nested patterns, literals, or-patterns and guards in a hot loop:
#      lines of generated C (without #line), CPU time of compiling that
#      C with cc -O0 and -O2 (best of 3), CPU time of the
#      --release binary (best of 5) and, with valgrind, its instruction
#      count on 100000 rounds (stable where times are noisy);
#  (b) every tests/e2e/*.snow: total lines of generated C and total CPU
#      time of compiling it with cc -O0 (each file once);
#  (c) lines of generated C of examples/patterns.snow.
# Times are CPU times: on a shared machine wall times mostly measure the
# neighbours. Compare with a baseline run of this same script:
# SNOWC=/path/to/old/snowc measures another compiler binary (default:
# target/release/snowc, built first).
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

# cpu CMD...: the CPU time of one run in seconds (perf's task-clock, to the
# microsecond, else user + sys from time(1), to 10 ms).
if perf stat -x, -e task-clock true 2>/dev/null; then
    cpu() {
        perf stat -x, -e task-clock -o "$work/time" "$@" >/dev/null
        awk -F, '/task-clock/ { printf "%.4f", $1 / 1000 }' "$work/time"
    }
else
    cpu() {
        /usr/bin/time -f "%U %S" -o "$work/time" "$@" >/dev/null
        awk '{ printf "%.3f", $1 + $2 }' "$work/time"
    }
fi

# best_of N CMD...: the least CPU time of N runs.
best_of() {
    local n=$1 best="" t
    shift
    for _ in $(seq "$n"); do
        t=$(cpu "$@")
        if [[ -z "$best" ]] || awk -v a="$t" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$t; fi
    done
    echo "$best"
}

# emit FILE OUT: the generated C of FILE without #line directives.
emit() { "$SNOWC" "$1" --no-line-directives --emit-c "$2" 2>"$work/warnings"; }

echo "== (a) bench/match/match20.snow"
emit bench/match/match20.snow "$work/m20.c"
echo "generated C lines:   $(wc -l <"$work/m20.c")"
echo "cc -O0 -c:           $(best_of 3 "$CC" "${cflags[@]}" -O0 -c "$work/m20.c" -o "$work/m20.o") s (best of 3)"
echo "cc -O2 -c:           $(best_of 3 "$CC" "${cflags[@]}" -O2 -c "$work/m20.c" -o "$work/m20.o") s (best of 3)"
"$SNOWC" bench/match/match20.snow --release -o "$work/m20"
echo "run (--release):     $(best_of 5 "$work/m20") s (best of 5; prints $("$work/m20"))"
if command -v valgrind >/dev/null; then
    sed 's/rounds(3000000,/rounds(100000,/' bench/match/match20.snow >"$work/m20s.snow"
    "$SNOWC" "$work/m20s.snow" --release -o "$work/m20s"
    n=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$work/m20s" 2>&1 | awk '/Collected/ { print $4 }')
    echo "instructions:        $n (100000 rounds, callgrind)"
fi

echo "== (b) tests/e2e/*.snow"
lines=0
files=0
total=0
for f in tests/e2e/*.snow; do
    emit "$f" "$work/e.c"
    lines=$((lines + $(wc -l <"$work/e.c")))
    files=$((files + 1))
    total=$(awk -v a="$total" -v b="$(cpu "$CC" "${cflags[@]}" -O0 -c "$work/e.c" -o "$work/e.o")" 'BEGIN { print a + b }')
done
echo "programs:            $files"
echo "generated C lines:   $lines"
echo "cc -O0 -c total:     $total s"

echo "== (c) examples/patterns.snow"
emit examples/patterns.snow "$work/p.c"
echo "generated C lines:   $(wc -l <"$work/p.c")"
