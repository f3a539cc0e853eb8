"""The archive's scheduled jobs: retention (daily) and Save Page Now submissions (every minute, when on)."""

from celery import shared_task
from django.utils import timezone

from commitments.archive.services import captures_prune
from commitments.archive.wayback import wayback_submit_due


@shared_task(acks_late=True)
def captures_prune_daily() -> int:
    return captures_prune(now=timezone.now())


@shared_task(acks_late=True)
def wayback_dispatch() -> dict[str, int]:
    report = wayback_submit_due(now=timezone.now())
    return {"sent": report.sent, "retry": report.retry, "failed": report.failed}
