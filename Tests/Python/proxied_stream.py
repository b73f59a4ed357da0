"""One HTTP/1.1 request over TLS, its chunked body decoded as the bytes arrive, so a test can
say when each piece of a stream reached the reader."""
from __future__ import annotations

import re
import select
import socket
import ssl
import time
from pathlib import Path


class ProxiedStream:
    """A GET (or any request) through the proxy, read incrementally with arrival times."""

    def __init__(self, port: int, host: str, certificate: Path, method: str, path: str,
                 headers: dict[str, str] | None = None, body: bytes = b"") -> None:
        context = ssl.create_default_context(cafile=str(certificate))
        self.socket = context.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=10), server_hostname=host)
        fields = {"Host": host, "User-Agent": "pushcast-proxy-test", "Accept-Encoding": "gzip, deflate, br", **(headers or {})}
        if body:
            fields["Content-Length"] = str(len(body))
        head = f"{method} {path} HTTP/1.1\r\n" + "".join(f"{name}: {value}\r\n" for name, value in fields.items())
        self.sent_at = time.monotonic()
        self.socket.sendall(head.encode() + b"\r\n" + body)
        self.socket.setblocking(False)  # TLS records that carry no data (session tickets) wake select too
        self.raw = bytearray()
        self.body = bytearray()
        self.ended = False
        self.status = 0
        self.headers: dict[str, str] = {}

    def _receive(self, deadline: float) -> bool:
        """Reads what has arrived (waiting until `deadline`); False when nothing came in time."""
        if not self.socket.pending():
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.socket], [], [], left)[0]:
                return False
        try:
            data = self.socket.recv(65536)
        except ssl.SSLWantReadError:
            return True
        if not data:
            self.ended = True
        self.raw += data
        return True

    def read_head(self, timeout: float) -> bool:
        """Reads the response head into `status` and `headers`; False if it did not come in time."""
        deadline = time.monotonic() + timeout
        while b"\r\n\r\n" not in self.raw:
            if self.ended or not self._receive(deadline):
                return False
        head, _, rest = bytes(self.raw).partition(b"\r\n\r\n")
        self.raw = bytearray(rest)
        lines = head.decode("latin-1").split("\r\n")
        self.status = int(lines[0].split()[1])
        for line in lines[1:]:
            name, _, value = line.partition(":")
            self.headers[name.strip().lower()] = value.strip()
        return True

    @property
    def chunked(self) -> bool:
        return self.headers.get("transfer-encoding", "").lower() == "chunked"

    def _decode(self) -> None:
        if not self.chunked:
            self.body += self.raw
            self.raw.clear()
            return
        while True:
            size_line, separator, rest = bytes(self.raw).partition(b"\r\n")
            if not separator:
                return
            size = int(size_line.split(b";")[0], 16)
            if len(rest) < size + 2:
                return
            self.body += rest[:size]
            self.raw = bytearray(rest[size + 2:])
            if size == 0:
                self.ended = True
                return

    def wait_for(self, pattern: bytes, timeout: float) -> float | None:
        """When (time.monotonic()) the body first held `pattern` (a regular expression), or
        None if it did not within `timeout` seconds."""
        expression = re.compile(pattern, re.DOTALL)
        deadline = time.monotonic() + timeout
        while True:
            self._decode()
            if expression.search(self.body):
                return time.monotonic()
            if self.ended or not self._receive(deadline):
                return None

    def read_all(self, timeout: float = 10) -> bytes:
        """The whole body of a response that ends."""
        deadline = time.monotonic() + timeout
        length = None if self.chunked else int(self.headers.get("content-length", "0"))
        while not self.ended:
            self._decode()
            if length is not None and len(self.body) >= length:
                break
            if not self._receive(deadline):
                raise AssertionError(f"the response did not end within {timeout} s")
        self._decode()
        return bytes(self.body)

    def close(self) -> None:
        self.socket.close()
