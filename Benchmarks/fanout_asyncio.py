#!/usr/bin/env python3
"""fanout_asyncio: the fan-out benchmark's readers as a Python asyncio program (make bench,
`fanout.py --client asyncio`): what a reader written the everyday way costs, beside the C
client's one epoll loop.

  fanout_asyncio.py HOST PORT PATH|@FILE CONNECTIONS SECONDS [HEADER]

The arguments, the environment (FANOUT_DELAYS, FANOUT_TIMELINE) and the output are those of
Benchmarks/fanout_client.c, so that fanout.py drives either: it opens CONNECTIONS streams
(an asyncio Protocol each, on one event loop), sends "GET PATH" on each, and reads them for
SECONDS after the last response head came. Every published item carries
"sent@<unix nanoseconds>;"; the first time a reader sees an item, the delay from that time
to now is recorded. Prints
  connected <n> <milliseconds to connect them all and get their response heads>
then at the end
  item <sent ns> <readers> <ns when the last of them got it>
per distinct item, and
  result <connections> <delays> <p50 us> <p99 us> <max us> <user cpu ms> <system cpu ms> <failed> 0 <bytes> <waited us>
"""
from __future__ import annotations

import array
import asyncio
import os
import resource
import sys
import time

MARK = b"sent@"
CARRY = 40
# Connections opened at once: the rest wait, so that no listen backlog overflows.
OPENING_AT_ONCE = 200


def run_queue_wait_ns() -> int:
    """How long this thread has waited for a core while runnable (ns), as fanout_client.c
    reads it; -1 where the kernel keeps no count."""
    try:
        with open("/proc/thread-self/schedstat") as file:
            return int(file.read().split()[1])
    except (OSError, IndexError, ValueError):
        return -1


class Run:
    """What all readers of this process share: counts, delays and the items seen."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.headed = 0
        self.failed = 0
        self.bytes = 0
        self.live = False
        self.all_headed = asyncio.get_running_loop().create_future()
        self.delays = array.array("Q")
        self.timeline = array.array("Q") if os.environ.get("FANOUT_TIMELINE") else None  # send ns, delay us
        self.items: dict[int, list[int]] = {}  # sent ns -> [readers, last ns]

    def record(self, sent: int, now: int) -> None:
        item = self.items.setdefault(sent, [0, 0])
        item[0] += 1
        item[1] = now
        self.delays.append(max(0, now - sent) // 1000)
        if self.timeline is not None:
            self.timeline.extend((sent, self.delays[-1]))


class Reader(asyncio.Protocol):
    def __init__(self, run: Run, request: bytes) -> None:
        self.run = run
        self.request = request
        self.headed = False
        self.carry = b""
        self.seen: set[int] = set()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        transport.write(self.request)  # type: ignore[attr-defined]

    def data_received(self, data: bytes) -> None:
        now = time.time_ns()
        run = self.run
        if run.live:
            run.bytes += len(data)
        if not self.headed and b"\r\n\r\n" in data:
            self.headed = True
            run.headed += 1
            if run.headed == run.count - run.failed and not run.all_headed.done():
                run.all_headed.set_result(now)
        joined = self.carry + data
        at, consumed = joined.find(MARK), 0
        while at >= 0:
            end = joined.find(b";", at + len(MARK))
            if end < 0:
                break
            sent = int(joined[at + len(MARK):end])
            if sent not in self.seen:  # again (at least once delivery) counts once
                self.seen.add(sent)
                run.record(sent, now)
            consumed = end + 1
            at = joined.find(MARK, consumed)
        self.carry = joined[max(consumed, len(joined) - CARRY):]

    def connection_lost(self, exc: Exception | None) -> None:
        self.run.failed += 1
        if self.run.headed >= self.run.count - self.run.failed and not self.run.all_headed.done():
            self.run.all_headed.set_result(time.time_ns())


def requests_for(path: str, host: str, extra: str) -> list[bytes]:
    paths = [path]
    if path.startswith("@"):
        with open(path[1:]) as file:
            paths = [line.strip() for line in file if line.strip()]
    header = f"{extra}\r\n" if extra else ""
    return [f"GET {one} HTTP/1.1\r\nHost: {host}\r\n{header}\r\n".encode() for one in paths]


async def main() -> None:
    if len(sys.argv) < 6:
        sys.exit(f"usage: {sys.argv[0]} HOST PORT PATH|@FILE CONNECTIONS SECONDS [HEADER]")
    host, port, path, count, seconds = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), float(sys.argv[5])
    extra = sys.argv[6] if len(sys.argv) > 6 else ""
    requests = requests_for(path, host, extra)
    loop = asyncio.get_running_loop()
    run = Run(count)
    started = time.time_ns()
    gate = asyncio.Semaphore(OPENING_AT_ONCE)

    async def open_one(index: int) -> None:
        reader = Reader(run, requests[index % len(requests)])
        async with gate:
            try:
                await loop.create_connection(lambda: reader, host, port)
            except OSError:
                run.failed += 1

    await asyncio.gather(*(open_one(index) for index in range(count)))
    if run.headed >= count - run.failed and not run.all_headed.done():
        run.all_headed.set_result(time.time_ns())
    try:
        headed_at = await asyncio.wait_for(run.all_headed, timeout=120)
    except asyncio.TimeoutError:
        headed_at = time.time_ns()
    print(f"connected {run.headed} {(headed_at - started) / 1e6:.1f}", flush=True)
    run.live = True
    waited_before = run_queue_wait_ns()
    await asyncio.sleep(seconds)
    waited_after = run_queue_wait_ns()
    waited_us = (waited_after - waited_before) // 1000 if min(waited_before, waited_after) >= 0 else -1
    failed = run.failed
    usage = resource.getrusage(resource.RUSAGE_SELF)
    ordered = sorted(run.delays)
    pick = lambda fraction: ordered[min(len(ordered) - 1, int(len(ordered) * fraction))] if ordered else 0  # noqa: E731
    dump = os.environ.get("FANOUT_DELAYS")
    if dump:
        with open(dump, "wb") as file:
            array.array("Q", ordered).tofile(file)
    if run.timeline is not None:
        with open(os.environ["FANOUT_TIMELINE"], "wb") as file:
            run.timeline.tofile(file)
    for sent, (readers_count, last) in run.items.items():
        print(f"item {sent} {readers_count} {last}")
    print(f"result {count} {len(ordered)} {pick(0.5)} {pick(0.99)} {ordered[-1] if ordered else 0} "
          f"{int(usage.ru_utime * 1000)} {int(usage.ru_stime * 1000)} {failed} 0 {run.bytes} {waited_us}", flush=True)
    os._exit(0)  # the streams are endless: the process ends without closing 5,000 transports one by one


if __name__ == "__main__":
    asyncio.run(main())
