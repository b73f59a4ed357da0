"""Uniform minimal headless-browser API over Chromium (selenium+chromedriver)
and Firefox ESR (raw Marionette via marionette_driver, no geckodriver).

    b = open_chromium()   # or open_firefox()
    try:
        b.get(url)                      # navigate, never waits for load
        b.js("return arguments[0] + 1", 41)
        b.screenshot("/path/shot.png")  # viewport PNG
        png = b.element_png("img")      # PNG bytes of one element
        b.click("#button")              # a real click (a user gesture) on one element
    finally:
        b.quit()                        # kills browser, removes temp profile

Both allow web notifications by default (the pages' "notify me" asks for that permission).

All temporary files (profiles, HOME/TMPDIR of the browsers, logs) live in a
fresh directory under TMP_ROOT (default: the system temp directory), which is
removed by quit().  TMP_ROOT must be a short path: Chromium puts its singleton
Unix socket in TMPDIR, and a socket path longer than 108 bytes makes it exit at
start ("Chrome instance exited"), which a checkout under a long path once did.  Python 3.11.
"""
from __future__ import annotations

import atexit
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

CHROMEDRIVER = "/usr/bin/chromedriver"
CHROMIUM = "/usr/bin/chromium"
FIREFOX = "/usr/bin/firefox-esr"
WIDTH, HEIGHT = 1200, 900
# Profiles and browser scratch files: a short path (see above), removed on quit.
TMP_ROOT = Path(os.environ.get("BROWSER_TMP", tempfile.gettempdir()))

# What the page's own script set on window: Firefox's Marionette sees the page through Xray
# wrappers, which hide such expandos; wrappedJSObject is the page's own view.
PAGE_WINDOW = "(window.wrappedJSObject || window)"

__all__ = ["open_chromium", "open_firefox", "wait_for", "WaitTimeout", "PAGE_WINDOW"]


# --------------------------------------------------------------------------- helpers
class WaitTimeout(TimeoutError):
    pass


def wait_for(fn: Callable[[], Any], timeout: float, interval: float = 0.02, what: str | None = None):
    """Poll fn() until it returns a truthy value; return that value.

    Exceptions raised by fn count as "not yet" (the last one is reported).
    Raises WaitTimeout with a clear message after `timeout` seconds.
    """
    deadline = time.monotonic() + timeout
    last_val: Any = None
    last_exc: BaseException | None = None
    while True:
        try:
            last_val = fn()
            last_exc = None
            if last_val:
                return last_val
        except Exception as e:  # noqa: BLE001 - polling: keep trying
            last_exc = e
        if time.monotonic() >= deadline:
            name = what or getattr(fn, "__name__", repr(fn))
            detail = f"last exception: {last_exc!r}" if last_exc else f"last value: {last_val!r}"
            raise WaitTimeout(f"wait_for({name}) timed out after {timeout:.2f}s ({detail})")
        time.sleep(interval)


def _make_tmpdir(prefix: str) -> Path:
    TMP_ROOT.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f"pushcast-{prefix}", dir=TMP_ROOT))


def _isolated_env(base: Path) -> dict[str, str]:
    """Environment that keeps browser side effects (~/.pki, ~/.cache, /tmp shm
    files, ...) inside `base`."""
    env = dict(os.environ)
    for sub in ("home", "tmp", "cache", "config"):
        (base / sub).mkdir(exist_ok=True)
    env.update(
        HOME=str(base / "home"),
        TMPDIR=str(base / "tmp"),
        XDG_CACHE_HOME=str(base / "cache"),
        XDG_CONFIG_HOME=str(base / "config"),
        SE_OFFLINE="true",
        MOZ_CRASHREPORTER_DISABLE="1",
        MOZ_CRASHREPORTER_SHUTDOWN="1",
    )
    return env


