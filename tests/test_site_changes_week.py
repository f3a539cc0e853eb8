"""The change lists count a change in the week it was published, as the digests do, and show from -> to and the review
(issue 19 items 2 and 3): the site's /changes/ (form, page and feed) and the API's status-changes.

alice (Editor) records on Friday of one week; dave (Reviewer) publishes on the Tuesday after.
"""

from datetime import UTC, date, datetime

import pytest
import time_machine

from commitments.digests.build import digest_content
from commitments.digests.changes import Filter, week_changes_load
from commitments.digests.periods import period_parse
from commitments.models import Status
from commitments.services import status_update_record
from tests.review_support import publish, reviewer_user

pytestmark = pytest.mark.django_db

RECORDED = datetime(2024, 3, 8, 12, tzinfo=UTC)  # Friday of 2024-W10
PUBLISHED = datetime(2024, 3, 12, 12, tzinfo=UTC)  # Tuesday of 2024-W11


@pytest.fixture
def change(commitment, alice):
    with time_machine.travel(RECORDED, tick=False):
        update = status_update_record(commitment=commitment, status=Status.IN_PROGRESS, effective_on=date(2024, 3, 1),
                                      rationale="Talks opened.", author=alice)
    with time_machine.travel(PUBLISHED, tick=False):
        return publish(update, reviewer=reviewer_user("dave"))


def digest_titles(week: str) -> list[str]:
    content = digest_content(changes=week_changes_load(period=period_parse(week)), digest_filter=Filter())
    return [item.title for section in content.sections for item in section.items]


def test_a_change_counts_in_the_week_published_on_the_page_the_feed_the_api_and_the_digest(client, change):
    title = change.commitment.title
    assert any(title in t for t in digest_titles("2024-W11")) and not any(title in t for t in digest_titles("2024-W10"))
    for week, shown in (("2024-W11", True), ("2024-W10", False)):
        assert ("Talks opened." in client.get(f"/changes/?week={week}").content.decode()) is shown, week
        assert ("Talks opened." in client.get(f"/changes/feed.atom?week={week}").content.decode()) is shown, week
        assert [row["id"] for row in client.get(f"/api/v1/status-changes/?week={week}").json()["results"]] == ([change.pk] if shown else [])


def test_the_filter_says_week_published(client):
    page = client.get("/changes/").content.decode()
    assert '<label for="f-week">Week published</label>' in page and "Week recorded" not in page
    assert "the week the weekly digest counts it in" in page


def test_a_bad_week_is_a_400_in_the_api_with_the_parsers_message(client):
    response = client.get("/api/v1/status-changes/?week=2024-W60")
    assert response.status_code == 400
    assert response.json()["week"] == ["2024 has no ISO week 60."]


def test_the_change_lists_show_from_to_and_that_it_was_reviewed(client, change, alice):
    with time_machine.travel(datetime(2024, 3, 20, tzinfo=UTC), tick=False):
        publish(status_update_record(commitment=change.commitment, status=Status.STALLED, effective_on=date(2024, 3, 15),
                                     rationale="Talks paused.", author=alice))
    for url in ("/changes/", "/"):
        page = " ".join(client.get(url).content.decode().split())
        assert ('<span class="sr-only">from </span>Not yet rated</span> <span aria-hidden="true">→</span> '
                '<span class="status s-in_progress"><span class="sr-only">to </span>In progress</span>') in page, url
        assert ('<span class="sr-only">from </span>In progress</span> <span aria-hidden="true">→</span> '
                '<span class="status s-stalled"><span class="sr-only">to </span>Stalled</span>') in page, url
        assert page.count("(reviewed by a second person)") == 2, url
    rows = client.get("/api/v1/status-changes/").json()["results"]
    assert [(row["previous_status"], row["status"], row["reviewed"]) for row in rows] == [
        ("not_yet_rated", "in_progress", True), ("in_progress", "stalled", True)]


def test_with_review_off_the_list_says_published_without_review(client, commitment, alice, settings):
    settings.TRACKER_REVIEW_REQUIRED = False
    status_update_record(commitment=commitment, status=Status.IN_PROGRESS, effective_on=date(2024, 3, 1), rationale="Talks.", author=alice)
    assert "(published without review)" in client.get("/changes/").content.decode()
    assert client.get("/api/v1/status-changes/").json()["results"][0]["reviewed"] is False
