"""The watch inbox as an Editor uses it, in headless Chromium: the badge on the admin home, the item's page
(sets, matches, decisions) at phone and desktop widths, and a status proposed in two clicks."""
# ruff: noqa: F811  (fixtures imported from tests.checks_helpers)

import os
import shutil
from pathlib import Path

import pytest

from commitments.models import ReviewState, StatusUpdate
from commitments.models.watch import InboxItem, InboxState
from tests.checks_helpers import loopback_allowed, origins  # noqa: F401
from tests.test_review_browser import logged_in, staff, wait
from tests.watch_support import watch_all, watch_run, watch_site

SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


@pytest.mark.django_db(transaction=True)
def test_an_editor_opens_the_inbox_from_the_badge_and_proposes_a_status(live_server, seed, origins, loopback_allowed, tmp_path):
    staff("erin", "editor")
    watch_all(watch_site(origins, "wb"), "wb")
    watch_run()
    item = InboxItem.objects.get(document__url__contains="/wb/news/a.html")
    with logged_in(live_server.url, "erin") as page:
        page.go(f"{live_server.url}/admin/")
        assert page.js("document.getElementById('inbox-badge').textContent.trim()") == "3"
        page.click_and_wait("a[href*='/admin/commitments/inboxitem/']")
        page.click_and_wait(f"a[href*='/admin/commitments/inboxitem/{item.id}/change/']")
        assert "Years of Scientific and Technological Innovation" in page.js("document.getElementById('inbox-matches').textContent")
        for width, name in ((375, "phone"), (1280, "desktop")):
            page.resize(width=width, height=1400)
            assert page.js("document.documentElement.scrollWidth <= window.innerWidth + 1"), f"horizontal scroll at {width} px"
            page.screenshot(str(tmp_path / f"inbox-item-{name}.png"), full_page=True)
        page.js("document.getElementById('id_status').value = 'in_progress'")
        page.type_into("#id_rationale", "The 2026 readout says the projects continue.")
        page.click_and_wait("#inbox-propose input[type=submit]")
        wait(page, "document.querySelector('.messagelist') && document.querySelector('.messagelist').textContent.includes('a Reviewer publishes it')")
    update = StatusUpdate.objects.get(author__username="erin")
    assert update.review_state == ReviewState.PROPOSED
    assert InboxItem.objects.get(id=item.id).state == InboxState.ACCEPTED
    if os.environ.get("TRACKER_SAVE_SCREENSHOTS"):  # refresh docs/screenshots by hand: TRACKER_SAVE_SCREENSHOTS=1
        for name in ("phone", "desktop"):
            shutil.copy(tmp_path / f"inbox-item-{name}.png", SCREENSHOTS / f"inbox-item-{name}.png")
