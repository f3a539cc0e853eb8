"""The second hardening probe (issue 22), replayed against this code: one line per finding, what it does now.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker python bench/probe.py [--smoke] [--faults N] [--fresh]

Each scenario replays what the probe of issue 22 did, on one machine, through the public functions and
Django's test client with DEBUG off, on a database of its own (DATABASE_URL's name + _probe: migrated once
and kept, each scenario rolled back; --fresh recreates it). It prints the finding, what happened then and
what happens now, and exits 1 if any scenario shows the defect again.

The two fault scenarios need real processes (a Celery worker killed with SIGKILL under a real SMTP server;
two fetching processes on one origin while a throwaway redis-server is stopped): --faults N runs their
tests N times (tests/test_digests_worker.py, tests/test_checks_politeness.py) and counts the runs that held.
--smoke runs every other scenario at a tenth of the sizes, in seconds once the database exists.
"""

import argparse
import gzip
import io
import os
import re
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.support import database_create, database_name, database_url  # noqa: E402 - after the path is set

SCENARIOS: list[tuple[str, str, object]] = []


def scenario(number: str, finding: str):
    def register(fn):
        SCENARIOS.append((number, finding, fn))
        return fn

    return register


class Failed(Exception):
    """The defect is back: the message says what was seen."""


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise Failed(message)


# --- helpers -----------------------------------------------------------------------------------------------------


def users():
    from django.contrib.auth.models import Group, User

    from commitments.roles import roles_ensure

    roles_ensure()
    made = {}
    for name, group in (("probe-viewer", "Viewers"), ("probe-editor", "Editors"), ("probe-reviewer", "Reviewers")):
        user, _ = User.objects.get_or_create(username=name, defaults={"is_staff": True, "email": ""})
        user.groups.add(Group.objects.get(name=group))
        made[name.split("-")[1]] = user
    made["admin"], _ = User.objects.get_or_create(username="probe-admin", defaults={"is_staff": True, "is_superuser": True})
    return made


def statement_with_points(text: str = "China and Russia will strengthen cooperation in four areas."):
    from datetime import date

    from commitments.models import Commitment, Party, Rendering, Source, Statement

    party, _ = Party.objects.get_or_create(slug="probe-china", defaults={"name": "Probe China", "kind": "country"})
    source = Source.objects.create(slug=f"probe-{time.monotonic_ns()}", title="Joint statement", publisher="Xinhua",
                                   published_on=date(2024, 1, 1), language="en", full_text=text)
    statement = Statement.objects.create(slug=source.slug, title="Probe statement", announced_by="A minister", announcing_party=party,
                                         announced_on=date(2024, 1, 1), announced_count=1, count_kind="announced")
    statement.sources.add(source)
    commitment = Commitment.objects.create(statement=statement, ordinal=1, title="Cooperation", source=source, quote=text)
    Rendering.objects.create(commitment=commitment, source=source, text=text, start=0, end=len(text), language="en", is_primary=True)
    return statement, commitment


class _Origin(BaseHTTPRequestHandler):
    routes: dict[str, tuple[bytes, dict]] = {}

    def do_GET(self):  # noqa: N802 (http.server's name)
        body, headers = self.routes.get(self.path, (b"", {}))
        self.send_response(200 if self.path in self.routes else 404)
        for key, value in {"Content-Type": "text/html; charset=utf-8", "Content-Length": str(len(body)), **headers}.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


# --- the scenarios -----------------------------------------------------------------------------------------------


