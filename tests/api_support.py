"""Fixtures and helpers shared by the tests/test_api_*.py modules (imported there by name)."""

from datetime import date

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from commitments.services import status_update_record
from tests.review_support import publish


@pytest.fixture(autouse=True)
def _no_throttling(settings):
    # Throttling is tested on its own; elsewhere many requests from one address must not trip it.
    settings.TRACKER_API_THROTTLE_ANON = ""
    settings.TRACKER_API_THROTTLE_USER = ""


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def token_header(user) -> str:
    """The Authorization header value of the user's API token."""
    return f"Token {Token.objects.get_or_create(user=user)[0].key}"


def client_for(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=token_header(user))
    return client


def record_status(commitment, author, status, effective_on: date, **kwargs):
    """Record and publish a status change (proposed by `author`, published by the reviewer dave)."""
    kwargs.setdefault("rationale", f"Because {status}")
    return publish(status_update_record(commitment=commitment, status=status, effective_on=effective_on, author=author, **kwargs))


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def ids(response) -> list[int]:
    return [row["id"] for row in results(response)]


def schema_checked_call(api: APIClient, path: str, method: str, settings, **case):
    """Call one operation of the served OpenAPI document through schemathesis (in-process, on the test's
    transaction) and run every check it has on the answer, response schema conformance included."""
    import schemathesis  # noqa: PLC0415 - heavy, and needed by few tests
    from django.core.signals import request_finished, request_started  # noqa: PLC0415
    from django.db import close_old_connections  # noqa: PLC0415

    from tracker.wsgi import application  # noqa: PLC0415

    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    schema = schemathesis.openapi.from_dict(api.get("/api/schema/?format=json").json())
    schema.app = application
    made = schema[path][method].Case(**case)
    for signal in (request_started, request_finished):  # keep the test's transaction's connection open
        signal.disconnect(close_old_connections)
    try:
        response = made.call()
        made.validate_response(response)  # some checks send requests of their own (ignored_auth)
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)
    return response
