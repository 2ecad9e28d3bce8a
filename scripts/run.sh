#!/usr/bin/env bash
# Runs Carnet: a notebook filled with synthetic demo data, its journal and
# a search. (The desktop app will take over this command when it exists.)
# The notebook lives in ./.carnet-demo unless CARNET_DATA_DIR says otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

cargo build --release -q -p carnet-client --bin carnet
carnet=target/release/carnet
export CARNET_DATA_DIR="${CARNET_DATA_DIR:-$PWD/.carnet-demo}"

if [ ! -f "$CARNET_DATA_DIR/notebook.db" ]; then
  "$carnet" init --team "Pôle de Montréal-Nord (démo)" --member "Aline (démo)" >/dev/null
  "$carnet" demo --records "${CARNET_DEMO_RECORDS:-2000}" --seed 7
fi

echo "== Journal (the 10 newest notes) =="
"$carnet" note list --limit 10
echo
echo "== Search: epicerie (accents ignored) =="
"$carnet" search epicerie --limit 5
echo
echo "Notebook: $CARNET_DATA_DIR"
echo "Try:  $carnet --data-dir \"$CARNET_DATA_DIR\" note add --method outreach --title \"Au parc\" --body \"…\""
