#!/usr/bin/env bash
# Push versus pull on a fresh server: starts the release `pushcast serve` on a scratch copy
# of channels/ (any free port, a scratch database), runs
#   pushcast compare pushcast-demo --publish-demo --duration ${DURATION:-30} [--pollers N] [--poll-interval S]
# against it, and stops it. Extra arguments go to `pushcast compare`.
set -euo pipefail
cd "$(dirname "$0")/.."
binary=.build/release/pushcast
scratch=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$scratch"' EXIT
cp -r channels "$scratch/channels"
"$binary" serve --channels "$scratch/channels" --db "$scratch/db.sqlite" --port 0 --log-level warning \
  > "$scratch/serve.out" 2> "$scratch/serve.err" &
server=$!
for _ in $(seq 1 100); do
  url=$(sed -n 's/.* at \(http:[^ ]*\)$/\1/p' "$scratch/serve.out")
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "${url:-}" ] || { echo "the server did not start:"; cat "$scratch/serve.err"; exit 1; }
echo "$(uname -m), $(nproc) cores, $(date -u +%Y-%m-%d); server $url"
"$binary" compare pushcast-demo --publish-demo --channels "$scratch/channels" --server "$url" \
  --duration "${DURATION:-30}" "$@"
