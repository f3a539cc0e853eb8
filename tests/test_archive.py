# ruff: noqa: F811  (fixtures imported from tests.checks_helpers)
"""Archived copies, end to end: a real local origin, the real re-check pipeline, PostgreSQL, the public pages."""

import io

import pytest
from django.test import Client
from warcio.archiveiterator import ArchiveIterator

from commitments.archive.services import captures_prune
from commitments.archive.wayback import wayback_submit_due
from commitments.checks import services as checks
from commitments.models import Capture, Status
from commitments.models.checks import Health, QuoteMatch
from tests.api_support import record_status
from tests.checks_helpers import T0, days, loopback_allowed, origins  # noqa: F401
from tests.checks_server import Request, Response, html

QUOTE = "China and Russia will strengthen cooperation in four areas."
FIRST = html(f"<p>{QUOTE} The ministers met in Moscow. Trade was discussed.</p>")
SECOND = html("<p>The statement was revised. The ministers met in Moscow. Trade was discussed.</p>")

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("loopback_allowed")]


@pytest.fixture(autouse=True)
def archive_dir(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "archive": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path / "archive")},
    }}
    settings.TRACKER_CHECK_CHANGE_CONFIRMATIONS, settings.TRACKER_CHECK_GONE_FAILURES, settings.TRACKER_CHECK_GONE_DAYS = 2, 3, 3
    return tmp_path / "archive"


class Origin:
    """A page whose answer the test changes: (status, body)."""

    def __init__(self, origins, path: str, body: str) -> None:
        self.answer = (200, body)
        self.url = origins.url(path)

        async def serve(request: Request) -> Response:
            return Response(self.answer[0], self.answer[1])

        origins.route(path, serve)


def recheck(url: str, *, now):
    row = checks.monitored_url_ensure(url=url, now=now)
    checks.check_batch_run(ids=[row.id], claim=None, now=now)
    row.refresh_from_db()
    return row


@pytest.fixture
def cited(origins, make_source, make_statement):
    """A point quoted from a source at a live local page."""
    page = Origin(origins, "/archive/statement", FIRST)
    source = make_source(url=page.url, title="Joint statement")
    statement = make_statement(points=1, source=source, slug="archived")
    return page, statement.commitments.get()


def warc_records(data: bytes) -> list:
    return [(r.rec_type, r.rec_headers.get_header("WARC-Target-URI"), r.content_stream().read(), r.rec_headers)
            for r in ArchiveIterator(io.BytesIO(data))]


def test_a_cited_page_is_archived_changes_are_diffed_and_a_gone_page_leads_with_its_copy(cited):
    page, point = cited
    checks.monitored_urls_sync(now=T0)  # cited: the URL is monitored and due at once
    row = recheck(page.url, now=T0)
    first = Capture.objects.get()
    assert (first.kind, first.status, first.target_url, first.monitored_url_id) == ("response", 200, page.url, row.pk)

    html_page = Client().get(point.get_absolute_url()).content.decode()
    assert f'href="/archive/{first.pk}/"' in html_page and "archived copy, <time" in html_page

    download = Client().get(f"/archive/{first.pk}.warc.gz")
    assert download.status_code == 200 and download["Content-Type"] == "application/warc"
    records = warc_records(b"".join(download.streaming_content))
    kinds = {kind: (uri, payload) for kind, uri, payload, _ in records}
    assert kinds["response"][0] == page.url and kinds["response"][1] == FIRST.encode()
    assert kinds["request"][0] == page.url

    page.answer = (200, SECOND)  # the text changes: confirmed on the second sighting
    recheck(page.url, now=days(1))
    assert Capture.objects.count() == 1
    row = recheck(page.url, now=days(2))
    second = Capture.objects.latest("captured_at")
    assert second.pk != first.pk and row.quote_match == QuoteMatch.MISSING
    diff = Client().get(f"/archive/{second.pk}/?compare={first.pk}").content.decode()
    assert f"<del><span class=\"sr-only\">Removed: </span>{QUOTE}</del>" in diff
    assert '<ins><span class="sr-only">Added: </span>The statement was revised.</ins>' in diff
    old = Client().get(f"/archive/{first.pk}/").content.decode()
    assert f'<mark id="quote">{QUOTE}</mark>' in old  # the cited quote, highlighted in the copy that has it

    html_page = Client().get(point.get_absolute_url()).content.decode()
    assert "The live page no longer contains the quote" in html_page

    page.answer = (404, "gone")
    for day in (3, 6, 9):
        row = recheck(page.url, now=days(day))
    assert row.health == Health.GONE
    html_page = Client().get(point.get_absolute_url()).content.decode()
    figure = html_page[html_page.index("<figcaption>"):]
    assert figure.index(f'href="/archive/{second.pk}/"') < figure.index(f'href="{page.url}"')  # the copy leads
    assert "The live page is gone" in figure
    listing = Client().get(point.statement.get_absolute_url()).content.decode()
    sources = listing[listing.index('<ul class="sources">'):]
    assert sources.index(f'href="/archive/{second.pk}/"') < sources.index(f'href="{page.url}"') and "The live page is gone" in sources


