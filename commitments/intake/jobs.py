"""Reading a URL for the intake, off the web request: the page or API call creates a job and a Celery
worker reads it (`commitments.tasks.intake.intake_read`), so a slow or silent site holds a worker
process, never a web worker. The page and the API poll the job until it is done or failed.
"""

import logging
import time
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from commitments.models import IntakeJob

from .extract import extract
from .reading import ReadError, page_from_url

logger = logging.getLogger(__name__)
KEEP = timedelta(days=2)  # how long a read page stays openable from its job
STALE_SECONDS = 20  # a job no worker has started after this long: the page asks whether one is running


def intake_job_create(*, url: str, user: AbstractBaseUser, now: datetime | None = None) -> IntakeJob:
    """A new job; jobs older than KEEP (their page text is only needed while someone reviews it) are dropped."""
    IntakeJob.objects.filter(created_at__lt=(now or timezone.now()) - KEEP).delete()
    return IntakeJob.objects.create(url=url, requested_by=user)


def intake_job_for(*, job_id: str, user: AbstractBaseUser) -> IntakeJob | None:
    """The user's own job (a superuser may open anyone's); None for a malformed or someone else's id."""
    try:
        pk = uuid.UUID(str(job_id))
    except ValueError:
        return None
    jobs = IntakeJob.objects.all() if user.is_superuser else IntakeJob.objects.filter(requested_by=user)
    return jobs.filter(pk=pk).first()


def intake_job_run(*, job_id: str, now: datetime) -> IntakeJob | None:
    """Read the job's page and extract its sets; a second delivery of the same job does nothing."""
    if not IntakeJob.objects.filter(pk=job_id, state=IntakeJob.State.PENDING).update(state=IntakeJob.State.RUNNING):
        return None
    job = IntakeJob.objects.get(pk=job_id)
    try:
        page = page_from_url(job.url)
        job.text, job.page, job.extraction = page.text, page.about(), extract(page.text).as_json()
        job.state = IntakeJob.State.DONE
    except ReadError as error:
        job.state, job.error = IntakeJob.State.FAILED, str(error)
    except Exception:
        logger.exception("Intake could not read %s", job.url)
        job.state, job.error = IntakeJob.State.FAILED, "The page could not be read because of an error in the tracker. Paste the text instead."
    job.finished_at = now
    job.save(update_fields=["state", "text", "page", "extraction", "error", "finished_at"])
    return job


def intake_job_wait(*, job: IntakeJob, seconds: float | None = None) -> IntakeJob:
    """Wait a little for a fast page (a few seconds at most, TRACKER_INTAKE_WAIT), so quick reads answer at once."""
    deadline = time.monotonic() + (settings.TRACKER_INTAKE_WAIT if seconds is None else seconds)
    while not job.finished and time.monotonic() < deadline:
        time.sleep(0.2)
        job.refresh_from_db()
    return job


def intake_job_stale(*, job: IntakeJob, now: datetime) -> bool:
    return job.state == IntakeJob.State.PENDING and (now - job.created_at).total_seconds() > STALE_SECONDS
