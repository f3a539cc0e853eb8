"""Cached aggregates are served from the cache until a committed write changes what they read (issue 21 item 5).

Real commits on PostgreSQL (a transactional test): the stamp moves at COMMIT, which the usual
test transaction never reaches. Each step reads through the API or the pages as a reader would.
"""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commitments.models import Party, Status
from commitments.selectors import aggregate_stamp
from commitments.services import assessment_record
from tests.api_support import record_status
from tests.review_support import publish

pytest_plugins = ["tests.api_support"]  # the api client and no-throttling fixtures
pytestmark = pytest.mark.django_db(transaction=True)

# A hit reads the stamp and nothing else (the filtered ones also resolve their filter's ids or slugs).
HITS = {"/api/v1/stats/": 1, "/api/v1/stats/compliance/": 1, "/api/v1/stats/status-over-time/?start=2020-09-01&end=2020-12-31": 1}


def queries(client, url: str) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(captured), response.json()


@pytest.fixture(autouse=True)
def roles(transactional_db):
    """A transactional test empties every table at its end, the roles' groups (made by a migration) too."""
    from commitments.roles import roles_ensure

    roles_ensure()


@pytest.fixture
def points(roles, make_statement, make_party, alice):
    statement = make_statement(points=2, slug="s2020", announced_on=date(2020, 9, 16))
    a1, a2 = statement.commitments.order_by("ordinal")
    canada = make_party(slug="canada")
    a1.parties.add(canada)
    record_status(a1, alice, Status.IN_PROGRESS, date(2020, 9, 20))
    record_status(a2, alice, Status.IN_PROGRESS, date(2020, 9, 20))
    return {"statement": statement, "a1": a1, "a2": a2, "canada": canada, "alice": alice}


def test_a_repeat_is_a_cache_hit_of_one_query(api, points):
    for url, hit in HITS.items():
        api.get(url)
        assert queries(api, url)[0] == hit, url


def test_a_published_status_change_shows_on_the_next_request(api, points):
    url, filtered = "/api/v1/stats/", "/api/v1/stats/?statement=s2020&status=in_progress"
    weeks = "/api/v1/stats/status-over-time/?start=2020-10-05&end=2020-10-05"
    assert queries(api, url)[1]["by_status"]["in_progress"] == 2
    assert queries(api, filtered)[1]["total"] == 2
    assert queries(api, weeks)[1][0]["by_status"]["in_progress"] == 2
    assert queries(api, url)[0] == 1  # cached
    before = aggregate_stamp()
    record_status(points["a1"], points["alice"], Status.STALLED, date(2020, 10, 1))  # committed: proposed, then published
    assert aggregate_stamp() != before
    stats = queries(api, url)[1]
    assert (stats["by_status"]["in_progress"], stats["by_status"]["stalled"]) == (1, 1)
    assert [(p["slug"], p["by_status"]["stalled"]) for p in stats["by_responsible_party"]] == [("canada", 1)]
    assert queries(api, filtered)[1]["total"] == 1
    week = queries(api, weeks)[1][0]["by_status"]
    assert (week["in_progress"], week["stalled"]) == (1, 1)


def test_changes_with_no_timestamp_move_the_stamp_too(api, points):
    """A statement's bound parties and a party's name change no updated_at: the old version missed them."""
    assert queries(api, "/api/v1/stats/")[1]["by_bound_party"] == []
    points["statement"].parties.add(points["canada"])
    assert [(p["slug"], p["total"]) for p in queries(api, "/api/v1/stats/")[1]["by_bound_party"]] == [("canada", 2)]
    Party.objects.filter(pk=points["canada"].pk).update(name="Canada (renamed)")
    assert queries(api, "/api/v1/stats/")[1]["by_responsible_party"][0]["name"] == "Canada (renamed)"


def test_a_published_assessment_shows_in_the_cached_matrix(api, points):
    assert queries(api, "/api/v1/stats/compliance/")[1]["rows"] == []
    publish(assessment_record(commitment=points["a1"], party=points["canada"], score=1, assessed_on=date(2021, 1, 1), rationale="r",
                              author=points["alice"]))
    assert [row["scores"] for row in queries(api, "/api/v1/stats/compliance/")[1]["rows"]] == [{"canada": {"score": 1, "assessed_on": "2021-01-01"}}]


def test_writes_outside_the_aggregates_inputs_leave_the_stamp(points, make_source):
    before = aggregate_stamp()
    make_source()  # sources are not read by the aggregates or their filters
    assert aggregate_stamp() == before


# The pages on a hit: the content version (ETag), one stamp per cached aggregate, then their own rows.
PAGE_HITS = {"/": 5, "/statements/": 3, "/parties/": 4}


def test_the_pages_read_their_aggregates_from_the_cache(client, points):
    for url, hit in PAGE_HITS.items():
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200 and len(captured) == hit, url


def test_the_start_up_warm_up_serves_the_first_reader_of_the_page_and_the_unfiltered_api(client, api, points):
    from tracker.warmup import warm_aggregates

    warm_aggregates()
    for url in ("/api/v1/stats/", "/api/v1/stats/compliance/", "/api/v1/stats/status-over-time/"):
        assert queries(api, url)[0] == 1, url  # the stamp only: warmed
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/").status_code == 200
    assert len(captured) == PAGE_HITS["/"]


def test_a_publication_recomputes_the_unfiltered_aggregates_for_their_next_reader(client, api, points):
    """Warm on write: the reviewer's commit computes them again, so the first reader after it finds them cached."""
    record_status(points["a1"], points["alice"], Status.STALLED, date(2020, 10, 1))  # proposed, then published: two commits
    hits = {url: queries(api, url) for url in ("/api/v1/stats/", "/api/v1/stats/compliance/", "/api/v1/stats/status-over-time/")}
    assert {url: n for url, (n, _) in hits.items()} == dict.fromkeys(hits, 1)
    assert hits["/api/v1/stats/"][1]["by_status"]["stalled"] == 1
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/").status_code == 200
    assert len(captured) == PAGE_HITS["/"]
    publish(assessment_record(commitment=points["a1"], party=points["canada"], score=-1, assessed_on=date(2021, 1, 1), rationale="r",
                              author=points["alice"]))
    n, matrix = queries(api, "/api/v1/stats/compliance/")
    assert n == 1 and [row["scores"]["canada"]["score"] for row in matrix["rows"]] == [-1]


def test_new_code_computes_afresh(api, points, monkeypatch):
    """A deployment that changes how an aggregate is computed is not served what the old code cached (the data did not move)."""
    from commitments.selectors import freshness

    api.get("/api/v1/stats/")
    assert queries(api, "/api/v1/stats/")[0] == 1
    monkeypatch.setattr(freshness, "aggregate_code_version", lambda: "the next release")
    assert queries(api, "/api/v1/stats/")[0] > 1  # computed
    assert queries(api, "/api/v1/stats/")[0] == 1
