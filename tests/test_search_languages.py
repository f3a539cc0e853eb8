"""Search in every language on PostgreSQL: a point is found by a word of its Chinese or Russian rendering
(the public search and the API), ranked, with the word highlighted; the SQLite fallback finds it by substring."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commitments.intake.drafts import Draft, DraftQuote, DraftSet, DraftSource
from commitments.intake.extract import extract
from commitments.intake.services import intake_save
from commitments.models import Party, Source
from commitments.renderings import rendering_add
from commitments.site.search import SearchFilters, search
from tests.site_support import SCO, point

pytest_plugins = ["tests.api_support"]
pytestmark = pytest.mark.django_db

ZH = "王毅表示，中方愿提出四点建议：\n第一，坚持相互尊重。\n第二，坚持合作共赢。\n第三，加强疫苗合作，共同应对疫情。\n第四，维护多边主义。\n"
RU = "Стороны договорились: обеспечить странам ШОС доступ к вакцине и наладить совместное производство."


def _chinese_set_saved():
    extraction = extract(ZH)
    [found] = extraction.sets
    draft = Draft(
        source=DraftSource(title="王毅会见", publisher="外交部", full_text=ZH, url="https://www.example.org/zh"),
        sets=[DraftSet(title="四点建议", announced_by="王毅", announcing_party=Party.objects.get(slug="china"),
                       announced_on=date(2021, 6, 1), announcement=extraction.quote(found.announcement), announced_count=4,
                       points=[DraftQuote(extraction.quote(p.span), p.span.start, p.span.end) for p in found.points])],
    )
    return intake_save(draft=draft)


def _russian_rendering():
    source = Source.objects.create(slug="ru-sco", title="Заявление", publisher="МИД России", language="ru", full_text=RU,
                                   published_on=date(2021, 9, 17))
    return rendering_add(target=point(SCO, 3), source=source, text=RU)


def test_a_saved_chinese_set_is_found_by_the_public_search_in_chinese(seed, client):
    saved = _chinese_set_saved()
    assert saved.source.language == "zh"
    third = saved.statements[0].commitments.get(ordinal=3)
    hits = search(q="疫苗", filters=SearchFilters())
    assert [hit.url for hit in hits if hit.kind == "point"] == [third.get_absolute_url()]
    assert "<mark>疫苗</mark>" in hits[0].snippet
    html = client.get("/search/?q=疫苗").content.decode()
    assert third.get_absolute_url() in html and "<mark>疫苗</mark>" in html
    assert search(q="疫苗合作", filters=SearchFilters())[0].url == third.get_absolute_url()  # several pairs: all must be there
    assert not [hit for hit in search(q="苗疫", filters=SearchFilters()) if hit.kind == "point"]


def test_a_russian_rendering_is_found_by_another_form_of_its_word(seed):
    _russian_rendering()
    for word in ("вакцины", "вакцина", "производства"):
        hits = [hit for hit in search(q=word, filters=SearchFilters()) if hit.kind == "point"]
        assert [hit.url for hit in hits] == [point(SCO, 3).get_absolute_url()], word
        assert "<mark>" in hits[0].snippet
    assert "<mark>вакцине</mark>" in search(q="вакцины", filters=SearchFilters())[0].snippet


def test_the_english_rendering_still_ranks_its_own_words_first(seed):
    _russian_rendering()
    hits = search(q="vaccine", filters=SearchFilters())
    assert any(hit.url == point(SCO, 3).get_absolute_url() for hit in hits)
    ranks = [hit.rank for hit in hits]
    assert ranks == sorted(ranks, reverse=True)


def test_the_search_takes_four_queries_in_any_language(seed):
    _chinese_set_saved()
    _russian_rendering()
    for q in ("疫苗", "вакцины", "vaccine"):
        with CaptureQueriesContext(connection) as queries:
            assert search(q=q, filters=SearchFilters())
        assert len(queries) == 4, q


def test_the_portable_fallback_finds_a_chinese_or_russian_rendering_by_substring(seed):
    saved = _chinese_set_saved()
    _russian_rendering()
    [zh] = [hit for hit in search(q="疫苗", filters=SearchFilters(), portable=True) if hit.kind == "point"]
    assert zh.url == saved.statements[0].commitments.get(ordinal=3).get_absolute_url() and "<mark>疫苗</mark>" in zh.snippet
    [ru] = [hit for hit in search(q="вакцине", filters=SearchFilters(), portable=True) if hit.kind == "point"]
    assert ru.url == point(SCO, 3).get_absolute_url() and "<mark>вакцине</mark>" in ru.snippet


def test_the_api_search_finds_points_by_their_chinese_or_russian_renderings(seed, api, django_assert_max_num_queries):
    saved = _chinese_set_saved()
    _russian_rendering()
    third = saved.statements[0].commitments.get(ordinal=3)
    with django_assert_max_num_queries(8):
        zh = api.get("/api/v1/commitments/?search=疫苗").json()["results"]
    assert [row["id"] for row in zh] == [third.pk]
    ru = api.get("/api/v1/commitments/?search=вакцины").json()["results"]
    assert point(SCO, 3).pk in [row["id"] for row in ru]
    assert api.get("/api/v1/commitments/?search=Vaccine").json()["results"]  # the English fields as before


def test_a_chinese_statement_is_found_by_a_word_of_its_announcement(seed):
    saved = _chinese_set_saved()
    hits = [hit for hit in search(q="四点建议", filters=SearchFilters()) if hit.kind == "statement"]
    assert [hit.url for hit in hits] == [saved.statements[0].get_absolute_url()]
    assert "<mark>四点建议</mark>" in hits[0].snippet


def test_the_api_search_answers_ranked_hits_with_highlighted_snippets_in_any_language(seed, api, django_assert_max_num_queries):
    saved = _chinese_set_saved()
    _russian_rendering()
    with django_assert_max_num_queries(4):
        body = api.get("/api/v1/search/?q=疫苗").json()
    points = [hit for hit in body["results"] if hit["kind"] == "point"]
    assert [hit["url"] for hit in points] == ["http://testserver" + saved.statements[0].commitments.get(ordinal=3).get_absolute_url()]
    assert "<mark>疫苗</mark>" in points[0]["snippet"]
    ru = api.get("/api/v1/search/?q=вакцины").json()["results"]
    assert ru[0]["url"].endswith(point(SCO, 3).get_absolute_url()) and "<mark>" in ru[0]["snippet"]
    ranks = [hit["rank"] for hit in api.get("/api/v1/search/?q=vaccine").json()["results"]]
    assert ranks and ranks == sorted(ranks, reverse=True)
    assert api.get("/api/v1/search/").status_code == 400
    assert api.get("/api/v1/search/?q=x&status=nonsense").status_code == 400