@scenario("2a", "extraction quadratic on one long line (1 MB 1.1 s, 3 MB 12.6 s)")
def extraction_linear(size_kb: int):
    from commitments.intake.extract import extract

    sentence = "The two sides agreed to strengthen cooperation in trade. "
    extract(sentence * 20)  # the language detector loads its models once per process: not part of the timing
    times = {}
    for kb in (size_kb, 3 * size_kb):
        text = (sentence * (kb * 1024 // len(sentence) + 1))[: kb * 1024]
        started = time.perf_counter()
        extract(text)
        times[kb] = time.perf_counter() - started
    ratio = times[3 * size_kb] / max(times[size_kb], 1e-6)
    expect(ratio < 6, f"3x the text took {ratio:.1f}x the time")
    return f"{size_kb} KB {times[size_kb]:.2f} s, {3 * size_kb} KB {times[3 * size_kb]:.2f} s: x{ratio:.1f} for 3x the text"


@scenario("2b", "HTML nested 100,000 deep: 24 s of CPU")
def html_depth(_size):
    from commitments.intake.reading import ReadError, text_from_bytes

    body = b"<html><body>" + b"<div>" * 100_000 + b"<p>Four points.</p>" + b"</div>" * 100_000 + b"</body></html>"
    started = time.process_time()
    try:
        text_from_bytes(body, content_type="text/html")
    except ReadError as error:
        return f"refused in {time.process_time() - started:.2f} s CPU: {str(error)[:60]}..."
    raise Failed("a 100,000-deep page was read")


@scenario("2c", "a 60,000-page PDF: 18 s and 409 MB")
def pdf_pages(_size):
    from pypdf import PdfWriter

    from commitments.intake.reading import MAX_PDF_PAGES, ReadError, text_from_bytes

    writer = PdfWriter()
    for _ in range(MAX_PDF_PAGES + 1):
        writer.add_blank_page(width=72, height=72)
    body = io.BytesIO()
    writer.write(body)
    started = time.process_time()
    try:
        text_from_bytes(body.getvalue(), content_type="application/pdf")
    except ReadError as error:
        return f"{MAX_PDF_PAGES + 1:,} pages refused in {time.process_time() - started:.2f} s CPU: {str(error)[:50]}..."
    raise Failed("a PDF past the cap was read")


@scenario("3", "a Viewer reads subscribers' addresses and IPs through GET /api/v1/audit/")
def audit_viewer(_size):
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from commitments.models import Subscriber

    people = users()
    Subscriber.objects.create(email="private.person@example.org")
    client = Client(REMOTE_ADDR="203.0.113.9")
    token, _ = Token.objects.get_or_create(user=people["viewer"])
    listing = client.get("/api/v1/audit/?model=subscriber", HTTP_AUTHORIZATION=f"Token {token.key}")
    body = client.get("/api/v1/audit/", HTTP_AUTHORIZATION=f"Token {token.key}").content.decode()
    entries = len(listing.json()["results"]) if listing.status_code == 200 else 0
    leaked = ("private.person" in body) + ("203.0.113.9" in body)
    expect(entries == 0 and leaked == 0, f"{entries} subscriber entries, {leaked} personal values")
    return f"subscriber entries {entries} ({listing.status_code}), addresses or IPs in the whole list {leaked}"


SSRF = ["192.0.0.192", "192.0.0.8", "192.0.0.170", "127.0.0.1", "169.254.169.254", "10.0.0.1", "100.64.0.1", "198.18.0.1", "0.0.0.0",
        "224.0.0.1", "255.255.255.255", "::1", "fc00::1", "fe80::1", "2001:db8::1", "64:ff9b::7f00:1", "::ffff:127.0.0.1", "2002:7f00:1::1"]
PUBLIC = ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "93.184.216.34"]


@scenario("4", "SSRF guard let 192.0.0.192 (cloud metadata) and 192.0.0.8 through")
def ssrf(_size):
    from commitments.checks.security import address_refusal
    from commitments.checks.special_addresses import IPV4_SPECIAL, IPV6_SPECIAL

    registry = [str(block.network[n]) for block in (*IPV4_SPECIAL, *IPV6_SPECIAL) if not block.embeds_ipv4 for n in (0, -1)]
    through = [a for a in SSRF + registry if not address_refusal(a)]
    wrongly = [a for a in PUBLIC if address_refusal(a)]
    expect(not through and not wrongly, f"let through {through[:5]}, refused public {wrongly}")
    return f"{len(SSRF)} named + {len(registry)} registry-range edges refused, 0 through; {len(PUBLIC)} public addresses allowed"


SPELLINGS = ["victim@example.org", "VICTIM@EXAMPLE.ORG", "\uff56\uff49\uff43\uff54\uff49\uff4d@example.org", "victim@exam\u00adple.org",
             "victim@example.org.", "victim@exam\u200bple.org", "Victim@Example.Org", "victim@\uff45xample.org", " victim\u00ad@example.org "]


@scenario("5", "per-address subscribe limit bypassed by spellings of one mailbox (9 mails to one inbox)")
def subscribe_spellings(_size):
    from django.core import mail
    from django.core.cache import cache
    from django.test import Client, override_settings

    cache.clear()
    with override_settings(TRACKER_SUBSCRIBE_PER_ADDRESS_PER_DAY=2, TRACKER_SUBSCRIBE_PER_IP_PER_HOUR=100,
                           EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        mail.outbox = []
        answers = [Client().post("/subscribe/", {"email": spelling}).status_code for spelling in SPELLINGS]
        sent = len(mail.outbox)
    expect(sent <= 2, f"{sent} confirmation mails to one mailbox")
    return f"{len(SPELLINGS)} spellings: answers {sorted(set(answers))}, {sent} confirmation mails (limit 2)"


@scenario("7", "public 500s: /changes/?week=9999-W52, its feed, the digest preview")
def edge_week(_size):
    from django.test import Client

    from commitments.models import Subscriber

    people = users()
    client = Client()
    statuses = [client.get(path).status_code for path in ("/changes/?week=9999-W52", "/changes/feed.atom?week=9999-W52")]
    client.force_login(people["admin"])
    subscriber = Subscriber.objects.create(email="preview@example.org")
    statuses.append(client.get(f"/admin/commitments/subscriber/{subscriber.pk}/preview/?week=9999-W52").status_code)
    expect(all(status < 500 for status in statuses), f"answers {statuses}")
    return f"answers {statuses}"


@scenario("8", "intake 500 when Content-Encoding does not match the body (gzip labelled deflate)")
def bad_encoding(_size):
    from django.test import override_settings

    from commitments.checks.services import fetch_urls

    _Origin.routes = {"/lies": (gzip.compress(b"<p>Four points.</p>"), {"Content-Encoding": "deflate"})}
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Origin)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with override_settings(TRACKER_CHECK_ALLOWED_NETWORKS=["127.0.0.0/8"]):
            [fetched] = fetch_urls([f"http://127.0.0.1:{server.server_port}/lies"])
    finally:
        server.shutdown()
    expect(fetched.error_kind == "bad_encoding", f"error_kind {fetched.error_kind!r}")
    return f"recorded as {fetched.error_kind!r}: {fetched.error[:50]}"


def _form_data(page: str) -> dict:
    """What a browser submits from a page's form, unchanged (inputs, textareas, selected options, ticked boxes)."""
    import html

    data: dict = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
        checkbox = 'type="checkbox"' in tag
        if name is not None and (not checkbox or " checked" in tag):
            data[name[1]] = html.unescape(value[1]) if value else ("on" if checkbox else "")
    for attrs, value in re.findall(r"<textarea([^>]*)>(.*?)</textarea>", page, re.S):
        data[re.search(r'name="([^"]+)"', attrs)[1]] = html.unescape(value.removeprefix("\n"))
    for name, options in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', options)
        data[name] = chosen[1] if chosen else ""
    data.pop("save", None)
    return data


@scenario("9", "admin intake save 500 on a set with no points")
def intake_empty_set(_size):
    import json

    from django.test import Client

    from commitments.models import Party, Statement

    people = users()
    text = next(o["fields"]["full_text"] for o in json.loads((BASE_DIR / "fixtures" / "sources.json").read_text())
                if o["fields"]["slug"] == "china-news-2020-07-16-china-central-asia-meeting")
    party, _ = Party.objects.get_or_create(slug="china", defaults={"name": "China", "kind": "country"})
    client = Client()
    client.force_login(people["admin"])
    url = "/admin/commitments/statement/intake/"
    data = _form_data(client.post(url, {"text": text, "extract": "1"}).content.decode())
    data.update({"title": "China + Central Asia", "publisher": "China News", "language": "en", "set-0-announced_by": "Wang Yi",
                 "set-0-announcing_party": str(party.pk), "set-0-announced_on": "2020-07-16", "save": "1"})
    for n in range(int(data["set-0-points-TOTAL_FORMS"])):
        data[f"set-0-points-{n}-DELETE"] = "on"
    before = Statement.objects.count()
    response = client.post(url, data)
    expect(response.status_code < 500 and Statement.objects.count() == before, f"answer {response.status_code}")
    errors = re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.content.decode(), re.S)
    said = [re.sub(r"<[^>]+>", "", error).strip() for error in errors]
    expect("A set needs at least one point." in said, f"errors {said}")
    return f"answer {response.status_code}, nothing saved; the set says \"A set needs at least one point.\""


