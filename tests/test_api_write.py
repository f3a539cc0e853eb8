"""Writing through the API: who may, and bad input is a 400 that writes nothing."""

from datetime import date

import pytest
from rest_framework.test import APIClient

from commitments.models import Evidence, EvidenceRevision, PartyAssessment, Status, StatusUpdate, VerdictUpdate
from tests.api_support import client_for
from tests.review_support import publish

pytest_plugins = ["tests.api_support"]  # the api client and no-throttling fixtures

GOOD_STATUS = {"status": "in_progress", "effective_on": "2021-06-01", "rationale": "Work began."}


def counts() -> tuple[int, ...]:
    return StatusUpdate.objects.count(), VerdictUpdate.objects.count(), PartyAssessment.objects.count(), Evidence.objects.count()


def test_an_editor_records_a_status_change_with_new_evidence(commitment, alice):
    body = {**GOOD_STATUS, "status": "fulfilled", "new_evidence": [{"url": "https://gov.example.org/done", "title": "Done"}]}
    response = client_for(alice).post(f"/api/v1/commitments/{commitment.pk}/history/", body, format="json")
    assert response.status_code == 201, response.content
    proposal = response.json()
    assert (proposal["status"], proposal["review_state"], proposal["published_at"], len(proposal["evidence"])) == ("fulfilled", "proposed", None, 1)
    commitment.refresh_from_db()
    assert commitment.status == Status.NOT_YET_RATED and not commitment.evidence.exists()  # nothing public before review
    publish(StatusUpdate.objects.get(pk=proposal["id"]))
    commitment.refresh_from_db()
    assert commitment.status == Status.FULFILLED and commitment.evidence.get().title == "Done"


def test_an_editor_can_use_a_browser_session(commitment, alice):
    client = APIClient(enforce_csrf_checks=False)
    client.force_login(alice)
    assert client.post(f"/api/v1/commitments/{commitment.pk}/history/", GOOD_STATUS, format="json").status_code == 201


@pytest.mark.parametrize("who", ["anonymous", "bob", "charlie"])
def test_anonymous_viewers_and_staff_without_permission_cannot_write(commitment, claim, bob, charlie, who, make_party):
    client = APIClient() if who == "anonymous" else client_for({"bob": bob, "charlie": charlie}[who])
    party = make_party()
    commitment.parties.add(party)
    attempts = [
        (f"/api/v1/commitments/{commitment.pk}/history/", GOOD_STATUS),
        (f"/api/v1/claims/{claim.pk}/verdicts/", {"verdict": "false", "rationale": "No."}),
        ("/api/v1/assessments/", {"commitment": commitment.pk, "party": party.slug, "score": 1, "assessed_on": "2022-01-01", "rationale": "Yes."}),
        ("/api/v1/evidence/", {"url": "https://a.example.org/", "title": "A", "commitments": [commitment.pk]}),
    ]
    for url, body in attempts:
        assert client.post(url, body, format="json").status_code in (401, 403), url
    assert counts() == (0, 0, 0, 0)


def test_an_editor_gives_a_verdict_scores_and_adds_evidence(commitment, claim, alice, make_party):
    client = client_for(alice)
    party = make_party(slug="canada")
    commitment.parties.add(party)
    verdict = client.post(f"/api/v1/claims/{claim.pk}/verdicts/", {"verdict": "misleading", "rationale": "Restarts only."}, format="json")
    assert verdict.status_code == 201 and client.get(f"/api/v1/claims/{claim.pk}/").json()["verdict"] == "not_checked"
    publish(VerdictUpdate.objects.get(pk=verdict.json()["id"]))
    assert client.get(f"/api/v1/claims/{claim.pk}/").json()["verdict"] == "misleading"
    score = client.post("/api/v1/assessments/", {
        "commitment": commitment.pk, "party": "canada", "score": 0, "assessed_on": "2022-01-01", "rationale": "Half paid.",
    }, format="json")
    assert score.status_code == 201 and score.json()["party"] == "canada" and score.json()["score"] == 0
    evidence = client.post("/api/v1/evidence/", {
        "url": "https://a.example.org/r", "title": "Report", "commitments": [commitment.pk], "claims": [claim.pk],
    }, format="json")
    assert evidence.status_code == 201
    assert evidence.json()["review_state"] == "proposed" and evidence.json()["published_at"] is None
    assert "created_by" not in evidence.json()
    # A proposal: nowhere public until a Reviewer publishes it.
    evidence_id = evidence.json()["id"]
    assert client.get(f"/api/v1/evidence/{evidence_id}/").status_code == 404
    assert client.get(f"/api/v1/commitments/{commitment.pk}/").json()["evidence_count"] == 0
    publish(EvidenceRevision.objects.get(pk=evidence.json()["proposal"]["id"]))
    published = client.get(f"/api/v1/evidence/{evidence_id}/").json()
    assert published["commitments"] == [commitment.pk] and published["claims"] == [claim.pk]
    assert "created_by" not in published


