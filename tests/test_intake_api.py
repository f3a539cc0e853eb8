# ruff: noqa: F811  (fixtures imported from tests.checks_helpers and tests.intake_support)
"""The intake API and command: extract from text or a URL (a real local server, HTML and PDF), save a draft."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.test import APIClient

from commitments.models import ChangeProposal, Claim, Commitment, Source, Statement
from tests.api_support import client_for
from tests.checks_helpers import loopback_allowed, origins  # noqa: F401
from tests.checks_server import Response, html, minimal_pdf
from tests.intake_support import CENTRAL_ASIA, draft_body, intake_staff, seed_text, tasks_inline  # noqa: F401
from tests.review_support import publish

pytest_plugins = ["tests.api_support"]
pytestmark = pytest.mark.django_db

READOUT = ("The two ministers agreed to strengthen cooperation in three areas. First, they will support public health. "
           "Second, they will expand trade. Third, they will protect the environment. Trade grew by about 90% last year.")


def _counts() -> tuple[int, ...]:
    return Source.objects.count(), Statement.objects.count(), Commitment.objects.count(), Claim.objects.count()


def test_staff_with_the_permission_extracts_a_pasted_text(intake_staff):
    response = client_for(intake_staff).post("/api/v1/intake/", {"text": READOUT}, format="json")
    assert response.status_code == 200, response.content
    assert set(response.json()) == {"sets", "claims", "text_sha256", "language"}
    assert response.json()["language"] == "en"
    [found] = response.json()["sets"]
    assert found["announced_count"] == 3 and found["complete"] and not found["count_inferred"]
    assert [p["quote"] for p in found["points"]][1] == "Second, they will expand trade."
    assert all(READOUT[p["start"]:p["end"]] == p["quote"] for p in found["points"])
    assert response.json()["claims"][0]["quote"] == "Trade grew by about 90% last year."


def test_an_editor_may_use_the_intake(alice):
    # Editors have the permission to add statements (migration 0009), so intake is theirs too.
    assert client_for(alice).post("/api/v1/intake/", {"text": READOUT}, format="json").status_code == 200


@pytest.mark.parametrize("who", ["anonymous", "bob", "charlie"])
def test_intake_is_refused_without_the_permission_to_add_statements(who, bob, charlie):
    client = APIClient() if who == "anonymous" else client_for({"bob": bob, "charlie": charlie}[who])
    assert client.post("/api/v1/intake/", {"text": READOUT}, format="json").status_code in (401, 403)
    assert client.post("/api/v1/intake/save/", {}, format="json").status_code in (401, 403)


def test_text_and_url_together_or_neither_is_a_400(intake_staff):
    client = client_for(intake_staff)
    assert client.post("/api/v1/intake/", {}, format="json").status_code == 400
    assert client.post("/api/v1/intake/", {"text": READOUT, "url": "https://example.org/"}, format="json").status_code == 400


@pytest.mark.usefixtures("loopback_allowed", "tasks_inline")
def test_a_url_is_read_through_the_fetcher_html_and_pdf(intake_staff, origins):
    origins.route("/intake/readout.html", Response(body=html(f"<h1>Readout</h1><p>{READOUT}</p>")))
    origins.route("/intake/readout.pdf", Response(body=minimal_pdf(READOUT), headers={"content-type": "application/pdf"}))
    client = client_for(intake_staff)
    for path in ("/intake/readout.html", "/intake/readout.pdf"):
        response = client.post("/api/v1/intake/", {"url": origins.url(path)}, format="json")
        assert response.status_code == 200, response.content
        body = response.json()
        [found] = body["sets"]
        assert found["announced_count"] == 3 and len(found["points"]) == 3, (path, body["text"])
        assert all(body["text"][p["start"]:p["end"]] == p["quote"] for p in found["points"])
        assert "Menu Home About" not in body["text"]  # the page's navigation is not the statement


@pytest.mark.usefixtures("tasks_inline")
@pytest.mark.parametrize("url", ["http://127.0.0.1:9/x", "http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/", "file:///etc/passwd"])
def test_a_private_address_is_refused(intake_staff, url):
    response = client_for(intake_staff).post("/api/v1/intake/", {"url": url}, format="json")
    assert response.status_code == 400
    assert "url" in response.json()
    if url.startswith("http"):  # said in words, naming the setting that would allow it
        assert "private or local address" in response.json()["url"][0] and "TRACKER_CHECK_ALLOWED_NETWORKS" in response.json()["url"][0]


@pytest.mark.usefixtures("loopback_allowed", "tasks_inline")
def test_a_page_whose_content_encoding_lies_is_a_400_in_words(intake_staff, origins):
    """Issue 22 #8: gzip labelled deflate was a 500 (zlib.error); it is a 400 saying what is wrong and what to do."""
    import gzip  # noqa: PLC0415

    body = gzip.compress(html(f"<h1>Readout</h1><p>{READOUT}</p>").encode())
    origins.route("/intake/lying.html", Response(body=body, headers={"content-encoding": "deflate"}))
    response = client_for(intake_staff).post("/api/v1/intake/", {"url": origins.url("/intake/lying.html")}, format="json")
    assert response.status_code == 400, response.content
    assert "Content-Encoding header does not match" in response.json()["url"][0]


