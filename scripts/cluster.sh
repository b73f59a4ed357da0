#!/bin/sh
# Three `pushcast serve` nodes on one PostgreSQL, for a person to try (docs/CLUSTER.md):
# node A watches CHANNELS (default: channels) and logs; nodes B and C serve only. Run by
# `make cluster` beside a throwaway database (Tests/support/with-postgres.sh), or with
# PUSHCAST_DB set to a database of your own. Ctrl-C stops the three nodes.
set -eu

db=${PUSHCAST_DB:-${PUSHCAST_TEST_POSTGRES:-}}
if [ -z "$db" ]; then
    echo "Give the database: PUSHCAST_DB=postgres://user@host:5432/database $0 (or run \`make cluster\`)." >&2
    exit 2
fi
pushcast=${PUSHCAST:-.build/release/pushcast}
channels=${CHANNELS:-channels}
base_port=${PORT:-8081}
logs=$(mktemp -d "${TMPDIR:-/tmp}/pushcast-cluster.XXXXXX")
pids=""

stop_nodes() {
    for pid in $pids; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in $pids; do wait "$pid" 2>/dev/null || true; done
    echo "The nodes stopped; their logs are in $logs."
}
trap stop_nodes EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

start_node() { # NAME PORT ARGS…
    name=$1 port=$2
    shift 2
    "$pushcast" serve --db "$db" --channels "$channels" --port "$port" "$@" >"$logs/$name.out" 2>"$logs/$name.log" &
    pids="$pids $!"
}

start_node a "$base_port"
start_node b "$((base_port + 1))" --serve-only
start_node c "$((base_port + 2))" --serve-only
for name in a b c; do
    tries=0
    until grep -q " at http://" "$logs/$name.out" 2>/dev/null; do
        tries=$((tries + 1))
        if [ "$tries" -gt 300 ]; then
            echo "Node $name did not start; its log follows:" >&2
            cat "$logs/$name.log" >&2
            exit 1
        fi
        sleep 0.1
    done
done

cat <<TEXT
Three nodes share $db:
  A  http://127.0.0.1:$base_port/  watches $channels/ and logs what changes
  B  http://127.0.0.1:$((base_port + 1))/  serves only
  C  http://127.0.0.1:$((base_port + 2))/  serves only
Try: curl -N http://127.0.0.1:$((base_port + 1))/channels/worldnews/stream?since=0   (a reader on B)
     then edit a file in $channels/ (node A logs it; B pushes it at once).
     pushcast read --server http://127.0.0.1:$((base_port + 1)),http://127.0.0.1:$((base_port + 2)) worldnews
     moves to C when B is stopped (kill the pid of B below).
Nodes' pids: $pids   logs: $logs
Ctrl-C stops all three.
TEXT
wait