@scenario("10", "an Editor replaced a public quote with a primary rendering")
def editor_primary_rendering(_size):
    from rest_framework.test import APIClient

    from commitments.models import Commitment, Source

    people = users()
    _, commitment = statement_with_points()
    Source.objects.create(slug="probe-tass", title="TASS", publisher="TASS", language="en", full_text="Intro. China.")
    api = APIClient()
    api.force_authenticate(people["editor"])
    response = api.post(f"/api/v1/commitments/{commitment.pk}/renderings/", {"source": "probe-tass", "text": "China.", "is_primary": True},
                        format="json")
    quote = Commitment.objects.get(pk=commitment.pk).quote
    expect(quote == commitment.quote, f"the public quote became {quote!r}")
    return f"answer {response.status_code} (a proposal), public quote unchanged"


@scenario("14c", "a proposal changed the ETag of pages where nothing public changed")
def etag(_size):
    from datetime import date

    from django.test import Client

    from commitments.services import status_update_record

    people = users()
    statement, commitment = statement_with_points()
    paths = ["/", statement.get_absolute_url(), commitment.get_absolute_url(), "/changes/"]
    before = [Client().get(path)["ETag"] for path in paths]
    status_update_record(commitment=commitment, status="stalled", effective_on=date(2024, 3, 1), rationale="r", author=people["editor"])
    changed = [path for path, tag in zip(paths, before, strict=True) if Client().get(path)["ETag"] != tag]
    expect(not changed, f"changed on {changed}")
    return f"{len(paths)} pages, ETag changed on {len(changed)}"


