"""Thin Celery tasks for the source checks: take ids, call a service.

Both are safe to run twice (the claim makes a redelivered batch skip what it already
recorded), so they ack late: a worker killed mid-batch loses no check.
"""

from celery import shared_task
from django.db import OperationalError, transaction
from django.utils import timezone
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from commitments.checks import services

TRANSIENT = (OperationalError, RedisConnectionError, RedisTimeoutError)
COMMON = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": TRANSIENT,
    "retry_backoff": 5,
    "retry_backoff_max": 120,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(soft_time_limit=50, time_limit=60, **COMMON)
def checks_dispatch() -> int:
    """Every minute (beat): claim the due URLs and fan them out in batches."""
    claim, batches = services.checks_dispatch(now=timezone.now())
    for ids in batches:
        transaction.on_commit(lambda ids=ids: check_batch.delay(ids, claim))
    return sum(len(ids) for ids in batches)


@shared_task(soft_time_limit=240, time_limit=300, **COMMON)
def check_batch(ids: list[int], claim: str) -> int:
    return len(services.check_batch_run(ids=ids, claim=claim, now=timezone.now()))


__all__ = ["check_batch", "checks_dispatch"]
