"""One meaning per name in the API (issue 19 item 7): fields named for what they mean, an unknown name in any filter is
a 400, a deliverable has its point's themes everywhere, anonymous writes are 401s, the root lists every endpoint family."""

import re
import uuid
from datetime import date

import pytest
from django.urls import URLPattern
from django.utils import timezone

from commitments.api import urls as api_urls
from commitments.models import Commitment, Status
from commitments.models.watch import Watch
from commitments.services import assessment_record
from tests.api_support import client_for, ids, record_status, results
from tests.review_support import attach_published, publish

pytest_plugins = ["tests.api_support"]  # the api client and no-throttling fixtures


@pytest.fixture
def inherited(make_statement, make_party, theme, make_evidence, alice):
    """A point with theme "health" and a deliverable with no theme of its own, with a published change, evidence and score."""
    statement = make_statement(points=2, slug="g7-2021")
    point, other = statement.commitments.order_by("ordinal")
    point.themes.add(theme)
    deliverable = Commitment.objects.create(statement=statement, parent=point, ordinal=1, title="Doses", source=point.source, quote=point.quote)
    canada = make_party(slug="canada", name="Canada")
    deliverable.parties.add(canada)
    statement.parties.add(canada)
    record_status(deliverable, alice, Status.IN_PROGRESS, date(2021, 7, 1))
    record_status(other, alice, Status.STALLED, date(2021, 7, 1))
    attach_published(evidence=make_evidence(title="Doses shipped"), commitments=[deliverable])
    publish(assessment_record(commitment=deliverable, party=canada, score=1, assessed_on=date(2021, 8, 1), rationale="r", author=alice))
    return {"statement": statement, "point": point, "other": other, "deliverable": deliverable, "theme": theme, "canada": canada}


# --- 1. Fields named for what they mean -------------------------------------------------------------------------


def test_commitments_and_claims_name_their_responsible_parties(api, commitment, claim, make_party):
    japan = make_party(slug="japan", name="Japan")
    commitment.parties.add(japan)
    claim.parties.add(japan)
    row = api.get(f"/api/v1/commitments/{commitment.pk}/").json()
    assert row["responsible_parties"] == ["japan"] and row["parties"] == ["japan"]  # the old name, deprecated
    assert [r["responsible_parties"] for r in results(api.get("/api/v1/commitments/")) if r["id"] == commitment.pk] == [["japan"]]
    assert api.get(f"/api/v1/claims/{claim.pk}/").json()["responsible_parties"] == ["japan"]
    assert "bound_parties" in api.get(f"/api/v1/statements/{commitment.statement_id}/").json()


def test_the_schema_describes_the_names_and_marks_the_old_one_deprecated(api, db):
    components = api.get("/api/schema/?format=json").json()["components"]["schemas"]
    for name in ("Commitment", "Claim"):
        fields = components[name]["properties"]
        assert "responsible_party" in fields["responsible_parties"]["description"]
        assert fields["parties"]["deprecated"] is True and "responsible_parties" in fields["parties"]["description"]
    assert "bound_party" in components["Statement"]["properties"]["bound_parties"]["description"]


# --- 2. An unknown name in any filter is a 400 naming the filter ------------------------------------------------

NAMED_FILTERS = {
    "/api/v1/commitments/": ["statement", "bound_party", "responsible_party", "party", "theme", "parent"],
    "/api/v1/statements/": ["bound_party", "party", "announcing_party", "theme"],
    "/api/v1/claims/": ["statement", "bound_party", "responsible_party", "party", "theme", "source"],
    "/api/v1/evidence/": ["commitment", "claim", "statement", "bound_party", "responsible_party", "party", "theme"],
    "/api/v1/parties/": ["statement"],
    "/api/v1/sources/": ["statement"],
    "/api/v1/assessments/": ["commitment", "statement", "party", "theme"],
    "/api/v1/status-changes/": ["statement", "bound_party", "responsible_party", "party", "theme"],
    "/api/v1/feeds/status-changes.atom": ["statement", "bound_party", "responsible_party", "party", "theme"],
    "/api/v1/stats/": ["statement", "bound_party", "responsible_party", "party", "theme", "parent"],
    "/api/v1/stats/status-over-time/": ["statement", "bound_party", "responsible_party", "theme"],
    "/api/v1/stats/compliance/": ["statement", "bound_party", "responsible_party", "theme"],
    "/api/v1/search/?q=vaccine&": ["party", "theme", "statement"],
}
STAFF_FILTERS = {"/api/v1/inbox/": ["watch"], "/api/v1/review/proposals/": ["statement", "proposer", "kind"], "/api/v1/audit/": ["model"]}
CASES = [(url, name) for table in (NAMED_FILTERS, STAFF_FILTERS) for url, names in table.items() for name in names]


def _with(url: str, query: str) -> str:
    return f"{url}{query}" if url.endswith("&") else f"{url}?{query}"


@pytest.mark.parametrize(("url", "name"), CASES)
def test_a_name_no_row_has_is_a_400_naming_the_filter(url, name, api, inherited, bob):
    client = client_for(bob) if url in STAFF_FILTERS else api  # bob is staff
    unknown = "987654321" if name in ("parent", "commitment", "claim", "watch", "proposer") else "nowhere"
    response = client.get(_with(url, f"{name}={unknown}"))
    assert response.status_code == 400, response.content
    body = response.content.decode()
    assert name in body and unknown in body, body  # the filter and the value it did not know


