"""Thin Celery task for the intake: read one URL job (commitments.intake.jobs)."""

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from commitments.intake.jobs import intake_job_run

# Room for a full fetch (connect, transfer, redirects) and the extraction of the largest page read.
READ_LIMIT = int(2 * settings.TRACKER_CHECK_TOTAL_TIMEOUT) + 60


@shared_task(soft_time_limit=READ_LIMIT, time_limit=READ_LIMIT + 10)
def intake_read(job_id: str) -> str:
    job = intake_job_run(job_id=job_id, now=timezone.now())
    return job.state if job else "already taken"


__all__ = ["intake_read"]
