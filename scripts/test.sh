#!/usr/bin/env bash
# Runs every test of Carnet: unit tests, properties, crash-safety and
# bad-input tests against real SQLite files, and each benchmark in its
# small smoke mode.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

cargo test --workspace --all-targets
cargo test --workspace --doc
