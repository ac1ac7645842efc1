#!/usr/bin/env bash
# Formatting and lints for the whole workspace; fails on any warning.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

cargo fmt --all --check
cargo clippy --workspace --all-targets -- -D warnings
