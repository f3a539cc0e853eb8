"""Benchmark: build and deliver 10,000 and 100,000 weekly digests to a local SMTP sink.

    DATABASE_URL=postgres://... REDIS_URL=redis://... .venv/bin/python bench/digests.py \
        [--subscribers 10000,100000] [--changes 500] [--workers 2] [--smoke]

For each number of subscribers: creates its own PostgreSQL database (<DATABASE_URL's name>_digests,
dropped and re-created; BENCH_DATABASE_URL overrides it), fills one ISO week with status
changes, evidence, claims, verdicts and scores, subscribes that many confirmed addresses with
mixed filters, starts a counting SMTP sink in its own process (--sink, see tests/smtp_server.py)
and runs the real batch code path (`digests_send_batch`, one call per batch of
TRACKER_DIGEST_BATCH_SIZE, as each Celery batch task would) in a pool of worker processes (two,
as the compose stack's worker runs), each with its own database connection and cold caches,
journalling to the Redis cache of REDIS_URL as production does (without it, the in-process cache).
Prints the total time, e-mails per second, queries per batch and each worker's peak memory,
then how the time and memory scale from the first size to the last.
Target (issue 13): 10,000 in under 15 s on two worker processes, 100,000 about 10x that, memory flat.
"""

import argparse
import multiprocessing
import os
import random
import resource
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.support import database_create, database_name, database_url  # noqa: E402 - after the path is set

DB_URL = os.environ.get("BENCH_DATABASE_URL") or database_url(database_name("digests"))
BEFORE = datetime(2024, 2, 20, 10, 0, tzinfo=UTC)
DURING = datetime(2024, 3, 6, 12, 0, tzinfo=UTC)
PERIOD_KEY = "2024-W10"


def start_sink(port: int, *, fast: bool) -> subprocess.Popen:
    command = [sys.executable, "-m", "tests.smtp_server", "--port", str(port), *(["--fast"] if fast else [])]
    sink = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert sink.stdout.readline().strip() == "ready"
    return sink


def stop_sink(sink: subprocess.Popen) -> int:
    sink.terminate()
    out, _ = sink.communicate(timeout=30)
    return int(out.strip().splitlines()[-1])


