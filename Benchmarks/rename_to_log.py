#!/usr/bin/env python3
"""File rename -> logged entry, measured on a real `pushcast serve`.

Starts the release server on a free port with a scratch channels folder and database,
then N times writes a new version of a content file beside it and renames it into place
(as publishing tools do). Each logged entry carries its own `publishedAt` (the moment the
store committed it), so the delay is publishedAt - rename time, with no polling error.
The API is only polled to know when to go on to the next round.

Usage: python3 Benchmarks/rename_to_log.py [--rounds 20] [--binary .build/release/pushcast]
"""
import argparse, json, os, platform, statistics, subprocess, sys, tempfile, time, urllib.request
from datetime import datetime


def get(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--binary", default=".build/release/pushcast")
    args = parser.parse_args()

    scratch = tempfile.mkdtemp(prefix="pushcast-latency-")
    channels = os.path.join(scratch, "channels")
    os.makedirs(channels)
    with open(os.path.join(channels, "page.html"), "w") as f:
        f.write("<p>round 0</p>")
    with open(os.path.join(channels, "latency.cdf"), "w") as f:
        f.write('<?xml version="1.0"?>\n<CHANNEL><TITLE>Latency</TITLE>'
                '<ITEM HREF="page.html"><TITLE>Page</TITLE></ITEM></CHANNEL>\n')
    server = subprocess.Popen(
        [args.binary, "serve", "--port", "0", "--channels", channels, "--db", os.path.join(scratch, "db.sqlite"),
         "--log-level", "warning"], stdout=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline()
        base = line.strip().split(" at ")[-1]
        def last_seq():
            return get(base + "/channels/latency/items?since=0&limit=1000")["lastSeq"]
        deadline = time.time() + 10
        while last_seq() < 1:
            if time.time() > deadline:
                sys.exit("the first entry never came")
            time.sleep(0.01)
        delays = []
        for round_number in range(1, args.rounds + 1):
            before = last_seq()
            temporary = os.path.join(channels, ".page.html.tmp")
            with open(temporary, "w") as f:
                f.write(f"<p>round {round_number}</p>")
            renamed_at = time.time()
            os.rename(temporary, os.path.join(channels, "page.html"))
            deadline = time.time() + 10
            while (seq := last_seq()) <= before:
                if time.time() > deadline:
                    sys.exit(f"round {round_number}: no entry within 10 s")
                time.sleep(0.005)
            item = get(f"{base}/channels/latency/items/{seq}")
            logged = datetime.strptime(item["publishedAt"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(
                tzinfo=__import__("datetime").timezone.utc).timestamp()
            delays.append((logged - renamed_at) * 1000)
            time.sleep(0.05)  # let the burst end before the next rename
        delays.sort()
        print(f"rename -> logged entry, {len(delays)} rounds: "
              f"p50 {statistics.median(delays):.1f} ms, max {delays[-1]:.1f} ms, min {delays[0]:.1f} ms")
        print(f"machine: {platform.machine()}, {os.cpu_count()} cores; {time.strftime('%Y-%m-%d')}; "
              f"binary {args.binary}")
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
