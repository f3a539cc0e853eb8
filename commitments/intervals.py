"""Status intervals: the published StatusUpdate history of each commitment as (status, from, to) spans.

The history stays the truth; the StatusInterval table is derived from it and can be rebuilt
at any time. The functions take the model classes as arguments so that migration 0005 can
backfill with its historical models through exactly the same code (before review existed,
every row counted: `published_only=False`). The rules themselves live in commitments.history.
"""

from collections.abc import Iterator
from datetime import date
from itertools import groupby

from django.db import transaction

from commitments.history import HISTORY_ORDER, intervals_from_history
from commitments.models.domain import ReviewState


def histories(
    *, update_model, first_id: int, last_id: int, published_only: bool = True
) -> Iterator[tuple[int, list[tuple[str, date]]]]:
    """(commitment id, its ordered published history) for the commitments with ids in [first_id, last_id]."""
    rows = update_model.objects.filter(commitment_id__gte=first_id, commitment_id__lte=last_id)
    if published_only:
        rows = rows.filter(review_state=ReviewState.PUBLISHED)
    rows = (
        rows.order_by("commitment_id", *HISTORY_ORDER)
        .values_list("commitment_id", "status", "effective_on")
    )
    for commitment_id, group in groupby(rows.iterator(chunk_size=5000), key=lambda row: row[0]):
        yield commitment_id, [(status, effective_on) for _, status, effective_on in group]


def intervals_rebuild(*, commitment_model, update_model, interval_model, chunk_size: int = 1000, published_only: bool = True) -> int:
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
                first_id=chunk[0], last_id=chunk[-1], published_only=published_only,
            )
    return written


def _chunk_rebuild(*, commitment_model, update_model, interval_model, first_id: int, last_id: int, published_only: bool) -> int:
    in_range = {"commitment_id__gte": first_id, "commitment_id__lte": last_id}
    list(commitment_model.objects.select_for_update().filter(pk__gte=first_id, pk__lte=last_id).values_list("pk"))
    interval_model.objects.filter(**in_range).delete()
    rows = [
        interval_model(commitment_id=commitment_id, status=status, start_on=start, end_on=end, is_first=n == 0)
        for commitment_id, history in histories(update_model=update_model, first_id=first_id, last_id=last_id, published_only=published_only)
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
    for commitment_id, history in histories(update_model=update_model, first_id=0, last_id=2**63 - 1, published_only=True):
        expected = [(*interval, n == 0) for n, interval in enumerate(intervals_from_history(history))]
        if stored.pop(commitment_id, []) != expected:
            yield commitment_id
    yield from stored  # intervals of a commitment without any history
