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
c_time=$(best_of 3 "$work/fib_c")
echo "C      ($CC -O2):        $c_time s   (prints $c_out)"
if "$snowc" bench/fib.snow --release -o "$work/fib_snow" 2>"$work/fib.err"; then
    snow_out="$("$work/fib_snow")"
    if [[ "$snow_out" != "$c_out" ]]; then
        echo "Snow prints '$snow_out', expected '$c_out'" >&2
        exit 1
    fi
    snow_time=$(best_of 3 "$work/fib_snow")
    echo "Snow   (snowc --release): $snow_time s"
    awk -v s="$snow_time" -v c="$c_time" 'BEGIN { printf "ratio snow/C:            %.2f\n", s / c }'
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
