"""The channel page's opt-in "notify me" (notify.js), in real Firefox and Chromium: a mixin of
BrowserTests (test_browsers.py), which provides the server and the browsers.

Both browsers allow notifications by default (browsers.py sets their prefs). The test puts a
recording Notification in the page: its `permission` says "default" until the page asks, and
asking goes to the browser's real Notification.requestPermission(), which the pref answers.
Notifications it records are not shown. A hidden tab is made by overriding
`document.visibilityState` in the page; the real visibility of a headless window is not changed.
In Chromium the recorder is in place before the page's scripts run (DevTools), so a page that
asked on load would be caught; in Firefox it is put in after load.
"""
from __future__ import annotations

import time
from pathlib import Path

import browsers

# Runs in the page (Chromium) or in Marionette's sandbox (Firefox), where the page's own
# objects are reached through wrappedJSObject and the page may call the sandbox's functions
# (exportFunction) but not read their properties: so the recorder the page sees is a Proxy of
# the real Notification, made of the page's own objects, whose traps are exported functions.
RECORDER = """
const fresh = FRESH;
const page = window.wrappedJSObject || window;
const helpers = typeof Components === "object" && Components.utils;
const expose = (fn) => (helpers ? helpers.exportFunction(fn, page) : fn);
const Real = page.__realNotification || page.Notification;
page.__realNotification = Real;
const record = new page.Object();
record.asked = 0;
record.shown = new page.Array();
// A site never asked before says "default"; one granted before, what the browser says.
record.permission = fresh ? "default" : Real.permission;
page.__notes = record;
const requestPermission = expose(() => {
  record.asked += 1;
  return Real.requestPermission().then(expose((answer) => { record.permission = answer; return answer; }));
});
const traps = new page.Object();
traps.get = expose((target, name) =>
  name === "permission" ? record.permission : name === "requestPermission" ? requestPermission : undefined);
traps.construct = expose((target, args) => {
  const note = new page.Object();
  note.title = args[0];
  note.body = args[1] ? args[1].body : null;
  note.closed = false;
  note.close = expose(() => { note.closed = true; });
  record.shown.push(note);
  return note;
});
page.Notification = new page.Proxy(Real, traps);
return true;
"""
# Makes the page believe it is hidden (or visible again) and tells it so.
VISIBILITY = """
const page = window.wrappedJSObject || window;
const helpers = typeof Components === "object" && Components.utils;
const descriptor = {value: arguments[0], configurable: true};
page.Object.defineProperty(page.document, "visibilityState", helpers ? helpers.cloneInto(descriptor, page) : descriptor);
page.document.dispatchEvent(new page.Event("visibilitychange"));
return page.document.visibilityState;
"""
NOTES = """
const notes = (window.wrappedJSObject || window).__notes;
return notes ? {asked: notes.asked, shown: Array.from(notes.shown, (n) => ({title: n.title, body: n.body, closed: n.closed}))} : null;
"""
BUTTON = "const b = document.getElementById('notify'); return b.hidden ? null : [b.dataset.state, b.textContent]"
STORED = "return localStorage.getItem('pushcast.notify.alerts')"


