"""What conditional requests and caches compare: fingerprints, the content version, cached aggregates."""

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Max, QuerySet

from commitments.models import Commitment

# How long a cached aggregate may live at most (it is also replaced as soon as the data changes).
AGGREGATE_CACHE_SECONDS = 3600


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


def aggregate_version(*, commitments: QuerySet[Commitment], history) -> str:
    """A stamp that changes whenever an aggregate over these commitments could change.

    History rows change only once, when published (ORM guard and database trigger), so the
    count of published rows and the latest publication time are a complete version;
    commitments and statements are stamped by count and newest updated_at.
    """
    chosen = Commitment.objects.filter(pk__in=commitments.order_by().values("pk")).order_by()
    mine = chosen.aggregate(n=Count("pk"), last=Max("updated_at"), announced=Max("statement__updated_at"))
    newest = history.objects.published().order_by().aggregate(n=Count("pk"), last=Max("published_at"))
    return f"{mine['n']}|{mine['last']}|{mine['announced']}|{newest['n']}|{newest['last']}"


def cached_aggregate(*, name: str, key: str, version: str, compute):
    """`compute()`, remembered in the cache until `version` changes."""
    cache_key = "api-aggregate:" + hashlib.sha256(f"{name}|{key}|{version}".encode()).hexdigest()
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
