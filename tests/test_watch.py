"""Watches end to end against a real local site: a feed, an index page and a sitemap that list the same
documents under different spellings, with a redirect and a dead link; the inbox, its API, the admin
decisions (through review) and the staff e-mails.
"""
# ruff: noqa: F811  (fixtures imported from tests.checks_helpers)


import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from commitments.models import ChangeProposal, Commitment, CommitmentLink, Evidence, ReviewState, StatusUpdate
from commitments.models.watch import DocumentState, InboxItem, InboxMailOptIn, InboxState, Watch, WatchedDocument
from commitments.watch import notify, services
from commitments.watch.canonical import document_key
from commitments.watch.matching import Matcher, targets_load
from tests.checks_helpers import loopback_allowed, origins  # noqa: F401
from tests.checks_server import Response
from tests.review_support import publish
from tests.watch_support import watch_all, watch_run, watch_site


def test_it_keys_every_spelling_of_one_document_alike():
    key = document_key("https://www.mfa.gov.cn/news/a.html")
    for spelling in ("http://www.mfa.gov.cn/news/a.html?utm_source=rss&utm_campaign=x", "https://WWW.mfa.gov.cn/news/a.html#top",
                     "https://www.mfa.gov.cn/news/a.html/", "http://www.mfa.gov.cn:80/news/a.html"):
        assert document_key(spelling) == key
    assert document_key("https://www.mfa.gov.cn/news/a.html?id=2") != key  # a real query parameter is another document


@pytest.mark.django_db
def test_it_files_each_document_once_across_feed_index_and_sitemap(seed, origins, loopback_allowed):
    site = watch_site(origins, "w1")
    watch_all(site, "w1")

    first = watch_run()

    assert first["watches"] == 3 and first["failed_watches"] == 0
    assert first["filed"] == 3 and first["dead"] == 1  # a, b (reached through its redirect) and c; gone.html is dead
    assert first["duplicates"] == 1  # /old/b redirected to b.html, which the sitemap listed too
    for path in ("/w1/news/a.html", "/w1/news/b.html", "/w1/news/c.html", "/w1/news/gone.html", "/w1/old/b"):
        assert origins.hits(path) == 1, path  # fetched once, ever, whichever spelling or redirect led there
    assert origins.hits("/elsewhere/about.html") == 0  # not a document: the index page's pattern keeps it out
    assert WatchedDocument.objects.get(state=DocumentState.DEAD).url.endswith("/w1/news/gone.html")

    readout = InboxItem.objects.get(document__url__contains="/w1/news/a.html")
    assert readout.document.title == "Wang Yi meets Russian Foreign Minister"
    assert readout.document.language == "en"
    assert readout.document.published_on is not None
    [found] = readout.sets
    assert found["announced_count"] == 3 and found["complete"] and len(found["points"]) == 3
    innovation = Commitment.objects.get(id=readout.matches[0]["commitment"])
    assert "Scientific and Technological Innovation" in innovation.quote
    assert "Years of Scientific and Technological Innovation" in readout.matches[0]["passage"]
    weather = InboxItem.objects.get(document__title="Weather and sport")
    assert weather.sets == [] and weather.matches == []
    assert InboxItem.objects.get(document__language="ru").matches == []

    second = watch_run()
    assert second["watches"] == 0  # not due again before its interval
    Watch.objects.update(next_poll_at=timezone.now())
    third = watch_run()
    assert third["watches"] == 3 and third["new_documents"] == 0 and third["fetched"] == 0 and third["filed"] == 0
    assert origins.hits("/w1/news/a.html") == 1
    assert InboxItem.objects.count() == 3


@pytest.mark.django_db
def test_a_watch_that_keeps_failing_is_flagged_and_its_creator_told(origins, loopback_allowed, alice, settings):
    settings.TRACKER_WATCH_FAILING_AFTER = 2
    origins.route("/w2/feed.xml", Response(500, "down"))
    watch = services.watch_add(url=origins.url("/w2/feed.xml"), kind="feed", name="Failing feed", created_by=alice)
    for _ in range(2):
        Watch.objects.filter(id=watch.id).update(next_poll_at=timezone.now())
        report = services.watch_pass()
        assert report.failed_watches == 1
    watch.refresh_from_db()
    assert watch.failures == 2 and "HTTP 500" in watch.last_error and services.watch_is_failing(watch)

    assert notify.failing_watches_notify(now=timezone.now()) == 1
    assert notify.failing_watches_notify(now=timezone.now()) == 0  # once per failing spell
    [message] = mail.outbox
    assert message.to == ["alice@example.org"] and "Failing feed" in message.subject
    assert f"/admin/commitments/watch/{watch.id}/change/" in message.body


