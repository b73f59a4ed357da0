#!/usr/bin/env bash
# `make bench`: every benchmark on the release build, and BENCHMARKS.md rewritten with
# their results (the machine, the date, the commands and the tables).
#   1. fan-out: Pushcast (channel streams, subscriber streams, two nodes sharing one
#      PostgreSQL) and nginx + nchan side by side at 1,000 and 10,000 readers, then a
#      reconnect storm of 5,000 subscribers; Pushcast and nchan at 1,000 again, three runs
#      each, with their medians; then Pushcast and nchan again, three times each,
#      with Python asyncio readers at 1,000 and 5,000, and at 1,000 with both servers on
#      one core;
#   2. push versus pull: pushcast compare with 10 RSS pollers at 1 s and at 5 s;
#   3. file rename -> logged -> received, one reader;
#   4. what the server spends besides the fan-out: the publish thread's CPU per publication
#      by the manifest's length, and the event loops' CPU per second with idle streams.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "fan-out (a few minutes) …" >&2
# Beside a throwaway PostgreSQL, for the row of two nodes sharing one.
Tests/support/with-postgres.sh python3 Benchmarks/fanout.py --readers 1000 10000 --subscribers --cluster --idle --probe \
  --storm 5000 --output "$out/fanout.md"
echo "fan-out at 1,000 C readers, three runs of each server …" >&2
python3 Benchmarks/fanout.py --readers 1000 --only pushcast nchan --runs 3 --output "$out/c1000.md"
echo "fan-out with Python asyncio readers (a few minutes) …" >&2
python3 Benchmarks/fanout.py --client asyncio --readers 1000 5000 --only pushcast nchan --items 20 --rate 2 --runs 3 \
  --timeline --output "$out/asyncio.md"
echo "where the asyncio readers waited for a core (perf sched) …" >&2
mountpoint -q /sys/kernel/tracing || mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null || true
python3 Benchmarks/fanout.py --client asyncio --readers 1000 --only pushcast nchan --items 20 --rate 2 --sched \
  --output "$out/sched.md"
echo "the same with both servers on one core …" >&2
python3 Benchmarks/fanout.py --client asyncio --readers 1000 --only pushcast nchan --items 20 --rate 2 --runs 2 \
  --timeline --server-cpus 1 --output "$out/onecore.md"
