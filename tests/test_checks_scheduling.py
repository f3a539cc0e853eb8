# ruff: noqa: F811  (fixtures imported from tests.checks_helpers)
"""Claiming due URLs, idempotent batches, the selectors, the admin and the command."""

import json
import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from commitments.checks import scheduling, selectors, services
from commitments.models.checks import Event, MonitoredUrl, UrlCheck
from tests.checks_helpers import T0, check_url, days, loopback_allowed, origins  # noqa: F401
from tests.checks_server import Response, html


def test_it_syncs_every_distinct_linked_url(make_evidence, make_source, db):
    make_source(url="https://a.example/1")
    make_evidence(url="https://a.example/1")
    make_evidence(url="https://b.example/2")
    make_source(url="")
    assert services.monitored_urls_sync(now=T0) == 2
    assert services.monitored_urls_sync(now=T0) == 0
    assert set(MonitoredUrl.objects.values_list("url", flat=True)) == {"https://a.example/1", "https://b.example/2"}


def test_it_claims_due_urls_once(make_evidence, db):
    for n in range(5):
        make_evidence(url=f"https://a.example/{n}")
    services.monitored_urls_sync(now=T0)
    claim, ids = scheduling.due_claim(now=T0, limit=3, lease=900)
    assert len(ids) == 3
    _, more = scheduling.due_claim(now=T0, limit=10, lease=900)
    assert len(more) == 2 and not set(ids) & set(more)
    assert scheduling.due_claim(now=T0 + timedelta(seconds=60), limit=10, lease=900)[1] == []
    assert len(scheduling.due_claim(now=T0 + timedelta(seconds=901), limit=10, lease=900)[1]) == 5  # lease ran out


@pytest.mark.django_db(transaction=True)
def test_it_skips_rows_another_dispatcher_has_locked(make_evidence):
    for n in range(4):
        make_evidence(url=f"https://a.example/{n}")
    services.monitored_urls_sync(now=T0)
    locked, release = threading.Event(), threading.Event()

    def other_dispatcher():
        with transaction.atomic():
            list(MonitoredUrl.objects.select_for_update().order_by("id")[:2])
            locked.set()
            release.wait(10)
        connection.close()

    thread = threading.Thread(target=other_dispatcher)
    thread.start()
    locked.wait(10)
    try:
        _, ids = scheduling.due_claim(now=T0, limit=10, lease=900)
    finally:
        release.set()
        thread.join()
    assert sorted(ids) == sorted(MonitoredUrl.objects.order_by("id").values_list("id", flat=True)[2:])


def test_it_records_a_claimed_url_only_once(origins, loopback_allowed, make_evidence):
    origins.route("/once", Response(200, html("<p>Hello.</p>")))
    make_evidence(url=origins.url("/once"))
    services.monitored_urls_sync(now=T0)
    claim, ids = scheduling.due_claim(now=T0, limit=10, lease=900)
    assert len(ids) == 1
    assert len(services.check_batch_run(ids=ids, claim=str(claim), now=T0)) == 1
    assert services.check_batch_run(ids=ids, claim=str(claim), now=T0) == []  # the claim is spent
    assert UrlCheck.objects.count() == 1 and origins.hits("/once") == 1
    row = MonitoredUrl.objects.get()
    assert row.claim is None and row.next_check_at > T0 + timedelta(hours=20)


def test_it_gives_the_digest_its_events_with_links(origins, loopback_allowed, make_evidence, make_source, django_assert_max_num_queries):
    origins.route("/dead", Response(404, "no"))
    origins.route("/old", Response(301, "", {"location": origins.url("/new", origin=2)}))
    origins.route("/new", Response(200, html("<p>Here now.</p>")))
    source = make_source(url=origins.url("/dead"), title="Joint statement")
    evidence = make_evidence(url=origins.url("/old"), title="News report")
    for d in (0, 3, 6):
        check_url(origins.url("/dead"), now=days(d))
    check_url(origins.url("/old"), now=days(1))
    with django_assert_max_num_queries(3):
        events = selectors.health_events(start=days(0), end=days(7))
    assert [(e.kind, e.url) for e in events] == [(Event.MOVED, origins.url("/old")), (Event.GONE, origins.url("/dead"))]
    moved, gone = events
    assert moved.new_url == origins.url("/new", origin=2) and moved.evidence == [(evidence.pk, "News report")]
    assert gone.sources == [(source.pk, "Joint statement")] and gone.at == days(6) and gone.detail
    assert selectors.health_events(start=days(2), end=days(6)) == []


