#!/usr/bin/env bash
# Runs every test of Carnet: the UI's type checks and unit tests (Vitest),
# then the Rust tests: unit tests, properties, crash-safety and bad-input
# tests against real SQLite files and a real sync server, the end-to-end
# tests that drive the real desktop app under Xvfb through tauri-driver,
# each benchmark in its small smoke mode, and each fuzz target for a few
# seconds (scripts/fuzz.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

(cd ui && npm run --silent check && npm test --silent)
cargo test --workspace --all-targets
cargo test --workspace --doc
scripts/fuzz.sh 20
