#!/usr/bin/env python3
"""What open streams cost the server while nothing is published.

A release server on a scratch channels/ folder (in /dev/shm) with one channel; N readers
(Python asyncio, one process) open `/channels/b/stream` and read nothing more; after a few
seconds' settling, the event loops' own CPU time (`/proc/PID/task/TID/schedstat` of the
threads named NIO-…, to the nanosecond) over W seconds, per second. With nothing published,
what the loops do is their ticker's work: looking at streams for heartbeats and stalled
readers, and the heartbeats (docs/PUSH.md). The default window ends before the first
heartbeat is due (20 s after a stream opens), where the ticker visits no stream (it visits
each when it is due) and the loops' own turns are left; a 30 s window (`make bench`'s) has
every stream's heartbeat, and the visit for it, in it too. With --binary given twice, the
two builds in turn, --runs times each.

    python3 Benchmarks/idle_streams.py [--streams 1000 …] [--seconds 10] [--runs 2] [--binary A [--binary B]]
"""

import argparse
import asyncio
import resource
from pathlib import Path

from scratch_server import scratch_server, threads

ROOT = Path(__file__).resolve().parent.parent


def loops_cpu(pid: int) -> int:
    return sum(int((task / "schedstat").read_text().split()[0]) for task in threads(pid, "NIO-"))


async def hold(port: int, streams: int, seconds: float, pid: int) -> float:
    """Opens `streams` streams, waits, and returns the loops' CPU per second (ms)."""
    connections = []
    for _ in range(streams):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET /channels/b/stream?since=1 HTTP/1.1\r\nHost: bench\r\n\r\n")
        connections.append((reader, writer))
    await asyncio.sleep(5)
    before, started = loops_cpu(pid), asyncio.get_running_loop().time()
    await asyncio.sleep(seconds)
    spent, elapsed = loops_cpu(pid) - before, asyncio.get_running_loop().time() - started
    for _, writer in connections:
        writer.close()
    return spent / 1e6 / elapsed


def measure(binary: Path, streams: int, seconds: float) -> float:
    def prepare(channels: Path) -> None:
        (channels / "b").mkdir()
        (channels / "b" / "1.html").write_text("<p>1</p>")
        (channels / "b.cdf").write_text(
            '<?xml version="1.0"?>\n<CHANNEL><TITLE>B</TITLE><ITEM HREF="b/1.html" PRECACHE="NO"><TITLE>One</TITLE></ITEM></CHANNEL>\n')

    with scratch_server(binary, prepare, "--max-streams", "100000", "--registration-rate", "0") as (server, port, _):
        return asyncio.run(hold(port, streams, seconds, server.pid))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--streams", type=int, nargs="+", default=[1000], help="how many streams, one server each")
    parser.add_argument("--seconds", type=float, default=10, help="the window (after 5 s of settling)")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--binary", type=Path, action="append", help="a pushcast binary (default: the release build)")
    arguments = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, max(arguments.streams) + 1000)), hard))
    binaries = [b.resolve() for b in arguments.binary or [ROOT / ".build" / "release" / "pushcast"]]
    # The binary is a column only when there is more than one to tell apart.
    named = len(binaries) > 1
    print(("| binary " if named else "") + "| idle streams | event loops' CPU per second |")
    print(("|---" if named else "") + "|---:|---:|")
    for streams in arguments.streams:
        for _ in range(arguments.runs):
            for binary in binaries:
                cost = measure(binary, streams, arguments.seconds)
                print((f"| {binary} " if named else "") + f"| {streams:,} | {cost:.2f} ms |", flush=True)

if __name__ == "__main__":
    main()
