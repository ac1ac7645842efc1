#!/usr/bin/env bash
# HTTP server benchmark: Snow (server.snow) against Go's net/http
# (server.go, encoding/json), one server at a time on 127.0.0.1, with wrk:
#   hello       keep-alive, wrk -t1 -c50: requests/s and p99 latency
#   close       the same with `Connection: close` on every request
#   json        keep-alive, a handler encoding a 10-field struct
#   idle        server RSS holding 10,000 idle keep-alive connections (idle.py)
# and the Snow/Go ratio of each figure (requests/s: higher is better;
# latency and RSS: lower is better). Installs wrk and golang-go with
# apt-get when missing. Numbers from a machine shared with other work are
# noisy: each wrk scenario runs Snow and Go alternately for several rounds
# and keeps each side's best round (noise only ever slows a run down);
# compare ratios from one run, not figures across runs.
#
#   bash bench/http/run.sh                  (10 s per wrk run, 3 rounds)
#   HTTP_BENCH_SECONDS=3 HTTP_BENCH_ROUNDS=1 bash bench/http/run.sh
#   HTTP_BENCH_IDLE=2000 bash bench/http/run.sh   (fewer idle connections)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
here=$PWD
secs=${HTTP_BENCH_SECONDS:-10}
rounds=${HTTP_BENCH_ROUNDS:-3}
idle=${HTTP_BENCH_IDLE:-10000}
port=${HTTP_BENCH_PORT:-18480}

missing=()
command -v wrk >/dev/null || missing+=(wrk)
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
snowc=../../target/release/snowc
"$snowc" server.snow -o "$work/snow_server" --release
(cd "$work" && cp "$here/server.go" . && GOCACHE="$work/gocache" go build -o go_server server.go)

# start NAME [ENV=VALUE...]: runs the server on $port and waits until it answers.
start() {
    env PORT="$port" SNOW_HTTP_HOST=127.0.0.1 "${@:2}" "$work/$1_server" 2>/dev/null &
    pid=$!
    for _ in $(seq 200); do
        curl -s -o /dev/null "http://127.0.0.1:$port/" && return
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

source ../wrk.sh

printf '%-8s %14s %14s %7s %12s %12s %7s\n' scenario "snow req/s" "go req/s" ratio "snow p99 ms" "go p99 ms" ratio
for scenario in hello close json; do
    path=/ args=()
    [[ $scenario == json ]] && path=/json
    [[ $scenario == close ]] && args=(-H 'Connection: close')
    declare -A r=([snow]="0 0" [go]="0 0")
    for _ in $(seq "$rounds"); do
        for s in snow go; do
            start "$s"
            got=$(wrk_run "http://127.0.0.1:$port$path" "${args[@]}")
            stop
            # The round with the most requests/s, with its p99.
            r[$s]=$(printf '%s\n%s\n' "${r[$s]}" "$got" | sort -n -r | head -1)
        done
    done
    read -r snow_rps snow_p99 <<<"${r[snow]}"
    read -r go_rps go_p99 <<<"${r[go]}"
    printf '%-8s %14s %14s %7s %12s %12s %7s\n' "$scenario" "$snow_rps" "$go_rps" \
        "$(ratio "$snow_rps" "$go_rps")" "$snow_p99" "$go_p99" "$(ratio "$snow_p99" "$go_p99")"
done

# Idle connections: Snow's 5 s idle timeout would close them mid-count.
declare -A rss
for s in snow go; do
    start "$s" SNOW_HTTP_IDLE_TIMEOUT_MS=600000
    read -r before after < <(python3 idle.py "$port" "$pid" "$idle")
    rss[$s]="$before $after"
    stop
done
read -r sb sa <<<"${rss[snow]}"
read -r gb ga <<<"${rss[go]}"
echo
printf '%-8s %22s %22s %7s\n' idle "snow RSS kB (0 / $idle)" "go RSS kB (0 / $idle)" ratio
printf '%-8s %22s %22s %7s\n' conns "$sb / $sa" "$gb / $ga" "$(ratio "$sa" "$ga")"
awk -v s=$((sa - sb)) -v g=$((ga - gb)) -v n="$idle" \
    'BEGIN { printf "per connection: snow %.1f kB, go %.1f kB\n", s / n, g / n }'
