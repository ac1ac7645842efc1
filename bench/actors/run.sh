#!/usr/bin/env bash
# Builds the actor benchmarks (C against the runtime ABI, as snowc would
# generate them) and their Erlang twins, runs both and prints the ratios.
# Usage: bench/actors/run.sh [scale]   (scale 1 = the full sizes: 1,000,000
# processes / hops / messages; 0.1 runs a tenth of each)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
scale="${1:-1}"
n=$(python3 -c "print(int(1000000 * $scale))")

if ! command -v erl >/dev/null 2>&1 && [[ "$(id -u)" == 0 ]]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq erlang-base >/dev/null
fi

(cd "$root" && cargo build --release -p snow-rt >/dev/null 2>&1)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for b in spawn idle pingpong ring; do
    cc -std=c11 -O2 -Wall -Wextra -Werror -I "$root/c-support" -I "$here" "$here/$b.c" \
        "$root/target/release/libsnowrt.a" -lm -lpthread -ldl -Wl,--gc-sections -o "$out/$b"
done
# A failing Erlang run would leave a crash dump in the working directory.
export ERL_CRASH_DUMP_BYTES=0
have_erl=0
if command -v erlc >/dev/null 2>&1; then
    erlc -o "$out" "$here/actors_bench.erl"
    have_erl=1
fi

# Runs a command; prints its output line and "<wall s> <peak RSS KB> <peak
# page tables KB>" (page tables, VmPTE, polled from /proc while it runs:
# memory too, but not part of the resident set).
measure() {
    python3 - "$@" <<'PY'
import resource, subprocess, sys, time
t = time.monotonic()
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
pte = 0
while p.poll() is None:
    try:
        with open("/proc/%d/status" % p.pid) as f:
            for line in f:
                if line.startswith("VmPTE:"):
                    pte = max(pte, int(line.split()[1]))
    except OSError:
        pass
    time.sleep(0.01)
out, err = p.communicate()
dt = time.monotonic() - t
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
line = out.strip().splitlines()[-1] if out.strip() else "(no output: %s)" % err.strip()
print(line)
print("%.3f %d %d" % (dt, rss, pte))
PY
}

# The number in a report line after `key` (e.g. "messages/s", "bytes each").
field() {
    python3 -c "
import re, sys
m = re.search(r'([0-9.]+) ' + re.escape(sys.argv[2]), sys.argv[1])
print(m.group(1) if m else 'nan')" "$1" "$2"
}

ratio() { python3 -c "a, b = float('$1'), float('$2'); print('%.2f' % (a / b) if b else 'n/a')"; }

printf '%-9s %-34s %-34s %s\n' bench snow erlang "snow/erlang"
for b in spawn idle pingpong ring; do
    mapfile -t s < <(measure "$out/$b" "$n")
    read -r s_wall s_rss _ <<<"${s[1]}"
    if ((have_erl)); then
        mapfile -t e < <(measure erl +P 2000000 -noshell -pa "$out" -s actors_bench main "$b" "$n" -s init stop)
        read -r e_wall e_rss _ <<<"${e[1]}"
    else
        e=("(erlang not installed)" "nan nan nan")
        e_wall=nan e_rss=nan
    fi
    case $b in
    spawn)
        printf '%-9s %-34s %-34s %s\n' spawn "${s_wall}s, peak ${s_rss} KB" "${e_wall}s, peak ${e_rss} KB" \
            "time $(ratio "$s_wall" "$e_wall"), rss $(ratio "$s_rss" "$e_rss")"
        ;;
    idle)
        sb=$(field "${s[0]}" "bytes each")
        spt=$(field "${s[0]}" "page-table bytes each")
        eb=$(field "${e[0]}" "bytes each")
        printf '%-9s %-34s %-34s %s\n' idle "${sb} B/process (+${spt} B page tables)" "${eb} B/process" \
            "$(ratio "$sb" "$eb")"
        ;;
    *)
        sm=$(field "${s[0]}" "messages/s")
        em=$(field "${e[0]}" "messages/s")
        printf '%-9s %-34s %-34s %s\n' "$b" "${sm} msg/s" "${em} msg/s" "$(ratio "$sm" "$em")"
        ;;
    esac
done

# The same four programs written in Snow (bench/actors/snow/*.snow), built
# by snowc --release. There is no clock in Snow, so each runs twice, with n
# and with 1, and the difference is the work: rates are n / (t(n) - t(1)).
(cd "$root" && cargo build --release -p snowc >/dev/null 2>&1)
echo
printf '%-9s %-34s %-34s %s\n' bench "snow source" erlang "snow/erlang"
for b in spawn idle pingpong ring; do
    "$root/target/release/snowc" --release "$here/snow/$b.snow" -o "$out/snow_$b"
    mapfile -t s < <(measure "$out/snow_$b" "$n")
    mapfile -t s1 < <(measure "$out/snow_$b" 1)
    read -r s_wall s_rss s_pte <<<"${s[1]}"
    read -r s1_wall s1_rss s1_pte <<<"${s1[1]}"
    if ((have_erl)); then
        mapfile -t e < <(measure erl +P 2000000 -noshell -pa "$out" -s actors_bench main "$b" "$n" -s init stop)
        read -r e_wall e_rss _ <<<"${e[1]}"
    else
        e=("(erlang not installed)" "nan nan nan")
        e_wall=nan e_rss=nan
    fi
    case $b in
    spawn)
        printf '%-9s %-34s %-34s %s\n' spawn "${s_wall}s, peak ${s_rss} KB" "${e_wall}s, peak ${e_rss} KB" \
            "time $(ratio "$s_wall" "$e_wall"), rss $(ratio "$s_rss" "$e_rss")"
        ;;
    idle)
        # Resident memory and page tables (polled) together.
        sr=$(python3 -c "print(int(($s_rss - $s1_rss) * 1024 / $n))")
        spt=$(python3 -c "print(int(($s_pte - $s1_pte) * 1024 / $n))")
        sb=$((sr + spt))
        eb=$(field "${e[0]}" "bytes each")
        printf '%-9s %-34s %-34s %s\n' idle "${sb} B/process (${sr} + ${spt} page tables)" "${eb} B/process" \
            "$(ratio "$sb" "$eb")"
        ;;
    *)
        sm=$(python3 -c "d = $s_wall - $s1_wall; print(int($n / d) if d > 0 else 'nan')")
        em=$(field "${e[0]}" "messages/s")
        printf '%-9s %-34s %-34s %s\n' "$b" "${sm} msg/s" "${em} msg/s" "$(ratio "$sm" "$em")"
        ;;
    esac
done
