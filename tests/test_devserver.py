"""`python -m tracker.devserver` (what `make run` starts): stopping it stops every process it started."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _wait_for(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def _descendants(pid: int) -> set[int]:
    """Every process whose chain of parents leads to `pid` (read from /proc)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_it_stops_the_web_server_and_worker_with_every_child_when_signalled(tmp_path, signum):
    port = _free_port()
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "REDIS_URL", "CACHE_URL", "EMAIL_URL")}
    env.update(DEBUG="1", TRACKER_VAR_DIR=str(tmp_path))
    devserver = subprocess.Popen(
        [sys.executable, "-m", "tracker.devserver", "--host", "127.0.0.1", "--port", str(port)],
        cwd=BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        assert _wait_for(lambda: _listening(port), timeout=60), "the development server never listened"
        children = _descendants(devserver.pid)
        assert len(children) >= 3  # the worker, runserver's autoreloader and the server it runs
        devserver.send_signal(signum)
        assert devserver.wait(timeout=30) == 0
        assert _wait_for(lambda: not _listening(port), timeout=5), "something still holds the port"
        assert [pid for pid in children if _running(pid)] == []
    finally:
        if devserver.poll() is None:
            devserver.kill()
