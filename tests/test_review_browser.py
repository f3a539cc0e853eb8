"""The admin as a new editor and a reviewer use it, in headless Chromium: search evidence, record, review."""

import json
import time
from contextlib import contextmanager
from datetime import date

import pytest
from django.contrib.auth.models import User

from commitments.models import Commitment, ReviewState, Status, StatusUpdate
from commitments.roles import role_group
from commitments.services import status_update_record
from tests.cdp import Browser
from tests.review_support import publish

PASSWORD = "pw-for-browser-tests"


def wait(page: Browser, expression: str, timeout: float = 20):
    """Poll until the JavaScript expression is truthy; its value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = page.js(expression)
        except RuntimeError:  # between two documents
            value = None
        if value:
            return value
        time.sleep(0.1)
    raise TimeoutError(f"Still false after {timeout}s: {expression}")


@contextmanager
def logged_in(base_url: str, username: str):
    page = Browser(height=1400)
    try:
        page.go(f"{base_url}/admin/login/")
        page.type_into("#id_username", username)
        page.type_into("#id_password", PASSWORD)
        page.click_and_wait("#login-form input[type=submit]")
        yield page
    finally:
        page.close()


def staff(username: str, role: str) -> User:
    # live_server tests run after a flush of the database: the migration's groups are rebuilt here.
    user = User.objects.create_user(username, f"{username}@example.org", PASSWORD, is_staff=True)
    user.groups.add(role_group(role))
    return user


@pytest.fixture
def stalled(make_statement) -> Commitment:
    commitment = make_statement(points=1).commitments.get()
    # Published as the history trigger allows: proposed by olga, published by rita.
    proposal = status_update_record(commitment=commitment, status=Status.STALLED, effective_on=date(2024, 1, 10), rationale="Talks paused",
                                    author=staff("olga", "editor"))
    publish(proposal, reviewer=staff("rita", "reviewer"))
    return commitment


def test_an_editor_searches_and_picks_existing_evidence_and_the_status_starts_where_it_stands(live_server, stalled, make_evidence, tmp_path):
    alice = staff("alice", "editor")
    report = make_evidence(title="Ministry statement on the clinic")
    make_evidence(title="Unrelated budget note")
    with logged_in(live_server.url, "alice") as page:
        page.go(f"{live_server.url}/admin/commitments/commitment/{stalled.pk}/change/")
        assert page.js("document.getElementById('id_status').value") == "stalled"
        # The picker is Django's admin autocomplete (select2): it searches as you type.
        wait(page, "window.django && django.jQuery && django.jQuery('#id_evidence').data('select2') !== undefined")
        page.js("django.jQuery('#id_evidence').select2('open'); true")
        page.js("const box = document.querySelector('.select2-search__field'); box.value = 'Ministry';"
                "box.dispatchEvent(new Event('input', {bubbles: true}))")
        options = wait(page, "[...document.querySelectorAll('.select2-results__option')].map(o => o.textContent).join('|')"
                            " .includes('Ministry statement') && [...document.querySelectorAll('.select2-results__option')].map(o => o.textContent)")
        assert options == ["Ministry statement on the clinic"]  # the search narrowed the list
        page.js("document.querySelector('.select2-results__option').dispatchEvent(new MouseEvent('mouseup', {bubbles: true}))")
        assert wait(page, "django.jQuery('#id_evidence').val().length && django.jQuery('#id_evidence').val()") == [str(report.pk)]
        page.screenshot(str(tmp_path / "evidence-picker.png"))
        page.js("document.getElementById('id_status').value = 'fulfilled'; true")
        page.type_into("#id_rationale", "The clinic opened.")
        page.click_and_wait("#record-form input[type=submit]")
        assert "Proposed:" in page.js("document.querySelector('#record-done').textContent")  # the confirmation, with a link to the proposal
    update = StatusUpdate.objects.get(author=alice)
    assert (update.status, list(update.evidence.all()), update.review_state) == (Status.FULFILLED, [report], ReviewState.PROPOSED)


def test_a_reviewer_finds_the_badge_reads_the_diff_and_publishes_with_one_click(live_server, stalled, tmp_path):
    alice, dave = staff("alice", "editor"), staff("dave", "reviewer")
    proposal = status_update_record(commitment=stalled, status=Status.IN_PROGRESS, effective_on=date(2024, 3, 1),
                                    rationale="Talks resumed in March", author=alice)
    with logged_in(live_server.url, "dave") as page:
        page.go(f"{live_server.url}/admin/")
        assert page.js("document.getElementById('review-badge').textContent.trim()") == "1"
        page.click_and_wait("#review-module a")
        assert page.js("location.pathname") == "/admin/review/"
        card = f"document.getElementById({json.dumps(f'proposal-status-{proposal.pk}')})"
        diff = page.js(f"[...{card}.querySelectorAll('.diff tbody tr')].map(r => [...r.cells].map(c => c.textContent.trim()).join(' '))")
        assert diff[0] == "status Stalled In progress"
        page.screenshot(str(tmp_path / "review-queue.png"))
        page.click_and_wait(f"#proposal-status-{proposal.pk} button.approve")
        assert "Published" in page.js("document.querySelector('.messagelist').textContent")
        assert page.js("document.getElementById('queue-count').textContent") == "0 waiting"
    stalled.refresh_from_db()
    assert (stalled.status, StatusUpdate.objects.get(pk=proposal.pk).reviewer) == (Status.IN_PROGRESS, dave)
