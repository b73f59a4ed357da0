#!/usr/bin/env python3
"""Fan-out benchmark: Pushcast and nginx + nchan, side by side, on loopback.

For each reader count, for each server in turn (alternating, fresh each time):
  1. start it on a free port (Pushcast: the release binary on a scratch channels/ folder and
     database; nchan: Debian's nginx with libnginx-mod-nchan and a generated config);
  2. connect N multipart readers (fanout_client.c: one epoll loop per process, raw sockets)
     spread over several processes, and read the server's resident memory before and after;
  3. publish M items at a fixed rate by the real path (Pushcast: a manifest rewrite in
     channels/, renamed into place; nchan: a POST to its publisher location of the item's
     JSON as a Pushcast reader gets it), each carrying its send time ("sent@<ns>;"), and read the server's CPU time before the first and a
     second after the last (the fan-out's cost per item);
  4. let the readers leave (each closes its connections), wait until the server has closed
     its side of every one, and read the server's CPU time again (the cost per connection
     closed, a cost of its own: counted per item, it would depend on how many items a run
     publishes);
  5. collect every (reader, item) delay, when each item reached its last reader (each row's
     note gives the median item's time and the slowest's: one late item or a broad tail;
     for Pushcast also how long the publisher's own file writes took before the rename, and
     the rename, and the writes for the slowest item: a late item whose writes were slow
     waited for the file system), the load generator's own CPU, and how long each reader
     process waited for a core while runnable (the kernel's run-queue time, which each reads
     from /proc/thread-self/schedstat once its readers are all connected, a second before the
     first item, and at the end), per item.

Prints one row per server and reader count, and writes them into BENCHMARKS.md.

With --subscribers, a row of Pushcast subscriber streams: each reader its own subscriber
(made beforehand, subscribed to the channel with no initial items), reading
`/subscribers/<sid>/stream`; after the readers close, how long until every stored cursor
has reached the last item (each is confirmed once its reader has acknowledged it).

With --cluster, a row of two Pushcast nodes sharing one PostgreSQL (the database named by
PUSHCAST_TEST_POSTGRES's server, as `make bench` runs this beside a throwaway one,
Tests/support/with-postgres.sh): node A watches channels/ and logs, node B serves only; half
the readers read A, half read B. Memory and CPU are both nodes' together.

With --client asyncio, the readers are Benchmarks/fanout_asyncio.py (Python asyncio, one
event loop per 2,500 readers) instead of the C client: readers as everyday code writes them,
sharing the cores with the server. With --runs N, every server is measured N times,
alternating, each run fresh, and a row of each server's medians follows its runs.

With --sched, `perf sched record` runs on every CPU while the items are published, and each
row's note says how long the readers' processes waited, runnable, for a core per item, and
how much of that wait another core was idle (root and linux-perf needed; see `SchedTrace`).

With --timeline, each row's note also says how an item spread over its readers (medians over
the items): when its first reader had it, its tenth, fiftieth and ninetieth percentile, and
how long the readers took per message between the tenth and the ninetieth (a reader that
is its own bottleneck shows its own pace there); then the same for the slowest item, which
tells an item that started late from one that spread slowly.

With --server-cpus LIST, every server runs on those cores only (`taskset -c LIST`: all its
threads, nginx's workers too), and the readers and the publisher wherever the kernel puts
them: how much of a row is where the readers ran (docs/PUSH.md, "Readers on the server's
cores").

With --storm N, a reconnect storm: N subscribers read; while items keep coming, the server
is stopped (SIGTERM) and started again on the same database; every reader reconnects at
once with its cursors. It reports the time from the new server's start until every reader
has every item published before it, and the items lost (must be 0); when any are lost, it
names the readers that ended short: the items each missed and how each of its connections
went (when it connected and ended, how, the response's status, what it read).

  python3 Benchmarks/fanout.py [--readers 1000 10000] [--items 40] [--rate 4] [--subscribers] [--storm 5000]
"""
from __future__ import annotations

import argparse
import array
import bisect
import http.client
import json
import sqlite3
import threading
import os
import platform
import re
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PUSHCAST = ROOT / ".build" / "release" / "pushcast"  # --binary chooses another
WINDOW: int | None = None  # --window: Pushcast's manifest lists only the newest N items
SCHED = False  # --sched: where the readers waited for a core (`SchedTrace`), in each row's note
TIMELINE = False  # --timeline: how each item spread over its readers, in each row's note
PROBE = ROOT / ".build" / "release" / "nio-stream-probe"
CLIENT_SOURCE = ROOT / "Benchmarks" / "fanout_client.c"
ASYNCIO_CLIENT = ROOT / "Benchmarks" / "fanout_asyncio.py"
FLOOR_SOURCE = ROOT / "Benchmarks" / "write_floor.c"
NCHAN_MODULE = "/usr/lib/nginx/modules/ngx_nchan_module.so"
PER_PROCESS = 5000  # readers per C client process
SCRATCH: Path | None = None  # --scratch: where each run's folders go (None: the system's temp folder)
SERVER_CPUS: str | None = None  # --server-cpus: the cores the servers may run on (taskset -c), None for all


def memory_folder() -> Path | None:
    """/dev/shm when it is a tmpfs (memory), else None. Each run's folders go there: the
    benchmark measures the fan-out, not this machine's disk. On the VM's ext4 the
    publisher's own writes and rename once took 143 and 240 ms in the middle of 1,000-reader
    runs, after a release build (2026-12-05, the row notes of `--readers 1000 --only pushcast
    nchan --runs 3`): a stall that lands on Pushcast's rows alone, since nchan keeps its
    messages in memory and its publisher writes no file."""
    with open("/proc/mounts") as mounts:
        for line in mounts:
            fields = line.split()
            if len(fields) > 2 and fields[1] == "/dev/shm" and fields[2] == "tmpfs" and os.access("/dev/shm", os.W_OK):
                return Path("/dev/shm")
    return None


