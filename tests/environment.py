"""Loaded first (pytest -p tests.environment). Test-run defaults: PostgreSQL and Redis on this machine unless the environment says otherwise.

Settings read the environment at import, so these must be set before Django starts.
"""

import atexit
import ctypes
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import pytest


def _scratch(prefix: str) -> str:
    """A temporary folder of this test process, removed when it ends."""
    folder = tempfile.mkdtemp(prefix=prefix)
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def _die_with_parent() -> None:
    """In the child before exec: the kernel kills it when the test process ends, however it ends (PR_SET_PDEATHSIG)."""
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)


def _private_redis() -> str:
    """A redis-server of this test process's own, on a free loopback port, gone with the process.

    Under pytest-xdist (make test: -n 2) each worker flushes its Redis database and runs Celery
    workers on it as a serial run does; two workers on one database would consume each other's
    tasks. A server each needs no database numbers agreed with whoever else uses the machine's Redis.
    """
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    folder = _scratch("tracker-test-redis-")
    server = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", folder],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=_die_with_parent)  # noqa: PLW1509
    atexit.register(server.kill)
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            assert server.poll() is None and time.monotonic() < deadline, f"redis-server on port {port} did not start"
            time.sleep(0.05)
    return f"redis://127.0.0.1:{port}/1"  # not db 0: the suite's own guards refuse to flush a db 0


os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tracker")
# Tests flush the Redis database they use (broker queues, politeness state): a
# dedicated one, never db 0. pytest-django gives each xdist worker its own database
# (test_tracker_gw0, ...); each worker gets its own Redis server here.
if os.environ.get("PYTEST_XDIST_WORKER"):
    os.environ["REDIS_URL"] = _private_redis()
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")
# What the app writes under var/ (the politeness gates while Redis is down, the dev server's
# address) stays with this test process, not the project's folder another process may share.
os.environ.setdefault("TRACKER_VAR_DIR", _scratch("tracker-test-var-"))
# Each test process keeps its own cache; tests/test_digests_subscriptions.py also runs on Redis.
os.environ.setdefault("CACHE_URL", "locmem://")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production")
os.environ.setdefault("EMAIL_URL", "memory://")
# The test client and the live servers speak plain HTTP; production's redirect to HTTPS is tested on its own.
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
# Archived copies (WARC files) that checks take in any test, workers included, go to a scratch folder, not var/.
os.environ.setdefault("TRACKER_ARCHIVE_DIR", tempfile.mkdtemp(prefix="tracker-test-archive-"))

# Helper modules that hold fixtures and asserts; registered before any test module imports them.
pytest.register_assert_rewrite("tests.api_support", "tests.review_support", "tests.digests_support", "tests.checks_helpers", "tests.digests_week")
