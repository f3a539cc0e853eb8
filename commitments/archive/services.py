"""Writes of the archive: capture what the re-check snapshots, prune by the retention settings, queue Save Page Now.

A capture is taken when the re-check saves a snapshot (a URL's first read, and each confirmed
change), from the very bytes it judged: no second fetch. The WARC goes to the "archive" storage
(STORAGES["archive"]: the filesystem under the data directory by default, S3 by setting); a
payload seen before (same SHA-256, any URL) is written as a WARC revisit record pointing at the
first capture. Anything that goes wrong is a FAILED capture row with the error: never the check's failure.
"""

import logging
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.db import DatabaseError, transaction
from django.db.models import Count, F, Q

from commitments.checks.signals import Taken
from commitments.models import Capture

from .warc import Original, warc_write

log = logging.getLogger(__name__)
STORAGE_ALIAS = "archive"


def archive_storage() -> Storage:
    return storages[STORAGE_ALIAS]


def captures_take(*, taken: list[Taken], now: datetime) -> list[Capture]:
    """One capture per snapshot taken (failed ones included): one dedup query and one INSERT per group.

    A payload seen twice within the group is a revisit of the group's first: those are written
    after the first ones have their ids.
    """
    originals = _originals({item.snapshot.body_sha256 for item in taken if item.snapshot.body_sha256})
    first, later, seen = [], [], set(originals)
    for item in taken:
        digest = item.snapshot.body_sha256
        (later if digest in seen and digest not in originals else first).append(item)
        seen.add(digest)
    made = _captures_save([capture_build(item=item, original=originals.get(item.snapshot.body_sha256), now=now) for item in first])
    for capture in made:
        if capture.kind == Capture.Kind.RESPONSE:
            originals.setdefault(capture.payload_sha256, capture)
    return made + _captures_save([capture_build(item=item, original=originals.get(item.snapshot.body_sha256), now=now) for item in later])


def _originals(digests: set[str]) -> dict[str, Capture]:
    """The first full capture of each payload (one query)."""
    found: dict[str, Capture] = {}
    rows = Capture.objects.filter(payload_sha256__in=digests, kind=Capture.Kind.RESPONSE).order_by("captured_at", "id") if digests else []
    for capture in rows:
        found.setdefault(capture.payload_sha256, capture)
    return found


def _captures_save(captures: list[Capture]) -> list[Capture]:
    """One INSERT, in a savepoint: should it fail, the re-check's own rows are kept (and the captures are lost, logged)."""
    if not captures:
        return []
    try:
        with transaction.atomic():
            return Capture.objects.bulk_create(captures)
    except DatabaseError:
        log.exception("could not record %d captures", len(captures))
        return []


def capture_build(*, item: Taken, original: Capture | None, now: datetime) -> Capture:
    """The capture of one snapshot, its WARC already stored; a FAILED capture with the error when anything went wrong."""
    snapshot, fetched = item.snapshot, item.fetched
    wayback = settings.TRACKER_ARCHIVE_WAYBACK
    capture = Capture(
        monitored_url_id=snapshot.monitored_url_id, snapshot=snapshot, captured_at=now, target_url=(fetched.final_url or fetched.url)[:2000],
        status=fetched.status, content_type=fetched.content_type[:200], payload_sha256=snapshot.body_sha256,
        wayback_state="pending" if wayback else "", wayback_next_at=now if wayback else None,
    )
    try:
        if item.body is None:
            raise ValueError("the re-check did not keep this page's body")
        capture.payload_bytes = len(item.body)
        pointer = original and Original(url=original.target_url, date=original.captured_at, payload_digest=original.warc_payload_digest)
        written = warc_write(fetched=fetched, body=item.body, at=now, original=pointer)
        name = f"{now:%Y/%m/%d}/{snapshot.monitored_url_id}-{uuid.uuid4().hex}.warc.gz"
        capture.warc_name = archive_storage().save(name, ContentFile(written.data))
        capture.kind, capture.revisit_of = (Capture.Kind.REVISIT, original) if original else (Capture.Kind.RESPONSE, None)
        capture.warc_bytes, capture.warc_record_id, capture.warc_payload_digest = len(written.data), written.record_id, written.payload_digest
    except Exception as error:  # noqa: BLE001 - a capture that fails is recorded, never the check's failure
        log.warning("capture of %s failed: %s", capture.target_url, error)
        capture.kind, capture.error, capture.revisit_of = Capture.Kind.FAILED, f"{type(error).__name__}: {error}"[:2000], None
        capture.wayback_state, capture.wayback_next_at = "", None
    return capture


def captures_prune(*, now: datetime) -> int:
    """Delete captures older than TRACKER_ARCHIVE_KEEP_DAYS (0: keep all), except each URL's newest
    TRACKER_ARCHIVE_KEEP_LATEST and any capture a kept revisit refers to. Returns how many went."""
    days = settings.TRACKER_ARCHIVE_KEEP_DAYS
    if not days:
        return 0
    old = (
        Capture.objects.filter(captured_at__lt=now - timedelta(days=days))
        .annotate(newer=Count("monitored_url__captures", filter=Q(monitored_url__captures__captured_at__gt=F("captured_at"))))
        .filter(newer__gte=settings.TRACKER_ARCHIVE_KEEP_LATEST).exclude(revisits__isnull=False)
    )
    gone = 0
    storage = archive_storage()
    for capture in old.order_by("captured_at", "id"):
        if capture.warc_name:
            storage.delete(capture.warc_name)
        capture.delete()
        gone += 1
    return gone

