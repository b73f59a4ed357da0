#!/bin/sh
# Runs CMD… beside a throwaway PostgreSQL: a fresh cluster (initdb) in a temp folder, on a
# free loopback port, with a database `pushcast` whose URL is in PUSHCAST_TEST_POSTGRES.
# The cluster is stopped (and its postmaster waited for) and its folder removed when CMD
# ends, fails or is interrupted. The exit status is CMD's.
#   Tests/support/with-postgres.sh swift test --skip-build
set -eu

if [ $# -eq 0 ]; then
    echo "Give the command to run beside PostgreSQL, e.g.: $0 swift test --skip-build" >&2
    exit 2
fi
bin=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ] || [ ! -x "$bin/pg_ctl" ]; then
    echo "PostgreSQL is not installed: run \`make deps\` or \`apt-get install -y postgresql\`, then try again." >&2
    exit 1
fi

# The server runs as `postgres` when we are root (it refuses to run as root), else as us.
if [ "$(id -u)" = 0 ]; then as_server() { runuser -u postgres -- "$@"; }; else as_server() { "$@"; }; fi

folder=$(mktemp -d "${TMPDIR:-/tmp}/pushcast-pg.XXXXXX")
[ "$(id -u)" = 0 ] && chown postgres "$folder"
data="$folder/data"
postmaster=""

stop_cluster() {
    if [ -f "$data/postmaster.pid" ]; then
        postmaster=$(head -n 1 "$data/postmaster.pid")
        as_server "$bin/pg_ctl" stop -D "$data" -m fast -s >/dev/null 2>&1 || true
        while [ -n "$postmaster" ] && kill -0 "$postmaster" 2>/dev/null; do sleep 0.1; done
    fi
    rm -rf "$folder"
}
trap stop_cluster EXIT
# Interrupted: CMD is stopped first (a background command ignores Ctrl-C), then the cluster.
child=""
interrupted() {
    [ -n "$child" ] && kill -TERM "$child" 2>/dev/null && wait "$child"
    exit "$1"
}
trap 'interrupted 130' INT
trap 'interrupted 143' TERM

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

if ! as_server "$bin/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --no-sync >"$folder/initdb.log" 2>&1; then
    echo "A throwaway PostgreSQL cluster could not be created (initdb); its output follows:" >&2
    cat "$folder/initdb.log" >&2
    exit 1
fi
started=""
for attempt in 1 2 3; do
    port=$(free_port)
    if as_server "$bin/pg_ctl" start -D "$data" -l "$folder/server.log" -w -s \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $folder -c fsync=off"; then
        started=yes
        break
    fi
done
if [ -z "$started" ]; then
    echo "The throwaway PostgreSQL did not start; its log follows:" >&2
    cat "$folder/server.log" >&2
    exit 1
fi
as_server "$bin/createdb" -h "$folder" -p "$port" -U postgres pushcast

export PUSHCAST_TEST_POSTGRES="postgres://postgres@127.0.0.1:$port/pushcast"
"$@" &
child=$!
status=0
wait "$child" || status=$?
exit $status
