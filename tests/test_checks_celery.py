"""End to end: a real Celery worker with beat, on the real Redis broker, checks the linked URLs."""
# ruff: noqa: F811  (fixtures imported from tests.checks_helpers)

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from redis import Redis

from commitments.models.checks import MonitoredUrl, UrlCheck
from tests.checks_helpers import origins  # noqa: F401
from tests.checks_server import Response, html

BASE_DIR = Path(__file__).resolve().parent.parent


def _broker_empty() -> None:
    redis = Redis.from_url(settings.REDIS_URL)
    assert redis.connection_pool.connection_kwargs.get("db", 0) != 0, "never flush Redis db 0: use your own REDIS_URL db"
    redis.flushdb()
    redis.close()


def _database_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"  # the test database


@pytest.mark.django_db(transaction=True)
def test_it_runs_the_dispatcher_and_batches_in_a_real_worker(origins, make_evidence, make_source, tmp_path):
    urls = [origins.url(f"/celery-{n}", origin=n % 3) for n in range(6)]
    for n, url in enumerate(urls):
        origins.route(f"/celery-{n}", Response(200, html(f"<p>Page {n} says the quote.</p>")))
        make_evidence(url=url, excerpt="says the quote")
    make_source(url=urls[0])
    _broker_empty()
    env = {
        **os.environ, "DATABASE_URL": _database_url(), "REDIS_URL": settings.REDIS_URL, "DEBUG": "0",
        "TRACKER_CHECK_ALLOWED_NETWORKS": "127.0.0.0/8", "TRACKER_CHECK_DISPATCH_EVERY": "1", "TRACKER_CHECK_HOST_RATE": "20",
        "TRACKER_CHECK_BATCH_SIZE": "2", "TRACKER_VAR_DIR": str(tmp_path),
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "tracker", "worker", "--beat", "--pool", "solo", "--loglevel", "INFO",
         "--schedule", str(tmp_path / "beat-schedule"), "--hostname", f"checks-e2e-{os.getpid()}@%h"],
        cwd=BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and UrlCheck.objects.values("monitored_url").distinct().count() < len(urls):
            assert worker.poll() is None, worker.stdout.read()
            time.sleep(0.5)
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            output = worker.communicate(timeout=20)[0]
        except subprocess.TimeoutExpired:
            worker.kill()
            output = worker.communicate()[0]
    checked = {row.url: row for row in MonitoredUrl.objects.all()}
    assert set(checked) == set(urls), output[-3000:]
    assert all(row.health == "ok" and row.quote_match == "exact" and row.last_checked_at for row in checked.values()), output[-3000:]
    # Each URL once: the beat ticks every second, but a claimed URL is not due again until it is checked and rescheduled.
    assert UrlCheck.objects.count() == len(urls)
    assert "commitments.tasks.checks.check_batch" in output
