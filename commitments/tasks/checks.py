"""Thin Celery tasks for the source checks: take ids, call a service.

Beat sends `checks_dispatch` every minute; it starts `check_run`s for the free run slots.
Both ack early: their state is in the database (a claimed URL's lease), so a lost message
or a killed worker costs nothing that the next dispatch does not pick up, and no message
waits for the broker's visibility timeout. A run failing on the database is not retried
either: the dispatcher reclaims its URLs as soon as their lease ends.
"""

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from commitments.checks import services


@shared_task(soft_time_limit=50, time_limit=60)
def checks_dispatch() -> int:
    """Every minute (beat): sync, reclaim lapsed claims, start runs for the free slots."""
    runs, _ = services.checks_dispatch(now=timezone.now())
    for _ in range(runs):
        # A run that waited in the queue past the next dispatch is stale: that one starts fresh runs.
        check_run.apply_async(expires=settings.TRACKER_CHECK_DISPATCH_EVERY)
    return runs


@shared_task(soft_time_limit=settings.TRACKER_CHECK_RUN_TIME_LIMIT - 10, time_limit=settings.TRACKER_CHECK_RUN_TIME_LIMIT)
def check_run() -> int:
    return services.checks_run(clock=timezone.now, plan=services.run_plan_from_settings()).checked


__all__ = ["check_run", "checks_dispatch"]