@scenario("14d", "unsubscribing left no audit entry")
def unsubscribe_audit(_size):
    from auditlog.models import LogEntry
    from django.test import Client

    from commitments.digests.subscriptions import unsubscribe_token
    from commitments.models import Subscriber

    subscriber = Subscriber.objects.create(email="leaving@example.org", confirmed_at="2024-01-01T00:00:00Z")
    before = LogEntry.objects.count()
    Client().post(f"/unsubscribe/{unsubscribe_token(subscriber_id=subscriber.pk)}/")
    entries = LogEntry.objects.count() - before
    expect(entries == 1, f"{entries} audit entries")
    return "1 audit entry"


@scenario("11", "history trigger gaps for direct SQL: TRUNCATE CASCADE, insert published, self-publishing")
def history_trigger(_size):
    from django.db import DatabaseError, connection, transaction

    from commitments.services import status_update_record

    people = users()
    _, commitment = statement_with_points()
    from datetime import date

    row = status_update_record(commitment=commitment, status="in_progress", effective_on=date(2024, 1, 1), rationale="r", author=people["editor"])
    attempts = {
        "TRUNCATE commitments_commitment CASCADE": ("TRUNCATE commitments_commitment CASCADE", []),
        "INSERT ... 'published'": (
            "INSERT INTO commitments_statusupdate (commitment_id, status, effective_on, rationale, author_id, recorded_at, review_state, "
            "review_comment, reviewer_id, published_at) VALUES (%s, 'fulfilled', '2024-01-01', 'r', %s, now(), 'published', '', %s, now())",
            [commitment.pk, people["editor"].pk, people["reviewer"].pk]),
        "UPDATE ... reviewer_id = author_id": (
            "UPDATE commitments_statusupdate SET review_state = 'published', reviewer_id = author_id, reviewed_at = now(), published_at = now() "
            "WHERE id = %s", [row.pk]),
    }
    refused = []
    for name, (sql, params) in attempts.items():
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL commitments.allow_truncate = 'off'")
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(sql, params)
        except DatabaseError:
            refused.append(name)
    expect(len(refused) == len(attempts), f"went through: {sorted(set(attempts) - set(refused))}")
    return f"{len(refused)} of {len(attempts)} refused by the database"


