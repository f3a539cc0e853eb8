"""Reviewers are told when proposals wait: beat ticks `review_notices_send_due` hourly; each Reviewer gets at most one e-mail a day."""

from celery import shared_task
from django.db import OperationalError

from commitments.review.notices import review_notices_send


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=10)
def review_notices_send_due() -> int:
    return review_notices_send()
