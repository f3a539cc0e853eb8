"""Invisible controls (issue 22 #14): staff text is saved without them; whatever is stored reaches readers as a visible [U+XXXX].

U+202E RIGHT-TO-LEFT OVERRIDE typed into a title or quote showed the rest of a public line backwards
("Trojan Source"); U+2066-U+2069, U+200E/F, U+061C and the zero-width characters reached pages,
feeds and e-mails raw too. The rule has two owners' functions in commitments.text: `text_clean`
(on save, every text field but verbatim quotes) and `text_reader` (every page, feed and e-mail).
"""

import importlib
import json
import re
from datetime import date
from xml.etree import ElementTree

import pytest
import time_machine
from django.apps import apps
from django.db import connection, transaction

from commitments import services
from commitments.digests.delivery import digests_send_batch
from commitments.models import Claim, Commitment, Party, Rendering, Source, StatusUpdate, Verdict
from commitments.text import text_clean, text_reader
from tests.api_support import client_for, record_status
from tests.digests_week import DURING, SEND_AT, WEEK, parts
from tests.review_support import publish

pytest_plugins = ["tests.api_support", "tests.digests_support"]

RLO = "\u202e"
CONTROLS = ["\u202e", "\u202a", "\u2066", "\u2069", "\u200e", "\u200f", "\u061c", "\u200b", "\u2060", "\ufeff", "\U000e0041"]
ATOM = "{http://www.w3.org/2005/Atom}"


def _quote_verbatim(target, quote: str) -> None:
    """Make `target`'s quote (and its primary rendering, and its source's text) hold `quote`, as intake stores a source's own characters."""
    rendering = target.renderings.get(is_primary=True)
    Source.objects.filter(pk=rendering.source_id).update(full_text=quote)
    Rendering.objects.filter(pk=rendering.pk).update(text=quote, start=0, end=len(quote))
    type(target).objects.filter(pk=target.pk).update(quote=quote)


# --- stored: staff text cleaned on save, verbatim quotes kept -----------------------------------------------------


@pytest.mark.parametrize("control", CONTROLS)
def test_a_control_typed_into_a_rationale_is_saved_without_it(control, alice, commitment):
    body = {"status": "in_progress", "effective_on": "2021-06-01", "rationale": f"evil{control}gnp.exe"}
    response = client_for(alice).post(f"/api/v1/commitments/{commitment.pk}/history/", body, format="json")
    assert response.status_code == 201, response.content
    assert StatusUpdate.objects.get().rationale == "evilgnp.exe"
    assert response.json()["rationale"] == "evilgnp.exe"  # the API answers what it stored


def test_an_admin_form_saves_a_title_without_controls(admin_client, commitment):
    response = admin_client.post(f"/admin/commitments/commitment/{commitment.pk}/record/", {
        "status": "in_progress", "effective_on": "2021-06-01", "rationale": f"a{RLO}b\u2066c\u2069", "new_evidence_stance": "supports",
    })
    assert response.status_code in (200, 302)
    assert StatusUpdate.objects.get().rationale == "abc"


def test_orm_saves_clean_staff_text_and_keep_verbatim_text(commitment):
    commitment.title = f"Open{RLO} the lab\u200b"
    commitment.save()
    source = commitment.source
    source.title, source.full_text = f"Joint{RLO} statement", f"\u0627\u200f{RLO}text"
    source.save()
    assert Commitment.objects.get(pk=commitment.pk).title == "Open the lab"
    stored = Source.objects.get(pk=source.pk)
    assert (stored.title, stored.full_text) == ("Joint statement", f"\u0627\u200f{RLO}text")


def test_joiners_that_scripts_need_are_kept():
    persian, emoji = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645", "\U0001f469\u200d\U0001f4bb"
    assert text_clean(persian) == persian and text_clean(emoji) == emoji
    assert text_reader(persian) == persian


def test_the_api_returns_a_verbatim_quote_as_stored(api, claim):
    _quote_verbatim(claim, f"about 90%{RLO} of projects")
    assert api.get(f"/api/v1/claims/{claim.pk}/").json()["quote"] == f"about 90%{RLO} of projects"


# --- shown: pages, JSON-LD, feeds, e-mails -------------------------------------------------------------------


