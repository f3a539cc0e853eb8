"""Evidence under review: new evidence and every edit of published evidence are proposals.

alice (Editor) proposes, dave (Reviewer) publishes, erin (Reviewer) proposes too. Nothing alice does
reaches the API, the pages, search or the digest before dave publishes it.
"""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.apps import apps as django_apps
from django.core.exceptions import PermissionDenied
from django.test import override_settings
from django.urls import reverse

from commitments.digests.build import digest_content
from commitments.digests.changes import Filter, week_changes_load
from commitments.digests.periods import period_containing
from commitments.models import Evidence, EvidenceRevision, ReviewState, Stance
from commitments.review.selectors import proposal_changes
from commitments.review.services import proposal_approve, proposal_reject
from commitments.services import NewEvidence, evidence_attach, evidence_create, evidence_revise, status_update_record
from commitments.site.search import SearchFilters, search
from tests.api_support import client_for
from tests.review_support import attach_published, publish, reviewer_user

pytest_plugins = ["tests.api_support"]

MONDAY = datetime(2024, 3, 4, 9, tzinfo=UTC)
NEXT_MONDAY = MONDAY + timedelta(days=7)
QUEUE = "/admin/review/"


@pytest.fixture
def dave(db):
    return reviewer_user("dave")


@pytest.fixture
def erin(db):
    return reviewer_user("erin")


def digest_text(moment: datetime) -> str:
    content = digest_content(changes=week_changes_load(period=period_containing(moment=moment)), digest_filter=Filter())
    return " | ".join(f"{item.title} {item.new} {item.detail}" for section in content.sections for item in section.items)


def public_views(api, client, commitment, *, words: str) -> dict[str, bool]:
    """Where `words` (a title) shows to readers: API list and commitment, the point's page, search."""
    return {
        "api list": words in api.get("/api/v1/evidence/").content.decode(),
        "api count": api.get(f"/api/v1/commitments/{commitment.pk}/").json()["evidence_count"] > 0,
        "page": words in client.get(commitment.get_absolute_url()).content.decode(),
        "search": any(hit.title == words for hit in search(q=words, filters=SearchFilters())),
    }


def test_new_evidence_from_the_api_shows_nowhere_until_another_reviewer_publishes_it(api, client, commitment, alice, dave):
    with time_machine.travel(MONDAY, tick=False):
        response = client_for(alice).post("/api/v1/evidence/", {
            "url": "https://news.example.org/vaccines", "title": "Vaccines shipped", "stance": "supports", "commitments": [commitment.pk],
        }, format="json")
    assert response.status_code == 201, response.content
    assert not any(public_views(api, client, commitment, words="Vaccines shipped").values())
    # The one queue: listed with its diff, and the proposer may not publish it.
    queue = client_for(dave).get("/api/v1/review/proposals/?kind=evidence").json()
    assert [row["id"] for row in queue] == [response.json()["proposal"]["id"]]
    changes = {change["field"]: (change["old"], change["new"]) for change in queue[0]["changes"]}
    assert changes["title"] == ("", "Vaccines shipped") and changes["stance"] == ("", "Supports")
    assert "Point 1" in changes["attached to"][1] and queue[0]["may_review"] is True
    assert client_for(alice).get("/api/v1/review/proposals/?kind=evidence").json()[0]["may_review"] is False
    revision = EvidenceRevision.objects.get()
    refused = client_for(alice).post(f"/api/v1/review/proposals/evidence/{revision.pk}/approve/", {}, format="json")
    assert refused.status_code == 403
    with time_machine.travel(NEXT_MONDAY, tick=False):
        approved = client_for(dave).post(f"/api/v1/review/proposals/evidence/{revision.pk}/approve/", {"comment": "ok"}, format="json")
    assert approved.status_code == 200 and approved.json()["review_state"] == "published"
    assert all(public_views(api, client, commitment, words="Vaccines shipped").values())
    # Digests count it in the week it was published, not the week it was proposed.
    assert "Vaccines shipped" in digest_text(NEXT_MONDAY) and "Vaccines shipped" not in digest_text(MONDAY)


