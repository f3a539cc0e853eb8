"""Headless Chromium (Debian's package) for page tests: render a URL, return the DOM."""

import shutil
import subprocess
import tempfile

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        raise RuntimeError("Chromium is required for page tests: apt-get install chromium (.ci/run does).")
    return path


def render(url: str, *, screenshot: str | None = None, timeout: int = 60) -> str:
    """The DOM after the page ran its scripts, as Chromium serialises it."""
    with tempfile.TemporaryDirectory() as profile:
        flags = [*CHROMIUM_FLAGS, f"--user-data-dir={profile}"]
        if screenshot:
            subprocess.run([chromium(), *flags, f"--screenshot={screenshot}", "--window-size=1280,1600", url],
                           check=True, capture_output=True, timeout=timeout)
        result = subprocess.run([chromium(), *flags, "--dump-dom", url], check=True, capture_output=True, timeout=timeout)
    return result.stdout.decode()


class DevTools:
    """Chromium driven over the DevTools protocol on a pipe (--remote-debugging-pipe): no extra package.

    Enough to open a page with cookies and collect what its console reports, Content-Security-Policy
    violations included.
    """

    def __init__(self) -> None:
        import os  # noqa: PLC0415

        self._profile = tempfile.TemporaryDirectory()
        to_child, self._send = os.pipe()
        self._receive, from_child = os.pipe()

        def wire() -> None:  # the protocol's fds: 3 to read commands, 4 to write answers (dup2 makes them inheritable)
            reading, writing = os.dup(to_child), os.dup(from_child)  # out of the way of 3 and 4 first
            os.dup2(reading, 3)
            os.dup2(writing, 4)

        self._process = subprocess.Popen(
            [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={self._profile.name}", "--remote-debugging-pipe", "about:blank"],
            preexec_fn=wire, close_fds=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,  # noqa: PLW1509
        )
        os.close(to_child)
        os.close(from_child)
        self._ids, self._buffer, self.events = iter(range(1, 1_000_000)), b"", []
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable", session=True)

    def _message(self, timeout: float) -> dict:
        import json  # noqa: PLC0415
        import os  # noqa: PLC0415
        import select  # noqa: PLC0415

        while b"\0" not in self._buffer:
            if not select.select([self._receive], [], [], timeout)[0]:
                raise TimeoutError("Chromium did not answer")
            self._buffer += os.read(self._receive, 1 << 20)
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def call(self, method: str, *, session: bool = False, timeout: float = 30, **params) -> dict:
        import json  # noqa: PLC0415
        import os  # noqa: PLC0415

        message = {"id": next(self._ids), "method": method, "params": params}
        if session:
            message["sessionId"] = self.session
        os.write(self._send, json.dumps(message).encode() + b"\0")
        while True:
            answer = self._message(timeout)
            if answer.get("id") == message["id"]:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                return answer.get("result", {})
            self.events.append(answer)

    def wait(self, seconds: float) -> None:
        import time  # noqa: PLC0415

        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            try:
                self.events.append(self._message(left))
            except TimeoutError:
                return

    def open(self, url: str, *, cookies: dict[str, str] | None = None, settle: float = 3.0) -> None:
        for name, value in (cookies or {}).items():
            self.call("Network.setCookie", session=True, name=name, value=value, url=url)
        self.call("Page.navigate", session=True, url=url)
        self.wait(settle)

    def evaluate(self, expression: str):
        return self.call("Runtime.evaluate", session=True, expression=expression, returnByValue=True)["result"].get("value")

    def problems(self) -> list[str]:
        """Console errors, uncaught exceptions and CSP violations seen so far."""
        found = []
        for event in self.events:
            params = event.get("params", {})
            if event.get("method") == "Log.entryAdded" and params["entry"]["level"] == "error":
                if not params["entry"].get("url", "").endswith("/favicon.ico"):  # no icon is served: not a page's problem
                    found.append(params["entry"]["text"])
            elif event.get("method") == "Runtime.exceptionThrown":
                found.append(params["exceptionDetails"].get("text", "exception"))
            elif event.get("method") == "Runtime.consoleAPICalled" and params["type"] == "error":
                found.append(" ".join(str(arg.get("value", "")) for arg in params["args"]))
        return found

    def close(self) -> None:
        import os  # noqa: PLC0415

        self._process.terminate()
        self._process.wait(timeout=30)
        os.close(self._send)
        os.close(self._receive)
        self._profile.cleanup()
