# ruff: noqa: F811  (fixtures imported from tests.checks_helpers)
"""Each case served by a real HTTP server on loopback yields its expected outcome."""

import pytest

from commitments.models.checks import Event, Health, Outcome, QuoteMatch
from tests.checks_helpers import check_url, days, loopback_allowed, origins  # noqa: F401
from tests.checks_server import Request, Response, html, minimal_pdf

QUOTE = "The two countries will support international anti-pandemic cooperation."
PAGE = html(f"<h1>Joint statement</h1><p>First, {QUOTE} Second, they will set an exemplar.</p>")

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("loopback_allowed")]


@pytest.fixture
def evidence_at(make_evidence):
    def make(url: str, excerpt: str = QUOTE):
        return make_evidence(url=url, excerpt=excerpt)
    return make


def test_it_reads_a_page_finds_the_quote_and_keeps_a_snapshot(origins, evidence_at, settings):
    origins.route("/ok", Response(200, PAGE, {"etag": '"v1"'}))
    evidence_at(origins.url("/ok"))
    check, row = check_url(origins.url("/ok"))
    assert (check.outcome, check.status, row.health) == (Outcome.OK, 200, Health.OK)
    assert (check.quote_match, check.quote_score) == (QuoteMatch.EXACT, 100.0)
    assert check.response_ms is not None and len(check.content_hash) == 64 and len(check.text_hash) == 64
    snapshot = row.snapshots.get()
    assert QUOTE in snapshot.text and "var x" not in snapshot.text and "Menu Home" not in snapshot.text
    assert snapshot.headers["etag"] == '"v1"' and snapshot.body_sha256 == check.content_hash
    user_agent = [r for r in origins.log if r.path == "/ok"][-1].headers["user-agent"]
    assert settings.SITE_URL in user_agent


@pytest.mark.parametrize("code", [301, 308])
def test_it_records_a_permanent_move_with_the_new_url(origins, code):
    origins.route(f"/moved-{code}", Response(code, "", {"location": origins.url("/ok", origin=1)}))
    origins.route("/ok", Response(200, PAGE))
    check, row = check_url(origins.url(f"/moved-{code}"))
    assert (check.outcome, row.health, check.event) == (Outcome.MOVED, Health.MOVED, Event.MOVED)
    assert row.moved_to == origins.url("/ok", origin=1) == check.final_url


def test_it_calls_a_temporary_redirect_redirected_not_moved(origins):
    origins.route("/temp", Response(302, "", {"location": "/ok"}))
    origins.route("/ok", Response(200, PAGE))
    check, row = check_url(origins.url("/temp"))
    assert (check.outcome, row.health, row.moved_to) == (Outcome.REDIRECTED, Health.REDIRECTED, "")
    assert check.final_url == origins.url("/ok")


def test_it_stops_a_redirect_loop(origins):
    origins.route("/loop-a", Response(302, "", {"location": origins.url("/loop-b", origin=1)}))
    origins.route("/loop-b", Response(301, "", {"location": origins.url("/loop-a")}))
    check, row = check_url(origins.url("/loop-a"))
    assert (check.outcome, row.health) == (Outcome.REDIRECT_LOOP, Health.FAILING)
    assert origins.hits("/loop-a") <= 2


def test_it_stops_after_too_many_redirects(origins, settings):
    settings.TRACKER_CHECK_MAX_REDIRECTS = 3
    for n in range(6):
        origins.route(f"/hop{n}", Response(302, "", {"location": f"/hop{n + 1}"}))
    check, _ = check_url(origins.url("/hop0"))
    assert check.outcome == Outcome.TOO_MANY_REDIRECTS and origins.hits("/hop4") == 0


