#!/usr/bin/env bash
# PostgreSQL client benchmark: Snow's Pg/Pool against Python's psycopg 3
# (libpq underneath; peer.py), both on the same throw-away cluster
# (ci/pg-cluster.sh, on 127.0.0.1, SCRAM user, no TLS):
#   seq    one connection, N sequential round trips of `SELECT $1::int`
#          (seq.snow): queries/s against psycopg as it comes (it prepares
#          a statement after 5 runs; Snow after 1) and with preparing off
#          (Parse on every query)
#   pool   P concurrent Snow processes through a Pool of at most MAX
#          connections (pool.snow), each running Q indexed single-row
#          SELECTs, against psycopg's ConnectionPool(max_size=MAX) with P
#          threads: queries/s
#   todo   examples/todo_api under wrk (-t1 -c50): GET /todos/1, a single
#          row by id through Pool.query_as: requests/s and p99. No peer
#          runs here (a comparable server would be another HTTP stack as
#          well as another client), so it has no ratio.
# Ratios are Snow/psycopg (higher is better). Installs postgresql and wrk
# with apt-get when missing, and psycopg into a venv ($DB_BENCH_VENV,
# default /tmp/snow-bench-db-venv; reused when it has it). The machine may
# be shared: each scenario runs Snow and Python alternately for several
# rounds and keeps each side's best; compare ratios from one run.
#
#   bash bench/db/run.sh                          (3 rounds)
#   DB_BENCH_ROUNDS=1 DB_BENCH_SECONDS=3 bash bench/db/run.sh
# Also: DB_BENCH_N (20000), DB_BENCH_PROCS (50), DB_BENCH_Q (400),
# DB_BENCH_MAX (10), DB_BENCH_PG_PORT, DB_BENCH_PORT.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
secs=${DB_BENCH_SECONDS:-10}
rounds=${DB_BENCH_ROUNDS:-3}
n=${DB_BENCH_N:-20000}
procs=${DB_BENCH_PROCS:-50}
q=${DB_BENCH_Q:-400}
max=${DB_BENCH_MAX:-10}
pg_port=${DB_BENCH_PG_PORT:-18632}
port=${DB_BENCH_PORT:-18680}
venv=${DB_BENCH_VENV:-/tmp/snow-bench-db-venv}

missing=()
command -v wrk >/dev/null || missing+=(wrk)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null || missing+=(postgresql)
if ((${#missing[@]} > 0)); then
    sudo=()
    [[ "$(id -u)" != 0 ]] && sudo=(sudo)
    "${sudo[@]}" apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if ! "$venv/bin/python" -c 'import psycopg, psycopg_pool' 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q "psycopg[binary]" psycopg_pool
fi
py="$venv/bin/python"

work=$(mktemp -d)
# The cluster's directory must be reachable by the postgres user.
pg_dir=/tmp/snow-bench-db-pg-$$
pid=
trap 'kill "$pid" 2>/dev/null || true; bash ../../ci/pg-cluster.sh stop "$pg_dir"; rm -rf "$work"' EXIT
bash ../../ci/pg-cluster.sh start "$pg_dir" "$pg_port" $$ >/dev/null
url="postgres://snow_scram:snow_scram_pw@localhost:$pg_port/snowtest?sslmode=disable"

(cd ../.. && cargo build --release -q)
snowc=../../target/release/snowc
"$snowc" seq.snow -o "$work/seq" --release
"$snowc" pool.snow -o "$work/pool" --release
"$snowc" build ../../examples/todo_api -o "$work/todo_api" --release
"$py" peer.py setup "$url" 10000

source ../wrk.sh

# snow PROGRAM ARGS...: runs a Snow benchmark program; one that printed its
# figure but does not exit within 5 minutes is reported and killed.
snow() {
    local rc=0
    timeout 300 "$work/$1" "${@:2}" || rc=$?
    ((rc == 124)) && echo "bench/db: $1 did not exit (killed)" >&2
    return 0
}

# keep NAME FIGURE: remembers the highest FIGURE seen for NAME.
declare -A best
keep() { best[$1]=$(printf '%s\n%s\n' "${best[$1]:-0}" "$2" | sort -n -r | head -1); }

for _ in $(seq "$rounds"); do
    keep seq_snow "$(snow seq "$url" "$n")"
    keep seq_py "$("$py" peer.py seq "$url" "$n")"
    keep seq_py_unprepared "$("$py" peer.py seq "$url" "$n" unprepared)"
    keep pool_snow "$(snow pool "$url" "$procs" "$q" "$max")"
    keep pool_py "$("$py" peer.py pool "$url" "$procs" "$q" "$max")"
done

printf '%-28s %12s %14s %7s\n' scenario "snow q/s" "psycopg q/s" ratio
row() { printf '%-28s %12s %14s %7s\n' "$1" "$2" "$3" "$(ratio "$2" "$3")"; }
row "seq (psycopg prepared)" "${best[seq_snow]}" "${best[seq_py]}"
row "seq (psycopg unprepared)" "${best[seq_snow]}" "${best[seq_py_unprepared]}"
row "pool ($procs on $max)" "${best[pool_snow]}" "${best[pool_py]}"

# The todo API: one row to fetch, then wrk.
env DATABASE_URL="$url" PORT="$port" SNOW_HTTP_HOST=127.0.0.1 "$work/todo_api" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 200); do
    curl -s -o /dev/null "http://127.0.0.1:$port/health" && break
    sleep 0.05
done
curl -sS -o /dev/null -H 'x-api-key: let-me-in' -d 'benchmark me' "http://127.0.0.1:$port/todos"
todo="0 0"
for _ in $(seq "$rounds"); do
    got=$(wrk_run "http://127.0.0.1:$port/todos/1" -H 'x-api-key: let-me-in')
    todo=$(printf '%s\n%s\n' "$todo" "$got" | sort -n -r | head -1)
done
read -r todo_rps todo_p99 <<<"$todo"
echo
printf '%-28s %12s %12s\n' scenario "req/s" "p99 ms"
printf '%-28s %12s %12s\n' "todo GET /todos/1 (wrk -c50)" "$todo_rps" "$todo_p99"
