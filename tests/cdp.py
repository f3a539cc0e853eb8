"""Drive headless Chromium over the DevTools protocol on a pipe (--remote-debugging-pipe): no extra library.

Chromium reads commands from its fd 3 and writes replies and events to fd 4, each a JSON
message ending in a NUL byte. Enough of the protocol to log in, type, click and look, and to
check a page's layout at a given width (the public site's tests).
"""

import base64
import contextlib
import json
import os
import shutil
import subprocess
import tempfile
import time

from tests.browser import CHROMIUM_FLAGS, chromium


class Browser:
    def __init__(self, *, width: int = 1280, height: int = 1800) -> None:
        self.profile = tempfile.mkdtemp(prefix="intake-chromium-")
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()

        def wire() -> None:
            os.dup2(to_chrome_r, 3)
            os.dup2(from_chrome_w, 4)

        self.process = subprocess.Popen(
            [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={self.profile}", "--remote-debugging-pipe",
             f"--window-size={width},{height}", "about:blank"],
            preexec_fn=wire, pass_fds=(3, 4), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,  # noqa: PLW1509
        )
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._buffer, self._next_id, self.events = b"", 0, []
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        self.page("Page.enable")
        self.page("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=False)

    def close(self) -> None:
        with contextlib.suppress(OSError, RuntimeError, TimeoutError):
            self.call("Browser.close")
        if self.process.poll() is None:
            self.process.wait(timeout=10)
        os.close(self._to_chrome)
        os.close(self._from_chrome)
        shutil.rmtree(self.profile, ignore_errors=True)

    def call(self, method: str, session: str | None = None, timeout: float = 30, **params) -> dict:
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._to_chrome, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def page(self, method: str, **params) -> dict:
        return self.call(method, session=self.session, **params)

    def _read(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            if time.monotonic() > deadline:
                raise TimeoutError("Chromium did not answer in time")
            chunk = os.read(self._from_chrome, 65536)
            if not chunk:
                raise RuntimeError("Chromium closed the pipe")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def wait_for_load(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if any(e.get("method") == "Page.loadEventFired" for e in self.events):
                self.events.clear()
                return
            self.events.append(self._read(deadline))

    def go(self, url: str) -> None:
        self.events.clear()
        self.page("Page.navigate", url=url)
        self.wait_for_load()

    def js(self, expression: str):
        result = self.page("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def type_into(self, selector: str, text: str) -> None:
        """Focus a field, select what it holds, and type (insert) the text as a user pasting would."""
        self.js(f"(() => {{ const el = document.querySelector({json.dumps(selector)}); el.focus(); el.select(); }})()")
        self.page("Input.insertText", text=text)

    def click_and_wait(self, selector: str) -> None:
        self.events.clear()
        self.js(f"document.querySelector({json.dumps(selector)}).click()")
        self.wait_for_load()

    def set_cookie(self, *, name: str, value: str, url: str) -> None:
        self.page("Network.setCookie", name=name, value=value, url=url)

    def screenshot(self, path: str, *, full_page: bool = False) -> None:
        params = {"format": "png", "captureBeyondViewport": full_page}
        if full_page:  # the whole document, however long, at its layout width
            size = self.page("Page.getLayoutMetrics")["cssContentSize"]
            params["clip"] = {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}
        data = self.page("Page.captureScreenshot", **params)["data"]
        with open(path, "wb") as out:
            out.write(base64.b64decode(data))

    def resize(self, *, width: int, height: int = 900) -> None:
        """Lay pages out at this window width (a phone below 600 px)."""
        self.page("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=width < 600)

    def status(self) -> int:
        """The HTTP status of the page last loaded."""
        return self.js("performance.getEntriesByType('navigation')[0].responseStatus")

    def press_tab(self) -> None:
        for kind in ("rawKeyDown", "keyUp"):
            self.page("Input.dispatchKeyEvent", type=kind, key="Tab", code="Tab", windowsVirtualKeyCode=9)

    def click(self, selector: str) -> dict:
        """A real mouse click (press and release at the element's centre), as a person makes it.

        The element is first brought into view, as a person scrolls to it. Returns the page's
        scroll position just before the press and just after the release: a page that jumps
        between the two loses the click.
        """
        self.js(f"document.querySelector({json.dumps(selector)}).scrollIntoView({{block: 'center', behavior: 'instant'}})")
        box = self.js(f"(() => {{ const r = document.querySelector({json.dumps(selector)}).getBoundingClientRect();"
                      " return {x: r.left + r.width / 2, y: r.top + r.height / 2}; })()")
        # A phone zooms out a page wider than the screen: the mouse moves in the zoomed (visual) viewport.
        zoom = self.js("(() => { const v = window.visualViewport; return {scale: v.scale, left: v.offsetLeft, top: v.offsetTop}; })()")
        screen = {"x": (box["x"] - zoom["left"]) * zoom["scale"], "y": (box["y"] - zoom["top"]) * zoom["scale"]}
        target = json.dumps(selector)
        hit = self.js(f"(() => {{ const el = document.querySelector({target}), at = document.elementFromPoint({box['x']}, {box['y']});"
                      " return at === el || el.contains(at) || (at && at.htmlFor && at.control === el) ? '' :"
                      " (at ? at.outerHTML.slice(0, 200) : 'nothing'); })()")
        if hit:
            raise RuntimeError(f"a click on {selector} would land on {hit}")
        before = self.js("window.scrollY")
        self.page("Input.dispatchMouseEvent", type="mouseMoved", x=screen["x"], y=screen["y"])
        self.page("Input.dispatchMouseEvent", type="mousePressed", x=screen["x"], y=screen["y"], button="left", clickCount=1)
        self.page("Input.dispatchMouseEvent", type="mouseReleased", x=screen["x"], y=screen["y"], button="left", clickCount=1)
        return {"before": before, "after": self.js("window.scrollY")}

    def click_and_wait_for_load(self, selector: str) -> None:
        """A real mouse click on a link or submit button, then wait for the next page."""
        self.events.clear()
        self.click(selector)
        self.wait_for_load()