def test_it_treats_one_404_as_failing_and_recovers(origins):
    answers = iter([Response(404, "not here"), Response(200, PAGE)])

    async def flaky(request: Request) -> Response:
        return next(answers)

    origins.route("/flaky", flaky)
    check, row = check_url(origins.url("/flaky"), now=days(0))
    assert (check.outcome, row.health, row.consecutive_failures) == (Outcome.NOT_FOUND, Health.FAILING, 1)
    check, row = check_url(origins.url("/flaky"), now=days(1))
    assert (check.outcome, row.health, row.consecutive_failures, row.gone_strikes) == (Outcome.OK, Health.OK, 0, 0)


def test_it_calls_a_410_gone_only_after_three_failures_three_days_apart(origins):
    origins.route("/gone", Response(410, "gone"))
    url = origins.url("/gone")
    healths = [check_url(url, now=days(d))[1].health for d in (0, 1, 2)]  # same-week retries count once
    assert healths == [Health.FAILING] * 3
    assert check_url(url, now=days(3))[1].health == Health.FAILING
    check, row = check_url(url, now=days(6))
    assert (row.health, check.event, row.gone_strikes) == (Health.GONE, Event.GONE, 3)
    assert check_url(url, now=days(13))[0].event == Event.NONE  # reported once


@pytest.mark.parametrize("code", [401, 403])
def test_it_calls_an_auth_wall_blocked_not_dead(origins, code):
    origins.route(f"/auth-{code}", Response(code, "no"))
    check, row = check_url(origins.url(f"/auth-{code}"))
    assert (check.outcome, row.health, row.consecutive_failures) == (Outcome.BLOCKED, Health.BLOCKED, 0)


def test_it_calls_a_challenge_page_blocked(origins):
    origins.route("/challenge", Response(503, "<html><title>Just a moment...</title>cf-chl-bypass</html>"))
    check, row = check_url(origins.url("/challenge"))
    assert (check.outcome, row.health) == (Outcome.BLOCKED, Health.BLOCKED)


def test_it_honours_retry_after_on_429(origins):
    origins.route("/busy", Response(429, "slow down", {"retry-after": str(3 * 86400)}))
    check, row = check_url(origins.url("/busy"), now=days(0))
    assert (check.outcome, row.health) == (Outcome.BLOCKED, Health.BLOCKED)
    assert row.next_check_at >= days(3)


def test_it_reports_a_server_error(origins):
    origins.route("/broken", Response(500, "oops"))
    check, row = check_url(origins.url("/broken"))
    assert (check.outcome, check.status, row.health) == (Outcome.SERVER_ERROR, 500, Health.FAILING)


def test_it_times_out_a_slow_response(origins, settings):
    settings.TRACKER_CHECK_TOTAL_TIMEOUT, answers_after = 0.5, 3
    origins.route("/slow", Response(200, PAGE, delay=answers_after))
    check, row = check_url(origins.url("/slow"))
    assert (check.outcome, row.health) == (Outcome.TIMEOUT, Health.FAILING)
    assert check.response_ms < answers_after * 1000  # it gave up before the origin answered


@pytest.mark.parametrize("chunked", [False, True])
def test_it_refuses_an_oversized_body(origins, settings, chunked):
    settings.TRACKER_CHECK_MAX_BYTES = 10_000
    origins.route("/huge", Response(200, "x" * 50_000, chunked=chunked))
    check, _ = check_url(origins.url("/huge"))
    assert check.outcome == Outcome.TOO_LARGE


def test_a_body_that_is_not_what_its_content_encoding_says_is_its_own_outcome(origins):
    """Issue 22 #8: gzip labelled deflate raised zlib.error out of the fetcher (recorded as a connection failure)."""
    import gzip  # noqa: PLC0415
    import zlib  # noqa: PLC0415

    origins.route("/gzip-as-deflate", Response(200, gzip.compress(PAGE.encode()), {"content-encoding": "deflate"}))
    origins.route("/garbage-gzip", Response(200, b"not compressed at all", {"content-encoding": "gzip"}))
    for path in ("/gzip-as-deflate", "/garbage-gzip"):
        check, row = check_url(origins.url(path))
        assert (check.outcome, row.health) == (Outcome.BAD_ENCODING, Health.FAILING), path
    raw = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    origins.route("/raw-deflate", Response(200, raw.compress(PAGE.encode()) + raw.flush(), {"content-encoding": "deflate"}))
    origins.route("/zlib-deflate", Response(200, zlib.compress(PAGE.encode()), {"content-encoding": "deflate"}))
    origins.route("/gzip", Response(200, gzip.compress(PAGE.encode()), {"content-encoding": "gzip"}))
    for path in ("/raw-deflate", "/zlib-deflate", "/gzip"):  # what browsers read under those labels still reads
        check, row = check_url(origins.url(path))
        assert check.outcome == Outcome.OK and QUOTE in row.snapshots.get().text, path


