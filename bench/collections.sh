#!/usr/bin/env bash
# Collections benchmark: bench/collections.snow (compiled with snowc
# --release) against the same work in Rust with std HashMap/HashSet/sort
# (bench/baseline/src/main.rs). Phases: map (1,000,000 puts + lookups), set
# (adds + contains), sort (a 1,000,000-element List); each minus the "none"
# run (startup and input generation only). See bench/phases.sh.
#
#   bash bench/collections.sh [N]      (N runs per phase, default 3)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
exec bash phases.sh bench/collections.snow collections-baseline "${1:-3}" \
    map:map:none set:set:none sort:sort:none
