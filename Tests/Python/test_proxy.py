"""The shipped nginx config (contrib/nginx/pushcast.conf) in a real nginx, over TLS, in front
of the real `pushcast serve` (issue 13): each part of /stream, /events and /live reaches the
reader through nginx at once, not when the next part or a heartbeat pushes it out; resume
(`?since=`, `Last-Event-ID`) passes through; registration is limited per address by nginx
with a JSON answer; plain HTTP is sent to HTTPS, but for certificate renewals; /metrics stays on the host. A control runs
the same checks through an nginx that buffers, and sees them fail.

Run by `make test-proxy` (which `make test` calls): .venv/bin/python Tests/Python/test_proxy.py
"""
from __future__ import annotations

import http.client
import json
import os
import re
import select
import signal
import subprocess
import sys
import time
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from nginx_proxy import HOST_NAME, NginxProxy  # noqa: E402
from proxied_stream import ProxiedStream  # noqa: E402
from pushcast_server import PushcastServer, run_suite  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
BINARY = Path(os.environ.get("PUSHCAST_BINARY", ROOT / ".build" / "debug" / "pushcast"))

# A part must reach the reader within this many seconds of the publish (the server's own
# latency is milliseconds); the next heartbeat is 20 s away, and nothing else is published.
BOUND = 1.0
BUFFERING = [("proxy_buffering off;", "proxy_buffering on;\n        proxy_ignore_headers X-Accel-Buffering;")]


