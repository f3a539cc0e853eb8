"""Recording a status where staff look: its own short page, one click from the point, the statement, the
commitments list and the review queue; it names the statement and the point, puts errors beside their fields
and confirms what was saved with a link to the proposal. In Chromium, with real clicks, at 375 and 1280 px,
the core task (a first status change with evidence) is measured the old way and the new way.

Set TRACKER_SCREENSHOTS=<folder> to save the page and its confirmation at both widths.
"""

import os

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.urls import reverse

from commitments.models import ReviewState, Status, StatusUpdate
from commitments.roles import role_group
from commitments.services import status_update_record
from tests.cdp import Browser

WIDTHS = {"phone": 375, "desktop": 1280}


def record_url(commitment) -> str:
    return reverse("admin:commitments_commitment_record", args=[commitment.pk])


def fulfilled(**fields) -> dict:
    return {"status": Status.FULFILLED, "effective_on": "2021-03-01", "rationale": "Delivered in full.",
            "new_evidence_url": "https://news.example.org/delivered", "new_evidence_title": "Delivery report",
            "new_evidence_stance": "supports", **fields}


@pytest.mark.django_db
def test_the_page_names_the_statement_and_the_point_and_where_it_stands(client, alice, commitment):
    client.force_login(alice)
    page = client.get(record_url(commitment)).content.decode()
    subject = page.split('id="record-subject"', 1)[1].split("</div>", 1)[0]
    assert commitment.statement.title in subject and f"Point {commitment.number}: {commitment.title}" in subject
    assert "Now: <strong>Not yet rated" in subject
    assert '<option value="not_yet_rated" selected>' in page  # the form starts from where the point stands
    assert 'value="Propose this status change"' in page


@pytest.mark.django_db
def test_it_is_one_click_from_the_point_the_statement_the_list_and_the_review_queue(client, alice, commitment):
    client.force_login(alice)
    url = record_url(commitment)
    point = client.get(reverse("admin:commitments_commitment_change", args=[commitment.pk])).content.decode()
    assert f'<a href="{url}" class="recordlink" id="record-link">Record a status change</a>' in point
    statement = client.get(reverse("admin:commitments_statement_change", args=[commitment.statement.pk])).content.decode()
    assert f'<a href="{url}" class="record-link">Record status</a>' in statement
    listing = client.get(reverse("admin:commitments_commitment_changelist")).content.decode()
    assert f'<a href="{url}" class="record-link">Record status</a>' in listing
    status_update_record(commitment=commitment, status=Status.IN_PROGRESS, effective_on="2021-01-01", rationale="Begun.", author=alice)
    queue = client.get(reverse("review-queue")).content.decode()
    assert f'<a href="{url}" class="record-link">Record another status for this point</a>' in queue


@pytest.mark.django_db
def test_a_viewer_sees_no_way_in_and_is_refused(client, bob, commitment):
    client.force_login(bob)
    assert client.get(record_url(commitment)).status_code == 403
    assert "record-link" not in client.get(reverse("admin:commitments_commitment_changelist")).content.decode()
    assert "record-link" not in client.get(reverse("admin:commitments_statement_change", args=[commitment.statement.pk])).content.decode()


@pytest.mark.django_db
def test_errors_stand_beside_their_fields_and_nothing_is_saved(client, alice, commitment):
    client.force_login(alice)
    response = client.post(record_url(commitment), fulfilled(rationale="", new_evidence_url="", new_evidence_title=""))
    page = response.content.decode()
    assert response.status_code == 200 and not StatusUpdate.objects.exists()
    assert "Nothing was recorded: please correct the 2 errors below" in page
    rationale_row = page.split('class="form-row errors record-rationale"', 1)[1].split('<div class="form-row', 1)[0]
    assert "A rationale is required" in rationale_row
    evidence_row = page.split('class="form-row errors record-evidence"', 1)[1].split('<div class="form-row', 1)[0]
    assert "needs at least one piece of evidence" in evidence_row
    assert page.index(commitment.statement.title) < page.index("A rationale is required")  # still says which point it is


@pytest.mark.django_db
def test_the_confirmation_links_to_the_proposal_in_the_review_queue(client, alice, commitment):
    client.force_login(alice)
    response = client.post(record_url(commitment), fulfilled())
    update = StatusUpdate.objects.get()
    assert update.review_state == ReviewState.PROPOSED and response["Location"] == f"{record_url(commitment)}?done={update.pk}"
    page = client.get(response["Location"]).content.decode()
    done = page.split('id="record-done"', 1)[1].split("</div>", 1)[0]
    assert "Proposed:\n    Fulfilled" in done and f"point {commitment.number} of “{commitment.statement.title}”" in done
    link = f"/admin/review/?kind=status#proposal-status-{update.pk}"
    assert f'href="{link}" id="proposal-link"' in done
    assert f'id="proposal-status-{update.pk}"' in client.get(link.split("#")[0]).content.decode()


@pytest.mark.django_db
def test_with_review_off_it_says_published(client, alice, commitment, settings):
    settings.TRACKER_REVIEW_REQUIRED = False
    client.force_login(alice)
    page = client.post(record_url(commitment), fulfilled(), follow=True).content.decode()
    assert "Recorded and published:" in page and 'id="proposal-link"' not in page


# --- In Chromium, with real clicks: the core task, measured -------------------------------------------------