@pytest.fixture
def published(commitment, alice, dave) -> Evidence:
    evidence = evidence_create(data=NewEvidence(url="https://gov.example.org/report", title="Progress report", excerpt="Delivered."),
                               created_by=alice, commitments=[commitment])
    publish(evidence.revisions.get(), reviewer=dave)
    evidence.refresh_from_db()
    return evidence


def test_an_editors_edit_of_published_evidence_in_the_admin_is_a_proposal(client, api, commitment, published, alice, dave):
    client.force_login(alice)
    page = client.get(reverse("admin:commitments_evidence_change", args=[published.pk]))
    assert page.status_code == 200
    response = client.post(reverse("admin:commitments_evidence_change", args=[published.pk]), {
        "url": "https://elsewhere.example.org/x", "title": "China report", "publisher": "", "published_on": "", "excerpt": "Not delivered.",
        "stance": "contradicts", "commitments": [], "claims": [], "reason": "The report says the opposite",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    # Public: unchanged, still attached.
    published.refresh_from_db()
    assert (published.title, published.url, published.stance, published.excerpt) == (
        "Progress report", "https://gov.example.org/report", Stance.SUPPORTS, "Delivered.")
    assert list(published.commitments.all()) == [commitment]
    assert "Progress report" in api.get(f"/api/v1/evidence/{published.pk}/").content.decode()
    revision = published.revisions.get(review_state=ReviewState.PROPOSED)
    assert revision.author == alice and revision.reason == "The report says the opposite"
    # The reviewer's diff: now -> would become, for each changed field and the removed link.
    changes = {(c.field, c.old, c.new) for c in proposal_changes(revision)}
    assert ("stance", "Supports", "Contradicts") in changes and ("title", "Progress report", "China report") in changes
    assert ("url", "https://gov.example.org/report", "https://elsewhere.example.org/x") in changes
    assert any(field == "attached to" and "Point 1" in old and new == "(removed)" for field, old, new in changes)
    client.force_login(dave)
    queue = client.get(QUEUE).content.decode()
    card = queue[queue.index(f'id="proposal-evidence-{revision.pk}"'):]
    assert "Contradicts" in card and "Supports" in card and "Approve and publish" in card
    assert client.post(reverse("review-decide", args=["evidence", revision.pk]), {"decision": "approve"}).status_code == 302
    published.refresh_from_db()
    assert (published.title, published.stance, published.excerpt) == ("China report", Stance.CONTRADICTS, "Not delivered.")
    assert not published.commitments.exists()


def test_a_rejected_edit_changes_nothing_and_the_proposer_cannot_publish_their_own(commitment, published, erin, dave):
    revision = evidence_revise(evidence=published, author=erin, data={"stance": Stance.CONTRADICTS})
    with pytest.raises(PermissionDenied):
        proposal_approve(row=revision, reviewer=erin)
    proposal_reject(row=revision, reviewer=dave, comment="The report supports it")
    published.refresh_from_db()
    assert published.stance == Stance.SUPPORTS
    assert EvidenceRevision.objects.get(pk=revision.pk).review_state == ReviewState.REJECTED


def test_an_editor_adds_evidence_in_the_admin_as_a_draft(client, api, commitment, alice, dave):
    client.force_login(alice)
    response = client.post(reverse("admin:commitments_evidence_add"), {
        "url": "https://gov.example.org/new", "title": "Admin added", "publisher": "", "published_on": "", "excerpt": "",
        "stance": "supports", "commitments": [commitment.pk], "claims": [], "reason": "",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    evidence = Evidence.objects.get(title="Admin added")
    assert evidence.published_at is None and not evidence.commitments.exists() and evidence.created_by == alice
    assert api.get(f"/api/v1/evidence/{evidence.pk}/").status_code == 404
    publish(evidence.revisions.get(), reviewer=dave)
    assert api.get(f"/api/v1/evidence/{evidence.pk}/").json()["commitments"] == [commitment.pk]


def test_attaching_evidence_to_another_point_is_a_proposal(api, make_statement, published, alice, dave):
    other = make_statement(points=2).commitments.get(ordinal=2)
    revision = evidence_attach(evidence=published, author=alice, commitments=[other])
    assert other.pk not in api.get(f"/api/v1/evidence/{published.pk}/").json()["commitments"]
    publish(revision, reviewer=dave)
    assert other.pk in api.get(f"/api/v1/evidence/{published.pk}/").json()["commitments"]
    assert attach_published(evidence=published, commitments=[other]) is None  # already linked: nothing to propose


@override_settings(TRACKER_REVIEW_REQUIRED=False)
def test_with_review_off_evidence_and_edits_are_public_at_once(api, commitment, alice):
    evidence = evidence_create(data=NewEvidence(url="https://gov.example.org/r", title="Instant"), created_by=alice, commitments=[commitment])
    assert api.get(f"/api/v1/evidence/{evidence.pk}/").json()["commitments"] == [commitment.pk]
    evidence_revise(evidence=evidence, author=alice, data={"title": "Instant, corrected"})
    assert api.get(f"/api/v1/evidence/{evidence.pk}/").json()["title"] == "Instant, corrected"
    assert evidence.revisions.filter(review_state=ReviewState.PUBLISHED, reviewer__isnull=True).count() == 2


def test_the_migration_publishes_the_evidence_readers_saw(commitment, make_evidence, alice):
    from importlib import import_module

    migration = import_module("commitments.migrations.0020_evidence_review")
    linked = make_evidence(title="Linked")
    make_evidence(title="Loose")
    linked.commitments.add(commitment)
    proposal = status_update_record(commitment=commitment, status="broken", effective_on=MONDAY.date(), rationale="r", author=alice,
                                    new_evidence=[NewEvidence(url="https://x.example.org/", title="Cited only")])
    Evidence.objects.update(published_at=None)  # as before the migration
    migration.publish_existing(django_apps, None)
    public = set(Evidence.objects.filter(published_at__isnull=False).values_list("title", flat=True))
    assert public == {"Linked", "Loose"} and proposal.evidence.get().published_at is None


@pytest.mark.parametrize("model", ["commitment", "statement", "claim", "source"])
def test_an_editor_neither_sees_nor_opens_the_admins_add_pages_of_the_catalogue(client, alice, admin_user, model):
    client.force_login(alice)
    assert client.get(reverse(f"admin:commitments_{model}_add")).status_code == 403
    changelist = client.get(reverse(f"admin:commitments_{model}_changelist")).content.decode()
    assert reverse(f"admin:commitments_{model}_add") not in changelist
    assert reverse(f"admin:commitments_{model}_add") not in client.get(reverse("admin:index")).content.decode()
    assert alice.has_perm(f"commitments.add_{model}")  # the intake's permission stays: they add through the intake
    client.force_login(admin_user)  # a superuser edits the catalogue, and may add here
    assert client.get(reverse(f"admin:commitments_{model}_add")).status_code == 200


def test_status_changes_say_from_what_and_that_they_were_reviewed(api, commitment, alice, dave):
    first = publish(status_update_record(commitment=commitment, status="in_progress", effective_on=MONDAY.date(), rationale="r", author=alice),
                    reviewer=dave)
    publish(status_update_record(commitment=commitment, status="stalled", effective_on=NEXT_MONDAY.date(), rationale="r", author=alice),
            reviewer=dave)
    # Published before the first one, though effective earlier: readers then saw "in progress" still current.
    publish(status_update_record(commitment=commitment, status="not_started", effective_on=date(2020, 1, 1), rationale="r", author=alice),
            reviewer=dave)
    rows = api.get("/api/v1/status-changes/").json()["results"]
    assert [(row["previous_status"], row["status"], row["reviewed"]) for row in rows] == [
        ("not_yet_rated", "in_progress", True), ("in_progress", "stalled", True), ("stalled", "not_started", True),
    ]
    assert rows[0]["id"] == first.pk
