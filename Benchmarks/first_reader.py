#!/usr/bin/env python3
"""first_reader: where an item's first milliseconds go, from the publisher to the first reader.

  python3 Benchmarks/first_reader.py [--server pushcast|nchan] [--client c|asyncio]
                                     [--readers 1000] [--binary B] [--server-cpus LIST]

Runs one `fanout.py` run (20 items at 2/s) and, while its items are published, a
`perf record -a` of the system calls and scheduler events on the way (root, linux-perf and
tracefs needed). Then, per item, the time from the publisher's last step to each step after
it, medians over the items traced:

- Pushcast: from the publisher's `rename` of the manifest into `channels/` to the publish
  thread reading the file event, opening the manifest, its first write to the database (the
  commit), its wake-up of the first event loop and of the last, the loops' first `send`;
- nginx + nchan: from the publisher's POST to nginx's first `writev`;
- both: the first reader's first read after that first send, the first send of the server
  thread that began sending last (the last event loop, or nginx worker, to start on the
  item), and the last send.

So a row's "first reader" delay (`fanout.py --timeline`) splits into the server's own path
and the reader's wait for a core (docs/PUSH.md, "Readers on the server's cores").

A second table says where each item ran: the cores of the server's threads that sent it, the
core the readers read it on, and when they read it first and last. An item is "shared" when
the server made a tenth of its sends or more on the readers' core, else "apart". The readers
are one process at 1,000 (both clients), so this is one reader's core.
"""
from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVENTS = [
    "syscalls:sys_enter_rename", "syscalls:sys_enter_sendto", "syscalls:sys_enter_writev",
    "syscalls:sys_enter_write", "syscalls:sys_enter_pwrite64", "syscalls:sys_enter_read",
    "syscalls:sys_exit_read", "syscalls:sys_exit_recvfrom", "syscalls:sys_enter_openat",
]
LINE = re.compile(r"\s*(.+?)\s+(\d+)\s+\[(\d+)\]\s+([\d.]+):\s+(\S+):\s*(.*)")
# How long after fanout.py starts its readers are connected and the items begin (it waits a
# second after they connect), and how long the trace lasts: 12 of the 20 items.
SETTLE_S, TRACE_S = 4.5, 6.0
# An item's steps are looked for this long after it was published (items come 500 ms apart).
ITEM_US = 400_000


