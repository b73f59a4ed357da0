"""What a browser shows for an address that is not there (defect 6), in real Firefox and
Chromium: a mixin of BrowserTests (test_browsers.py), which provides the server and browsers.

The status itself (404 for a browser and for a script alike) is checked on the wire by
PageEndToEndTests; here, that each browser shows the page, styled, with its way out.
"""
from __future__ import annotations

import browsers

PAGE = """
const main = document.querySelector('main.error');
if (!main || document.readyState !== 'complete') return null;
return {status: main.querySelector('.error-status').textContent, heading: document.querySelector('h1').textContent,
        home: document.querySelector('main.error a[href="/"]') !== null,
        styled: getComputedStyle(document.body).margin === '0px'};
"""


class ErrorPageChecks:
    """Test methods for BrowserTests: `self.server`, `self.firefox`, `self.chromium`, `self.shots`."""

    def test_browsers_are_shown_error_pages(self) -> None:
        # The channel page and the raw push page are routes of their own (the router and the
        # stream path): both answer a browser with the page.
        cases = [("/channels/nope", "No such channel"), ("/channels/nope/live", "No such channel"),
                 ("/no/such/page", "Nothing here")]
        for browser in (self.firefox, self.chromium):
            for path, heading in cases:
                with self.subTest(browser=browser.name, path=path):
                    browser.get(self.server.url + path)
                    shown = browsers.wait_for(lambda: browser.js(PAGE), 10, what=f"{browser.name}: error page for {path}")
                    self.assertEqual(shown, {"status": "404 · Not Found", "heading": heading, "home": True, "styled": True})
                    name = path.strip("/").replace("/", "-")
                    browser.screenshot(self.shots / f"{browser.name}-error-{name}.png")