@scenario("12", "a confirmation link works again after unsubscribing")
def confirm_after_unsubscribe(_size):
    from django.core import mail
    from django.core.cache import cache
    from django.test import Client, override_settings

    from commitments.digests.subscriptions import unsubscribe_token
    from commitments.models import Subscriber

    cache.clear()
    client = Client()
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        mail.outbox = []
        client.post("/subscribe/", {"email": "again@example.org"})
        link = re.search(r"https?://[^/\s]+(/subscribe/confirm/[^/\s]+/)", mail.outbox[0].body)[1]
        client.post(link)
        subscriber = Subscriber.objects.get(email="again@example.org")
        client.post(f"/unsubscribe/{unsubscribe_token(subscriber_id=subscriber.pk)}/")
        answer = client.post(link).status_code
    subscriber.refresh_from_db()
    expect(subscriber.unsubscribed_at is not None, "the old link subscribed the address again")
    return f"old link after unsubscribing: {answer}, still unsubscribed"


@scenario("13", "open redirect in the admin review decision (next=https://evil.example/x)")
def open_redirect(_size):
    from datetime import date

    from django.test import Client
    from django.urls import reverse

    from commitments.services import status_update_record

    people = users()
    _, commitment = statement_with_points()
    locations = []
    for evil in ("https://evil.example/x", "//evil.example/x", "/\\evil.example/x"):
        row = status_update_record(commitment=commitment, status="in_progress", effective_on=date(2024, 2, 1), rationale="r",
                                   author=people["editor"])
        client = Client()
        client.force_login(people["reviewer"])
        response = client.post(reverse("review-decide", args=["status", row.pk]), {"decision": "reject", "comment": "No.", "next": evil})
        locations.append(response.get("Location", ""))
    off_site = [location for location in locations if "evil" in location]
    expect(not off_site, f"redirected to {off_site}")
    return f"3 spellings of an off-site next: redirected to {sorted(set(locations))}"


@scenario("14a", "U+202E and other invisible controls reached public pages raw")
def bidi(_size):
    from django.test import Client

    from commitments.models import Commitment

    text = "Cooperation in four\u202e areas\u2066."
    _, commitment = statement_with_points(text)
    Commitment.objects.filter(pk=commitment.pk).update(title="Title\u202e stored before the rule")
    commitment.title = "Typed\u202e today\u200f"
    commitment.save()
    page = Client().get(Commitment.objects.get(pk=commitment.pk).get_absolute_url()).content.decode()
    raw = len(re.findall("[\u061c\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069]", page))
    expect(raw == 0 and Commitment.objects.get(pk=commitment.pk).title == "Typed today", f"{raw} raw controls in the page")
    stored = Commitment.objects.get(pk=commitment.pk).title
    return f"raw controls in the page 0, shown as [U+XXXX] {page.count('[U+')}; typed title stored as {stored!r}"


