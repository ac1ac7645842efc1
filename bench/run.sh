#!/usr/bin/env bash
# Benchmarks: fib(40) compiled by snowc --release against the same program in
# hand-written C at -O2 (best of 3 each), the stripped size of the
# examples/hello.snow binary, and the wall time of compiling it (best of 5).
#
#   bash bench/run.sh          (CC selects the C compiler for fib.c; default cc)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
CC="${CC:-cc}"
work="$(mktemp -d "${TMPDIR:-/tmp}/snow-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT

now_ns() { date +%s%N; }

# best_of N CMD...: runs CMD N times (output discarded), prints the best wall
# time in seconds with three decimals; fails if CMD fails.
best_of() {
    local n=$1
    shift
    local best=""
    for _ in $(seq "$n"); do
        local t0 t1 dt
        t0=$(now_ns)
        "$@" >/dev/null
        t1=$(now_ns)
        dt=$((t1 - t0))
        if [[ -z "$best" || $dt -lt $best ]]; then best=$dt; fi
    done
    awk -v ns="$best" 'BEGIN { printf "%.3f\n", ns / 1e9 }'
}

echo "== building snowc (release)"
cargo build --release -q -p snowc
snowc="$root/target/release/snowc"

echo "== fib(40)"
$CC -O2 -o "$work/fib_c" bench/fib.c
c_out="$("$work/fib_c")"
if "$snowc" bench/fib.snow --release -o "$work/fib_snow" 2>"$work/fib.err"; then
    snow_out="$("$work/fib_snow")"
    if [[ "$snow_out" != "$c_out" ]]; then
        echo "Snow prints '$snow_out', expected '$c_out'" >&2
        exit 1
    fi
    # Interleave the runs so both see the same machine conditions.
    c_time=""
    snow_time=""
    for _ in $(seq 7); do
        t=$(best_of 1 "$work/fib_c")
        if [[ -z "$c_time" ]] || awk -v a="$t" -v b="$c_time" 'BEGIN { exit !(a < b) }'; then c_time=$t; fi
        t=$(best_of 1 "$work/fib_snow")
        if [[ -z "$snow_time" ]] || awk -v a="$t" -v b="$snow_time" 'BEGIN { exit !(a < b) }'; then snow_time=$t; fi
    done
    echo "C      ($CC -O2):         $c_time s   (prints $c_out; best of 7)"
    echo "Snow   (snowc --release): $snow_time s   (best of 7, interleaved)"
    awk -v s="$snow_time" -v c="$c_time" 'BEGIN { printf "ratio snow/C (time):         %.2f\n", s / c }'
    # Instruction counts are stable where wall time is noisy (shared VMs).
    if command -v valgrind >/dev/null; then
        sed 's/fib(40)/fib(30)/' bench/fib.c >"$work/fib30.c"
        sed 's/fib(40)/fib(30)/' bench/fib.snow >"$work/fib30.snow"
        $CC -O2 -o "$work/fib30_c" "$work/fib30.c"
        "$snowc" "$work/fib30.snow" --release -o "$work/fib30_snow"
        count() { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$1" 2>&1 | awk '/Collected/ { print $4 }'; }
        ci=$(count "$work/fib30_c")
        si=$(count "$work/fib30_snow")
        awk -v s="$si" -v c="$ci" 'BEGIN { printf "ratio snow/C (instructions, fib(30)): %.2f  (%d vs %d)\n", s / c, s, c }'
    fi
else
    echo "Snow: bench/fib.snow does not compile yet:"
    sed 's/^/  /' "$work/fib.err"
fi

echo "== examples/hello.snow"
if "$snowc" examples/hello.snow -o "$work/hello" 2>"$work/hello.err"; then
    strip -o "$work/hello.stripped" "$work/hello"
    echo "stripped binary size:     $(wc -c <"$work/hello.stripped") bytes"
    compile_time=$(best_of 5 "$snowc" examples/hello.snow -o "$work/hello")
    echo "snowc hello.snow -o ...:  $compile_time s (best of 5)"
else
    echo "examples/hello.snow does not compile yet:"
    sed 's/^/  /' "$work/hello.err"
fi