class Task:
    """Counts what a person does: clicks, pages loaded, pixels scrolled (to reach what they click)."""

    def __init__(self, browser: Browser) -> None:
        self.browser, self.clicks, self.pages, self.scrolled = browser, 0, 0, 0

    def click(self, selector: str, *, loads: bool = False) -> None:
        before = self.browser.js("window.scrollY")
        if loads:
            self.browser.events.clear()
        moved = self.browser.click(selector)
        assert loads or moved["before"] == moved["after"], (selector, moved)  # nothing jumped under the pointer
        self.scrolled += abs(moved["before"] - before)
        self.clicks += 1
        if loads:
            self.browser.wait_for_load()
            self.pages += 1

    def type(self, selector: str, text: str) -> None:
        self.click(selector)
        self.browser.type_into(selector, text)

    def choose(self, selector: str, value: str) -> None:
        """Open a list and pick an option: two clicks (the browser's own popup is not driven here, only counted)."""
        before = self.browser.js("window.scrollY")
        self.browser.js(f"document.querySelector({selector!r}).scrollIntoView({{block: 'center', behavior: 'instant'}})")
        self.scrolled += abs(self.browser.js("window.scrollY") - before)
        self.browser.js(f"(() => {{ const s = document.querySelector({selector!r}); s.value = {value!r}; }})()")
        self.clicks += 2

    def figures(self) -> dict:
        return {"clicks": self.clicks, "pages": self.pages, "scrolled_px": self.scrolled}


def _fill(task: Task, prefix: str = "") -> None:
    task.choose(f"{prefix}select[name=status]", "fulfilled")
    task.type(f"{prefix}textarea[name=rationale]", "The clinic opened in March: delivered in full.")
    task.type(f"{prefix}input[name=new_evidence_url]", "https://news.example.org/clinic-opened")
    task.type(f"{prefix}input[name=new_evidence_title]", "Almaty clinic opens")


def _search(task: Task, live_server, title: str) -> None:
    task.browser.go(live_server.url + "/admin/")
    task.click("a[href='/admin/commitments/commitment/']", loads=True)
    task.type("#searchbar", title)
    task.click("#changelist-search input[type=submit]", loads=True)


@pytest.fixture
def staff_browser(live_server, client):
    # live_server tests run after a flush: the Editors group and its permissions are rebuilt here.
    editor = User.objects.create_user("ana", "ana@example.org", "pw-for-tests-only", is_staff=True)
    editor.groups.add(role_group("editor"))
    client.force_login(editor)
    chrome = Browser()
    chrome.set_cookie(name=settings.SESSION_COOKIE_NAME, value=client.cookies[settings.SESSION_COOKIE_NAME].value, url=live_server.url)
    yield chrome
    chrome.close()


def _point(make_statement):
    statement = make_statement(points=4, title="Astana declaration on health cooperation")
    point = statement.commitments.order_by("ordinal")[1]
    point.title = "Build the Almaty clinic"
    point.save()
    return point


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("label", list(WIDTHS))
def test_the_core_task_takes_fewer_steps_and_no_scrolling_than_the_form_below_the_point(staff_browser, live_server, make_statement, label):
    point = _point(make_statement)
    staff_browser.resize(width=WIDTHS[label], height=900)

    # The old way, still there: the point's page, its status form below renderings, deliverables and links.
    old = Task(staff_browser)
    _search(old, live_server, "Almaty clinic")
    old.click(f"a[href^='/admin/commitments/commitment/{point.pk}/change/']", loads=True)
    _fill(old, "#record-form ")
    old.click("#record-form input[type=submit]", loads=True)
    first = StatusUpdate.objects.get()

    # The new way: "Record status" in the list, the short page, the confirmation.
    new = Task(staff_browser)
    _search(new, live_server, "Almaty clinic")
    new.click(f"a.record-link[href='{record_url(point)}']", loads=True)
    assert point.statement.title in staff_browser.js("document.querySelector('#record-subject').innerText")
    assert staff_browser.js("document.documentElement.scrollWidth <= window.innerWidth + 1")  # no sideways scrolling, on a phone too
    shots = os.environ.get("TRACKER_SCREENSHOTS")
    if shots:
        staff_browser.screenshot(os.path.join(shots, f"record-status-{label}.png"), full_page=True)
    _fill(new)
    new.click("input[name=record]", loads=True)
    second = StatusUpdate.objects.exclude(pk=first.pk).get()
    assert staff_browser.js("window.scrollY") == 0  # the confirmation is at the top, where the eye is
    assert "Proposed:" in staff_browser.js("document.querySelector('#record-done').innerText")
    if shots:
        staff_browser.screenshot(os.path.join(shots, f"record-status-done-{label}.png"), full_page=True)
    after = new.figures()
    new.click("#proposal-link", loads=True)  # one more click reaches the proposal in the review queue
    assert staff_browser.js(f"document.getElementById('proposal-status-{second.pk}') !== null")
    assert staff_browser.js("location.hash") == f"#proposal-status-{second.pk}"

    print(f"\ncore task at {WIDTHS[label]} px: before {old.figures()}, after {after}")
    assert after["scrolled_px"] < old.scrolled / 3 and after["clicks"] <= old.clicks and after["pages"] <= old.pages, (old.figures(), after)
