"""Fixtures shared by the intake tests."""

import html as html_lib
import json
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission

from commitments.intake.extract import extract

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.fixture
def intake_staff(charlie):
    """charlie (staff, no group), given the permissions to see and add statements: what intake needs."""
    charlie.user_permissions.add(*Permission.objects.filter(codename__in=["add_statement", "view_statement"], content_type__app_label="commitments"))
    return type(charlie).objects.get(pk=charlie.pk)  # a fresh object: permissions are cached per instance


def seed_text(slug: str) -> str:
    """A seed source's full text, read from fixtures/ (never from outside the project)."""
    return next(o["fields"]["full_text"] for o in json.loads((FIXTURES / "sources.json").read_text()) if o["fields"]["slug"] == slug)


CENTRAL_ASIA = "china-news-2020-07-16-china-central-asia-meeting"


@pytest.fixture
def tasks_inline():
    """Celery tasks run inside the caller, as `task_always_eager`: for tests about what a task does, not where it runs
    (tests/test_intake_jobs.py runs the same intake on a real worker)."""
    from tracker.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def draft_body(text: str, make_party) -> dict:
    """The save API's body for what the extractor finds in `text` (its first set and its claims), announced by a new party."""
    party = make_party(name="China", slug="china")
    extraction = extract(text).as_json()
    found = extraction["sets"][0]
    return {
        "source": {"title": "Readout", "publisher": "MFA", "full_text": text, "url": "https://www.example.org/r",
                   "language": "en", "is_translation": False},
        "sets": [{"title": "Three areas", "announced_by": "Wang Yi", "announcing_party": party.slug, "announced_on": "2020-09-16",
                  "announcement": found["announcement"], "announced_count": found["announced_count"],
                  "points": [{"quote": p["quote"], "start": p["start"], "end": p["end"]} for p in found["points"]]}],
        "claims": [{"quote": c["quote"], "start": c["start"], "end": c["end"]} for c in extraction["claims"]],
    }


def form_data(html: str) -> dict:
    """What a browser would submit from the review page, unchanged (inputs, textareas, selected options)."""
    data = {}
    for tag in re.findall(r"<input[^>]*>", html):
        name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
        if name is None:
            continue
        if 'type="checkbox"' not in tag:
            data[name[1]] = value[1] if value else ""
        elif " checked" in tag:  # a browser submits only ticked boxes: "on", or each ticked value of a multiple choice
            data.setdefault(name[1], []).append(value[1] if value else "on")
    for attrs, value in re.findall(r"<textarea([^>]*)>(.*?)</textarea>", html, re.S):
        name = re.search(r'name="([^"]+)"', attrs).group(1)
        data[name] = html_lib.unescape(value.removeprefix("\n"))
    for name, options in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', options)
        data[name] = chosen.group(1) if chosen else ""
    data.pop("save", None)
    return {k: [html_lib.unescape(x) for x in v] if isinstance(v, list) else html_lib.unescape(v) for k, v in data.items()}
