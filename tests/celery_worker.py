"""A real Celery worker in its own process group, for end-to-end tests that may kill it (kill -9)."""

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.db import connection
from redis import Redis

BASE_DIR = Path(__file__).resolve().parent.parent
POLL = 0.1  # seconds between looks at the database or the worker's log


def broker_empty(url: str) -> None:
    redis = Redis.from_url(url)
    assert url.endswith("/0") or redis.connection_pool.connection_kwargs.get("db", 0) != 0, "never flush the shared Redis db 0"
    redis.flushdb()
    redis.close()


def database_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"  # the test database


class Worker:
    """`celery worker --pool prefork --concurrency 2 --beat`, as docker-compose.yml runs it (beat embedded)."""

    def __init__(self, tmp_path: Path, name: str, *, beat: bool = True, **env: str) -> None:
        self.log = tmp_path / f"worker-{name}.log"
        beat_options = ["--beat", "--schedule", str(tmp_path / f"beat-{name}")] if beat else []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "tracker", "worker", "--pool", "prefork", "--concurrency", "2", *beat_options,
             "--loglevel", "INFO", "--hostname", f"checks-{name}-{os.getpid()}@%h",
             "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=BASE_DIR, env={**os.environ, "DATABASE_URL": database_url(), "DEBUG": "0", "TRACKER_VAR_DIR": str(tmp_path),
                               "TRACKER_CHECK_ALLOWED_NETWORKS": "127.0.0.0/8",
                               # No margin over the gap the tests assert: the origins log the kernel's receive
                               # times (tests/checks_server.py), so the gap is measured exactly.
                               "TRACKER_CHECK_HOST_GAP_MARGIN_MS": "0", **env},
            stdout=self.log.open("w"), stderr=subprocess.STDOUT, start_new_session=True,
        )

    def output(self) -> str:
        return self.log.read_text()

    def wait_for(self, condition, *, seconds: float) -> float:
        """Poll until `condition()` holds; the time it was seen to hold (at most POLL late)."""
        deadline = time.monotonic() + seconds
        while not condition():
            assert self.process.poll() is None, self.output()[-3000:]
            assert time.monotonic() < deadline, self.output()[-3000:]
            time.sleep(POLL)
        return time.monotonic()

    def dispatches(self) -> int:
        """Check dispatcher runs this worker has finished (each one may claim and start check runs)."""
        return len(re.findall(r"commitments\.tasks\.checks\.checks_dispatch\[[^]]+\] succeeded", self.output()))

    def wait_for_dispatches(self, count: int, *, seconds: float) -> None:
        """Wait until `count` more dispatches have run from now: had anything been left to check, they would have."""
        done = self.dispatches()
        self.wait_for(lambda: self.dispatches() >= done + count, seconds=seconds)

    def stop(self) -> None:
        stop(self)

    def pool_processes(self) -> list[int]:
        """The pids of the prefork pool's processes (with beat=False, the main process's only children)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        return [int(pid) for pid in children]

    def kill(self) -> None:
        """kill -9 of the whole worker: the main process and its pool processes, as a crash."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)


def stop(*workers: Worker) -> None:
    """Warm shutdown (SIGTERM) of every worker at once: each takes a second or two to stop its beat and pool."""
    running = [w for w in workers if w.process.poll() is None]
    for worker in running:
        worker.process.send_signal(signal.SIGTERM)
    for worker in running:
        try:
            worker.process.wait(20)
        except subprocess.TimeoutExpired:
            worker.kill()