def test_it_reports_a_change_only_when_it_persists(origins):
    versions = iter([PAGE, PAGE.replace("exemplar", "model"), PAGE.replace("exemplar", "model")])

    async def page(request):
        return Response(200, next(versions))

    origins.route("/changing", page)
    url = origins.url("/changing")
    first, _ = check_url(url, now=days(0))
    second, row = check_url(url, now=days(1))
    assert (second.content_changed, second.event, row.pending_count) == (False, Event.NONE, 1)
    third, row = check_url(url, now=days(2))
    assert (third.content_changed, third.event, row.content_changed_at) == (True, Event.CHANGED, days(2))
    snapshot = row.snapshots.first()
    assert snapshot.url_check == third and "model" in snapshot.text and "exemplar" in snapshot.diff_summary
    assert row.snapshots.count() == 2 and first.text_hash != third.text_hash


def test_it_ignores_a_rotating_banner(origins):
    banners = iter(["Sale today", "Sale tomorrow"] * 3)

    async def page(request):
        return Response(200, PAGE.replace("<h1>", f"<div>{next(banners)}</div><h1>"))

    origins.route("/banner", page)
    checks = [check_url(origins.url("/banner"), now=days(d))[0] for d in range(6)]
    assert not any(c.content_changed for c in checks)


def test_it_notices_when_the_quote_is_removed(origins, evidence_at):
    pages = iter([PAGE, PAGE.replace(QUOTE, "Something else entirely was said on that day.")])

    async def page(request):
        return Response(200, next(pages))

    origins.route("/quote-removed", page)
    evidence_at(origins.url("/quote-removed"))
    check_url(origins.url("/quote-removed"), now=days(0))
    check, row = check_url(origins.url("/quote-removed"), now=days(1))
    assert (check.quote_match, check.event, row.quotes_missing) == (QuoteMatch.MISSING, Event.QUOTE_LOST, 1)


def test_it_finds_a_slightly_reworded_quote_with_a_score(origins, evidence_at):
    reworded = "The two countries shall support international anti-pandemic cooperation."
    origins.route("/reworded", Response(200, html(f"<p>{reworded}</p>")))
    evidence_at(origins.url("/reworded"))
    check, row = check_url(origins.url("/reworded"))
    assert check.quote_match == QuoteMatch.FUZZY and 85 <= check.quote_score < 100
    assert row.quote_score == check.quote_score


def test_it_finds_the_quote_in_typographic_disguise(origins, evidence_at):
    disguised = QUOTE.replace("anti-pandemic", "anti\u2011pandemic").replace("two", "t\u200bwo").upper()
    origins.route("/typography", Response(200, html(f"<p>“{disguised}”</p>")))
    evidence_at(origins.url("/typography"), excerpt=f"“{QUOTE}”")
    assert check_url(origins.url("/typography"))[0].quote_match == QuoteMatch.EXACT


def test_it_finds_the_quote_in_a_pdf(origins, evidence_at):
    origins.route("/statement.pdf", Response(200, minimal_pdf(f"Joint statement. {QUOTE} Done in Moscow."), {"content-type": "application/pdf"}))
    evidence_at(origins.url("/statement.pdf"))
    check, row = check_url(origins.url("/statement.pdf"))
    assert (check.outcome, check.quote_match) == (Outcome.OK, QuoteMatch.EXACT)
    assert QUOTE in row.snapshots.get().text


