"""Save Page Now: ask the Internet Archive to capture each newly archived page too (off by default).

No kept client library fits: `savepagenow` and `waybackpy` call web.archive.org with `requests`
directly, past the fetcher's SSRF guard, its per-origin politeness and its size cap, and with a
fixed address a test cannot point at a local stand-in. Save Page Now's anonymous form is a GET
of <endpoint><url>, so the re-check's own guarded fetcher does it (`fetch_urls`), one request at
a time per origin; this module only claims, rate-limits and retries.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urljoin

from django.conf import settings
from django.db import transaction

from commitments.checks.fetch import Fetched
from commitments.checks.services import fetch_urls
from commitments.models import Capture

LEASE = timedelta(minutes=10)  # a claimed submission is due again after this if its runner died
PENDING, SENT, FAILED = "pending", "sent", "failed"


@dataclass(frozen=True)
class WaybackReport:
    sent: int = 0
    retry: int = 0
    failed: int = 0


def _claim(*, now: datetime) -> list[Capture]:
    with transaction.atomic():
        due = list(
            Capture.objects.select_for_update(skip_locked=True).filter(wayback_state=PENDING, wayback_next_at__lte=now)
            .order_by("wayback_next_at", "id")[: settings.TRACKER_ARCHIVE_WAYBACK_PER_MINUTE]
        )
        Capture.objects.filter(pk__in=[c.pk for c in due]).update(wayback_next_at=now + LEASE)
    return due


def saved_url(fetched: Fetched) -> str:
    """Where Save Page Now put the copy ("" when it did not say or failed)."""
    if fetched.hops:
        return fetched.hops[0][1]
    if fetched.status == 200:
        location = fetched.headers.get("content-location", "")
        return urljoin(settings.TRACKER_ARCHIVE_WAYBACK_ENDPOINT, location) if location else fetched.final_url
    return ""


def wayback_submit_due(*, now: datetime) -> WaybackReport:
    """Submit up to TRACKER_ARCHIVE_WAYBACK_PER_MINUTE due captures; failures back off 2, 4, 8 ... minutes."""
    if not settings.TRACKER_ARCHIVE_WAYBACK:
        return WaybackReport()
    due = _claim(now=now)
    if not due:
        return WaybackReport()
    endpoint = settings.TRACKER_ARCHIVE_WAYBACK_ENDPOINT
    results = fetch_urls([endpoint + c.target_url for c in due], follow_redirects=False, one_at_a_time=True, max_wait=30)
    sent = retry = failed = 0
    for capture, fetched in zip(due, results, strict=True):
        where = saved_url(fetched)
        capture.wayback_attempts += 1
        if where:
            capture.wayback_state, capture.wayback_url, capture.wayback_next_at, sent = SENT, where[:2000], None, sent + 1
        elif capture.wayback_attempts >= settings.TRACKER_ARCHIVE_WAYBACK_TRIES:
            capture.wayback_state, capture.wayback_next_at, failed = FAILED, None, failed + 1
        else:
            wait = max(timedelta(minutes=2 ** capture.wayback_attempts), timedelta(seconds=fetched.retry_after or 0))
            capture.wayback_next_at, retry = now + wait, retry + 1
        capture.save(update_fields=["wayback_state", "wayback_url", "wayback_next_at", "wayback_attempts"])
    return WaybackReport(sent=sent, retry=retry, failed=failed)