@dataclass
class Client:
    """The readers' program: the C client (one epoll loop per 5,000 readers) or the Python
    asyncio one (one event loop per 2,500); both take the same arguments and print the same."""
    command: list[str]
    per_process: int


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def raise_fd_limit() -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


def resident_kib(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total


def cpu_seconds(pids: list[int]) -> float:
    """The processes' CPU time, all their threads (ended ones too), to the nanosecond: each
    process's CPU-time clock (clock_getcpuclockid's id: ~pid << 3 | CPUCLOCK_SCHED). The
    clock ticks of /proc/PID/stat count in hundredths of a second, 2.5 % of a 1,000-reader
    run's whole CPU."""
    total = 0.0
    for pid in pids:
        total += time.clock_gettime((~pid << 3) | 2)
    return total


def established_connections(pids: list[int]) -> list[int]:
    """How many established TCP connections each process holds (sockets in /proc/PID/fd
    matched against the ESTABLISHED rows of /proc/net/tcp)."""
    established = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "01":
                established.add(fields[9])
    counts = []
    for pid in pids:
        count = 0
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:[") and target[8:-1] in established:
                count += 1
        counts.append(count)
    return counts


def open_sockets(pids: list[int]) -> int:
    """How many sockets the processes hold open (listening, connected, or closing)."""
    count = 0
    for pid in pids:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                count += os.readlink(fd).startswith("socket:[")
            except OSError:
                continue
    return count


def item_json(port: int, seq: int, title: str) -> bytes:
    """The JSON a Pushcast reader gets for the `seq`th item of the benchmark's channel (SPEC
    §3.1: the item's fields, keys sorted): what the probe and nchan are given to publish, so
    that every server carries the same item to its readers, each in its own framing. (Until
    2026-12-05 their body was the send time alone: 169 bytes a message on nchan's wire
    against Pushcast's 461.)"""
    now = time.time()
    published = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + f".{int(now * 1000) % 1000:03d}Z"
    return json.dumps({
        "abstract": None, "channel": "bench", "contentLength": None, "contentType": None, "event": "new",
        "href": f"http://127.0.0.1:{port}/channels/bench/items/{seq}/content", "id": f"bench/{seq}.html",
        "lastmod": None, "precache": False, "publishedAt": published, "revision": 1, "section": [],
        "seq": seq, "title": title}, sort_keys=True, separators=(",", ":")).encode()


def post_item(port: int, path: str, seq: int) -> None:
    """Publishes the `seq`th item, carrying its send time, by a POST of its JSON (the probe's
    and nchan's way)."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", data=item_json(port, seq, f"sent@{time.time_ns()};"), method="POST")
    urllib.request.urlopen(request, timeout=5).read()


def children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def on_server_cpus(command: list[str]) -> list[str]:
    """`command` confined to --server-cpus (its threads and children, nginx's workers too)."""
    return ["taskset", "-c", SERVER_CPUS] + command if SERVER_CPUS else command


def stop(process: subprocess.Popen) -> bool:
    """SIGTERM, and SIGKILL if it is still there after 10 s; whether it stopped by itself."""
    process.terminate()
    try:
        process.wait(timeout=10)
        return True
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        return False


# One line of `perf sched timehist --state`: when a task left a CPU, the CPU, the task, how
# long it had waited before it ran, how much of that after a wake-up (the scheduling delay),
# how long it ran (ms), and its state as it left (R, or W for one being woken as it left:
# still runnable).
TIMEHIST = re.compile(r"^\s*(\d+\.\d+)\s+\[(\d+)\]\s+(.+?)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+(\S+)\s*$")


class SchedTrace:
    """`perf sched record` of every CPU while the items are published (--sched): how long
    the readers' processes waited for a core while runnable, and for how much of that wait
    another core sat idle. A socket's reader woken by a write is placed on the writer's core
    (the wake-up is a synchronous one); unless the kernel moves one of the two, they take
    turns there while the other core idles, time that no server's own speed gives back."""

    def __init__(self, path: Path, seconds: float) -> None:
        self.path = path
        self.process = subprocess.Popen(
            ["perf", "sched", "record", "-a", "-o", str(path), "--", "sleep", f"{seconds:.1f}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def summary(self, readers: set[int], items: int) -> str:
        if self.process.wait() != 0 or not self.path.exists():
            return "where the readers waited: not measured (`perf sched record` needs linux-perf, root and tracefs)"
        text = subprocess.run(["perf", "sched", "timehist", "--state", "-i", str(self.path)],
                              capture_output=True, text=True).stdout
        idle: dict[int, list[tuple[float, float]]] = {}
        waits: list[tuple[int, float, float]] = []
        preempted: set[int] = set()  # threads that left their CPU still runnable
        for line in text.splitlines():
            match = TIMEHIST.match(line)
            if not match:
                continue
            end, cpu, task = float(match[1]), int(match[2]), match[3]
            waited, delay, ran = (float(match[n]) / 1000 for n in (4, 5, 6))
            if task.startswith("<idle>"):
                idle.setdefault(cpu, []).append((end - ran, end))
                continue
            ids = re.search(r"\[(\d+)(?:/(\d+))?\]$", task)
            if not ids or int(ids[2] or ids[1]) not in readers:
                continue
            thread = int(ids[1])
            # Preempted, it waited runnable all along; woken, from its wake-up on.
            runnable = waited if thread in preempted else delay
            if runnable > 0:
                waits.append((cpu, end - ran - runnable, end - ran))
            if match[7][0] in "RW":
                preempted.add(thread)
            else:
                preempted.discard(thread)
        waited = sum(until - since for _, since, until in waits)
        elsewhere = {cpu: merged([span for other, spans in idle.items() if other != cpu for span in spans])
                     for cpu in {cpu for cpu, _, _ in waits}}
        stranded = sum(overlap(since, until, elsewhere[cpu]) for cpu, since, until in waits)
        return (f"the readers waited for a core {waited * 1000 / items:.1f} ms per item, "
                f"{stranded * 1000 / items:.1f} ms of it while another core was idle (`perf sched`)")


def slowest(last_reader: dict[int, int]) -> str:
    """How long the items took to reach their last reader: the median item and the slowest.
    A p99 far above the median item's time is then one late item, not a broad tail."""
    if not last_reader:
        return ""
    delays = sorted((last - sent) / 1e6 for sent, last in last_reader.items())
    return (f"the median item reached its last reader after {delays[len(delays) // 2]:.1f} ms, "
            f"the slowest after {delays[-1]:.1f} ms")


def spread_over_readers(paths: list[Path]) -> str:
    """How items spread over their readers (--timeline), from the clients' (send ns, delay us)
    pairs: medians over the items of the first, 10th, 50th and 90th percentile delivery, and
    of the readers' time per message between the 10th and the 90th; then the same for the
    item whose last reader had it last (late from its start, or slow to spread)."""
    pairs = array.array("Q")
    for path in paths:
        pairs.frombytes(path.read_bytes())
    by_item: dict[int, list[int]] = {}
    for index in range(0, len(pairs), 2):
        by_item.setdefault(pairs[index], []).append(pairs[index + 1])
    if not by_item:
        return ""
    rows = []
    for delays in by_item.values():
        delays.sort()
        at = lambda fraction: delays[min(len(delays) - 1, int(len(delays) * fraction))] / 1000  # noqa: E731
        pace = (at(0.9) - at(0.1)) * 1000 / max(1, int(len(delays) * 0.9) - int(len(delays) * 0.1))
        rows.append((delays[0] / 1000, at(0.1), at(0.5), at(0.9), pace, delays[-1] / 1000))
    median = lambda column: sorted(row[column] for row in rows)[len(rows) // 2]  # noqa: E731
    latest = max(rows, key=lambda row: row[5])
    return (f"per item, the first reader had it after {median(0):.1f} ms, 10 % after {median(1):.1f}, "
            f"50 % after {median(2):.1f}, 90 % after {median(3):.1f} (medians over the items), "
            f"{median(4):.1f} µs per message between 10 and 90 %; the slowest item: {latest[0]:.1f}, "
            f"{latest[1]:.1f}, {latest[2]:.1f}, {latest[3]:.1f} ms, {latest[4]:.1f} µs per message")


def merged(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """The union of `spans`, as sorted spans that do not overlap."""
    union: list[tuple[float, float]] = []
    for since, until in sorted(spans):
        if union and since <= union[-1][1]:
            union[-1] = (union[-1][0], max(union[-1][1], until))
        else:
            union.append((since, until))
    return union


def overlap(since: float, until: float, union: list[tuple[float, float]]) -> float:
    """How much of [since, until] the sorted spans of `union` cover."""
    first = max(0, bisect.bisect_right(union, (since, since)) - 1)
    covered = 0.0
    for start, end in union[first:]:
        if start >= until:
            break
        covered += max(0.0, min(end, until) - max(start, since))
    return covered


@dataclass
class Row:
    server: str
    readers: int
    connected: int
    connect_ms: float
    delivered: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    kib_per_stream: float
    server_cpu_ms_per_item: float
    client_cpu_ms: float
    # The server's CPU from the readers leaving until it has closed every connection, per connection.
    server_cpu_us_per_close: float
    items: int
    note: str = ""
    # What a reader read per delivered item, on average (the part with its framing).
    bytes_per_message: float = float("nan")
    # The server's CPU from the readers starting until a second after the last response head,
    # per connection: accepting it, reading its request, and answering with the stream's head.
    server_cpu_us_per_open: float = float("nan")

    @property
    def server_cpu_us_per_delivery(self) -> float:
        return self.server_cpu_ms_per_item * 1000 / self.readers


class Pushcast:
    name = "Pushcast"
    publishes = True

    def __init__(self, scratch: Path, readers: int) -> None:
        self.scratch = scratch
        self.channels = scratch / "channels"
        self.channels.mkdir()
        self.port = free_port()
        self.count = 0
        self.titles: dict[int, str] = {}
        # An item's send time (ns) -> how long its files' writes took before the rename, and the rename (ms).
        self.file_ms: dict[int, tuple[float, float]] = {}
        self.publish_item("warm-up")  # the channel exists before readers come
        self.start()
        self.wait_logged(1)
        self.path = f"/channels/bench/stream?since={self.count}"
        self.header = ""

    # How many client processes at least (each reads one node).
    min_processes = 1

    def start(self) -> None:
        self.process = self.serve(self.port, ["--db", str(self.scratch / "db.sqlite")])
        self.pids = [self.process.pid]

    def serve(self, port: int, arguments: list[str]) -> subprocess.Popen:
        """A release server on `port`, once it listens."""
        process = subprocess.Popen(
            on_server_cpus([str(PUSHCAST), "serve", "--channels", str(self.channels), "--port", str(port),
                            "--log-level", "warning", "--max-streams", "100000", "--initial-items", "0",
                            "--registration-rate", "0"] + arguments),
            stdout=subprocess.PIPE, stderr=open(self.scratch / "serve.err", "ab"))
        line = process.stdout.readline().decode()
        if " at http" not in line:
            raise RuntimeError(f"pushcast did not start: {line!r} {(self.scratch / 'serve.err').read_text()[-2000:]}")
        return process

    def wait_logged(self, count: int) -> None:
        deadline = time.time() + 20
        while time.time() < deadline:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/channels/bench/items?since=0&limit=1", timeout=5) as r:
                if b'"lastSeq":%d' % count in r.read():
                    return
            time.sleep(0.02)
        raise RuntimeError("the warm-up item was not logged")

    def publish_item(self, title: str) -> float:
        """Writes the next item's file and the manifest that lists it, renamed into place;
        returns when (`time.perf_counter()`) the rename began."""
        self.count += 1
        (self.channels / "bench").mkdir(exist_ok=True)
        (self.channels / "bench" / f"{self.count}.html").write_text(f"<p>{self.count}</p>")
        self.titles[self.count] = title
        items = "".join(
            f'<ITEM HREF="bench/{n}.html" PRECACHE="NO"><TITLE>{self.titles[n]}</TITLE></ITEM>'
            for n in range(1 if WINDOW is None else max(1, self.count - WINDOW + 1), self.count + 1))
        temporary = self.channels / ".bench.cdf.tmp"
        temporary.write_text(f'<?xml version="1.0"?>\n<CHANNEL><TITLE>Bench</TITLE>{items}</CHANNEL>\n')
        renaming = time.perf_counter()
        os.replace(temporary, self.channels / "bench.cdf")
        return renaming

    def publish(self) -> None:
        sent = time.time_ns()
        started = time.perf_counter()
        renaming = self.publish_item(f"sent@{sent};")
        self.file_ms[sent] = ((renaming - started) * 1000, (time.perf_counter() - renaming) * 1000)

    def publishing(self, last_reader: dict[int, int]) -> str:
        """How long the publisher's own file writes took before the rename, which every delay
        includes, and the rename: an item late at every reader whose writes were slow waited
        for the file system, not for the server. The rename's time also holds whatever ran on
        the publisher's core before the call returned (the server's publish thread, woken by
        it, and often the fan-out): a long one is not by itself a slow file system."""
        if not self.file_ms:
            return ""
        writes = sorted(before for before, _ in self.file_ms.values())
        renames = sorted(rename for _, rename in self.file_ms.values())
        note = (f"the publisher's writes before the rename took {writes[len(writes) // 2]:.1f} ms (median), "
                f"{writes[-1]:.1f} ms at most, the rename {renames[len(renames) // 2]:.1f} ms")
        if last_reader:
            late = max(last_reader, key=lambda sent: last_reader[sent] - sent)
            if late in self.file_ms:
                note += f"; {self.file_ms[late][0]:.1f} ms of writes for the slowest item"
        return note

    def stop(self) -> None:
        stop(self.process)

    def after_readers_closed(self) -> str:
        return ""

    def reader_path(self, process: int, first: int, count: int) -> str:
        """The path the readers `first` … `first + count - 1` (client process `process`) ask for."""
        return self.path

    def reader_port(self, process: int) -> int:
        """The port client process `process` reads."""
        return self.port


class PushcastTwoNodes(Pushcast):
    """Two nodes on one PostgreSQL: A (this class's `port`) watches and logs, B serves only;
    client processes alternate between them."""

    name = "Pushcast, two nodes on PostgreSQL"
    min_processes = 2

    def start(self) -> None:
        server = os.environ.get("PUSHCAST_TEST_POSTGRES")
        if not server:
            raise RuntimeError("--cluster needs PUSHCAST_TEST_POSTGRES: run under Tests/support/with-postgres.sh (make bench does)")
        name = f"bench_{os.getpid()}_{int(time.time() * 1000)}"
        subprocess.run(["psql", server, "-q", "-c", f"CREATE DATABASE {name}"], check=True)
        database = server.rsplit("/", 1)[0] + "/" + name
        self.process = self.serve(self.port, ["--db", database])
        self.other_port = free_port()
        self.other = self.serve(self.other_port, ["--db", database, "--serve-only"])
        self.pids = [self.process.pid, self.other.pid]

    def stop(self) -> None:
        stop(self.other)
        stop(self.process)

    def reader_port(self, process: int) -> int:
        return self.port if process % 2 == 0 else self.other_port


class PushcastSubscribers(Pushcast):
    """Pushcast with each reader its own subscriber, reading its own `/subscribers/<sid>/stream`
    (the durable path every terminal reader uses)."""

    name = "Pushcast, subscriber streams"

    def __init__(self, scratch: Path, readers: int) -> None:
        super().__init__(scratch, readers)
        self.subscribers = make_subscribers(self.port, readers)

    def reader_path(self, process: int, first: int, count: int) -> str:
        """A file of the readers' own paths, one subscriber each."""
        paths = self.scratch / f"paths-{process}"
        paths.write_text("".join(
            f"/subscribers/{sid}/stream?token={token}\n" for sid, token in self.subscribers[first:first + count]))
        return f"@{paths}"

    def after_readers_closed(self) -> str:
        """How long until every stored cursor is at the last item (each is confirmed once its
        reader has acknowledged it, asked at the loop's next tick)."""
        started = time.time()
        wanted = self.count
        behind = len(self.subscribers)
        while time.time() - started < 30:
            with sqlite3.connect(f"file:{self.scratch / 'db.sqlite'}?mode=ro", uri=True, timeout=5) as db:
                behind = db.execute("SELECT COUNT(*) FROM subscription WHERE cursor < ?", (wanted,)).fetchone()[0]
            if behind == 0:
                return f"every cursor at the last item {time.time() - started:.1f} s after their connections closed"
            time.sleep(0.1)
        return f"**{behind:,} cursors short of the last item** 30 s after their connections closed"


def make_subscribers(port: int, count: int) -> list[tuple[str, str]]:
    """Registers `count` subscribers, each subscribed to `bench`, over one kept-alive connection."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    made = []
    for index in range(count):
        connection.request("POST", "/subscribers", body=json.dumps({"name": f"reader {index}"}),
                           headers={"Content-Type": "application/json"})
        created = json.loads(connection.getresponse().read())
        connection.request("PUT", f"/subscribers/{created['id']}/subscriptions/bench",
                           headers={"Authorization": f"Bearer {created['token']}"})
        response = connection.getresponse()
        response.read()
        if response.status not in (200, 201):
            raise RuntimeError(f"subscribing failed: {response.status}")
        made.append((created["id"], created["token"]))
    connection.close()
    return made


class PushcastIdle(Pushcast):
    """Pushcast with the readers' connections left idle after one `GET /healthz` each: what
    a bare HTTP/1.1 connection costs the server, to set beside a stream's cost."""

    name = "Pushcast, idle connections"
    publishes = False

    def __init__(self, scratch: Path, readers: int) -> None:
        super().__init__(scratch, readers)
        self.path = "/healthz"


class Probe:
    """Benchmarks/NIOStreamProbe: a multipart stream served on SwiftNIO directly, no task
    per connection, no store; what the stream path could cost without the framework."""

    name = "SwiftNIO probe"
    publishes = True

    def __init__(self, scratch: Path, readers: int) -> None:
        self.process = subprocess.Popen(on_server_cpus([str(PROBE), "0"]), stdout=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        if not line.startswith("listening on "):
            raise RuntimeError(f"the probe did not start: {line!r}")
        self.port = int(line.split()[-1])
        self.path = "/stream"
        self.header = ""
        self.pids = [self.process.pid]
        self.count = 1  # as on Pushcast's channel, whose warm-up item is the first

    def publish(self) -> None:
        self.count += 1
        post_item(self.port, "/publish", self.count)

    def stop(self) -> None:
        stop(self.process)

    def after_readers_closed(self) -> str:
        return ""

    def reader_path(self, process: int, first: int, count: int) -> str:
        return self.path


class Nchan:
    name = "nginx + nchan"
    publishes = True

    def __init__(self, scratch: Path, readers: int) -> None:
        self.port = free_port()
        for folder in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (scratch / folder).mkdir()
        os.chmod(scratch, 0o755)
        config = scratch / "nginx.conf"
        config.write_text(f"""
load_module {NCHAN_MODULE};
worker_processes auto;
worker_rlimit_nofile 20000;
error_log {scratch}/error.log warn;
pid {scratch}/nginx.pid;
events {{ worker_connections 16000; use epoll; multi_accept on; }}
http {{
  access_log off;
  client_body_temp_path {scratch}/body;
  proxy_temp_path {scratch}/proxy;
  fastcgi_temp_path {scratch}/fastcgi;
  uwsgi_temp_path {scratch}/uwsgi;
  scgi_temp_path {scratch}/scgi;
  server {{
    listen 127.0.0.1:{self.port} backlog=4096;
    location = /sub {{ nchan_subscriber multipart-mixed; nchan_channel_id bench; }}
    location = /pub {{ nchan_publisher; nchan_channel_id bench; }}
  }}
}}
""")
        self.process = subprocess.Popen(
            on_server_cpus(["nginx", "-p", str(scratch), "-c", str(config), "-g", "daemon off;"]),
            stdout=subprocess.DEVNULL, stderr=open(scratch / "nginx.err", "wb"))
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        self.path = "/sub"
        self.header = "Accept: multipart/mixed"
        self.count = 1  # as on Pushcast's channel, whose warm-up item is the first
        self.pids = [self.process.pid] + children(self.process.pid)

    def publish(self) -> None:
        self.count += 1
        post_item(self.port, "/pub", self.count)

    def stop(self) -> None:
        stop(self.process)

    def after_readers_closed(self) -> str:
        return ""

    def after_readers_connected(self) -> str:
        """How nginx spread the readers over its workers: each worker fans out to its own, so
        one worker holding them all is a fan-out on one core, the others left to the readers."""
        workers = children(self.process.pid)
        counts = established_connections(workers)
        return "the readers' connections per nginx worker: " + " / ".join(f"{count:,}" for count in counts)

    def reader_path(self, process: int, first: int, count: int) -> str:
        return self.path


def run(server_class, readers: int, items: int, rate: float, client: Client) -> Row:
    # Dirty pages left by the build or by the last run are written back now, not in the
    # middle of this one: with 1.5 GB dirty, a 1,000-reader Pushcast run measured p99 20.9 ms
    # and 12.8 ms of CPU per item, and 12.7 ms and 12.0 ms after a sync (2026-12-05).
    os.sync()
    scratch = Path(tempfile.mkdtemp(prefix="fanout-", dir=SCRATCH))
    server = server_class(scratch, readers)
    try:
        time.sleep(0.5)
        before = resident_kib(server.pids)
        sockets_before = open_sockets(server.pids)
        seconds = items / rate + 5
        processes = []
        cpu_opening = cpu_seconds(server.pids)
        process_count = max((readers + client.per_process - 1) // client.per_process, getattr(server, "min_processes", 1))
        per_process = (readers + process_count - 1) // process_count
        for index in range(process_count):
            count = min(per_process, readers - index * per_process)
            env = dict(os.environ, FANOUT_DELAYS=str(scratch / f"delays-{index}"))
            if TIMELINE:
                env["FANOUT_TIMELINE"] = str(scratch / f"timeline-{index}")
            path = server.reader_path(index, index * per_process, count)
            port = server.reader_port(index) if hasattr(server, "reader_port") else server.port
            processes.append(subprocess.Popen(
                client.command + ["127.0.0.1", str(port), path, str(count), str(seconds), server.header],
                stdout=subprocess.PIPE, text=True, env=env))
        connected, connect_ms = 0, 0.0
        for process in processes:
            line = process.stdout.readline().split()
            if not line or line[0] != "connected":
                raise RuntimeError(f"a client failed to connect: {line}")
            connected += int(line[1])
            connect_ms = max(connect_ms, float(line[2]))
        time.sleep(1)
        spread = server.after_readers_connected() if hasattr(server, "after_readers_connected") else ""
        after = resident_kib(server.pids)
        items = items if server.publishes else 0
        trace = SchedTrace(scratch / "sched.data", items / rate + 1.5) if SCHED and items else None
        if trace:
            time.sleep(0.5)  # perf is recording before the first item
        cpu_before = cpu_seconds(server.pids)
        for _ in range(items):
            started = time.time()
            server.publish()
            time.sleep(max(0.0, 1 / rate - (time.time() - started)))
        time.sleep(1)  # the last item's writes; an idle server spends nothing meanwhile
        cpu_after = cpu_seconds(server.pids)
        client_cpu = 0
        received = 0
        waited_us: list[int] = []  # per reader process: its run-queue time while the items came
        last_reader: dict[int, int] = {}  # an item's send time -> when its last reader had it (ns)
        for index, process in enumerate(processes):
            output = process.communicate(timeout=seconds + 60)[0].split("\n")
            result = next(line.split() for line in output if line.startswith("result "))
            client_cpu += int(result[6]) + int(result[7])
            received += int(result[10])
            if int(result[11]) >= 0:  # -1: the kernel keeps no run-queue time
                waited_us.append(int(result[11]))
            for line in output:
                if line.startswith("item "):
                    _, sent, _, last = line.split()
                    last_reader[int(sent)] = max(last_reader.get(int(sent), 0), int(last))
        deadline = time.time() + 30
        while open_sockets(server.pids) > sockets_before and time.time() < deadline:
            time.sleep(0.1)
        time.sleep(0.2)
        cpu_closed = cpu_seconds(server.pids)
        waits = trace.summary({process.pid for process in processes}, items) if trace else ""
        queued = run_queue_note(waited_us, items)
        files = server.publishing(last_reader) if hasattr(server, "publishing") else ""
        spreads = spread_over_readers([scratch / f"timeline-{index}" for index in range(len(processes))]) if TIMELINE else ""
        note = "; ".join(
            part for part in (spread, server.after_readers_closed(), slowest(last_reader), files, queued, waits, spreads) if part)
        delays = array.array("Q")
        for index in range(len(processes)):
            path = scratch / f"delays-{index}"
            delays.frombytes(path.read_bytes())
        ordered = sorted(delays)
        pick = lambda fraction: ordered[min(len(ordered) - 1, int(len(ordered) * fraction))] / 1000 if ordered else float("nan")  # noqa: E731
        return Row(
            server=server.name, readers=readers, connected=connected, connect_ms=connect_ms,
            delivered=len(ordered) / (readers * items) if items else float("nan"), p50_ms=pick(0.5), p99_ms=pick(0.99),
            max_ms=ordered[-1] / 1000 if ordered else float("nan"),
            kib_per_stream=(after - before) / max(connected, 1),
            server_cpu_ms_per_item=(cpu_after - cpu_before) * 1000 / items if items else float("nan"),
            server_cpu_us_per_close=(cpu_closed - cpu_after) * 1e6 / max(connected, 1),
            server_cpu_us_per_open=(cpu_before - cpu_opening) * 1e6 / max(connected, 1),
            client_cpu_ms=client_cpu, items=items, note=note,
            bytes_per_message=received / len(ordered) if ordered else float("nan"))
    finally:
        server.stop()
        shutil.rmtree(scratch, ignore_errors=True)


def run_queue_note(waited_us: list[int], items: int) -> str:
    """How long each reader process waited for a core, runnable, per item: the kernel's own
    count (schedstat), so every row has it without a trace. A reader kept from a core is late
    whatever the server did: with the readers on the server's cores this is most of what sets
    two servers' rows apart (docs/PUSH.md, "Readers on the server's cores")."""
    if not items or not waited_us:
        return ""
    each = " / ".join(f"{waited / 1000 / items:.1f}" for waited in waited_us)
    whose = "the readers' process" if len(waited_us) == 1 else f"each of the {len(waited_us)} reader processes"
    return f"{whose} waited for a core {each} ms per item (run-queue time)"


def storm(readers: int, rate: float, client: Client) -> str:
    """The reconnect storm (see the module's doc): one row."""
    os.sync()  # as in run()
    scratch = Path(tempfile.mkdtemp(prefix="storm-", dir=SCRATCH))
    server = PushcastSubscribers(scratch, readers)
    before_restart, after_restart = 6.0, 6.0
    try:
        seconds = before_restart + after_restart + 20
        processes = []
        for index in range((readers + client.per_process - 1) // client.per_process):
            count = min(client.per_process, readers - index * client.per_process)
            env = dict(os.environ, FANOUT_RECONNECT="1")
            processes.append(subprocess.Popen(
                client.command + ["127.0.0.1", str(server.port), server.reader_path(index, index * client.per_process, count),
                 str(count), str(seconds)],
                stdout=subprocess.PIPE, text=True, env=env))
        for process in processes:
            line = process.stdout.readline().split()
            if not line or line[0] != "connected":
                raise RuntimeError(f"a client failed to connect: {line}")
        time.sleep(1)
        published: list[int] = []

        def publish_for(duration: float) -> None:
            end = time.time() + duration
            while time.time() < end:
                started = time.time()
                server.publish()
                published.append(server.count)
                time.sleep(max(0.0, 1 / rate - (time.time() - started)))

        publish_for(before_restart)
        # Items keep coming while the server stops and starts again.
        publisher = threading.Thread(target=publish_for, args=(after_restart,))
        publisher.start()
        stopping = time.time()
        stopped = stop(server.process)
        stopped_s = time.time() - stopping
        restarted_ns = time.time_ns()
        server.start()
        publisher.join()
        published_items = len(published)
        # Every item's send time is in its title: the items sent before the restart are the backlog.
        arrivals: dict[int, tuple[int, int]] = {}
        reconnects = 0
        short: list[list[str]] = []
        for process in processes:
            output = process.communicate(timeout=seconds + 60)[0].split("\n")
            for line in output:
                fields = line.split()
                if fields[:1] == ["item"]:
                    sent, count, last = int(fields[1]), int(fields[2]), int(fields[3])
                    previous = arrivals.get(sent, (0, 0))
                    arrivals[sent] = (previous[0] + count, max(previous[1], last))
                elif fields[:1] == ["result"]:
                    reconnects += int(fields[9])
                elif fields[:1] == ["short"]:
                    short.append(fields[1:])
        backlog = [last for sent, (_, last) in arrivals.items() if sent <= restarted_ns]
        # Readers that had every such item before the old server stopped (none was published
        # while it was down) had nothing to catch up on.
        caught_up = max(0, max(backlog) - restarted_ns) / 1e9 if backlog else float("nan")
        delivered = sum(count for count, _ in arrivals.values())
        lost = readers * published_items - delivered
        stopped_in = f"{stopped_s:.1f} s" if stopped else f"**killed after {stopped_s:.0f} s**"
        row = f"| {readers:,} | {published_items} | {stopped_in} | {reconnects:,} | {caught_up:.1f} s | {lost:,} |"
        return row + short_readers(short, sorted(arrivals), restarted_ns)
    finally:
        server.stop()
        shutil.rmtree(scratch, ignore_errors=True)


def short_readers(short: list[list[str]], items: list[int], restarted_ns: int) -> str:
    """What the readers that ended short of an item had and missed, from `fanout_client`'s
    `short` lines: the items they missed (their places in the order published) and each of
    their connections (ms from the restart: connected to ended, how it ended, the response's
    status, bytes, items first seen on it). Empty when no reader ended short."""
    if not short:
        return ""
    place = {sent: index + 1 for index, sent in enumerate(items)}
    lines = [f"\n\n{len(short):,} reader{'s' if len(short) != 1 else ''} ended short of an item; a few:"]
    for fields in short[:12]:
        missed = [place.get(int(sent), 0) for sent in fields[2].split(",") if sent]
        connections = []
        for history in fields[3:]:
            connected, ended, end, status, size, first = history.split("/")
            at = lambda ns: f"{(int(ns) - restarted_ns) / 1e6:+.0f}"  # noqa: E731
            connections.append(f"{at(connected)}…{at(ended) if int(ended) else 'end'} ms {end} {status} "
                               f"{int(size):,} B {first} items")
        lines.append(f"- had {fields[1]}, missed item(s) {', '.join(map(str, missed))} of {len(items)}; "
                     f"connections: {'; '.join(connections)}")
    return "\n".join(lines)


def floor(floor_binary: Path, readers: int, items: int, size: float) -> Row:
    """The physical floor: `write_floor` doing the same number of write(2) calls of the same
    size (what a Pushcast reader read per item) to as many loopback sockets, and nothing else."""
    result = subprocess.run([str(floor_binary), str(readers), str(items), str(max(1, round(size)))],
                            capture_output=True, text=True, check=True).stdout.split()
    return Row(server="write(2) loop in C (the floor)", readers=readers, connected=readers, connect_ms=float("nan"),
               delivered=float("nan"), p50_ms=float("nan"), p99_ms=float("nan"), max_ms=float("nan"),
               kib_per_stream=float("nan"), server_cpu_ms_per_item=float(result[2]), client_cpu_ms=float("nan"),
               server_cpu_us_per_close=float("nan"),
               items=items, bytes_per_message=size)


def medians(rows: list[Row], runs: int) -> list[Row]:
    """For each server measured `runs` times (rows named "…, run N"), a row of the medians of
    its runs, figure by figure: at 1,000 readers a single run's p99 moves by more from run to
    run than the two servers differ."""
    def median(values: list[float]) -> float:
        known = sorted(value for value in values if value == value)
        if not known:
            return float("nan")
        middle = len(known) // 2
        return known[middle] if len(known) % 2 else (known[middle - 1] + known[middle]) / 2

    names = list(dict.fromkeys(row.server.rsplit(", run ", 1)[0] for row in rows))
    result = []
    for name in names:
        runs_of = [row for row in rows if row.server.rsplit(", run ", 1)[0] == name]
        figures = {field: median([getattr(row, field) for row in runs_of])
                   for field in ("connected", "connect_ms", "delivered", "p50_ms", "p99_ms", "max_ms", "kib_per_stream",
                                 "server_cpu_ms_per_item", "client_cpu_ms", "server_cpu_us_per_close", "bytes_per_message",
                                 "server_cpu_us_per_open")}
        result.append(Row(server=f"{name}, median of {runs} runs", readers=runs_of[0].readers,
                          connected=int(figures.pop("connected")), items=runs_of[0].items, **figures))
    return result


def table(rows: list[Row]) -> str:
    lines = [
        "| server | readers | connected | connect | delivered | p50 | p99 | max | memory per stream | server CPU per item "
        "| per delivered message | bytes per message | server CPU per connection opened | server CPU per connection closed "
        "| client CPU |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    def number(value: float, unit: str, digits: int = 1) -> str:
        return "–" if value != value else f"{value:.{digits}f} {unit}"

    for r in rows:
        lines.append(
            f"| {r.server} | {r.readers:,} | {r.connected:,} | {number(r.connect_ms / 1000, 's')} | {number(r.delivered * 100, '%')} "
            f"| {number(r.p50_ms, 'ms')} | {number(r.p99_ms, 'ms')} | {number(r.max_ms, 'ms')} | {number(r.kib_per_stream, 'KiB')} "
            f"| {number(r.server_cpu_ms_per_item, 'ms')} | {number(r.server_cpu_us_per_delivery, 'µs', 2)} "
            f"| {number(r.bytes_per_message, 'B', 0)} | {number(r.server_cpu_us_per_open, 'µs')} "
            f"| {number(r.server_cpu_us_per_close, 'µs')} "
            f"| {number(r.client_cpu_ms / 1000, 's')} |")
    notes = [f"- {r.server}, {r.readers:,} readers: {r.note}." for r in rows if r.note]
    return "\n".join(lines + ([""] + notes if notes else []))


def main() -> None:
    global PUSHCAST, WINDOW, SCHED, SCRATCH, SERVER_CPUS, TIMELINE
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--readers", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--items", type=int, default=40)
    parser.add_argument("--rate", type=float, default=4.0, help="items per second")
    parser.add_argument("--only", nargs="+", choices=["pushcast", "nchan", "idle", "probe", "subscribers", "cluster"],
                        help="run these servers only")
    parser.add_argument("--probe", action="store_true", help="add a row for Benchmarks/NIOStreamProbe (make release builds it)")
    parser.add_argument("--idle", action="store_true", help="add a row of idle HTTP connections to Pushcast (memory only)")
    parser.add_argument("--subscribers", action="store_true", help="add a row of Pushcast subscriber streams")
    parser.add_argument("--cluster", action="store_true", help="add a row of two Pushcast nodes on PostgreSQL")
    parser.add_argument("--storm", type=int, metavar="N", help="then a reconnect storm of N subscribers")
    parser.add_argument("--binary", type=Path, default=PUSHCAST, help="the pushcast binary (default: the release build)")
    parser.add_argument("--client", choices=["c", "asyncio"], default="c",
                        help="the readers: Benchmarks/fanout_client.c (default) or Benchmarks/fanout_asyncio.py")
    parser.add_argument("--runs", type=int, default=1, help="measure every server this many times, alternating")
    parser.add_argument("--window", type=int, metavar="N",
                        help="Pushcast's manifest lists only the newest N items, as a publisher keeps it short while "
                             "the log grows (default: every item published)")
    parser.add_argument("--timeline", action="store_true",
                        help="say in each row's note how the items spread over their readers (medians over the items)")
    parser.add_argument("--sched", action="store_true",
                        help="record the scheduler while items are published (perf sched, as root) and say in "
                             "each row's note how long the readers waited for a core, and how much of that "
                             "with another core idle")
    parser.add_argument("--scratch", type=Path,
                        help="where each run's folders go: Pushcast's channels/ and database, nginx's temporary "
                             "folders (default: /dev/shm when it is a tmpfs, else the system's temp folder)")
    parser.add_argument("--server-cpus", metavar="LIST",
                        help="run the servers on these cores only (taskset -c LIST, e.g. 1), the readers anywhere: "
                             "how much of a row is where the kernel put the readers (docs/PUSH.md)")
    parser.add_argument("--output", type=Path, help="write the table here (Markdown)")
    arguments = parser.parse_args()
    PUSHCAST = arguments.binary.resolve()
    WINDOW = arguments.window
    SCHED = arguments.sched
    TIMELINE = arguments.timeline
    SERVER_CPUS = arguments.server_cpus
    memory_scratch = memory_folder()
    SCRATCH = arguments.scratch or memory_scratch
    if not PUSHCAST.exists():
        sys.exit(f"no {PUSHCAST}: make release first")
    limit = raise_fd_limit()
    c_client = Path(tempfile.mkdtemp(prefix="fanout-client-")) / "fanout_client"
    subprocess.run(["cc", "-O2", "-o", str(c_client), str(CLIENT_SOURCE)], check=True)
    client = (Client([sys.executable, str(ASYNCIO_CLIENT)], 2500) if arguments.client == "asyncio"
              else Client([str(c_client)], PER_PROCESS))
    floor_binary = c_client.with_name("write_floor")
    subprocess.run(["cc", "-O2", "-o", str(floor_binary), str(FLOOR_SOURCE)], check=True)
    servers = {"pushcast": Pushcast, "nchan": Nchan, "idle": PushcastIdle, "probe": Probe,
               "subscribers": PushcastSubscribers, "cluster": PushcastTwoNodes}
    chosen = [servers[name] for name in arguments.only] if arguments.only else [Pushcast, Nchan]
    if arguments.subscribers and PushcastSubscribers not in chosen:
        chosen.insert(1, PushcastSubscribers)
    if arguments.cluster and PushcastTwoNodes not in chosen:
        chosen.insert(1, PushcastTwoNodes)
    if arguments.idle:
        chosen.append(PushcastIdle)
    if arguments.probe:
        chosen.append(Probe)
    rows = []
    for readers in arguments.readers:
        measured = []
        for attempt in range(1, arguments.runs + 1):
            for server_class in chosen:
                print(f"{server_class.name}: {readers:,} readers …", file=sys.stderr, flush=True)
                row = run(server_class, readers, arguments.items, arguments.rate, client)
                if arguments.runs > 1:
                    row.server += f", run {attempt}"
                measured.append(row)
                print(table([row]).splitlines()[2], file=sys.stderr, flush=True)
        if arguments.runs > 1:
            measured += medians(measured, arguments.runs)
        # The floor, at the size of what the first server's readers read per item.
        sizes = [row.bytes_per_message for row in measured if row.bytes_per_message == row.bytes_per_message]
        if sizes:
            measured.append(floor(floor_binary, readers, arguments.items, sizes[0]))
            print(table([measured[-1]]).splitlines()[2], file=sys.stderr, flush=True)
        rows += measured
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    header = (f"{platform.machine()}, {os.cpu_count()} cores, {memory:.0f} GiB, {time.strftime('%Y-%m-%d', time.gmtime())}; "
              f"{arguments.items} items at {arguments.rate:g}/s; file descriptors per process: {limit:,}; "
              f"scratch folders in {SCRATCH or tempfile.gettempdir()}"
              f"{' (tmpfs)' if SCRATCH and SCRATCH == memory_scratch else ''}; "
              f"{f'servers under taskset -c {SERVER_CPUS}; ' if SERVER_CPUS else ''}readers: "
              + ("Python asyncio, one event loop per 2,500" if arguments.client == "asyncio" else "C, one epoll loop per 5,000"))
    text = header + "\n\n" + table(rows) + "\n"
    if arguments.storm:
        print(f"reconnect storm: {arguments.storm:,} subscribers …", file=sys.stderr, flush=True)
        row = storm(arguments.storm, arguments.rate, Client([str(c_client)], PER_PROCESS))
        print(row, file=sys.stderr, flush=True)
        text += ("\nReconnect storm: every reader its own subscriber; the server is stopped (SIGTERM) and started "
                 "again while items keep coming; readers reconnect at once (every 20 ms while refused) with their "
                 "cursors.\n\n| subscribers | items | server stopped in | reconnects | caught up after the restart | items lost |\n"
                 "|---:|---:|---:|---:|---:|---:|\n" + row + "\n")
    print(text)
    if arguments.output:
        arguments.output.write_text(text)


if __name__ == "__main__":
    main()
