"""The admin a new editor meets: the review queue, roles, create_editor, page titles, the History button."""

import io
import re
from datetime import date, timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from commitments.models import ReviewState, Status, StatusUpdate
from commitments.services import status_update_record, verdict_update_record
from tests.review_support import publish, reviewer_user

QUEUE = "/admin/review/"


def propose(commitment, author, status=Status.IN_PROGRESS, rationale="Work has begun."):
    return status_update_record(commitment=commitment, status=status, effective_on=date(2024, 2, 1), rationale=rationale, author=author)


def test_the_admin_index_counts_what_waits_for_review(client, alice, commitment, claim):
    client.force_login(alice)
    page = client.get(reverse("admin:index")).content.decode()
    assert re.search(r'id="review-badge"[^>]*>0<', page) and "Nothing waiting" in page
    propose(commitment, alice)
    verdict_update_record(claim=claim, verdict="false", rationale="No.", author=alice)
    page = client.get(reverse("admin:index")).content.decode()
    assert re.search(r'id="review-badge"[^>]*>2<', page) and "2 proposals waiting" in page


def test_a_reviewer_sees_the_diff_and_publishes_in_one_click(client, alice, commitment):
    dave = reviewer_user()
    proposal = propose(commitment, alice)
    client.force_login(dave)
    page = client.get(QUEUE).content.decode()
    card = page[page.index(f'id="proposal-status-{proposal.pk}"'):]
    assert "Not yet rated" in card and "In progress" in card and "alice" in card and "Approve and publish" in card
    response = client.post(reverse("review-decide", args=["status", proposal.pk]), {"decision": "approve", "comment": "Checked"})
    assert response.status_code == 302
    commitment.refresh_from_db()
    assert commitment.status == Status.IN_PROGRESS
    assert StatusUpdate.objects.get().review_comment == "Checked"
    assert "Nothing is waiting" in client.get(QUEUE).content.decode()


def test_the_proposer_cannot_approve_their_own_and_sees_it_waiting(client, commitment):
    erin = reviewer_user("erin")
    proposal = propose(commitment, erin, rationale="Erin's own call")
    client.force_login(erin)
    page = client.get(QUEUE).content.decode()
    card = page[page.index(f'id="proposal-status-{proposal.pk}"'):page.index('id="my-proposals"')]
    assert "another Reviewer must publish" in card and "Approve and publish" not in card
    mine = page[page.index('id="my-proposals"'):]
    assert "Proposed" in mine and "In progress from 2024-02-01" in mine
    response = client.post(reverse("review-decide", args=["status", proposal.pk]), {"decision": "approve"}, follow=True)
    assert "another Reviewer" in response.content.decode()
    assert StatusUpdate.objects.get().review_state == ReviewState.PROPOSED


def test_a_rejection_needs_a_comment_and_the_proposer_reads_it(client, alice, commitment):
    proposal = propose(commitment, alice)
    client.force_login(reviewer_user())
    url = reverse("review-decide", args=["status", proposal.pk])
    assert "Say why" in client.post(url, {"decision": "reject", "comment": ""}, follow=True).content.decode()
    client.post(url, {"decision": "reject", "comment": "Which ministry said so?"})
    client.force_login(alice)
    mine = client.get(QUEUE).content.decode()
    assert "Rejected" in mine and "Which ministry said so?" in mine
    history = client.get(reverse("admin:commitments_commitment_change", args=[commitment.pk])).content.decode()
    assert 'class="review-rejected"' in history and "Which ministry said so?" in history


def test_the_queue_filters_by_statement_proposer_and_age(client, alice, make_statement):
    erin = reviewer_user("erin")
    one, two = make_statement(points=1).commitments.get(), make_statement(points=1).commitments.get()
    with time_machine.travel(timezone.now() - timedelta(days=10)):
        old = propose(one, alice)
    new = propose(two, erin)
    client.force_login(reviewer_user())

    def shown(query: str) -> set[int]:
        return {int(pk) for pk in re.findall(r'id="proposal-status-(\d+)"', client.get(f"{QUEUE}?{query}").content.decode())}

    assert shown("") == {old.pk, new.pk}
    assert shown(f"statement={two.statement_id}") == {new.pk}
    assert shown(f"proposer={alice.pk}") == {old.pk}
    assert shown("age=7d") == {old.pk}
    assert shown("kind=verdict") == set()


def test_the_queue_costs_a_fixed_number_of_queries(client, alice, make_statement, django_assert_max_num_queries):
    for _ in range(10):
        propose(make_statement(points=1).commitments.get(), alice)
    client.force_login(reviewer_user())
    client.get(QUEUE)
    with django_assert_max_num_queries(20):
        assert client.get(QUEUE).content.decode().count('class="proposal"') == 10


