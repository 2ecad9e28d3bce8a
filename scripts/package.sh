#!/usr/bin/env bash
# Builds the Debian package of the desktop app:
#   target/release/bundle/deb/Carnet_<version>_amd64.deb
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh   # system packages, npm packages, and the UI build
ui/node_modules/.bin/tauri build --bundles deb "$@"
ls -1 target/release/bundle/deb/*.deb
