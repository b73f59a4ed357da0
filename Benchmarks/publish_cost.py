#!/usr/bin/env python3
"""What one publication costs the server's publish thread, by the length of the manifest.

For each manifest length N: a release server on a scratch channels/ folder (in /dev/shm)
whose one manifest lists N local items, each with a title and an abstract; once it has
logged them, P more items are published the real way (the item's page written, then the
manifest listing N + k items written aside and renamed into place), each waited for in the
log (`/channels/big/items`) before the next. The publish thread's own CPU time
(`/proc/PID/task/TID/schedstat`, the thread named pushcast-pub, to the nanosecond) from
before the first to after the last, over P: reading the file events, reading and parsing
the whole manifest, finding each local item's file, the check, the store's transaction and
the hand-over to the hub. No reader is connected, so no fan-out is in it.

    python3 Benchmarks/publish_cost.py [--items 20 200 2000] [--publications 20] [--binary B]
"""

import argparse
import os
import time
import urllib.request
from pathlib import Path

from scratch_server import scratch_server, threads

ROOT = Path(__file__).resolve().parent.parent


def write_manifest(channels: Path, count: int) -> None:
    """Pages 1…count (those missing), then the manifest listing them, renamed into place."""
    for k in range(1, count + 1):
        page = channels / "big" / f"{k}.html"
        if not page.exists():
            page.write_text(f"<p>{k}</p>")
    items = "".join(
        f'<ITEM HREF="big/{k}.html" PRECACHE="NO"><TITLE>Item {k}</TITLE><ABSTRACT>About item {k}</ABSTRACT></ITEM>\n'
        for k in range(1, count + 1))
    aside = channels / ".big.cdf.tmp"
    aside.write_text(f'<?xml version="1.0"?>\n<CHANNEL><TITLE>Big</TITLE>\n{items}</CHANNEL>\n')
    os.replace(aside, channels / "big.cdf")


def wait_logged(port: int, seq: int) -> None:
    deadline = time.time() + 60
    while time.time() < deadline:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/channels/big/items?since={seq - 1}&limit=1", timeout=10) as r:
            if b'"seq":%d' % seq in r.read():
                return
        time.sleep(0.005)
    raise RuntimeError(f"item {seq} was not logged within a minute")


def measure(binary: Path, items: int, publications: int) -> float:
    """Microseconds of the publish thread's CPU per publication onto a manifest of `items`."""
    def prepare(channels: Path) -> None:
        (channels / "big").mkdir()
        write_manifest(channels, items)

    with scratch_server(binary, prepare) as (server, port, channels):
        wait_logged(port, items)
        thread = threads(server.pid, "pushcast-pub")[0]

        def cpu() -> int:
            return int((thread / "schedstat").read_text().split()[0])

        time.sleep(0.5)
        before = cpu()
        for k in range(1, publications + 1):
            write_manifest(channels, items + k)
            wait_logged(port, items + k)
        return (cpu() - before) / publications / 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, nargs="+", default=[20, 200, 2000], help="manifest lengths")
    parser.add_argument("--publications", type=int, default=20, help="items published onto each")
    parser.add_argument("--binary", type=Path, default=ROOT / ".build" / "release" / "pushcast")
    arguments = parser.parse_args()
    print("| items in the manifest | publish thread's CPU per publication |")
    print("|---:|---:|")
    for items in arguments.items:
        cost = measure(arguments.binary.resolve(), items, arguments.publications)
        print(f"| {items:,} | {cost / 1000:.2f} ms |", flush=True)


if __name__ == "__main__":
    main()
