"""The staff evidence form and the review queue card in Chromium, with real mouse clicks, at 375 px and 1280 px
(issue 19 item 5): an Editor edits published evidence (nothing public changes), a Reviewer reads the card's
diff and reason and publishes it with a click; then the point's page and the corrections log show it.

Set TRACKER_SCREENSHOTS=<folder> to save evidence-form-*.png and review-queue-*.png.
"""

import json
import os
from datetime import date

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client

from commitments.models import EvidenceRevision, ReviewState, Status
from commitments.roles import role_group
from commitments.services import NewEvidence, status_update_record
from tests.cdp import Browser
from tests.review_support import publish

WIDTHS = {"phone": 375, "desktop": 1280}
LAYOUT = "document.documentElement.scrollWidth - window.innerWidth"


def staff(username: str, role: str) -> User:
    # live_server tests run after a flush of the database: the migration's groups are rebuilt here.
    user = User.objects.create_user(username, f"{username}@example.org", "pw-for-tests-only", is_staff=True)
    user.groups.add(role_group(role))
    return user


def browser_as(user: User, live_server, width: int) -> Browser:
    client = Client()
    client.force_login(user)
    chrome = Browser(width=width, height=900)
    chrome.resize(width=width, height=900)
    chrome.set_cookie(name=settings.SESSION_COOKIE_NAME, value=client.cookies[settings.SESSION_COOKIE_NAME].value, url=live_server.url)
    return chrome


def click(chrome: Browser, selector: str, *, loads: bool = False) -> None:
    """A real click; nothing may jump under the pointer (a lost first click)."""
    if loads:
        chrome.events.clear()
    moved = chrome.click(selector)
    if loads:
        chrome.wait_for_load()
    else:
        assert moved["before"] == moved["after"], (selector, moved)


def shot(chrome: Browser, name: str) -> None:
    if folder := os.environ.get("TRACKER_SCREENSHOTS"):
        chrome.screenshot(os.path.join(folder, name), full_page=True)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("label", list(WIDTHS))
def test_an_editor_edits_evidence_and_a_reviewer_publishes_it_from_the_queue_card(live_server, make_statement, label):
    point = make_statement(points=1, title="Astana declaration on health cooperation").commitments.get()
    ana, dave = staff("ana", "editor"), staff("dave", "reviewer")
    update = publish(status_update_record(
        commitment=point, status=Status.IN_PROGRESS, effective_on=date(2024, 3, 1), rationale="Talks opened.", author=ana,
        new_evidence=[NewEvidence(url="https://news.example.org/talks", title="Talks open in Astana")]), reviewer=dave)
    evidence = update.evidence.get()

    chrome = browser_as(ana, live_server, WIDTHS[label])
    try:
        chrome.go(f"{live_server.url}/admin/commitments/evidence/{evidence.pk}/change/")
        click(chrome, "#id_title")
        chrome.type_into("#id_title", "Talks stall in Astana")
        click(chrome, "#id_stance")
        chrome.js("document.getElementById('id_stance').value = 'contradicts'; true")  # the browser's own popup is not driven
        click(chrome, "#id_reason")
        chrome.type_into("#id_reason", "The report says the talks stalled.")
        assert chrome.js("document.activeElement.id") == "id_reason"  # the click reached the field it was aimed at
        assert chrome.js(LAYOUT) <= 0, "the form is wider than the window"
        shot(chrome, f"evidence-form-{label}.png")
        click(chrome, "input[name=_save]", loads=True)
        assert "Proposed for review" in chrome.js("document.querySelector('.messagelist').textContent")
    finally:
        chrome.close()
    revision = EvidenceRevision.objects.get(author=ana, reason="The report says the talks stalled.")
    assert revision.review_state == ReviewState.PROPOSED
    public = Client().get(point.get_absolute_url()).content.decode()
    assert "Talks open in Astana" in public and "Talks stall" not in public  # nothing public before a Reviewer publishes

    chrome = browser_as(dave, live_server, WIDTHS[label])
    try:
        chrome.go(f"{live_server.url}/admin/review/?kind=evidence")
        card = f"document.getElementById({json.dumps(f'proposal-evidence-{revision.pk}')})"
        rows = chrome.js(f"[...{card}.querySelectorAll('.diff tbody tr')].map(r => [...r.cells].map(c => c.textContent.trim()).join(' | '))")
        assert "title | Talks open in Astana | Talks stall in Astana" in rows and "stance | Supports | Contradicts" in rows
        assert chrome.js(f"{card}.querySelector('.proposal-reason').textContent") == "Why: The report says the talks stalled."
        assert chrome.js(LAYOUT) <= 0, "the queue is wider than the window"
        assert chrome.js(f"{card}.querySelector('h3').textContent") == "Evidence: Talks open in Astana"  # its kind said once
        button = chrome.js(f"(() => {{ const b = {card}.querySelector('button.approve');"
                           " return [b.scrollWidth <= b.clientWidth, b.offsetHeight]; })()")
        assert button[0] and button[1] < 44, f"the Approve button's words do not fit on one line: {button}"
        shot(chrome, f"review-queue-{label}.png")
        click(chrome, f"#proposal-evidence-{revision.pk} input[name=comment]")
        chrome.type_into(f"#proposal-evidence-{revision.pk} input[name=comment]", "Checked against the report.")
        click(chrome, f"#proposal-evidence-{revision.pk} button.approve", loads=True)
        assert "Published" in chrome.js("document.querySelector('.messagelist').textContent")
        assert chrome.js("document.getElementById('queue-count').textContent") == "0 waiting"
    finally:
        chrome.close()
    reader = Client()
    assert "Talks stall in Astana" in reader.get(point.get_absolute_url()).content.decode()
    log = reader.get("/api/v1/corrections/").json()["results"]
    assert [(c["field"], c["before"], c["after"]) for c in log[0]["changes"]] == [
        ("title", "Talks open in Astana", "Talks stall in Astana"), ("stance", "Supports", "Contradicts")]
    assert log[0]["reason"] == "The report says the talks stalled."
