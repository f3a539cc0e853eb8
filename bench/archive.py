"""Benchmark: what archiving costs per URL, through the real re-check on local origins.

2,000 cited URLs (100 origins x 20 pages of about 30 KB each, served by a real HTTP server on
127.0.0.1) are checked for the first time with one `check_batch_run`, in this process, with
the archive capturing every page (each first read is snapshotted, so each one is captured).
The archive's receiver is timed: WARC records (warcio, gzip), the dedup lookup, the write to
the "archive" storage (the filesystem, in a temporary folder) and the Capture row. Then the same
URLs are checked again from scratch without the archive listening, for the run's total with and
without it. Politeness is relaxed (the cost measured is the archive's, not the origins' pace).

    python bench/archive.py                 2,000 URLs
    python bench/archive.py --urls 500

Uses DATABASE_URL's server (database <its name>_bench_archive) and REDIS_URL's database, which it
flushes (never db 0).
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.support import database_name, django_setup, environment  # noqa: E402

DB_NAME = database_name("bench_archive")
ORIGINS = 100
QUOTE = "China and Russia will strengthen cooperation in four areas."


WORDS = (
    "ministers", "trade", "energy", "transport", "corridor", "cooperation", "agreement", "investment", "customs",
    "railway", "pipeline", "health", "vaccine", "education", "culture", "tourism", "security", "border", "finance",
    "bank", "currency", "summit", "declaration", "partnership", "development",
)


def page(n: int) -> str:
    """About 30 KB of HTML, different for every URL (so no payload is a revisit), words drawn at random
    (seeded per page) so that it compresses about as well as prose, not as well as a repeated line."""
    rng = random.Random(n)
    paragraphs = "".join(f"<p>{' '.join(rng.choice(WORDS) for _ in range(14))} {rng.randrange(10**6)}.</p>" for _ in range(240))
    return f"<html><head><title>Document {n}</title></head><body><main><p>{QUOTE}</p>{paragraphs}</main></body></html>"


def origins_start(per_origin: int):
    from tests.checks_server import LocalOrigins, Request, Response

    origins = LocalOrigins(ports=ORIGINS).start()

    def server(n: int):
        async def serve(request: Request) -> Response:  # every origin serves its own text: 2,000 distinct payloads
            return Response(200, page(request.port * 1000 + n))
        return serve

    for n in range(per_origin):
        origins.route(f"/doc/{n}", server(n))
    return origins


def reset(urls: list[str]) -> None:
    from django.db import connection
    from django.utils import timezone

    from commitments.models import Evidence
    from commitments.models.checks import MonitoredUrl

    with connection.cursor() as cursor:
        cursor.execute("SET commitments.allow_truncate = 'on'")  # evidence's revisions are history (migration 0022)
        cursor.execute("TRUNCATE commitments_capture, commitments_urlsnapshot, commitments_urlcheck, commitments_monitoredurl, "
                       "commitments_evidence CASCADE")
    Evidence.objects.bulk_create([Evidence(url=url, title="Bench", excerpt=QUOTE) for url in urls], batch_size=2000)
    now = timezone.now()
    MonitoredUrl.objects.bulk_create([MonitoredUrl(url=url, added_at=now, next_check_at=now) for url in urls], batch_size=2000)
    from redis import Redis

    redis = Redis.from_url(os.environ["REDIS_URL"])
    redis.flushdb()
    redis.close()


def check_all() -> float:
    from django.utils import timezone

    from commitments.checks import services
    from commitments.models.checks import MonitoredUrl

    ids = list(MonitoredUrl.objects.values_list("id", flat=True))
    started = time.monotonic()
    services.check_batch_run(ids=ids, claim=None, now=timezone.now())
    return time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--urls", type=int, default=2000)
    parser.add_argument("--smoke", action="store_true", help="20 URLs: every step runs (the suite does this)")
    args = parser.parse_args()
    if args.smoke:
        args.urls = 20
    per_origin = max(1, args.urls // ORIGINS)
    with tempfile.TemporaryDirectory(prefix="tracker-archive-bench-") as folder:
        django_setup(environment(db_name=DB_NAME, TRACKER_CHECK_HOST_RATE="1000", TRACKER_CHECK_HOST_IN_FLIGHT="4", TRACKER_ARCHIVE_DIR=folder))
        from commitments.archive import receivers
        from commitments.archive.services import captures_take
        from commitments.checks.signals import snapshots_taken
        from commitments.models import Capture

        origins = origins_start(per_origin)
        urls = [origins.url(f"/doc/{n}", origin=o) for n in range(per_origin) for o in range(ORIGINS)]
        timings: list[tuple[float, int]] = []  # (ms, URLs) per recording group

        def timed(sender, *, taken, now, **kwargs) -> None:
            started = time.perf_counter()
            captures_take(taken=taken, now=now)
            timings.append(((time.perf_counter() - started) * 1000, len(taken)))

        snapshots_taken.disconnect(dispatch_uid="archive-captures")
        snapshots_taken.connect(timed, dispatch_uid="archive-bench", weak=False)
        reset(urls)
        with_archive = check_all()
        captures = list(Capture.objects.values_list("kind", "payload_bytes", "warc_bytes"))
        on_disk = sum(p.stat().st_size for p in Path(folder).rglob("*.warc.gz"))
        snapshots_taken.disconnect(dispatch_uid="archive-bench")
        reset(urls)
        without = check_all()
        snapshots_taken.connect(receivers.capture_snapshots, dispatch_uid="archive-captures")
        origins.stop()

    ok = [c for c in captures if c[0] != "failed"]
    per_url_ms = sum(ms for ms, _ in timings) / max(1, sum(n for _, n in timings))
    per_group = [ms / n for ms, n in timings if n]
    revisits = sum(1 for c in ok if c[0] == "revisit")
    print(f"URLs checked: {len(urls)}; captured: {len(ok)} ({revisits} as revisits; failed {len(captures) - len(ok)})")
    print(f"capture cost: {per_url_ms:.2f} ms per URL ({len(timings)} recording groups; "
          f"median group {statistics.median(per_group):.2f} ms per URL)")
    print(f"bytes per URL: payload {sum(c[1] for c in ok) / max(1, len(ok)):,.0f}, WARC (gzip) {sum(c[2] for c in ok) / max(1, len(ok)):,.0f}; "
          f"on disk {on_disk / 1e6:.1f} MB in all")
    print(f"first check of every URL: {with_archive:.1f} s with the archive, {without:.1f} s without "
          f"({(with_archive - without) * 1000 / len(urls):+.2f} ms per URL)")
    return 0 if len(ok) == len(urls) else 1


if __name__ == "__main__":
    sys.exit(main())
