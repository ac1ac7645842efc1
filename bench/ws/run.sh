#!/usr/bin/env bash
# WebSocket server benchmark: Snow (echo.snow) against Node's `ws` package
# (server.js), one server at a time on 127.0.0.1, driven by a small Go
# client (client.go):
#   echo    round trips per second, 100 clients each waiting for its echo
#   fan     one sender, a 1,000-member room: broadcast messages delivered
#           per second
#   idle    server RSS holding 10,000 idle connections (idle.py, VmRSS)
# and the Snow/Node ratio of each figure (higher is better for rates, lower
# for RSS). Installs nodejs, npm and golang-go with apt-get when missing,
# and `ws` with npm into a scratch directory (removed at the end). The
# machine may be shared: each rate runs Snow and Node alternately for
# several rounds and keeps each side's best (noise only slows a run down);
# compare ratios from one run, not figures across runs.
#
#   bash bench/ws/run.sh                       (10 s echo, 3 rounds)
#   WS_BENCH_SECONDS=3 WS_BENCH_ROUNDS=1 WS_BENCH_IDLE=2000 bash bench/ws/run.sh
# Also: WS_BENCH_CLIENTS (100), WS_BENCH_MEMBERS (1000), WS_BENCH_FAN
# (messages per fan round, 200), WS_BENCH_PORT.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
here=$PWD
secs=${WS_BENCH_SECONDS:-10}
rounds=${WS_BENCH_ROUNDS:-3}
idle=${WS_BENCH_IDLE:-10000}
clients=${WS_BENCH_CLIENTS:-100}
members=${WS_BENCH_MEMBERS:-1000}
fan=${WS_BENCH_FAN:-200}
port=${WS_BENCH_PORT:-18580}

missing=()
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
command -v go >/dev/null || missing+=(golang-go)
if ((${#missing[@]} > 0)); then
    sudo=()
    [[ "$(id -u)" != 0 ]] && sudo=(sudo)
    "${sudo[@]}" apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi

work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
pid=

(cd ../.. && cargo build --release -q)
../../target/release/snowc echo.snow -o "$work/snow_server" --release
(cd "$work" && npm install --silent --no-audit --no-fund --prefix "$work/node" ws >/dev/null)
(cd "$work" && cp "$here/client.go" . && GOCACHE="$work/gocache" go build -o client client.go)

# start NAME: runs the server on $port and waits until it accepts.
start() {
    if [[ $1 == snow ]]; then
        env PORT="$port" SNOW_HTTP_HOST=127.0.0.1 "$work/snow_server" 2>/dev/null &
    else
        env PORT="$port" NODE_PATH="$work/node/node_modules" node "$here/server.js" 2>/dev/null &
    fi
    pid=$!
    for _ in $(seq 200); do
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return
        sleep 0.05
    done
    echo "the $1 server did not start" >&2
    exit 1
}
stop() {
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    pid=
}

# ratio A B: A/B to two decimals (bench/wrk.sh).
source ../wrk.sh

# best SCENARIO ARGS...: the best of $rounds runs per server, "snow node".
best() {
    declare -A r=([snow]=0 [node]=0)
    for _ in $(seq "$rounds"); do
        for s in snow node; do
            start "$s"
            got=$("$work/client" "$1" "$port" "${@:2}")
            stop
            ((got > r[$s])) && r[$s]=$got
        done
    done
    echo "${r[snow]} ${r[node]}"
}

printf '%-30s %12s %12s %7s\n' scenario snow node ratio
read -r s n < <(best echo "$clients" "$secs")
printf '%-30s %12s %12s %7s\n' "echo round trips/s ($clients clients)" "$s" "$n" "$(ratio "$s" "$n")"
read -r s n < <(best fan "$members" "$fan")
printf '%-30s %12s %12s %7s\n' "fan-out delivered/s ($members)" "$s" "$n" "$(ratio "$s" "$n")"

declare -A rss
for s in snow node; do
    start "$s"
    read -r before after < <(python3 idle.py "$port" "$pid" "$idle")
    rss[$s]="$before $after"
    stop
done
read -r sb sa <<<"${rss[snow]}"
read -r nb na <<<"${rss[node]}"
printf '%-30s %12s %12s %7s\n' "idle RSS kB ($idle conns)" "$sa" "$na" "$(ratio "$sa" "$na")"
awk -v s=$((sa - sb)) -v g=$((na - nb)) -v n="$idle" \
    'BEGIN { printf "per idle connection: snow %.1f kB, node %.1f kB (RSS before: snow %d kB, node %d kB)\n", s / n, g / n, '"$sb"', '"$nb"' }'
