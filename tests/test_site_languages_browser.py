# ruff: noqa: F811, E501  (fixtures imported from tests.test_site_browser; texts and scripts kept whole)
"""Chinese and Russian on the public pages, in headless Chromium: lang attributes, a CJK font stack, the original
beside its translation at desktop width and stacked on a phone, no sideways scrolling at 375 px.

Set TRACKER_SCREENSHOTS=<folder> to save the pages (docs/screenshots/ keeps them)."""

import os
from datetime import date
from pathlib import Path

import pytest

from commitments.intake.drafts import Draft, DraftQuote, DraftSet, DraftSource
from commitments.intake.extract import extract
from commitments.intake.services import intake_save
from commitments.models import Party, Statement
from tests.site_support import CHINA_RUSSIA, point
from tests.test_site_browser import LAYOUT_CHECKS, WIDTHS, browser, seeded  # noqa: F401

ORIGINAL = Path(__file__).parent / "data" / "intake" / "zh-01-china-russia-four-areas-2020.txt"
ZH = "王毅表示，中方愿提出四点建议：\n第一，坚持相互尊重，维护各国主权和领土完整。\n第二，坚持合作共赢，推动贸易和投资自由化便利化。\n第三，加强疫苗合作，共同应对新冠肺炎疫情。\n第四，维护以联合国为核心的国际体系。\n"


def _draft(text: str, *, title: str, publisher: str, url: str, attach_to: Statement | None = None) -> Draft:
    extraction = extract(text)
    found = extraction.sets[0]
    return Draft(
        source=DraftSource(title=title, publisher=publisher, full_text=text, url=url, published_on=date(2020, 9, 11)),
        sets=[DraftSet(title="四点建议", announced_by="王毅", announcing_party=Party.objects.get(slug="china"), announced_on=date(2020, 9, 11),
                       announcement=extraction.quote(found.announcement), announced_count=found.announced_count, attach_to=attach_to,
                       points=[DraftQuote(extraction.quote(p.span), p.span.start, p.span.end) for p in found.points])],
    )


@pytest.fixture
def chinese(seeded) -> dict:
    # The Foreign Ministry's Chinese wording of the seed's China-Russia four areas, as reprinted (its real source URL).
    header, text = ORIGINAL.read_text(encoding="utf-8").split("# ---\n", 1)
    url = header.split("# source:", 1)[1].split()[0]
    intake_save(draft=_draft(text, title="王毅同拉夫罗夫共见记者", publisher="每日经济新闻", url=url,
                             attach_to=Statement.objects.get(slug=CHINA_RUSSIA)))
    saved = intake_save(draft=_draft(ZH, title="王毅会见", publisher="外交部", url="https://www.example.org/zh"))
    return {"rendered": point(CHINA_RUSSIA, 1), "statement": saved.statements[0], "point": saved.statements[0].commitments.get(ordinal=3)}


def test_chinese_pages_keep_their_language_font_and_layout_at_both_widths(chinese, live_server, browser):
    shots = os.environ.get("TRACKER_SCREENSHOTS")
    pages = {"point-original-beside-translation": chinese["rendered"].get_absolute_url(), "statement-zh": chinese["statement"].get_absolute_url(),
             "point-zh": chinese["point"].get_absolute_url(), "search-zh": "/search/?q=疫苗"}
    for name, path in pages.items():
        for label, width in WIDTHS.items():
            browser.resize(width=width)
            browser.go(live_server.url + path)
            where = f"{name} at {width} px"
            assert browser.status() == 200, where
            found = browser.js(LAYOUT_CHECKS)
            assert found["overflow"] <= 0 and found["outside"] == [], (where, found)
            assert browser.js("document.querySelectorAll('[lang=\"zh\"]').length") >= 1, where
            font = browser.js("getComputedStyle(document.querySelector('main [lang=\"zh\"]')).fontFamily")
            assert "Noto Sans CJK SC" in font and "WenQuanYi Micro Hei" in font, (where, font)
            if shots:
                browser.screenshot(os.path.join(shots, f"{name}-{label}.png"), full_page=True)


def test_the_original_stands_beside_its_translation_on_a_desktop_and_above_it_on_a_phone(chinese, live_server, browser):
    tops = "Array.from(document.querySelectorAll('.renderings > figure'), f => [f.querySelector('blockquote').lang, Math.round(f.getBoundingClientRect().top)])"
    browser.resize(width=1280)
    browser.go(live_server.url + chinese["rendered"].get_absolute_url())
    wide = browser.js(tops)
    assert {lang for lang, _ in wide} >= {"en", "zh"}
    assert wide[0][1] == wide[1][1]  # the first two side by side
    browser.resize(width=375)
    browser.go(live_server.url + chinese["rendered"].get_absolute_url())
    narrow = browser.js(tops)
    assert narrow[0][1] < narrow[1][1]  # stacked