@scenario("14b", "a@[127.0.0.1] and a@localhost accepted as subscriber addresses")
def local_addresses(_size):
    from django.core.exceptions import ValidationError

    from commitments.digests.addresses import subscriber_address_validate

    refused = 0
    for address in ("a@[127.0.0.1]", "a@localhost", "a@printer.local", "a@x.invalid"):
        try:
            subscriber_address_validate(address)
        except ValidationError:
            refused += 1
    expect(refused == 4, f"{4 - refused} accepted")
    return "4 of 4 refused"


@scenario("15", "requirements do not pin lxml_html_clean")
def pinned(_size):
    line = next((line for line in (BASE_DIR / "requirements.txt").read_text().splitlines() if line.lower().startswith("lxml_html_clean")), "")
    expect("==" in line, "not pinned")
    return line


def faults(runs: int) -> list[tuple[str, str, str]]:
    """The fault scenarios, through their tests (a real worker SIGKILLed, a real redis-server stopped): runs that held, of `runs`."""
    rows = []
    for number, finding, node in (
        ("1", "digests lost for good when a worker dies (195 / 372 never sent)", "tests/test_digests_worker.py"),
        ("6", "politeness while Redis is down: requests 1-7 ms apart",
         "tests/test_checks_politeness.py::test_two_processes_keep_the_gap_at_the_origin_while_redis_is_down"),
    ):
        held, started = 0, time.perf_counter()
        for _ in range(runs):
            result = subprocess.run([sys.executable, "-m", "pytest", node, "-q", "-p", "no:cacheprovider"], cwd=BASE_DIR,
                                    capture_output=True, text=True)
            held += result.returncode == 0
        rows.append((number, finding, f"{held} of {runs} runs held ({time.perf_counter() - started:.0f} s)"))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true", help="smaller sizes, no fault runs (the suite does this)")
    parser.add_argument("--faults", type=int, default=0, help="also run the two fault scenarios' tests this many times")
    parser.add_argument("--fresh", action="store_true", help="recreate the probe's database")
    args = parser.parse_args()
    fault_env = dict(os.environ)
    name = database_name("probe")
    url = database_url(name)
    started = time.perf_counter()
    database_create(url, fresh=args.fresh)
    os.environ.update({
        "DATABASE_URL": url, "SECRET_KEY": os.environ.get("SECRET_KEY", "probe-only"), "ALLOWED_HOSTS": "testserver", "DEBUG": "0",
        "CACHE_URL": "locmem://", "SECURE_SSL_REDIRECT": "0", "SITE_URL": "https://tracker.example.org",
    })
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    call_command("migrate", verbosity=0)
    import logging

    logging.getLogger("django.request").setLevel(logging.ERROR)  # the 400s and 429s the scenarios expect
    logging.getLogger("django.security").setLevel(logging.ERROR)
    print(f"database {name} ready in {time.perf_counter() - started:.1f} s; DEBUG off")
    size_kb = 50 if args.smoke else 1024
    rows, failed = [], 0
    for number, finding, fn in SCENARIOS:
        began = time.perf_counter()
        try:
            with transaction.atomic():
                try:
                    result = fn(size_kb)
                finally:
                    transaction.set_rollback(True)
            verdict = "fixed"
        except Failed as error:
            result, verdict, failed = str(error), "DEFECT", failed + 1
        rows.append((number, finding, f"{verdict}: {result} [{time.perf_counter() - began:.1f} s]"))
    connection.close()
    if args.faults:
        fault_env.pop("DJANGO_SETTINGS_MODULE", None)
        os.environ.clear()
        os.environ.update(fault_env)
        rows += faults(args.faults)
    rows.sort(key=lambda row: (int(re.match(r"\d+", row[0])[0]), row[0]))
    width = max(len(finding) for _, finding, _ in rows)
    print(f"{'#':4s} {'finding (issue 22)':{width}s}  now")
    for number, finding, result in rows:
        print(f"{number:4s} {finding:{width}s}  {result}")
    print(f"{len(rows)} scenarios, {failed} defects back, total {time.perf_counter() - started:.1f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
