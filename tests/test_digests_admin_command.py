"""send_digests by hand, the staff admin (subscribers, preview, deliveries) and the source health section."""

from datetime import UTC, datetime
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from commitments.digests.build import digest_content
from commitments.digests.changes import Filter, week_changes_load
from commitments.digests.delivery import digest_render
from commitments.models import DigestDelivery
from tests.digests_week import WEEK, parts

pytest_plugins = ["tests.digests_support"]


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("send_digests", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_sends_one_unfiltered_digest_to_any_address(week, smtp, make_subscriber):
    make_subscriber("kz@example.org", parties=[week.kz])

    _, err = run("--week", "2024-W10", "--to", "you@example.org")

    [message] = smtp.messages
    assert message["To"] == "you@example.org" and "7 changes" in err
    assert "Talks suspended" in parts(message)[0] and "Ratified by parliament" in parts(message)[0]
    assert not DigestDelivery.objects.exists()


def test_it_prints_the_digest_with_the_console_backend(week, settings, capsys):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

    run("--week", "2024-W10", "--to", "you@example.org")

    printed = capsys.readouterr().out
    assert "To: you@example.org" in printed and "Ratified by parliament" in printed


def test_it_reports_without_sending_on_a_dry_run_then_sends_once(week, smtp, make_subscriber):
    make_subscriber("reader@example.org")
    make_subscriber("kz@example.org", parties=[week.kz])

    out, _ = run("--week", "2024-W10", "--dry-run")

    assert "kz@example.org: 3 changes" in out and "would send 2" in out
    assert smtp.messages == [] and not DigestDelivery.objects.exists()
    assert "sent 2," in run("--week", "2024-W10")[0]
    assert "sent 0, empty 0, already done 2" in run("--week", "2024-W10")[0]
    assert len(smtp.messages) == 2


def test_it_rejects_a_malformed_week(db):
    with pytest.raises(CommandError, match="YYYY-Www"):
        run("--week", "last")


def test_it_renders_source_health_events_when_there_are_some(week):
    events = [{"title": "Astana declaration (Akorda)", "url": "https://akorda.kz/gone", "kind": "gone", "detail": "404 since 5 March",
               "at": datetime(2024, 3, 5, tzinfo=UTC), "commitment_ids": [week.c_kz.pk]}]
    changes = week_changes_load(period=WEEK, health_events=events)

    everything = digest_render(content=digest_content(changes=changes, digest_filter=Filter()), unsubscribe="https://x/u/")
    russia = digest_render(content=digest_content(changes=changes, digest_filter=Filter(party_ids=frozenset({week.ru.pk}))), unsubscribe="https://x/u/")

    for part in (everything.text, everything.html):
        assert "Source health (1)" in part and "Astana declaration (Akorda)" in part and "https://akorda.kz/gone" in part
        assert "Gone" in part and "404 since 5 March" in part
    assert "Source health" not in russia.text  # the event is about Kazakhstan's point


@pytest.fixture
def staff_client(client, db):
    user = User.objects.create_superuser("root", "root@example.org", "pw-for-tests-only")
    client.force_login(user)
    return client


def test_it_lists_filters_and_searches_subscribers_with_few_queries(week, staff_client, make_subscriber, django_assert_max_num_queries):
    for n in range(15):
        make_subscriber(f"r{n}@example.org", parties=[week.kz], themes=[week.theme])
    make_subscriber("pending@example.org", confirmed=False)

    with django_assert_max_num_queries(14):
        page = staff_client.get("/admin/commitments/subscriber/")

    assert page.status_code == 200 and b"r14@example.org" in page.content
    pending = staff_client.get("/admin/commitments/subscriber/?state=pending").content
    assert b"pending@example.org" in pending and b"r3@example.org" not in pending
    assert b"r3@example.org" in staff_client.get("/admin/commitments/subscriber/?q=r3@").content


def test_it_previews_any_subscribers_digest_for_any_week(week, staff_client, make_subscriber, charlie, client):
    subscriber = make_subscriber("kz@example.org", parties=[week.kz])

    page = staff_client.get(f"/admin/commitments/subscriber/{subscriber.pk}/preview/?week=2024-W10")
    empty = staff_client.get(f"/admin/commitments/subscriber/{subscriber.pk}/preview/?week=2024-W02")
    wrong = staff_client.get(f"/admin/commitments/subscriber/{subscriber.pk}/preview/?week=soon")

    assert page.status_code == 200 and b"Ratified by parliament" in page.content and b"Talks suspended" not in page.content
    assert b"List-Unsubscribe-Post" in page.content
    assert b"An empty week" in empty.content
    assert b"YYYY-Www" in wrong.content
    client.force_login(charlie)  # staff without permission on subscribers
    assert client.get(f"/admin/commitments/subscriber/{subscriber.pk}/preview/").status_code == 403


def test_it_shows_deliveries_read_only(week, smtp, staff_client, make_subscriber):
    make_subscriber("reader@example.org")
    run("--week", "2024-W10")
    delivery = DigestDelivery.objects.get()

    assert b"reader@example.org" in staff_client.get("/admin/commitments/digestdelivery/").content
    assert staff_client.get("/admin/commitments/digestdelivery/add/").status_code == 403
    assert staff_client.post(f"/admin/commitments/digestdelivery/{delivery.pk}/delete/", {"post": "yes"}).status_code == 403
    assert DigestDelivery.objects.get().status == "sent"


def test_it_reports_a_source_that_went_gone_from_the_real_check_history(week):
    from commitments.models import Evidence, MonitoredUrl, UrlCheck

    gone_at = datetime(2024, 3, 6, 9, tzinfo=UTC)
    evidence = Evidence.objects.get(url="https://news.example.org/kz-ratified")
    url = MonitoredUrl.objects.create(url=evidence.url, added_at=gone_at, next_check_at=gone_at)
    UrlCheck.objects.create(monitored_url=url, checked_at=gone_at, status=410, outcome="not_found", health="gone",
                            event="gone", detail="410 Gone, third failure in 6 days", quote_match="missing")

    changes = week_changes_load(period=WEEK)

    kazakhstan = digest_render(content=digest_content(changes=changes, digest_filter=Filter(party_ids=frozenset({week.kz.pk}))),
                               unsubscribe="https://x/u/")
    russia = digest_render(content=digest_content(changes=changes, digest_filter=Filter(party_ids=frozenset({week.ru.pk}))),
                           unsubscribe="https://x/u/")
    for part in (kazakhstan.text, kazakhstan.html):
        assert "Source health (1)" in part
        assert "Parliament ratifies the clinic deal" in part and "410 Gone, third failure in 6 days" in part
    assert "Source health" not in russia.text  # the evidence backs Kazakhstan's point only