def test_it_gives_the_api_current_health_in_one_query(db, origins, loopback_allowed, django_assert_num_queries):
    origins.route("/fine", Response(200, html("<p>Fine.</p>")))
    check_url(origins.url("/fine"))
    with django_assert_num_queries(1):
        health = selectors.latest_checks(urls=[origins.url("/fine"), "https://never.example/"])
    assert list(health) == [origins.url("/fine")]
    assert health[origins.url("/fine")].health == "ok" and health[origins.url("/fine")].last_status == 200


def test_it_checks_one_url_by_hand_and_prints_json(db, origins, loopback_allowed, capsys):
    origins.route("/by-hand", Response(200, html("<p>By hand.</p>")))
    call_command("check_sources", "--url", origins.url("/by-hand"))
    printed = json.loads(capsys.readouterr().out)
    assert (printed["outcome"], printed["health"], printed["status"]) == ("ok", "ok", 200)
    assert MonitoredUrl.objects.get().url == origins.url("/by-hand")


def test_it_checks_the_due_urls_by_hand(origins, loopback_allowed, make_evidence, capsys):
    origins.route("/due", Response(200, html("<p>Due.</p>")))
    make_evidence(url=origins.url("/due"))
    call_command("check_sources", "--due")
    assert "1 URLs checked, 0 postponed" in capsys.readouterr().out
    assert UrlCheck.objects.get().outcome == "ok"


def test_the_admin_lists_health_with_filters(admin_client, origins, loopback_allowed, make_evidence, django_assert_max_num_queries):
    for n in range(5):
        origins.route(f"/admin-{n}", Response(200 if n % 2 else 404, html("<p>x</p>")))
        make_evidence(url=origins.url(f"/admin-{n}"), excerpt="x")
        check_url(origins.url(f"/admin-{n}"))
    for query in ("", "?problem=gone", "?problem=moved", "?problem=changed", "?problem=quote_missing", "?health=failing"):
        with django_assert_max_num_queries(8):
            response = admin_client.get(f"/admin/commitments/monitoredurl/{query}")
        assert response.status_code == 200
    assert b"Failing" in admin_client.get("/admin/commitments/monitoredurl/?health=failing").content
    with django_assert_max_num_queries(8):
        assert admin_client.get("/admin/commitments/urlcheck/").status_code == 200
    row = MonitoredUrl.objects.first()
    assert admin_client.get(f"/admin/commitments/monitoredurl/{row.pk}/change/").status_code == 200


def test_it_claims_round_robin_over_origins_a_few_each(make_evidence, db):
    for host in ("a", "b", "c"):
        for n in range(4):
            make_evidence(url=f"https://{host}.example/{n}")
    services.monitored_urls_sync(now=T0)
    portable = scheduling.due_ids(now=T0, limit=5, per_origin=2, busy={"c.example"}, portable=True)  # SQLite's way, same choice
    _, ids = scheduling.due_claim(now=T0, limit=5, lease=60, per_origin=2, busy=["c.example"])
    assert sorted(portable) == sorted(ids)
    urls = list(MonitoredUrl.objects.filter(id__in=ids).values_list("url", flat=True))
    assert sorted(scheduling.claim_origin(url) for url in urls) == ["a.example", "a.example", "b.example", "b.example"]
    _, first_round = scheduling.due_claim(now=T0, limit=3, lease=60, per_origin=2)
    assert sorted(scheduling.claim_origin(url) for url in MonitoredUrl.objects.filter(id__in=first_round).values_list("url", flat=True)) == [
        "a.example", "b.example", "c.example"]  # every origin's oldest first


