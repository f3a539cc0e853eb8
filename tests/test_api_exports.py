"""Exports: the Atom feed of status changes and ClaimReview JSON-LD."""

from datetime import date
from xml.etree import ElementTree

import pytest

from commitments.api.pagination import FeedCursorPagination
from commitments.models import Status, Verdict
from commitments.services import verdict_update_record
from tests.api_support import record_status
from tests.review_support import publish

pytest_plugins = ["tests.api_support"]  # the api client and no-throttling fixtures

ATOM = "{http://www.w3.org/2005/Atom}"


def _entries(response) -> list[str]:
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    feed = ElementTree.fromstring(response.content)  # noqa: S314 (our own response)
    return [entry.find(f"{ATOM}title").text for entry in feed.findall(f"{ATOM}entry")]


def test_the_feed_lists_status_changes_newest_first_and_filters(api, make_statement, make_party, alice):
    canada = make_party(slug="canada")
    statement = make_statement(points=2, slug="g7", title="G7 2021")
    a1, a2 = statement.commitments.order_by("ordinal")
    a2.parties.add(canada)
    record_status(a1, alice, Status.NOT_STARTED, date(2021, 1, 1))
    record_status(a2, alice, Status.IN_PROGRESS, date(2021, 2, 1), rationale="Budget passed.")
    assert _entries(api.get("/api/v1/feeds/status-changes.atom")) == ["G7 2021 2: In progress", "G7 2021 1: Not started"]
    assert _entries(api.get("/api/v1/feeds/status-changes.atom?status=not_started")) == ["G7 2021 1: Not started"]
    assert _entries(api.get("/api/v1/feeds/status-changes.atom?responsible_party=canada")) == ["G7 2021 2: In progress"]
    statement.parties.add(canada)
    assert _entries(api.get("/api/v1/feeds/status-changes.atom?bound_party=canada")) == ["G7 2021 2: In progress", "G7 2021 1: Not started"]
    assert api.get("/api/v1/feeds/status-changes.atom?statement=other").status_code == 400  # no such statement
    body = api.get("/api/v1/feeds/status-changes.atom").content.decode()
    assert "Budget passed." in body and f"<link href=\"http://testserver{a2.get_absolute_url()}\"" in body  # the public page


def test_a_claim_without_a_verdict_has_no_claimreview(api, claim):
    assert api.get(f"/api/v1/claims/{claim.pk}/claimreview.json").status_code == 404
    assert api.get(f"/api/v1/claims/{claim.pk}/").json()["claimreview"] is None


def test_a_checked_claim_has_a_claimreview(api, claim, alice, settings):
    settings.TRACKER_API_ORGANISATION = "Policy Desk"
    claim.source.url = "https://www.example.org/statement"
    claim.source.save()
    publish(verdict_update_record(claim=claim, verdict=Verdict.MISLEADING, rationale="Counts restarted projects only.", author=alice))
    response = api.get(f"/api/v1/claims/{claim.pk}/claimreview.json")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/ld+json")
    review = response.json()
    assert review["@context"] == "https://schema.org" and review["@type"] == "ClaimReview"
    assert review["claimReviewed"] == claim.quote
    assert review["reviewRating"] == {"@type": "Rating", "ratingValue": 2, "bestRating": 5, "worstRating": 1, "alternateName": "Misleading"}
    assert review["author"]["@type"] == "Organization" and review["author"]["name"] == "Policy Desk"
    assert review["itemReviewed"]["@type"] == "Claim"
    assert review["itemReviewed"]["author"] == {"@type": "Person", "name": "Wang Yi"}
    assert review["itemReviewed"]["appearance"]["url"] == "https://www.example.org/statement"
    assert review["datePublished"] == claim.verdict_updates.get().published_at.date().isoformat()
    assert review["url"] == f"http://testserver/claims/{claim.pk}/"  # the claim's public page
    assert api.get(f"/api/v1/claims/{claim.pk}/").json()["claimreview"].endswith(f"/api/v1/claims/{claim.pk}/claimreview.json")


@pytest.mark.parametrize(("verdict", "value"), [
    (Verdict.FALSE, 1), (Verdict.MISLEADING, 2), (Verdict.UNVERIFIABLE, 3), (Verdict.MOSTLY_ACCURATE, 4), (Verdict.ACCURATE, 5),
])
def test_every_verdict_has_a_rating_value_and_its_name(api, claim, alice, verdict, value):
    publish(verdict_update_record(claim=claim, verdict=verdict, rationale="Checked.", author=alice))
    rating = api.get(f"/api/v1/claims/{claim.pk}/claimreview.json").json()["reviewRating"]
    assert rating["ratingValue"] == value and rating["alternateName"] == Verdict(verdict).label


def test_the_claims_first_appearance_is_its_source(api, claim, alice):
    claim.source.url = "https://www.example.org/statement"
    claim.source.save()
    publish(verdict_update_record(claim=claim, verdict=Verdict.FALSE, rationale="Checked.", author=alice))
    reviewed = api.get(f"/api/v1/claims/{claim.pk}/claimreview.json").json()["itemReviewed"]
    first = reviewed["firstAppearance"]
    assert first["@type"] == "CreativeWork" and first["url"] == "https://www.example.org/statement"
    assert first["headline"] == claim.source.title


def _feed(response) -> ElementTree.Element:
    assert response.status_code == 200
    return ElementTree.fromstring(response.content)  # noqa: S314 (our own response)


def _link(feed: ElementTree.Element, rel: str) -> str | None:
    found = [link.get("href") for link in feed.findall(f"{ATOM}link") if link.get("rel") == rel]
    return found[0] if found else None


def test_the_feed_is_paged_with_rfc5005_next_links_to_the_very_first_change(api, make_statement, alice, monkeypatch, settings):
    monkeypatch.setattr(FeedCursorPagination, "page_size", 2)
    statement = make_statement(points=5, title="G7")
    for commitment in statement.commitments.order_by("ordinal"):
        record_status(commitment, alice, Status.IN_PROGRESS, date(2021, 1, 1))
    titles, url, pages = [], "/api/v1/feeds/status-changes.atom?statement=" + statement.slug, 0
    while url:
        feed = _feed(api.get(url))
        titles += [entry.find(f"{ATOM}title").text for entry in feed.findall(f"{ATOM}entry")]
        assert _link(feed, "first").endswith(f"/api/v1/feeds/status-changes.atom?statement={statement.slug}")
        url, pages = _link(feed, "next"), pages + 1
        url = url and url.removeprefix("http://testserver")
    assert pages == 3 and titles == [f"G7 {n}: In progress" for n in (5, 4, 3, 2, 1)]
