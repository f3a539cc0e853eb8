"""Reviewers are told when proposals wait (issue 19 item 4): a real SMTP server, at most one e-mail a day, opt-out."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from commitments.models import ReviewerNotice, Status
from commitments.review.notices import review_notices_send
from commitments.services import status_update_record
from commitments.tasks.review import review_notices_send_due
from tests.review_support import publish, reviewer_user

pytest_plugins = ["tests.digests_support"]  # the smtp fixture: a real SMTP server


def propose(commitment, author):
    return status_update_record(commitment=commitment, status=Status.IN_PROGRESS, effective_on=timezone.now().date(),
                                rationale="Work has begun.", author=author)


def test_reviewers_get_one_email_a_day_with_links_into_the_queue(smtp, settings, alice, bob, commitment):
    settings.SITE_URL = "http://tracker.example:8811"
    dave = reviewer_user("dave")
    reviewer_user("erin")
    assert review_notices_send() == 0 and smtp.messages == []  # nothing waits: no e-mail
    propose(commitment, alice)
    propose(commitment, dave)  # dave's own: erin may decide it, dave may not
    now = timezone.now()
    assert review_notices_send_due.apply().get() == 2  # the beat task, run in process
    by_address = {message["To"]: message for message in smtp.messages}
    assert set(by_address) == {"dave@example.org", "erin@example.org"}  # Reviewers only: not alice (Editor), not bob (Viewer)
    assert by_address["erin@example.org"]["Subject"] == "2 proposals wait for your review"
    assert by_address["dave@example.org"]["Subject"] == "1 proposal waits for your review"
    text = by_address["erin@example.org"].get_body(("plain",)).get_content()
    html = by_address["erin@example.org"].get_body(("html",)).get_content()
    assert "http://tracker.example:8811/admin/review/?kind=status" in text and 'href="http://tracker.example:8811/admin/review/"' in html
    assert "http://tracker.example:8811/admin/review/notices/" in text
    assert review_notices_send(now=now + timedelta(hours=23)) == 0 and len(smtp.messages) == 2  # at most daily
    assert review_notices_send(now=now + timedelta(hours=25)) == 2 and len(smtp.messages) == 4


def test_a_reviewer_opts_out_in_the_admin_and_gets_nothing(smtp, client, alice, commitment):
    dave = reviewer_user()
    client.force_login(dave)
    assert 'id="id_enabled" checked' in client.get(reverse("review-notices")).content.decode()
    assert client.post(reverse("review-notices"), {}).status_code == 302
    assert not ReviewerNotice.objects.get(user=dave).enabled
    propose(commitment, alice)
    assert review_notices_send() == 0 and smtp.messages == []
    client.post(reverse("review-notices"), {"enabled": "on"})
    assert review_notices_send() == 1 and [m["To"] for m in smtp.messages] == ["dave@example.org"]


def test_nothing_is_sent_once_everything_is_decided(smtp, alice, commitment):
    publish(propose(commitment, alice))
    reviewer_user()
    assert review_notices_send() == 0 and smtp.messages == []