def seed(*, subscribers: int, changes: int, rng: random.Random) -> None:
    import time_machine
    from django.contrib.auth.models import User

    from commitments.models import (
        Claim,
        Commitment,
        Evidence,
        Party,
        PartyAssessment,
        Source,
        Statement,
        Status,
        StatusUpdate,
        Subscriber,
        Theme,
        Verdict,
        VerdictUpdate,
    )

    quote = "The two countries will strengthen cooperation."
    from django.db import connection

    with connection.cursor() as cursor:  # loads rows already reviewed: the history trigger allows this session (migration 0022)
        cursor.execute("SET commitments.bulk_load = 'on'")
    with time_machine.travel(BEFORE, tick=False):
        author = User.objects.create_user("bench", "bench@example.org", "bench-only", is_staff=True)
        source = Source.objects.create(slug="bench", title="Bench source", publisher="Bench", full_text=quote)
        parties = Party.objects.bulk_create([Party(slug=f"p{n}", name=f"Party {n}") for n in range(20)])
        themes = Theme.objects.bulk_create([Theme(slug=f"t{n}", name=f"Theme {n}") for n in range(8)])
        statements = Statement.objects.bulk_create(
            [
                Statement(
                    slug=f"s{n}",
                    title=f"Statement {n}",
                    announced_by="Minister",
                    announcing_party=parties[n % 20],
                    announced_on=date(2023, 1, 1),
                    announced_count=20,
                )
                for n in range(50)
            ]
        )
        Statement.parties.through.objects.bulk_create(
            [
                Statement.parties.through(statement_id=s.pk, party_id=p.pk)
                for n, s in enumerate(statements)
                for p in {parties[n % 20], parties[(n * 7) % 20]}
            ]
        )
        commitments = Commitment.objects.bulk_create(
            [
                Commitment(
                    statement=s,
                    ordinal=o,
                    title=f"Point {o} of {s.title}",
                    source=source,
                    quote=quote,
                    status=Status.IN_PROGRESS,
                    status_since=BEFORE.date(),
                    target_date=date(2024, 3, 11 + (o % 40)) if o % 3 == 0 else None,
                )
                for s in statements
                for o in range(1, 21)
            ]
        )
        Commitment.themes.through.objects.bulk_create(
            [Commitment.themes.through(commitment_id=c.pk, theme_id=themes[c.pk % 8].pk) for c in commitments]
        )
        StatusUpdate.objects.bulk_create(
            [
                StatusUpdate(commitment=c, status=Status.IN_PROGRESS, effective_on=BEFORE.date(), rationale="Work started", author=author,
                             review_state="published", published_at=BEFORE)
                for c in commitments
            ]
        )
        claims = Claim.objects.bulk_create([Claim(statement=statements[n % 50], source=source, title=f"Claim {n}", quote=quote) for n in range(100)])
    with time_machine.travel(DURING, tick=False):
        changed = rng.sample(commitments, changes)
        new_status = [rng.choice([Status.FULFILLED, Status.STALLED, Status.BROKEN, Status.PARTIALLY_FULFILLED, Status.NOT_STARTED]) for _ in changed]
        updates = StatusUpdate.objects.bulk_create(
            [
                StatusUpdate(
                    commitment=c,
                    status=s,
                    effective_on=DURING.date(),
                    rationale=f"Rationale for the change of {c.title}: " + "details " * 10,
                    author=author, review_state="published", published_at=DURING,
                )
                for c, s in zip(changed, new_status, strict=True)
            ]
        )
        for status in set(new_status):
            Commitment.objects.filter(pk__in=[c.pk for c, s in zip(changed, new_status, strict=True) if s == status]).update(status=status)
        evidence = Evidence.objects.bulk_create(
            [Evidence(url=f"https://news.example.org/{n}", title=f"Report {n}", publisher="Wire") for n in range(200)]
        )
        StatusUpdate.evidence.through.objects.bulk_create(
            [StatusUpdate.evidence.through(statusupdate_id=u.pk, evidence_id=evidence[n % 200].pk) for n, u in enumerate(updates)]
        )
        Evidence.commitments.through.objects.bulk_create(
            [Evidence.commitments.through(evidence_id=evidence[n % 200].pk, commitment_id=u.commitment_id) for n, u in enumerate(updates)],
            ignore_conflicts=True,
        )
        new_claims = Claim.objects.bulk_create(
            [Claim(statement=statements[n % 50], source=source, title=f"New claim {n}", quote=quote) for n in range(50)]
        )
        VerdictUpdate.objects.bulk_create(
            [VerdictUpdate(claim=c, verdict=Verdict.MISLEADING, rationale="Figures differ", author=author,
                           review_state="published", published_at=DURING)
             for c in claims[:50] + new_claims[:10]]
        )
        PartyAssessment.objects.bulk_create(
            [
                PartyAssessment(
                    commitment=c,
                    party=parties[c.statement.pk % 20],
                    score=rng.choice([-1, 0, 1]),
                    assessed_on=DURING.date(),
                    rationale="Scored",
                    author=author, review_state="published", published_at=DURING,  # as published by a reviewer that week
                )
                for c in changed[:50]
            ]
        )
        Commitment.objects.bulk_create(
            [Commitment(statement=s, ordinal=21, title=f"New point of {s.title}", source=source, quote=quote) for s in statements[:20]]
        )
    people = Subscriber.objects.bulk_create([Subscriber(email=f"reader{n}@example.org", confirmed_at=BEFORE) for n in range(subscribers)])
    through = {"parties": [], "themes": [], "statements": []}
    for n, person in enumerate(people):
        kind = n % 20
        if 6 <= kind < 12 or 15 <= kind < 18:  # 45% follow one party (some also a theme)
            through["parties"].append(Subscriber.parties.through(subscriber_id=person.pk, party_id=rng.choice(parties).pk))
        if 12 <= kind < 18:  # 30% follow a theme
            through["themes"].append(Subscriber.themes.through(subscriber_id=person.pk, theme_id=rng.choice(themes).pk))
        if kind >= 18:  # 10% follow one or two statements
            for statement in rng.sample(statements, rng.choice([1, 2])):
                through["statements"].append(Subscriber.statements.through(subscriber_id=person.pk, statement_id=statement.pk))
    for name, rows in through.items():
        getattr(Subscriber, name).through.objects.bulk_create(rows)


