"""Headless Chromium driven over the DevTools protocol on a pipe (--remote-debugging-pipe): no extra library.

Enough for page tests: open a URL at a given window width, evaluate an expression in the page,
press Tab, take a full-page PNG screenshot.
"""

import base64
import contextlib
import json
import os
import shutil
import subprocess
import tempfile

from tests.browser import CHROMIUM_FLAGS, chromium


class Chromium:
    """One browser process; `with Chromium() as browser: page = browser.open(url, width=375)`."""

    def __init__(self, *, timeout: float = 60):
        self.timeout = timeout
        self._next_id = 0

    def __enter__(self) -> "Chromium":
        self.profile = tempfile.mkdtemp()
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()

        def wire():  # Chromium reads commands on fd 3 and writes answers on fd 4.
            # dup first: a pipe end may already be fd 3 or 4, and dup2 onto itself would keep it close-on-exec.
            commands, answers = os.dup(to_chrome_r), os.dup(from_chrome_w)
            os.dup2(commands, 3)
            os.dup2(answers, 4)

        self.process = subprocess.Popen(
            [chromium(), *CHROMIUM_FLAGS, "--remote-debugging-pipe", f"--user-data-dir={self.profile}", "--hide-scrollbars", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            close_fds=False, preexec_fn=wire,  # only dup2 before exec; closing fds would close 3 and 4 too
        )
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._buffer = b""
        return self

    def __exit__(self, *exc) -> None:
        with contextlib.suppress(OSError):  # it may be gone already
            self.send("Browser.close")
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        os.close(self._to_chrome)
        os.close(self._from_chrome)
        shutil.rmtree(self.profile, ignore_errors=True)

    def _read_message(self) -> dict:
        while b"\0" not in self._buffer:
            chunk = os.read(self._from_chrome, 1 << 16)
            if not chunk:
                raise OSError("Chromium closed the DevTools pipe")
            self._buffer += chunk
        raw, _, self._buffer = self._buffer.partition(b"\0")
        return json.loads(raw)

    def send(self, method: str, params: dict | None = None, *, session: str | None = None, wait_event: str | None = None) -> dict:
        """Send a command and return its result; with `wait_event`, also wait for that event afterwards."""
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_chrome, json.dumps(message).encode() + b"\0")
        result, seen_event = None, wait_event is None
        while result is None or not seen_event:
            reply = self._read_message()
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                result = reply["result"]
            elif wait_event and reply.get("method") == wait_event and reply.get("sessionId") == session:
                seen_event = True
        return result

    def open(self, url: str, *, width: int, height: int = 900) -> "Page":
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self.send("Page.enable", session=session)
        self.send("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600},
                  session=session)
        page = Page(self, session, target)
        page.goto(url)
        return page


class Page:
    def __init__(self, browser: Chromium, session: str, target: str):
        self.browser, self.session, self.target = browser, session, target

    def goto(self, url: str) -> int:
        """Load `url` and return its HTTP status."""
        self.browser.send("Page.navigate", {"url": url}, session=self.session, wait_event="Page.loadEventFired")
        return self.evaluate("performance.getEntriesByType('navigation')[0].responseStatus")

    def evaluate(self, expression: str):
        result = self.browser.send("Runtime.evaluate", {"expression": expression, "returnByValue": True}, session=self.session)
        if "exceptionDetails" in result:
            raise RuntimeError(result["exceptionDetails"])
        return result["result"].get("value")

    def press_tab(self) -> None:
        for kind in ("rawKeyDown", "keyUp"):
            self.browser.send("Input.dispatchKeyEvent", {"type": kind, "key": "Tab", "code": "Tab", "windowsVirtualKeyCode": 9},
                              session=self.session)

    def screenshot(self, path: str) -> None:
        """The whole page, however long, at its layout width."""
        size = self.browser.send("Page.getLayoutMetrics", session=self.session)["cssContentSize"]
        clip = {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}
        shot = self.browser.send("Page.captureScreenshot", {"format": "png", "clip": clip, "captureBeyondViewport": True}, session=self.session)
        with open(path, "wb") as out:
            out.write(base64.b64decode(shot["data"]))

    def close(self) -> None:
        self.browser.send("Target.closeTarget", {"targetId": self.target})
