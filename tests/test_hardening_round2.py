"""Defects of the second hardening probe (issue 22): each test failed before its fix."""

import pytest

from commitments.digests.periods import period_parse

pytest_plugins = ["tests.api_support", "tests.digests_support"]


# --- 7. weeks at the calendar's edge: one parser, a clear message, never a 500 --------------------------------


@pytest.mark.parametrize("week", ["9999-W52", "9999-W01", "0001-W01", "0000-W01"])
def test_a_week_at_the_calendars_edge_is_refused_by_the_one_parser(week):
    with pytest.raises(ValueError, match="Weeks of the years"):
        period_parse(week)


def test_the_one_parser_reads_a_lower_case_week_as_the_changes_filter_did():
    assert period_parse(" 2026-w46 ").key == "2026-W46"


@pytest.mark.parametrize("path", ["/changes/?week=9999-W52", "/changes/feed.atom?week=9999-W52", "/changes/?week=0001-W01"])
def test_the_changes_page_and_feed_answer_an_edge_week_without_a_500(db, client, path):
    response = client.get(path)
    assert response.status_code == (400 if "feed" in path else 200)  # the feed cannot show a form error: a 400 says why
    assert "Weeks of the years" in response.content.decode()


def test_the_digest_preview_answers_an_edge_week_with_its_message(week, admin_client, make_subscriber):
    subscriber = make_subscriber("edge@example.org")
    response = admin_client.get(f"/admin/commitments/subscriber/{subscriber.pk}/preview/?week=9999-W52")
    assert response.status_code == 200
    assert "Weeks of the years" in response.content.decode()
    assert admin_client.get(f"/admin/commitments/subscriber/{subscriber.pk}/preview/html/?week=9999-W52").status_code == 200
