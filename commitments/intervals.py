"""Status intervals: the StatusUpdate history of each commitment as (status, from, to) spans.

The history stays the truth; the StatusInterval table is derived from it and can be rebuilt
at any time. The functions take the model classes as arguments so that migration 0005 can
backfill with its historical models through exactly the same code.
"""

from collections.abc import Iterable, Iterator
from datetime import date
from itertools import groupby

from django.db import transaction

# The order that decides the current status, oldest first (StatusUpdate.Meta.ordering reversed).
HISTORY_ORDER = ("effective_on", "recorded_at", "id")

Interval = tuple[str, date, date | None]


def intervals_from_history(updates: Iterable[tuple[str, date]]) -> list[Interval]:
    """(status, effective_on) pairs in HISTORY_ORDER -> the non-empty intervals they imply.

    Each update lasts until the next one takes effect; an update superseded on its own
    effective date (same day, recorded later) lasts no time and leaves no interval.
    """
    updates = list(updates)
    if not updates:
        return []
    ends = [effective_on for _, effective_on in updates[1:]] + [None]
    return [(status, start, end) for (status, start), end in zip(updates, ends, strict=True) if end is None or end > start]


def histories(*, update_model, first_id: int, last_id: int) -> Iterator[tuple[int, list[tuple[str, date]]]]:
    """(commitment id, its ordered history) for the commitments with ids in [first_id, last_id]."""
    rows = (
        update_model.objects.filter(commitment_id__gte=first_id, commitment_id__lte=last_id)
        .order_by("commitment_id", *HISTORY_ORDER)
        .values_list("commitment_id", "status", "effective_on")
    )
    for commitment_id, group in groupby(rows.iterator(chunk_size=5000), key=lambda row: row[0]):
        yield commitment_id, [(status, effective_on) for _, status, effective_on in group]


def intervals_rebuild(*, commitment_model, update_model, interval_model, chunk_size: int = 1000) -> int:
    """Rewrite every commitment's intervals from its history; returns how many were written.

    Chunk by chunk, each in a transaction that locks its commitments the way
    services.status_update_record does, so a status recorded meanwhile is not lost.
    """
    ids = list(commitment_model.objects.order_by("pk").values_list("pk", flat=True))
    written = 0
    for chunk in (ids[i:i + chunk_size] for i in range(0, len(ids), chunk_size)):
        with transaction.atomic():
            written += _chunk_rebuild(
                commitment_model=commitment_model, update_model=update_model, interval_model=interval_model,
                first_id=chunk[0], last_id=chunk[-1],
            )
    return written


def _chunk_rebuild(*, commitment_model, update_model, interval_model, first_id: int, last_id: int) -> int:
    in_range = {"commitment_id__gte": first_id, "commitment_id__lte": last_id}
    list(commitment_model.objects.select_for_update().filter(pk__gte=first_id, pk__lte=last_id).values_list("pk"))
    interval_model.objects.filter(**in_range).delete()
    rows = [
        interval_model(commitment_id=commitment_id, status=status, start_on=start, end_on=end, is_first=n == 0)
        for commitment_id, history in histories(update_model=update_model, first_id=first_id, last_id=last_id)
        for n, (status, start, end) in enumerate(intervals_from_history(history))
    ]
    interval_model.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def intervals_disagreeing(*, update_model, interval_model) -> Iterator[int]:
    """Ids of the commitments whose stored intervals are not the ones their history implies."""
    stored: dict[int, list[tuple]] = {}
    rows = interval_model.objects.order_by("commitment_id", "start_on", "id").values_list(
        "commitment_id", "status", "start_on", "end_on", "is_first"
    )
    for commitment_id, *interval in rows.iterator(chunk_size=5000):
        stored.setdefault(commitment_id, []).append(tuple(interval))
    for commitment_id, history in histories(update_model=update_model, first_id=0, last_id=2**63 - 1):
        expected = [(*interval, n == 0) for n, interval in enumerate(intervals_from_history(history))]
        if stored.pop(commitment_id, []) != expected:
            yield commitment_id
    yield from stored  # intervals of a commitment without any history
