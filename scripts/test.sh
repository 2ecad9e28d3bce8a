#!/usr/bin/env bash
# Runs every test of Carnet: the UI's type checks and unit tests (Vitest),
# then the Rust tests: unit tests, properties, crash-safety and bad-input
# tests against real SQLite files and a real sync server, the end-to-end
# tests that drive the real desktop app under Xvfb through tauri-driver,
# each benchmark in its small smoke mode, and each fuzz target for a few
# seconds (scripts/fuzz.sh). Everything runs beside a throwaway PostgreSQL
# cluster (scripts/with-postgres.sh) and inside a D-Bus session with a
# throwaway secret store (scripts/with-secret-store.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
# The server's PostgreSQL tests run against a throwaway cluster
# (scripts/with-postgres.sh), stopped at the end whatever happens.
if [ -z "${CARNET_TEST_DATABASE_URL:-}" ]; then
  exec scripts/with-postgres.sh "$0" "$@"
fi
# Notebooks keep their keys in a secret store: the tests run in a D-Bus
# session of their own with a throwaway gnome-keyring, stopped at the end.
if [ -z "${CARNET_SECRET_SESSION:-}" ]; then
  exec scripts/with-secret-store.sh "$0" "$@"
fi

(cd ui && npm run --silent check && npm test --silent)
cargo test --workspace --all-targets
# The team tests again, against two server instances on one PostgreSQL
# database, each request going to the next instance in turn.
CARNET_TEST_STORE=postgres cargo test -p carnet-tests \
  --test team_sync --test access --test erasure --test bad_input --test faults --test partners
cargo test --workspace --doc
# On a one-off machine (CI sets CARNET_SPARE_DISK), the tests' build is not
# needed any more: the fuzz targets build apart, and the disk may be small.
if [ -n "${CARNET_SPARE_DISK:-}" ]; then
  echo "Disk after the tests: $(df -h --output=avail . | tail -1 | tr -d ' ') free, target/ $(du -sh target | cut -f1)" >&2
  rm -rf target/debug
fi
scripts/fuzz.sh 20
