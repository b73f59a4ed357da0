"""The pull side as a feed reader sees it (issue 7, SPEC §3): every RSS feed parsed by
feedparser and checked item by item against the JSON log; hostile titles escaped;
conditional GET answered 304 on If-None-Match and on If-Modified-Since, 200 after a change;
the OPML list imported and every feed in it readable.

Run by `make test-feeds` (which `make test` calls): .venv/bin/python Tests/Python/test_feeds.py
"""
from __future__ import annotations

import calendar
import os
import sys
import unittest
import xml.etree.ElementTree as ElementTree
from datetime import datetime, timezone
from pathlib import Path
from urllib.error import HTTPError
from urllib.request import Request, urlopen

import feedparser

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pushcast_server import PushcastServer, run_suite  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
BINARY = Path(os.environ.get("PUSHCAST_BINARY", ROOT / ".build" / "debug" / "pushcast"))

TITLES = [
    "Plain headline",
    "Fish & chips <b>not bold</b>",
    "CDATA end ]]> inside",
    "Quotes \"double\" and 'single'",
    "Accents: Zürich, São Paulo, 東京",
    "Control \x01\x08 characters",
]


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    try:
        with urlopen(Request(url, headers=headers or {}), timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except HTTPError as error:
        return error.code, dict(error.headers), error.read()


class FeedTests(unittest.TestCase):
    server: PushcastServer

    @classmethod
    def setUpClass(cls) -> None:
        cls.server = PushcastServer(BINARY)
        cls.server.publish("heads", TITLES, title="Heads & <Tails>")
        cls.server.publish("second", ["Only item"])
        cls.server.wait_logged("heads", len(TITLES))
        cls.server.wait_logged("second", 1)

    @classmethod
    def tearDownClass(cls) -> None:
        cls.server.stop()

    def log(self, channel: str) -> list[dict]:
        return self.server.json(f"/channels/{channel}/items?since=0&limit=1000")["items"]

    def test_every_item_matches_the_log(self) -> None:
        feed = feedparser.parse(self.server.url + "/channels/heads/rss")
        self.assertFalse(feed.bozo, f"not well-formed: {feed.get('bozo_exception')}")
        self.assertEqual(feed.version, "rss20")
        self.assertEqual(feed.feed.title, "Heads & <Tails>")
        self.assertEqual(feed.feed.link, self.server.url + "/channels/heads")
        log = list(reversed(self.log("heads")))
        self.assertEqual(len(feed.entries), len(log))
        for entry, item in zip(feed.entries, log):
            with self.subTest(seq=item["seq"]):
                self.assertEqual(entry.title, item["title"])
                self.assertEqual(entry.link, item["href"])
                self.assertEqual(entry.id, f"{item['id']}#{item['seq']}")
                self.assertFalse(entry.guidislink)
                logged = datetime.fromisoformat(item["publishedAt"].replace("Z", "+00:00"))
                self.assertEqual(calendar.timegm(entry.published_parsed), int(logged.replace(tzinfo=timezone.utc).timestamp()))
        self.assertEqual({entry.title for entry in feed.entries} & set(TITLES), set(TITLES[:-1]))
        self.assertFalse(any(ord(c) < 0x20 for entry in feed.entries for c in entry.title))

    def test_conditional_get(self) -> None:
        url = self.server.url + "/channels/second/rss"
        first = feedparser.parse(url)
        self.assertEqual(first.status, 200)
        self.assertTrue(first.etag.startswith('"') and first.modified)
        self.assertEqual(feedparser.parse(url, etag=first.etag).status, 304)
        self.assertEqual(feedparser.parse(url, modified=first.modified).status, 304)
        status, headers, body = fetch(url, {"If-None-Match": first.etag})
        self.assertEqual((status, body), (304, b""))
        self.server.publish("second", ["Only item", "A second item"])
        self.server.wait_logged("second", 2)
        after = feedparser.parse(url, etag=first.etag)
        self.assertEqual(after.status, 200)
        self.assertNotEqual(after.etag, first.etag)
        self.assertEqual(after.entries[0].title, "A second item")

    def test_opml_lists_every_feed(self) -> None:
        status, headers, body = fetch(self.server.url + "/opml")
        self.assertEqual(status, 200)
        self.assertTrue(headers["Content-Type"].startswith("text/x-opml"))
        root = ElementTree.fromstring(body)
        self.assertEqual(root.get("version"), "2.0")
        outlines = root.findall("./body/outline")
        self.assertEqual([o.get("title") for o in outlines], ["Heads & <Tails>", "Second"])
        for outline in outlines:
            with self.subTest(feed=outline.get("xmlUrl")):
                self.assertEqual(outline.get("type"), "rss")
                feed = feedparser.parse(outline.get("xmlUrl"))
                self.assertFalse(feed.bozo)
                self.assertEqual(feed.feed.title, outline.get("title"))


if __name__ == "__main__":
    run_suite("feeds", BINARY)
