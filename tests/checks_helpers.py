"""Fixtures and helpers shared by the source-check tests (imported by each test module)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings as django_settings
from redis import Redis

from commitments.checks import services
from commitments.models.checks import MonitoredUrl, UrlCheck
from tests.checks_server import LocalOrigins

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def days(n: float) -> datetime:
    return T0 + timedelta(days=n)


@pytest.fixture(scope="session")
def origins():
    server = LocalOrigins(ports=3).start()
    yield server
    server.stop()


def politeness_reset() -> None:
    """Forget the per-host politeness state in this run's Redis database (e.g. a 429's deferral)."""
    redis = Redis.from_url(django_settings.REDIS_URL)
    keys = list(redis.scan_iter("tracker:checks:*"))
    if keys:
        redis.delete(*keys)
    redis.close()


@pytest.fixture
def loopback_allowed(settings):
    """Only these tests may reach 127.0.0.0/8; politeness is relaxed so they run fast."""
    settings.TRACKER_CHECK_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    settings.TRACKER_CHECK_HOST_RATE = 200.0
    settings.TRACKER_CHECK_HOST_IN_FLIGHT = 4
    politeness_reset()
    yield settings
    politeness_reset()


def check_url(url: str, *, now: datetime = T0) -> tuple[UrlCheck, MonitoredUrl]:
    """Check one URL through the real batch pipeline; return the check and the refreshed row."""
    row = services.monitored_url_ensure(url=url, now=now)
    [check] = services.check_batch_run(ids=[row.id], claim=None, now=now)
    row.refresh_from_db()
    return check, row


class RedisServer:
    """A redis-server of the test's own on a free port, which the test may stop and start again."""

    def __init__(self, folder) -> None:
        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.folder, self.process = folder, None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "RedisServer":
        import subprocess
        import time

        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                Redis.from_url(self.url).ping()
                return self
            except Exception:  # noqa: BLE001 - not listening yet
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()  # as a crash: no goodbye to the clients
            self.process.wait(10)


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path).start()
    yield server
    server.stop()
