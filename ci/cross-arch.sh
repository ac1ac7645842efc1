#!/usr/bin/env bash
# Builds the tests of c-support/snow_switch.c (c-support/tests/switch_test.c:
# context switches; stack_call_test.c: calls on another stack) natively and
# with the Debian cross compilers for AArch64, RISC-V 64 and 32-bit ARM
# hard-float (statically linked), and runs each under qemu-user. Also builds
# the ucontext fallback natively. Installs the cross toolchains and
# qemu-user with apt-get when CI=true or when they are missing and we are
# root; a target whose tools are still missing fails the script.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

targets=(
    "aarch64-linux-gnu qemu-aarch64 gcc-aarch64-linux-gnu"
    "riscv64-linux-gnu qemu-riscv64 gcc-riscv64-linux-gnu"
    "arm-linux-gnueabihf qemu-arm gcc-arm-linux-gnueabihf"
)

need=()
for t in "${targets[@]}"; do
    read -r triple qemu pkg <<<"$t"
    command -v "$triple-gcc" >/dev/null 2>&1 || need+=("$pkg")
    command -v "$qemu" >/dev/null 2>&1 || need+=(qemu-user)
done
if ((${#need[@]} > 0)) && { [[ "${CI:-}" == "true" ]] || [[ "$(id -u)" == 0 ]]; }; then
    sudo=()
    if [[ "$(id -u)" != 0 ]] && command -v sudo >/dev/null 2>&1; then
        sudo=(sudo)
    fi
    mapfile -t need < <(printf '%s\n' "${need[@]}" | sort -u)
    echo "cross-arch: installing ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get update -qq >/dev/null
    "${sudo[@]}" apt-get install -y -qq "${need[@]}" >/dev/null
fi

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
tests=(switch_test stack_call_test)
flags=(-std=c11 -O2 -Wall -Wextra -Werror -I c-support)
failed=0

run() {
    local name=$1
    shift
    if "$@"; then
        echo "cross-arch: $name ok"
    else
        echo "cross-arch: $name FAILED"
        failed=1
    fi
}

for t in "${tests[@]}"; do
    src=("c-support/tests/$t.c" c-support/snow_switch.c)
    run "$t native build" cc "${flags[@]}" -o "$out/$t-native" "${src[@]}"
    run "$t native run" "$out/$t-native"
    run "$t ucontext build" cc "${flags[@]}" -D_GNU_SOURCE -DSNOW_SWITCH_UCONTEXT -o "$out/$t-ucontext" "${src[@]}"
    run "$t ucontext run" "$out/$t-ucontext"
    for target in "${targets[@]}"; do
        read -r triple qemu _ <<<"$target"
        run "$t $triple build" "$triple-gcc" "${flags[@]}" -static -o "$out/$t-$triple" "${src[@]}"
        run "$t $triple run" "$qemu" "$out/$t-$triple"
    done
done

exit $failed
