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
  if [ -n "${CARNET_KEYRING_DIR:-}" ]; then
    keyring_dir="$CARNET_KEYRING_DIR"
    mkdir -p "$keyring_dir"
  else
    keyring_dir="$(mktemp -d)"
    trap 'rm -rf "$keyring_dir"' EXIT
  fi
  # gnome-keyring keeps its keyrings under $XDG_DATA_HOME/keyrings and its
  # control socket under $XDG_RUNTIME_DIR. They are set before the session
  # starts, so that a keyring daemon the session starts on demand (after
  # the first stopped) finds this keyring, not the user's own.
  export XDG_DATA_HOME="$keyring_dir/data" XDG_RUNTIME_DIR="$keyring_dir/run"
  mkdir -p "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR"
  chmod 700 "$XDG_RUNTIME_DIR"
  dbus-run-session -- "$0" "$@"
  exit
fi
if [ -n "${CARNET_KEYRING_DIR:-}" ]; then
  # A keyring kept between runs is sealed by a password, and unlocked now.
  printf 'carnet-session' | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1
else
  # A throwaway keyring is written unencrypted (gnome-keyring's textual
  # form): should the daemon stop mid-run (it has crashed under the tests'
  # load), the session starts another on the next call, and that one opens
  # this keyring without a password to ask for, where a sealed keyring
  # would stay locked and refuse every notebook after.
  mkdir -p "$XDG_DATA_HOME/keyrings"
  chmod 700 "$XDG_DATA_HOME/keyrings"
  printf '[keyring]\ndisplay-name=login\nctime=0\nmtime=0\nlock-on-idle=false\nlock-after=false\n' \
    >"$XDG_DATA_HOME/keyrings/login.keyring"
  printf 'login\n' >"$XDG_DATA_HOME/keyrings/default"
  chmod 600 "$XDG_DATA_HOME/keyrings/login.keyring" "$XDG_DATA_HOME/keyrings/default"
  gnome-keyring-daemon --start --components=secrets >/dev/null 2>&1
fi
"$@"
