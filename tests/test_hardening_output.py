"""What the service prints is safe whatever is stored: e-mail previews, CSV, the Atom feed, links, the schema (issue 14)."""

import csv
import io
from datetime import date
from xml.etree import ElementTree

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction
from django.utils.safestring import SafeData

from commitments import services
from commitments.digests.delivery import digest_render
from commitments.models import Evidence, MonitoredUrl, Source
from tests.api_support import record_status, schema_checked_call
from tests.digests_week import DURING
from tests.review_support import publish

pytest_plugins = ["tests.api_support", "tests.digests_support"]

XSS = "<img src=x onerror=alert(1)>"
ATOM = "{http://www.w3.org/2005/Atom}"


# --- 2. the digest preview: a plain-text body is never HTML -------------------------------------------------


def test_a_rationale_with_markup_shows_as_text_in_the_digest_preview(week, alice, admin_client, make_subscriber):
    subscriber = make_subscriber("kz@example.org")
    with time_machine.travel(DURING, tick=False):
        publish(services.status_update_record(commitment=week.c_ru, status="in_progress", effective_on=DURING.date(), rationale=XSS, author=alice))
    page = admin_client.get(f"/admin/commitments/subscriber/{subscriber.pk}/preview/?week=2024-W10").content.decode()
    assert XSS not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    html_part = admin_client.get(f"/admin/commitments/subscriber/{subscriber.pk}/preview/html/?week=2024-W10")
    assert XSS not in html_part.content.decode() and "&lt;img src=x onerror=alert(1)&gt;" in html_part.content.decode()
    assert "sandbox" in html_part["Content-Security-Policy"] and "script" not in html_part["Content-Security-Policy"]


def test_rendered_email_parts_are_plain_strings_never_marked_safe(week):
    from commitments.digests.build import digest_content  # noqa: PLC0415
    from commitments.digests.changes import Filter, week_changes_load  # noqa: PLC0415
    from commitments.digests.periods import period_parse  # noqa: PLC0415

    content = digest_content(changes=week_changes_load(period=period_parse("2024-W10")), digest_filter=Filter())
    rendered = digest_render(content=content, unsubscribe="https://example.org/u", filter_names="")
    assert not any(isinstance(part, SafeData) for part in (rendered.subject, rendered.text, rendered.html))


# --- 3. CSV formula injection ----------------------------------------------------------------------------------


@pytest.mark.parametrize("title", ["=HYPERLINK(\"https://evil.example\",\"x\")", "+1+1", "-2+3", "@SUM(A1)", "\tTab", "\rCR"])
def test_a_csv_cell_that_a_spreadsheet_would_run_is_neutralised(title, api, claim):
    claim.title = title
    claim.save()
    rows = list(csv.DictReader(io.StringIO(api.get("/api/v1/claims/?format=csv").content.decode())))
    assert rows[0]["title"] == "'" + title


def test_ordinary_csv_cells_and_numbers_are_left_alone(api, commitment, alice, make_party):
    party = make_party(slug="kz")
    commitment.parties.add(party)
    publish(services.assessment_record(commitment=commitment, party=party, score=-1, assessed_on=date(2022, 1, 1), rationale="No.", author=alice))
    rows = list(csv.DictReader(io.StringIO(api.get("/api/v1/assessments/?format=csv").content.decode())))
    assert rows[0]["score"] == "-1" and rows[0]["rationale"] == "No." and rows[0]["party"] == "kz"


# --- 8. the Atom feed: control characters stripped on output, summary sent as text ----------------------------


def _feed(api) -> ElementTree.Element:
    response = api.get("/api/v1/feeds/status-changes.atom")
    assert response.status_code == 200, response.content
    return ElementTree.fromstring(response.content)  # noqa: S314 (our own response)


def test_a_stored_control_character_does_not_break_the_feed(api, commitment, alice):
    record_status(commitment, alice, "in_progress", date(2021, 6, 1), rationale="ok")
    with transaction.atomic(), connection.cursor() as cursor:  # a row written before the input rule (the trigger forbids UPDATE, so insert)
        cursor.execute("SET LOCAL commitments.bulk_load = 'on'")  # loaded as already reviewed, as a restore would
        cursor.execute(
            "INSERT INTO commitments_statusupdate (commitment_id, status, effective_on, rationale, author_id, recorded_at, review_state, "
            "review_comment, published_at) VALUES (%s, 'stalled', '2021-07-01', %s, %s, now(), 'published', '', now())",
            [commitment.pk, "a\u000bb", alice.pk],
        )
    summaries = [entry.find(f"{ATOM}summary").text for entry in _feed(api).iter(f"{ATOM}entry")]
    assert any(summary.endswith("ab") for summary in summaries)


