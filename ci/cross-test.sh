#!/usr/bin/env bash
# Tests on the cross targets, under qemu-user: the runtime's unit tests
# built for aarch64 and 32-bit ARM (with Debian's Rust standard library for
# the target), then the e2e suite cross-compiled with `snowc --target` (all
# three modes of snowc/tests/e2e.rs: as is, SNOW_GC_STRESS=1 and
# SNOW_SCHEDULERS=1), output compared exactly as on the host: every e2e
# program on aarch64 and on 32-bit ARM (a program listed in
# ci/cross-armhf-skip.txt would be skipped there; none is); and the
# stripped static hello world on aarch64 against its 1 MB budget (with the
# room its code has before the file grows by a 64 KiB step). Run
# after the host test run, whose snowc build the e2e part reuses; the runtime's cross builds go to
# target/cross (another rustc than the host build's).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash ci/install-cross.sh

status=0
# step NAME CMD...: runs CMD, records a failure, prints the time taken.
step() {
    local name=$1
    shift
    local t0
    t0=$(date +%s)
    echo "cross-test: $name"
    if ! "$@"; then
        echo "cross-test: $name FAILED"
        status=1
    fi
    echo "cross-test: $name took $(($(date +%s) - t0)) s"
}

# rt_tests RUST_TRIPLE GNU_TRIPLE QEMU: the runtime's library tests.
rt_tests() {
    local rust=$1 gnu=$2 qemu=$3
    local var
    var=$(echo "$rust" | tr 'a-z-' 'A-Z_')
    env RUSTC=/usr/bin/rustc \
        "CARGO_TARGET_${var}_LINKER=$gnu-gcc" \
        "CARGO_TARGET_${var}_RUNNER=$qemu -L /usr/$gnu -E LD_LIBRARY_PATH=/usr/$gnu/lib" \
        cargo test --release -p snow-rt --lib --target "$rust" --target-dir target/cross
}

step "rt unit tests, aarch64" rt_tests aarch64-unknown-linux-gnu aarch64-linux-gnu qemu-aarch64
step "rt unit tests, armv7" rt_tests armv7-unknown-linux-gnueabihf arm-linux-gnueabihf qemu-arm
step "e2e, aarch64" env SNOW_TEST_TARGET=aarch64-linux-gnu \
    cargo test --release -p snowc --test e2e
# hello_budget GNU_TRIPLE: the stripped static hello world stays within the
# 1 MB budget of issue 12 (the same limit as bench/cross.sh prints).
hello_budget() {
    local gnu=$1 d size="" room off1 size1 off2 loads
    d=$(mktemp -d)
    if target/release/snowc examples/hello.snow --release --target "$gnu" --static -o "$d/hello" &&
        "$gnu-strip" "$d/hello"; then
        size=$(wc -c <"$d/hello")
        # Bytes between the end of the code segment and the file offset of
        # the RW segment: what the code can grow before the file grows by a
        # 64 KiB step (docs/decisions.md, [size]).
        mapfile -t loads < <("$gnu-readelf" -lW "$d/hello" | awk '$1 == "LOAD" { print $2, $5 }')
        read -r off1 size1 <<<"${loads[0]}"
        read -r off2 _ <<<"${loads[1]}"
        room=$((off2 - (off1 + size1)))
    fi
    rm -rf "$d"
    [[ -n "$size" ]] || return 1
    echo "static hello for $gnu, stripped: $size bytes (budget 1000000; code can grow $room bytes before the next 64 KiB step)"
    ((size <= 1000000))
}

step "static hello size, aarch64" hello_budget aarch64-linux-gnu
step "e2e, armv7" env SNOW_TEST_TARGET=arm-linux-gnueabihf \
    SNOW_TEST_SKIP_FILE="$PWD/ci/cross-armhf-skip.txt" cargo test --release -p snowc --test e2e
exit $status
