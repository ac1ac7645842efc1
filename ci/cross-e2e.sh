#!/usr/bin/env bash
# The e2e suite cross-compiled with `snowc --target` and run under qemu-user
# (all three modes of snowc/tests/e2e.rs: as is, SNOW_GC_STRESS=1 and
# SNOW_SCHEDULERS=1), output compared exactly as on the host: every program
# for aarch64-linux-gnu, and for arm-linux-gnueabihf the programs listed in
# ci/cross-armhf.txt (emulating 32-bit ARM is slower; see README
# "Cross-compiling"). Run after the host test run, whose build it reuses.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash ci/install-cross.sh

status=0
run_suite() {
    local target=$1
    shift
    local t0
    t0=$(date +%s)
    echo "cross-e2e: $target"
    if ! env SNOW_TEST_TARGET="$target" "$@" cargo test --release -p snowc --test e2e; then
        status=1
    fi
    echo "cross-e2e: $target took $(($(date +%s) - t0)) s"
}

run_suite aarch64-linux-gnu
run_suite arm-linux-gnueabihf SNOW_TEST_FILTER_FILE="$PWD/ci/cross-armhf.txt"
exit $status
