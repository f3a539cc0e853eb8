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