def test_it_checks_the_quotes_of_a_source_and_reports_the_worst(origins, make_statement, make_source, claim):
    source = claim.source
    source.url = origins.url("/source")
    source.save()
    origins.route("/source", Response(200, html("<p>China and Russia will strengthen cooperation in four areas.</p>")))
    check, row = check_url(origins.url("/source"))
    assert (check.quote_match, row.quotes_total, row.quotes_missing) == (QuoteMatch.MISSING, 2, 1)


def test_it_uses_conditional_requests_with_a_full_get_every_nth_check(origins, settings):
    settings.TRACKER_CHECK_FULL_GET_EVERY = 3

    async def cached(request: Request) -> Response:
        if request.headers.get("if-none-match") == '"v1"':
            return Response(304, "")
        return Response(200, PAGE, {"etag": '"v1"'})

    origins.route("/cached", cached)
    outcomes = [check_url(origins.url("/cached"), now=days(d))[0].outcome for d in range(5)]
    assert outcomes == [Outcome.OK, Outcome.NOT_MODIFIED, Outcome.NOT_MODIFIED, Outcome.OK, Outcome.NOT_MODIFIED]


def test_it_refuses_a_redirect_to_a_private_address(origins):
    origins.route("/to-metadata", Response(302, "", {"location": "http://169.254.169.254/latest/meta-data/"}))
    origins.route("/to-private", Response(301, "", {"location": "http://10.0.0.7/admin"}))
    for path in ("/to-metadata", "/to-private"):
        check, row = check_url(origins.url(path))
        assert (check.outcome, row.health) == (Outcome.REFUSED, Health.REFUSED)
        assert "not a public address" in check.error


def test_it_refuses_a_name_that_resolves_to_loopback_at_connect_time(origins, monkeypatch, settings):
    """DNS rebinding: the URL's name passes, but the address it resolves to is checked when connecting."""
    from commitments.checks.fetch import GuardedBackend

    settings.TRACKER_CHECK_ALLOWED_NETWORKS = []

    async def rebinding(self, host, port):
        return ["127.0.0.1"]

    monkeypatch.setattr(GuardedBackend, "_resolve", rebinding)
    origins.route("/rebind", Response(200, PAGE))
    check, _ = check_url(f"http://rebind.example:{origins.ports[0]}/rebind")
    assert check.outcome == Outcome.REFUSED and "127.0.0.1" in check.error
    assert origins.hits("/rebind") == 0


def test_it_refuses_loopback_without_the_allow_list(origins, settings):
    settings.TRACKER_CHECK_ALLOWED_NETWORKS = []
    origins.route("/private-ok", Response(200, PAGE))
    check, row = check_url(origins.url("/private-ok"))
    assert (check.outcome, row.health) == (Outcome.REFUSED, Health.REFUSED)
    assert origins.hits("/private-ok") == 0


def test_stopping_a_fetch_loop_that_has_just_ended_on_its_own_is_not_an_error():
    """CI once failed here: the last result was taken, the loop closed itself, and `stop()`,
    called while the thread was still unwinding, raised "Event loop is closed"."""
    import threading

    from commitments.checks import pipeline, services

    unwinding = threading.Event()

    class SlowToExit(pipeline.FetchLoop):
        def _run(self) -> None:
            super()._run()  # the event loop is closed when this returns
            unwinding.wait(10)  # the thread is still alive: the window stop() used to fall into

    loop = SlowToExit(config=services.fetch_config_from_settings(), limits=services.limits_from_settings(),
                      redis_url=services.settings.REDIS_URL, threshold=90, max_wait=None).start()
    loop.close()
    for _ in range(200):
        if loop._loop.is_closed():
            break
        threading.Event().wait(0.05)
    assert loop._loop.is_closed() and loop._thread.is_alive()
    try:
        loop.stop(timeout=0.1)  # must not raise
    finally:
        unwinding.set()
    loop._thread.join(5)
    assert not loop._thread.is_alive()
