"""When the weekly digest goes out: beat ticks hourly, the code picks the configured local hour."""

from datetime import UTC, datetime

import pytest
import time_machine
from celery.schedules import crontab
from django.conf import settings as django_settings

from commitments.digests.periods import digest_is_due, period_before, period_parse
from commitments.models import DigestDelivery
from commitments.tasks.digests import digests_send_due
from tracker.celery import app

pytest_plugins = ["tests.digests_support"]


def test_it_registers_an_hourly_beat_entry_for_the_entry_point():
    entry = django_settings.CELERY_BEAT_SCHEDULE["weekly-digests"]

    assert entry["task"] == digests_send_due.name and entry["task"] in app.tasks
    assert entry["schedule"] == crontab(minute=0)


@pytest.mark.parametrize(("moment", "due"), [
    (datetime(2024, 3, 11, 8, 0, tzinfo=UTC), True),  # Monday 08:00
    (datetime(2024, 3, 11, 8, 59, tzinfo=UTC), True),
    (datetime(2024, 3, 11, 7, 59, tzinfo=UTC), False),
    (datetime(2024, 3, 11, 9, 0, tzinfo=UTC), False),
    (datetime(2024, 3, 12, 8, 0, tzinfo=UTC), False),  # Tuesday
])
def test_it_is_due_at_the_configured_hour_in_utc(digest_settings, moment, due):
    with time_machine.travel(moment, tick=False):
        assert digest_is_due(now=datetime.now(UTC)) is due


def test_it_follows_the_configured_time_zone_day_and_hour(digest_settings):
    digest_settings.TRACKER_DIGEST_TIMEZONE = "America/New_York"
    digest_settings.TRACKER_DIGEST_DAY, digest_settings.TRACKER_DIGEST_HOUR = "friday", 17

    with time_machine.travel(datetime(2024, 3, 8, 22, 0, tzinfo=UTC), tick=False):  # Friday 17:00 EST
        assert digest_is_due(now=datetime.now(UTC))
    with time_machine.travel(datetime(2024, 3, 15, 21, 0, tzinfo=UTC), tick=False):  # Friday 17:00 EDT, after the DST change
        assert digest_is_due(now=datetime.now(UTC))
    with time_machine.travel(datetime(2024, 3, 15, 22, 0, tzinfo=UTC), tick=False):
        assert not digest_is_due(now=datetime.now(UTC))


def test_it_covers_the_iso_week_before_the_send_time(digest_settings):
    assert period_before(now=datetime(2024, 3, 11, 8, tzinfo=UTC)).key == "2024-W10"
    assert period_before(now=datetime(2024, 12, 30, 8, tzinfo=UTC)).key == "2024-W52"  # ISO 2025-W01 starts on 30 Dec
    assert period_before(now=datetime(2021, 1, 4, 8, tzinfo=UTC)).key == "2020-W53"
    digest_settings.TRACKER_DIGEST_TIMEZONE = "Asia/Almaty"
    week = period_parse("2024-W10")
    assert week.start.isoformat() == "2024-03-04T00:00:00+05:00" and week.end.isoformat() == "2024-03-11T00:00:00+05:00"


def test_it_rejects_a_malformed_week():
    with pytest.raises(ValueError, match="YYYY-Www"):
        period_parse("2024-10")
    with pytest.raises(ValueError, match="no ISO week 53"):
        period_parse("2023-W53")


def test_it_sends_from_the_beat_entry_only_when_due(week, smtp, make_subscriber, eager_celery):
    make_subscriber("reader@example.org")
    make_subscriber("kz@example.org", parties=[week.kz])

    with time_machine.travel(datetime(2024, 3, 11, 7, 0, tzinfo=UTC), tick=False):
        digests_send_due.delay()
    assert smtp.messages == []
    with time_machine.travel(datetime(2024, 3, 11, 8, 0, tzinfo=UTC), tick=False):
        digests_send_due.delay()
        digests_send_due.delay()  # beat restarted within the hour: nobody gets two

    assert smtp.recipients() == ["kz@example.org", "reader@example.org"]
    assert set(DigestDelivery.objects.values_list("period", "status")) == {("2024-W10", "sent")}