def test_an_edited_draft_is_saved_atomically(intake_staff, make_party):
    body = draft_body(READOUT, make_party)
    body["sets"][0]["points"][1]["quote"] = "Second, they will expand trade."
    response = client_for(intake_staff).post("/api/v1/intake/save/", body, format="json")
    assert response.status_code == 202, response.content
    assert not Statement.objects.exists() and not Claim.objects.exists()  # a proposal until a Reviewer publishes it
    publish(ChangeProposal.objects.get(pk=response.json()["proposal"]))
    statement = Statement.objects.get()
    assert list(statement.commitments.order_by("ordinal").values_list("quote", flat=True))[1] == "Second, they will expand trade."
    assert Claim.objects.count() == 1


def test_a_bad_draft_is_a_400_with_field_messages_and_writes_nothing(intake_staff, make_party):
    body = draft_body(READOUT, make_party)
    body["sets"][0]["points"][2]["quote"] = "Third, words nobody said."
    body["sets"][0]["announced_by"] = ""
    before = _counts()
    response = client_for(intake_staff).post("/api/v1/intake/save/", body, format="json")
    assert response.status_code == 400
    assert set(response.json()) >= {"sets.0.points.2.quote", "sets.0.announced_by"}
    assert _counts() == before


def test_the_intake_endpoints_are_in_the_openapi_schema(api):
    schema = api.get("/api/schema/?format=json").json()
    assert {"/api/v1/intake/", "/api/v1/intake/save/"} <= set(schema["paths"])


def test_the_command_prints_the_extraction_as_json(tmp_path, capsys):
    path = tmp_path / "readout.txt"
    path.write_text(seed_text(CENTRAL_ASIA))
    call_command("extract_statements", str(path), "--json")
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"sets", "claims", "text_sha256", "language"}
    assert set(data["sets"][0]) == {"announced_count", "count_inferred", "announcement", "points", "complete"}
    assert set(data["sets"][0]["points"][0]) == {"ordinal", "quote", "start", "end", "deliverables"}
    assert data["sets"][0]["announcement"] == "Wang Yi made four suggestions:"


def test_the_command_refuses_a_private_address():
    with pytest.raises(CommandError, match="private or local address"):
        call_command("extract_statements", "http://127.0.0.1:9/statement")


ZH_READOUT = "王毅表示，中方愿提出四点建议：\n第一，坚持相互尊重。\n第二，坚持合作共赢。\n第三，加强疫苗合作。\n第四，维护多边主义。\n"
RU_READOUT = ("Стороны договорились о сотрудничестве по трём направлениям. Во-первых, укреплять диалог; "
              "во-вторых, расширять торговлю; в-третьих, развивать производство вакцин.")


@pytest.mark.parametrize(("text", "language", "count"), [(ZH_READOUT, "zh", 4), (RU_READOUT, "ru", 3)])
def test_a_chinese_or_russian_text_is_extracted_and_saved_with_its_language(intake_staff, make_party, text, language, count):
    client = client_for(intake_staff)
    response = client.post("/api/v1/intake/", {"text": text}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["language"] == language
    [found] = response.json()["sets"]
    assert found["announced_count"] == count and len(found["points"]) == count and found["complete"]
    body = draft_body(text, make_party)
    del body["source"]["language"]  # not given: detected from the text
    response = client.post("/api/v1/intake/save/", body, format="json")
    assert response.status_code == 202, response.content
    assert not Source.objects.exists()  # proposed: saved once a Reviewer publishes it
    publish(ChangeProposal.objects.get(pk=response.json()["proposal"]))
    assert Source.objects.get().language == language
    statement = Statement.objects.get()
    assert statement.commitments.count() == count


def test_the_command_extracts_a_chinese_file(tmp_path, capsys):
    path = tmp_path / "readout.txt"
    path.write_text(ZH_READOUT, encoding="utf-8")
    call_command("extract_statements", str(path))
    out = capsys.readouterr().out
    assert "Set 1 (4 announced, complete): 王毅表示，中方愿提出四点建议：" in out
    assert "第三，加强疫苗合作。" in out


@pytest.mark.usefixtures("loopback_allowed", "tasks_inline")
def test_chinese_and_russian_pages_are_read_in_their_own_charsets(intake_staff, origins):
    zh_page = ('<html><head><meta charset="gbk"><title>王毅</title></head><body><nav>首页 新闻</nav><main>'
               + "".join(f"<p>{line}</p>" for line in ZH_READOUT.splitlines()) + "</main></body></html>")
    ru_page = f"<html><head><title>МИД</title></head><body><main><p>{RU_READOUT}</p></main></body></html>"
    origins.route("/zh.html", Response(body=zh_page.encode("gbk"), headers={"content-type": "text/html"}))
    origins.route("/ru.html", Response(body=ru_page.encode("cp1251"), headers={"content-type": "text/html; charset=windows-1251"}))
    origins.route("/ru.txt", Response(body=RU_READOUT.encode("cp1251"), headers={"content-type": "text/plain"}))
    client = client_for(intake_staff)
    for path, language, count in (("/zh.html", "zh", 4), ("/ru.html", "ru", 3), ("/ru.txt", "ru", 3)):
        body = client.post("/api/v1/intake/", {"url": origins.url(path)}, format="json").json()
        assert body["language"] == language, (path, body)
        [found] = body["sets"]
        assert found["announced_count"] == count and len(found["points"]) == count, (path, body["text"])
        assert all(body["text"][p["start"]:p["end"]] == p["quote"] for p in found["points"])
