#!/usr/bin/env python3
"""Where a Pushcast server's CPU per item goes, by thread and by layer, from a perf profile.

    python3 Benchmarks/cpu_layers.py PERF_DATA HZ ITEMS

PERF_DATA is a `perf record -F HZ -p PID` of the release server taken while ITEMS items
were published (for example 8 s of `fanout.py --items 240 --rate 20`, so 160 items). Each
sample is attributed to its thread (the event loops, the publish thread, the rest) and to
the layer of the function it was taken in: the kernel, SwiftNIO, Pushcast's own code (its
CDF parser too), the Swift runtime, or other libraries (libc, SQLite, libxml2, GRDB).
Prints milliseconds of CPU per item for each pair, largest first (docs/PUSH.md quotes it).
"""
import collections
import subprocess
import sys


def thread(command: str) -> str:
    if command.startswith("NIO-SGLTN"):
        return "event loops"
    if command == "pushcast-pub":
        return "publish thread"
    return "other threads"


def layer(symbol: str, library: str) -> str:
    if "kernel" in library:
        return "kernel"
    if "NIOPosix" in symbol or "NIOCore" in symbol:
        return "SwiftNIO"
    if "Pushcast" in symbol or "3CDF" in symbol:
        return "Pushcast"
    if "libswift" in library or symbol.startswith("swift_"):
        return "Swift runtime"
    return "other libraries"


def main() -> None:
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    data, hertz, items = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
    script = subprocess.run(["perf", "script", "-i", data, "-F", "comm,ip,sym,dso", "-G"],
                            capture_output=True, text=True, check=True).stdout
    counts: collections.Counter = collections.Counter()
    for line in script.splitlines():
        line = line.strip()
        if not line:
            continue
        command, _, rest = line.partition(" ")
        _address, _, rest = rest.strip().partition(" ")
        symbol, _, library = rest.rpartition(" (")
        counts[(thread(command), layer(symbol.strip(), library))] += 1
    per_item = 1000 / hertz / items
    for (where, what), samples in counts.most_common():
        print(f"{where:15} {what:16} {samples * per_item:6.2f} ms per item")
    print(f"{'total':32} {sum(counts.values()) * per_item:6.2f} ms per item ({sum(counts.values())} samples)")


if __name__ == "__main__":
    main()
