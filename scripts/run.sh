#!/usr/bin/env bash
# Runs Carnet: the desktop app with a local sync server and a demo team.
#  - starts carnet-sync-server on 127.0.0.1:7800 (data in .carnet-demo/server),
#  - on first run, creates the team "Pôle de Montréal-Nord (démo)" whose
#    coordinator Aline has filled it with synthetic demo records, and an
#    invitation for you: the app's first-run screen proposes joining with it,
#  - opens the app on its own notebook (.carnet-demo/app), so your real
#    notebook (the platform's data directory) is left alone.
# The server stops when the app closes. Without a display, the app runs on
# a virtual one (Xvfb).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

# Notebooks keep their keys in the desktop's secret store. Without a
# desktop session (no D-Bus session bus), the demo gets a keyring of its
# own, kept in .carnet-demo/keyring so its notebooks open again next time.
if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ] && [ -z "${CARNET_SECRET_SESSION:-}" ]; then
  export CARNET_KEYRING_DIR="${CARNET_DEMO_DIR:-$PWD/.carnet-demo}/keyring"
  exec scripts/with-secret-store.sh "$0" "$@"
fi

echo "Building Carnet (the first build takes several minutes)…" >&2
cargo build --release -q -p carnet-desktop -p carnet-client --bin carnet-desktop --bin carnet -p carnet-sync-server --bin carnet-sync-server
app=$PWD/target/release/carnet-desktop
carnet=$PWD/target/release/carnet
server=$PWD/target/release/carnet-sync-server
demo=${CARNET_DEMO_DIR:-$PWD/.carnet-demo}
port=${CARNET_DEMO_PORT:-7800}
url="http://127.0.0.1:$port"
mkdir -p "$demo"

"$server" serve --data "$demo/server" --listen "127.0.0.1:$port" >"$demo/server.log" 2>&1 &
server_pid=$!
trap 'kill $server_pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -fsS "$url/v1/health" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fsS "$url/v1/health" >/dev/null || { echo "The sync server did not start; see $demo/server.log" >&2; exit 1; }

if [ ! -f "$demo/team-id" ]; then
  echo "Creating the demo team and its records…" >&2
  team_json=$("$server" team create --data "$demo/server" "Pôle de Montréal-Nord (démo)" --coordinator "Aline" --json)
  team=$(echo "$team_json" | sed -n 's/.*"team": "\([^"]*\)".*/\1/p')
  code=$(echo "$team_json" | sed -n 's/.*"code": "\([^"]*\)".*/\1/p')
  "$carnet" --data-dir "$demo/aline" join --server "$url" --code "$code" --device-name "portable-aline" >/dev/null
  "$carnet" --data-dir "$demo/aline" demo --records "${CARNET_DEMO_RECORDS:-2000}" --seed 7 >/dev/null
  "$carnet" --data-dir "$demo/aline" sync >/dev/null
  echo "$team" >"$demo/team-id"
fi
team=$(cat "$demo/team-id")

# An invitation for the app while it has no notebook yet.
if [ ! -f "$demo/app/notebook.db" ]; then
  export CARNET_SUGGESTED_SERVER="$url"
  export CARNET_SUGGESTED_CODE=$("$server" invite --data "$demo/server" --team "$team" --role coordinator)
  echo "Invitation for the app: $CARNET_SUGGESTED_CODE (already filled in on the first-run screen)" >&2
fi

export CARNET_DATA_DIR="$demo/app"
echo "Carnet: notebook in $CARNET_DATA_DIR, sync server at $url" >&2
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  "$app"
else
  echo "No display: the window opens on a virtual display (Xvfb). Stop with Ctrl+C." >&2
  xvfb-run -a -s "-screen 0 1280x1024x24" "$app"
fi