def test_the_same_payload_twice_is_a_revisit_record(origins, make_evidence):
    body = html(f"<p>{QUOTE} Same bytes at two addresses.</p>")
    origins.route("/archive/twin-a", Response(200, body))
    origins.route("/archive/twin-b", Response(200, body))
    for path in ("/archive/twin-a", "/archive/twin-b"):
        make_evidence(url=origins.url(path), excerpt=QUOTE)
        recheck(origins.url(path), now=T0)
    original, revisit = Capture.objects.order_by("id")
    assert (original.kind, revisit.kind, revisit.revisit_of_id) == ("response", "revisit", original.pk)
    records = warc_records(b"".join(Client().get(f"/archive/{revisit.pk}.warc.gz").streaming_content))
    [(_, uri, _, headers)] = [r for r in records if r[0] == "revisit"]
    assert uri == origins.url("/archive/twin-b")
    assert headers.get_header("WARC-Refers-To-Target-URI") == origins.url("/archive/twin-a")
    assert headers.get_header("WARC-Payload-Digest") == original.warc_payload_digest
    assert revisit.warc_bytes < original.warc_bytes
    sandboxed = Client().get(f"/archive/{revisit.pk}/sandboxed/")
    assert sandboxed.content == body.encode()  # the payload comes from the original's record


def test_a_capture_that_fails_is_recorded_and_the_check_goes_on(origins, make_evidence, settings, archive_dir):
    archive_dir.parent.mkdir(exist_ok=True)
    blocker = archive_dir.parent / "not-a-directory"
    blocker.write_text("a file where the archive folder should be")
    settings.STORAGES = {**settings.STORAGES, "archive": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(blocker)},
    }}
    origins.route("/archive/unstorable", Response(200, html(f"<p>{QUOTE}</p>")))
    make_evidence(url=origins.url("/archive/unstorable"), excerpt=QUOTE)
    row = recheck(origins.url("/archive/unstorable"), now=T0)
    capture = Capture.objects.get()
    assert capture.kind == "failed" and capture.error and not capture.warc_name
    assert row.snapshots.count() == 1 and row.health == Health.OK  # the re-check recorded its result all the same


def test_captured_html_never_runs_on_our_origin(origins, make_evidence):
    evil = html("<p>Hello <b>reader</b>.</p><script>document.title='pwned'</script>"
                "<p>&lt;script&gt;alert(1)&lt;/script&gt; and <img src=x onerror=alert(2)></p>")
    origins.route("/archive/evil", Response(200, evil))
    make_evidence(url=origins.url("/archive/evil"))
    recheck(origins.url("/archive/evil"), now=T0)
    capture = Capture.objects.get()
    page = Client().get(f"/archive/{capture.pk}/")
    text = page.content.decode()
    assert "<script>alert(1)" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "onerror" not in text and "<b>reader</b>" not in text
    assert '<iframe class="sandboxed" sandbox=""' in text
    view = Client().get(f"/archive/{capture.pk}/sandboxed/")
    policy = view["Content-Security-Policy"]
    assert policy.startswith("sandbox;") and "allow-scripts" not in policy and "allow-same-origin" not in policy
    assert "default-src 'none'" in policy and view["X-Content-Type-Options"] == "nosniff"
    assert view["X-Frame-Options"] == "SAMEORIGIN"


def test_the_capture_page_has_a_fixed_number_of_queries(origins, make_evidence, django_assert_max_num_queries, settings):
    settings.TRACKER_CHECK_CHANGE_CONFIRMATIONS = 1
    origins.route("/archive/many", Response(200, html(f"<p>{QUOTE}</p>")))
    make_evidence(url=origins.url("/archive/many"), excerpt=QUOTE)
    recheck(origins.url("/archive/many"), now=T0)
    pk = Capture.objects.get().pk
    for n in range(1, 6):  # more captures of the same URL (as after changes)
        origins.route("/archive/many", Response(200, html(f"<p>{QUOTE} Version {n}.</p>")))
        recheck(origins.url("/archive/many"), now=days(n))
    assert Capture.objects.count() >= 3
    with django_assert_max_num_queries(8):  # capture, its URL's captures, the compared one, 4 for the quotes, 1 site-wide
        assert Client().get(f"/archive/{pk}/?compare={Capture.objects.latest('captured_at').pk}").status_code == 200


