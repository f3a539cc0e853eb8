"""Watches in real Celery workers (prefork, with beat) on a real Redis broker: two workers poll at once
and nothing is fetched or filed twice; a worker killed with SIGKILL mid-pass loses nothing.
"""
# ruff: noqa: F811  (fixtures imported from tests.checks_helpers)

from collections import Counter

import pytest
from django.conf import settings
from redis import Redis

from commitments.models.watch import DocumentState, InboxItem, WatchedDocument
from commitments.watch import services
from tests.celery_worker import Worker, stop
from tests.checks_helpers import origins  # noqa: F401
from tests.checks_server import Response, html

DOCUMENTS = 12


def _broker_flush() -> None:
    redis = Redis.from_url(settings.REDIS_URL)
    assert redis.connection_pool.connection_kwargs.get("db", 0) != 0, "never flush the shared Redis db 0"
    redis.flushdb()
    redis.close()


def _site(origins, prefix: str, *, delay: float) -> None:
    """Two origins, each with a feed and an index page listing the same documents in other spellings."""
    for origin in range(2):
        # Routes are shared by every port of the test server: each origin has its own folder.
        base = origins.url(f"/{prefix}-{origin}", origin=origin)
        paths = [f"/{prefix}-{origin}/doc-{n}.html" for n in range(DOCUMENTS // 2)]
        for n, path in enumerate(paths):
            origins.route(path, Response(200, html(f"<p>Readout number {n} of origin {origin}: nothing numbered here.</p>"), delay=delay))
        items = "".join(f"<item><title>Doc {n}</title><link>{base}/doc-{n}.html?utm_source=rss</link></item>" for n in range(len(paths)))
        origins.route(f"/{prefix}-{origin}/feed.xml", Response(200, f'<?xml version="1.0"?><rss version="2.0"><channel>{items}</channel></rss>',
                                                      headers={"content-type": "application/rss+xml"}))
        links = "".join(f'<a href="{base}/doc-{n}.html#x">Doc {n}</a>' for n in range(len(paths)))
        origins.route(f"/{prefix}-{origin}/index.html", Response(200, html(links)))
        services.watch_add(url=f"{base}/feed.xml", kind="feed", name=f"feed {origin}")
        services.watch_add(url=f"{base}/index.html", kind="page", link_pattern=rf"/{prefix}-{origin}/doc-", name=f"index {origin}")


def _filed() -> int:
    return InboxItem.objects.count()


def _assert_each_filed_once(prefix: str, origins, output: str) -> None:
    assert _filed() == DOCUMENTS, output[-3000:]
    assert WatchedDocument.objects.count() == DOCUMENTS  # one document per page, whatever the spelling
    assert set(WatchedDocument.objects.values_list("state", flat=True)) == {DocumentState.FILED}
    assert max(Counter(InboxItem.objects.values_list("document__final_url", flat=True)).values()) == 1


WORKER_ENV = {"TRACKER_WATCH_DISPATCH_EVERY": "1", "TRACKER_CHECK_HOST_RATE": "20", "TRACKER_CHECK_TOTAL_TIMEOUT": "3",
              "TRACKER_CHECK_DISPATCH_EVERY": "3600"}


@pytest.mark.django_db(transaction=True)
def test_two_workers_polling_at_once_fetch_and_file_each_document_once(origins, tmp_path):
    _site(origins, "wc1", delay=0.05)
    _broker_flush()
    workers = [Worker(tmp_path, f"watch-{n}", REDIS_URL=settings.REDIS_URL, **WORKER_ENV) for n in range(2)]
    try:
        workers[0].wait_for(lambda: _filed() >= DOCUMENTS, seconds=90)
    finally:
        stop(*workers)
    output = "".join(w.output() for w in workers)
    _assert_each_filed_once("wc1", origins, output)
    for origin in range(2):
        for n in range(DOCUMENTS // 2):
            hits = [r for r in origins.log if r.path == f"/wc1-{origin}/doc-{n}.html"]
            assert len(hits) == 1, (origin, n, output[-3000:])
    assert "watch_dispatch" in output and "succeeded" in output


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_pass_loses_nothing(origins, tmp_path):
    # Slow pages: the kill lands while documents are claimed and in flight (a claim of five documents
    # per origin is fetched one at a time, for 2.5 s). The dead worker's in-flight place at each origin
    # lapses after TOTAL_TIMEOUT + MAX_WAIT + 5 s (9 s here). As in production (300 s against 45 s and a
    # claim's worst 150 s), a pass stuck behind that place still ends inside its soft time limit (0.9 of
    # the lease) instead of being cut off and its claim waited out again: 0.9 x 12 s > 9 s + 2.5 s.
    _site(origins, "wc2", delay=0.5)
    _broker_flush()
    lease = 12
    short = {**WORKER_ENV, "REDIS_URL": settings.REDIS_URL, "TRACKER_WATCH_LEASE": str(lease), "TRACKER_CHECK_MAX_WAIT": "1"}
    first = Worker(tmp_path, "watch-first", **short)
    try:
        first.wait_for(lambda: WatchedDocument.objects.filter(claim__isnull=False).exists(), seconds=60)
    finally:
        first.kill()
    assert WatchedDocument.objects.filter(claim__isnull=False).exists(), "the killed worker held claimed documents"
    second = Worker(tmp_path, "watch-second", **short)
    try:
        second.wait_for(lambda: _filed() >= DOCUMENTS, seconds=lease + 60)
    finally:
        second.stop()
    _assert_each_filed_once("wc2", origins, first.output() + second.output())
    assert not WatchedDocument.objects.filter(claim__isnull=False).exists()


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_files_the_feed_index_and_sitemap_of_one_site_once_with_its_dead_link_and_redirect(origins, tmp_path):
    from django.core.management import call_command

    from tests.watch_support import watch_all, watch_site

    call_command("load_seed", verbosity=0)  # matches need tracked points
    watch_all(watch_site(origins, "wc3"), "wc3")
    _broker_flush()
    worker = Worker(tmp_path, "watch-site", REDIS_URL=settings.REDIS_URL, **WORKER_ENV)
    try:
        worker.wait_for(lambda: WatchedDocument.objects.exclude(state=DocumentState.PENDING).count() == 5, seconds=90)
    finally:
        worker.stop()
    states = Counter(WatchedDocument.objects.values_list("state", flat=True))
    assert states == {DocumentState.FILED: 3, DocumentState.DEAD: 1, DocumentState.DUPLICATE: 1}, worker.output()[-3000:]
    for path in ("/wc3/news/a.html", "/wc3/news/b.html", "/wc3/news/c.html", "/wc3/news/gone.html", "/wc3/old/b"):
        assert origins.hits(path) == 1, path
    readout = InboxItem.objects.get(document__url__contains="/wc3/news/a.html")
    assert readout.sets and readout.matches and readout.document.language == "en"
