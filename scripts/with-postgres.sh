#!/usr/bin/env bash
# Runs a command beside a throwaway PostgreSQL cluster: initdb in a
# temporary directory, a free loopback port, trust authentication; the
# cluster is stopped and its directory removed when the command ends,
# whatever happens. The command finds it in CARNET_TEST_DATABASE_URL
# (postgres://postgres@127.0.0.1:PORT/postgres).
#
# PostgreSQL refuses to run as root (and CI runs as root): there the
# cluster runs as the `postgres` user the system package creates.
#
#   scripts/with-postgres.sh cargo test -p carnet-tests --test postgres
set -euo pipefail

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ]; then
  echo "PostgreSQL is not installed (apt-get install postgresql; scripts/setup.sh does it)" >&2
  exit 1
fi

base=$(mktemp -d /tmp/carnet-pg.XXXXXX)
chmod 777 "$base"
as_owner=()
if [ "$(id -u)" -eq 0 ]; then
  as_owner=(runuser -u postgres --)
fi
# A port nothing listens on (bash alone: a fresh machine may lack python),
# below the range the system gives outgoing connections (whose ports a
# listening socket may not take either).
free_port() {
  local low
  low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
  [ "$low" -gt 11000 ] || low=61000
  for _ in $(seq 1 50); do
    candidate=$((10000 + RANDOM % (low - 10000)))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  echo "no free port for PostgreSQL" >&2
  return 1
}

stop() {
  "${as_owner[@]}" "$pg_bin/pg_ctl" -D "$base/pg" -m immediate stop >/dev/null 2>&1 || true
  # CARNET_TEST_PG_LOG=FILE keeps the cluster's log (with, say,
  # CARNET_TEST_PG_SETTINGS="-c log_min_duration_statement=500").
  if [ -n "${CARNET_TEST_PG_LOG:-}" ]; then cp "$base/pg.log" "$CARNET_TEST_PG_LOG" || true; fi
  rm -rf "$base"
}
trap stop EXIT

"${as_owner[@]}" "$pg_bin/initdb" -D "$base/pg" -A trust -U postgres >"$base/initdb.log" 2>&1 || {
  cat "$base/initdb.log" >&2
  exit 1
}
# Another process may take the port between the probe and the start: then
# another port is tried.
started=""
for _ in 1 2 3 4 5; do
  port=$(free_port)
  if "${as_owner[@]}" "$pg_bin/pg_ctl" -D "$base/pg" -l "$base/pg.log" \
    -o "-p $port -k $base -c listen_addresses=127.0.0.1 ${CARNET_TEST_PG_SETTINGS:-}" -w start >/dev/null; then
    started=1
    break
  fi
  grep -q "could not bind\|could not create any TCP/IP sockets" "$base/pg.log" || break
done
[ -n "$started" ] || {
  cat "$base/pg.log" >&2
  exit 1
}
export CARNET_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
# Stopping and starting the cluster, for the tests of a database that
# goes away under load: `$CARNET_TEST_PG_CTL stop` and `... start`.
cat >"$base/ctl.sh" <<CTL
#!/usr/bin/env bash
set -euo pipefail
case "\$1" in
  stop) exec ${as_owner[*]} "$pg_bin/pg_ctl" -D "$base/pg" -m fast -w stop ;;
  start) exec ${as_owner[*]} "$pg_bin/pg_ctl" -D "$base/pg" -l "$base/pg.log" \\
    -o "-p $port -k $base -c listen_addresses=127.0.0.1" -w start ;;
  *) echo "usage: \$0 stop|start" >&2; exit 2 ;;
esac
CTL
chmod 755 "$base/ctl.sh"
export CARNET_TEST_PG_CTL="$base/ctl.sh"
"$@"
