"""Review before publishing: a proposal is invisible everywhere until another user, a Reviewer, publishes it.

alice (Editor) proposes, dave (Reviewer) publishes, erin (Reviewer) proposes too; bob is a Viewer.
"""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from commitments.digests.build import digest_content
from commitments.digests.changes import Filter, week_changes_load
from commitments.digests.periods import period_containing
from commitments.models import AppendOnlyError, Claim, PartyAssessment, ReviewState, Status, StatusUpdate, VerdictUpdate
from commitments.review.services import proposal_approve, proposal_reject
from commitments.services import NewEvidence, assessment_record, status_update_record, verdict_update_record
from tests.api_support import client_for
from tests.review_support import publish, reviewer_user

pytest_plugins = ["tests.api_support"]

MONDAY = datetime(2024, 3, 4, 9, tzinfo=UTC)  # ISO 2024-W10
NEXT_MONDAY = MONDAY + timedelta(days=7)  # 2024-W11


@pytest.fixture
def dave(db):
    return reviewer_user("dave")


@pytest.fixture
def erin(db):
    return reviewer_user("erin")


def digest_texts(moment: datetime) -> str:
    """Everything the unfiltered digest of the week holding `moment` says, as one string."""
    content = digest_content(changes=week_changes_load(period=period_containing(moment=moment)), digest_filter=Filter())
    return " | ".join(f"{item.title} {item.old} {item.new} {item.detail} {' '.join(link.title for link in item.links)}"
                      for section in content.sections for item in section.items)


def feed(api) -> str:
    return api.get("/api/v1/feeds/status-changes.atom").content.decode()


def test_a_status_proposal_shows_nowhere_until_another_user_publishes_it(api, client, commitment, alice, dave):
    with time_machine.travel(MONDAY, tick=False):
        proposal = status_update_record(commitment=commitment, status=Status.STALLED, effective_on=date(2024, 3, 1),
                                        rationale="Talks suspended in March", author=alice,
                                        new_evidence=[NewEvidence(url="https://news.example.org/suspended", title="Suspension notice")])

    def visible() -> dict[str, bool]:
        row = api.get(f"/api/v1/commitments/{commitment.pk}/").json()
        return {
            "evidence": "Suspension notice" in api.get("/api/v1/evidence/").content.decode() and row["evidence_count"] == 1,
            "api status": row["status"] == "stalled",
            "api history": bool(api.get(f"/api/v1/commitments/{commitment.pk}/history/").json()),
            "stats": api.get("/api/v1/stats/").json()["by_status"]["stalled"] == 1,
            "feed": "Talks suspended in March" in feed(api),
            "digest": "Talks suspended in March" in digest_texts(NEXT_MONDAY),
            "page": '<span class="status s-stalled">Stalled</span>' in client.get(commitment.get_absolute_url()).content.decode(),
        }

    assert not any(visible().values()), visible()
    with time_machine.travel(NEXT_MONDAY, tick=False):
        publish(proposal, reviewer=dave)
    assert all(visible().values()), visible()
    # Counted in the week it was published, not the week it was proposed.
    assert "Talks suspended in March" not in digest_texts(MONDAY)
    assert "Suspension notice" in digest_texts(NEXT_MONDAY)  # its evidence is listed with the change


def test_a_verdict_proposal_shows_nowhere_until_another_user_publishes_it(api, claim, alice, dave):
    with time_machine.travel(MONDAY, tick=False):
        proposal = verdict_update_record(claim=claim, verdict="false", rationale="Customs data says 12 percent", author=alice)

    def visible() -> dict[str, bool]:
        return {
            "api verdict": api.get(f"/api/v1/claims/{claim.pk}/").json()["verdict"] == "false",
            "api history": bool(api.get(f"/api/v1/claims/{claim.pk}/verdicts/").json()),
            "claimreview": api.get(f"/api/v1/claims/{claim.pk}/claimreview.json").status_code == 200,
            "digest": "Customs data says 12 percent" in digest_texts(NEXT_MONDAY),
        }

    assert not any(visible().values()), visible()
    with time_machine.travel(NEXT_MONDAY, tick=False):
        publish(proposal, reviewer=dave)
    assert all(visible().values()), visible()
    claim.refresh_from_db()
    assert claim.verdict_at == NEXT_MONDAY  # the verdict dates from its publication


def test_an_assessment_proposal_shows_nowhere_until_another_user_publishes_it(api, commitment, alice, dave, make_party):
    canada = make_party(slug="canada", name="Canada")
    commitment.parties.add(canada)
    with time_machine.travel(MONDAY, tick=False):
        proposal = assessment_record(commitment=commitment, party=canada, score=1, assessed_on=date(2024, 3, 1),
                                     rationale="Paid in full in March", author=alice)

    def visible() -> dict[str, bool]:
        return {
            "api list": bool(api.get("/api/v1/assessments/").json()["results"]),
            "compliance": bool(api.get("/api/v1/stats/compliance/").json()["rows"]),
            "digest": "Paid in full in March" in digest_texts(NEXT_MONDAY),
        }

    assert not any(visible().values()), visible()
    with time_machine.travel(NEXT_MONDAY, tick=False):
        publish(proposal, reviewer=dave)
    assert all(visible().values()), visible()


