"""The corrections log (issue 19 item 6): /corrections/ and /api/v1/corrections/ list every published change
to a quote, status, verdict or piece of evidence readers had already seen, with when, from -> to, and why.

alice (Editor) proposes, dave (Reviewer) publishes. What alice proposes and nobody published shows nowhere.
"""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commitments.models import Stance, Status
from commitments.proposals import rendering_propose
from commitments.services import NewEvidence, evidence_revise, status_update_record, verdict_update_record
from tests.review_support import publish, reviewer_user

pytest_plugins = ["tests.api_support"]
pytestmark = pytest.mark.django_db

MARCH = datetime(2024, 3, 4, 9, tzinfo=UTC)
SECOND_WORDING = "Second, they will set an exemplar."


@pytest.fixture
def dave(db):
    return reviewer_user("dave")


def at(days: int):
    return time_machine.travel(MARCH + timedelta(days=days), tick=False)


def build(commitment, claim, alice, dave, *, tag: str = "") -> dict:
    """One correction of each kind on `commitment` and `claim`, beside changes that are not corrections."""
    with at(0):  # first status and verdict, with new evidence: news, not corrections
        first = publish(status_update_record(commitment=commitment, status=Status.IN_PROGRESS, effective_on=date(2024, 3, 1),
                                             rationale="Talks opened.", author=alice,
                                             new_evidence=[NewEvidence(url="https://news.example.org/a", title=f"Talks open{tag}")]))
        publish(verdict_update_record(claim=claim, verdict="accurate", rationale="Figures match.", author=alice))
    evidence = first.evidence.get()
    with at(1):  # a status on a new date: a new fact, not a correction
        publish(status_update_record(commitment=commitment, status=Status.PARTIALLY_FULFILLED, effective_on=date(2024, 3, 2),
                                     rationale="First projects done.", author=alice, evidence=[evidence]))
    with at(2):  # the corrections
        publish(status_update_record(commitment=commitment, status=Status.STALLED, effective_on=date(2024, 3, 2),
                                     rationale="The projects were suspended, not done <b>really</b>.", author=alice))
        publish(verdict_update_record(claim=claim, verdict="misleading", rationale="The 90% counts only large projects.", author=alice))
        publish(evidence_revise(evidence=evidence, author=alice, data={"stance": Stance.CONTRADICTS, "title": f"Talks stall{tag}"},
                                reason="The report says the <script>talks</script> stalled."))
        publish(rendering_propose(target=commitment, source=commitment.source, text=SECOND_WORDING, author=alice, is_primary=True),
                now=None)
    with at(3):  # proposed, never published: shows nowhere
        status_update_record(commitment=commitment, status=Status.NOT_STARTED, effective_on=date(2024, 3, 2), rationale="Unpublished.",
                             author=alice)
        evidence_revise(evidence=evidence, author=alice, data={"title": "Unpublished title"}, reason="Unpublished.")
    return {"evidence": evidence}


def test_it_lists_each_kind_of_correction_with_from_to_and_reason(client, commitment, claim, alice, dave):
    build(commitment, claim, alice, dave)
    page = client.get("/corrections/").content.decode()
    api = client.get("/api/v1/corrections/").json()
    assert api["count"] == 4
    by_kind = {row["kind"]: row for row in api["results"]}
    assert [(c["field"], c["before"], c["after"]) for c in by_kind["status"]["changes"]] == [
        ("status on 2 Mar 2024", "Partially fulfilled", "Stalled")]
    assert by_kind["status"]["reason"] == "The projects were suspended, not done <b>really</b>."
    assert [(c["before"], c["after"]) for c in by_kind["verdict"]["changes"]] == [("Accurate", "Misleading")]
    assert {(c["field"], c["before"], c["after"]) for c in by_kind["evidence"]["changes"]} == {
        ("stance", "Supports", "Contradicts"), ("title", "Talks open", "Talks stall")}
    assert by_kind["evidence"]["reason"] == "The report says the <script>talks</script> stalled."
    assert [(c["before"], c["after"]) for c in by_kind["quote"]["changes"]] == [
        ("China and Russia will strengthen cooperation in four areas.", SECOND_WORDING)]
    assert all(row["reviewed"] for row in api["results"])
    assert by_kind["status"]["url"] == f"http://testserver{commitment.get_absolute_url()}"
    assert by_kind["verdict"]["url"] == f"http://testserver{claim.get_absolute_url()}"
    assert by_kind["evidence"]["url"] == f"http://testserver{commitment.get_absolute_url()}"
    # On the page: every correction, escaped; nothing unpublished; the first status and verdict are not corrections.
    assert page.count('<li id="correction-') == 4
    assert "&lt;script&gt;talks&lt;/script&gt;" in page and "<script>talks" not in page
    assert "not done &lt;b&gt;really&lt;/b&gt;" in page
    assert "Unpublished" not in page and "Unpublished" not in str(api)
    assert "Talks opened." not in page and "Figures match." not in page


