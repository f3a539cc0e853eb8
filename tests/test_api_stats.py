"""Aggregates for charts: counts by status, the weekly status series, the compliance matrix."""

from datetime import date

import pytest

from commitments.models import Status
from commitments.selectors import score_percent, week_end
from commitments.services import assessment_record
from tests.api_support import record_status
from tests.review_support import publish

pytest_plugins = ["tests.api_support"]  # the api client and no-throttling fixtures


@pytest.fixture
def history(make_statement, make_party, theme, alice):
    statement = make_statement(points=2, slug="s2020", announced_on=date(2020, 9, 16))
    a1, a2 = statement.commitments.order_by("ordinal")
    canada, japan = make_party(slug="canada"), make_party(slug="japan")
    a1.parties.add(canada, japan)
    a2.parties.add(canada, japan)
    a1.themes.add(theme)
    record_status(a1, alice, Status.NOT_STARTED, date(2020, 9, 20))  # a Sunday: counts for that week
    record_status(a1, alice, Status.IN_PROGRESS, date(2020, 9, 28))
    record_status(a1, alice, Status.STALLED, date(2020, 9, 22))  # back-filled later, effective earlier
    record_status(a2, alice, Status.NOT_STARTED, date(2020, 10, 1))
    record_status(a2, alice, Status.IN_PROGRESS, date(2020, 10, 1))  # same day, recorded later: wins
    return {"statement": statement, "a1": a1, "a2": a2, "canada": canada, "japan": japan, "alice": alice}


def _nonzero(week: dict) -> dict:
    return {status: n for status, n in week["by_status"].items() if n}


def test_the_week_ends_on_sunday_at_23_59_59_utc():
    assert week_end(date(2020, 9, 16)).isoformat() == "2020-09-20T23:59:59+00:00"
    assert week_end(date(2020, 9, 20)).isoformat() == "2020-09-20T23:59:59+00:00"


def test_status_over_time_follows_the_effective_history(api, history):
    weeks = api.get("/api/v1/stats/status-over-time/?start=2020-09-08&end=2020-10-05").json()
    assert [w["week_end"] for w in weeks] == [
        "2020-09-13T23:59:59Z", "2020-09-20T23:59:59Z", "2020-09-27T23:59:59Z", "2020-10-04T23:59:59Z", "2020-10-11T23:59:59Z",
    ]
    assert [_nonzero(w) for w in weeks] == [
        {},  # before the announcement
        {"not_started": 1, "not_yet_rated": 1},
        {"stalled": 1, "not_yet_rated": 1},
        {"in_progress": 2},
        {"in_progress": 2},
    ]
    assert [w["total"] for w in weeks] == [0, 2, 2, 2, 2]


def test_status_over_time_takes_the_commitment_filters(api, history):
    weeks = api.get("/api/v1/stats/status-over-time/?start=2020-09-27&end=2020-09-27&theme=health").json()
    assert [_nonzero(w) for w in weeks] == [{"stalled": 1}]


def test_status_over_time_defaults_to_26_weeks_and_refuses_bad_ranges(api, history):
    assert len(api.get("/api/v1/stats/status-over-time/").json()) == 26
    assert api.get("/api/v1/stats/status-over-time/?start=2021-01-01&end=2020-01-01").status_code == 400
    assert api.get("/api/v1/stats/status-over-time/?start=soon").status_code == 400


def test_stats_count_by_status_statement_party_and_theme(api, history):
    stats = api.get("/api/v1/stats/").json()
    assert stats["total"] == 2 and stats["by_status"]["in_progress"] == 2 and stats["by_status"]["stalled"] == 0
    assert [(s["slug"], s["by_status"]["in_progress"]) for s in stats["by_statement"]] == [("s2020", 2)]
    assert sorted((p["slug"], p["total"]) for p in stats["by_responsible_party"]) == [("canada", 2), ("japan", 2)]
    assert stats["by_bound_party"] == [] and stats["by_party"] == []  # the statement binds nobody yet
    history["statement"].parties.add(history["japan"])
    stats = api.get("/api/v1/stats/").json()
    assert [(p["slug"], p["total"]) for p in stats["by_bound_party"]] == [("japan", 2)] and stats["by_party"] == stats["by_bound_party"]
    assert [(t["slug"], t["total"]) for t in stats["by_theme"]] == [("health", 1)]
    assert api.get("/api/v1/stats/?status=stalled").json()["total"] == 0


def test_the_party_percentage_is_the_g7_research_groups():
    assert (score_percent(-1), score_percent(0), score_percent(1), score_percent(0.5)) == (0.0, 50.0, 100.0, 75.0)
    assert score_percent(None) is None


def test_the_compliance_matrix_uses_each_pairs_latest_score(api, history):
    a1, a2, canada, japan, alice = (history[k] for k in ("a1", "a2", "canada", "japan", "alice"))

    def score(commitment, party, value, day):
        publish(assessment_record(commitment=commitment, party=party, score=value, assessed_on=day, rationale="r", author=alice))

    score(a1, canada, 1, date(2021, 6, 1))
    score(a1, canada, -1, date(2021, 1, 1))  # recorded later, but an older assessment
    score(a2, canada, 1, date(2021, 6, 1))
    score(a1, japan, 0, date(2021, 6, 1))
    score(a2, japan, 1, date(2021, 1, 1))
    score(a2, japan, -1, date(2021, 6, 1))
    matrix = api.get("/api/v1/stats/compliance/?statement=s2020").json()
    parties = {p["slug"]: p for p in matrix["parties"]}
    assert (parties["canada"]["average_score"], parties["canada"]["average_percent"], parties["canada"]["assessed"]) == (1.0, 100.0, 2)
    assert (parties["japan"]["average_score"], parties["japan"]["average_percent"]) == (-0.5, 25.0)
    rows = {row["commitment"]: row for row in matrix["rows"]}
    assert rows[a1.pk]["scores"] == {"canada": {"score": 1, "assessed_on": "2021-06-01"}, "japan": {"score": 0, "assessed_on": "2021-06-01"}}
    assert rows[a2.pk]["number"] == "2" and rows[a2.pk]["scores"]["japan"]["score"] == -1
    assert api.get("/api/v1/stats/compliance/?statement=nothing").json() == {"statement": ["No statement has the id or slug “nothing”."]}


def test_cached_aggregates_change_as_soon_as_the_history_does(api, history):
    url = "/api/v1/stats/status-over-time/?start=2020-10-05&end=2020-10-05"
    assert _nonzero(api.get(url).json()[0]) == {"in_progress": 2}
    record_status(history["a1"], history["alice"], Status.STALLED, date(2020, 10, 2))
    assert _nonzero(api.get(url).json()[0]) == {"in_progress": 1, "stalled": 1}
    matrix_url = "/api/v1/stats/compliance/"
    assert api.get(matrix_url).json()["rows"] == []
    publish(assessment_record(
        commitment=history["a1"], party=history["canada"], score=1, assessed_on=date(2021, 1, 1), rationale="r", author=history["alice"],
    ))
    assert len(api.get(matrix_url).json()["rows"]) == 1