class ProxyTests(unittest.TestCase):
    server: PushcastServer
    nginx: NginxProxy

    @classmethod
    def setUpClass(cls) -> None:
        cls.server = PushcastServer(BINARY)
        cls.addClassCleanup(cls.server.stop)
        cls.upstream_port = int(cls.server.url.rsplit(":", 1)[1])
        cls.nginx = NginxProxy(cls.upstream_port)
        cls.addClassCleanup(cls.nginx.stop)

    def request(self, path: str, headers: dict[str, str] | None = None, method: str = "GET",
                body: bytes = b"", nginx: NginxProxy | None = None) -> ProxiedStream:
        nginx = nginx or self.nginx
        stream = ProxiedStream(nginx.https_port, HOST_NAME, nginx.certificate, method, path, headers, body)
        self.addCleanup(stream.close)
        self.assertTrue(stream.read_head(timeout=BOUND + 2),
                        f"no response head for {path} through nginx within {BOUND + 2:g} s: it is being held back")
        return stream

    def publish(self, channel: str, titles: list[str]) -> float:
        """Publishes `titles` on `channel`; when the manifest went into place."""
        self.server.publish(channel, titles)
        return time.monotonic()

    def open_stream(self, path: str, nginx: NginxProxy | None, headers: dict[str, str] | None = None) -> ProxiedStream:
        stream = self.request(path, headers, nginx=nginx)
        self.assertEqual(stream.status, 200, f"{path} through nginx: {stream.status} {stream.headers}")
        self.assertNotIn("content-encoding", stream.headers,
                         f"{path} was compressed on the way: nginx would hold a compressor (over 100 KiB) per open stream")
        return stream

    def assert_at_once(self, stream: ProxiedStream, pattern: bytes, since: float, what: str) -> None:
        arrived = stream.wait_for(pattern, timeout=BOUND + 2)
        self.assertIsNotNone(arrived, f"{what} did not come through nginx within {BOUND + 2:g} s: it is being held back "
                             f"(buffering?); got {bytes(stream.body[-300:])!r}")
        self.assertLess(arrived - since, BOUND, f"{what} took {arrived - since:.2f} s through nginx")

    # The three checks, each through `nginx` (the shipped one unless a control passes another).

    def check_item_stream(self, channel: str, nginx: NginxProxy | None = None) -> None:
        self.server.publish(channel, ["First"])
        self.server.wait_logged(channel, 1)
        stream = self.open_stream(f"/channels/{channel}/stream", nginx)
        boundary = re.search(r"boundary=([^;\s]+)", stream.headers["content-type"]).group(1).encode()
        delimiter = rb"\r\n--" + re.escape(boundary) + rb"\r\n"
        self.assert_at_once(stream, rb"Pushcast-Event: snapshot.*?" + delimiter, stream.sent_at, "the snapshot part")
        published = self.publish(channel, ["First", "Second"])
        self.assert_at_once(stream, rb"Pushcast-Seq: 2\r\n.*?" + delimiter, published, "the part of item 2")

    def check_events(self, channel: str, nginx: NginxProxy | None = None) -> None:
        self.server.publish(channel, ["First"])
        self.server.wait_logged(channel, 1)
        stream = self.open_stream(f"/channels/{channel}/events", nginx, {"Accept": "text/event-stream"})
        self.assertTrue(stream.headers["content-type"].startswith("text/event-stream"))
        self.assert_at_once(stream, rb"retry: 3000\n\nevent: snapshot\ndata: [^\n]*\n\n", stream.sent_at, "the snapshot event")
        published = self.publish(channel, ["First", "Second"])
        self.assert_at_once(stream, rb"id: 2\nevent: item\ndata: [^\n]*\n\n", published, "the event of item 2")

    def check_live_page(self, channel: str, nginx: NginxProxy | None = None) -> None:
        self.server.publish(channel, ["First"])
        self.server.wait_logged(channel, 1)
        stream = self.open_stream(f"/channels/{channel}/live", nginx, {"Accept": "text/html"})
        boundary = re.search(r"boundary=([^;\s]+)", stream.headers["content-type"]).group(1).encode()
        delimiter = rb"\r\n--" + re.escape(boundary) + rb"\r\n"
        self.assert_at_once(stream, rb'data-seq="1".*?' + delimiter, stream.sent_at, "the first page")
        published = self.publish(channel, ["First", "Second"])
        self.assert_at_once(stream, rb'data-seq="2".*?' + delimiter, published, "the page with item 2")

    def test_item_stream_parts_pass_at_once(self) -> None:
        self.check_item_stream("items")

    def test_events_pass_at_once(self) -> None:
        self.check_events("events")

    def test_live_page_parts_pass_at_once(self) -> None:
        self.check_live_page("live")

    def test_events_pass_at_once_over_http2(self) -> None:
        """Browsers speak HTTP/2 to this config; curl does here, for the same check on /events."""
        self.server.publish("http2", ["First"])
        self.server.wait_logged("http2", 1)
        curl = subprocess.Popen(
            ["curl", "--http2", "--silent", "--no-buffer", "--include", "--cacert", str(self.nginx.certificate),
             "--resolve", f"{HOST_NAME}:{self.nginx.https_port}:127.0.0.1",
             f"https://{HOST_NAME}:{self.nginx.https_port}/channels/http2/events"],
            stdout=subprocess.PIPE, stdin=subprocess.DEVNULL)
        self.addCleanup(lambda: (curl.kill(), curl.wait(), curl.stdout.close()))
        output = bytearray()
        opened = read_until(curl, output, rb"HTTP/2 200.*event: snapshot\ndata: [^\n]*\n\n", BOUND + 2)
        self.assertIsNotNone(opened, f"no HTTP/2 stream with its snapshot through nginx: {bytes(output[-300:])!r}")
        published = self.publish("http2", ["First", "Second"])
        arrived = read_until(curl, output, rb"id: 2\nevent: item\ndata: [^\n]*\n\n", BOUND + 2)
        self.assertIsNotNone(arrived, "the event of item 2 did not come through nginx over HTTP/2: it is being held back")
        self.assertLess(arrived - published, BOUND, f"the event of item 2 took {arrived - published:.2f} s over HTTP/2")

    def test_resume_passes_through(self) -> None:
        self.server.publish("resume", ["First", "Second"])
        self.server.wait_logged("resume", 2)
        stream = self.open_stream("/channels/resume/stream?since=1", None)
        self.assertIsNotNone(stream.wait_for(rb"Pushcast-Seq: 2\r\n", BOUND), "?since=1 did not replay item 2")
        self.assertNotIn(b"snapshot", stream.body, "?since= was lost on the way: the stream began with a snapshot")
        events = self.open_stream("/channels/resume/events", None, {"Last-Event-ID": "1"})
        self.assertIsNotNone(events.wait_for(rb"id: 2\n", BOUND), "Last-Event-ID: 1 did not replay item 2")
        self.assertNotIn(b"snapshot", events.body, "Last-Event-ID was lost on the way: the stream began with a snapshot")

    def test_registration_is_limited_per_address(self) -> None:
        answers = []
        for _ in range(30):
            response = self.request("/subscribers", {"Content-Type": "application/json"}, "POST", b'{"name": "reader"}')
            answers.append((response.status, response.headers, response.read_all()))
        statuses = [status for status, _, _ in answers]
        self.assertEqual(statuses[0], 201, f"the first registration failed: {answers[0]}")
        status, headers, body = answers[-1]
        self.assertEqual(status, 429, f"30 registrations at once were not limited: {statuses}")
        self.assertEqual(headers.get("retry-after"), "60")
        self.assertTrue(headers["content-type"].startswith("application/json"))
        self.assertEqual(json.loads(body)["error"]["code"], "too-many-registrations")
        self.assertIn('limiting requests', self.nginx.log_text())
        self.assertIn('zone "pushcast_registration"', self.nginx.log_text())
        self.assertEqual(self.request("/channels").status, 200, "other requests from the same address were limited too")

    def test_plain_http_is_sent_to_https_but_renewals(self) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.nginx.http_port, timeout=10)
        self.addCleanup(connection.close)
        connection.request("GET", "/channels/items/stream?since=3", headers={"Host": HOST_NAME})
        response = connection.getresponse()
        self.assertEqual(response.status, 301)
        self.assertEqual(response.getheader("Location"), f"https://{HOST_NAME}/channels/items/stream?since=3")
        response.read()
        challenge = self.nginx.webroot / ".well-known" / "acme-challenge" / "token-1"
        challenge.parent.mkdir(parents=True)
        challenge.write_text("token-1.key")
        connection.request("GET", "/.well-known/acme-challenge/token-1", headers={"Host": HOST_NAME})
        response = connection.getresponse()
        self.assertEqual((response.status, response.read()), (200, b"token-1.key"), "certificate renewals cannot be answered")

    def test_metrics_stay_on_the_host(self) -> None:
        self.assertEqual(self.request("/metrics").status, 404)
        self.assertEqual(self.request("/healthz").status, 200)

    def test_server_header_alone_keeps_a_buffering_nginx_streaming(self) -> None:
        """`X-Accel-Buffering: no` from the server is enough where an operator left buffering on."""
        nginx = NginxProxy(self.upstream_port, [("proxy_buffering off;", "proxy_buffering on;")])
        self.addCleanup(nginx.stop)
        self.check_events("header-only", nginx)

    def test_control_the_checks_catch_a_buffering_nginx(self) -> None:
        """Buffering on and the server's header ignored: every check above must fail."""
        nginx = NginxProxy(self.upstream_port, BUFFERING)
        self.addCleanup(nginx.stop)
        for check in (self.check_item_stream, self.check_events, self.check_live_page):
            with self.subTest(check=check.__name__), self.assertRaisesRegex(AssertionError, "held back|took"):
                check(f"control-{check.__name__[6:].replace('_', '-')}", nginx)


def read_until(process: subprocess.Popen, output: bytearray, pattern: bytes, timeout: float) -> float | None:
    """Reads `process`'s output into `output` until it holds `pattern`: when, or None on timeout."""
    expression = re.compile(pattern, re.DOTALL)
    deadline = time.monotonic() + timeout
    while not expression.search(output):
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([process.stdout], [], [], left)[0]:
            return None
        data = os.read(process.stdout.fileno(), 65536)
        if not data:
            return None
        output += data
    return time.monotonic()


def stop_leftovers() -> None:
    for leftover in list(NginxProxy.running):
        leftover.stop()
    ProxyTests.doClassCleanups()


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # stopped from outside, it still cleans up
    run_suite("proxy", BINARY, cleanup=stop_leftovers)