def trace(server: str, client: str, readers: int, binary: Path | None, cpus: str | None,
          folder: Path) -> tuple[list[tuple], str]:
    command = [sys.executable, str(ROOT / "Benchmarks" / "fanout.py"), "--client", client, "--readers", str(readers),
               "--items", "20", "--rate", "2", "--only", server, "--runs", "1"]
    if binary:
        command += ["--binary", str(binary)]
    if cpus:
        command += ["--server-cpus", cpus]
    run = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT)
    time.sleep(SETTLE_S)
    data = folder / "perf.data"
    record = ["perf", "record", "-q", "-a", "-o", str(data)]
    for event in EVENTS:
        record += ["-e", event, "--exclude-perf"]
    subprocess.run(record + ["--", "sleep", str(TRACE_S)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    row = next((line for line in run.communicate()[0].splitlines() if line.startswith("| ")), "")
    script = subprocess.run(["perf", "script", "-i", str(data), "-F", "comm,tid,cpu,time,event,trace"],
                            capture_output=True, text=True).stdout
    events = []
    for line in script.splitlines():
        match = LINE.match(line)
        if match:
            events.append((float(match[4]) * 1e6, match[1], int(match[2]), match[5].split(":")[1], match[6], int(match[3])))
    return events, row


SENDS = ("sys_enter_sendto", "sys_enter_writev", "sys_enter_write")


def items(events: list[tuple], server: str) -> list[tuple[float, list[tuple]]]:
    """Per item published while tracing: when the publisher's last step began (µs), and the
    events after it, up to the next item or `ITEM_US`."""
    is_anchor = ((lambda e: e[1] == "python3" and e[3] == "sys_enter_rename") if server == "pushcast"
                 else (lambda e: e[1] == "python3" and e[3] == "sys_enter_sendto"))
    anchors = [index for index, event in enumerate(events) if is_anchor(event)]
    # nchan's POST is two sends (head and body): an item starts at the first after a quiet 100 ms.
    anchors = [index for n, index in enumerate(anchors) if n == 0 or events[index][0] - events[anchors[n - 1]][0] > 100_000]
    found = []
    for n, start in enumerate(anchors):
        began = events[start][0]
        end = anchors[n + 1] if n + 1 < len(anchors) else len(events)
        found.append((began, [event for event in events[start:end] if event[0] - began <= ITEM_US]))
    return found


def is_send(event: tuple, server: str) -> bool:
    """A send of part of an item by one of the server's threads (not an event loop's wake-up)."""
    _, name, _, kind, arguments, _ = event
    by_server = name.startswith("NIO") if server == "pushcast" else name.startswith("nginx")
    return by_server and kind in SENDS and "count: 0x00000008" not in arguments


def is_read(event: tuple, publisher: int) -> bool:
    """A reader's read of something (not an error, not the publisher's own)."""
    _, name, thread, kind, arguments, _ = event
    return (name in ("python3", "fanout_client") and thread != publisher
            and kind in ("sys_exit_recvfrom", "sys_exit_read") and not arguments.startswith("0xfff"))


def steps(events: list[tuple], server: str) -> dict[str, list[float]]:
    """Per item, ms from the publisher's last step to each step after it."""
    found: dict[str, list[float]] = {}
    for began, item in items(events, server):
        publisher = item[0][2]
        seen: dict[str, float] = {}
        first_send_by_thread: dict[int, float] = {}
        for event in item[1:]:
            at, name, thread, kind, arguments, _ = event
            if server == "pushcast" and name == "pushcast-pub":
                step = {"sys_enter_read": "publish thread reads the file event",
                        "sys_enter_openat": "publish thread opens the manifest",
                        "sys_enter_pwrite64": "first database write (the commit)"}.get(kind)
                if kind == "sys_enter_write" and "count: 0x00000008" in arguments:
                    step = "first event loop woken"
                    seen["last event loop woken"] = at
                if step and step not in seen:
                    seen[step] = at
            elif is_send(event, server):
                seen.setdefault("first send", at)
                seen["last send"] = at
                first_send_by_thread.setdefault(thread, at)
            elif "first send" in seen and is_read(event, publisher):
                seen.setdefault("first reader reads", at)
        if first_send_by_thread:
            seen["the last sending thread's first send"] = max(first_send_by_thread.values())
        for step, at in seen.items():
            found.setdefault(step, []).append((at - began) / 1000)
    return found


def placement(events: list[tuple], server: str) -> list[tuple[str, str, str, float, float]]:
    """Per item: how many sends each server thread made on which core, the readers' reads by
    core, whether the server made a tenth of the item's sends or more on the readers' core
    (where most reads were: "shared") or not ("apart"), and the readers' first and last read
    (ms after the publisher's last step)."""
    rows = []
    for began, item in items(events, server):
        publisher = item[0][2]
        senders: dict[int, dict[int, int]] = {}
        reads: dict[int, int] = {}
        first = last = 0.0
        for event in item[1:]:
            at, _, thread, _, _, cpu = event
            if is_send(event, server):
                senders.setdefault(thread, {}).setdefault(cpu, 0)
                senders[thread][cpu] += 1
            elif senders and is_read(event, publisher):
                first = first or at
                last = at
                reads[cpu] = reads.get(cpu, 0) + 1
        if not senders or not reads:
            continue
        reader_core = max(reads, key=reads.get)
        sent_there = sum(cores.get(reader_core, 0) for cores in senders.values())
        sent = sum(sum(cores.values()) for cores in senders.values())
        threads = "; ".join(", ".join(f"{count} on {cpu}" for cpu, count in sorted(cores.items()))
                            for _, cores in sorted(senders.items()))
        readers = ", ".join(f"{count} on {cpu}" for cpu, count in sorted(reads.items()))
        rows.append((threads, readers, "shared" if sent_there * 10 >= sent else "apart",
                     (first - began) / 1000, (last - began) / 1000))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", choices=["pushcast", "nchan"], default="pushcast")
    parser.add_argument("--client", choices=["c", "asyncio"], default="asyncio")
    parser.add_argument("--readers", type=int, default=1000)
    parser.add_argument("--binary", type=Path, help="the pushcast binary (default: fanout.py's, the release build)")
    parser.add_argument("--server-cpus", metavar="LIST", help="the server on these cores only (fanout.py --server-cpus)")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="first-reader-") as folder:
        events, row = trace(arguments.server, arguments.client, arguments.readers, arguments.binary,
                            arguments.server_cpus, Path(folder))
    found = steps(events, arguments.server)
    if not found:
        sys.exit("nothing was traced: `perf record -a` of system calls needs root, linux-perf and tracefs")
    anchor = "the publisher's rename" if arguments.server == "pushcast" else "the publisher's POST"
    print(row)
    print(f"| after {anchor} | median | least | most | items |")
    print("|---|---:|---:|---:|---:|")
    for step, times in sorted(found.items(), key=lambda pair: statistics.median(pair[1])):
        print(f"| {step} | {statistics.median(times):.2f} ms | {min(times):.2f} ms | {max(times):.2f} ms | {len(times)} |")
    placed = placement(events, arguments.server)
    print()
    print("| item | sends per server thread, by core | reads, by core | readers | first read | last read |")
    print("|---:|---|---|---|---:|---:|")
    for number, (threads, readers, where, first, last) in enumerate(placed, 1):
        print(f"| {number} | {threads} | {readers} | {where} | {first:.2f} ms | {last:.2f} ms |")
    for where in ("apart", "shared"):
        chosen = [item for item in placed if item[2] == where]
        if chosen:
            print(f"- {where}: {len(chosen)} of {len(placed)} items; their readers' first read after "
                  f"{statistics.median(item[3] for item in chosen):.2f} ms, last after "
                  f"{statistics.median(item[4] for item in chosen):.2f} ms (medians)")


if __name__ == "__main__":
    main()
