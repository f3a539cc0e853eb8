# ruff: noqa: F811, E501  (fixtures imported from tests.intake_support; texts kept whole)
"""One set in two languages: a Chinese or Russian original and its English translation, taken in either order,
become renderings of the same points (aligned by ordinal, confirmed by content); the original is primary."""

import io
from datetime import date
from pathlib import Path

import pytest

from commitments.intake.alignment import ordinal_alignment_holds, set_affinity
from commitments.intake.drafts import Draft, DraftQuote, DraftSet, DraftSource
from commitments.intake.extract import extract
from commitments.intake.matching import rendering_candidates
from commitments.intake.services import intake_save
from commitments.models import Party, Rendering, Statement
from tests.intake_support import intake_staff  # noqa: F401

pytestmark = pytest.mark.django_db
URL = "/admin/commitments/statement/intake/"

ZH = ("王毅表示，双方要在三个方面加强合作：\n"
      "一是加强疫苗合作，共同应对疫情。\n"
      "二是扩大贸易和投资，到2030年双边贸易额达到3000亿美元。\n"
      "三是深化人文交流，办好青年交流年。\n")
EN = ("Wang Yi said the two sides should strengthen cooperation in three areas:\n"
      "First, strengthen vaccine cooperation and jointly respond to the pandemic.\n"
      "Second, expand trade and investment, raising bilateral trade to 300 billion US dollars by 2030.\n"
      "Third, deepen people-to-people exchanges and hold a successful Year of Youth Exchanges.\n")
RU = ("Ван И заявил, что стороны будут укреплять сотрудничество по трём направлениям:\n"
      "Во-первых, укреплять сотрудничество в области вакцин и совместно бороться с пандемией.\n"
      "Во-вторых, расширять торговлю и инвестиции, доведя товарооборот до 300 млрд долларов к 2030 году.\n"
      "В-третьих, углублять гуманитарные обмены и провести Год молодёжных обменов.\n")


def _points(text: str) -> list[str]:
    return [p["quote"] for p in extract(text).as_json()["sets"][0]["points"]]


def _draft(text: str, *, attach_to: Statement | None = None, translation_of: str = "", publisher: str = "MFA") -> Draft:
    extraction = extract(text)
    [found] = extraction.sets
    source = DraftSource(title=f"Readout ({publisher})", publisher=publisher, full_text=text, published_on=date(2023, 5, 1),
                         is_translation=bool(translation_of), original_language=translation_of)
    item = DraftSet(title="Three areas", announced_by="Wang Yi", announcing_party=Party.objects.get_or_create(slug="china", defaults={"name": "China"})[0],
                    announced_on=date(2023, 5, 1), announcement=extraction.quote(found.announcement), announced_count=found.announced_count,
                    points=[DraftQuote(extraction.quote(p.span), p.span.start, p.span.end) for p in found.points], attach_to=attach_to)
    return Draft(source=source, sets=[item])


def _renderings(statement: Statement) -> list[list[tuple[str, bool, bool, str]]]:
    return [[(r.language, r.is_primary, r.is_translation, r.translator) for r in point.renderings.order_by("language")]
            for point in statement.commitments.filter(parent__isnull=True).order_by("ordinal")]


def test_points_of_an_original_and_its_translation_align_by_ordinal_and_content():
    assert set_affinity(_points(ZH), _points(EN)) >= 30 and ordinal_alignment_holds(_points(ZH), _points(EN))
    assert set_affinity(_points(RU), _points(EN)) >= 30 and ordinal_alignment_holds(_points(RU), _points(EN))
    shuffled = _points(EN)[1:] + _points(EN)[:1]
    assert not ordinal_alignment_holds(_points(ZH), shuffled)  # the same points out of order: no ordinal alignment


