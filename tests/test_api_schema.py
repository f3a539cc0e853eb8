"""The OpenAPI document is valid, its docs page needs no CDN, and fuzzing it finds no server error."""

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from openapi_spec_validator import validate
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance, status_code_conformance

from tracker.wsgi import application

pytest_plugins = ["tests.api_support"]  # the api client and no-throttling fixtures


def _document() -> dict:
    # Generated in-process: at collection time ALLOWED_HOSTS does not yet admit a test host.
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    return json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))


schema = schemathesis.openapi.from_dict(_document())
schema.app = application
# The coverage phase tries every boundary value of every parameter: thorough, but minutes long.
# Examples and a few random cases per operation keep this run under a minute.
schema.config.phases.update(phases=["examples", "fuzzing"])


def test_the_schema_is_a_valid_openapi_3_document(api, db):
    response = api.get("/api/schema/?format=json")
    assert response.status_code == 200
    document = json.loads(response.content)
    validate(document)
    assert document["openapi"].startswith("3.")
    paths = document["paths"]
    for path in ["/api/v1/commitments/", "/api/v1/commitments/{id}/history/", "/api/v1/stats/", "/api/v1/stats/compliance/",
                 "/api/v1/stats/status-over-time/", "/api/v1/feeds/status-changes.atom", "/api/v1/claims/{id}/claimreview.json",
                 "/api/v1/sources/", "/api/v1/assessments/", "/api/v1/evidence/", "/api/v1/parties/", "/api/v1/statements/",
                 "/api/v1/status-changes/", "/api/v1/status-changes/{id}/"]:
        assert path in paths, path


def test_the_status_changes_filters_and_every_api_url_are_described(api, db):
    document = json.loads(api.get("/api/schema/?format=json").content)
    params = {p["name"]: p for p in document["paths"]["/api/v1/status-changes/"]["get"]["parameters"]}
    for name in ["recorded_since", "recorded_until", "effective_since", "effective_until", "statement", "party", "theme", "status",
                 "cursor", "page_size", "format"]:
        assert params[name].get("description"), name
    components = document["components"]["schemas"]
    for name in ["Commitment", "Statement", "Claim", "Evidence", "Party", "Theme", "Source", "Assessment", "StatusChange", "StatusUpdate"]:
        assert components[name]["properties"]["api_url"]["format"] == "uri", name
    for path in ["/api/v1/stats/", "/api/v1/stats/compliance/", "/api/v1/stats/status-over-time/"]:
        formats = {p["name"]: p for p in document["paths"][path]["get"]["parameters"]}["format"]["schema"]["enum"]
        assert "csv" in formats, path


def test_every_filter_is_described(api, db):
    document = json.loads(api.get("/api/schema/?format=json").content)
    commitments = {p["name"]: p for p in document["paths"]["/api/v1/commitments/"]["get"]["parameters"]}
    for name in ["statement", "status", "party", "theme", "updated_since", "has_evidence", "target_before", "target_after", "search",
                 "ordering", "cursor", "page_size", "format"]:
        assert commitments[name].get("description"), name
    assert "in_progress" in commitments["status"]["schema"]["items"]["enum"]
    post = document["paths"]["/api/v1/commitments/{id}/history/"]["post"]
    assert post["requestBody"]["content"]["application/json"]["examples"]


def test_the_docs_page_serves_its_assets_locally(api, db):
    page = api.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page
    assert "cdn" not in page.lower() and "unpkg" not in page.lower()


@pytest.fixture
def keep_connection():
    """As Django's test client does: a request must not close the test's transaction's connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def editor_token(alice, commitment, claim) -> str:
    return Token.objects.create(user=alice).key


@schema.parametrize()
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, phases=[Phase.explicit, Phase.generate])
def test_fuzzing_the_api_finds_no_server_error_and_no_answer_the_schema_does_not_describe(
    case, editor_token, keep_connection, _no_throttling, settings,
):
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    # Signed in as an editor, so the write paths run the services with generated input too.
    response = case.call(headers={"Authorization": f"Token {editor_token}"})
    case.validate_response(response, checks=[
        not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
    ])
