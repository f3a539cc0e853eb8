"""The public site in headless Chromium, from a live server: every page type at phone and desktop widths,
a breadth-first crawl of every internal link from /, the claim's JSON-LD, and a digest's links.

Set TRACKER_SCREENSHOTS=<folder> to save a full-page PNG of each page type at both widths.
"""

import io
import json
import os
import re
from collections import deque
from datetime import date
from urllib.parse import urldefrag, urlparse

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from django.core.management import call_command

from tests.cdp import Browser
from tests.site_support import CHINA_RUSSIA, SCO, site_history

WIDTHS = {"phone": 375, "desktop": 1280}
ALLOWED_API_LINKS = {"/api/docs/"}


@pytest.fixture
def seeded(transactional_db, live_server, settings) -> dict:
    # live_server tests run after a flush, so the groups of the data migration are gone.
    call_command("load_seed", verbosity=0)
    editor = User.objects.create_user("alice", "alice@example.org", "pw-for-tests-only", is_staff=True)
    editor.groups.add(Group.objects.get_or_create(name="Editors")[0])
    settings.SITE_URL, settings.SITE_URL_EXPLICIT = live_server.url, False
    return site_history(author=editor)


@pytest.fixture(scope="module")
def browser():
    chromium = Browser()
    yield chromium
    chromium.close()


def page_types(touched: dict) -> dict[str, str]:
    week = date.today().isocalendar()
    return {
        "overview": "/",
        "statement": f"/statements/{CHINA_RUSSIA}/",
        "point": touched["first"].get_absolute_url(),  # worded in four sources, assessed by two parties
        "deliverable": touched["deliverable"].get_absolute_url(),
        "party": "/parties/russia/",
        "claim": touched["claim"].get_absolute_url(),
        "statements": "/statements/",
        "parties": "/parties/",
        "claims": "/claims/",
        "changes": f"/changes/?week={week.year}-W{week.week:02d}&statement={CHINA_RUSSIA}",
        "search": "/search/?q=vaccine",
    }


LAYOUT_CHECKS = """(() => {
  const width = window.innerWidth;
  const levels = Array.from(document.querySelectorAll('h1,h2,h3,h4,h5,h6'), h => +h.tagName[1]);
  const jumps = levels.filter((level, i) => i > 0 && level > levels[i - 1] + 1);
  const outside = Array.from(document.querySelectorAll('.legend li, .chip, .status, main p, main li'))
    .filter(e => !e.closest('.table-scroll') && e.getBoundingClientRect().right > width + 0.5).map(e => e.textContent.trim().slice(0, 40));
  return {
    overflow: document.documentElement.scrollWidth - width,
    outside: outside,
    h1: levels.filter(l => l === 1).length, first: levels[0], jumps: jumps.length,
    landmarks: ['header', 'nav', 'main', 'footer'].every(tag => document.querySelector(tag)),
    styled: document.querySelectorAll('[style]').length,
    scripts: Array.from(document.scripts).filter(s => s.type !== 'application/ld+json').length,
  };
})()"""


def test_every_page_type_works_at_phone_and_desktop_widths(seeded, live_server, browser):
    shots = os.environ.get("TRACKER_SCREENSHOTS")
    for name, path in page_types(seeded).items():
        for label, width in WIDTHS.items():
            browser.resize(width=width)
            browser.go(live_server.url + path)
            assert browser.status() == 200, path
            found = browser.js(LAYOUT_CHECKS)
            where = f"{name} at {width} px"
            assert found["overflow"] <= 0 and found["outside"] == [], (where, found)  # no sideways scrolling, legend included
            assert found["h1"] == 1 and found["first"] == 1 and found["jumps"] == 0, (where, found)  # headings in order
            assert found["landmarks"], where
            assert found["styled"] == 0 and found["scripts"] == 0, where  # nothing a strict CSP would block
            if shots:
                browser.screenshot(os.path.join(shots, f"{name}-{label}.png"), full_page=True)
            browser.press_tab()  # keyboard: the first stop is the skip link, and focus is visible
            assert browser.js("document.activeElement.className") == "skip", where
            browser.press_tab()
            assert browser.js("getComputedStyle(document.activeElement).outlineStyle") != "none", where


def internal_links(browser) -> list[str]:
    return browser.js("Array.from(document.querySelectorAll('a[href], link[href]'), a => a.href)")


def test_every_link_from_the_overview_leads_to_a_working_public_page(seeded, live_server, browser):
    origin = urlparse(live_server.url).netloc
    queue, seen, broken, forbidden = deque(["/"]), {"/"}, [], []
    browser.resize(width=1280)
    while queue:
        path = queue.popleft()
        browser.go(live_server.url + path)
        status = browser.status()
        if status >= 400:
            broken.append((path, status))
            continue
        if path.startswith(("/changes/feed.atom", "/static/")):
            continue
        for link in internal_links(browser):
            url = urlparse(urldefrag(link)[0])
            if url.netloc != origin:
                continue
            target = url.path + (f"?{url.query}" if url.query else "")
            if url.path.startswith(("/admin/", "/api/")):
                if url.path not in ALLOWED_API_LINKS:
                    forbidden.append((path, target))
                continue
            if target not in seen:
                seen.add(target)
                queue.append(target)
    assert broken == [] and forbidden == []
    kinds = {re.sub(r"^/(statements/[^/]+|claims)/[0-9.]+/$", r"/\1/N/", p.split("?")[0]) for p in seen}
    assert {"/", "/statements/", "/parties/", "/claims/", "/changes/", "/search/",
            f"/statements/{SCO}/", f"/statements/{SCO}/N/", "/claims/N/", "/parties/russia/"} <= kinds
    assert len(seen) > 100  # every statement, point, deliverable, claim and party of the seed


def test_the_claim_page_s_json_ld_parses_in_the_browser_and_names_the_page(seeded, live_server, browser):
    browser.go(live_server.url + seeded["claim"].get_absolute_url())
    review = json.loads(browser.js("document.querySelector('script[type=\"application/ld+json\"]').textContent"))
    assert review["url"] == browser.js("location.href")
    assert review["@type"] == "ClaimReview" and review["claimReviewed"] == seeded["claim"].quote


def test_each_link_in_a_digest_opens_a_public_page(seeded, live_server, browser, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    week = date.today().isocalendar()
    call_command("send_digests", "--to", "reader@example.org", "--week", f"{week.year}-W{week.week:02d}", stdout=io.StringIO())
    [message] = mail.outbox
    html = next(content for content, kind in message.alternatives if kind == "text/html")
    links = set(re.findall(r'href="([^"]+)"', html))
    ours = sorted(link.replace("&amp;", "&") for link in links if link.startswith(live_server.url))
    assert any("/statements/" in link for link in ours) and any("/claims/" in link for link in ours)
    assert not [link for link in links if "/admin/" in link or "/api/" in link]
    browser.resize(width=375)
    for link in ours:
        browser.go(link)
        assert browser.status() == 200, link
        assert browser.js("!!document.querySelector('main, h1')"), link
