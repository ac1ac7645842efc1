#!/usr/bin/env bash
# JSON benchmark: bench/json.snow (100,000 structs through Json.encode and
# User.from_json) against the same work in Rust with serde derive and
# serde_json (bench/baseline/src/bin/json.rs). encode = "encode" run minus
# the input-building "none" run; decode = "both" run minus "encode". See
# bench/phases.sh.
#
#   bash bench/json.sh [N]      (N runs per phase, default 5)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
exec bash phases.sh bench/json.snow json "${1:-5}" encode:encode:none decode:both:encode
