#!/usr/bin/env bash
# Installs what `snowc --target` and the cross test runs need on Debian 12:
# the GNU cross compilers for 64-bit ARM and 32-bit ARM (hard float),
# qemu-user to run their executables, and Rust's standard library for both
# targets from Debian (`libstd-rust-web-dev:<arch>`, for `/usr/bin/rustc`
# of `rustc-web`; snowc builds the runtime with it, see README
# "Cross-compiling"). Installs only what is missing.
set -euo pipefail

sudo=()
if [[ "$(id -u)" != 0 ]] && command -v sudo >/dev/null 2>&1; then
    sudo=(sudo)
fi

have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed"; }

need=()
for arch in arm64 armhf; do
    if ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
        "${sudo[@]}" dpkg --add-architecture "$arch"
        need+=(update)
    fi
done
pkgs=(gcc-aarch64-linux-gnu gcc-arm-linux-gnueabihf qemu-user rustc-web cargo-web
    libstd-rust-web-dev:arm64 libstd-rust-web-dev:armhf)
missing=()
for p in "${pkgs[@]}"; do
    have_pkg "$p" || missing+=("$p")
done
if ((${#missing[@]} > 0)); then
    echo "cross: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get update -qq >/dev/null
    "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi
