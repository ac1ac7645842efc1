#!/usr/bin/env bash
# Back-end scaling: one function of N statements (`let aI = aJ + K`, each
# using the previous) and one of N additions in a single expression, for
# N = 10k, 20k and 40k; prints the best of 3 wall times of
# `snowc --emit-c` for each and the 40k/10k ratio (linear is about 4x).
#
#   bash bench/emit.sh
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
work="$(mktemp -d "${TMPDIR:-/tmp}/snow-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT

cargo build --release -q -p snowc
snowc="$root/target/release/snowc"

# gen KIND N FILE: writes the program.
gen() {
    local kind=$1 n=$2 out=$3
    {
        echo "fn big(x :: Int) -> Int do"
        if [[ $kind == stmts ]]; then
            echo "  let a0 = x"
            for ((i = 1; i <= n; i++)); do echo "  let a$i = a$((i - 1)) + $((i % 7))"; done
            echo "  a$n"
        else
            printf '  x'
            for ((i = 1; i <= n; i++)); do printf ' + %d' $((i % 7)); done
            echo
        fi
        echo "end"
        echo 'fn main() do'
        echo '  println("${big(1)}")'
        echo "end"
    } >"$out"
}

# best3 FILE: the best of three emit times in seconds.
best3() {
    local best="" t0 t1 t
    for _ in 1 2 3; do
        t0=$(date +%s%N)
        "$snowc" "$1" --emit-c "$work/out.c"
        t1=$(date +%s%N)
        t=$(((t1 - t0) / 1000000))
        if [[ -z $best || $t -lt $best ]]; then best=$t; fi
    done
    echo "$best"
}

for kind in stmts adds; do
    declare -A ms=()
    for n in 10000 20000 40000; do
        gen "$kind" "$n" "$work/$kind$n.snow"
        ms[$n]=$(best3 "$work/$kind$n.snow")
        awk -v k="$kind" -v n="$n" -v t="${ms[$n]}" 'BEGIN { printf "%-6s %6d: %7.3f s\n", k, n, t / 1000 }'
    done
    awk -v k="$kind" -v a="${ms[40000]}" -v b="${ms[10000]}" \
        'BEGIN { printf "%-6s ratio 40k/10k: %.1fx (linear: 4x)\n", k, a / (b > 0 ? b : 1) }'
    unset ms
done
