# ruff: noqa: F811  (fixtures imported from tests.intake_support)
"""The intake page in headless Chromium: paste a text, fix one point, accept; a bad edit saves nothing."""

import os

import pytest
from django.conf import settings

from commitments.models import Claim, Commitment, Source, Statement
from tests.cdp import Browser
from tests.intake_support import CENTRAL_ASIA, intake_staff, seed_text  # noqa: F401

SECOND = "Second, jointly promote economic recovery and be a mutually beneficial and win-win partner."


def _counts() -> tuple[int, ...]:
    return Source.objects.count(), Statement.objects.count(), Commitment.objects.count(), Claim.objects.count()


@pytest.fixture
def browser(live_server, client, intake_staff, make_party):
    make_party(name="China", slug="china")
    client.force_login(intake_staff)
    chrome = Browser()
    chrome.set_cookie(name=settings.SESSION_COOKIE_NAME, value=client.cookies[settings.SESSION_COOKIE_NAME].value, url=live_server.url)
    yield chrome
    chrome.close()


def _paste_and_review(browser: Browser, live_server) -> None:
    browser.go(live_server.url + "/admin/commitments/statement/")
    browser.click_and_wait("a[href$='/statement/intake/']")
    browser.type_into("textarea[name=text]", seed_text(CENTRAL_ASIA))
    browser.type_into("input[name=title]", "Wang Yi presides over the first China + Central Asia foreign ministers' video meeting")
    browser.type_into("input[name=publisher]", "China News Agency")
    browser.click_and_wait("input[name=extract]")
    browser.type_into("input[name='set-0-announced_by']", "Wang Yi, State Councilor and Foreign Minister of China")
    browser.js("(() => { const s = document.querySelector(\"select[name='set-0-announcing_party']\"); s.selectedIndex = 1; })()")
    browser.type_into("input[name='set-0-announced_on']", "2020-07-16")


@pytest.mark.django_db(transaction=True)
def test_an_analyst_pastes_a_text_fixes_a_point_and_accepts(browser, live_server, tmp_path):
    _paste_and_review(browser, live_server)
    assert browser.js("document.querySelectorAll('mark.intake-point[id]').length") == 4
    assert "4 of 4 announced points" in browser.js("document.body.innerText")
    # The analyst shortens point 2 to its first sentence.
    browser.type_into("textarea[name='set-0-points-1-quote']", SECOND)
    shot = os.environ.get("INTAKE_SCREENSHOT") or str(tmp_path / "intake-review.png")
    browser.screenshot(shot)
    browser.click_and_wait("input[name=save]")
    assert browser.js("location.pathname") == "/admin/commitments/statement/"
    assert "Saved" in browser.js("document.querySelector('.messagelist').innerText")
    statement = Statement.objects.get()
    points = list(statement.commitments.filter(parent=None).order_by("ordinal").values_list("quote", flat=True))
    assert len(points) == 4 and points[1] == SECOND and points[0].startswith("First, work together")
    assert statement.sources.get().full_text == seed_text(CENTRAL_ASIA)


@pytest.mark.django_db(transaction=True)
def test_a_bad_edit_shows_the_error_and_saves_nothing(browser, live_server):
    _paste_and_review(browser, live_server)
    browser.type_into("textarea[name='set-0-points-0-quote']", "First, a paraphrase of what the minister said.")
    before = _counts()
    browser.click_and_wait("input[name=save]")
    text = browser.js("document.body.innerText")
    assert "Nothing was saved" in text and "not verbatim" in text
    assert _counts() == before
