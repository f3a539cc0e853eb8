"""Issue 19's promise as a new team tries it (item 7): accounts made by `create_editor`, review on (the default).
An Editor's status change with new evidence, made in the admin's record page, is public nowhere (point page,
change list, feed, API, corrections log) until a Reviewer, also made by `create_editor`, publishes it; the Editor
cannot publish it. The other paths (API, intake, watch inbox) are listed with their tests in the README's
"Review before publishing".
"""

import io
import re

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from commitments.models import ChangeProposal, ReviewState, Statement, StatusUpdate
from tests.intake_support import CENTRAL_ASIA, form_data, seed_text

pytestmark = pytest.mark.django_db
INTAKE = "/admin/commitments/statement/intake/"


def account(email: str, role: str) -> Client:
    call_command("create_editor", email, "--role", role, stdout=io.StringIO())
    client = Client()
    client.force_login(User.objects.get(username=email))
    return client


def public(commitment) -> dict[str, bool]:
    reader = Client()
    return {
        "point page": "Clinic opened" in reader.get(commitment.get_absolute_url()).content.decode(),
        "changes": "Clinic opened" in reader.get("/changes/").content.decode(),
        "feed": "Clinic opened" in reader.get("/changes/feed.atom").content.decode(),
        "api": reader.get("/api/v1/status-changes/").json()["results"] != [],
        "api evidence": reader.get("/api/v1/evidence/").json()["count"] > 0,
    }


def test_an_editor_made_by_create_editor_publishes_nothing_a_reviewer_made_by_it_does(commitment):
    editor, reviewer = account("ana@example.org", "editor"), account("rui@example.org", "reviewer")
    saved = editor.post(reverse("admin:commitments_commitment_record", args=[commitment.pk]), {
        "status": "fulfilled", "effective_on": "2021-03-01", "rationale": "Clinic opened in March.",
        "new_evidence_url": "https://news.example.org/clinic", "new_evidence_title": "Clinic opened", "new_evidence_stance": "supports",
    })
    assert saved.status_code == 302, saved.content.decode()[:2000]
    update = StatusUpdate.objects.get()
    assert update.review_state == ReviewState.PROPOSED
    assert public(commitment) == dict.fromkeys(public(commitment), False)
    decide = reverse("review-decide", args=["status", update.pk])
    assert editor.post(decide, {"decision": "approve"}).status_code in (302, 403)
    assert StatusUpdate.objects.get().review_state == ReviewState.PROPOSED  # an Editor cannot publish
    reviewer.post(decide, {"decision": "approve", "comment": ""})
    assert StatusUpdate.objects.get().review_state == ReviewState.PUBLISHED
    assert public(commitment) == dict.fromkeys(public(commitment), True)


def test_a_viewer_made_by_create_editor_reads_the_admin_and_the_queue_and_decides_nothing(commitment):
    """The README's roles table: a Viewer reads the admin and the review queue."""
    editor, viewer = account("ana@example.org", "editor"), account("vic@example.org", "viewer")
    saved = editor.post(reverse("admin:commitments_commitment_record", args=[commitment.pk]), {
        "status": "in_progress", "effective_on": "2021-03-01", "rationale": "Talks opened.", "new_evidence_stance": "supports"})
    assert saved.status_code == 302, saved.content.decode()[:2000]
    update = StatusUpdate.objects.get()
    assert viewer.get("/admin/").status_code == 200
    queue = viewer.get(reverse("review-queue"))
    assert queue.status_code == 200 and f'id="proposal-status-{update.pk}"' in queue.content.decode()
    viewer.post(reverse("review-decide", args=["status", update.pk]), {"decision": "approve"})
    assert StatusUpdate.objects.get().review_state == ReviewState.PROPOSED
    assert viewer.get(reverse("admin:commitments_commitment_record", args=[commitment.pk])).status_code == 403


def test_a_statement_an_editor_takes_in_on_the_admin_intake_page_is_public_only_once_a_reviewer_publishes_it(make_party):
    """The admin intake path with accounts made by `create_editor` (not hand-given permissions): the Editor's save is a
    proposal, nothing is written to the catalogue, the Editor cannot publish it, a Reviewer's approval makes it public."""
    editor, reviewer = account("ana@example.org", "editor"), account("rui@example.org", "reviewer")
    china = make_party(name="China", slug="china")
    review = editor.post(INTAKE, {"text": seed_text(CENTRAL_ASIA), "extract": "1"})
    assert review.status_code == 200
    data = form_data(review.content.decode())
    data.update({"title": "China + Central Asia", "publisher": "China News", "language": "en", "set-0-announced_by": "Wang Yi",
                 "set-0-announcing_party": str(china.pk), "set-0-announced_on": "2020-07-16", "save": "1"})
    saved = editor.post(INTAKE, data)
    assert saved.status_code == 302, re.findall(r"errornote.*|errorlist.*", saved.content.decode())
    proposal = ChangeProposal.objects.get(kind="intake")
    reader = Client()

    def seen() -> dict[str, bool]:
        return {
            "statements api": reader.get("/api/v1/statements/").json()["count"] > 0,
            "commitments api": reader.get("/api/v1/commitments/").json()["count"] > 0,
            "statements page": "Wang Yi made four suggestions" in reader.get("/statements/").content.decode(),
            "search": "Wang Yi made four suggestions" in reader.get("/search/", {"q": "health community"}).content.decode(),
        }

    assert not Statement.objects.exists() and seen() == dict.fromkeys(seen(), False)
    decide = reverse("review-decide", args=["change", proposal.pk])
    assert editor.post(decide, {"decision": "approve"}).status_code in (302, 403)
    assert not Statement.objects.exists()  # an Editor cannot publish what they took in
    reviewer.post(decide, {"decision": "approve", "comment": ""})
    assert Statement.objects.get().commitments.filter(parent=None).count() == 4
    assert seen() == dict.fromkeys(seen(), True)