@pytest.mark.parametrize(("body", "field"), [
    ({"status": "done", "effective_on": "2021-06-01", "rationale": "x"}, "status"),
    ({"status": "in_progress", "rationale": "x"}, "effective_on"),
    ({"status": "in_progress", "effective_on": "2021-06-01"}, "rationale"),  # the service's rule
    ({"status": "fulfilled", "effective_on": "2021-06-01", "rationale": "x"}, "evidence"),  # the service's rule
    ({**GOOD_STATUS, "status": "broken", "new_evidence": [{"url": "not a url", "title": "x"}]}, "new_evidence"),
    ({**GOOD_STATUS, "evidence": [999999]}, "evidence"),
])
def test_bad_status_input_is_a_400_with_field_messages_and_writes_nothing(commitment, alice, body, field):
    response = client_for(alice).post(f"/api/v1/commitments/{commitment.pk}/history/", body, format="json")
    assert response.status_code == 400 and field in response.json(), response.content
    assert counts() == (0, 0, 0, 0)
    commitment.refresh_from_db()
    assert commitment.status == Status.NOT_YET_RATED


@pytest.mark.parametrize(("body", "field"), [
    ({"verdict": "maybe", "rationale": "x"}, "verdict"),
    ({"verdict": "false"}, "rationale"),
])
def test_bad_verdict_input_is_a_400_and_writes_nothing(claim, alice, body, field):
    response = client_for(alice).post(f"/api/v1/claims/{claim.pk}/verdicts/", body, format="json")
    assert response.status_code == 400 and field in response.json()
    assert counts() == (0, 0, 0, 0)


@pytest.mark.parametrize(("change", "field"), [
    ({"score": 2}, "score"),
    ({"party": "nowhere"}, "party"),
    ({"party": "japan"}, "party"),  # exists, but not responsible for the commitment: the service's rule
    ({"rationale": ""}, "rationale"),
    ({"assessed_on": "yesterday"}, "assessed_on"),
])
def test_bad_assessment_input_is_a_400_and_writes_nothing(commitment, alice, make_party, change, field):
    commitment.parties.add(make_party(slug="canada"))
    make_party(slug="japan")
    body = {"commitment": commitment.pk, "party": "canada", "score": 1, "assessed_on": "2022-01-01", "rationale": "Paid.", **change}
    response = client_for(alice).post("/api/v1/assessments/", body, format="json")
    assert response.status_code == 400 and field in response.json(), response.content
    assert counts() == (0, 0, 0, 0)


@pytest.mark.parametrize(("change", "field"), [
    ({"url": "ftp://a.example.org/"}, "url"),
    ({"title": ""}, "title"),
    ({"stance": "neutral"}, "stance"),
    ({"commitments": [999999]}, "commitments"),
])
def test_bad_evidence_input_is_a_400_and_writes_nothing(commitment, alice, change, field):
    body = {"url": "https://a.example.org/", "title": "A", "commitments": [commitment.pk], **change}
    response = client_for(alice).post("/api/v1/evidence/", body, format="json")
    assert response.status_code == 400 and field in response.json(), response.content
    assert counts() == (0, 0, 0, 0)


def test_history_cannot_be_changed_through_the_api(commitment, alice, make_party):
    client = client_for(alice)
    created = client.post(f"/api/v1/commitments/{commitment.pk}/history/", GOOD_STATUS, format="json")
    assert created.status_code == 201
    commitment.parties.add(party := make_party())
    score = client.post("/api/v1/assessments/", {
        "commitment": commitment.pk, "party": party.slug, "score": 1, "assessed_on": "2022-01-01", "rationale": "Paid.",
    }, format="json")
    publish(PartyAssessment.objects.get(pk=score.json()["id"]))
    # Writing is allowed only for the actions that append (write_models): anything else is forbidden, even to an editor.
    assert client.put(f"/api/v1/commitments/{commitment.pk}/", {"status": "broken"}, format="json").status_code == 403
    assert client.get(f"/api/v1/assessments/{score.json()['id']}/").status_code == 200  # the row exists and is public
    assert client.delete(f"/api/v1/assessments/{score.json()['id']}/").status_code == 403
    assert StatusUpdate.objects.get().effective_on == date(2021, 6, 1)
    assert PartyAssessment.objects.get().score == 1


def test_an_anonymous_write_is_a_401_with_a_challenge_and_a_signed_in_one_without_the_right_a_403(commitment, bob):
    """Issue 19 item 7: anonymous writes answered 403 (the session class, first, has no challenge to send)."""
    anonymous = APIClient().post(f"/api/v1/commitments/{commitment.pk}/history/", GOOD_STATUS, format="json")
    assert anonymous.status_code == 401 and anonymous["WWW-Authenticate"] == "Token"
    assert client_for(bob).post(f"/api/v1/commitments/{commitment.pk}/history/", GOOD_STATUS, format="json").status_code == 403
