# ruff: noqa: S608  (table names come from the fixed list TABLES, values are parameters)
"""The history trigger for direct database access (issue 22 #11): no TRUNCATE (also by CASCADE), no row
inserted already published, nobody publishing their own proposal, on every reviewed table.

alice (Editor) proposes, dave (Reviewer) reviews. Each test speaks SQL, as a script or a console would.
"""

from datetime import date

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import override_settings

from commitments.models import EvidenceRevision, ReviewState, Status, StatusUpdate
from commitments.services import NewEvidence, assessment_record, evidence_create, status_update_record, verdict_update_record
from tests.review_support import reviewer_user

TABLES = ["commitments_statusupdate", "commitments_verdictupdate", "commitments_partyassessment", "commitments_evidencerevision"]


@pytest.fixture
def dave(db):
    return reviewer_user("dave")


def run(sql: str, params=()) -> None:
    """One statement in its own transaction, as a client would send it, without the test run's TRUNCATE permission."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL commitments.allow_truncate = 'off'")
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the test's own inserts leave no pending checks in the way of TRUNCATE
        cursor.execute(sql, params)


@pytest.fixture
def rows(commitment, claim, alice, dave, make_party):
    """One proposal on each kind of table, so there is something to lose."""
    commitment.parties.add(party := make_party())
    verdict_update_record(claim=claim, verdict="false", rationale="r", author=alice)
    assessment_record(commitment=commitment, party=party, score=0, assessed_on=date(2024, 1, 1), rationale="r", author=alice)
    status_update_record(commitment=commitment, status=Status.NOT_STARTED, effective_on=date(2024, 1, 1), rationale="r", author=alice)
    evidence_create(data=NewEvidence(url="https://gov.example.org/r", title="Report"), created_by=alice, commitments=[commitment])


@pytest.mark.parametrize("table", TABLES)
def test_truncate_of_a_history_table_is_refused(rows, table):
    with pytest.raises(DatabaseError, match="cannot be truncated"):
        run(f"TRUNCATE {table} CASCADE")  # CASCADE: their evidence tables refer to them


@pytest.mark.parametrize("parent", ["commitments_commitment", "commitments_evidence", "auth_user"])
def test_truncate_cascade_of_a_table_history_refers_to_is_refused(rows, parent):
    with pytest.raises(DatabaseError, match="cannot be truncated"):
        run(f"TRUNCATE {parent} CASCADE")
    assert StatusUpdate.objects.count() == 1 and EvidenceRevision.objects.count() == 1


def test_inserting_a_row_already_published_is_refused(commitment, alice, dave):
    columns = "(commitment_id, status, effective_on, rationale, author_id, recorded_at, review_state, review_comment, reviewer_id, published_at)"
    with pytest.raises(DatabaseError, match="inserted as proposals"):
        run(f"INSERT INTO commitments_statusupdate {columns} VALUES (%s, 'fulfilled', '2024-01-01', 'r', %s, now(), 'published', '', %s, now())",
            [commitment.pk, alice.pk, dave.pk])
    with pytest.raises(DatabaseError, match="inserted as proposals"):
        run(f"INSERT INTO commitments_statusupdate {columns} VALUES (%s, 'fulfilled', '2024-01-01', 'r', %s, now(), 'rejected', 'x', %s, NULL)",
            [commitment.pk, alice.pk, dave.pk])
    assert not StatusUpdate.objects.exists()


@pytest.mark.parametrize("table", TABLES)
def test_publishing_ones_own_proposal_or_with_no_reviewer_is_refused(rows, alice, dave, table):
    with pytest.raises(DatabaseError, match="their own proposal"):
        run(f"UPDATE {table} SET review_state = 'published', reviewer_id = author_id, reviewed_at = now(), published_at = now()")
    with pytest.raises(DatabaseError, match="names its reviewer"):
        run(f"UPDATE {table} SET review_state = 'published', reviewer_id = NULL, reviewed_at = now(), published_at = now()")
    run(f"UPDATE {table} SET review_state = 'published', reviewer_id = %s, reviewed_at = now(), published_at = now()", [dave.pk])
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT review_state FROM {table}")
        assert {row[0] for row in cursor.fetchall()} == {ReviewState.PUBLISHED}


@override_settings(TRACKER_REVIEW_REQUIRED=False)
def test_with_review_off_the_services_still_publish_at_once(commitment, alice):
    with transaction.atomic():  # no test-wide exemption: the service itself tells the trigger, for its insert only
        update = status_update_record(commitment=commitment, status=Status.IN_PROGRESS, effective_on=date(2024, 1, 1), rationale="r",
                                      author=alice)
        evidence = evidence_create(data=NewEvidence(url="https://gov.example.org/x", title="X"), created_by=alice)
    assert update.is_published and update.reviewer_id is None
    assert evidence.revisions.get().is_published
    with pytest.raises(DatabaseError, match="inserted as proposals"):  # right after, in the same transaction, the rule holds again
        run("INSERT INTO commitments_evidencerevision (evidence_id, changes, reason, author_id, recorded_at, review_state, review_comment, "
            "published_at) VALUES (%s, '{}', '', %s, now(), 'published', '', now())", [evidence.pk, alice.pk])