@pytest.mark.django_db
def test_watch_add_refuses_bad_input_with_field_messages():
    with pytest.raises(Exception) as error:
        services.watch_add(url="javascript:alert(1)", kind="rss", link_pattern="([")
    assert set(error.value.message_dict) == {"url", "kind", "link_pattern"}
    assert Watch.objects.count() == 0


@pytest.fixture
def filed(seed, origins, loopback_allowed) -> InboxItem:
    site = watch_site(origins, "w3")
    watch_all(site, "w3")
    watch_run()
    return InboxItem.objects.get(document__url__contains="/w3/news/a.html")


def test_the_inbox_api_is_for_staff_and_filters(filed, alice):
    anonymous = APIClient().get("/api/v1/inbox/")
    assert anonymous.status_code in (401, 403)
    client = APIClient()
    client.force_authenticate(alice)
    items = client.get("/api/v1/inbox/").json()["results"]
    assert len(items) == 3
    readout = next(i for i in items if i["id"] == filed.id)
    assert readout["canonical_url"].endswith("/w3/news/a.html") and readout["language"] == "en"
    assert readout["sets"][0]["announced_count"] == 3
    assert readout["matches"][0]["commitment"] == filed.matches[0]["commitment"] and readout["matches"][0]["score"] > 0
    assert [i["id"] for i in client.get("/api/v1/inbox/?has_sets=true").json()["results"]] == [filed.id]
    assert {i["id"] for i in client.get("/api/v1/inbox/?matched=true").json()["results"]} == {filed.id}
    assert [i["language"] for i in client.get("/api/v1/inbox/?language=ru").json()["results"]] == ["ru"]
    bad = client.get("/api/v1/inbox/?state=maybe&matched=perhaps")
    assert bad.status_code == 400 and "state" in bad.json()


def test_an_editor_proposes_a_status_from_the_inbox_and_nothing_is_public_until_reviewed(filed, alice, client):
    client.force_login(alice)
    page = client.get(reverse("admin:commitments_inboxitem_change", args=[filed.id]))
    assert page.status_code == 200
    assert b"Years of Scientific and Technological Innovation" in page.content
    commitment_id = filed.matches[0]["commitment"]
    decide = reverse("admin:commitments_inboxitem_decide", args=[filed.id])

    refused = client.post(decide, {"propose": "1", "action": "status", "commitment": commitment_id, "status": "in_progress",
                                   "stance": "supports", "rationale": ""})
    assert refused.status_code == 400 and b"rationale is required" in refused.content
    assert not StatusUpdate.objects.filter(commitment_id=commitment_id, author=alice).exists()

    done = client.post(decide, {"propose": "1", "action": "status", "commitment": commitment_id, "status": "in_progress",
                                "stance": "supports", "rationale": "The 2026 readout reports the projects continue."})
    assert done.status_code == 302
    update = StatusUpdate.objects.get(commitment_id=commitment_id, author=alice)
    assert update.review_state == ReviewState.PROPOSED
    assert update.evidence.get().url.endswith("/w3/news/a.html")
    assert Commitment.objects.get(id=commitment_id).status != "in_progress"  # not public before a Reviewer publishes it
    filed.refresh_from_db()
    assert filed.state == InboxState.ACCEPTED and f"#{update.id}" in filed.decision and filed.decided_by == alice
    public = client.get(f"/api/v1/status-changes/?commitment={commitment_id}")
    assert "The 2026 readout" not in public.content.decode()


def test_dismissing_needs_a_reason(filed, alice, client):
    client.force_login(alice)
    decide = reverse("admin:commitments_inboxitem_decide", args=[filed.id])
    assert client.post(decide, {"dismiss": "1", "reason": ""}).status_code == 400
    assert client.post(decide, {"dismiss": "1", "reason": "Covered by an earlier readout"}).status_code == 302
    filed.refresh_from_db()
    assert filed.state == InboxState.DISMISSED and "earlier readout" in filed.decision


