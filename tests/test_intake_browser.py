# ruff: noqa: F811  (fixtures imported from tests.intake_support)
"""The intake page in headless Chromium, with real mouse clicks: paste a text, find the fields filled in from
it, fix one point, accept; a bad edit shows its error beside the field and saves nothing; no click is lost to
a page that scrolls under the pointer, on a phone (375 px) or a desktop (1280 px).

Set INTAKE_SCREENSHOTS=<folder> to save the pages at both widths (docs/screenshots/intake-*.png).
"""

import os

import pytest
from django.conf import settings

from commitments.models import ChangeProposal, Claim, Commitment, Party, Source, Statement, Theme
from tests.cdp import Browser
from tests.intake_support import CENTRAL_ASIA, intake_staff, seed_text  # noqa: F401
from tests.review_support import publish

SECOND = "Second, jointly promote economic recovery and be a mutually beneficial and win-win partner."
WIDTHS = {"phone": 375, "desktop": 1280}


def _counts() -> tuple[int, ...]:
    return Source.objects.count(), Statement.objects.count(), Commitment.objects.count(), Claim.objects.count()


@pytest.fixture
def browser(live_server, client, intake_staff, make_party):
    for name, slug in [("China", "china"), ("Kazakhstan", "kazakhstan"), ("Uzbekistan", "uzbekistan")]:
        make_party(name=name, slug=slug)
    Theme.objects.create(slug="health", name="Health")
    Theme.objects.create(slug="economy", name="Economy and connectivity")
    Theme.objects.create(slug="security", name="Security")
    client.force_login(intake_staff)
    chrome = Browser()
    chrome.set_cookie(name=settings.SESSION_COOKIE_NAME, value=client.cookies[settings.SESSION_COOKIE_NAME].value, url=live_server.url)
    yield chrome
    chrome.close()


def _shot(browser: Browser, name: str) -> None:
    folder = os.environ.get("INTAKE_SCREENSHOTS")
    if folder:
        browser.screenshot(os.path.join(folder, f"{name}.png"), full_page=True)


def _paste(browser: Browser, live_server) -> None:
    browser.go(live_server.url + "/admin/commitments/statement/")
    browser.click_and_wait_for_load("a[href$='/statement/intake/']")
    browser.click("textarea[name=text]")
    browser.type_into("textarea[name=text]", seed_text(CENTRAL_ASIA))
    browser.click_and_wait_for_load("input[name=extract]")


def _value(browser: Browser, selector: str):
    return browser.js(f"document.querySelector({selector!r}).value")