def test_the_proposer_cannot_publish_their_own_proposal_even_as_a_reviewer(commitment, erin, dave):
    proposal = status_update_record(commitment=commitment, status=Status.NOT_STARTED, effective_on=date(2024, 1, 1),
                                    rationale="Nothing yet", author=erin)
    with pytest.raises(PermissionDenied, match="another Reviewer"):
        proposal_approve(row=proposal, reviewer=erin)
    with pytest.raises(PermissionDenied, match="another Reviewer"):
        proposal_reject(row=proposal, reviewer=erin, comment="Withdrawn")
    assert StatusUpdate.objects.get().review_state == ReviewState.PROPOSED
    proposal_approve(row=proposal, reviewer=dave)
    assert StatusUpdate.objects.get().review_state == ReviewState.PUBLISHED


def test_an_editor_without_the_reviewer_role_cannot_publish(commitment, alice, make_party):
    from django.contrib.auth.models import Group, User

    other = User.objects.create_user("frank", is_staff=True)
    other.groups.add(Group.objects.get(name="Editors"))
    proposal = status_update_record(commitment=commitment, status=Status.NOT_STARTED, effective_on=date(2024, 1, 1),
                                    rationale="Nothing yet", author=alice)
    with pytest.raises(PermissionDenied, match="Only a Reviewer"):
        proposal_approve(row=proposal, reviewer=other)


def test_a_rejected_proposal_never_shows_and_cannot_be_published_later(api, commitment, alice, dave, erin):
    proposal = status_update_record(commitment=commitment, status=Status.IN_PROGRESS, effective_on=date(2024, 1, 1),
                                    rationale="Claimed done", author=alice)
    with pytest.raises(ValidationError, match="Say why"):
        proposal_reject(row=proposal, reviewer=dave, comment=" ")
    rejected = proposal_reject(row=proposal, reviewer=dave, comment="No evidence it was delivered")
    assert (rejected.review_state, rejected.reviewer, rejected.published_at) == (ReviewState.REJECTED, dave, None)
    with pytest.raises(PermissionDenied, match="already rejected"):
        proposal_approve(row=rejected, reviewer=erin)
    commitment.refresh_from_db()
    assert commitment.status == Status.NOT_YET_RATED
    assert api.get(f"/api/v1/commitments/{commitment.pk}/history/").json() == []
    assert "Claimed done" not in feed(api) and "Claimed done" not in digest_texts(timezone.now())


def test_publishing_twice_at_once_publishes_once(commitment, alice, dave, erin):
    proposal = status_update_record(commitment=commitment, status=Status.NOT_STARTED, effective_on=date(2024, 1, 1),
                                    rationale="Nothing yet", author=alice)
    stale_copy = StatusUpdate.objects.get(pk=proposal.pk)
    proposal_approve(row=proposal, reviewer=dave)
    with pytest.raises(ValidationError, match="reviewed meanwhile"):
        proposal_reject(row=stale_copy, reviewer=erin, comment="Too late")  # its copy still says "proposed"
    assert StatusUpdate.objects.get().reviewer == dave


def test_with_review_off_a_save_publishes_at_once_without_a_reviewer(settings, api, commitment, claim, alice):
    settings.TRACKER_REVIEW_REQUIRED = False
    update = status_update_record(commitment=commitment, status=Status.IN_PROGRESS, effective_on=date(2024, 1, 1),
                                  rationale="Under way", author=alice)
    verdict = verdict_update_record(claim=claim, verdict="accurate", rationale="Checked", author=alice)
    assert (update.review_state, update.reviewer, update.published_at is not None) == (ReviewState.PUBLISHED, None, True)
    assert verdict.is_published and Claim.objects.get().verdict == "accurate"
    assert api.get(f"/api/v1/commitments/{commitment.pk}/").json()["status"] == "in_progress"


def test_the_orm_allows_only_the_review_and_only_once(commitment, alice, dave):
    proposal = status_update_record(commitment=commitment, status=Status.NOT_STARTED, effective_on=date(2024, 1, 1),
                                    rationale="Nothing yet", author=alice)
    with pytest.raises(AppendOnlyError):
        StatusUpdate.objects.filter(pk=proposal.pk).update(review_state=ReviewState.PUBLISHED)
    rows = StatusUpdate.objects.filter(pk=proposal.pk)
    assert rows.review_decide(state=ReviewState.PUBLISHED, reviewer=dave, at=timezone.now()) == 1
    assert rows.review_decide(state=ReviewState.REJECTED, reviewer=dave, at=timezone.now()) == 0  # decided already


