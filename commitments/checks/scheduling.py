"""When each URL is checked next, and claiming the due ones.

The state is in PostgreSQL (MonitoredUrl.next_check_at), so no Celery countdown ever
holds a check: the dispatcher claims what is due, every minute.
"""

import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction

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


def due_claim(*, now: datetime, limit: int, lease: int) -> tuple[uuid.UUID, list[int]]:
    """Claim up to `limit` due URLs for one dispatch; concurrent dispatchers skip each other's rows.

    A claimed URL is due again after `lease` seconds: if its batch is lost, it is
    simply claimed again; a late redelivery of the old batch finds the claim gone.
    """
    claim = uuid.uuid4()
    with transaction.atomic():
        ids = list(
            MonitoredUrl.objects.select_for_update(skip_locked=True)
            .filter(linked=True, next_check_at__lte=now)
            .order_by("next_check_at")
            .values_list("id", flat=True)[:limit]
        )
        MonitoredUrl.objects.filter(id__in=ids).update(claim=claim, next_check_at=now + timedelta(seconds=lease))
    return claim, ids


def batches(ids: list[int], size: int) -> list[list[int]]:
    return [ids[i:i + size] for i in range(0, len(ids), size)]