def test_pages_and_json_ld_show_a_stored_control_as_a_visible_stand_in(client, claim, commitment, alice):
    _quote_verbatim(claim, f"about 90%{RLO} of projects\u2066")
    _quote_verbatim(commitment, f"four{RLO} areas")
    Commitment.objects.filter(pk=commitment.pk).update(title=f"Title{RLO} before the rule")  # a row stored before the save rule
    publish(services.verdict_update_record(claim=Claim.objects.get(pk=claim.pk), verdict=Verdict.FALSE, rationale="Customs figures",
                                           author=alice))
    claim_page = client.get(f"/claims/{claim.pk}/")
    commitment_page = client.get(Commitment.objects.get(pk=commitment.pk).get_absolute_url())
    statement_page = client.get(commitment.statement.get_absolute_url())
    for response in (claim_page, commitment_page, statement_page):
        body = response.content.decode()
        assert response.status_code == 200
        assert not re.search("[\u202a-\u202e\u2066-\u2069]", body), response.request["PATH_INFO"]
        assert "[U+202E]" in body
        assert int(response["Content-Length"] if response.has_header("Content-Length") else len(response.content)) == len(response.content)
    [ld] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', claim_page.content.decode(), re.S)
    assert json.loads(ld)["claimReviewed"] == "about 90%[U+202E] of projects[U+2066]"
    assert "four[U+202E] areas" in commitment_page.content.decode()


def test_the_admin_edits_the_stored_characters_as_they_are(admin_client, commitment):
    _quote_verbatim(commitment, f"four{RLO} areas")
    page = admin_client.get(f"/admin/commitments/source/{commitment.source_id}/change/").content.decode()
    assert f"four{RLO} areas" in page  # re-saving the form keeps the quote verbatim


def test_the_atom_feeds_show_a_stored_control_as_a_visible_stand_in(client, api, commitment, alice):
    record_status(commitment, alice, "in_progress", date(2021, 6, 1), rationale="ok")
    Commitment.objects.filter(pk=commitment.pk).update(title=f"Title{RLO} before the rule")
    for response in (client.get("/changes/feed.atom"), api.get("/api/v1/feeds/status-changes.atom")):
        assert response.status_code == 200 and RLO not in response.content.decode()
        [entry] = ElementTree.fromstring(response.content).iter(f"{ATOM}entry")  # noqa: S314 (our own response)
        assert entry.find(f"{ATOM}summary").text.startswith("Title[U+202E] before the rule: ")


def test_the_digest_shows_a_stored_control_as_a_visible_stand_in_in_both_parts(week, smtp, make_subscriber):
    Commitment.objects.filter(pk=week.c_ru.pk).update(title=f"Open{RLO} the Kazan lab")
    with transaction.atomic(), connection.cursor() as cursor:  # a history row written before the save rule (its trigger forbids UPDATE)
        cursor.execute("SET LOCAL commitments.bulk_load = 'on'")
        cursor.execute(
            "INSERT INTO commitments_statusupdate (commitment_id, status, effective_on, rationale, author_id, recorded_at, review_state, "
            "review_comment, published_at) VALUES (%s, 'broken', %s, %s, %s, %s, 'published', '', %s)",
            [week.c_kz2.pk, DURING.date(), f"Deadline{RLO} missed", _user_id(), DURING, DURING],
        )
    subscriber = make_subscriber("reader@example.org")
    with time_machine.travel(SEND_AT, tick=False):
        assert digests_send_batch(period=WEEK, subscriber_ids=[subscriber.pk], now=SEND_AT).sent == [subscriber.pk]
    [message] = smtp.messages
    text, html = parts(message)
    for part in (text, html, str(message["Subject"])):
        assert not re.search("[\u202a-\u202e\u2066-\u2069]", part)
    for part in (text, html):
        assert "Open[U+202E] the Kazan lab" in part and "Deadline[U+202E] missed" in part


def _user_id() -> int:
    from django.contrib.auth.models import User  # noqa: PLC0415

    return User.objects.order_by("pk").values_list("pk", flat=True)[0]


# --- the data migration -----------------------------------------------------------------------------------------


def test_the_migration_cleans_stored_staff_text_and_keeps_quotes(commitment, make_party):
    migration = importlib.import_module("commitments.migrations.0028_text_invisible_controls")
    _quote_verbatim(commitment, f"four{RLO} areas")
    Commitment.objects.filter(pk=commitment.pk).update(title=f"Open{RLO} the lab")
    kept, twin, dirty = make_party(name="Kazakhstan", slug="kz"), make_party(name="Kz", slug="kz2"), make_party(name="Kg", slug="kg")
    Party.objects.filter(pk=twin.pk).update(name="Kazakh\u200bstan")  # cleaned, it would take the other's unique name: left as it is
    Party.objects.filter(pk=dirty.pk).update(name=f"Kyr{RLO}gyzstan")
    migration.clean(apps, None)
    stored = Commitment.objects.get(pk=commitment.pk)
    assert (stored.title, stored.quote) == ("Open the lab", f"four{RLO} areas")
    assert [Party.objects.get(pk=p.pk).name for p in (kept, twin, dirty)] == ["Kazakhstan", "Kazakh\u200bstan", "Kyrgyzstan"]