@pytest.mark.parametrize("sql", [
    # Content never changes, not even together with a legitimate review.
    "UPDATE {table} SET rationale = 'rewritten', review_state = 'published', published_at = now()",
    # A published row cannot be reviewed again, or unpublished.
    "UPDATE {table} SET review_state = 'rejected', published_at = NULL",
    "DELETE FROM {table}",
])
@pytest.mark.parametrize("table", ["commitments_statusupdate", "commitments_verdictupdate", "commitments_partyassessment"])
def test_postgresql_lets_only_a_proposal_be_reviewed_once(commitment, claim, alice, dave, make_party, sql, table):
    party = make_party()
    commitment.parties.add(party)
    publish(status_update_record(commitment=commitment, status=Status.NOT_STARTED, effective_on=date(2024, 1, 1), rationale="r", author=alice))
    publish(verdict_update_record(claim=claim, verdict="false", rationale="r", author=alice))
    publish(assessment_record(commitment=commitment, party=party, score=0, assessed_on=date(2024, 1, 1), rationale="r", author=alice))
    with pytest.raises(DatabaseError, match="history"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql.format(table=table))


def test_postgresql_records_a_review_of_a_proposal(commitment, alice, dave):
    proposal = status_update_record(commitment=commitment, status=Status.NOT_STARTED, effective_on=date(2024, 1, 1), rationale="r", author=alice)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE commitments_statusupdate SET review_state = 'rejected', reviewer_id = %s, review_comment = 'no' WHERE id = %s",
                       [dave.pk, proposal.pk])
    assert StatusUpdate.objects.get().review_state == ReviewState.REJECTED


# --- The API -----------------------------------------------------------------------------


def test_staff_list_pending_proposals_with_the_diff_and_the_public_cannot(api, commitment, alice, bob, dave):
    status_update_record(commitment=commitment, status=Status.IN_PROGRESS, effective_on=date(2024, 2, 1), rationale="Begun", author=alice)
    assert api.get("/api/v1/review/proposals/").status_code in (401, 403)
    listed = client_for(bob).get("/api/v1/review/proposals/")
    assert listed.status_code == 200
    [item] = listed.json()
    assert (item["kind"], item["proposer"], item["review_state"], item["may_review"]) == ("status", "alice", "proposed", False)
    assert {"field": "status", "old": "Not yet rated", "new": "In progress"} in item["changes"]
    assert client_for(dave).get("/api/v1/review/proposals/").json()[0]["may_review"] is True


def test_the_api_approves_and_rejects_with_the_same_rules(api, commitment, claim, alice, bob, dave):
    status = status_update_record(commitment=commitment, status=Status.IN_PROGRESS, effective_on=date(2024, 2, 1), rationale="Begun", author=alice)
    verdict = verdict_update_record(claim=claim, verdict="false", rationale="No", author=dave)
    url = f"/api/v1/review/proposals/status/{status.pk}/approve/"
    assert client_for(bob).post(url, {}, format="json").status_code == 403  # a Viewer
    assert client_for(alice).post(url, {}, format="json").status_code == 403  # the proposer, and no Reviewer
    own = client_for(dave).post(f"/api/v1/review/proposals/verdict/{verdict.pk}/approve/", {}, format="json")
    assert own.status_code == 403 and "another Reviewer" in own.json()["detail"]
    approved = client_for(dave).post(url, {"comment": "Confirmed by the ministry"}, format="json")
    assert approved.status_code == 200 and approved.json()["review_state"] == "published"
    assert api.get(f"/api/v1/commitments/{commitment.pk}/").json()["status"] == "in_progress"
    assert client_for(dave).post(url, {}, format="json").status_code == 403  # already published
    reject = f"/api/v1/review/proposals/verdict/{verdict.pk}/reject/"
    erin = reviewer_user("erin")
    assert client_for(erin).post(reject, {}, format="json").status_code == 400  # a rejection says why
    assert client_for(erin).post(reject, {"comment": "Wrong figures"}, format="json").json()["review_state"] == "rejected"
    assert VerdictUpdate.objects.get().review_comment == "Wrong figures"
    assert client_for(dave).post("/api/v1/review/proposals/nonsense/1/approve/", {}, format="json").status_code == 404


def test_the_review_endpoints_are_in_the_openapi_schema(api):
    paths = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()["paths"]
    assert "/api/v1/review/proposals/" in paths and "/api/v1/audit/" in paths
    assert "post" in paths["/api/v1/review/proposals/{kind}/{id}/approve/"]
    assert "post" in paths["/api/v1/review/proposals/{kind}/{id}/reject/"]


def test_assessments_sync_by_publication_time(api, commitment, alice, dave, make_party):
    """A score proposed before a sync and published after it is still picked up by the next sync."""
    party = make_party()
    commitment.parties.add(party)
    with time_machine.travel(MONDAY, tick=False):
        proposal = assessment_record(commitment=commitment, party=party, score=1, assessed_on=date(2024, 3, 1), rationale="r", author=alice)
    with time_machine.travel(NEXT_MONDAY, tick=False):
        publish(proposal, reviewer=dave)
    since = (MONDAY + timedelta(days=1)).isoformat().replace("+00:00", "Z")
    assert [row["id"] for row in api.get(f"/api/v1/assessments/?updated_since={since}").json()["results"]] == [proposal.pk]
    assert PartyAssessment.objects.get().published_at == NEXT_MONDAY
