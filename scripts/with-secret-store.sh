#!/usr/bin/env bash
# Runs a command inside a D-Bus session of its own, with a throwaway
# gnome-keyring unlocked as the Secret Service: the secret store that keeps
# notebooks' keys, for the tests (and the demo, on a machine without a
# desktop session). The keyring lives in a temporary directory, removed
# afterwards (unless CARNET_KEYRING_DIR names a directory to keep it in,
# as the demo does); the session, and the keyring daemon with it, end with
# the command.
set -euo pipefail
if [ -z "${CARNET_SECRET_SESSION:-}" ]; then
  export CARNET_SECRET_SESSION=1
  exec dbus-run-session -- "$0" "$@"
fi
if [ -n "${CARNET_KEYRING_DIR:-}" ]; then
  keyring_dir="$CARNET_KEYRING_DIR"
  mkdir -p "$keyring_dir"
else
  keyring_dir="$(mktemp -d)"
  trap 'rm -rf "$keyring_dir"' EXIT
fi
# gnome-keyring keeps its keyrings under $XDG_DATA_HOME/keyrings and its
# control socket under $XDG_RUNTIME_DIR.
export XDG_DATA_HOME="$keyring_dir/data" XDG_RUNTIME_DIR="$keyring_dir/run"
mkdir -p "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
printf 'carnet-session' | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1
"$@"
