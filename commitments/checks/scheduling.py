"""When each URL is checked next, and claiming the due ones.

The state is in PostgreSQL (MonitoredUrl.next_check_at), so no Celery countdown ever
holds a check. Runs claim due URLs a few per origin at a time (`due_claim`), so every
origin gets work at once and no run holds more of one origin than it can fetch soon.
A claimed URL's next_check_at is its lease: past it, any run may claim it again.
"""

import random
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction

from commitments.models.checks import Health, MonitoredUrl


@dataclass(frozen=True)
class Cadence:
    base: int = 86400
    minimum: int = 3600
    maximum: int = 7 * 86400
    jitter: float = 0.1
    lease: int = 900


def cadence_from_settings() -> Cadence:
    return Cadence(
        base=settings.TRACKER_CHECK_INTERVAL, minimum=settings.TRACKER_CHECK_MIN_INTERVAL,
        maximum=settings.TRACKER_CHECK_MAX_INTERVAL, jitter=settings.TRACKER_CHECK_JITTER, lease=settings.TRACKER_CHECK_LEASE,
    )


def interval_next(*, previous: int, health: str, changed: bool, pending_change: bool, cadence: Cadence) -> int:
    """Stable URLs back off (x1.5 up to the maximum); changed, pending or failing ones come back sooner."""
    if changed or pending_change:
        return cadence.minimum
    if health in (Health.FAILING, Health.BLOCKED):
        # Soon enough to see a recovery, not so soon that one bad hour counts as several failures.
        return max(cadence.minimum, min(cadence.base, previous))
    if health == Health.GONE:
        return cadence.maximum  # still watched: pages do come back
    return min(cadence.maximum, max(cadence.minimum, int(previous * 1.5)))


def next_check_at(*, now: datetime, interval: int, jitter: float, not_before: float | None = None, rng: random.Random | None = None) -> datetime:
    """`now + interval`, spread by ±`jitter` of the interval so URLs added together do not stay together."""
    spread = (rng or random).uniform(-jitter, jitter) * interval
    seconds = max(interval + spread, not_before or 0)
    return now + timedelta(seconds=seconds)


# scheme://[userinfo@]host[:port]: the origin as the claim query groups URLs (the same in SQL and here).
ORIGIN_PATTERN = r"^[A-Za-z][A-Za-z0-9+.-]*://(?:[^@/?#]*@)?([^/?#]*)"
_ORIGIN = re.compile(ORIGIN_PATTERN)


def claim_origin(url: str) -> str:
    match = _ORIGIN.match(url)
    return match.group(1).lower() if match else ""


def due_claim(
    *, now: datetime, limit: int, lease: int, per_origin: int | None = None, busy: Iterable[str] = (), claim: uuid.UUID | None = None,
) -> tuple[uuid.UUID, list[int]]:
    """Claim up to `limit` due URLs, at most `per_origin` of each origin and none of the `busy` ones.

    Taken round-robin over origins (every origin's oldest first), oldest due first within
    an origin; concurrent runs skip each other's rows. A claimed URL is due again after
    `lease` seconds: if its run is lost it is simply claimed again, and a late result of
    the old run finds the claim gone.
    """
    claim = claim or uuid.uuid4()
    with transaction.atomic():
        ids = due_ids(now=now, limit=limit, per_origin=per_origin or limit, busy=busy)
        MonitoredUrl.objects.filter(id__in=ids).update(claim=claim, next_check_at=now + timedelta(seconds=lease))
    return claim, ids


def due_ids(*, now: datetime, limit: int, per_origin: int, busy: Iterable[str] = (), portable: bool | None = None) -> list[int]:
    """The ids due_claim() takes, unclaimed: one query with row locks on PostgreSQL; elsewhere (SQLite for `make run`),
    or with `portable=True`, the same choice made in Python (a test compares them)."""
    if portable is None:
        portable = connection.vendor != "postgresql"
    if portable:
        return _due_ids_portable(now=now, limit=limit, per_origin=per_origin, busy=set(busy))
    return _due_ids_by_origin(now=now, limit=limit, per_origin=per_origin, busy=list(busy))


def _due_ids_by_origin(*, now: datetime, limit: int, per_origin: int, busy: list[str]) -> list[int]:
    sql = """
        WITH ranked AS (
            SELECT id, next_check_at, row_number() OVER (PARTITION BY origin ORDER BY next_check_at, id) AS n
            FROM (SELECT id, next_check_at, coalesce(lower(substring(url FROM %(pattern)s)), '') AS origin
                  FROM commitments_monitoredurl WHERE linked AND next_check_at <= %(now)s) AS due
            WHERE NOT (origin = ANY(%(busy)s))
        )
        SELECT m.id FROM commitments_monitoredurl m JOIN ranked r ON r.id = m.id
        WHERE r.n <= %(per_origin)s AND m.linked AND m.next_check_at <= %(now)s
        ORDER BY r.n, r.next_check_at, m.id
        LIMIT %(limit)s
        FOR UPDATE OF m SKIP LOCKED
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, {"pattern": ORIGIN_PATTERN, "now": now, "busy": busy, "per_origin": per_origin, "limit": limit})
        return [row[0] for row in cursor.fetchall()]


def _due_ids_portable(*, now: datetime, limit: int, per_origin: int, busy: set[str]) -> list[int]:
    """The same choice in Python over the oldest due rows (SQLite, development: one process)."""
    rows = MonitoredUrl.objects.filter(linked=True, next_check_at__lte=now).order_by("next_check_at", "id").values_list("id", "url")
    taken: dict[str, list[int]] = {}
    for pk, url in rows[: limit * 10]:
        origin = claim_origin(url)
        if origin not in busy and len(taken.setdefault(origin, [])) < per_origin:
            taken[origin].append(pk)
    rounds = [ids[n] for n in range(per_origin) for ids in taken.values() if n < len(ids)]
    return rounds[:limit]


def claims_release(*, claim: uuid.UUID | str, delays: dict[int, float], now: datetime) -> int:
    """Give back URLs `claim` holds but did not check, each due again after its delay (seconds)."""
    released = 0
    for pk, delay in delays.items():
        released += MonitoredUrl.objects.filter(id=pk, claim=claim).update(claim=None, next_check_at=now + timedelta(seconds=delay))
    return released


def expired_claims_reclaim(*, now: datetime) -> int:
    """Clear the claims whose lease ran out (their run is gone): they are due now, for the next run."""
    return MonitoredUrl.objects.filter(claim__isnull=False, next_check_at__lte=now).update(claim=None)


def batches(ids: list[int], size: int) -> list[list[int]]:
    return [ids[i:i + size] for i in range(0, len(ids), size)]


# Advisory-lock class for run slots: at most TRACKER_CHECK_RUNNERS runs fetch at once, so the
# degraded (Redis-less) politeness can divide each origin's budget between them.
RUN_SLOT_LOCK = 0x7C4EC


def run_slot_take(*, slots: int) -> int | None:
    """A free run slot (held by this database session until released or the process dies), or None."""
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        for slot in range(slots):
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [RUN_SLOT_LOCK, slot])
            if cursor.fetchone()[0]:
                return slot
    return None


def run_slot_release(*, slot: int) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [RUN_SLOT_LOCK, slot])


def runs_active() -> int:
    """How many run slots are held right now (by any worker)."""
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        # pg_locks lists the whole server's locks; advisory locks belong to one database, so count this one's only
        # (another database on the server, a second deployment or a test run, must not take our slots).
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = %s"
            " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())", [RUN_SLOT_LOCK],
        )
        return cursor.fetchone()[0]