@pytest.mark.django_db(transaction=True)
def test_the_fields_are_filled_in_from_the_text_and_an_analyst_accepts(browser, live_server):
    _paste(browser, live_server)
    assert browser.js("document.querySelectorAll('mark.intake-point[id]').length") == 4
    assert "4 of 4 announced points" in browser.js("document.body.innerText")
    # What the text says is filled in, editable: who announced the set, for which party, when it binds whom, its themes.
    assert _value(browser, "input[name='set-0-announced_by']") == "Wang Yi, State Councilor and Foreign Minister of China"
    china = Party.objects.get(slug="china")
    assert _value(browser, "select[name='set-0-announcing_party']") == str(china.pk)
    ticked = browser.js("Array.from(document.querySelectorAll('input[name=\"set-0-parties\"]:checked'), b => b.parentElement.innerText.trim())")
    assert "China" in ticked and "Kazakhstan" in ticked
    themes = browser.js("Array.from(document.querySelectorAll('input[name=\"set-0-themes\"]:checked'), b => b.parentElement.innerText.trim())")
    assert "Economy and connectivity" in themes
    # The source's title and publisher, which a pasted text does not say, are typed here.
    browser.type_into("input[name=title]", "Wang Yi presides over the first China + Central Asia foreign ministers' video meeting")
    browser.type_into("input[name=publisher]", "China News Agency")
    browser.type_into("input[name='set-0-announced_on']", "2020-07-16")
    # A person unticks a theme with one click: it works the first time, and the page does not move.
    security = Theme.objects.get(slug="security")
    box = f"input[name='set-0-themes'][value='{security.pk}']"
    was = browser.js(f"document.querySelector({box!r}).checked")
    moved = browser.click(box)
    assert browser.js(f"document.querySelector({box!r}).checked") is (not was) and moved["before"] == moved["after"]
    browser.click(box)  # back as the guess had it
    browser.click("textarea[name='set-0-points-1-quote']")
    browser.type_into("textarea[name='set-0-points-1-quote']", SECOND)
    browser.click_and_wait_for_load("input[name=save]")
    assert browser.js("location.pathname") == "/admin/commitments/statement/"  # charlie may not open the review queue
    assert "Proposed" in browser.js("document.querySelector('.messagelist').innerText")
    assert not Statement.objects.exists()  # a proposal until a Reviewer publishes it
    publish(ChangeProposal.objects.get())
    statement = Statement.objects.get()
    assert statement.announced_by == "Wang Yi, State Councilor and Foreign Minister of China" and statement.announcing_party == china
    assert set(statement.parties.values_list("slug", flat=True)) >= {"china", "kazakhstan"}
    points = list(statement.commitments.filter(parent=None).order_by("ordinal"))
    assert len(points) == 4 and points[1].quote == SECOND and points[0].quote.startswith("First, work together")
    assert "economy" in points[0].themes.values_list("slug", flat=True)
    assert statement.sources.get().full_text == seed_text(CENTRAL_ASIA)
    assert len(statement.slug) <= 40 and not statement.slug.endswith("-")
    assert statement.title.lower().replace(" ", "-").startswith(statement.slug.split("-")[0])


@pytest.mark.django_db(transaction=True)
def test_a_bad_edit_shows_where_it_differs_beside_its_field_and_saves_nothing(browser, live_server):
    _paste(browser, live_server)
    browser.type_into("input[name=title]", "Readout")
    browser.type_into("input[name=publisher]", "China News Agency")
    browser.type_into("textarea[name='set-0-points-0-quote']", "First, work together to beat the pandemic.")
    before = _counts()
    browser.click_and_wait_for_load("input[name=save]")
    assert "Nothing was saved" in browser.js("document.body.innerText")
    # The message sits in the point's own row, next to the quote, and says where the quote leaves the text.
    row = browser.js("document.querySelector(\"textarea[name='set-0-points-0-quote']\").closest('.form-row').innerText")
    assert "not verbatim" in row and "up to “First, work together to”" in row and "where the text has “defeat the epidemic" in row
    assert _counts() == before


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("label", list(WIDTHS))
def test_no_click_is_lost_at_phone_and_desktop_widths(browser, live_server, label):
    browser.resize(width=WIDTHS[label], height=800)
    browser.go(live_server.url + "/admin/commitments/statement/intake/")
    assert browser.js("document.documentElement.scrollWidth <= window.innerWidth + 1")
    _shot(browser, f"intake-start-{label}")
    _paste(browser, live_server)
    _shot(browser, f"intake-review-{label}")
    # Focus a point's quote (its words are outlined in the text box), then click boxes and fields further down:
    # each first click lands, and the page never scrolls between the press and the release.
    for selector in ["textarea[name='set-0-points-2-quote']", "input[name='set-0-themes']", "input[name='set-0-include']",
                     "textarea[name='set-0-points-3-quote']", "input[name='set-0-parties']", "input[name='claims-0-title']"]:
        checked = browser.js(f"document.querySelector({selector!r}).checked")
        moved = browser.click(selector)
        assert moved["before"] == moved["after"], (label, selector, moved)
        if checked is not None and browser.js(f"document.querySelector({selector!r}).type") == "checkbox":
            assert browser.js(f"document.querySelector({selector!r}).checked") is (not checked), (label, selector)
        else:
            assert browser.js(f"document.activeElement === document.querySelector({selector!r})"), (label, selector)
    assert browser.js("document.querySelector('mark.intake-focus') !== null")  # the text box followed the focus
    assert browser.js("document.documentElement.scrollWidth <= window.innerWidth + 1"), label  # no sideways scrolling