def test_the_admin_home_counts_the_inbox_and_opted_in_staff_get_a_daily_mail(filed, alice, client):
    client.force_login(alice)
    home = client.get(reverse("admin:index")).content.decode()
    assert 'id="inbox-badge"' in home and "3 new documents from the watched sites" in home
    client.post(reverse("admin:commitments_inboxitem_mail"))
    assert InboxMailOptIn.objects.filter(user=alice).exists()

    now = timezone.now()
    assert notify.inbox_mail_send(now=now) == 1
    [message] = mail.outbox
    assert message.to == ["alice@example.org"] and "1 new document" in message.subject  # only the item with a set or a match
    assert f"/admin/commitments/inboxitem/{filed.id}/change/" in message.body
    assert notify.inbox_mail_send(now=now + timezone.timedelta(hours=2)) == 0  # at most daily


@pytest.mark.django_db
def test_matching_finds_the_point_a_text_reports_on_and_nothing_in_an_unrelated_text(seed):
    matcher = Matcher(targets_load())
    text = ("The SCO members reaffirmed that they firmly oppose vaccine nationalism and will work to bridge "
            "the global vaccine divide by solving the problem of vaccine production and distribution.")
    matches = matcher.matches(text, language="en")
    assert matches and "vaccine" in Commitment.objects.get(id=matches[0]["commitment"]).quote.lower()
    assert matcher.matches("The weather was fine and the football match ended 2-0 after extra time.", language="en") == []


def test_a_point_taken_in_from_the_document_is_linked_to_the_tracked_point_it_reports_on(filed, alice, client, make_statement, make_source):
    client.force_login(alice)
    decide = reverse("admin:commitments_inboxitem_decide", args=[filed.id])
    tracked = Commitment.objects.get(id=filed.matches[0]["commitment"])
    page = client.get(reverse("admin:commitments_inboxitem_change", args=[filed.id]))
    assert b'id="inbox-link"' not in page.content  # nothing taken in yet: nothing to link from

    taken = make_statement(points=3, source=make_source(url=filed.document.final_url))
    first = taken.commitments.get(ordinal=1)
    assert b'id="inbox-link"' in client.get(reverse("admin:commitments_inboxitem_change", args=[filed.id])).content
    refused = client.post(decide, {"link": "1", "from_commitment": first.id, "to_commitment": tracked.id, "kind": "supersedes",
                                   "rationale": "x"})
    assert refused.status_code == 400 and not CommitmentLink.objects.filter(from_commitment=first).exists()

    done = client.post(decide, {"link": "1", "from_commitment": first.id, "to_commitment": tracked.id, "kind": "reports_progress_on",
                                "rationale": "The 2026 readout says the projects continue."})
    assert done.status_code == 302
    assert not CommitmentLink.objects.filter(from_commitment=first).exists()  # proposed: public once a Reviewer publishes it
    filed.refresh_from_db()
    assert filed.state == InboxState.ACCEPTED and "Link proposed" in filed.decision and "reports progress on" in filed.decision
    publish(ChangeProposal.objects.get(kind="commitment-link"))
    link = CommitmentLink.objects.get(from_commitment=first)
    assert (link.from_commitment, link.to_commitment, link.kind) == (first, tracked, "reports_progress_on")
    assert link.source.url == filed.document.final_url


def test_evidence_attached_from_the_inbox_waits_for_a_reviewer(filed, alice, client):
    client.force_login(alice)
    commitment_id = filed.matches[0]["commitment"]
    done = client.post(reverse("admin:commitments_inboxitem_decide", args=[filed.id]),
                       {"propose": "1", "action": "evidence", "commitment": commitment_id, "status": "", "stance": "supports"})
    assert done.status_code == 302
    evidence = Evidence.objects.get(url=filed.document.final_url)
    assert evidence.published_at is None and evidence.revisions.get().review_state == ReviewState.PROPOSED
    assert not Evidence.objects.filter(url=filed.document.final_url, commitments=commitment_id).exists()  # linked once published
    public = APIClient().get("/api/v1/evidence/").content.decode()
    assert filed.document.final_url not in public
    filed.refresh_from_db()
    assert filed.state == InboxState.ACCEPTED and f"evidence #{evidence.id}" in filed.decision
