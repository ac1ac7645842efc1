#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the PostgreSQL client's tests.
#
#   ci/pg-cluster.sh start DIR PORT WATCH_PID   create DIR (absent; its parent
#       must be searchable by the `postgres` user, as /tmp is),
#       start a cluster on localhost:PORT and stop it (and delete DIR) when
#       process WATCH_PID exits. Prints `ready` when it accepts connections.
#   ci/pg-cluster.sh stop DIR      stop it now and delete DIR
#   ci/pg-cluster.sh down DIR      stop the server, keeping DIR
#   ci/pg-cluster.sh up DIR        start a stopped server again
#
# The server listens on localhost (127.0.0.1, and ::1 where it exists) with
# SSL on: DIR/ca.pem is a CA made here, which signed the server's
# certificate for the name `localhost`. Users (password = name + "_pw"):
#   snow_scram (scram-sha-256, owns database snowtest), snow_md5 (md5),
#   snow_clear (password, i.e. cleartext), snow_trust (trust).
# initdb and the server refuse to run as root: as root the cluster runs as
# the `postgres` user.
set -euo pipefail

# Absolute: the watchdog runs it later from another directory.
self=$(readlink -f "${BASH_SOURCE[0]}")
cmd=${1:?usage: pg-cluster.sh start|stop|down|up DIR [PORT WATCH_PID]}
dir=${2:?missing DIR}

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [[ -z "$bin" ]]; then
    bin=$(dirname "$(command -v initdb || echo /nonexistent/initdb)")
fi
[[ -x "$bin/initdb" ]] || { echo "pg-cluster: no initdb found" >&2; exit 1; }

as_owner() {
    if [[ "$(id -u)" == 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

pgctl() {
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 "$@" >/dev/null
}

case "$cmd" in
start)
    port=${3:?missing PORT}
    watch=${4:?missing WATCH_PID}
    mkdir -p "$dir"
    cd "$dir"
    # The CA and the server certificate for `localhost` (EC keys: fast).
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
        -keyout ca.key -out ca.pem -days 2 -subj /CN=snow-test-ca \
        -addext basicConstraints=critical,CA:TRUE \
        -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
        -keyout server.key -out server.csr -subj /CN=localhost 2>/dev/null
    printf 'subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\n' >server.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
        -out server.pem -days 2 -extfile server.ext 2>/dev/null
    chmod 600 server.key
    cd /
    if [[ "$(id -u)" == 0 ]]; then
        chown -R postgres: "$dir"
        chmod 755 "$dir"
    fi
    as_owner "$bin/initdb" -D "$dir/data" -U postgres -A trust --no-sync >"$dir/initdb.log"
    cat >>"$dir/data/postgresql.conf" <<CONF
port = $port
listen_addresses = 'localhost'
unix_socket_directories = '$dir'
ssl = on
ssl_cert_file = '$dir/server.pem'
ssl_key_file = '$dir/server.key'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 100
CONF
    cat >"$dir/data/pg_hba.conf" <<HBA
local all postgres trust
host all snow_trust samehost trust
host all snow_scram samehost scram-sha-256
host all snow_md5 samehost md5
host all snow_clear samehost password
HBA
    pgctl start
    psql=("$bin/psql" -h "$dir" -p "$port" -U postgres -q -v ON_ERROR_STOP=1 -d postgres)
    as_owner "${psql[@]}" >/dev/null <<SQL
SET password_encryption = 'scram-sha-256';
CREATE ROLE snow_scram LOGIN PASSWORD 'snow_scram_pw';
CREATE ROLE snow_clear LOGIN PASSWORD 'snow_clear_pw';
CREATE ROLE snow_trust LOGIN;
SET password_encryption = 'md5';
CREATE ROLE snow_md5 LOGIN PASSWORD 'snow_md5_pw';
CREATE DATABASE snowtest OWNER snow_scram;
SQL
    # Stop the cluster when the test process is gone.
    setsid nohup bash -c "
        while kill -0 $watch 2>/dev/null; do sleep 1; done
        bash '$self' stop '$dir'
    " >/dev/null 2>&1 </dev/null &
    echo ready
    ;;
stop)
    if [[ -d "$dir/data" ]]; then
        pgctl stop -m immediate 2>/dev/null || true
    fi
    rm -rf "$dir"
    ;;
down)
    pgctl stop -m fast
    ;;
up)
    pgctl start
    ;;
*)
    echo "pg-cluster: unknown command $cmd" >&2
    exit 2
    ;;
esac