@pytest.mark.parametrize("first", ["original", "translation"])
def test_either_order_ends_with_the_original_primary_and_the_translation_beside_it(first):
    if first == "original":
        statement = intake_save(draft=_draft(ZH)).statements[0]
        [(candidate, _score)] = rendering_candidates(points=_points(EN), language="en")
        assert candidate == statement
        intake_save(draft=_draft(EN, attach_to=candidate, translation_of="zh", publisher="Xinhua English"))
    else:
        statement = intake_save(draft=_draft(EN, translation_of="zh", publisher="Xinhua English")).statements[0]
        [(candidate, _score)] = rendering_candidates(points=_points(ZH), language="zh")
        assert candidate == statement
        intake_save(draft=_draft(ZH, attach_to=candidate))
    assert Statement.objects.count() == 1
    assert _renderings(statement) == [[("en", False, True, "Xinhua English"), ("zh", True, False, "")]] * 3
    third = statement.commitments.get(ordinal=3)
    assert third.quote == "三是深化人文交流，办好青年交流年。"  # the primary (original) wording is the point's quote


def test_a_russian_original_aligns_with_the_english_translation():
    statement = intake_save(draft=_draft(RU)).statements[0]
    [(candidate, _score)] = rendering_candidates(points=_points(EN), language="en")
    assert candidate == statement
    intake_save(draft=_draft(EN, attach_to=candidate, translation_of="ru", publisher="TASS English"))
    assert _renderings(statement) == [[("en", False, True, "TASS English"), ("ru", True, False, "")]] * 3


def test_a_set_of_other_content_is_no_candidate():
    intake_save(draft=_draft(ZH))
    other = ("The ministers agreed on three points:\nFirst, hold a summit in Geneva.\nSecond, open consulates in Lyon.\n"
             "Third, resume flights between the capitals.\n")
    assert rendering_candidates(points=_points(other), language="en") == []


def test_the_real_chinese_original_of_a_seed_set_is_offered_for_its_english_rendering(seed):
    # The Foreign Ministry's Chinese readout of the China-Russia four areas (the corpus's tuning side), as reprinted.
    raw = (Path(__file__).parent / "data" / "intake" / "zh-01-china-russia-four-areas-2020.txt").read_text(encoding="utf-8")
    text = raw.split("# ---\n", 1)[1]
    candidates = [s.slug for s, _ in rendering_candidates(points=_points(text), language="zh")]
    assert candidates[:1] == ["china-russia-four-areas-2020"]


def test_the_admin_review_shows_the_recorded_set_beside_the_new_one(client, intake_staff):
    intake_save(draft=_draft(ZH))
    client.force_login(intake_staff)
    response = client.post(URL, {"text": EN, "title": "Readout", "publisher": "Xinhua English", "language": "", "extract": "1"})
    html = response.content.decode()
    assert "Already recorded?" in html and 'class="intake-aligned"' in html
    assert '<td lang="en">Second, expand trade and investment' in html
    assert '<td lang="zh">二是扩大贸易和投资，到2030年双边贸易额达到3000亿美元。</td>' in html


def test_the_seed_sets_take_their_real_chinese_originals_point_by_point(seed):
    from django.core.management import call_command

    from commitments.site.search import SearchFilters, search
    from tests.site_support import point

    call_command("load_originals", stdout=io.StringIO())
    attached = {(r.commitment.statement.slug, r.commitment.ordinal): r for r in Rendering.objects.filter(language="zh").select_related("commitment__statement")}
    assert set(attached) == {("china-russia-four-areas-2020", 3), ("china-russia-four-areas-2020", 4), ("sco-cfm-moscow-2020-five-results", 1),
                             ("sco-cfm-moscow-2020-five-results", 2), ("sco-five-point-proposal-2021", 1), ("sco-five-point-proposal-2021", 2),
                             ("sco-five-point-proposal-2021", 3)}
    assert all(not r.is_translation and r.source.full_text[r.start:r.end] == r.text for r in attached.values())
    # Where the recorded wording was a translation (Xinhua's English interview), the original becomes primary.
    assert attached[("sco-cfm-moscow-2020-five-results", 1)].is_primary and point("sco-cfm-moscow-2020-five-results", 1).quote.startswith("一是")
    assert attached[("sco-five-point-proposal-2021", 3)].text.startswith("第三,攜手抗疫")
    assert point("sco-five-point-proposal-2021", 3).get_absolute_url() in {h.url for h in search(q="疫苗", filters=SearchFilters())}
    before = Rendering.objects.count()
    call_command("load_originals", stdout=io.StringIO())  # a file already loaded is skipped
    assert Rendering.objects.count() == before
