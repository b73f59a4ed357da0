"""A release Pushcast server of its own on a scratch channels/ folder, for the benchmark
scripts that need one (publish_cost.py, idle_streams.py)."""

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from typing import Callable, Iterator


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def threads(pid: int, prefix: str) -> list[Path]:
    """The /proc folders of the process's threads whose name starts with `prefix`; a thread
    that ends while they are listed (the cooperative pool's come and go) is left out."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            if (task / "comm").read_text().startswith(prefix):
                found.append(task)
        except FileNotFoundError:
            continue
    return found


@contextlib.contextmanager
def scratch_server(binary: Path, prepare: Callable[[Path], None], *arguments: str) -> Iterator[tuple[subprocess.Popen, int, Path]]:
    """The server, its port and its channels/ folder, which `prepare` fills before it starts;
    the folder is in /dev/shm where there is one (the file system is not what is measured).
    Afterwards the server is stopped and the folder removed."""
    scratch = Path(tempfile.mkdtemp(prefix="pushcast-bench-", dir="/dev/shm" if os.path.isdir("/dev/shm") else None))
    channels = scratch / "channels"
    channels.mkdir()
    prepare(channels)
    port = free_port()
    server = subprocess.Popen(
        [str(binary), "serve", "--channels", str(channels), "--port", str(port), "--db", str(scratch / "db.sqlite"),
         "--log-level", "warning", *arguments],
        stdout=subprocess.PIPE, stderr=open(scratch / "serve.err", "wb"))
    try:
        if " at http" not in server.stdout.readline().decode():
            raise RuntimeError(f"pushcast did not start: {(scratch / 'serve.err').read_text()[-2000:]}")
        yield server, port, channels
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(scratch, ignore_errors=True)
