# ruff: noqa: F811  (fixtures imported from tests.checks_helpers)
"""Bad input from a probe of the running service: each answers a clear 400 and breaks nothing else (issue 14)."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import transaction

from commitments.checks import services as check_services
from commitments.checks.security import url_refusal
from commitments.models import Evidence, MonitoredUrl, PartyAssessment, Source, StatusUpdate, Subscriber
from commitments.models.checks import Outcome
from tests.api_support import client_for
from tests.checks_helpers import T0, loopback_allowed, origins  # noqa: F401
from tests.checks_server import Response, html

pytest_plugins = ["tests.api_support"]  # the api client and no-throttling fixtures

UNNORMALISABLE_HOSTS = ["https://a¡b.com/", "https://exa—mple.com/", "https://exa mple.com/", "https://-bad-.example/"]


# --- 1. URLs: one validator, IDNA-normalised, and one bad URL never costs its neighbours their check ---------


@pytest.mark.parametrize("url", UNNORMALISABLE_HOSTS)
def test_it_refuses_evidence_whose_host_is_not_a_valid_idna_name(url, alice, commitment):
    response = client_for(alice).post("/api/v1/evidence/", {"url": url, "title": "T", "commitments": [commitment.pk]}, format="json")
    assert response.status_code == 400, response.content
    assert "url" in response.json() and Evidence.objects.count() == 0


@pytest.mark.parametrize(("url", "stored"), [
    ("https://ⓔⓧⓐⓜⓟⓛⓔ.ⓒⓞⓜ/p", "https://example.com/p"),
    ("https://ｅｘａｍｐｌｅ.com/", "https://example.com/"),
    ("https://Bücher.example/straße?q=ä", "https://xn--bcher-kva.example/stra%C3%9Fe?q=%C3%A4"),
])
def test_it_stores_hosts_idna_normalised(url, stored, alice, commitment):
    response = client_for(alice).post("/api/v1/evidence/", {"url": url, "title": "T"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["url"] == stored and Evidence.objects.get().url == stored


def test_a_fullwidth_loopback_address_is_normalised_then_refused_by_the_ssrf_gate(make_evidence):
    evidence = make_evidence(url="http://１２７.０.０.１:18150/x")  # through the ORM, no form or serializer
    assert evidence.url == "http://127.0.0.1:18150/x"
    assert "not a public address" in url_refusal(evidence.url)


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.org/", "https://user:pw@example.org/", "//example.org/",
                                 "https://exa—mple.com/", "http://[::1", "https://example.org/\x00"])
def test_the_orm_refuses_what_the_validator_refuses(url, make_source):
    from commitments.http_urls import http_url_normalise

    with pytest.raises(ValidationError):
        http_url_normalise(url)
    with pytest.raises(ValidationError), transaction.atomic():
        Evidence.objects.create(url=url, title="T")
    with pytest.raises(ValidationError), transaction.atomic():
        make_source(url=url)
    assert Evidence.objects.count() == 0 and Source.objects.count() == 0


def test_the_admin_refuses_a_bad_url_and_stores_a_good_one_normalised(admin_client, commitment):
    bad = admin_client.post("/admin/commitments/evidence/add/", {"url": "https://a¡b.com/", "title": "T", "stance": "supports"})
    assert bad.status_code == 200 and "not a valid host name" in bad.content.decode() and Evidence.objects.count() == 0
    admin_client.post("/admin/commitments/evidence/add/", {"url": "https://ｅｘａｍｐｌｅ.com/r", "title": "T", "stance": "supports"})
    assert Evidence.objects.get().url == "https://example.com/r"
    record = admin_client.post(f"/admin/commitments/commitment/{commitment.pk}/record/", {
        "status": "fulfilled", "effective_on": "2021-06-01", "rationale": "Done.", "new_evidence_url": "https://exa—mple.com/",
        "new_evidence_title": "Report", "new_evidence_stance": "supports",
    })
    assert record.status_code == 200 and "not a valid host name" in record.content.decode() and Evidence.objects.count() == 1


def test_check_sources_refuses_a_bad_url_before_saving_it(db):
    for url in ["javascript:alert(3)", "https://a¡b.com/"]:
        with pytest.raises(CommandError, match="not a valid"):
            call_command("check_sources", "--url", url)
    assert MonitoredUrl.objects.count() == 0


@pytest.mark.usefixtures("loopback_allowed")
def test_one_unfetchable_url_is_recorded_as_its_own_outcome_and_its_neighbours_are_checked(origins, db):
    origins.route("/fine", Response(200, html("<p>Fine.</p>")))
    good = [check_services.monitored_url_ensure(url=origins.url(f"/fine?n={n}", origin=n % 3), now=T0) for n in range(6)]
    # Stored before URLs were validated: the fetcher itself cannot parse this host.
    bad = MonitoredUrl.objects.create(url="https://ⓔⓧⓐ—mple.com/p", added_at=T0, next_check_at=T0)
    checks = check_services.check_batch_run(ids=[bad.id, *(row.id for row in good)], claim=None, now=T0)
    outcomes = {check.monitored_url_id: check.outcome for check in checks}
    assert len(checks) == 7 and outcomes[bad.id] == Outcome.REFUSED
    assert all(outcomes[row.id] == Outcome.OK for row in good)


# --- 4. id-or-slug filters ----------------------------------------------------------------------------------


@pytest.mark.parametrize("query", [
    "/api/v1/claims/?party=%C2%B9", "/api/v1/claims/?statement=%C2%B2", "/api/v1/claims/?theme=%D9%A3", "/api/v1/claims/?source=%C2%B9",
    "/api/v1/commitments/?statement=%C2%B9", "/api/v1/evidence/?statement=%C2%B9", "/api/v1/assessments/?party=%C2%B9",
    "/api/v1/commitments/?statement=99999999999999999999999", "/api/v1/feeds/status-changes.atom?party=%C2%B9",
])
def test_an_id_or_slug_filter_takes_any_text_without_a_server_error(query, api, commitment, claim):
    response = api.get(query)
    assert response.status_code == 200, response.content


def test_an_id_or_slug_filter_still_matches_ids_and_slugs(api, claim):
    statement = claim.statement
    assert [row["id"] for row in api.get(f"/api/v1/claims/?statement={statement.pk}").json()["results"]] == [claim.pk]
    assert [row["id"] for row in api.get(f"/api/v1/claims/?statement={statement.slug}").json()["results"]] == [claim.pk]


# --- 5. deeply nested JSON -------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v1/subscriptions/", "/api/v1/evidence/", "/api/v1/assessments/", "HISTORY", "VERDICTS"])
def test_deeply_nested_json_is_a_400_on_every_write_endpoint(path, alice, commitment, claim):
    path = {"HISTORY": f"/api/v1/commitments/{commitment.pk}/history/", "VERDICTS": f"/api/v1/claims/{claim.pk}/verdicts/"}.get(path, path)
    response = client_for(alice).post(path, "[" * 10_000, content_type="application/json")
    assert response.status_code == 400, response.content
    assert "nested" in response.json()["detail"]


# --- 6. NUL bytes ------------------------------------------------------------------------------------------------


def test_a_nul_byte_in_a_json_body_is_a_400_naming_the_field(api, make_party):
    make_party(slug="kazakhstan")
    response = api.post("/api/v1/subscriptions/", {"email": "x@example.org", "parties": ["a\u0000"]}, format="json")
    assert response.status_code == 400, response.content
    assert "parties" in json.dumps(response.json()) and Subscriber.objects.count() == 0


def test_a_nul_byte_in_a_slug_of_an_assessment_is_a_400(alice, commitment):
    body = {"commitment": commitment.pk, "party": "\u0000", "score": 1, "assessed_on": "2022-01-01", "rationale": "x"}
    assert client_for(alice).post("/api/v1/assessments/", body, format="json").status_code == 400
    assert PartyAssessment.objects.count() == 0


def test_a_nul_byte_in_a_form_encoded_body_is_a_400(api):
    response = api.post("/api/v1/subscriptions/", "email=x%40example.org&parties=a%00", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400, response.content


@pytest.mark.parametrize("query", ["/api/v1/claims/?party=%00", "/api/v1/commitments/?search=a%00b", "/api/v1/stats/?theme=%00",
                                   "/api/v1/feeds/status-changes.atom?party=%00", "/admin/commitments/commitment/?q=%00"])
def test_a_nul_byte_in_a_query_string_is_a_400(query, api, admin_client, commitment):
    client = admin_client if query.startswith("/admin/") else api
    assert client.get(query).status_code == 400


# --- 7. huge numbers where an id is expected -------------------------------------------------------------------


@pytest.mark.parametrize("number", ["1e400", "-1e400", str(10**30), "1.5", "true"])
def test_a_number_that_cannot_be_an_id_is_a_400(number, alice, commitment, claim, make_party):
    party = make_party()
    commitment.parties.add(party)
    client = client_for(alice)
    bodies = [
        ("/api/v1/assessments/", f'{{"commitment": {number}, "party": "{party.slug}", "score": 1, "assessed_on": "2022-01-01", "rationale": "x"}}'),
        ("/api/v1/evidence/", f'{{"url": "https://a.example.org/", "title": "A", "commitments": [{number}]}}'),
        ("/api/v1/evidence/", f'{{"url": "https://a.example.org/", "title": "A", "claims": [{number}]}}'),
        (f"/api/v1/commitments/{commitment.pk}/history/",
         f'{{"status": "in_progress", "effective_on": "2021-06-01", "rationale": "x", "evidence": [{number}]}}'),
        (f"/api/v1/claims/{claim.pk}/verdicts/", f'{{"verdict": "false", "rationale": "x", "evidence": [{number}]}}'),
    ]
    for path, body in bodies:
        response = client.post(path, body, content_type="application/json")
        assert response.status_code == 400, (path, response.content)
    assert (StatusUpdate.objects.count(), Evidence.objects.count(), PartyAssessment.objects.count()) == (0, 0, 0)


# --- 8. XML-invalid control characters are refused on input ---------------------------------------------------


@pytest.mark.parametrize("text", ["a\u000bb", "a\u0000b", "a\u001fb", "a\ufffeb"])
def test_a_control_character_in_a_rationale_is_a_400(text, alice, commitment):
    body = {"status": "in_progress", "effective_on": "2021-06-01", "rationale": text}
    response = client_for(alice).post(f"/api/v1/commitments/{commitment.pk}/history/", body, format="json")
    assert response.status_code == 400 and "rationale" in response.json()
    assert StatusUpdate.objects.count() == 0


# Bidi and other invisible controls are not refused but dropped from staff text on save, and shown visibly
# wherever a verbatim quote keeps one: tests/test_hardening_bidi.py.


def test_tabs_and_line_breaks_are_still_welcome(alice, commitment):
    body = {"status": "in_progress", "effective_on": "2021-06-01", "rationale": "Line one\r\n\tLine two"}
    assert client_for(alice).post(f"/api/v1/commitments/{commitment.pk}/history/", body, format="json").status_code == 201


def test_the_admin_form_refuses_a_control_character_too(admin_client, commitment):
    response = admin_client.post(f"/admin/commitments/commitment/{commitment.pk}/record/", {
        "status": "in_progress", "effective_on": "2021-06-01", "rationale": "a\u000bb", "new_evidence_stance": "supports",
    })
    assert response.status_code == 200 and StatusUpdate.objects.count() == 0
    assert "control character" in response.content.decode()


def test_a_filter_that_matches_nothing_gives_empty_weeks_not_a_server_error(api, commitment):
    response = api.get("/api/v1/stats/status-over-time/?bound_party=no-such-party&start=2024-01-01&end=2024-01-21")
    assert response.status_code == 200, response.content
    weeks = response.json()
    assert len(weeks) == 3 and all(week["total"] == 0 for week in weeks)


@pytest.mark.parametrize("query", ["end=0001-01-01", "end=9999-12-31", "start=0001-01-01&end=0001-01-07"])
def test_a_date_at_the_calendars_edge_is_a_400_not_an_overflow(query, api, db):
    response = api.get(f"/api/v1/stats/status-over-time/?{query}")
    assert response.status_code == 400 and "between" in str(response.json())
