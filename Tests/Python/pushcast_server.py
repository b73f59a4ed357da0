"""A real `pushcast serve` for the browser tests: port 0, a temporary channels folder and
database, stopped when the tests end."""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import unittest
import tempfile
import json
import threading
import time
from pathlib import Path
from typing import Callable, Iterable
from urllib.request import urlopen

class PushcastServer:
    def __init__(self, binary: Path, arguments: Iterable[str] = (), folder: Path | None = None,
                 preexec: Callable[[], None] | None = None) -> None:
        """Starts the server; on `folder` (its channels and database) when given, as after a restart;
        `preexec` runs in the child just before the server is executed (a sandbox to enter)."""
        self.folder = folder or Path(tempfile.mkdtemp(prefix="pushcast-browser-"))
        self.channels = self.folder / "channels"
        self.channels.mkdir(exist_ok=True)
        self.log = open(self.folder / "server.log", "ab")
        self.process = subprocess.Popen(
            [str(binary), "serve", "--channels", str(self.channels), "--db", str(self.folder / "db.sqlite"),
             "--port", "0", *arguments],
            stdout=subprocess.PIPE, stderr=self.log, stdin=subprocess.DEVNULL, preexec_fn=preexec)
        self.url = self._read_url()
        # Keep draining stdout so the server never blocks on it.
        threading.Thread(target=lambda: self.process.stdout.read(), daemon=True).start()

    def _read_url(self) -> str:
        line = self.process.stdout.readline().decode()
        match = re.search(r"at (http://\S+)", line)
        if not match:
            log = self.log_text()
            self.stop()
            raise RuntimeError(f"pushcast serve did not start (exit status {self.process.returncode}): {line!r}; "
                               f"log: {log[-2000:]}")
        return match.group(1)

    def log_text(self) -> str:
        self.log.flush()
        return (self.folder / "server.log").read_text(errors="replace")

    def write(self, relative: str, text: str) -> None:
        """Writes a file the way editors and publishers do: a new file renamed into place."""
        target = self.channels / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.tmp")
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, target)

    def json(self, path: str) -> dict:
        with urlopen(self.url + path, timeout=10) as response:
            return json.load(response)

    def publish(self, channel: str, titles: list[str], title: str | None = None) -> None:
        """(Re)writes `channel` with one local item per title; the newest is the last."""
        items = []
        for index, item_title in enumerate(titles):
            self.write(f"{channel}/{index}.html", f"<p>{index}</p>")
            items.append(f'<ITEM HREF="{channel}/{index}.html"><TITLE>{escape(item_title)}</TITLE></ITEM>')
        self.write(
            f"{channel}.cdf",
            '<?xml version="1.0"?>\n<CHANNEL><TITLE>' + escape(title or channel.title()) + "</TITLE>"
            + "<ABSTRACT>A channel for the browser tests.</ABSTRACT>\n" + "\n".join(items) + "\n</CHANNEL>\n")

    def wait_logged(self, channel: str, count: int, timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if self.json(f"/channels/{channel}/items?since=0&limit=1000")["lastSeq"] >= count:
                    return
            except OSError:
                pass
            time.sleep(0.02)
        raise TimeoutError(f"{channel}: {count} items not logged in {timeout} s; log: {self.log_text()[-2000:]}")

    def stop(self, keep_folder: bool = False) -> None:
        """SIGTERM (the streams end with their close delimiter), then the folder goes unless kept."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        if not keep_folder:
            shutil.rmtree(self.folder, ignore_errors=True)


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def run_suite(name: str, binary: Path, cleanup: Callable[[], None] | None = None) -> None:
    """Runs the tests of the script being run (`__main__`) against `binary`, then `cleanup`
    whatever happened; prints "NAME: N passed, M failed" and exits with the outcome."""
    if not binary.exists():
        sys.exit(f"no {binary}: build first (make build)")
    try:
        result = unittest.TextTestRunner(verbosity=2).run(
            unittest.defaultTestLoader.loadTestsFromModule(sys.modules["__main__"]))
    finally:
        if cleanup:
            cleanup()
    failed = len(result.failures) + len(result.errors)
    print(f"{name}: {max(result.testsRun - failed, 0)} passed, {failed} failed")
    sys.exit(0 if result.wasSuccessful() else 1)
