"""Reading the API: every list, its filters, search, ordering, sync and conditional requests."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from commitments.api.serializers import CommitmentSerializer
from commitments.models import Claim, Commitment, PartyAssessment, Status, Verdict
from commitments.services import assessment_record, verdict_update_record
from tests.api_support import ids, record_status, results
from tests.review_support import attach_published, publish

pytest_plugins = ["tests.api_support"]  # the api client and no-throttling fixtures


@pytest.fixture
def two_statements(make_statement, make_party, theme, make_evidence, alice):
    """Statement A (3 points, one with a deliverable) and statement B (2 points)."""
    canada, japan = make_party(slug="canada", name="Canada"), make_party(slug="japan", name="Japan")
    a, b = make_statement(points=3, slug="g7-2021"), make_statement(points=2, slug="g7-2022")
    a1, a2, a3 = a.commitments.order_by("ordinal")
    deliverable = Commitment.objects.create(statement=a, parent=a1, ordinal=1, title="Vaccine doses", source=a1.source, quote=a1.quote)
    a1.parties.add(canada, japan)
    a2.parties.add(japan)
    a1.themes.add(theme)
    b.parties.add(canada)  # statement B binds Canada; A binds nobody named here
    a2.target_date, a3.target_date = date(2022, 1, 1), date(2025, 1, 1)
    a2.save()
    a3.save()
    record_status(a2, alice, Status.IN_PROGRESS, date(2021, 7, 1))
    attach_published(evidence=make_evidence(), commitments=[a3])
    return {"a": a, "b": b, "a1": a1, "a2": a2, "a3": a3, "deliverable": deliverable, "canada": canada, "japan": japan}


def test_it_lists_commitments_with_what_a_dashboard_shows(api, two_statements, make_evidence):
    a1, deliverable = two_statements["a1"], two_statements["deliverable"]
    older = make_evidence(title="Older report")
    attach_published(evidence=make_evidence(title="Newest report"), commitments=[a1])
    attach_published(evidence=older, commitments=[a1])  # linked last, but recorded first
    rows = {row["id"]: row for row in results(api.get("/api/v1/commitments/"))}
    row = rows[a1.pk]
    assert row["number"] == "1" and rows[deliverable.pk]["number"] == "1.1"
    assert row["deliverables"] == [deliverable.pk] and rows[deliverable.pk]["parent"] == a1.pk
    assert row["statement"] == {"id": two_statements["a"].pk, "slug": "g7-2021", "title": two_statements["a"].title}
    assert sorted(row["parties"]) == ["canada", "japan"] and row["themes"] == ["health"]
    assert row["evidence_count"] == 2 and row["latest_evidence"]["title"] == "Newest report"
    assert rows[two_statements["a2"].pk]["status"] == "in_progress"
    assert rows[two_statements["a2"].pk]["status_since"] == "2021-07-01"
    assert set(row) == set(CommitmentSerializer().fields), "the hand-written output must match the documented fields"


@pytest.mark.parametrize(("query", "expected"), [
    ("status=in_progress", ["a2"]),
    ("status=in_progress&status=not_yet_rated&statement=g7-2021&level=points", ["a1", "a2", "a3"]),
    ("statement=g7-2022", ["b1", "b2"]),
    ("responsible_party=japan", ["a1", "a2"]),
    ("responsible_party=canada", ["a1"]),
    ("bound_party=canada", ["b1", "b2"]),
    ("party=canada", ["b1", "b2"]),  # the old name means bound_party
    ("bound_party=japan", []),
    ("theme=health", ["a1", "deliverable"]),  # a deliverable has its point's themes (commitments.themes)
    ("has_evidence=true", ["a3"]),
    ("target_before=2023-01-01", ["a2"]),
    ("target_after=2023-01-01", ["a3"]),
    ("level=deliverables", ["deliverable"]),
    ("search=Vaccine", ["deliverable"]),
])
def test_it_filters_commitments(api, two_statements, query, expected):
    named = {**two_statements, "b1": two_statements["b"].commitments.get(ordinal=1), "b2": two_statements["b"].commitments.get(ordinal=2)}
    assert sorted(ids(api.get(f"/api/v1/commitments/?{query}"))) == sorted(named[name].pk for name in expected)


def test_it_filters_by_id_as_well_as_slug(api, two_statements):
    japan = two_statements["japan"]
    by_slug = ids(api.get("/api/v1/commitments/?responsible_party=japan"))
    assert sorted(by_slug) == sorted([two_statements["a1"].pk, two_statements["a2"].pk])  # not two empty lists
    assert ids(api.get(f"/api/v1/commitments/?responsible_party={japan.pk}")) == by_slug


def test_it_refuses_an_unknown_status(api, two_statements):
    response = api.get("/api/v1/commitments/?status=done")
    assert response.status_code == 400 and "status" in response.json()


def test_it_orders_and_pages(api, two_statements):
    every = ids(api.get("/api/v1/commitments/?ordering=-id"))
    assert every == sorted(every, reverse=True)
    first = api.get("/api/v1/commitments/?page_size=2").json()
    assert first["count"] == 6 and len(first["results"]) == 2 and "page=2" in first["next"]


def test_it_syncs_incrementally_with_a_cursor(api, two_statements, alice):
    since = timezone.now()
    record_status(two_statements["a1"], alice, Status.NOT_STARTED, date(2021, 8, 1))
    record_status(two_statements["a3"], alice, Status.NOT_STARTED, date(2021, 8, 1))
    page = api.get("/api/v1/commitments/", {"updated_since": since.isoformat(), "page_size": 1}).json()
    assert [row["id"] for row in page["results"]] == [two_statements["a1"].pk]
    assert "cursor=" in page["next"]
    second = api.get(page["next"]).json()
    assert [row["id"] for row in second["results"]] == [two_statements["a3"].pk] and second["next"] is None


def test_it_answers_304_to_a_current_etag_and_not_after_a_change(api, two_statements, alice):
    first = api.get("/api/v1/commitments/?statement=g7-2021")
    etag = first["ETag"]
    assert first["Last-Modified"]
    assert api.get("/api/v1/commitments/?statement=g7-2021", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert api.get("/api/v1/commitments/?statement=g7-2022", HTTP_IF_NONE_MATCH=etag).status_code == 200
    record_status(two_statements["a1"], alice, Status.NOT_STARTED, date(2021, 8, 1))
    assert api.get("/api/v1/commitments/?statement=g7-2021", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_it_answers_304_to_if_modified_since_on_a_detail(api, two_statements):
    url = f"/api/v1/commitments/{two_statements['a1'].pk}/"
    first = api.get(url)
    assert first.status_code == 200 and first.json()["id"] == two_statements["a1"].pk
    assert api.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    assert api.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    old = (timezone.now() - timedelta(days=1)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert api.get(url, HTTP_IF_MODIFIED_SINCE=old).status_code == 200


def test_lists_without_timestamps_answer_304_from_their_content(api, two_statements):
    first = api.get("/api/v1/parties/")
    assert api.get("/api/v1/parties/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    two_statements["canada"].name = "Kanada"
    two_statements["canada"].save()
    assert api.get("/api/v1/parties/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_it_lists_statements_parties_themes_and_sources(api, two_statements):
    statements = results(api.get("/api/v1/statements/?ordering=id"))
    assert [s["slug"] for s in statements] == ["g7-2021", "g7-2022"] and statements[0]["commitment_count"] == 3
    assert [p["slug"] for p in results(api.get("/api/v1/parties/?statement=g7-2021"))] == []
    two_statements["a"].parties.add(two_statements["canada"])
    assert [p["slug"] for p in results(api.get("/api/v1/parties/?statement=g7-2021"))] == ["canada"]
    assert [t["slug"] for t in results(api.get("/api/v1/themes/"))] == ["health"]
    sources = results(api.get("/api/v1/sources/?statement=g7-2021"))
    assert len(sources) == 1 and sources[0]["latest_check"] is None and "full_text" not in sources[0]


def test_it_lists_claims_evidence_and_assessments(api, two_statements, claim, alice, make_evidence):
    publish(verdict_update_record(claim=claim, verdict=Verdict.MISLEADING, rationale="Counts restarts only.", author=alice))
    assert ids(api.get("/api/v1/claims/?verdict=misleading")) == [claim.pk]
    assert ids(api.get("/api/v1/claims/?verdict=accurate")) == []
    a1 = two_statements["a1"]
    publish(assessment_record(commitment=a1, party=two_statements["canada"], score=1, assessed_on=date(2022, 5, 1), rationale="Done.", author=alice))
    assert [row["party"] for row in results(api.get("/api/v1/assessments/?statement=g7-2021"))] == ["canada"]
    assert results(api.get("/api/v1/assessments/?party=japan")) == []
    evidence = make_evidence(title="Budget line")
    attach_published(evidence=evidence, commitments=[a1])
    assert ids(api.get(f"/api/v1/evidence/?commitment={a1.pk}")) == [evidence.pk]
    assert evidence.pk in ids(api.get("/api/v1/evidence/?statement=g7-2021&search=Budget"))
    assert ids(api.get("/api/v1/evidence/?statement=g7-2022")) == []


def test_the_status_history_is_newest_first(api, two_statements, alice):
    a1 = two_statements["a1"]
    record_status(a1, alice, Status.NOT_STARTED, date(2021, 1, 1))
    record_status(a1, alice, Status.IN_PROGRESS, date(2021, 6, 1))
    history = api.get(f"/api/v1/commitments/{a1.pk}/history/").json()
    assert [h["status"] for h in history] == ["in_progress", "not_started"]
    assert "author" not in history[0]


def test_no_email_address_appears_anywhere(api, two_statements, claim, alice):
    publish(verdict_update_record(claim=claim, verdict=Verdict.FALSE, rationale="No.", author=alice))
    for url in ["commitments", "statements", "claims", "evidence", "assessments", "sources", f"commitments/{two_statements['a2'].pk}/history",
                f"claims/{claim.pk}/verdicts"]:
        body = api.get(f"/api/v1/{url}/").content.decode()
        assert "@example.org" not in body and "alice" not in body


def test_anonymous_reading_can_be_turned_off(api, two_statements, settings, bob):
    settings.TRACKER_API_ANONYMOUS_READ = False
    assert api.get("/api/v1/commitments/").status_code in (401, 403)
    api.force_authenticate(bob)
    assert api.get("/api/v1/commitments/").status_code == 200


def test_anonymous_clients_are_throttled(api, settings, db):
    settings.TRACKER_API_THROTTLE_ANON = "2/minute"
    from django.core.cache import cache

    cache.clear()
    codes = [api.get("/api/v1/themes/").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    cache.clear()


def test_csv_exports_every_matching_row_with_the_same_filters(api, two_statements):
    response = api.get("/api/v1/commitments/?format=csv&statement=g7-2021&page_size=1&ordering=id")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("id,url,api_url,number,ordinal,title,quote,statement.id,statement.slug")
    assert len(lines) == 1 + 4  # three points and a deliverable: no paging in an export
    first = dict(zip(lines[0].split(","), lines[1].split(","), strict=False))
    assert first["id"] == str(two_statements["a1"].pk) and first["parties"] in ("canada; japan", "japan; canada")


@pytest.mark.parametrize("url", ["statements", "claims", "evidence", "parties", "themes", "sources", "assessments"])
def test_every_list_exports_csv(api, two_statements, url):
    response = api.get(f"/api/v1/{url}/?format=csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response.content.decode().splitlines()[0].startswith("id,")


def test_claims_default_to_unchecked(claim):
    assert Claim.objects.get(pk=claim.pk).verdict == Verdict.NOT_CHECKED and PartyAssessment.objects.count() == 0