def test_retention_prunes_old_captures_but_keeps_the_newest(origins, make_evidence, settings, archive_dir):
    settings.TRACKER_CHECK_CHANGE_CONFIRMATIONS = 1
    make_evidence(url=origins.url("/archive/kept"))
    for n in range(5):
        origins.route("/archive/kept", Response(200, html(f"<p>Version {n} of the page.</p>")))
        recheck(origins.url("/archive/kept"), now=days(n * 10))
    assert Capture.objects.count() == 5
    settings.TRACKER_ARCHIVE_KEEP_DAYS, settings.TRACKER_ARCHIVE_KEEP_LATEST = 15, 2
    files_before = sorted(p.name for p in archive_dir.rglob("*.warc.gz"))
    assert captures_prune(now=days(45)) == 3  # days 0, 10, 20 are older than 15 days and not among the newest 2
    kept = list(Capture.objects.order_by("captured_at").values_list("captured_at", flat=True))
    assert kept == [days(30), days(40)]
    assert len(list(archive_dir.rglob("*.warc.gz"))) == 2 < len(files_before)


def test_it_submits_new_captures_to_a_wayback_stand_in_with_retries(origins, make_evidence, settings):
    settings.TRACKER_ARCHIVE_WAYBACK, settings.TRACKER_ARCHIVE_WAYBACK_ENDPOINT = True, origins.url("/save/", origin=2)
    settings.TRACKER_ARCHIVE_WAYBACK_PER_MINUTE, settings.TRACKER_ARCHIVE_WAYBACK_TRIES = 1, 3
    answers = [Response(503, "busy"), Response(302, "", {"location": origins.url("/web/2026/saved", origin=2)})]

    async def save(request: Request) -> Response:
        return answers.pop(0)

    for path in ("/archive/spn-a", "/archive/spn-b"):
        origins.route(path, Response(200, html(f"<p>{QUOTE} {path}</p>")))
        make_evidence(url=origins.url(path))
        recheck(origins.url(path), now=T0)
        origins.route(f"/save/{origins.url(path)}", save)
    first, second = Capture.objects.order_by("id")
    assert first.wayback_state == second.wayback_state == "pending"

    report = wayback_submit_due(now=T0)  # one a minute: only the first goes, and the stand-in is busy
    assert (report.sent, report.retry) == (0, 1)
    first.refresh_from_db()
    assert first.wayback_attempts == 1 and first.wayback_next_at > T0
    report = wayback_submit_due(now=T0)  # the second one's turn; the first waits for its backoff
    second.refresh_from_db()
    assert report.sent == 1 and second.wayback_state == "sent" and second.wayback_url == origins.url("/web/2026/saved", origin=2)
    assert origins.hits(f"/save/{origins.url('/archive/spn-a')}") == 1


def test_wayback_is_off_by_default(origins, make_evidence):
    origins.route("/archive/quiet", Response(200, html(f"<p>{QUOTE}</p>")))
    make_evidence(url=origins.url("/archive/quiet"))
    recheck(origins.url("/archive/quiet"), now=T0)
    assert Capture.objects.get().wayback_state == ""
    assert wayback_submit_due(now=T0).sent == 0


def test_staff_see_citations_that_broke_side_by_side(cited, alice, client, make_evidence, admin_user):
    page, point = cited
    evidence = make_evidence(url=page.url, title="The joint statement page", excerpt=QUOTE)
    recheck(page.url, now=T0)
    record_status(point, alice, Status.IN_PROGRESS, T0.date(), evidence=[evidence])
    page.answer = (200, SECOND)
    recheck(page.url, now=days(400))
    recheck(page.url, now=days(401))
    client.force_login(admin_user)
    text = client.get("/admin/commitments/capture/broken/").content.decode()
    first, second = Capture.objects.order_by("captured_at")
    assert "The joint statement page (evidence) — quote missing" in text  # the evidence the status cites
    assert "Joint statement (source) — quote missing" in text  # and the source the point is quoted from
    assert f"/archive/{first.pk}/" in text and f"/archive/{second.pk}/" in text
    assert "− " + QUOTE in text and "+ The statement was revised." in text


def test_the_staff_daily_mail_lists_citations_that_broke_since_the_last_one(cited, alice, make_evidence):
    from django.core import mail

    from commitments.models.watch import InboxMailOptIn
    from commitments.watch.notify import inbox_mail_send

    page, point = cited
    evidence = make_evidence(url=page.url, title="The joint statement page", excerpt=QUOTE)
    recheck(page.url, now=T0)
    record_status(point, alice, Status.IN_PROGRESS, T0.date(), evidence=[evidence])
    InboxMailOptIn.objects.create(user=alice, last_sent_at=days(399))
    page.answer = (200, SECOND)
    recheck(page.url, now=days(400))
    recheck(page.url, now=days(401))
    assert inbox_mail_send(now=days(402)) == 1
    [message] = mail.outbox
    assert "citation" in message.subject and "The joint statement page (evidence): quote missing" in message.body
    assert "/admin/commitments/capture/broken/" in message.body
    assert inbox_mail_send(now=days(402.1)) == 0  # at most daily
