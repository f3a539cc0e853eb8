"""The status history is append-only and the current status is derived from it."""

from datetime import date

import pytest
from django.db import DatabaseError, connection, transaction

from commitments.history import status_history
from commitments.models import Status, StatusUpdate
from commitments.models.domain import AppendOnlyError
from commitments.services import status_update_record
from tests.review_support import publish


def record(commitment, author, status, effective_on, **kwargs):
    """Recorded by `author`, published by a reviewer: the history rules apply to published rows."""
    return publish(status_update_record(commitment=commitment, status=status, effective_on=effective_on,
                                        rationale=kwargs.pop("rationale", f"Because {status}"), author=author, **kwargs))


def test_the_current_status_is_the_latest_effective_one(commitment, alice):
    record(commitment, alice, Status.NOT_STARTED, date(2021, 1, 1))
    record(commitment, alice, Status.IN_PROGRESS, date(2021, 6, 1))
    commitment.refresh_from_db()
    assert (commitment.status, commitment.status_since) == (Status.IN_PROGRESS, date(2021, 6, 1))


def test_an_out_of_order_entry_is_kept_but_does_not_win(commitment, alice):
    record(commitment, alice, Status.IN_PROGRESS, date(2021, 6, 1))
    record(commitment, alice, Status.STALLED, date(2021, 3, 1))  # back-filled history
    commitment.refresh_from_db()
    assert commitment.status == Status.IN_PROGRESS
    assert list(status_history(commitment_id=commitment.pk).values_list("status", flat=True)) == [Status.IN_PROGRESS, Status.STALLED]


def test_on_the_same_effective_date_the_later_recording_wins(commitment, alice, bob):
    record(commitment, alice, Status.IN_PROGRESS, date(2021, 6, 1))
    record(commitment, bob, Status.STALLED, date(2021, 6, 1))
    commitment.refresh_from_db()
    assert commitment.status == Status.STALLED


def test_the_orm_refuses_to_change_or_delete_history(commitment, alice):
    update = record(commitment, alice, Status.IN_PROGRESS, date(2021, 6, 1))
    update.rationale = "rewritten"
    with pytest.raises(AppendOnlyError):
        update.save()
    with pytest.raises(AppendOnlyError):
        update.delete()
    with pytest.raises(AppendOnlyError):
        StatusUpdate.objects.filter(pk=update.pk).update(rationale="rewritten")
    with pytest.raises(AppendOnlyError):
        StatusUpdate.objects.filter(pk=update.pk).delete()


@pytest.mark.parametrize("sql", [
    "UPDATE commitments_statusupdate SET rationale = 'rewritten'",
    "DELETE FROM commitments_statusupdate",
])
def test_postgresql_refuses_to_change_or_delete_history(commitment, alice, sql):
    record(commitment, alice, Status.IN_PROGRESS, date(2021, 6, 1))
    with pytest.raises(DatabaseError, match="history"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert StatusUpdate.objects.get().rationale == "Because in_progress"


def test_new_evidence_is_attached_to_the_update_and_the_commitment(commitment, alice, make_evidence):
    from commitments.services import NewEvidence

    existing = make_evidence()
    update = record(commitment, alice, Status.FULFILLED, date(2022, 1, 1), evidence=[existing],
                    new_evidence=[NewEvidence(url="https://example.org/report", title="Report")])
    assert {e.title for e in update.evidence.all()} == {existing.title, "Report"}
    assert set(commitment.evidence.all()) == set(update.evidence.all())
    assert update.evidence.get(title="Report").created_by == alice


def test_attaching_evidence_marks_the_commitment_and_claim_as_changed(commitment, claim, make_evidence):
    from tests.review_support import attach_published

    before_commitment, before_claim = commitment.updated_at, claim.updated_at
    attach_published(evidence=make_evidence(), commitments=[commitment], claims=[claim])
    commitment.refresh_from_db()
    claim.refresh_from_db()
    assert commitment.updated_at > before_commitment and claim.updated_at > before_claim
    assert commitment.evidence.count() == 1 and claim.evidence.count() == 1
