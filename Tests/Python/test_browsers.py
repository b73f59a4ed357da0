"""Real headless Firefox and Chromium against a real `pushcast serve` (issue 6, SPEC §3.2).

Firefox shows the top-level multipart live page; both browsers show the channel page
(fetch() + ReadableStream) and the badge (a multipart image embedded from another origin),
each updating within 1 s of a file change; hostile titles never run; the index offers each
browser only links that work in it; times read the same on every page. The error pages
(error_page_checks.py) and "notify me" (notify_checks.py) are tested here too. Screenshots go
to .build/browser-tests/ so that a failure can be looked at.

Run by `make test-browser` (which `make test` calls): .venv/bin/python Tests/Python/test_browsers.py
"""
from __future__ import annotations

import http.server
import os
import re
import socket
import sys
import threading
import time
import unittest
from pathlib import Path
from urllib.request import urlopen

sys.path.insert(0, str(Path(__file__).resolve().parent))
import browsers  # noqa: E402
from browsers import PAGE_WINDOW  # noqa: E402
from error_page_checks import ErrorPageChecks  # noqa: E402
from notify_checks import NotifyChecks  # noqa: E402
from pushcast_server import PushcastServer, run_suite  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
BINARY = Path(os.environ.get("PUSHCAST_BINARY", ROOT / ".build" / "debug" / "pushcast"))
SHOTS = ROOT / ".build" / "browser-tests"
# SPEC §3.2: each must visibly update within 1 second of a change.
WITHIN = 1.0

HOSTILE = [
    "<script>window.pwned = 'script'</script>Script in a title",
    '"><img src=x onerror="window.pwned = \'onerror\'">Attribute break-out',
    "<svg onload=\"window.pwned = 'svg'\"></svg>An SVG",
]

LIVE_STATE = f"return {PAGE_WINDOW}.pushcastLive ? {PAGE_WINDOW}.pushcastLive.state : null"
# Every time a page shows, as written: one format, in UTC (PAGES.md).
TIMES = "return [...document.querySelectorAll('time')].map(t => t.textContent)"
ONE_FORMAT = re.compile(r"\d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d UTC")
# The links of a channel's row on the index that this browser shows.
OFFERED = """
return [...document.querySelectorAll('#channel-heads .links a')]
  .filter((a) => a.getClientRects().length > 0).map((a) => [a.textContent, a.getAttribute('href')]);
"""

