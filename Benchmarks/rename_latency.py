#!/usr/bin/env python3
"""File rename -> logged entry -> part received, measured on a real `pushcast serve`.

Starts the release server on a free port with a scratch channels folder and database,
opens its multipart stream `/channels/latency/stream` on a plain socket, then measures
two ways of publishing, N rounds each (as publishing tools do):
- a content file: a new version written beside it and renamed into place (the watcher
  waits its 10 ms quiet time, in case the manifest follows);
- a manifest: a new item's content file written, then the manifest with the new item
  written beside it and renamed into place (which ends the watcher's burst at once).
For each round it reports:
- rename -> logged: the entry's own `publishedAt` (when the store committed it) minus the
  rename time, with no polling error;
- rename -> part received: when the stream's part for that seq, followed by its
  delimiter, has been read from the socket, minus the rename time.
Both clocks are this machine's.

Usage: python3 Benchmarks/rename_latency.py [--rounds 20] [--binary .build/release/pushcast]
"""
import argparse, json, os, platform, socket, statistics, subprocess, sys, tempfile, time, urllib.request
from datetime import datetime


def get(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


class PartReader:
    """Reads a multipart stream from a socket; `next_item_seq` blocks until an item part is whole."""

    def __init__(self, port, path):
        self.socket = socket.create_connection(("127.0.0.1", port))
        self.socket.sendall(f"GET {path} HTTP/1.1\r\nHost: bench\r\n\r\n".encode())
        self.buffer = b""
        while b"\r\n\r\n" not in self.buffer:
            self.buffer += self.socket.recv(65536)
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        boundary = head.decode().split("boundary=")[1].split(";")[0].strip()
        self.delimiter = b"--" + boundary.encode()

    def next_item_seq(self):
        while True:
            # Chunked framing is left in the buffer; part headers are found by their names.
            marker = self.buffer.find(b"Pushcast-Event: item")
            if marker >= 0:
                end = self.buffer.find(self.delimiter, marker)
                if end >= 0:
                    part = self.buffer[:end]
                    self.buffer = self.buffer[end + len(self.delimiter):]
                    seq_at = part.rfind(b"Pushcast-Seq: ")
                    return int(part[seq_at + 14:part.index(b"\r\n", seq_at)])
            self.buffer += self.socket.recv(65536)


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
        port = int(base.rsplit(":", 1)[1])
        stream = PartReader(port, f"/channels/latency/stream?since={last_seq()}")

        def rename_content(round_number):
            temporary = os.path.join(channels, ".page.html.tmp")
            with open(temporary, "w") as f:
                f.write(f"<p>round {round_number}</p>")
            renamed_at = time.time()
            os.rename(temporary, os.path.join(channels, "page.html"))
            return renamed_at

        def rename_manifest(round_number):
            with open(os.path.join(channels, f"new-{round_number}.html"), "w") as f:
                f.write(f"<p>new item {round_number}</p>")
            items = "".join(f'<ITEM HREF="new-{n}.html"><TITLE>New {n}</TITLE></ITEM>' for n in range(1, round_number + 1))
            temporary = os.path.join(channels, ".latency.cdf.tmp")
            with open(temporary, "w") as f:
                f.write('<?xml version="1.0"?>\n<CHANNEL><TITLE>Latency</TITLE>'
                        f'<ITEM HREF="page.html"><TITLE>Page</TITLE></ITEM>{items}</CHANNEL>\n')
            renamed_at = time.time()
            os.rename(temporary, os.path.join(channels, "latency.cdf"))
            return renamed_at

        for name, publish in (("content file", rename_content), ("manifest", rename_manifest)):
            delays = []
            received = []
            for round_number in range(1, args.rounds + 1):
                before = last_seq()
                renamed_at = publish(round_number)
                part_seq = stream.next_item_seq()
                received.append((time.time() - renamed_at) * 1000)
                deadline = time.time() + 10
                while (seq := last_seq()) <= before:
                    if time.time() > deadline:
                        sys.exit(f"{name}, round {round_number}: no entry within 10 s")
                    time.sleep(0.005)
                item = get(f"{base}/channels/latency/items/{seq}")
                logged = datetime.strptime(item["publishedAt"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(
                    tzinfo=__import__("datetime").timezone.utc).timestamp()
                delays.append((logged - renamed_at) * 1000)
                if part_seq != seq:
                    sys.exit(f"{name}, round {round_number}: the stream sent seq {part_seq}, the log has {seq}")
                time.sleep(0.05)  # let the burst end before the next rename
            for label, values in (("rename -> logged entry", delays), ("rename -> part received", received)):
                values.sort()
                print(f"{name}: {label}, {len(values)} rounds: "
                      f"p50 {statistics.median(values):.1f} ms, max {values[-1]:.1f} ms, min {values[0]:.1f} ms")
        print(f"machine: {platform.machine()}, {os.cpu_count()} cores; {time.strftime('%Y-%m-%d')}; "
              f"binary {args.binary}")
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