echo "push versus pull, 1 s polls …" >&2
DURATION=30 Benchmarks/compare_demo.sh --pollers 10 --poll-interval 1 > "$out/pull1.txt"
echo "push versus pull, 5 s polls …" >&2
DURATION=60 Benchmarks/compare_demo.sh --pollers 10 --poll-interval 5 > "$out/pull5.txt"
echo "rename latency …" >&2
python3 Benchmarks/rename_latency.py > "$out/rename.txt"
echo "the publish thread by manifest length, and idle streams …" >&2
python3 Benchmarks/publish_cost.py > "$out/publish.md"
python3 Benchmarks/idle_streams.py --streams 1000 10000 --seconds 30 --runs 2 > "$out/idle.md"
{
  echo "# Benchmarks"
  echo
  echo "Written by \`make bench\` (\`Benchmarks/bench.sh\`) on $(date -u '+%Y-%m-%d %H:%M UTC'), commit"
  echo "$(git rev-parse --short HEAD 2>/dev/null || echo unknown), release build; $(nproc) cores,"
  echo "$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) of memory, $(uname -sr). Everything runs on this one machine,"
  echo "over loopback: servers, readers and publishers share the same cores."
  echo
  echo "## Fan-out: Pushcast beside nginx + nchan"
  echo
  echo "\`python3 Benchmarks/fanout.py --readers 1000 10000 --subscribers --cluster --idle --probe --storm 5000\` (beside a throwaway PostgreSQL). N multipart readers (one epoll loop per"
  echo "5,000, \`Benchmarks/fanout_client.c\`) on one channel; items published at a fixed rate,"
  echo "each carrying its send time. Pushcast's are published the real way, a manifest rewrite"
  echo "renamed into \`channels/\`, so its delay includes noticing the file, parsing it and"
  echo "committing the item (\"manifest\" under \"File rename to reader\" below). nchan's are a POST to its publisher"
  echo "location, whose body is the item's JSON as a Pushcast reader gets it (the probe's too), so that"
  echo "every server carries the same item, each in its own framing (\"bytes per message\"). Every server run starts after a \`sync\`, so that none pays for the build's"
  echo "or another run's writeback, and keeps its folders (Pushcast's channels/ and database, nginx's temporary"
  echo "folders) in /dev/shm, a tmpfs: the benchmark measures the fan-out, not this machine's disk. On the disk, the"
  echo "publisher's own writes and rename once took 143 and 240 ms in the middle of a run, which only Pushcast's rows"
  echo "pay (nchan's messages are in memory); each Pushcast row's note says how long the writes before the rename took (every delay includes them) and the rename (whose time also holds whatever the kernel ran on the publisher's core before the call returned: the server's publish thread it woke, often the fan-out). Memory per stream is the server's resident memory after the readers"
  echo "connected, less before, over the readers. Server CPU per item is the server's CPU from"
  echo "the first item's publication until a second after the last's, over the items (each"
  echo "process's CPU-time clock, to the nanosecond, all its threads; not /proc's hundredths of a second): what"
  echo "fanning an item out to all readers costs; per delivered message is that over the"
  echo "readers. Server CPU per connection opened is what the server spends from the readers starting"
  echo "until a second after the last response head, over the connections: accepting each, reading its"
  echo "request and answering it with the stream's head and opening (docs/PUSH.md, \"Opening a stream\")."
  echo "Server CPU per connection closed is what the server spends after the readers"
  echo "leave (each closes its connections) until it has closed its side of every one, over the"
  echo "connections: a cost per connection, not per item, so it has a column of its own. Bytes"
  echo "per message is what a reader read per item, framing included. The row \"write(2) loop in C (the floor)\" is"
  echo "\`Benchmarks/write_floor.c\`: the same number of write(2) calls of the first row's size to as"
  echo "many loopback sockets, and nothing else: what the kernel alone charges for the fan-out on"
  echo "this machine. Client CPU is the load generator's own CPU for the whole run. Each row's note"
  echo "says how long the readers' processes waited for a core while runnable, per item: the kernel's"
  echo "own run-queue time (\`/proc/thread-self/schedstat\`), read by each reader process once its"
  echo "readers are connected and at the end. A reader kept from a core is late whatever the server did. The row"
  echo "\"Pushcast, idle connections\" holds the same number of connections after one"
  echo "\`GET /healthz\` each, without a stream: what a connection served by Hummingbird costs"
  echo "(a stream that opens its connection is served on SwiftNIO directly, docs/PUSH.md)."
  echo "The row \"SwiftNIO probe\" is \`Benchmarks/NIOStreamProbe\`: bare multipart streams on"
  echo "SwiftNIO, with no store, no checks and no stats, published by a POST like nchan's: the"
  echo "floor of SwiftNIO's own write path on this machine. The row \"Pushcast, subscriber streams\""
  echo "is the durable path every terminal reader uses: each reader its own subscriber (made"
  echo "beforehand), reading \`/subscribers/<sid>/stream\`, whose cursors the server confirms and"
  echo "writes back in batches; the note under the table says how soon every stored cursor reached"
  echo "the last item after the readers' connections closed. The row \"Pushcast, two nodes on PostgreSQL\""
  echo "is two nodes sharing one PostgreSQL ([docs/CLUSTER.md](docs/CLUSTER.md)): node A watches"
  echo "\`channels/\` and logs, node B serves only; half the readers read each. Its memory and CPU are"
  echo "both nodes' together, and its delay includes B hearing of the item (a notification, then a read)."
  echo
  cat "$out/fanout.md"
  echo
  echo "### 1,000 C readers, three runs of each server"
  echo
  echo "\`python3 Benchmarks/fanout.py --readers 1000 --only pushcast nchan --runs 3\`: the 1,000-reader rows of"
  echo "Pushcast and nginx + nchan again, three runs of each, alternating, each server fresh, then each"
  echo "server's medians, figure by figure. At 1,000 readers a run's p99 moves by more from run to run"
  echo "than the two servers differ (three \`make bench\` runs of one build on 2026-12-06 had Pushcast's at"
  echo "8.4, 9.0 and 9.2 ms and nchan's at 10.3, 8.6 and 7.6), so it is the medians that compare them,"
  echo "as in the asyncio rows below."
  echo
  cat "$out/c1000.md"
  echo
  echo "## Fan-out with Python asyncio readers"
  echo
  echo "\`python3 Benchmarks/fanout.py --client asyncio --readers 1000 5000 --only pushcast nchan --items 20 --rate 2 --runs 3 --timeline\`:"
  echo "the same benchmark with readers written the everyday way, \`Benchmarks/fanout_asyncio.py\`"
  echo "(an asyncio Protocol per stream, one event loop per 2,500 readers), sharing the two cores"
  echo "with the server; three runs of each server, alternating, each server fresh, then each server's medians. The readers' own"
  echo "Python work is most of each delay here, so a server's CPU shows in them as the time it"
  echo "takes from the readers. Where the fan-out runs matters too: Pushcast writes to its streams"
  echo "from an event loop per core; nginx fans out from the worker that accepted each connection,"
  echo "and the notes under the table say how it spread them. A worker holding them all fans out on"
  echo "one core and leaves the other to the readers. Each note ends with how an item spread over"
  echo "its readers (\`--timeline\`): when the first had it, then 10, 50 and 90 % of them, and the"
  echo "readers' pace per message between 10 and 90 %, which is the readers' own work plus any"
  echo "time the server's threads took their core; then the same for the slowest item (late from"
  echo "its start, or slow to spread). The readers' run-queue time in each note is how long the"
  echo "server's threads (and anything else) kept the reader process from a core: the readers'"
  echo "own work per item is the same for both servers, so this wait is most of what sets their"
  echo "rows apart (docs/PUSH.md, \"Readers on the server's cores\")."
  echo
  cat "$out/asyncio.md"
  echo
  echo "### Where the readers waited for a core"
  echo
  echo "\`python3 Benchmarks/fanout.py --client asyncio --readers 1000 --only pushcast nchan --items 20 --rate 2 --sched\`:"
  echo "one more run of each, with \`perf sched record\` on every CPU while the items are published"
  echo "(it costs some CPU of its own, so these rows are not the ones above). The notes say how"
  echo "long the readers' process waited for a core, runnable, per item, and for how much of that"
  echo "another core was idle: a reader woken by a write is placed on the writer's core, and this"
  echo "machine's kernel is slow to move either away (docs/PUSH.md, \"Readers on the server's cores\")."
  echo
  cat "$out/sched.md"
  echo
  echo "### Both servers on one core"
  echo
  echo "\`python3 Benchmarks/fanout.py --client asyncio --readers 1000 --only pushcast nchan --items 20 --rate 2 --runs 2 --timeline --server-cpus 1\`:"
  echo "the 1,000-reader rows again with each server confined to the second core (\`taskset -c 1\`:"
  echo "all its threads, nginx's workers too), the readers and the publisher left to the kernel,"
  echo "which mostly puts them on the other core. It shows how much of the rows above is where the"
  echo "readers ran rather than what the server spent: with two cores to itself Pushcast fans out"
  echo "from both, and these readers need one core whole (docs/PUSH.md, \"Readers on the server's cores\")."
  echo
  cat "$out/onecore.md"
  echo
  echo "## Push versus pull"
  echo
  echo "\`Benchmarks/compare_demo.sh --pollers 10 --poll-interval 1\` (30 s), then \`--poll-interval 5\` (60 s)."
  echo "See [docs/PULL.md](docs/PULL.md) for what is measured."
  echo
  echo '```'
  cat "$out/pull1.txt"
  echo
  cat "$out/pull5.txt"
  echo '```'
  echo
  echo "## File rename to reader"
  echo
  echo "\`python3 Benchmarks/rename_latency.py\`: one reader; a content file renamed into place"
  echo "(the watcher waits its 10 ms quiet time, in case the manifest follows), then a manifest"
  echo "with a new item renamed into place (which ends the watcher's burst at once)."
  echo
  echo '```'
  cat "$out/rename.txt"
  echo '```'
  echo
  echo "## What the server spends besides the fan-out"
  echo
  echo "\`python3 Benchmarks/publish_cost.py\`: 20 items published the real way onto a manifest of N"
  echo "local items (each with a title and an abstract), no readers, each waited for in the log; the"
  echo "publish thread's own CPU (the thread \`pushcast-pub\`, its \`schedstat\` run time) per publication:"
  echo "reading the file events, reading, parsing and locating the whole manifest, the check, the"
  echo "store's transaction, the hand-over to the hub."
  echo
  cat "$out/publish.md"
  echo
  echo "\`python3 Benchmarks/idle_streams.py --streams 1000 10000 --seconds 30 --runs 2\`: N streams open, nothing"
  echo "published; the event loops' CPU per second over 30 s, which hold one heartbeat for every stream:"
  echo "what the ticker's visits and the heartbeats cost (docs/PUSH.md)."
  echo
  cat "$out/idle.md"
} > BENCHMARKS.md
echo "BENCHMARKS.md written" >&2
