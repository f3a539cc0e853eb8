"""What conditional requests and caches compare: fingerprints, the content version, cached aggregates."""

import functools
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Max, QuerySet


@dataclass(frozen=True)
class Fingerprint:
    """What a conditional request compares: how many rows match, and when the newest changed."""

    count: int
    last_modified: datetime | None


def queryset_fingerprint(*, queryset: QuerySet, field: str | None) -> Fingerprint:
    """One cheap aggregate over the filtered rows (no prefetches, no ordering)."""
    base = queryset.model.objects.filter(pk__in=queryset.order_by().values("pk")) if queryset.query.distinct else queryset
    aggregates = {"n": Count("pk")}
    if field:
        aggregates["last"] = Max(field)
    row = base.order_by().aggregate(**aggregates)
    return Fingerprint(count=row["n"], last_modified=row.get("last"))


# --- Caching aggregates ------------------------------------------------------------------

# How long a cached aggregate may live at most. Entries are exact (keyed by the aggregate stamp,
# replaced as soon as the data changes): the limit only returns the memory of unused ones.
AGGREGATE_CACHE_SECONDS = 24 * 3600

# The key of an aggregate over every commitment: the pages' and the unfiltered API's share it.
UNFILTERED = ""


# The code that computes the aggregates and chooses their commitments (relative to commitments/): a deployment
# that changes it must not be served what the old code cached, and the stamp moves only with the data.
AGGREGATE_CODE = ("selectors", "parties.py", "history.py", "api/filters.py", "api/stats.py")


@functools.cache
def aggregate_code_version() -> str:
    """A hash of AGGREGATE_CODE's source files, once per process: part of every cached aggregate's key."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for name in AGGREGATE_CODE:
        path = root / name
        for file in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def aggregate_stamp() -> str | None:
    """The version every cached aggregate is keyed by (one primary-key lookup), or None: compute.

    The database moves it at the commit of any transaction that changed a table the aggregates or
    the commitment filters read (migration 0025, which lists them), whoever wrote: services, the
    admin, raw SQL. None on SQLite (no stamp), and inside a transaction: its own writes do not
    move the stamp before it commits, so an answer cached there could outlive them (or be rolled back).
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT xact FROM commitments_aggregatestamp WHERE id = 1")
        row = cursor.fetchone()
    return None if row is None else str(row[0])


def cached_aggregate(*, name: str, key: str, compute):
    """`compute()`, remembered in the cache until anything it reads, or the code computing it, changes. `key` names the filter
    and the arguments.

    The stamp is read before computing: an answer is never cached under a stamp older than the data it saw.
    """
    stamp = aggregate_stamp()
    if stamp is None:
        return compute()
    cache_key = "api-aggregate:" + hashlib.sha256(f"{name}|{key}|{stamp}|{aggregate_code_version()}".encode()).hexdigest()
    found = cache.get(cache_key)
    if found is None:
        found = compute()
        cache.set(cache_key, found, timeout=AGGREGATE_CACHE_SECONDS)
    return found


# What any public page may show, and where it last changed: counts and newest timestamps of each
# table, every one read from an index (updated_at, recorded_at, checked_at and published_at are
# indexed). Publishing a proposal changes only its published_at, so that is counted too.
_CONTENT_VERSION_SQL = """
SELECT (SELECT COUNT(*) FROM commitments_commitment), (SELECT COUNT(*) FROM commitments_claim),
       (SELECT COUNT(*) FROM commitments_party), (SELECT COUNT(*) FROM commitments_theme),
       (SELECT MAX(id) FROM commitments_statusupdate WHERE review_state = 'published'),
       (SELECT MAX(id) FROM commitments_verdictupdate WHERE review_state = 'published'),
       (SELECT MAX(id) FROM commitments_partyassessment WHERE review_state = 'published'), (SELECT MAX(id) FROM commitments_urlcheck),
       (SELECT MAX(updated_at) FROM commitments_commitment), (SELECT MAX(updated_at) FROM commitments_statement),
       (SELECT MAX(updated_at) FROM commitments_claim), (SELECT MAX(updated_at) FROM commitments_evidence WHERE published_at IS NOT NULL),
       (SELECT MAX(updated_at) FROM commitments_source),
       (SELECT MAX(checked_at) FROM commitments_urlcheck), (SELECT MAX(published_at) FROM commitments_statusupdate),
       (SELECT MAX(published_at) FROM commitments_verdictupdate), (SELECT MAX(published_at) FROM commitments_partyassessment)
"""


@dataclass(frozen=True)
class ContentVersion:
    """A stamp that changes whenever anything a public page shows may have changed (one query).

    History rows and evidence count only once published: a proposal waiting for review (a draft
    evidence row included) changes no public page, so it changes no ETag (issue 22 #14)."""

    stamp: str
    last_modified: datetime | None


def _as_datetime(value) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    parsed = datetime.fromisoformat(value)  # SQLite returns text
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def content_version() -> ContentVersion:
    with connection.cursor() as cursor:
        cursor.execute(_CONTENT_VERSION_SQL)
        row = cursor.fetchone()
    times = [t for t in map(_as_datetime, row[8:]) if t is not None]
    return ContentVersion(stamp="|".join(str(v) for v in row), last_modified=max(times, default=None))
