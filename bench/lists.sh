#!/usr/bin/env bash
# Lists benchmark: bench/lists.snow (snowc --release) against the same work
# in Rust (bench/baseline/src/bin/lists.rs: VecDeque::push_front, Vec::push,
# a reversed copy) and Erlang (bench/lists_bench.erl: [X | Acc], cons then
# lists:reverse, lists:reverse). Phases: prepend (1,000,000 `[i] ++ acc`),
# prepend_fn (the same with List.prepend), append (1,000,000 `acc ++ [i]`),
# reverse (of a 1,000,000-element list).
#
# Each program runs a phase R times in one process ("rounds"); a phase's
# cost per round is (run - base run) / R, where the base run does only the
# startup ("none") or the input building ("build"), best of N runs, all
# programs interleaved (the scheme of bench/phases.sh, which compares two
# programs by wall time only). Both CPU time (user + sys of the whole
# program, which on a shared machine varies less than wall time) and wall
# time are printed, with Snow's ratios to Rust and to Erlang. Erlang runs
# without scheduler busy-waiting, which would count idle spinning as work.
#
#   bash bench/lists.sh [N] [R]      (defaults: N = 5 runs, R = 10 rounds)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
runs="${1:-5}"
rounds="${2:-10}"
work="$(mktemp -d "${TMPDIR:-/tmp}/snow-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT

cargo build --release -q -p snowc
target/release/snowc --release bench/lists.snow -o "$work/snow"
cargo build --release -q --manifest-path bench/baseline/Cargo.toml \
    --target-dir "$work/baseline-target"
cp "$work/baseline-target/release/lists" "$work/rust"
erlc -o "$work" bench/lists_bench.erl
export ERL_CRASH_DUMP_BYTES=0

python3 - "$work" "$runs" "$rounds" <<'PY'
import os, subprocess, sys, time

work, runs, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
specs = [("prepend", "none"), ("prepend_fn", "none"), ("append", "none"), ("reverse", "build")]
erl = ["erl", "+sbwt", "none", "+sbwtdcpu", "none", "+sbwtdio", "none", "-noshell", "-pa", work]
progs = {
    "snow": lambda p, r: [f"{work}/snow", p, str(r)],
    "rust": lambda p, r: [f"{work}/rust", p, str(r)],
    "erlang": lambda p, r: erl + ["-s", "lists_bench", "main", p, str(r), "-s", "init", "stop"],
}

def run(cmd):
    """Output, wall seconds and CPU seconds (user + sys) of one run."""
    t = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE)
    out = p.stdout.read()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.monotonic() - t
    if status != 0:
        sys.exit(f"{cmd[0]} failed: {cmd}")
    return out, wall, ru.ru_utime + ru.ru_stime

# The three programs must agree before their times mean anything.
for phase, _ in specs:
    outs = {name: run(cmd(phase, 1))[0] for name, cmd in progs.items()}
    if len(set(outs.values())) != 1:
        sys.exit(f"phase {phase}: outputs differ: {outs}")

phases = sorted({p for s in specs for p in s})
best = {}
for _ in range(runs):
    for phase in phases:
        for name, cmd in progs.items():
            _, wall, cpu = run(cmd(phase, rounds))
            for kind, t in (("wall", wall), ("cpu", cpu)):
                key = (name, phase, kind)
                best[key] = min(best.get(key, t), t)

for kind in ("cpu", "wall"):
    print(f"{kind} ms per round   {'snow':>8} {'rust':>8} {'erlang':>8} {'snow/rust':>10} {'snow/erl':>9}")
    for phase, base in specs:
        ms = {n: (best[(n, phase, kind)] - best[(n, base, kind)]) * 1000 / rounds for n in progs}
        ratio = lambda a, b: f"{a / b:.2f}" if b > 0 else "n/a"
        print(f"{phase:<18} {ms['snow']:8.2f} {ms['rust']:8.2f} {ms['erlang']:8.2f} "
              f"{ratio(ms['snow'], ms['rust']):>10} {ratio(ms['snow'], ms['erlang']):>9}")
PY
