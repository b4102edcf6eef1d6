#!/usr/bin/env bash
# Load test of the TAXII server: fill a store with N objects, serve it on
# loopback, and have wrk page through the collection 1,000 objects a
# request with added_after. Prints wrk's latency distribution and a
# RESULT line (requests/s, p50, p99).
#
#   scripts/loadtest.sh sqlite            # SQLite file in a temporary folder
#   scripts/loadtest.sh postgres          # a fresh schema in $APTGRAPH_TEST_POSTGRES
#
# Environment: N (objects, 1000000), DURATION (30s), THREADS (2),
# CONNECTIONS (8), LIMIT (the page size, 1000), TLP (the token's clearance, amber: below red the server
# checks what each page's relationships point at), KEEP=1 to keep the store,
# STORE=<sqlite file or postgres:// URL> to use a store filled before (by
# go run ./scripts/fill) instead of filling a new one, CACHE_MB (serve's
# --cache-mb, 512; 0 turns the page cache off, so that every page is read
# from the store).
set -euo pipefail
cd "$(dirname "$0")/.."
ENGINE=${1:-sqlite}
N=${N:-1000000}
DURATION=${DURATION:-30s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-8}
TLP=${TLP:-amber}
export LIMIT=${LIMIT:-1000}
command -v wrk >/dev/null || { echo "loadtest: needs wrk (apt-get install -y wrk)" >&2; exit 2; }

W=$(mktemp -d)
SERVER_PID=
SCHEMA=
cleanup() {
	[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
	if [ -n "$SCHEMA" ] && [ "${KEEP:-}" != 1 ]; then psql -q "$APTGRAPH_TEST_POSTGRES" -c "SET client_min_messages = warning; DROP SCHEMA $SCHEMA CASCADE" >/dev/null || true; fi
	[ "${KEEP:-}" = 1 ] || rm -rf "$W"
}
trap cleanup EXIT

go build -o "$W/aptgraph" ./cmd/aptgraph
if [ -n "${STORE:-}" ]; then
	DB=$STORE
	echo "== using the filled store $DB"
else
case "$ENGINE" in
sqlite)
	DB="$W/load.db" ;;
postgres)
	: "${APTGRAPH_TEST_POSTGRES:?set APTGRAPH_TEST_POSTGRES to a postgres:// URL on 127.0.0.1}"
	SCHEMA="aptgraph_load_$$"
	psql -q "$APTGRAPH_TEST_POSTGRES" -c "CREATE SCHEMA $SCHEMA" >/dev/null
	case "$APTGRAPH_TEST_POSTGRES" in *\?*) DB="$APTGRAPH_TEST_POSTGRES&search_path=$SCHEMA" ;; *) DB="$APTGRAPH_TEST_POSTGRES?search_path=$SCHEMA" ;; esac ;;
*)
	echo "loadtest: engine must be sqlite or postgres" >&2; exit 2 ;;
esac

echo "== fill: $N objects into $ENGINE"
time go run ./scripts/fill --db "$DB" --n "$N"
fi
TOKEN=$("$W/aptgraph" token create --db "$DB" --name loadtest --collection load --read --max-tlp "$TLP" --json |
	sed -n 's/.*"secret": *"\([^"]*\)".*/\1/p')
export TOKEN

"$W/aptgraph" serve --db "$DB" --addr 127.0.0.1:0 --cache-mb "${CACHE_MB:-512}" 2>"$W/serve.log" &
SERVER_PID=$!
for _ in $(seq 100); do grep -q "serving TAXII" "$W/serve.log" && break; sleep 0.1; done
BASE=$(sed -n 's|.*serving TAXII 2.1 on \(http://[^/]*\)/taxii2/.*|\1|p' "$W/serve.log")
[ -n "$BASE" ] || { cat "$W/serve.log" >&2; exit 1; }
URL="$BASE/taxii2/api1/collections/load/objects/"

echo "== warm-up"
wrk -t1 -c1 -d3s -s scripts/taxii-pages.lua "$URL" >/dev/null
echo "== wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency ($ENGINE, $N objects, pages of $LIMIT, token TLP:$TLP)"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s scripts/taxii-pages.lua "$URL"
