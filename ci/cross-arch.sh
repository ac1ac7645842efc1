#!/usr/bin/env bash
# Builds c-support/tests/switch_test.c natively and with the Debian cross
# compilers for AArch64, RISC-V 64 and 32-bit ARM hard-float (statically
# linked), and runs each under qemu-user. Also builds the ucontext fallback
# natively. Installs the cross toolchains and qemu-user with apt-get when
# CI=true or when they are missing and we are root; a target whose tools
# are still missing fails the script.
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
src=(c-support/tests/switch_test.c c-support/snow_switch.c)
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

run "native build" cc "${flags[@]}" -o "$out/native" "${src[@]}"
run "native run" "$out/native"
run "ucontext build" cc "${flags[@]}" -D_GNU_SOURCE -DSNOW_SWITCH_UCONTEXT -o "$out/ucontext" "${src[@]}"
run "ucontext run" "$out/ucontext"

for t in "${targets[@]}"; do
    read -r triple qemu _ <<<"$t"
    run "$triple build" "$triple-gcc" "${flags[@]}" -static -o "$out/$triple" "${src[@]}"
    run "$triple run" "$qemu" "$out/$triple"
done

exit $failed