def test_it_is_linked_from_every_pages_footer_and_the_methodology(client, commitment):
    for url in ("/", "/methodology/", "/subscribe/", commitment.get_absolute_url()):
        assert 'href="/corrections/"' in client.get(url).content.decode(), url


def test_it_filters_by_the_day_published_and_refuses_bad_dates(client, commitment, claim, alice, dave):
    build(commitment, claim, alice, dave)
    assert client.get("/api/v1/corrections/?since=2024-03-06").json()["count"] == 4  # published 6 March (MARCH + 2 days)
    assert client.get("/api/v1/corrections/?since=2024-03-07").json()["count"] == 0
    assert client.get("/api/v1/corrections/?until=2024-03-05").json()["count"] == 0
    assert client.get("/api/v1/corrections/?since=2024-03-06&until=2024-03-06").json()["count"] == 4
    bad = client.get("/api/v1/corrections/?since=March")
    assert bad.status_code == 400 and "since" in bad.json()
    backwards = client.get("/api/v1/corrections/?since=2024-03-07&until=2024-03-01")
    assert backwards.status_code == 400 and "until" in backwards.json()
    page = client.get("/corrections/?since=2024-03-07&until=2024-03-01").content.decode()
    assert "The end comes before the start." in page
    assert client.get("/corrections/?until=2024-03-05").content.decode().count('<li id="correction-') == 0


def test_it_pages_newest_first(client, commitment, claim, alice, dave):
    build(commitment, claim, alice, dave)
    first = client.get("/api/v1/corrections/?page_size=3").json()
    second = client.get(first["next"]).json()
    rows = first["results"] + second["results"]
    assert len(first["results"]) == 3 and len(second["results"]) == 1 and second["next"] is None
    assert [row["published_at"] for row in rows] == sorted((row["published_at"] for row in rows), reverse=True)


def test_an_editors_correction_is_nowhere_until_a_reviewer_publishes_it(client, commitment, claim, alice, dave):
    with at(0):
        publish(verdict_update_record(claim=claim, verdict="accurate", rationale="Figures match.", author=alice))
    with at(1):
        proposed = verdict_update_record(claim=claim, verdict="false", rationale="Wrong figure.", author=alice)
    assert client.get("/api/v1/corrections/").json()["count"] == 0
    assert "Wrong figure." not in client.get("/corrections/").content.decode()
    publish(proposed)
    assert [row["reason"] for row in client.get("/api/v1/corrections/").json()["results"]] == ["Wrong figure."]


def test_with_review_off_it_says_a_correction_was_not_reviewed(client, commitment, claim, alice, settings):
    settings.TRACKER_REVIEW_REQUIRED = False
    verdict_update_record(claim=claim, verdict="accurate", rationale="Figures match.", author=alice)
    verdict_update_record(claim=claim, verdict="false", rationale="Wrong figure.", author=alice)
    assert [row["reviewed"] for row in client.get("/api/v1/corrections/").json()["results"]] == [False]
    assert "without review" in client.get("/corrections/").content.decode()


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_its_query_count_does_not_grow_with_the_corrections(client, make_statement, alice, dave):
    """A page of 4 corrections and one of 20 cost the same queries (pinned: 10 each, page and API)."""
    from commitments.renderings import claim_create

    def one_more(n: int) -> None:
        point = make_statement(points=1).commitments.get()
        claim = claim_create(statement=point.statement, source=point.source, title=f"Claim {n}",
                             quote="The resumption rate of cooperation projects has reached about 90%.")
        build(point, claim, alice, dave, tag=f" {n}")

    one_more(0)
    small = (queries(client, "/corrections/"), queries(client, "/api/v1/corrections/"))
    for n in range(1, 5):
        one_more(n)
    assert client.get("/api/v1/corrections/").json()["count"] == 20
    assert (queries(client, "/corrections/"), queries(client, "/api/v1/corrections/")) == small == (10, 10)


@pytest.mark.django_db(transaction=True)
def test_the_page_at_phone_and_desktop_widths(live_server, make_statement, alice):
    """No sideways scrolling at 375 px, one h1, every correction readable (TRACKER_SCREENSHOTS saves corrections-*.png)."""
    import os

    from commitments.renderings import claim_create
    from tests.cdp import Browser

    point = make_statement(points=1).commitments.get()
    claim = claim_create(statement=point.statement, source=point.source, title="Resumption rate about 90%",
                         quote="The resumption rate of cooperation projects has reached about 90%.")
    build(point, claim, alice, reviewer_user("dave"))
    browser = Browser()
    try:
        for label, width in {"phone": 375, "desktop": 1280}.items():
            browser.resize(width=width)
            browser.go(live_server.url + "/corrections/")
            assert browser.js("document.documentElement.scrollWidth - window.innerWidth") <= 0, label
            assert browser.js("document.querySelectorAll('ol.corrections > li').length") == 4
            assert browser.js("document.querySelectorAll('h1').length") == 1
            if folder := os.environ.get("TRACKER_SCREENSHOTS"):
                browser.screenshot(os.path.join(folder, f"corrections-{label}.png"), full_page=True)
    finally:
        browser.close()