# Draws the badge into a canvas and returns a short fingerprint of its pixels (the image is
# CORS-enabled, so the canvas is readable): changes when the shown part changes.
BADGE_PIXELS = """
const img = document.getElementById('badge');
if (!img || !img.complete || img.naturalWidth === 0) return null;
const canvas = document.createElement('canvas');
canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
const context = canvas.getContext('2d');
context.drawImage(img, 0, 0);
const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
let hash = 0;
for (let i = 0; i < data.length; i += 4) hash = (hash * 31 + data[i] + data[i + 1] * 7 + data[i + 2] * 13) | 0;
return img.naturalWidth + ':' + hash;
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class EmbedPage:
    """Another origin serving a plain HTML file that embeds the badge with one <img>."""

    def __init__(self, badge_url: str) -> None:
        page = (
            "<!doctype html><meta charset=utf-8><title>Embed</title><p>An ordinary page:</p>"
            f'<img id="badge" crossorigin="anonymous" src="{badge_url}" width="468" height="60" alt="headline">'
        ).encode()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(page)))
                self.end_headers()
                self.wfile.write(page)

            def log_message(self, *args) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/embed.html"

    def stop(self) -> None:
        self.httpd.shutdown()


class BrowserTests(NotifyChecks, ErrorPageChecks, unittest.TestCase):
    server: PushcastServer
    titles: list[str]
    shots = SHOTS

    @classmethod
    def setUpClass(cls) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        cls.server = PushcastServer(BINARY, ["--live-heartbeat", "5"])
        cls.titles = ["Andes observatory sees first light", "Record grain harvest strains ports"]
        cls.server.publish("heads", cls.titles, title="Meridian Headlines")
        cls.server.publish("evil", HOSTILE, title="<script>window.pwned = 'channel'</script>Hostile channel")
        cls.server.wait_logged("heads", len(cls.titles))
        cls.server.wait_logged("evil", len(HOSTILE))
        cls.embed = EmbedPage(cls.server.url + "/channels/heads/badge")
        cls.firefox = browsers.open_firefox()
        cls.chromium = browsers.open_chromium()

    @classmethod
    def tearDownClass(cls) -> None:
        for name in ("firefox", "chromium"):
            browser = getattr(cls, name, None)
            if browser:
                browser.quit()
        cls.embed.stop()
        cls.server.stop()

    def add_headline(self, title: str) -> float:
        """Publishes one more item; returns when the file change was made."""
        self.titles.append(title)
        changed = time.monotonic()
        self.server.publish("heads", self.titles, title="Meridian Headlines")
        return changed

    def shows(self, browser, text: str):
        return lambda: browser.js("return document.body !== null && document.body.textContent.includes(arguments[0])", text)

    def seen_within(self, browser, text: str, changed: float, shot: str) -> float:
        try:
            browsers.wait_for(self.shows(browser, text), 10, what=f"{browser.name} shows {text!r}")
        finally:
            browser.screenshot(SHOTS / f"{shot}.png")
        elapsed = time.monotonic() - changed
        print(f"  {shot}: shown {elapsed * 1000:.0f} ms after the file change", file=sys.stderr)
        self.assertLess(elapsed, WITHIN, f"{browser.name} showed {text!r} after {elapsed:.2f} s")
        return elapsed

    # Firefox: the classic server push, top-level multipart/x-mixed-replace of pages.
    def test_firefox_replaces_the_live_page_in_place(self) -> None:
        firefox = self.firefox
        firefox.get(self.server.url + "/channels/heads/live")
        browsers.wait_for(self.shows(firefox, self.titles[-1]), 10, what="the live page")
        changed = self.add_headline("Firefox: harbour bridge opens early")
        self.seen_within(firefox, "Firefox: harbour bridge opens early", changed, "firefox-live")
        self.assertTrue(firefox.js("return location.pathname") == "/channels/heads/live")
        self.assertEqual(firefox.js("return document.characterSet"), "UTF-8")

    # Both: the channel page, reading /live with fetch() and swapping parts in.
    def channel_page_updates(self, browser) -> None:
        browser.get(self.server.url + "/channels/heads")
        browsers.wait_for(lambda: browser.js(LIVE_STATE) == "live", 10,
                          what=f"{browser.name}: channel page live")
        self.assertEqual(browser.js("return document.getElementById('live-status').textContent"), "live")
        title = f"{browser.name}: rail strike ends after talks"
        changed = self.add_headline(title)
        self.seen_within(browser, title, changed, f"{browser.name}-channel-page")
        # Every earlier item is still shown, newest first, the new one marked.
        shown = browser.js("return [...document.querySelectorAll('li.item .item-title')].map(e => e.textContent)")
        self.assertEqual(shown, list(reversed(self.titles)))
        self.assertTrue(browser.js("return document.querySelector('li.item').classList.contains('fresh')"))
        # Times as the server wrote them, the new item's too (the index writes them the same way).
        times = browser.js(TIMES)
        self.assertGreater(len(times), len(self.titles))
        self.assertEqual([t for t in times if not ONE_FORMAT.fullmatch(t)], [])

    def test_channel_page_updates_in_firefox(self) -> None:
        self.channel_page_updates(self.firefox)

    def test_channel_page_updates_in_chromium(self) -> None:
        self.channel_page_updates(self.chromium)

    # Both: the badge, a multipart image on a page of another origin.
    def badge_updates(self, browser) -> None:
        browser.get(self.embed.url)
        before = browsers.wait_for(lambda: browser.js(BADGE_PIXELS), 10, what=f"{browser.name}: badge shown")
        self.assertGreater(browser.js("return document.getElementById('badge').naturalWidth"), 0)
        (SHOTS / f"{browser.name}-badge-before.png").write_bytes(browser.element_png("#badge"))
        changed = self.add_headline(f"{browser.name}: storm advisory lifted")
        browsers.wait_for(lambda: browser.js(BADGE_PIXELS) not in (None, before), 10, what=f"{browser.name}: badge changed")
        elapsed = time.monotonic() - changed
        (SHOTS / f"{browser.name}-badge-after.png").write_bytes(browser.element_png("#badge"))
        print(f"  {browser.name}-badge: changed {elapsed * 1000:.0f} ms after the file change", file=sys.stderr)
        self.assertLess(elapsed, WITHIN)

    def test_badge_updates_in_firefox(self) -> None:
        self.badge_updates(self.firefox)

    def test_badge_updates_in_chromium(self) -> None:
        self.badge_updates(self.chromium)

    # Both: hostile titles are shown as text and never run.
    def test_hostile_titles_do_not_execute(self) -> None:
        pages = [(self.chromium, "/channels/evil"), (self.firefox, "/channels/evil"), (self.firefox, "/channels/evil/live"),
                 (self.chromium, "/"), (self.firefox, "/")]
        for browser, path in pages:
            with self.subTest(browser=browser.name, path=path):
                browser.get(self.server.url + path)
                browsers.wait_for(self.shows(browser, "Hostile channel"), 10, what=f"{browser.name} {path}")
                if path == "/channels/evil":
                    self.assertTrue(browser.js("return document.body.textContent.includes('Attribute break-out')"))
                    browsers.wait_for(lambda: browser.js(LIVE_STATE) == "live", 10, what="live")
                time.sleep(0.2)  # give any injected handler (an image error, say) the chance to run
                self.assertIsNone(browser.js(f"const w = {PAGE_WINDOW}; return w.pwned === undefined ? null : String(w.pwned)"))
                self.assertEqual(browser.js("return document.querySelectorAll('img[src=\"x\"], svg[onload], script:not([src])').length"), 0)
                self.assertTrue(browser.js("return document.body.textContent.includes('<script>window.pwned')"))

    # Both: push versus pull, as the server measured it.
    def test_stats_page_shows_push_beside_pull(self) -> None:
        self.server.json("/channels/heads/items")  # some pull traffic of its own
        urlopen(self.server.url + "/channels/heads/rss", timeout=10).read()
        for browser in (self.firefox, self.chromium):
            with self.subTest(browser=browser.name):
                browser.get(self.server.url + "/stats.html")
                browsers.wait_for(lambda: browser.js("return document.querySelectorAll('svg.chart').length") == 3, 10,
                                  what=f"{browser.name}: stats charts")
                self.assertTrue(browser.js("return document.body.textContent.includes('RSS feed (first poll)')"))
                self.assertGreater(browser.js("return document.querySelectorAll('rect.bar-push').length"), 0)
                browser.screenshot(SHOTS / f"{browser.name}-stats.png")

    # Both: the index offers each browser the links that work in it, and its feeds.
    def test_index_offers_what_works_in_each_browser(self) -> None:
        channel_page = ["Live page", "/channels/heads"]
        raw_push = ["Raw push (Firefox)", "/channels/heads/live"]
        feeds = [["RSS", "/channels/heads/rss"], ["Manifest", "/channels/heads.cdf"]]
        expected = {"firefox": [channel_page, raw_push, *feeds], "chromium": [channel_page, *feeds]}
        for browser in (self.firefox, self.chromium):
            with self.subTest(browser=browser.name):
                browser.get(self.server.url + "/")
                browsers.wait_for(lambda: browser.js("return document.querySelectorAll('li.channel-row').length") >= 2, 10,
                                  what=f"{browser.name}: index")
                browser.screenshot(SHOTS / f"{browser.name}-index.png")
                discovered = browser.js("return [...document.querySelectorAll('link[rel=alternate]')].map(l => l.getAttribute('href'))")
                self.assertIn("/channels/heads/rss", discovered)
                self.assertIn("/opml", discovered)
                self.assertEqual([t for t in browser.js(TIMES) if not ONE_FORMAT.fullmatch(t)], [])
                offered = browser.js(OFFERED)
                self.assertEqual(offered, expected[browser.name])
                # Each offered page shows the channel's newest headline in this browser.
                for text, href in offered:
                    if href.endswith((".cdf", "/rss")):
                        self.assertEqual(urlopen(self.server.url + href, timeout=10).status, 200)
                        continue
                    browser.get(self.server.url + href)
                    browsers.wait_for(self.shows(browser, self.titles[-1]), 10, what=f"{browser.name}: {text} works")
                    if href == "/channels/heads":
                        browsers.wait_for(lambda: browser.js(LIVE_STATE) == "live", 10, what=f"{browser.name}: {text} live")
                    shot = "channel-page-from-index" if href == "/channels/heads" else "raw-push-from-index"
                    browser.screenshot(SHOTS / f"{browser.name}-{shot}.png")


class ReconnectTests(unittest.TestCase):
    """The channel page outlives its server: it says "reconnecting", comes back when the
    server does, and shows every item logged meanwhile."""

    def test_channel_page_reconnects_and_resumes(self) -> None:
        port = free_port()
        server = PushcastServer(BINARY, ["--port", str(port)])
        chromium = browsers.open_chromium()
        try:
            server.publish("wire", ["Before the outage"])
            server.wait_logged("wire", 1)
            chromium.get(server.url + "/channels/wire")
            state = lambda: chromium.js(LIVE_STATE)  # noqa: E731
            browsers.wait_for(lambda: state() == "live", 10, what="live")
            server.stop(keep_folder=True)
            browsers.wait_for(lambda: state() == "reconnecting", 10, what="reconnecting")
            # While the server is down, two items are published; it logs them when it is back.
            server.publish("wire", ["Before the outage", "During the outage", "Still down"])
            server = PushcastServer(BINARY, ["--port", str(port)], folder=server.folder)
            browsers.wait_for(lambda: state() == "live", 30, what="live again")
            shown = lambda: chromium.js("return [...document.querySelectorAll('li.item .item-title')].map(e => e.textContent)")  # noqa: E731
            browsers.wait_for(lambda: len(shown()) == 3, 10, what="the items logged while down")
            self.assertEqual(shown(), ["Still down", "During the outage", "Before the outage"])
            self.assertGreaterEqual(chromium.js(f"return {PAGE_WINDOW}.pushcastLive.connects"), 2)
            chromium.screenshot(SHOTS / "chromium-reconnected.png")
        finally:
            chromium.quit()
            server.stop()


if __name__ == "__main__":
    run_suite("browser", BINARY)
