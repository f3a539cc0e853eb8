"""The status-changes endpoint: every recorded change across commitments, filtered, cursor-paginated, as JSON or CSV."""

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from commitments.models import Status
from commitments.services import status_update_record
from tests.api_support import record_status, results
from tests.review_support import publish

pytest_plugins = ["tests.api_support"]

URL = "/api/v1/status-changes/"
MONDAY, TUESDAY, WEDNESDAY = (datetime(2024, 5, day, 9, 0, tzinfo=UTC) for day in (6, 7, 8))


@pytest.fixture
def changes(make_statement, make_party, theme, alice):
    """Three changes, one a day: g7.1 not started (Mon), g7.2 in progress (Tue), other.1 stalled (Wed)."""
    canada = make_party(slug="canada")
    g7 = make_statement(points=2, slug="g7", title="G7 2021")
    other = make_statement(points=1, slug="other")
    first, second = g7.commitments.order_by("ordinal")
    second.parties.add(canada)  # responsible for g7.2
    g7.parties.add(canada)  # bound by the whole statement
    third = other.commitments.get()
    third.themes.add(theme)
    made = []
    for moment, (commitment, status, effective) in zip(
        (MONDAY, TUESDAY, WEDNESDAY),
        [(first, Status.NOT_STARTED, date(2024, 1, 1)), (second, Status.IN_PROGRESS, date(2024, 3, 1)), (third, Status.STALLED, date(2024, 5, 1))],
        strict=True,
    ):
        with time_machine.travel(moment, tick=False):
            made.append(record_status(commitment, alice, status, effective))
    return made


def _ids(api, query: str = "") -> list[int]:
    return [row["id"] for row in results(api.get(f"{URL}?{query}"))]


def test_it_lists_every_change_oldest_recorded_first_with_its_commitment(api, changes, settings):
    rows = results(api.get(URL))
    assert [row["id"] for row in rows] == [update.pk for update in changes]
    row = rows[1]
    assert row["status"] == "in_progress" and row["status_label"] == "In progress" and row["effective_on"] == "2024-03-01"
    assert row["recorded_at"] == "2024-05-07T09:00:00Z" and row["rationale"] == "Because in_progress"
    assert row["commitment"]["number"] == "2" and row["commitment"]["statement"]["slug"] == "g7"
    assert row["commitment"]["api_url"].endswith(f"/api/v1/commitments/{changes[1].commitment_id}/")
    assert row["api_url"].endswith(f"{URL}{changes[1].pk}/")
    assert api.get(row["api_url"].removeprefix(settings.SITE_URL)).json() == row  # the detail is the same resource


@pytest.mark.parametrize(("query", "expected"), [
    ("published_since=2024-05-07T09:00:00Z", [1, 2]),  # inclusive: what changed since my last sync
    ("published_until=2024-05-07T09:00:00Z", [0]),
    ("recorded_since=2024-05-07T09:00:00Z", [1, 2]),
    ("recorded_until=2024-05-07T09:00:00Z", [0]),  # exclusive, so windows tile
    ("recorded_since=2024-05-07T00:00:00%2B02:00&recorded_until=2024-05-08T00:00:00Z", [1]),
    ("effective_since=2024-03-01", [1, 2]),
    ("effective_until=2024-03-01", [0, 1]),
    ("statement=g7", [0, 1]),
    ("responsible_party=canada", [1]),
    ("bound_party=canada", [0, 1]),
    ("party=canada", [0, 1]),  # the old name of bound_party
    ("theme=health", [2]),
    ("status=stalled&status=not_started", [0, 2]),
])
def test_it_filters_by_when_recorded_when_effective_and_what(api, changes, query, expected):
    assert _ids(api, query) == [changes[i].pk for i in expected]


def test_it_refuses_a_bad_date_with_a_message(api, changes):
    response = api.get(f"{URL}?recorded_since=yesterday")
    assert response.status_code == 400 and "recorded_since" in response.json()


def test_it_pages_by_cursor_without_skipping_or_repeating(api, changes):
    seen, url = [], f"{URL}?page_size=2"
    while url:
        page = api.get(url).json()
        assert len(page["results"]) <= 2
        seen += [row["id"] for row in page["results"]]
        url = page["next"]
    assert seen == [update.pk for update in changes]


def test_it_exports_every_matching_change_as_csv(api, changes):
    response = api.get(f"{URL}?format=csv&statement=g7")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [int(row["id"]) for row in rows] == [changes[0].pk, changes[1].pk]
    assert rows[1]["status"] == "in_progress" and rows[1]["commitment.statement.slug"] == "g7" and rows[1]["commitment.number"] == "2"


def test_it_answers_not_modified_when_nothing_changed(api, changes):
    etag = api.get(URL)["ETag"]
    assert api.get(URL, HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_it_reads_a_page_in_a_fixed_number_of_queries(api, make_statement, alice, django_assert_max_num_queries):
    statement = make_statement(points=4)
    for commitment in statement.commitments.all():
        record_status(commitment, alice, Status.IN_PROGRESS, date(2024, 1, 1))
        record_status(commitment, alice, Status.STALLED, date(2024, 2, 1))
    # fingerprint (count + newest), the page with its commitments and statements, the evidence ids
    with django_assert_max_num_queries(3):
        assert len(results(api.get(URL))) == 8


def test_a_proposal_is_not_a_change_until_published_and_then_it_comes_in_publication_order(api, changes, make_statement, alice):
    late = make_statement(points=1).commitments.get()
    with time_machine.travel(MONDAY - timedelta(days=7), tick=False):  # recorded before every other change
        proposal = status_update_record(commitment=late, status=Status.IN_PROGRESS, effective_on=date(2024, 4, 1), author=alice,
                                        rationale="Proposed early.")
    assert proposal.pk not in _ids(api)
    with time_machine.travel(WEDNESDAY + timedelta(hours=1), tick=False):
        publish(proposal)
    assert _ids(api) == [*(update.pk for update in changes), proposal.pk]
    assert _ids(api, "published_since=2024-05-08T09:30:00Z") == [proposal.pk]  # a sync since Wednesday sees it
    assert _ids(api, "recorded_since=2024-05-08T09:30:00Z") == []
