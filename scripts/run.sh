#!/usr/bin/env bash
# Runs Carnet with a local sync server and a demo team:
#  - starts carnet-sync-server on 127.0.0.1 (data in .carnet-demo/server),
#  - creates the team "Pôle de Montréal-Nord (démo)" and joins Aline's
#    notebook as coordinator, filled with synthetic demo records,
#  - joins a second device (Jean, worker) that receives the team's notes,
#  - shows the journal, a search without accents, an edit that syncs back,
#    and each device's sync status.
# (The desktop app will take over this command when it exists.)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

cargo build --release -q -p carnet-client --bin carnet -p carnet-sync-server --bin carnet-sync-server
carnet=$PWD/target/release/carnet
server=$PWD/target/release/carnet-sync-server
demo=${CARNET_DEMO_DIR:-$PWD/.carnet-demo}
port=${CARNET_DEMO_PORT:-7800}
url="http://127.0.0.1:$port"
mkdir -p "$demo"

"$server" serve --data "$demo/server" --listen "127.0.0.1:$port" >"$demo/server.log" 2>&1 &
server_pid=$!
trap 'kill $server_pid 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -fsS "$url/v1/health" >/dev/null 2>&1 && break; sleep 0.1; done

if [ ! -f "$demo/aline/notebook.db" ]; then
  team_json=$("$server" team create --data "$demo/server" "Pôle de Montréal-Nord (démo)" --coordinator "Aline" --json)
  team=$(echo "$team_json" | sed -n 's/.*"team": "\([^"]*\)".*/\1/p')
  code=$(echo "$team_json" | sed -n 's/.*"code": "\([^"]*\)".*/\1/p')
  echo "$team" >"$demo/team-id"
  echo "== Aline (coordinator) joins with code $code =="
  "$carnet" --data-dir "$demo/aline" join --server "$url" --code "$code" --device-name "portable-aline" >/dev/null
  "$carnet" --data-dir "$demo/aline" demo --records "${CARNET_DEMO_RECORDS:-2000}" --seed 7
  "$carnet" --data-dir "$demo/aline" sync
  jean_code=$("$server" invite --data "$demo/server" --team "$team" --role worker)
  echo "== Jean (worker, no access to persons) joins with code $jean_code =="
  "$carnet" --data-dir "$demo/jean" join --server "$url" --code "$jean_code" --member "Jean" --device-name "portable-jean" >/dev/null
fi

echo
echo "== Jean's journal (the 10 newest notes) =="
"$carnet" --data-dir "$demo/jean" note list --limit 10
echo
echo "== Jean searches: epicerie (accents ignored) =="
"$carnet" --data-dir "$demo/jean" search epicerie --limit 3
first=$("$carnet" --data-dir "$demo/jean" note list --limit 1 --json | sed -n 's/.*"id": "\([^"]*\)".*/\1/p' | head -1)
echo
echo "== Jean adds a line to that note offline, then both devices sync =="
"$carnet" --data-dir "$demo/jean" note edit "$first" --append "Jean: rappel fait, elle viendra à la soupière jeudi."
"$carnet" --data-dir "$demo/jean" sync
"$carnet" --data-dir "$demo/aline" sync
"$carnet" --data-dir "$demo/aline" show "$first" | tail -3
echo
echo "== Sync status =="
"$carnet" --data-dir "$demo/aline" status
echo
echo "Notebooks: $demo/aline, $demo/jean   Server: $url (stopped when this script ends)"
echo "Try:  $carnet --data-dir $demo/jean note add --method outreach --title \"Au parc\" --body \"…\""
