#!/usr/bin/env bash
# Installs what a fresh Debian/Ubuntu CI machine lacks: the C compilers the
# test suite exercises (gcc, tcc, clang), the clients and certificate tool
# of the HTTPS tests (curl, python3, openssl), Python's websockets for the
# WebSocket tests, headless Chromium and its WebDriver for the chat page's
# browser test (Debian's chromium, chromium-driver) and the rustfmt/clippy
# components, and PostgreSQL's server binaries for the PostgreSQL client's
# tests (ci/pg-cluster.sh runs a throw-away cluster).
# Does nothing for tools that are already present.
set -euo pipefail

missing=()
for tool in gcc tcc clang curl python3 openssl; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
# The WebSocket tests' strict client.
python3 -c 'import websockets' >/dev/null 2>&1 || missing+=(python3-websockets)
# The browser test of examples/chat (snowc/tests/wsweb.rs).
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
# The PostgreSQL tests (snowc/tests/pg.rs): any version's initdb will do.
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)

if ((${#missing[@]} > 0)); then
    sudo=()
    if [[ "$(id -u)" != 0 ]] && command -v sudo >/dev/null 2>&1; then
        sudo=(sudo)
    fi
    echo "ci: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get update -qq >/dev/null
    "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if command -v rustup >/dev/null 2>&1; then
    for component in rustfmt clippy; do
        if ! rustup component list --installed 2>/dev/null | grep -q "^$component"; then
            echo "ci: adding rustup component $component"
            rustup component add "$component" >/dev/null
        fi
    done
fi
