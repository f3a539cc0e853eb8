"""Fixtures shared by the intake tests."""

import json
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission

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
