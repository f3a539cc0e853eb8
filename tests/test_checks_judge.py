"""Quote matching, hysteresis and scheduling rules, as pure functions with `now` passed in."""

import random
from datetime import timedelta
from types import SimpleNamespace

from commitments.checks import judge, scheduling
from commitments.checks.fetch import Fetched, retry_after_parse
from commitments.checks.quotes import quote_normalise, quotes_match
from commitments.models.checks import Health, Outcome, QuoteMatch
from tests.checks_helpers import T0, days


def test_it_normalises_typography_away():
    assert quote_normalise("  “Hello”\u200b — WORLD’s\u00a0ﬁne ") == quote_normalise('"hello" - world\'s fine')


def test_it_reports_the_worst_quote_and_counts_the_missing():
    page = "The two countries will support cooperation. They will set an exemplar."
    result = quotes_match(quotes=["They will set an exemplar.", "Nothing like this appears anywhere here at all."], text=page, threshold=85)
    assert (result.match, result.total, result.missing) == (QuoteMatch.MISSING, 2, 1)
    assert quotes_match(quotes=[], text=page, threshold=85).match == QuoteMatch.NO_QUOTE
    assert quotes_match(quotes=["x y z"], text=None, threshold=85).match == QuoteMatch.UNKNOWN


def _state():
    return SimpleNamespace(consecutive_failures=0, first_failure_at=None, gone_strikes=0, last_strike_at=None)


def test_it_needs_three_failures_three_days_apart_for_gone():
    rules, state = judge.Rules(), _state()
    healths = [judge.failure_state(state, outcome=Outcome.NOT_FOUND, now=days(d), rules=rules) for d in (0, 0.5, 2.9, 3, 5, 6)]
    assert healths == [Health.FAILING] * 5 + [Health.GONE]
    assert state.consecutive_failures == 6 and state.first_failure_at == days(0)


def test_it_never_calls_server_errors_gone_and_resets_on_success():
    rules, state = judge.Rules(), _state()
    for d in range(0, 30, 3):
        assert judge.failure_state(state, outcome=Outcome.SERVER_ERROR, now=days(d), rules=rules) == Health.FAILING
    assert judge.failure_state(state, outcome=Outcome.OK, now=days(31), rules=rules) == Health.OK
    assert (state.consecutive_failures, state.gone_strikes) == (0, 0)


def test_it_classifies_statuses():
    cases = {(200, ()): Outcome.OK, (304, ()): Outcome.NOT_MODIFIED, (200, ((301, "x"), (302, "y"))): Outcome.REDIRECTED,
             (200, ((308, "x"),)): Outcome.MOVED, (410, ()): Outcome.NOT_FOUND, (429, ()): Outcome.BLOCKED,
             (502, ()): Outcome.SERVER_ERROR, (418, ()): Outcome.CLIENT_ERROR}
    for (status, hops), outcome in cases.items():
        assert judge.outcome_classify(Fetched(url="u", status=status, hops=list(hops))) == outcome


def test_it_backs_off_stable_urls_and_brings_changed_ones_back_sooner():
    cadence = scheduling.Cadence(base=86400, minimum=3600, maximum=7 * 86400)
    assert scheduling.interval_next(previous=86400, health=Health.OK, changed=False, pending_change=False, cadence=cadence) == 129600
    assert scheduling.interval_next(previous=6 * 86400, health=Health.OK, changed=False, pending_change=False, cadence=cadence) == 7 * 86400
    assert scheduling.interval_next(previous=6 * 86400, health=Health.OK, changed=True, pending_change=False, cadence=cadence) == 3600
    assert scheduling.interval_next(previous=6 * 86400, health=Health.FAILING, changed=False, pending_change=False, cadence=cadence) == 86400


def test_it_jitters_within_the_share_and_respects_retry_after():
    rng = random.Random(4)
    times = [scheduling.next_check_at(now=T0, interval=10000, jitter=0.1, rng=rng) for _ in range(200)]
    assert all(T0 + timedelta(seconds=9000) <= t <= T0 + timedelta(seconds=11000) for t in times)
    assert len(set(times)) > 150
    assert scheduling.next_check_at(now=T0, interval=100, jitter=0.1, not_before=5000) == T0 + timedelta(seconds=5000)


def test_it_reads_retry_after_in_both_forms():
    assert retry_after_parse("120", now=0) == 120
    assert retry_after_parse("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412480 - 60) == 60
    assert retry_after_parse("soon", now=0) is None
