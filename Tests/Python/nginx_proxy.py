"""A throwaway real nginx running contrib/nginx/pushcast.conf in front of a test server: its
own prefix, temp folders and self-signed certificate, free loopback ports, stopped by PID."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

CONTRIB = Path(__file__).resolve().parents[2] / "contrib" / "nginx" / "pushcast.conf"
HOST_NAME = "pushcast.example.org"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class NginxProxy:
    """nginx with the shipped config, changed only in its ports, upstream and certificate and webroot paths.

    `edits` (pairs of text and its replacement) break it on purpose: the control test runs a
    buffering nginx to show that the checks catch one."""

    running: set[NginxProxy] = set()  # started and not yet stopped, for an interrupted run to stop

    def __init__(self, upstream_port: int, edits: list[tuple[str, str]] | None = None) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="pushcast-nginx-"))
        os.chmod(self.folder, 0o755)  # the workers run as nobody
        self.https_port, self.http_port = free_port(), free_port()
        self.error_log = self.folder / "error.log"
        try:
            self.certificate = self._make_certificate()
            config = self._render(upstream_port, edits or [])
        except BaseException:
            shutil.rmtree(self.folder, ignore_errors=True)
            raise
        self.process = subprocess.Popen(
            ["nginx", "-p", str(self.folder), "-e", str(self.error_log), "-c", str(config), "-g", "daemon off;"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=open(self.folder / "nginx.err", "wb"))
        NginxProxy.running.add(self)
        self.workers: list[int] = []
        self._wait_ready()

    def _make_certificate(self) -> Path:
        certificate = self.folder / "fullchain.pem"
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", f"/CN={HOST_NAME}",
             "-addext", f"subjectAltName=DNS:{HOST_NAME}",
             "-keyout", str(self.folder / "privkey.pem"), "-out", str(certificate)],
            check=True, capture_output=True)
        return certificate

    def _render(self, upstream_port: int, edits: list[tuple[str, str]]) -> Path:
        text = CONTRIB.read_text()
        live = f"/etc/letsencrypt/live/{HOST_NAME}/"
        self.webroot = self.folder / "webroot"
        for old, new in [("server 127.0.0.1:8080;", f"server 127.0.0.1:{upstream_port};"),
                         ("root /var/www/letsencrypt;", f"root {self.webroot};"),
                         ("listen 80;", f"listen 127.0.0.1:{self.http_port};"),
                         ("listen 443 ", f"listen 127.0.0.1:{self.https_port} "),
                         (live, f"{self.folder}/"), *edits]:
            if old not in text:
                raise AssertionError(f"{CONTRIB} no longer contains {old!r}: update nginx_proxy.py to match it.")
            text = text.replace(old, new)
        site = self.folder / "pushcast.conf"
        site.write_text(text)
        for temporary in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.folder / temporary).mkdir()
        main = self.folder / "nginx.conf"
        # Like Debian's nginx.conf, plus gzip for the types the streams use, as an operator
        # might set it: the shipped file must keep streams unzipped all the same.
        main.write_text(f"""
worker_processes 1;
pid {self.folder}/nginx.pid;
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {self.folder}/access.log;
    client_body_temp_path {self.folder}/body;
    proxy_temp_path {self.folder}/proxy;
    fastcgi_temp_path {self.folder}/fastcgi;
    uwsgi_temp_path {self.folder}/uwsgi;
    scgi_temp_path {self.folder}/scgi;
    gzip on;
    gzip_types text/plain text/event-stream multipart/x-mixed-replace application/json;
    include {site};
}}
""")
        return main

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                message = (self.folder / "nginx.err").read_text(errors="replace").strip()
                self.stop()
                raise RuntimeError(f"nginx did not start with {CONTRIB.name}: {message}")
            try:
                socket.create_connection(("127.0.0.1", self.https_port), timeout=1).close()
                self.workers = self._children()
                return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"nginx did not listen on port {self.https_port} within 10 s")

    def _children(self) -> list[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in path.read_text().split()] if path.exists() else []

    def log_text(self) -> str:
        return self.error_log.read_text(errors="replace") if self.error_log.exists() else ""

    def stop(self) -> None:
        """SIGTERM to the master (its workers go with it); SIGKILL to each by PID if it hangs."""
        NginxProxy.running.discard(self)
        if self.process.poll() is None:
            self.workers = self.workers or self._children()
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                for pid in [self.process.pid, *self.workers]:
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)
