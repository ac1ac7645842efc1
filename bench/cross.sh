#!/usr/bin/env bash
# Cross-compilation benchmarks, per target (the host, aarch64-linux-gnu and
# arm-linux-gnueabihf): the stripped size of examples/hello.snow built with
# --release, dynamic and --static; the wall time of compiling it (best of
# 3, the target's runtime already built and cached); and fib(35) from
# bench/fib.snow against bench/fib.c cross-compiled by the same C compiler
# at -O2, both run under the target's qemu-user (natively for the host),
# best of 3 each, interleaved, with the ratio Snow/C. fib(35) is short, so
# the run time of hello (the runtime's start-up and exit, plus the
# emulator's own) is printed too, and the static size against the 1 MB
# budget.
#
#   bash bench/cross.sh [TARGET...]      (default: all three)
#
# Needs the cross toolchains that ci/install-cross.sh installs.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
work="$(mktemp -d "${TMPDIR:-/tmp}/snow-cross-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT

targets=("$@")
if ((${#targets[@]} == 0)); then
    targets=(x86_64-linux-gnu aarch64-linux-gnu arm-linux-gnueabihf)
fi

# The stripped static hello must stay within this on aarch64 (issue 12;
# ci/cross-test.sh checks it). On aarch64 and 32-bit ARM (64 KiB maximum
# page size) the file grows in 64 KiB steps: the linker pads the file so
# that the RELRO part of the data (.data.rel.ro, .got) ends on a 64 KiB
# boundary.
budget=1000000

now_ns() { date +%s%N; }

# secs CMD...: wall time of one run of CMD in seconds (output discarded).
secs() {
    local t0 t1
    t0=$(now_ns)
    "$@" >/dev/null
    t1=$(now_ns)
    awk -v ns="$((t1 - t0))" 'BEGIN { printf "%.3f\n", ns / 1e9 }'
}

min() { awk -v a="$1" -v b="$2" 'BEGIN { print (b == "" || a < b) ? a : b }'; }

echo "== building snowc (release)"
cargo build --release -q -p snowc
snowc="$root/target/release/snowc"
host=$(uname -m)-linux-gnu

sed 's/fib(40)/fib(35)/' bench/fib.c >"$work/fib.c"
sed 's/fib(40)/fib(35)/' bench/fib.snow >"$work/fib.snow"

for t in "${targets[@]}"; do
    echo "== $t"
    case "$t" in
    aarch64-linux-gnu) qemu=(qemu-aarch64 -L /usr/$t -E LD_LIBRARY_PATH=/usr/$t/lib) ;;
    arm-linux-gnueabihf) qemu=(qemu-arm -L /usr/$t -E LD_LIBRARY_PATH=/usr/$t/lib) ;;
    "$host") qemu=() ;;
    *) echo "unknown target $t" >&2; exit 2 ;;
    esac
    gcc="$t-gcc"
    strip="$t-strip"
    if [[ "$t" == "$host" ]]; then gcc=cc; strip=strip; fi
    d="$work/$t"
    mkdir -p "$d"
    # The first build also builds and caches the target's runtime.
    "$snowc" examples/hello.snow --release --target "$t" -o "$d/hello"
    "$snowc" examples/hello.snow --release --target "$t" --static -o "$d/hello-static"
    "$strip" -o "$d/hello.s" "$d/hello"
    "$strip" -o "$d/hello-static.s" "$d/hello-static"
    echo "hello stripped, dynamic:  $(wc -c <"$d/hello.s") bytes"
    echo "hello stripped, static:   $(wc -c <"$d/hello-static.s") bytes"
    awk -v s="$(wc -c <"$d/hello-static.s")" -v b="$budget" \
        'BEGIN { printf "static / 1 MB budget:     %.3f (budget %d bytes)\n", s / b, b }'
    [[ "$("${qemu[@]}" "$d/hello-static")" == "Hello, Snow!" ]] || { echo "static hello fails" >&2; exit 1; }
    best=""
    for _ in 1 2 3; do
        best=$(min "$(secs "$snowc" examples/hello.snow --target "$t" -o "$d/hello")" "$best")
    done
    echo "compile hello.snow:       $best s (best of 3)"

    "$gcc" -O2 -o "$d/fib_c" "$work/fib.c"
    "$snowc" "$work/fib.snow" --release --target "$t" -o "$d/fib_snow"
    c_out=$("${qemu[@]}" "$d/fib_c")
    s_out=$("${qemu[@]}" "$d/fib_snow")
    [[ "$c_out" == "$s_out" ]] || { echo "fib: Snow prints $s_out, C $c_out" >&2; exit 1; }
    c_best=""
    s_best=""
    for _ in 1 2 3; do
        c_best=$(min "$(secs "${qemu[@]}" "$d/fib_c")" "$c_best")
        s_best=$(min "$(secs "${qemu[@]}" "$d/fib_snow")" "$s_best")
    done
    runner="${qemu[0]:-native}"
    h_best=""
    for _ in 1 2 3; do
        h_best=$(min "$(secs "${qemu[@]}" "$d/hello")" "$h_best")
    done
    echo "run hello (start-up):     $h_best s under $runner (best of 3)"
    echo "fib(35) C ($gcc -O2):     $c_best s under $runner (best of 3)"
    echo "fib(35) Snow (--release): $s_best s under $runner (best of 3, interleaved)"
    awk -v s="$s_best" -v c="$c_best" 'BEGIN { printf "ratio snow/C (time):      %.2f\n", s / c }'
done
