#!/usr/bin/env bash
# Stack benchmarks. deep: non-tail recursion 1,000,000 frames deep in a
# spawned Snow process (bench/stack/deep.snow, built by snowc with and
# without --release; its stack grows segment by segment) against the same
# in C on a thread with a 512 MiB stack (deep.c, -O2 and -O0), per
# repetition: (t(k) - t(1)) / (k - 1), best of 5, and the whole program
# with one repetition, which includes the first touch of the stack memory.
# hot: the "hot split", a loop of calls right at a stack segment's end,
# where every call moves to the next segment and back (hot.c, the
# generated-code ABI), against plain C calls.
#
#   bash bench/stack/run.sh [k]      (k repetitions, default 30)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
k="${1:-30}"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

(cd "$root" && cargo build --release -p snowc -p snow-rt >/dev/null 2>&1)
"$root/target/release/snowc" --release "$here/deep.snow" -o "$out/deep_snow_O2"
"$root/target/release/snowc" "$here/deep.snow" -o "$out/deep_snow_O0"
cc -std=c11 -O2 -o "$out/deep_c_O2" "$here/deep.c" -lpthread
cc -std=c11 -O0 -o "$out/deep_c_O0" "$here/deep.c" -lpthread
cc -std=c11 -O2 -Wall -Wextra -Werror -I "$root/c-support" "$here/hot.c" \
    "$root/target/release/libsnowrt.a" -lm -lpthread -ldl -o "$out/hot"

# Best wall time in seconds of 5 runs of a command (output checked equal).
best() {
    python3 - "$@" <<'PY'
import subprocess, sys, time
best, first = None, None
for _ in range(5):
    t = time.monotonic()
    r = subprocess.run(sys.argv[1:], capture_output=True, text=True, check=True)
    dt = time.monotonic() - t
    first = first or r.stdout
    assert r.stdout == first, "output changed between runs"
    best = dt if best is None else min(best, dt)
print("%.4f" % best)
PY
}

echo "deep (1,000,000 frames of non-tail recursion; Snow in a spawned process, C on a 512 MiB thread stack):"
for opt in O2 O0; do
    s="$out/deep_snow_$opt"
    c="$out/deep_c_$opt"
    if [[ "$("$s" 3)" != "$("$c" 3)" ]]; then
        echo "deep: Snow and C disagree" >&2
        exit 1
    fi
    python3 - "$opt" "$(best "$s" 1)" "$(best "$s" "$k")" "$(best "$c" 1)" "$(best "$c" "$k")" "$k" <<'PY'
import sys
opt = sys.argv[1]
s1, sk, c1, ck, k = map(float, sys.argv[2:])
sr, cr = (sk - s1) / (k - 1), (ck - c1) / (k - 1)
print("  -%s per repetition: Snow %.1f ms, C %.1f ms, ratio %.2f; whole program with one"
      " repetition (first touch of the stack): Snow %.1f ms, C %.1f ms, ratio %.2f"
      % (opt, sr * 1e3, cr * 1e3, sr / cr, s1 * 1e3, c1 * 1e3, s1 / c1))
PY
done
"$out/hot" 10000000
