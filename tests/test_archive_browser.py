# ruff: noqa: F811  (fixtures imported from tests.checks_helpers)
"""The archive's pages and the deadline marks in headless Chromium, from a live server, at phone and desktop widths.

Set TRACKER_SCREENSHOTS=<folder> to save a full-page PNG of each at both widths.
"""

import os
from datetime import date

import pytest
import time_machine

from commitments.checks import services as checks
from commitments.models import Capture, Commitment
from tests.cdp import Browser
from tests.checks_helpers import days, loopback_allowed, origins  # noqa: F401
from tests.checks_server import Request, Response, html

WIDTHS = {"phone": 375, "desktop": 1280}
QUOTE = "China and Russia will strengthen cooperation in four areas."
FIRST = html(f"<p>{QUOTE} The ministers met in Moscow. Trade was discussed. Energy was discussed.</p>"
             "<script>document.title = 'pwned'</script>", title="Joint statement")
SECOND = html("<p>The statement was revised. The ministers met in Moscow. Trade was discussed. Energy was discussed.</p>",
              title="Joint statement")

LAYOUT = """(() => ({
  overflow: document.documentElement.scrollWidth - window.innerWidth,
  h1: document.querySelectorAll('h1').length,
  styled: document.querySelectorAll('[style]').length,
  scripts: document.scripts.length,
}))()"""


@pytest.fixture
def archived(transactional_db, live_server, settings, tmp_path, origins, loopback_allowed, make_source, make_statement):
    settings.STORAGES = {**settings.STORAGES, "archive": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path / "archive")},
    }}
    settings.TRACKER_CHECK_CHANGE_CONFIRMATIONS, settings.TRACKER_CHECK_GONE_FAILURES = 2, 3
    answer = {"now": (200, FIRST)}

    async def serve(request: Request) -> Response:
        return Response(*answer["now"])

    origins.route("/browser/statement", serve)
    url = origins.url("/browser/statement")
    statement = make_statement(points=2, source=make_source(url=url, title="Joint statement of the ministers"), slug="archived-browser",
                               title="Moscow joint statement")
    point = statement.commitments.get(ordinal=1)
    Commitment.objects.filter(pk=point.pk).update(target_date=date(2026, 5, 31))

    def recheck(now):
        row = checks.monitored_url_ensure(url=url, now=now)
        checks.check_batch_run(ids=[row.id], claim=None, now=now)

    recheck(days(0))
    answer["now"] = (200, SECOND)
    recheck(days(1))
    recheck(days(2))
    answer["now"] = (404, "gone")
    for day in (3, 6, 9):
        recheck(days(day))
    first, second = Capture.objects.order_by("captured_at")
    return {"statement": statement, "point": point, "first": first, "second": second}


@pytest.fixture(scope="module")
def browser():
    chromium = Browser()
    yield chromium
    chromium.close()


@time_machine.travel("2026-06-15 09:00Z", tick=False)
def test_archive_pages_and_deadline_marks_work_at_phone_and_desktop_widths(archived, live_server, browser):
    shots = os.environ.get("TRACKER_SCREENSHOTS")
    first, second = archived["first"], archived["second"]
    pages = {
        "point-archived": archived["point"].get_absolute_url(),
        "statement-overdue": archived["statement"].get_absolute_url(),
        "capture-diff": f"/archive/{second.pk}/?compare={first.pk}",
    }
    for name, path in pages.items():
        for label, width in WIDTHS.items():
            browser.resize(width=width)
            browser.go(live_server.url + path)
            assert browser.status() == 200, path
            found = browser.js(LAYOUT)
            assert found["overflow"] <= 0 and found["h1"] == 1 and not found["styled"] and not found["scripts"], (name, found)
            if shots:
                browser.screenshot(os.path.join(shots, f"{name}-{label}.png"), full_page=True)
    browser.go(live_server.url + pages["point-archived"])
    lead = browser.js("document.querySelector('figcaption a').getAttribute('href')")
    assert lead == f"/archive/{second.pk}/"  # the live page is gone: the archived copy comes first
    assert "The live page is gone" in browser.js("document.querySelector('figcaption').textContent")
    browser.go(live_server.url + pages["statement-overdue"])
    assert browser.js("document.querySelector('.overdue').textContent") == "overdue since 1 Jun 2026"


@time_machine.travel("2026-06-15 09:00Z", tick=False)
def test_a_captured_script_does_not_run_in_the_sandboxed_view(archived, live_server, browser):
    browser.go(live_server.url + f"/archive/{archived['first'].pk}/sandboxed/")
    assert browser.status() == 200
    assert browser.js("document.title") == "Joint statement"  # the captured <script> would have set 'pwned'
    assert "The ministers met in Moscow" in browser.js("document.body.textContent")

    # Framed by the capture page: its own (opaque-origin) frame, where the script did not run either.
    browser.go(live_server.url + f"/archive/{archived['first'].pk}/")
    frames = [t for t in browser.call("Target.getTargets")["targetInfos"] if t["type"] == "iframe"]
    [frame] = [t for t in frames if t["url"].endswith(f"/archive/{archived['first'].pk}/sandboxed/")]
    session = browser.call("Target.attachToTarget", targetId=frame["targetId"], flatten=True)["sessionId"]
    title = browser.call("Runtime.evaluate", session=session, expression="document.title", returnByValue=True)["result"]["value"]
    origin = browser.call("Runtime.evaluate", session=session, expression="self.origin", returnByValue=True)["result"]["value"]
    assert (title, origin) == ("Joint statement", "null")