def send_batch(ids: list[int]) -> tuple[object, int, float, int, float]:
    """One batch task: the result, the queries it ran, this process's peak memory (MB), its pid and CPU seconds so far."""
    from django.db import connection
    from django.utils import timezone

    from commitments.digests.delivery import digests_send_batch
    from commitments.digests.periods import period_parse

    count = [0]

    def counter(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        result = digests_send_batch(period=period_parse(PERIOD_KEY), subscriber_ids=ids, now=timezone.now())
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return result, count[0], usage.ru_maxrss / 1024, os.getpid(), usage.ru_utime + usage.ru_stime


def run(*, workers: int) -> tuple[float, list[int], int, object, float, float]:
    from django.conf import settings
    from django.db import connections

    from commitments.digests.delivery import BatchResult, chunked, subscribers_active, week_changes_forget

    week_changes_forget()  # no run starts warm
    chunks = list(chunked(subscribers_active(), settings.TRACKER_DIGEST_BATCH_SIZE))
    cpu_before = sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
    started = time.perf_counter()
    if workers == 1:
        batches = [send_batch(ids) for ids in chunks]
    else:
        connections.close_all()  # each worker opens its own
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            batches = pool.map(send_batch, chunks, chunksize=1)
    elapsed = time.perf_counter() - started
    result = BatchResult()
    cpu: dict[int, float] = {}
    for batch, _, _, pid, seconds in batches:
        result.merge(batch)
        cpu[pid] = max(seconds, cpu.get(pid, 0.0))
    if workers == 1:
        cpu = {0: sum(b[4] for b in batches[-1:]) - cpu_before}
    return elapsed, [b[1] for b in batches], sum(map(len, chunks)), result, max(b[2] for b in batches), sum(cpu.values())


def measure(*, workers: int, port: int, sink_kind: str) -> tuple[float, float]:
    from commitments.digests import delivery
    from commitments.models import DigestDelivery

    record_every = getattr(delivery, "RECORD_EVERY", 1)  # 1: code from before bulk recording, for before/after runs

    DigestDelivery.objects.all().delete()
    sink = start_sink(port, fast=sink_kind == "fast")
    try:
        elapsed, queries, total, result, peak_mb, cpu = run(workers=workers)
    finally:
        received = stop_sink(sink)
    rows = DigestDelivery.objects.filter(status="sent").count()
    how = "in this one process" if workers == 1 else f"in {workers} worker processes (one per core, as {workers} Celery workers would)"
    print(f"\n== {total} digests, batches {how}, to the {sink_kind} SMTP sink (its own process)")
    print(f"subscribers: {total}; sent {len(result.sent)}, empty {len(result.empty)}, retry {len(result.retry)}, failed {len(result.failed)}")
    print(f"SMTP sink received: {received}; delivery rows marked sent: {rows}")
    print(f"total time to build and deliver: {elapsed:.1f} s ({len(result.sent) / elapsed:.0f} e-mails/s); "
          f"worker CPU {cpu:.1f} s ({cpu / max(total, 1) * 1000:.2f} ms a digest); load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(
        f"batches: {len(queries)} of {total // max(len(queries), 1)}; queries per batch: min {min(queries)}, max {max(queries)} "
        f"(the week's ~25 reads in a process's first batch, 8 fixed reads, one UPDATE per {record_every} e-mails sent)"
    )
    print(f"peak memory (max RSS of a {'process' if workers == 1 else 'worker'}): {peak_mb:.0f} MB")
    if received != len(result.sent) or rows != len(result.sent) or len(result.sent) != total:
        sys.exit("MISMATCH between subscribers, e-mails sent, received and recorded")
    return elapsed, peak_mb


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", default="10000,100000", help="comma-separated numbers of subscribers, each run on a fresh database")
    parser.add_argument("--changes", type=int, default=500)
    parser.add_argument("--workers", default="2", help="comma-separated worker counts to run, 1 meaning this process")
    parser.add_argument("--sink", choices=["fast", "aiosmtpd"], default="fast",
                        help="fast: a counting SMTP server that reads each message in one go; aiosmtpd: parses line by line (~3 ms CPU a digest)")
    parser.add_argument("--smoke", action="store_true", help="tiny data: every step runs (the suite does this)")
    args = parser.parse_args()
    if args.smoke:
        args.subscribers, args.changes, args.workers = "40,80", 500, "1,2"

    from tests.smtp_server import free_port

    port = free_port()
    os.environ.update(
        {
            "DATABASE_URL": DB_URL,
            "SECRET_KEY": "bench-only-secret-key",
            "EMAIL_URL": f"smtp://127.0.0.1:{port}",
            "DEBUG": "False",
            "ALLOWED_HOSTS": "localhost",
            "SITE_URL": "https://tracker.example.org",
            "LOG_LEVEL": "WARNING",
            "CACHE_KEY_PREFIX": "bench-digests",
        }
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    database_create(DB_URL)
    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connections

    print(f"journal cache: {settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}; batch size {settings.TRACKER_DIGEST_BATCH_SIZE}")
    figures = {}
    for size in (int(n) for n in args.subscribers.split(",")):
        connections.close_all()
        database_create(DB_URL)
        cache.clear()
        t0 = time.perf_counter()
        call_command("migrate", verbosity=0)
        seed(subscribers=size, changes=args.changes, rng=random.Random(42))
        print(f"\nseeded {size} subscribers, {args.changes} status changes in {time.perf_counter() - t0:.1f} s")
        for workers in dict.fromkeys(int(n) for n in args.workers.split(",")):
            figures[size, workers] = measure(workers=workers, port=port, sink_kind=args.sink)
    sizes = sorted({size for size, _ in figures})
    for workers in dict.fromkeys(int(n) for n in args.workers.split(",")):
        (t_small, m_small), (t_big, m_big) = figures[sizes[0], workers], figures[sizes[-1], workers]
        if len(sizes) > 1:
            print(f"\nscaling with {workers} worker(s): {sizes[-1] // sizes[0]}x the subscribers took {t_big / t_small:.1f}x the time "
                  f"({t_small / sizes[0] * 1000:.2f} vs {t_big / sizes[-1] * 1000:.2f} ms a digest); peak memory {m_small:.0f} -> {m_big:.0f} MB")


if __name__ == "__main__":
    main()
