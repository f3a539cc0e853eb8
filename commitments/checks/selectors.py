"""Functions that read: quotes to look for, current health for the API, events for the digest."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.db.models import OuterRef, Subquery

from commitments.models import Capture, Claim, Commitment, Evidence, Rendering, Source
from commitments.models.checks import Event, Health, MonitoredUrl, QuoteMatch, UrlCheck


def quotes_for_urls(*, urls: list[str]) -> dict[str, list[str]]:
    """The quotes to look for on each URL: an evidence's excerpt; the quotes of the
    commitments and claims taken from a source at that URL, and every rendering from one. Four queries."""
    found: dict[str, list[str]] = defaultdict(list)
    rows = [
        *Evidence.objects.filter(url__in=urls).exclude(excerpt="").values_list("url", "excerpt"),
        *Commitment.objects.filter(source__url__in=urls).values_list("source__url", "quote"),
        *Claim.objects.filter(source__url__in=urls).values_list("source__url", "quote"),
        *Rendering.objects.filter(source__url__in=urls).values_list("source__url", "text"),
    ]
    for url, quote in rows:
        if quote.strip() and quote not in found[url]:
            found[url].append(quote)
    return found


def linked_urls() -> set[str]:
    """Every distinct URL a source or a piece of evidence links to."""
    # No ORDER BY inside a UNION: SQLite (the `make run` database) refuses it, and both models have a default ordering.
    sources = Source.objects.exclude(url="").order_by().values_list("url", flat=True)
    evidence = Evidence.objects.exclude(url="").order_by().values_list("url", flat=True)
    return set(sources.union(evidence))


@dataclass(frozen=True)
class UrlHealth:
    url: str
    health: str
    health_since: datetime | None
    last_checked_at: datetime | None
    last_outcome: str
    last_status: int | None
    final_url: str
    moved_to: str
    content_changed_at: datetime | None
    quote_match: str
    quote_score: float | None
    quotes_missing: int
    next_check_at: datetime
    # Its newest archived copy (commitments.archive), when one was captured.
    capture_id: int | None = None
    captured_at: datetime | None = None

    @property
    def live_lost(self) -> bool:
        """The live page no longer shows what was cited: gone, moved, or our quote is missing from it."""
        return self.health in (Health.GONE, Health.MOVED) or self.quote_match == QuoteMatch.MISSING


_CAPTURE_FIELDS = ("capture_id", "captured_at")
_HEALTH_FIELDS = [f for f in UrlHealth.__dataclass_fields__ if f not in _CAPTURE_FIELDS]


def latest_checks(*, urls: list[str]) -> dict[str, UrlHealth]:
    """The current health of each URL (those never seen are absent) and its newest capture, in one query."""
    newest = Capture.objects.filter(monitored_url=OuterRef("pk")).exclude(kind=Capture.Kind.FAILED).order_by("-captured_at", "-id")
    rows = MonitoredUrl.objects.filter(url__in=list(urls)).annotate(
        capture_id=Subquery(newest.values("id")[:1]), captured_at=Subquery(newest.values("captured_at")[:1]),
    ).values(*_HEALTH_FIELDS, *_CAPTURE_FIELDS)
    return {row["url"]: UrlHealth(**row) for row in rows}


@dataclass(frozen=True)
class HealthEvent:
    url: str
    kind: str  # gone, moved, changed, quote_lost (commitments.models.checks.Event)
    at: datetime
    detail: str
    new_url: str  # for "moved"
    sources: list[tuple[int, str]]  # (id, title) of the sources at this URL
    evidence: list[tuple[int, str]]  # (id, title) of the evidence at this URL


def health_events(*, start: datetime, end: datetime) -> list[HealthEvent]:
    """URLs that became gone, moved, changed or lost a quote in [start, end), oldest first. Three queries."""
    checks = list(
        UrlCheck.objects.filter(checked_at__gte=start, checked_at__lt=end).exclude(event=Event.NONE)
        .select_related("monitored_url").order_by("checked_at", "id")
    )
    urls = {check.monitored_url.url for check in checks}
    sources, evidence = defaultdict(list), defaultdict(list)
    for pk, title, url in Source.objects.filter(url__in=urls).values_list("id", "title", "url"):
        sources[url].append((pk, title))
    for pk, title, url in Evidence.objects.filter(url__in=urls).values_list("id", "title", "url"):
        evidence[url].append((pk, title))
    return [
        HealthEvent(
            url=c.monitored_url.url, kind=c.event, at=c.checked_at, detail=c.detail,
            new_url=c.final_url if c.event == Event.MOVED else "",
            sources=sources[c.monitored_url.url], evidence=evidence[c.monitored_url.url],
        )
        for c in checks
    ]


def latest_snapshot_text(*, monitored_url_id: int) -> str:
    snapshot = MonitoredUrl.objects.get(pk=monitored_url_id).snapshots.only("text").first()
    return snapshot.text if snapshot else ""