class NotifyChecks:
    """Test methods for BrowserTests: `self.server`, `self.firefox`, `self.chromium`, `self.shots`."""

    alerts = ["Tide tables published"]

    def open_alerts(self, browser, fresh: bool) -> None:
        """The channel page of `alerts`, live, with the recorder in place (`fresh`: as for a
        site never asked before)."""
        recorder = RECORDER.replace("FRESH", "true" if fresh else "false")
        if browser.name == "chromium":
            added = browser.driver.execute_cdp_cmd(
                "Page.addScriptToEvaluateOnNewDocument", {"source": f"(() => {{ {recorder} }})()"})
        try:
            browser.get(self.server.url + "/channels/alerts")
            browsers.wait_for(lambda: browser.js(f"return {browsers.PAGE_WINDOW}.pushcastLive.state") == "live", 10,
                              what=f"{browser.name}: alerts live")
        finally:
            if browser.name == "chromium":
                browser.driver.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", added)
        if browser.name == "firefox":
            browser.js(recorder)

    def publish_alert(self, browser, title: str) -> float:
        self.alerts.append(title)
        changed = time.monotonic()
        self.server.publish("alerts", self.alerts, title="Harbour Alerts")
        browsers.wait_for(lambda: browser.js("return document.body.textContent.includes(arguments[0])", title), 10,
                          what=f"{browser.name} shows {title!r}")
        return changed

    def notify_me(self, browser, shots: Path) -> None:
        self.server.publish("alerts", self.alerts, title="Harbour Alerts")
        self.server.wait_logged("alerts", 1)
        self.open_alerts(browser, fresh=True)
        self.assertEqual(browser.js(BUTTON), ["off", "Notify me of new items"])
        self.assertEqual(browser.js(NOTES)["asked"], 0, "the page asked for permission before any click")
        browser.click("#notify")
        browsers.wait_for(lambda: browser.js(BUTTON)[0] == "on", 10, what=f"{browser.name}: notifications on")
        self.assertEqual(browser.js(BUTTON)[1], "Notifying you of new items · stop")
        self.assertEqual(browser.js(NOTES)["asked"], 1)
        self.assertEqual(browser.js(STORED), "on")
        browser.screenshot(shots / f"{browser.name}-notify-on.png")

        # Visible: a new item is shown, and nothing is raised.
        self.publish_alert(browser, f"{browser.name}: ferry delayed")
        time.sleep(0.3)
        self.assertEqual(browser.js(NOTES)["shown"], [])
        # Hidden: one notification per change, with the channel and the item.
        self.assertEqual(browser.js(VISIBILITY, "hidden"), "hidden")
        title = f"{browser.name}: gale warning for the harbour"
        changed = self.publish_alert(browser, title)
        shown = browsers.wait_for(lambda: browser.js(NOTES)["shown"], 10, what=f"{browser.name}: a notification")
        print(f"  {browser.name}-notify: raised {(time.monotonic() - changed) * 1000:.0f} ms after the file change")
        self.assertEqual(shown, [{"title": "Harbour Alerts", "body": title, "closed": False}])
        browser.js("(window.wrappedJSObject || window).__notes.shown[0].onclick()")
        self.assertTrue(browser.js(NOTES)["shown"][0]["closed"], "clicking the notification closes it")

        # Remembered: the page opened again is on without a click, and asks nothing.
        self.open_alerts(browser, fresh=False)
        self.assertEqual(browser.js(BUTTON)[0], "on")
        self.assertEqual(browser.js(NOTES)["asked"], 0)
        browser.js(VISIBILITY, "hidden")
        self.publish_alert(browser, f"{browser.name}: harbour reopens")
        browsers.wait_for(lambda: browser.js(NOTES)["shown"], 10, what=f"{browser.name}: a notification after reload")

        # Off, then blocked, then no API at all: the button says so.
        browser.click("#notify")
        browsers.wait_for(lambda: browser.js(BUTTON)[0] == "off", 10, what="off")
        self.assertIsNone(browser.js(STORED))
        browser.js("(window.wrappedJSObject || window).__notes.permission = 'denied'")
        browser.click("#notify")
        browsers.wait_for(lambda: browser.js(BUTTON)[0] == "denied", 10, what="denied")
        self.assertIn("blocked", browser.js(BUTTON)[1])
        browser.js("(window.wrappedJSObject || window).Notification = undefined")
        browser.click("#notify")
        browsers.wait_for(lambda: browser.js(BUTTON)[0] == "unavailable", 10, what="unavailable")
        self.assertEqual(browser.js(BUTTON)[1], "Notifications are not available in this browser")
        browser.screenshot(shots / f"{browser.name}-notify-unavailable.png")

    def test_notify_me_in_firefox(self) -> None:
        self.notify_me(self.firefox, self.shots)

    def test_notify_me_in_chromium(self) -> None:
        self.notify_me(self.chromium, self.shots)