@pytest.mark.parametrize(("url", "name"), [case for case in CASES if case[1] in ("statement", "theme", "party", "bound_party")])
def test_a_name_a_row_has_still_filters(url, name, api, inherited, bob):
    client = client_for(bob) if url in STAFF_FILTERS else api
    known = {"statement": "g7-2021", "theme": "health", "party": "canada", "bound_party": "canada"}[name]
    assert client.get(_with(url, f"{name}={known}")).status_code == 200


def test_an_unknown_watch_id_in_the_inbox_is_a_400_but_a_known_one_filters(bob, db):
    watch = Watch.objects.create(name="MFA", url="https://www.example.org/news/", kind="feed", next_poll_at=timezone.now())
    assert client_for(bob).get(f"/api/v1/inbox/?watch={watch.pk}").status_code == 200
    assert client_for(bob).get(f"/api/v1/inbox/?watch={watch.pk + 1}").status_code == 400


# --- 3. A deliverable has its point's themes: the API, the stats and the site agree ------------------------------


def test_a_deliverable_is_under_its_points_theme_in_every_theme_filter(api, inherited):
    deliverable, point = inherited["deliverable"], inherited["point"]
    assert sorted(ids(api.get("/api/v1/commitments/?theme=health"))) == sorted([point.pk, deliverable.pk])
    assert [row["commitment"]["id"] for row in results(api.get("/api/v1/status-changes/?theme=health"))] == [deliverable.pk]
    assert [row["commitments"] for row in results(api.get("/api/v1/evidence/?theme=health"))] == [[deliverable.pk]]
    assert [row["commitment"] for row in results(api.get("/api/v1/assessments/?theme=health"))] == [deliverable.pk]


def test_the_by_theme_stats_count_the_deliverable_as_the_filter_does(api, inherited):
    by_theme = {group["slug"]: group for group in api.get("/api/v1/stats/").json()["by_theme"]}
    filtered = api.get("/api/v1/commitments/?theme=health").json()["count"]
    assert by_theme["health"]["total"] == filtered == 2
    assert by_theme["health"]["by_status"]["in_progress"] == 1  # the deliverable
    rows = api.get("/api/v1/stats/?format=csv").content.decode().splitlines()
    assert any(row.startswith("theme,") and ",health,Health,2," in row for row in rows), rows


def test_the_site_agrees_with_the_api_on_a_deliverables_theme(client, api, inherited):
    page = client.get("/changes/?theme=health").content.decode()
    assert "Doses" in page  # the deliverable's change, listed under its point's theme
    assert api.get("/api/v1/status-changes/?theme=health").json()["results"][0]["commitment"]["title"] == "Doses"
    found = api.get("/api/v1/search/?q=Doses&theme=health").json()["results"]
    assert any(hit["title"].endswith("Doses") or "Doses" in hit["title"] for hit in found), found


# --- 5. Anonymous writes are 401s, on every route -------------------------------------------------------------

WRITES = ("post", "put", "patch", "delete")
OPEN_TO_ANONYMOUS = {"subscriptions/"}  # subscribing needs no account (double opt-in by e-mail)
VALUES = {"pk": "1", "kind": "status", "job_id": str(uuid.UUID(int=1))}


def _concrete(route: str) -> str:
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: VALUES[m[1]], route)  # the router's regex groups
    route = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: VALUES[m[1]], route)  # path converters
    return "/api/v1/" + route.strip("^$").replace("\\", "")


ROUTES = [str(p.pattern) for p in api_urls.urlpatterns if isinstance(p, URLPattern) and "format" not in str(p.pattern)]


@pytest.mark.parametrize("route", [route for route in ROUTES if route not in OPEN_TO_ANONYMOUS])
def test_every_write_by_an_anonymous_client_is_a_401(route, api, commitment):
    for method in WRITES:
        response = getattr(api, method)(_concrete(route), {}, format="json")
        assert response.status_code == 401, (method, route, response.status_code)
        assert response["WWW-Authenticate"] == "Token"


def test_the_routes_table_covers_the_writes_we_know(db):
    writes = ("evidence/", "assessments/", "commitments/1/history/", "claims/1/verdicts/", "commitments/1/renderings/",
              "claims/1/renderings/", "commitments/1/links/", "intake/", "intake/save/", "review/proposals/status/1/approve/")
    concrete = {_concrete(route).removeprefix("/api/v1/") for route in ROUTES}
    assert set(writes) <= concrete


# --- 6. The root lists every endpoint family ------------------------------------------------------------------


def test_the_root_lists_every_top_level_path(api, db):
    listed = api.get("/api/v1/", HTTP_ACCEPT="application/json").json()
    top_levels = {str(p.pattern).strip("^").split("/")[0].split("\\")[0] for p in api_urls.urlpatterns}
    top_levels -= {"", "<drf_format_suffix:format>"}  # the root itself, and its format suffix
    keys_and_urls = " ".join([*listed, *map(str, listed.values())])
    for top in top_levels:
        assert f"/api/v1/{top}" in keys_and_urls, top
    for family in ("stats", "stats/status-over-time", "stats/compliance", "feeds/status-changes.atom", "audit", "review/proposals",
                   "search", "intake", "inbox", "subscriptions"):
        assert family in listed, family
    assert listed["schema"].endswith("/api/schema/") and listed["docs"].endswith("/api/docs/")
    assert api.get(listed["stats/compliance"]).status_code == 200
