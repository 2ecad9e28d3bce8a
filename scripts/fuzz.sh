#!/usr/bin/env bash
# Fuzzes the server's and the device's decoding of what arrives from
# elsewhere (fuzz/fuzz_targets: a sync request, a pushed record, one
# Automerge chunk with a correct checksum), each for SECONDS (default 20:
# the smoke mode scripts/test.sh runs; run longer by hand, e.g.
# `scripts/fuzz.sh 600`). cargo fuzz needs nightly flags: on the stable
# toolchain RUSTC_BOOTSTRAP=1 lets it build. No sanitizer (the code is
# safe Rust; libFuzzer's coverage, panics, memory and time limits are
# what is looked for). A finding is kept in fuzz/artifacts/ and fails the
# run; make it a regression test.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds="${1:-20}"
if ! command -v cargo-fuzz >/dev/null 2>&1; then
  echo "Installing cargo-fuzz" >&2
  cargo install cargo-fuzz --version ^0.13 --locked -q
fi
export RUSTC_BOOTSTRAP=1
corpus=$(mktemp -d)
trap 'rm -rf "$corpus"' EXIT
# Built once, before any run, so that a build that fails (a full disk, a
# compiler error) is said as such and not taken for a finding.
if ! cargo fuzz build -s none >"$corpus/build.log" 2>&1; then
  tail -40 "$corpus/build.log" >&2
  echo "the fuzz targets could not be built (above); nothing was fuzzed" >&2
  exit 1
fi
for target in sync_request pushed_record chunk; do
  mkdir -p "$corpus/$target"
  echo "Fuzzing $target for ${seconds}s" >&2
  if ! cargo fuzz run -s none "$target" "$corpus/$target" "seeds/$target" -- \
    -max_total_time="$seconds" -rss_limit_mb=1024 -max_len=65536 -timeout=10 \
    >"$corpus/$target.log" 2>&1; then
    tail -40 "$corpus/$target.log" >&2
    echo "fuzzing $target found a crash, a leak of memory or a hang (kept in fuzz/artifacts/$target)" >&2
    exit 1
  fi
  grep -E "^Done " "$corpus/$target.log" >&2 || true
done
