"""End to end: real Celery workers (prefork, concurrency 2, with beat) on a real Redis broker check the linked URLs.

Politeness is measured where it matters, at the origin: the local servers log when each
request arrives and how many are open at once.
"""
# ruff: noqa: F811  (fixtures imported from tests.checks_helpers)

import time
from collections import Counter

import pytest
from django.conf import settings
from django.db.models import Count

from commitments.models.checks import MonitoredUrl, UrlCheck
from tests.celery_worker import POLL, Worker, broker_empty
from tests.checks_helpers import origins, redis_server  # noqa: F401
from tests.checks_server import Response, html


def _checked() -> int:
    return UrlCheck.objects.values("monitored_url").distinct().count()


def _urls(origins, make_evidence, *, prefix: str, per_origin: int, delay: float) -> list[str]:
    urls = []
    for origin in range(3):
        for n in range(per_origin):
            path = f"/{prefix}-{origin}-{n}"
            origins.route(path, Response(200, html(f"<p>Page {n} says the quote.</p>"), delay=delay))
            urls.append(origins.url(path, origin=origin))
            make_evidence(url=urls[-1], excerpt="says the quote")
    origins.max_open.clear()
    return urls


def _assert_each_checked_once(urls: list[str], output: str) -> None:
    assert set(MonitoredUrl.objects.values_list("url", flat=True)) == set(urls), output[-3000:]
    per_url = Counter(dict(UrlCheck.objects.values_list("monitored_url__url").annotate(n=Count("id"))))
    assert set(per_url) == set(urls) and set(per_url.values()) == {1}, (per_url, output[-3000:])


def _assert_polite(origins, *, prefix: str, gap: float) -> None:
    for origin in range(3):
        assert origins.min_gap(origin, f"/{prefix}-") >= gap
        assert origins.max_open.get(origins.ports[origin], 0) <= 2


@pytest.mark.django_db(transaction=True)
def test_it_runs_the_dispatcher_and_runs_in_a_real_worker(origins, make_evidence, make_source, tmp_path):
    urls = _urls(origins, make_evidence, prefix="celery", per_origin=6, delay=0.05)
    make_source(url=urls[0])
    broker_empty(settings.REDIS_URL)
    worker = Worker(tmp_path, "e2e", REDIS_URL=settings.REDIS_URL, TRACKER_CHECK_DISPATCH_EVERY="1", TRACKER_CHECK_HOST_RATE="10")
    try:
        worker.wait_for(lambda: _checked() >= len(urls), seconds=60)
        worker.wait_for_dispatches(2, seconds=30)  # two more dispatches: nothing is checked twice
    finally:
        worker.stop()
    output = worker.output()
    _assert_each_checked_once(urls, output)
    rows = MonitoredUrl.objects.all()
    assert all(row.health == "ok" and row.quote_match == "exact" and row.claim is None for row in rows), output[-3000:]
    _assert_polite(origins, prefix="celery", gap=0.1)
    assert "commitments.tasks.checks.check_run" in output


@pytest.mark.django_db(transaction=True)
def test_it_keeps_checking_politely_while_redis_is_down_and_each_url_once(origins, make_evidence, redis_server, tmp_path):
    """Redis (broker and politeness store) dies mid-run and comes back: nothing lost, nothing doubled, never impolite."""
    urls = _urls(origins, make_evidence, prefix="outage", per_origin=12, delay=0.1)
    dispatch_every, calm = 2, 1
    worker = Worker(tmp_path, "outage", REDIS_URL=redis_server.url, TRACKER_CHECK_DISPATCH_EVERY=str(dispatch_every),
                    TRACKER_CHECK_HOST_RATE="4", TRACKER_CHECK_REDIS_CALM=str(calm))
    try:
        worker.wait_for(lambda: _checked() >= 3, seconds=60)
        redis_server.stop()
        worker.wait_for(lambda: "politeness store unreachable" in worker.output(), seconds=30)
        degraded = _checked()
        # The run keeps checking while Redis is away (the wait fails, with the log, if it does not).
        worker.wait_for(lambda: _checked() > degraded, seconds=30)
        redis_server.start()
        restarted = time.monotonic()
        finished = worker.wait_for(lambda: _checked() >= len(urls), seconds=60)
        worker.wait_for_dispatches(1, seconds=30)  # another dispatch after the restart: nothing is checked twice
    finally:
        worker.stop()
    output = worker.output()
    # Two dispatch cycles after the calm that follows Redis' return (seen at most one poll late).
    assert finished - restarted <= 2 * dispatch_every + calm + POLL, "every URL checked within two dispatch cycles of Redis coming back"
    _assert_each_checked_once(urls, output)
    assert "politeness store unreachable" in output
    _assert_polite(origins, prefix="outage", gap=0.25)


@pytest.mark.django_db(transaction=True)
def test_it_checks_what_a_killed_worker_held_once_its_lease_ends(origins, make_evidence, tmp_path):
    urls = _urls(origins, make_evidence, prefix="killed", per_origin=8, delay=0.1)
    broker_empty(settings.REDIS_URL)
    # A run claims every URL of an origin (5 s of its budget) and checks one every 0.25 s: the kill lands mid-run.
    # The lease outlasts the run's time limit, as in production; the dead run's in-flight places
    # (TOTAL_TIMEOUT + MAX_WAIT + 5 s = 10 s) lapse before it does.
    lease = 13
    short = {"REDIS_URL": settings.REDIS_URL, "TRACKER_CHECK_DISPATCH_EVERY": "1", "TRACKER_CHECK_HOST_RATE": "4",
             "TRACKER_CHECK_RUN_TIME_LIMIT": "12", "TRACKER_CHECK_LEASE": str(lease), "TRACKER_CHECK_TOTAL_TIMEOUT": "3",
             "TRACKER_CHECK_MAX_WAIT": "2"}
    first = Worker(tmp_path, "first", **short)
    try:
        first.wait_for(lambda: _checked() >= 2, seconds=60)
    finally:
        first.kill()
    held = MonitoredUrl.objects.filter(claim__isnull=False).count()
    assert held, "the killed run held claimed URLs"
    second = Worker(tmp_path, "second", **short)
    try:
        second.wait_for(lambda: _checked() >= len(urls), seconds=lease + 30)
    finally:
        second.stop()
    _assert_each_checked_once(urls, first.output() + second.output())
    assert not MonitoredUrl.objects.filter(claim__isnull=False).exists()
