"""Issue 19's promise as a new team tries it (item 7): accounts made by `create_editor`, review on (the default).
An Editor's status change with new evidence, made in the admin's record page, is public nowhere (point page,
change list, feed, API, corrections log) until a Reviewer, also made by `create_editor`, publishes it; the Editor
cannot publish it. The other paths (API, intake, watch inbox) are listed with their tests in the README's
"Review before publishing".
"""

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from commitments.models import ReviewState, StatusUpdate

pytestmark = pytest.mark.django_db


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
