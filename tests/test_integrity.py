"""The integrity rules: each violation is refused with a clear message, or reported."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from commitments.integrity import integrity_violations
from commitments.models import Commitment, Source, Status
from commitments.services import status_update_record


def test_it_refuses_a_duplicate_point_number(make_statement):
    statement = make_statement(points=4)
    duplicate = Commitment(statement=statement, ordinal=2, title="Again", source=statement.sources.first(),
                           quote="Second, they will set an exemplar.")
    with pytest.raises(ValidationError) as excinfo:
        duplicate.full_clean()
    assert "already has a point with this number" in str(excinfo.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_it_reports_a_gap_and_a_count_mismatch(make_statement):
    statement = make_statement(points=4)
    Commitment.objects.filter(statement=statement, ordinal=3).update(ordinal=7)
    problems = [str(v) for v in integrity_violations()]
    assert any("points are numbered 1..7, not 1..4" in p for p in problems), problems

    short = make_statement(points=3, announced_count=5)
    problems = [str(v) for v in integrity_violations()]
    assert any(f"“{short}”: announces 5 points but has 3" in p for p in problems), problems


def test_it_reports_gaps_among_deliverables(commitment):
    Commitment.objects.create(statement=commitment.statement, parent=commitment, ordinal=2, title="Second",
                              source=commitment.source, quote="Second, they will set an exemplar.")
    assert any("deliverables are numbered 2..2, not 1..1" in str(v) for v in integrity_violations())


def test_it_refuses_a_quote_that_is_not_verbatim(commitment):
    commitment.quote = "China and Russia will strengthen cooperation in five areas."
    with pytest.raises(ValidationError) as excinfo:
        commitment.full_clean()
    assert "not verbatim" in excinfo.value.message_dict["quote"][0]


def test_it_accepts_a_quote_whose_whitespace_differs(commitment):
    commitment.quote = "Third, they will strengthen innovation. Fourth,\n  they will safeguard justice."
    commitment.full_clean()


def test_it_accepts_any_quote_when_the_source_text_is_not_held(commitment):
    Source.objects.filter(pk=commitment.source_id).update(full_text="")
    commitment.refresh_from_db()
    commitment.quote = "Anything at all"
    commitment.full_clean()


def test_check_integrity_lists_a_quote_changed_behind_the_orms_back(commitment):
    Commitment.objects.filter(pk=commitment.pk).update(quote="Invented words")
    with pytest.raises(CommandError, match="1 integrity violation"):
        call_command("check_integrity")


def test_a_status_other_than_not_yet_rated_needs_a_rationale(commitment, alice):
    with pytest.raises(ValidationError) as excinfo:
        status_update_record(commitment=commitment, status=Status.IN_PROGRESS, effective_on=date(2021, 1, 1),
                             rationale="  ", author=alice)
    assert excinfo.value.message_dict == {"rationale": ["A rationale is required for the status “In progress”."]}
    assert not commitment.status_updates.exists()


@pytest.mark.parametrize("status", [Status.FULFILLED, Status.PARTIALLY_FULFILLED, Status.BROKEN])
def test_outcome_statuses_need_evidence(commitment, alice, status):
    with pytest.raises(ValidationError) as excinfo:
        status_update_record(commitment=commitment, status=status, effective_on=date(2021, 1, 1),
                             rationale="Done", author=alice)
    assert "needs at least one piece of evidence" in excinfo.value.message_dict["evidence"][0]
    commitment.refresh_from_db()
    assert commitment.status == Status.NOT_YET_RATED


def test_an_invalid_new_evidence_url_writes_nothing(commitment, alice):
    from commitments.services import NewEvidence

    with pytest.raises(ValidationError):
        status_update_record(commitment=commitment, status=Status.FULFILLED, effective_on=date(2021, 1, 1),
                             rationale="Done", author=alice,
                             new_evidence=[NewEvidence(url="javascript:alert(1)", title="x")])
    assert not commitment.status_updates.exists()
    assert not commitment.evidence.exists()


def test_a_deliverable_cannot_belong_to_another_statements_point(commitment, make_statement):
    other = make_statement(points=1)
    deliverable = Commitment(statement=other, parent=commitment, ordinal=1, title="x", source=commitment.source,
                             quote="Second, they will set an exemplar.")
    with pytest.raises(ValidationError, match="same statement"):
        deliverable.full_clean()


def test_the_seed_fixtures_load_and_pass_check_integrity(seed, capsys):
    call_command("check_integrity")
    assert "No integrity violations." in capsys.readouterr().out
    # 4+4+5+4+3+5+4 numbered points, and 4+3+2 listed without numbers (see the README's seed table)
    assert Commitment.objects.filter(parent__isnull=True).count() == 38
    assert Commitment.objects.filter(parent__isnull=False).count() == 53
    assert not Commitment.objects.exclude(status=Status.NOT_YET_RATED).exists()
