"""Deadlines: the overdue rule, the API filter, the page marks, the digest's deadlines section and the staff alert."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.test import Client

from commitments.deadlines import is_overdue, overdue_since
from commitments.digests.deadlines import deadline_alerts_send
from commitments.models import DeadlineAlert, Status
from commitments.tasks.digests import deadline_alerts
from tests.api_support import ids, record_status, results
from tests.digests_week import SEND_AT, WEEK, parts
from tests.review_support import attach_published

pytest_plugins = ["tests.api_support", "tests.digests_support"]

TODAY = date(2026, 6, 15)
NOW = datetime(2026, 6, 15, 9, 0, tzinfo=UTC)


def test_it_calls_a_commitment_overdue_only_after_its_date_and_while_open():
    assert overdue_since(status=Status.IN_PROGRESS, target_date=date(2026, 6, 14), today=TODAY) == date(2026, 6, 15)
    assert not is_overdue(status=Status.IN_PROGRESS, target_date=TODAY, today=TODAY)  # the target day itself is still on time
    assert not is_overdue(status=Status.NOT_YET_RATED, target_date=None, today=TODAY)
    for closed in (Status.FULFILLED, Status.BROKEN, Status.NOT_ASSESSABLE):
        assert not is_overdue(status=closed, target_date=date(2020, 1, 1), today=TODAY)
    for open_status in (Status.NOT_YET_RATED, Status.NOT_STARTED, Status.IN_PROGRESS, Status.PARTIALLY_FULFILLED, Status.STALLED):
        assert is_overdue(status=open_status, target_date=date(2020, 1, 1), today=TODAY)


@pytest.fixture
def dated(make_statement, alice):
    """Point 1 passed its date in progress, 2 passed it not assessable, 3 is due later, 4 has no date."""
    statement = make_statement(points=4, slug="dated", title="Dated plan")
    p1, p2, p3, p4 = statement.commitments.order_by("ordinal")
    for point, day in ((p1, date(2026, 5, 31)), (p2, date(2026, 5, 1)), (p3, date(2026, 7, 1))):
        point.target_date = day
        point.save()
    with time_machine.travel(datetime(2026, 5, 2, tzinfo=UTC), tick=False):
        record_status(p1, alice, Status.IN_PROGRESS, date(2026, 4, 1))
        record_status(p2, alice, Status.NOT_ASSESSABLE, date(2026, 5, 1))
    return statement, (p1, p2, p3, p4)


@time_machine.travel(NOW, tick=False)
def test_the_api_filters_overdue_and_due_dates_and_says_since_when(api, dated):
    _, (p1, p2, p3, p4) = dated
    assert ids(api.get("/api/v1/commitments/?overdue=true")) == [p1.pk]
    assert sorted(ids(api.get("/api/v1/commitments/?overdue=false"))) == sorted([p2.pk, p3.pk, p4.pk])
    assert sorted(ids(api.get("/api/v1/commitments/?due_after=2026-05-15"))) == sorted([p1.pk, p3.pk])
    assert ids(api.get("/api/v1/commitments/?due_before=2026-05-15")) == [p2.pk]
    rows = {row["id"]: row for row in results(api.get("/api/v1/commitments/"))}
    assert rows[p1.pk]["overdue_since"] == "2026-06-01"
    assert [rows[p.pk]["overdue_since"] for p in (p2, p3, p4)] == [None, None, None]
    bad = api.get("/api/v1/commitments/?due_before=soon")
    assert bad.status_code == 400 and "due_before" in bad.json()


def test_the_schema_documents_the_deadline_filters_and_field(api):
    schema = api.get("/api/schema/?format=json").json()
    params = {p["name"]: p for p in schema["paths"]["/api/v1/commitments/"]["get"]["parameters"]}
    assert params["overdue"]["schema"]["type"] == "boolean"
    assert params["due_before"]["schema"]["format"] == "date" and params["due_after"]["schema"]["format"] == "date"
    commitment = schema["components"]["schemas"]["Commitment"]["properties"]["overdue_since"]
    assert commitment["format"] == "date" and commitment["nullable"] is True


@time_machine.travel(NOW, tick=False)
def test_the_point_page_and_its_statement_list_say_overdue_since(dated):
    statement, (p1, p2, p3, _) = dated
    point = Client().get(p1.get_absolute_url()).content.decode()
    assert 'overdue since <time datetime="2026-06-01">1 June 2026</time>' in point
    for other in (p2, p3):
        assert "overdue since" not in Client().get(other.get_absolute_url()).content.decode()
    listing = Client().get(statement.get_absolute_url()).content.decode()
    assert listing.count("overdue since") == 1 and '<time datetime="2026-06-01">1 Jun 2026</time>' in listing


def test_the_digest_lists_deadlines_passed_this_week_for_who_follows_them(week, smtp, make_subscriber):
    from commitments.digests.delivery import digests_send_batch  # noqa: PLC0415

    week.c_kz2.target_date = date(2024, 3, 7)  # Kazakhstan's point 2 passes its date during W10, not yet rated
    week.c_kz2.save()
    week.c_ru.target_date = date(2024, 3, 8)  # Russia's point is stalled: also overdue
    week.c_ru.save()
    kazakh = make_subscriber("kz@example.org", parties=[week.kz])
    digests_send_batch(period=WEEK, subscriber_ids=[kazakh.pk], now=SEND_AT)
    [message] = smtp.messages
    text, html = parts(message)
    assert "== Deadlines ==" in text and "-- Passed this week, not met (1) --" in text
    assert "7 Mar 2024" in text and "Not yet rated" in text
    assert "Passed this week, not met (1)" in html and "8 Mar 2024" not in text + html  # Russia's point: not followed


def test_it_sends_a_digest_for_a_missed_deadline_alone(digest_settings, smtp, make_subscriber, make_statement):
    from commitments.digests.delivery import digests_send_batch  # noqa: PLC0415

    point = make_statement(points=1, title="Quiet plan").commitments.get()
    point.target_date = date(2024, 3, 5)
    point.save()
    subscriber = make_subscriber("all@example.org")
    digests_send_batch(period=WEEK, subscriber_ids=[subscriber.pk], now=SEND_AT)
    [message] = smtp.messages
    assert "5 Mar 2024" in parts(message)[0]


@pytest.fixture
def staff(settings, alice, bob):
    settings.SITE_URL = "https://tracker.example.org"
    settings.TRACKER_DEADLINE_ALERT_DAYS, settings.TRACKER_DEADLINE_ALERT_TO = 7, []
    return alice, bob


def test_staff_get_one_email_when_a_deadline_passes_with_no_evidence(staff, smtp, dated, make_evidence, alice):
    _, (p1, p2, p3, _) = dated
    p3.target_date = date(2026, 6, 10)
    p3.save()
    with time_machine.travel(NOW - timedelta(days=3), tick=False):  # p3 got evidence after its (absent) status: not alerted
        attach_published(evidence=make_evidence(title="Work visible"), commitments=[p3])
    p1.target_date = date(2026, 6, 12)
    p1.save()

    with time_machine.travel(NOW, tick=False):
        result = deadline_alerts.apply().get()

    # Every active staff user with an address: alice, bob, and dave who published the statuses.
    assert result == {"found": 1, "sent": 1, "recipients": 3}
    assert sorted(m["To"] for m in smtp.messages) == ["alice@example.org", "bob@example.org", "dave@example.org"]
    text, html = parts(smtp.messages[0])
    assert "1 deadline passed with no new evidence" in smtp.messages[0]["Subject"]
    assert f"https://tracker.example.org{p1.get_absolute_url()}" in text and "overdue since 13 Jun 2026" in text
    assert "Point 3" not in text and "Point 2" not in text
    assert DeadlineAlert.objects.get().commitment_id == p1.pk

    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        again = deadline_alerts_send(now=NOW + timedelta(hours=1))
    assert (again.sent, len(smtp.messages)) == (0, 3)  # each deadline is announced once


def test_evidence_older_than_the_last_status_does_not_count(staff, settings, smtp, dated, make_evidence, alice):
    _, (p1, *_) = dated
    with time_machine.travel(datetime(2026, 4, 20, tzinfo=UTC), tick=False):
        attach_published(evidence=make_evidence(title="Old news"), commitments=[p1])  # before p1's status of 2 May
    p1.target_date = date(2026, 6, 12)
    p1.save()
    settings.TRACKER_DEADLINE_ALERT_TO = ["desk@example.org"]
    assert deadline_alerts_send(now=NOW).sent == 1
    assert [m["To"] for m in smtp.messages] == ["desk@example.org"]