def _kill_group(proc: subprocess.Popen | None, pgid: int | None, grace: float = 3.0) -> None:
    """SIGTERM, then SIGKILL, the process group `pgid` (the leader was started
    with start_new_session=True, so pgid == proc.pid and every browser child
    process is in it), and reap the leader.  Safe to call repeatedly."""
    def signal_group(sig):
        try:
            if pgid is not None:
                os.killpg(pgid, sig)
            elif proc is not None and proc.poll() is None:
                proc.send_signal(sig)
        except (ProcessLookupError, PermissionError):
            pass

    signal_group(signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        if proc is not None:
            proc.poll()  # reap leader if it died
        if not _group_alive(pgid) and (proc is None or proc.returncode is not None):
            return
        time.sleep(0.05)
    signal_group(signal.SIGKILL)
    if proc is not None:
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass


def _group_alive(pgid: int | None) -> bool:
    if pgid is None:
        return False
    try:
        os.killpg(pgid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


class _Base:
    name = "?"

    def __init__(self) -> None:
        self._closed = False
        self.tmpdir: Path | None = None
        self.startup_seconds: float = float("nan")
        atexit.register(self.quit)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.quit()

    # -- navigation ---------------------------------------------------------
    def _navigate(self, url: str) -> None:
        raise NotImplementedError

    def get(self, url: str, commit_timeout: float | None = 10.0) -> None:
        """Navigate to url WITHOUT waiting for load (pageLoadStrategy "none").

        With pageLoadStrategy "none" the navigate command returns before the new
        document exists, so a js() call right after it may still run in the OLD
        page.  Unless commit_timeout is None/0 we therefore tag the current
        window and poll (<= commit_timeout s) until a new window object, i.e. a
        new document, is there.  This never waits for the load event, so it is
        safe for endless responses.
        """
        if not commit_timeout:
            self._navigate(url)
            return
        # chromedriver blocks execute_script while a navigation is still pending
        # (until the *script* timeout), so bound every js call here by commit_timeout.
        saved = self._set_script_timeout(min(commit_timeout, 1.0))
        try:
            token = f"bp{time.monotonic_ns()}"
            try:  # a trivial script in a committed document takes milliseconds
                self.js("window.__bp_nav = arguments[0]; return 1", token)
            except Exception:
                token = None  # previous navigation still pending: cannot tag, just navigate
            self._navigate(url)
            if token:
                self._set_script_timeout(commit_timeout)
                wait_for(lambda: self.js("return window.__bp_nav !== arguments[0]", token),
                         commit_timeout, what=f"{self.name}: new document for {url}")
        finally:
            self._set_script_timeout(saved)

    def _set_script_timeout(self, seconds: float) -> float:
        """Set the WebDriver script timeout, return the previous value."""
        raise NotImplementedError

    def _rm_tmp(self) -> None:
        if self.tmpdir is not None:
            shutil.rmtree(self.tmpdir, ignore_errors=True)
            self.tmpdir = None


# --------------------------------------------------------------------------- Chromium
class ChromiumBrowser(_Base):
    name = "chromium"

    def __init__(self, timeout: float = 20.0) -> None:
        super().__init__()
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        os.environ["SE_OFFLINE"] = "true"  # never let Selenium Manager go online
        self.driver = None
        self.service = None
        self._pgid: int | None = None
        t0 = time.monotonic()
        self.tmpdir = _make_tmpdir("chromium-")
        try:
            env = _isolated_env(self.tmpdir)
            opts = webdriver.ChromeOptions()
            opts.binary_location = CHROMIUM
            for a in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                      f"--window-size={WIDTH},{HEIGHT}",
                      f"--user-data-dir={self.tmpdir / 'profile'}",
                      "--no-first-run", "--no-default-browser-check",
                      "--disable-gpu", "--hide-scrollbars", "--mute-audio"):
                opts.add_argument(a)
            opts.add_experimental_option("prefs", {"profile.default_content_setting_values.notifications": 1})
            opts.page_load_strategy = "none"
            self.service = Service(CHROMEDRIVER, env=env,
                                   log_output=str(self.tmpdir / "chromedriver.log"),
                                   # own process group: chromium inherits it, so quit()
                                   # can kill everything even if chromedriver died first
                                   popen_kw={"start_new_session": True})
            try:
                self.driver = webdriver.Chrome(service=self.service, options=opts)
            finally:
                proc = getattr(self.service, "process", None)
                self._pgid = proc.pid if proc is not None else None
            self.driver.set_page_load_timeout(timeout)
            self._script_timeout = timeout
            self.driver.set_script_timeout(timeout)
            self.driver.set_window_size(WIDTH, HEIGHT)
        except BaseException:
            sys.stderr.write(f"chromium did not start; chromedriver's log ends:\n{self._tail_log()}\n")
            self.quit()
            raise
        self.startup_seconds = time.monotonic() - t0

    def _tail_log(self, n: int = 2000) -> str:
        try:
            return (self.tmpdir / "chromedriver.log").read_text(errors="replace")[-n:]
        except Exception:
            return "<no log>"

    def _navigate(self, url: str) -> None:
        self.driver.get(url)  # pageLoadStrategy "none": returns immediately

    def _set_script_timeout(self, seconds: float) -> float:
        prev, self._script_timeout = self._script_timeout, seconds
        self.driver.set_script_timeout(seconds)
        return prev

    def js(self, script: str, *args: Any) -> Any:
        return self.driver.execute_script(script, *args)

    def screenshot(self, path: str | os.PathLike) -> None:
        Path(path).write_bytes(self.driver.get_screenshot_as_png())

    def element_png(self, css_selector: str) -> bytes:
        from selenium.webdriver.common.by import By
        return self.driver.find_element(By.CSS_SELECTOR, css_selector).screenshot_as_png

    def click(self, css_selector: str) -> None:
        from selenium.webdriver.common.by import By
        self.driver.find_element(By.CSS_SELECTOR, css_selector).click()

    def quit(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            if self.driver is not None:
                self.driver.quit()
        except Exception:
            pass
        finally:
            # whatever happened above: chromedriver + chromium (same group) must die
            _kill_group(getattr(self.service, "process", None), self._pgid, grace=2.0)
            self._rm_tmp()


# --------------------------------------------------------------------------- Firefox
FIREFOX_PREFS = {
    "marionette.port": 0,  # 0 = pick a free port, written to <profile>/MarionetteActivePort
    "browser.shell.checkDefaultBrowser": False,
    "browser.startup.page": 0,
    "browser.startup.homepage": "about:blank",
    "browser.startup.homepage_override.mstone": "ignore",
    "startup.homepage_welcome_url": "about:blank",
    "startup.homepage_welcome_url.additional": "",
    "browser.aboutwelcome.enabled": False,
    "datareporting.policy.dataSubmissionEnabled": False,
    "datareporting.healthreport.uploadEnabled": False,
    "toolkit.telemetry.enabled": False,
    "toolkit.telemetry.reportingpolicy.firstRun": False,
    "app.update.disabledForTesting": True,
    "app.normandy.enabled": False,
    "browser.safebrowsing.malware.enabled": False,
    "browser.safebrowsing.phishing.enabled": False,
    "browser.safebrowsing.downloads.enabled": False,
    "extensions.update.enabled": False,
    "network.captive-portal-service.enabled": False,
    "network.connectivity-service.enabled": False,
    "browser.tabs.warnOnClose": False,
    "toolkit.startup.max_resumed_crashes": -1,
    "browser.sessionstore.resume_from_crash": False,
    "remote.prefs.recommended": True,
    "permissions.default.desktop-notification": 1,
}


def _pref_js(k: str, v: Any) -> str:
    if isinstance(v, bool):
        val = "true" if v else "false"
    elif isinstance(v, int):
        val = str(v)
    else:
        val = '"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"'
    return f'user_pref("{k}", {val});\n'


class FirefoxBrowser(_Base):
    name = "firefox"

    def __init__(self, startup_timeout: float = 60.0, socket_timeout: float = 25.0) -> None:
        super().__init__()
        from marionette_driver.marionette import Marionette

        self.proc: subprocess.Popen | None = None
        self.client = None
        t0 = time.monotonic()
        self.tmpdir = _make_tmpdir("firefox-")
        try:
            profile = self.tmpdir / "profile"
            profile.mkdir()
            (profile / "user.js").write_text("".join(_pref_js(k, v) for k, v in FIREFOX_PREFS.items()))
            env = _isolated_env(self.tmpdir)
            env["MOZ_HEADLESS"] = "1"
            env["MOZ_HEADLESS_WIDTH"], env["MOZ_HEADLESS_HEIGHT"] = str(WIDTH), str(HEIGHT)
            self._log = open(self.tmpdir / "firefox.log", "wb")
            self.proc = subprocess.Popen(
                [FIREFOX, "--headless", "--marionette", "--no-remote", "--new-instance",
                 "--profile", str(profile), "about:blank"],
                env=env, stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT,
                start_new_session=True,  # own process group -> killpg() gets content procs too
            )
            port_file = profile / "MarionetteActivePort"

            def port_ready():
                if self.proc.poll() is not None:
                    return -1  # exited: stop polling at once
                txt = port_file.read_text().strip() if port_file.exists() else ""
                return int(txt) if txt.isdigit() and int(txt) > 0 else None

            port = wait_for(port_ready, startup_timeout, 0.05, what="firefox MarionetteActivePort")
            if port == -1:
                raise RuntimeError(f"firefox exited during startup with code "
                                   f"{self.proc.returncode}; log tail: {self._tail_log()!r}")
            # bin=None: marionette_driver only connects, we own the process.
            self.client = Marionette(host="127.0.0.1", port=port,
                                     socket_timeout=socket_timeout,
                                     startup_timeout=int(startup_timeout))
            self._script_timeout = socket_timeout - 5
            self.client.start_session({"pageLoadStrategy": "none",
                                       "timeouts": {"pageLoad": int(socket_timeout * 1000) - 5000,
                                                    "script": int(socket_timeout * 1000) - 5000,
                                                    "implicit": 0}},
                                      timeout=startup_timeout)
            try:
                self.client.set_window_rect(width=WIDTH, height=HEIGHT)
            except Exception:
                pass  # headless window size is already set via MOZ_HEADLESS_WIDTH/HEIGHT
        except BaseException:
            self.quit()
            raise
        self.startup_seconds = time.monotonic() - t0

    def _tail_log(self, n: int = 2000) -> str:
        try:
            self._log.flush()
            return (self.tmpdir / "firefox.log").read_text(errors="replace")[-n:]
        except Exception:
            return "<no log>"

    def _navigate(self, url: str) -> None:
        self.client.navigate(url)  # pageLoadStrategy "none": returns immediately

    def _set_script_timeout(self, seconds: float) -> float:
        prev, self._script_timeout = self._script_timeout, seconds
        self.client.timeout.script = seconds
        return prev

    def js(self, script: str, *args: Any) -> Any:
        return self.client.execute_script(script, script_args=list(args), new_sandbox=False)

    def screenshot(self, path: str | os.PathLike) -> None:
        Path(path).write_bytes(self.client.screenshot(format="binary", full=False))

    def element_png(self, css_selector: str) -> bytes:
        el = self.client.find_element("css selector", css_selector)
        return self.client.screenshot(element=el, format="binary")

    def click(self, css_selector: str) -> None:
        self.client.find_element("css selector", css_selector).click()

    def quit(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            if self.client is not None and self.proc is not None and self.proc.poll() is None:
                # Ask politely (Marionette:Quit); never block long on it.
                try:
                    self.client.client.socket_timeout = 5  # TcpTransport public setter
                    self.client._send_message("Marionette:Quit", {"flags": ["eForceQuit"]})
                except Exception:
                    pass
        finally:
            try:
                if self.client is not None:
                    self.client.cleanup_ran = True  # stop its __del__ from doing anything
                    try:
                        self.client.client.close()
                    except Exception:
                        pass
                    self.client.session = self.client.session_id = None
            finally:
                if self.proc is not None:
                    try:
                        self.proc.wait(timeout=3)  # after Marionette:Quit it exits by itself
                    except subprocess.TimeoutExpired:
                        pass
                    _kill_group(self.proc, self.proc.pid)  # content procs / hung browser
                try:
                    self._log.close()
                except Exception:
                    pass
                self._rm_tmp()


# --------------------------------------------------------------------------- API
def open_chromium(**kw) -> ChromiumBrowser:
    return ChromiumBrowser(**kw)


def open_firefox(**kw) -> FirefoxBrowser:
    return FirefoxBrowser(**kw)
