"""Status intervals: the derived (status, from, to) spans behind the weekly status series."""

import importlib
import io
import random
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from commitments.history import NEWEST_FIRST
from commitments.integrity import integrity_violations
from commitments.intervals import intervals_from_history
from commitments.models import Commitment, Status, StatusInterval
from commitments.selectors import status_over_time, week_end
from commitments.services import status_update_record
from tests.api_support import record_status
from tests.review_support import publish, reviewer_user

pytest_plugins = ["tests.api_support"]  # the api client and no-throttling fixtures

D = date(2021, 3, 1)


def stored(commitment) -> list[tuple]:
    rows = StatusInterval.objects.filter(commitment=commitment).order_by("start_on")
    return list(rows.values_list("status", "start_on", "end_on", "is_first"))


def test_an_interval_lasts_until_the_next_update_takes_effect():
    history = [(Status.NOT_STARTED, D), (Status.IN_PROGRESS, D + timedelta(days=5))]
    assert intervals_from_history(history) == [
        (Status.NOT_STARTED, D, D + timedelta(days=5)), (Status.IN_PROGRESS, D + timedelta(days=5), None),
    ]
    assert intervals_from_history([]) == []


def test_an_update_superseded_on_its_own_day_leaves_no_interval():
    history = [(Status.NOT_STARTED, D), (Status.STALLED, D), (Status.IN_PROGRESS, D)]
    assert intervals_from_history(history) == [(Status.IN_PROGRESS, D, None)]


def test_recording_out_of_order_and_same_day_updates_rewrites_the_intervals(commitment, alice):
    record_status(commitment, alice, Status.NOT_STARTED, D)
    record_status(commitment, alice, Status.IN_PROGRESS, D + timedelta(days=20))
    record_status(commitment, alice, Status.STALLED, D + timedelta(days=10))  # back-filled: slots in between
    record_status(commitment, alice, Status.NOT_ASSESSABLE, D + timedelta(days=20))  # same day, recorded later: wins
    assert stored(commitment) == [
        (Status.NOT_STARTED, D, D + timedelta(days=10), True),
        (Status.STALLED, D + timedelta(days=10), D + timedelta(days=20), False),
        (Status.NOT_ASSESSABLE, D + timedelta(days=20), None, False),
    ]
    commitment.refresh_from_db()
    assert (commitment.status, commitment.status_since) == (Status.NOT_ASSESSABLE, D + timedelta(days=20))


def test_a_back_dated_first_update_becomes_the_first_interval(commitment, alice):
    record_status(commitment, alice, Status.IN_PROGRESS, D)
    record_status(commitment, alice, Status.NOT_STARTED, D - timedelta(days=30))
    assert stored(commitment) == [
        (Status.NOT_STARTED, D - timedelta(days=30), D, True), (Status.IN_PROGRESS, D, None, False),
    ]


def _random_history(make_statement, alice, rnd) -> list[Commitment]:
    commitments = []
    for announced_on in (date(2021, 1, 4), date(2021, 1, 24)):  # the second on a Sunday, the first week of one series
        commitments += list(make_statement(points=4, announced_on=announced_on).commitments.order_by("ordinal"))
    for commitment in commitments[:-1]:  # the last one never gets a status
        for _ in range(rnd.randint(1, 5)):
            # Few distinct days, so that same-day, back-dated and pre-announcement updates all occur,
            # some on Sundays (Jan 3, and Jan 24: the first week's end of one series).
            day = date(2020, 12, 28) + timedelta(days=rnd.choice([0, 3, 6, 9, 9, 27, 30, 45, 60]))
            record_status(commitment, alice, rnd.choice([Status.NOT_STARTED, Status.IN_PROGRESS, Status.STALLED]), day)
    return commitments


def _brute_force(commitments: list[Commitment], sunday: date) -> dict[str, int]:
    """The definition: each commitment's latest update by (effective_on, recorded_at, id) on that day."""
    counts = dict.fromkeys(Status.values, 0)
    for commitment in commitments:
        known = commitment.status_updates.published().filter(effective_on__lte=sunday).order_by(*NEWEST_FIRST).first()
        if known is not None:
            counts[known.status] += 1
        elif commitment.statement.announced_on <= sunday:
            counts[Status.NOT_YET_RATED] += 1
    return counts


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("start", [date(2020, 12, 1), date(2021, 1, 20)])
def test_the_weekly_series_matches_the_definition_week_by_week(make_statement, alice, seed, start):
    commitments = _random_history(make_statement, alice, random.Random(seed))
    series = status_over_time(commitments=Commitment.objects.all(), start=start, end=date(2021, 4, 1))
    for week in series:
        assert week["by_status"] == _brute_force(commitments, week["week_end"].date()), week["week_end"]
    assert series[-1]["week_end"] == week_end(date(2021, 4, 1))


def test_rebuild_status_intervals_repairs_them(make_statement, alice):
    commitments = _random_history(make_statement, alice, random.Random(4))
    expected = {c.pk: stored(c) for c in commitments}
    StatusInterval.objects.filter(commitment=commitments[0]).delete()
    StatusInterval.objects.filter(commitment=commitments[1]).update(status=Status.BROKEN)
    StatusInterval.objects.create(commitment=commitments[-1], status=Status.FULFILLED, start_on=D, is_first=True)
    assert {f"commitment {c.pk}" for c in commitments[:2] + commitments[-1:]} <= {v.obj for v in integrity_violations()}
    with pytest.raises(CommandError):
        call_command("check_integrity")
    out = io.StringIO()
    call_command("rebuild_status_intervals", stdout=out)
    assert out.getvalue().startswith(f"Rebuilt {sum(len(rows) for rows in expected.values())} status intervals")
    assert {c.pk: stored(c) for c in commitments} == expected
    assert not [v for v in integrity_violations() if "intervals" in v.message]


def test_the_migration_backfills_the_intervals_of_existing_history(make_statement, alice):
    commitments = _random_history(make_statement, alice, random.Random(5))
    expected = {c.pk: stored(c) for c in commitments}
    StatusInterval.objects.all().delete()
    importlib.import_module("commitments.migrations.0005_status_intervals").backfill(apps, None)
    assert {c.pk: stored(c) for c in commitments} == expected


def test_an_uncached_series_costs_one_query(api, make_statement, alice, django_assert_num_queries):
    _random_history(make_statement, alice, random.Random(6))
    # The deltas (1). Inside the test's open transaction aggregates are computed, not cached (the stamp only moves at
    # commit: selectors.freshness); a committed cache hit is pinned in tests/test_aggregates_stamp.py.
    with django_assert_num_queries(1):
        assert api.get("/api/v1/stats/status-over-time/?start=2021-01-01&end=2021-04-01").status_code == 200


def test_proposing_and_publishing_a_status_cost_a_fixed_number_of_queries(commitment, alice, django_assert_num_queries):
    record_status(commitment, alice, Status.NOT_STARTED, D)
    reviewer = reviewer_user()
    # savepoint, 2 validation lookups, insert, release
    with django_assert_num_queries(5):
        proposal = status_update_record(commitment=commitment, status=Status.IN_PROGRESS, effective_on=D + timedelta(days=1),
                                        rationale="Started", author=alice)
    # savepoint, reviewer's permissions (2), conditional update, re-read, evidence, lock, history, cached status
    # (its audit entry: the old row, the entry), intervals (delete + insert), release
    with django_assert_num_queries(14):
        publish(proposal, reviewer=reviewer)
