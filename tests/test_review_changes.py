"""Nothing an Editor does is public before a Reviewer publishes it: renderings, links and intakes (issue 19
item 1, issue 22 #10), through the admin and the API, and the database's own guard (issue 22 #11)."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from commitments.models import ChangeProposal, ReviewState
from tests.api_support import client_for
from tests.review_support import reviewer_user

pytest_plugins = ["tests.api_support"]


def test_a_primary_rendering_does_not_replace_the_public_quote_before_review(alice, commitment, make_source):
    make_source(slug="tass", full_text="Intro. China will set an exemplar.")
    api = client_for(alice)
    quote = commitment.quote
    response = api.post(f"/api/v1/commitments/{commitment.pk}/renderings/", {"source": "tass", "text": "China will set an exemplar.",
                        "is_primary": True}, format="json")
    assert response.status_code == 202 and {"field": "is primary", "old": "—", "new": "True"} in response.json()["changes"]
    assert api.get(f"/api/v1/commitments/{commitment.pk}/").json()["quote"] == quote
    commitment.refresh_from_db()
    assert commitment.quote == quote and commitment.renderings.count() == 1
    dave = reviewer_user()
    proposal = ChangeProposal.objects.get()
    own = client_for(dave).post(f"/api/v1/commitments/{commitment.pk}/renderings/", {"source": "tass", "text": "Intro."}, format="json")
    mine = ChangeProposal.objects.get(pk=own.json()["id"])
    assert client_for(dave).post(f"/api/v1/review/proposals/change/{mine.pk}/approve/").json()["detail"].startswith("You proposed this")
    assert client_for(dave).post(f"/api/v1/review/proposals/change/{proposal.pk}/approve/").status_code == 200
    assert api.get(f"/api/v1/commitments/{commitment.pk}/").json()["quote"] == "China will set an exemplar."


def test_a_rejected_change_leaves_readers_as_they_were(alice, commitment, make_statement):
    earlier = make_statement(points=1).commitments.get()
    api = client_for(alice)
    response = api.post(f"/api/v1/commitments/{commitment.pk}/links/", {"to_commitment": earlier.pk, "kind": "supersedes", "rationale": "r"},
                        format="json")
    dave = client_for(reviewer_user())
    assert dave.post(f"/api/v1/review/proposals/change/{response.json()['id']}/reject/", {"comment": ""}).status_code == 400
    assert dave.post(f"/api/v1/review/proposals/change/{response.json()['id']}/reject/", {"comment": "Not so."}).json()["review_state"] == "rejected"
    assert api.get(f"/api/v1/commitments/{commitment.pk}/").json()["links"] == []
    assert dave.post(f"/api/v1/review/proposals/change/{response.json()['id']}/approve/").status_code == 403  # decided once


def test_with_review_off_changes_are_public_at_once(settings, alice, commitment, make_statement):
    settings.TRACKER_REVIEW_REQUIRED = False
    earlier = make_statement(points=1).commitments.get()
    response = client_for(alice).post(f"/api/v1/commitments/{commitment.pk}/links/", {"to_commitment": earlier.pk, "kind": "reaffirms",
                                      "rationale": "r"}, format="json")
    assert response.status_code == 201 and commitment.links_out.count() == 1
    proposal = ChangeProposal.objects.get()
    assert proposal.review_state == ReviewState.PUBLISHED and proposal.reviewer is None


def test_editors_do_not_see_or_open_the_admins_add_pages_of_the_catalogue(client, alice, admin_user):
    client.force_login(alice)
    for model in ("statement", "commitment", "claim"):
        assert client.get(reverse(f"admin:commitments_{model}_add")).status_code == 403, model
    index = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:commitments_statement_add") not in index and reverse("admin:commitments_commitment_add") not in index
    client.force_login(admin_user)
    assert client.get(reverse("admin:commitments_statement_add")).status_code == 200


def _raw(sql: str, params=()) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_the_database_guards_change_proposals_as_the_other_reviewed_history(alice, commitment, make_statement):
    """The trigger of 0022_history_guard_round2 covers the new table: no row inserted published, no self-review, no TRUNCATE."""
    now = timezone.now()
    with pytest.raises(IntegrityError, match="inserted as proposals"):
        _raw("INSERT INTO commitments_changeproposal (kind, target_type, subject, data, before, author_id, recorded_at, review_state, "
             "review_comment, published_at) VALUES ('commitment-link', 'commitment', 's', '{}', '{}', %s, %s, 'published', '', %s)",
             [alice.pk, now, now])
    earlier = make_statement(points=1).commitments.get()
    proposal = client_for(alice).post(f"/api/v1/commitments/{commitment.pk}/links/", {"to_commitment": earlier.pk, "kind": "reaffirms",
                                      "rationale": "r"}, format="json").json()["id"]
    with pytest.raises(IntegrityError, match="nobody reviews their own proposal"):
        _raw("UPDATE commitments_changeproposal SET review_state = 'published', reviewer_id = author_id, reviewed_at = now(), "
             "published_at = now() WHERE id = %s", [proposal])
    with pytest.raises(IntegrityError, match="cannot be truncated"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL commitments.allow_truncate = 'off'")  # as any session but the test suite's flush
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the test's transaction: no deferred checks pending
        cursor.execute("TRUNCATE commitments_commitment CASCADE")
    assert ChangeProposal.objects.get().review_state == ReviewState.PROPOSED


def test_a_statement_taken_in_by_an_editor_is_public_only_once_a_reviewer_publishes_it(alice, make_party, settings):
    from tests.intake_support import draft_body
    from tests.test_intake_api import READOUT

    api = client_for(alice)
    response = api.post("/api/v1/intake/save/", draft_body(READOUT, make_party), format="json")
    assert response.status_code == 202, response.content
    assert api.get("/api/v1/statements/").json()["count"] == 0 and api.get("/api/v1/sources/").json()["count"] == 0
    queued = client_for(reviewer_user()).get("/api/v1/review/proposals/?kind=change").json()[0]
    assert queued["subject"].startswith("Taken in by the intake: Readout") and queued["changes"][1]["field"] == "statement"
    assert api.post(f"/api/v1/review/proposals/change/{response.json()['proposal']}/approve/").status_code == 403  # an Editor
    assert client_for(reviewer_user()).post(f"/api/v1/review/proposals/change/{response.json()['proposal']}/approve/").status_code == 200
    assert api.get("/api/v1/statements/").json()["count"] == 1
    settings.TRACKER_REVIEW_REQUIRED = False  # review off: saved at once, as before
    body = draft_body(READOUT, lambda **fields: make_party(name="China (2)", slug="china-2"))
    body["source"]["title"] = "Another readout"
    response = api.post("/api/v1/intake/save/", body, format="json")
    assert response.status_code == 201 and api.get("/api/v1/statements/").json()["count"] == 2
