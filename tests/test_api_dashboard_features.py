"""What browser dashboards ask of the API: an api_url on every resource, aggregates as CSV, CORS when configured."""

import csv
import io
from datetime import date

import pytest
from django.test import override_settings

from commitments.models import Evidence, Status
from commitments.services import assessment_record
from tests.api_support import record_status, results
from tests.review_support import attach_published, publish

pytest_plugins = ["tests.api_support"]

LISTS = ["statements", "commitments", "claims", "evidence", "parties", "themes", "sources", "assessments", "status-changes"]


@pytest.fixture
def data(make_statement, make_party, theme, claim, alice):
    statement = claim.statement
    point = statement.commitments.order_by("ordinal").first()
    canada = make_party(slug="canada", name="Canada")
    point.parties.add(canada)
    point.themes.add(theme)
    record_status(point, alice, Status.IN_PROGRESS, date(2024, 1, 8))
    publish(assessment_record(commitment=point, party=canada, score=1, assessed_on=date(2024, 2, 1), rationale="Paid.", author=alice))
    evidence = Evidence.objects.create(url="https://www.example.org/report", title="Report")
    attach_published(evidence=evidence, commitments=[point], claims=[claim])
    return {"point": point, "canada": canada, "statement": statement}


@pytest.mark.parametrize("name", LISTS)
def test_every_resource_has_its_api_url_which_answers_with_it(api, data, name):
    # Without an explicit SITE_URL, links name the host the request came to, as the public `url` does.
    rows = results(api.get(f"/api/v1/{name}/"))
    assert rows
    for row in rows:
        assert row["api_url"] == f"http://testserver/api/v1/{name}/{row['id']}/"
    detail = api.get(rows[0]["api_url"].removeprefix("http://testserver"))
    assert detail.status_code == 200 and detail.json()["id"] == rows[0]["id"]


def _csv(response) -> list[dict]:
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv"), response.content
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_stats_come_as_csv_with_the_same_figures_as_the_json(api, data):
    figures = api.get("/api/v1/stats/").json()
    rows = _csv(api.get("/api/v1/stats/?format=csv"))
    overall = rows[0]
    assert overall["scope"] == "all" and int(overall["total"]) == figures["total"]
    assert {status: int(overall[status]) for status in Status.values} == figures["by_status"]
    canada = next(row for row in rows if row["scope"] == "responsible_party" and row["slug"] == "canada")
    assert canada["in_progress"] == "1" and canada["total"] == "1" and canada["name"] == "Canada"
    assert {row["scope"] for row in rows} >= {"all", "statement", "responsible_party", "theme"}


def test_the_compliance_matrix_comes_as_csv_one_row_per_cell(api, data):
    rows = _csv(api.get(f"/api/v1/stats/compliance/?format=csv&statement={data['statement'].slug}"))
    assert rows == [{
        "commitment": str(data["point"].pk), "statement": str(data["statement"].pk), "number": "1", "title": data["point"].title,
        "party": "canada", "score": "1", "assessed_on": "2024-02-01",
    }]
    assert _csv(api.get(f"/api/v1/stats/compliance/?format=csv&level=points&parent={data['point'].pk}")) == []  # points have no parent


def test_status_over_time_comes_as_csv_one_row_per_week(api, data):
    rows = _csv(api.get("/api/v1/stats/status-over-time/?start=2024-01-01&end=2024-01-14&format=csv"))
    assert [row["week_end"] for row in rows] == ["2024-01-07T23:59:59+00:00", "2024-01-14T23:59:59+00:00"]
    assert rows[1]["in_progress"] == "1"


def test_a_bad_aggregate_request_as_csv_is_still_a_400_with_the_message(api, data):
    response = api.get("/api/v1/stats/status-over-time/?start=bad&format=csv")
    assert response.status_code == 400 and b"start" in response.content


def test_no_cross_origin_headers_unless_origins_are_configured(api, data):
    response = api.get("/api/v1/commitments/", HTTP_ORIGIN="https://dash.example.org")
    assert response.status_code == 200 and "Access-Control-Allow-Origin" not in response


@override_settings(CORS_ALLOWED_ORIGINS=["https://dash.example.org"])
def test_a_configured_origin_may_read_the_api_and_its_validators(api, data):
    response = api.get("/api/v1/commitments/", HTTP_ORIGIN="https://dash.example.org")
    assert response["Access-Control-Allow-Origin"] == "https://dash.example.org"
    assert "etag" in response["Access-Control-Expose-Headers"].lower()
    preflight = api.options("/api/v1/status-changes/", HTTP_ORIGIN="https://dash.example.org",
                            HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET", HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match")
    assert preflight.status_code == 200 and preflight["Access-Control-Allow-Origin"] == "https://dash.example.org"
    other = api.get("/api/v1/commitments/", HTTP_ORIGIN="https://evil.example.net")
    assert "Access-Control-Allow-Origin" not in other
    admin = api.get("/admin/login/", HTTP_ORIGIN="https://dash.example.org")
    assert "Access-Control-Allow-Origin" not in admin  # only the API is shared


@pytest.mark.parametrize("url", ["/api/v1/stats/", "/api/v1/stats/status-over-time/", "/api/v1/stats/compliance/", "/api/v1/commitments/"])
def test_a_filter_that_can_match_nothing_gives_empty_figures_not_an_error(api, data, url, make_party):
    # Found by the schema fuzzer: Django refuses to compile a query one of these makes empty. Names no row has are a 400 now.
    fuzzed = api.get(f"{url}?parent=-4.050211279973713e%2B106&bound_party=extract&theme=Auto-Submitted&party=Score&responsible_party=0")
    assert fuzzed.status_code == 400 and set(fuzzed.json()) <= {"parent", "bound_party", "theme", "party", "responsible_party"}
    make_party(slug="nobody", name="Nobody")  # exists, bound by nothing and responsible for nothing
    response = api.get(f"{url}?bound_party=nobody&responsible_party=nobody")
    assert response.status_code == 200, response.content
    if url == "/api/v1/stats/":
        assert response.json()["total"] == 0 and response.json()["by_statement"] == []


@pytest.mark.parametrize("path", ["/api/v1/stats/", "/api/v1/stats/status-over-time/", "/api/v1/stats/compliance/"])
def test_options_on_an_aggregate_asked_as_csv_describes_it_instead_of_failing(api, data, path):
    # Found by bench/fuzz.py: OPTIONS ?format=csv handed the endpoint's metadata to the table builder (500).
    response = api.options(f"{path}?format=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "name" in response.content.decode().splitlines()[0].split(",")
