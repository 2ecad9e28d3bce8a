#!/usr/bin/env bash
# Builds the Debian package of the desktop app:
#   target/package/release/bundle/deb/Carnet_<version>_amd64.deb
# (its own target directory: a release build without debug information,
# so the benchmarks' release build, which keeps it for profiling, stays.)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh   # system packages, npm packages, and the UI build
export CARGO_TARGET_DIR="$PWD/target/package"
export CARGO_PROFILE_RELEASE_DEBUG=false CARGO_PROFILE_RELEASE_STRIP=symbols
ui/node_modules/.bin/tauri build --bundles deb "$@"
ls -1 target/package/release/bundle/deb/*.deb
