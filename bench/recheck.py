"""Benchmark: re-check 2,000 URLs on 100 local origins through the real batch pipeline.

Each origin delays every response by 200 ms; politeness allows 1 request a second per
origin, so 20 URLs per origin bound the run at about 19.2 s (first request at 0 s,
twentieth at 19 s, plus 0.2 s). Prints elapsed time, URLs a second, the ratio to that
bound, peak memory, and a concurrency-1 run on a sample, extrapolated.

    python bench/recheck.py            (uses DATABASE_URL's server, database tracker_bench_checks)
"""

import multiprocessing
import os
import resource
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
ORIGINS, PER_ORIGIN, DELAY, RATE = 100, 20, 0.2, 1.0
BOUND = (PER_ORIGIN - 1) / RATE + DELAY
QUOTE = "The parties will strengthen cooperation in four areas."


def serve(ports_out, stop) -> None:
    """The 100 origins, in their own process so the server does not share our GIL."""
    import asyncio

    from tests.checks_server import LocalOrigins, Response, html

    server = LocalOrigins(ports=ORIGINS).start()

    async def page(request):
        return Response(200, html(f"<h1>Statement {request.path}</h1><p>Preamble. {QUOTE} Closing words.</p>"), delay=DELAY)

    server.route("/doc", page)
    for n in range(PER_ORIGIN):
        server.route(f"/doc/{n}", page)
    ports_out.send(server.ports)
    stop.wait()
    server.stop()
    del asyncio


def django_setup() -> None:
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tracker").rsplit("/", 1)[0]
    os.environ["DATABASE_URL"] = f"{base}/tracker_bench_checks"
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ.update(TRACKER_CHECK_ALLOWED_NETWORKS="127.0.0.0/8", TRACKER_CHECK_HOST_RATE=str(RATE), TRACKER_CHECK_HOST_IN_FLIGHT="2",
                      TRACKER_CHECK_CONCURRENCY="100", LOG_LEVEL="WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    import psycopg

    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = 'tracker_bench_checks'").fetchone():
            conn.execute("CREATE DATABASE tracker_bench_checks")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def urls_create(ports: list[int], per_origin: int) -> list[int]:
    from django.db import connection
    from django.utils import timezone

    from commitments.models import Evidence
    from commitments.models.checks import MonitoredUrl

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE commitments_urlsnapshot, commitments_urlcheck, commitments_monitoredurl, commitments_evidence CASCADE")
    urls = [f"http://127.0.0.1:{port}/doc/{n}" for n in range(per_origin) for port in ports]
    Evidence.objects.bulk_create([Evidence(url=url, title="Bench", excerpt=QUOTE) for url in urls])
    now = timezone.now()
    rows = MonitoredUrl.objects.bulk_create([MonitoredUrl(url=url, added_at=now, next_check_at=now) for url in urls])
    return [row.id for row in rows]


def politeness_reset() -> None:
    from django.conf import settings

    if settings.REDIS_URL:
        from redis import Redis

        redis = Redis.from_url(settings.REDIS_URL)
        keys = list(redis.scan_iter("tracker:checks:host:*"))
        if keys:
            redis.delete(*keys)


def run(ids: list[int]) -> tuple[float, list]:
    from django.utils import timezone

    from commitments.checks import services

    politeness_reset()
    started = time.monotonic()
    checks = services.check_batch_run(ids=ids, claim=None, now=timezone.now())
    return time.monotonic() - started, checks


def main() -> int:
    ports_in, ports_out = multiprocessing.Pipe(duplex=False)
    stop = multiprocessing.Event()
    server = multiprocessing.Process(target=serve, args=(ports_out, stop), daemon=True)
    server.start()
    ports = ports_in.recv()
    django_setup()
    from django.conf import settings

    try:
        ids = urls_create(ports, PER_ORIGIN)
        elapsed, checks = run(ids)  # not under tracemalloc: it slows Python code several times over
        max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        outcomes = {c.outcome for c in checks}
        quotes = {c.quote_match for c in checks}
        print(f"politeness state: {'Redis ' + settings.REDIS_URL if settings.REDIS_URL else 'in-process'}")
        print(f"URLs: {len(ids)} on {ORIGINS} origins, {DELAY * 1000:.0f} ms per response, {RATE:g} request/s per origin")
        print(f"checked: {len(checks)}, outcomes: {sorted(outcomes)}, quote matches: {sorted(quotes)}")
        print(f"elapsed: {elapsed:.2f} s   URLs/s: {len(checks) / elapsed:.1f}   bound: {BOUND:.1f} s   ratio to bound: {elapsed / BOUND:.2f}x")
        print(f"peak memory: process max RSS {max_rss:.1f} MB (whole process: Django, the pipeline, the database driver)")
        sample = ids[:100]
        os.environ["TRACKER_CHECK_CONCURRENCY"] = "1"
        settings.TRACKER_CHECK_CONCURRENCY = 1
        settings.TRACKER_CHECK_HOST_IN_FLIGHT = 1
        sample_elapsed, sample_checks = run(sample)
        per_url = sample_elapsed / len(sample_checks)
        print(f"concurrency 1 (sample of {len(sample_checks)} URLs, one per origin, extrapolated): {sample_elapsed:.2f} s for the sample, "
              f"{per_url * 1000:.0f} ms/URL -> about {per_url * len(ids):.0f} s for all {len(ids)} ({len(ids) / (per_url * len(ids)):.1f} URLs/s), "
              f"{per_url * len(ids) / elapsed:.0f}x slower")
        ok = elapsed <= 1.25 * BOUND and max_rss < 200 and len(checks) == len(ids)
        print("targets (<= 1.25x bound, < 200 MB, every URL checked):", "MET" if ok else "NOT MET")
        return 0 if ok else 1
    finally:
        stop.set()
        server.join(10)


if __name__ == "__main__":
    sys.exit(main())
