"""Thin Celery tasks for the watches: beat starts a pass every minute; the inbox mail hourly (it decides daily).

A pass acks early: its state is in the database (claimed rows with a lease), so a killed worker
costs nothing that a later pass does not pick up once the lease ends.
"""

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from commitments.watch import notify, services


@shared_task(soft_time_limit=settings.TRACKER_WATCH_LEASE * 0.9, time_limit=settings.TRACKER_WATCH_LEASE)
def watch_dispatch() -> dict:
    # Claims no new batch past half the lease: what it holds is recorded before anyone may take it over.
    report = services.watch_pass(budget=settings.TRACKER_WATCH_LEASE / 2)
    notify.failing_watches_notify(now=timezone.now())
    return report.as_json()


@shared_task(soft_time_limit=300, time_limit=360)
def inbox_mail_daily() -> int:
    return notify.inbox_mail_send(now=timezone.now())


__all__ = ["inbox_mail_daily", "watch_dispatch"]