def test_the_dispatcher_reclaims_lapsed_claims_at_once_and_counts_free_run_slots(make_evidence, db, settings):
    make_evidence(url="https://a.example/1")
    services.monitored_urls_sync(now=T0)
    scheduling.due_claim(now=T0, limit=10, lease=60)
    assert services.checks_dispatch(now=T0 + timedelta(seconds=30)) == (0, 0)  # held, not due
    runs, reclaimed = services.checks_dispatch(now=T0 + timedelta(seconds=61))
    assert (runs, reclaimed) == (settings.TRACKER_CHECK_RUNNERS, 1)
    assert MonitoredUrl.objects.get().claim is None
    slot = scheduling.run_slot_take(slots=settings.TRACKER_CHECK_RUNNERS)
    try:
        assert scheduling.runs_active() == 1
        assert services.checks_dispatch(now=T0 + timedelta(seconds=62))[0] == settings.TRACKER_CHECK_RUNNERS - 1
    finally:
        scheduling.run_slot_release(slot=slot)


def test_the_claim_lease_outlives_a_run_by_a_margin_only(settings):
    from commitments.tasks.checks import check_run

    assert check_run.time_limit == settings.TRACKER_CHECK_RUN_TIME_LIMIT
    assert settings.TRACKER_CHECK_RUN_TIME_LIMIT < settings.TRACKER_CHECK_LEASE <= settings.TRACKER_CHECK_RUN_TIME_LIMIT + 60
    assert settings.TRACKER_CHECK_LEASE < 900  # the old fixed lease
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert max(settings.CELERY_TASK_TIME_LIMIT, settings.TRACKER_CHECK_RUN_TIME_LIMIT) < visibility <= 3600 / 4


@pytest.mark.django_db(transaction=True)
def test_a_run_gives_back_what_a_retry_after_keeps_it_from_and_records_the_rest(origins, loopback_allowed, make_evidence):
    loopback_allowed.TRACKER_CHECK_HOST_RATE = 2.0
    origins.route("/rl-0", Response(429, "slow down", {"retry-after": "120"}))
    for n in (1, 2):
        origins.route(f"/rl-{n}", Response(200, html("<p>Fine.</p>")))
    for n in range(3):
        make_evidence(url=origins.url(f"/rl-{n}", origin=1))
    origins.route("/rl-other", Response(200, html("<p>Other origin.</p>")))
    make_evidence(url=origins.url("/rl-other", origin=2))
    services.monitored_urls_sync(now=T0)
    plan = services.RunPlan(seconds=1, lease=60, per_origin=5, claim_limit=50, claim_every=0.2, max_wait=5)
    report = services.checks_run(clock=lambda: T0, plan=plan)
    assert (report.checked, report.postponed) == (2, 2)
    assert set(UrlCheck.objects.values_list("monitored_url__url", flat=True)) == {origins.url("/rl-0", origin=1), origins.url("/rl-other", origin=2)}
    postponed = MonitoredUrl.objects.filter(url__in=[origins.url(f"/rl-{n}", origin=1) for n in (1, 2)])
    assert all(row.claim is None and row.next_check_at > T0 + timedelta(seconds=100) for row in postponed)
    assert origins.hits("/rl-1") == origins.hits("/rl-2") == 0


def test_run_slots_held_in_another_database_on_the_server_do_not_count(db, settings):
    """Advisory locks are per database, and pg_locks lists the whole server's: only this database's slots are ours."""
    import psycopg
    from django.db import connection

    other = connection.settings_dict
    with psycopg.connect(host=other["HOST"], port=other["PORT"], user=other["USER"], dbname="postgres", autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(%s, 0)", [scheduling.RUN_SLOT_LOCK])  # slot 0, held in the database "postgres"
        assert scheduling.runs_active() == 0
        slot = scheduling.run_slot_take(slots=settings.TRACKER_CHECK_RUNNERS)
        try:
            assert slot == 0 and scheduling.runs_active() == 1  # ours is a different lock, though the same numbers
        finally:
            scheduling.run_slot_release(slot=slot)