def test_viewers_and_anonymous_users_cannot_decide(client, bob, alice, commitment):
    proposal = propose(commitment, alice)
    url = reverse("review-decide", args=["status", proposal.pk])
    assert client.post(url, {"decision": "approve"}).status_code == 302  # to the login page
    client.force_login(bob)
    assert "Only a Reviewer" in client.post(url, {"decision": "approve"}, follow=True).content.decode()
    assert StatusUpdate.objects.get().review_state == ReviewState.PROPOSED


def test_an_editor_sees_change_in_the_title_and_the_status_starts_where_it_stands(client, alice, bob, commitment):
    # Published as the history trigger allows: proposed, then reviewed by someone else.
    publish(status_update_record(commitment=commitment, status=Status.STALLED, effective_on=date(2024, 1, 1), rationale="r", author=alice))
    commitment.refresh_from_db()
    assert commitment.status == Status.STALLED
    client.force_login(alice)
    page = client.get(reverse("admin:commitments_commitment_change", args=[commitment.pk])).content.decode()
    assert "| Change commitment |" in page and "View commitment" not in page
    assert re.search(r'<option value="stalled" selected>Stalled</option>', page)
    client.force_login(bob)  # a Viewer may only look
    assert "| View commitment |" in client.get(reverse("admin:commitments_commitment_change", args=[commitment.pk])).content.decode()


def test_the_history_button_shows_the_status_history(client, alice, commitment):
    propose(commitment, alice, rationale="A proposal waiting")
    client.force_login(alice)
    page = client.get(reverse("admin:commitments_commitment_history", args=[commitment.pk])).content.decode()
    editorial = page[page.index('id="editorial-history"'):page.index('id="audit-trail"')]
    assert "A proposal waiting" in editorial and "Proposed" in editorial
    assert "No change recorded yet" not in page  # the commitment's creation is in the audit trail


def test_an_editor_without_the_staff_flag_is_told_why_at_login(client, db):
    user = User.objects.create_user("gus", "gus@example.org", "a-long-password-1")
    user.groups.add(Group.objects.get(name="Editors"))
    response = client.post(reverse("admin:login"), {"username": "gus", "password": "a-long-password-1"})
    assert "not marked as staff" in response.content.decode() and "create_editor gus@example.org" in response.content.decode()
    wrong = client.post(reverse("admin:login"), {"username": "gus", "password": "wrong"}).content.decode()
    assert "not marked as staff" not in wrong  # never tells a stranger that an account exists


def test_create_editor_makes_a_staff_account_with_a_role_and_a_one_time_link(client, db, settings):
    settings.SITE_URL = "http://testserver"
    out = io.StringIO()
    call_command("create_editor", "hana@example.org", "--role", "reviewer", stdout=out)
    user = User.objects.get(username="hana@example.org")
    assert user.is_staff and [g.name for g in user.groups.all()] == ["Reviewers"] and not user.has_usable_password()
    assert user.has_perm("commitments.review_statusupdate") and user.has_perm("commitments.add_statusupdate")
    link = re.search(r"http://testserver(/admin/password-set/\S+)", out.getvalue())[1]
    form = client.get(link, follow=True)
    assert form.status_code == 200 and "new_password1" in form.content.decode()
    done = client.post(form.redirect_chain[-1][0], {"new_password1": "Correct-Horse-42", "new_password2": "Correct-Horse-42"})
    assert done.status_code == 302
    assert client.login(username="hana@example.org", password="Correct-Horse-42")
    assert "new_password1" not in client.get(link, follow=True).content.decode()  # used once, then invalid
    call_command("create_editor", "hana@example.org", "--role", "editor", stdout=io.StringIO())
    assert [g.name for g in User.objects.get(username="hana@example.org").groups.all()] == ["Editors"]


def test_the_decision_redirect_stays_on_this_site(client, alice, commitment):
    """Issue 22 #13: `next` pointing off-site (or scheme-relative) falls back to the queue; a local path is kept."""
    client.force_login(reviewer_user())
    url = reverse("review-decide", args=["status", propose(commitment, alice).pk])
    for evil in ("https://evil.example/x", "//evil.example/x", "/\\evil.example/x", "javascript:alert(1)"):
        response = client.post(url, {"decision": "reject", "comment": "No source.", "next": evil})
        assert response.status_code == 302 and response["Location"] == QUEUE, evil
    response = client.post(url, {"decision": "reject", "comment": "No source.", "next": "/admin/review/?kind=status"})
    assert response["Location"] == "/admin/review/?kind=status"


@pytest.mark.django_db(transaction=True)
def test_the_role_groups_come_back_with_their_permissions_after_a_flush():
    """A flush (each transactional test's teardown) empties auth_group; post_migrate puts the roles back as roles.py says."""
    call_command("flush", interactive=False, verbosity=0)
    reviewers = Group.objects.get(name="Reviewers")
    assert set(Group.objects.values_list("name", flat=True)) >= {"Viewers", "Editors", "Reviewers"}
    assert reviewers.permissions.filter(codename="review_statusupdate").exists()
    assert not Group.objects.get(name="Viewers").permissions.filter(codename="add_statusupdate").exists()
