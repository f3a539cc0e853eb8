"""Weekly digests: beat ticks `digests_send_due` hourly; it fans out one task per batch of subscribers.

Both tasks are safe to run twice (delivery rows are claimed before sending), hence acks_late:
a batch whose worker died is re-delivered and finishes the job. A batch that finds rows
another sender holds (its own first delivery, when only its pool process died and the broker
handed it back at once) looks at them again once that sender's claim would have lapsed.
"""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import OperationalError
from django.utils import timezone

from commitments.digests.deadlines import deadline_alerts_send
from commitments.digests.delivery import chunked, deliveries_give_up, deliveries_orphaned, digests_send_batch, subscribers_active
from commitments.digests.periods import digest_is_due, period_before, period_parse

MAX_RETRIES = 6  # backoff 1, 2, 4, 8, 16, 32 minutes: about an hour of SMTP trouble
# Safe to run twice, so: re-deliver when the worker dies, retry when the database blips.
COMMON = {"acks_late": True, "reject_on_worker_lost": True, "autoretry_for": (OperationalError,), "retry_backoff": 10}


@shared_task(**COMMON)
def digests_send_due() -> None:
    """Hourly: the week's digests when their hour has come, and any claims left by a batch killed at its hard time limit."""
    now = timezone.now()
    if digest_is_due(now=now):
        digests_enqueue.delay(period_before(now=now).key)
    for period, subscriber_ids in deliveries_orphaned(now=now).items():
        for ids in chunked(subscriber_ids, settings.TRACKER_DIGEST_BATCH_SIZE):
            digest_batch_send.delay(period, ids)


@shared_task(**COMMON)
def digests_enqueue(period: str) -> int:
    """One task per batch of subscriber ids; returns the number of batches."""
    batches = 0
    for ids in chunked(subscribers_active(), settings.TRACKER_DIGEST_BATCH_SIZE):
        digest_batch_send.delay(period, ids)
        batches += 1
    return batches


def look_again_later(period: str, subscriber_ids: list[int]) -> None:
    """Once the claims now held on these subscribers would have lapsed: sent by then, or taken over."""
    digest_batch_send.apply_async(args=[period, subscriber_ids], countdown=settings.TRACKER_DIGEST_CLAIM_TIMEOUT + 5)


@shared_task(bind=True, max_retries=MAX_RETRIES, **COMMON)
def digest_batch_send(self, period: str, subscriber_ids: list[int]) -> dict[str, int]:
    try:
        result = digests_send_batch(period=period_parse(period), subscriber_ids=subscriber_ids, now=timezone.now())
    except SoftTimeLimitExceeded:  # acked as failed: nobody else would come back for what it still held
        look_again_later(period, subscriber_ids)
        raise
    if result.held:
        look_again_later(period, result.held)
    if result.retry:
        if self.request.retries >= self.max_retries:
            deliveries_give_up(period=period_parse(period), subscriber_ids=result.retry)
        else:
            raise self.retry(args=[period, result.retry], countdown=60 * 2**self.request.retries)
    return {"sent": len(result.sent), "retry": len(result.retry), "failed": len(result.failed), "held": len(result.held),
            "uncertain": len(result.uncertain)}


@shared_task(**COMMON)
def deadline_alerts() -> dict[str, int]:
    """Staff e-mail about deadlines passed with no new evidence; safe to run twice (alerts are claimed)."""
    result = deadline_alerts_send(now=timezone.now())
    return {"found": result.found, "sent": result.sent, "recipients": result.recipients}