def test_the_feed_summary_is_text_so_readers_do_not_render_markup(api, commitment, alice):
    record_status(commitment, alice, "in_progress", date(2021, 6, 1), rationale=XSS)
    [summary] = [entry.find(f"{ATOM}summary") for entry in _feed(api).iter(f"{ATOM}entry")]
    assert summary.get("type", "text") == "text" and summary.text.endswith(XSS)


# --- 9. only http(s) URLs become links ----------------------------------------------------------------------


def _smuggle(table: str, pk: int, url: str) -> None:
    """A URL stored before the rule (its CHECK constraint is NOT VALID: old rows stay). Rolled back with the test."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER TABLE waits for no deferred check
        cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {table.split('_')[1]}_url_http")
        cursor.execute(f"UPDATE {table} SET url = %s WHERE id = %s", [url, pk])  # noqa: S608 - fixed table names


def test_the_database_refuses_a_non_http_url_from_any_client(make_evidence, make_source):
    evidence, source = make_evidence(), make_source(url="https://example.org/s")
    for table, pk in (("commitments_evidence", evidence.pk), ("commitments_source", source.pk)):
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET url = 'javascript:alert(1)' WHERE id = %s", [pk])  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute("UPDATE commitments_source SET url = '' WHERE id = %s", [source.pk])  # "unknown" stays allowed


def test_a_stored_javascript_url_is_never_rendered_as_a_link(client, admin_client, make_statement, make_evidence, commitment):
    statement = make_statement()
    source = statement.sources.get()
    _smuggle("commitments_source", source.pk, "javascript:alert(1)")
    evidence = make_evidence()
    evidence.commitments.add(commitment)
    _smuggle("commitments_evidence", evidence.pk, "javascript:alert(2)")
    monitored = MonitoredUrl.objects.create(url="javascript:alert(3)", added_at=evidence.created_at, next_check_at=evidence.created_at)
    pages = [
        client.get("/").content.decode(),
        admin_client.get("/admin/commitments/evidence/").content.decode(),
        admin_client.get("/admin/commitments/monitoredurl/").content.decode(),
        admin_client.get(f"/admin/commitments/commitment/{commitment.pk}/change/").content.decode(),
    ]
    services.status_update_record(commitment=commitment, status="in_progress", effective_on=date(2021, 6, 1), rationale="x",
                                  author=evidence.created_by or _user(), evidence=[Evidence.objects.get(pk=evidence.pk)])
    pages.append(admin_client.get(f"/admin/commitments/commitment/{commitment.pk}/change/").content.decode())
    for page in pages:
        assert "javascript:" not in page.replace("javascript:alert(3)</", "")  # the URL may show as text, never as an href
        assert 'href="javascript' not in page.lower()
    assert monitored.pk and Source.objects.filter(url="javascript:alert(1)").exists()


def _user():
    from django.contrib.auth.models import User  # noqa: PLC0415

    return User.objects.get(username="admin")


# --- 10. the OpenAPI schema tells the truth ------------------------------------------------------------------


def test_the_schema_declares_claimreview_nullable(api, db):
    document = api.get("/api/schema/?format=json").json()
    claimreview = document["components"]["schemas"]["Claim"]["properties"]["claimreview"]
    assert claimreview.get("nullable") is True and claimreview["format"] == "uri"


def test_an_unchecked_claim_conforms_to_the_schema(api, claim, settings):
    response = schema_checked_call(api, "/api/v1/claims/{id}/", "GET", settings, path_parameters={"id": claim.pk})
    assert response.status_code == 200, (response.status_code, response.text[:300])
    assert response.json()["claimreview"] is None


def test_an_api_url_no_route_matches_is_a_json_404(api, db):
    response = api.get("/api/v1/claims/%C2%84/?format=csv")
    assert response.status_code == 404 and response["Content-Type"] == "application/json" and response.json() == {"detail": "Not found."}
    assert api.get("/no-such-page/")["Content-Type"].startswith("text/html")
