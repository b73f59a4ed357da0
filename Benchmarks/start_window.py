#!/usr/bin/env python3
"""start_window: what happens to clients that connect while `pushcast serve` starts.

  python3 Benchmarks/start_window.py [--binary .build/release/pushcast] [--runs 5]

Each run starts a server on a fresh folder while a thread connects to its port in a tight
loop and sends `GET /healthz` on every connection that gets through, until 21 have; then
every one of them is read (5 s at most). A connection is *answered*, *dropped* (closed or
reset before any answer) or *hung* (no answer in 5 s). Refused connects are retried, as a
reader reconnecting after a restart does. A server that is refusing until it serves has
every connection answered.
"""
from __future__ import annotations

import argparse
import shutil
import socket
import subprocess
import tempfile
import threading
from pathlib import Path

CONNECTIONS = 21


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run(binary: Path) -> dict[str, int]:
    folder = Path(tempfile.mkdtemp(prefix="start-window-"))
    (folder / "channels").mkdir()
    port = free_port()
    through: list[socket.socket] = []

    def connect() -> None:
        while len(through) < CONNECTIONS:
            client = socket.socket()
            try:
                client.connect(("127.0.0.1", port))
            except OSError:
                client.close()
                continue
            client.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
            through.append(client)

    connecting = threading.Thread(target=connect)
    connecting.start()
    server = subprocess.Popen(
        [str(binary), "serve", "--channels", str(folder / "channels"), "--db", str(folder / "db.sqlite"),
         "--port", str(port), "--log-level", "warning"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        connecting.join(timeout=30)
        outcomes = {"answered": 0, "dropped": 0, "hung": 0}
        for client in through:
            client.settimeout(5)
            try:
                outcomes["answered" if client.recv(100) else "dropped"] += 1
            except socket.timeout:
                outcomes["hung"] += 1
            except OSError:
                outcomes["dropped"] += 1
            client.close()
        return outcomes
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", type=Path, default=Path(".build/release/pushcast"))
    parser.add_argument("--runs", type=int, default=5)
    arguments = parser.parse_args()
    for index in range(1, arguments.runs + 1):
        outcomes = run(arguments.binary)
        print(f"run {index}: " + ", ".join(f"{count} {name}" for name, count in outcomes.items()), flush=True)


if __name__ == "__main__":
    main()
