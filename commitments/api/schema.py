"""The OpenAPI schema as the API behaves: drf-spectacular's AutoSchema, told that anonymous reading is open."""

from django.conf import settings
from drf_spectacular.openapi import AutoSchema
from rest_framework.permissions import SAFE_METHODS

from commitments.api.permissions import ReadOrRecordHistory


class TrackerAutoSchema(AutoSchema):
    def get_auth(self) -> list[dict]:
        """drf-spectacular recognises only AllowAny and IsAuthenticatedOrReadOnly as open to anonymous clients."""
        auths = super().get_auth()
        open_read = self.method in SAFE_METHODS and settings.TRACKER_API_ANONYMOUS_READ
        if open_read and {} not in auths and any(isinstance(p, ReadOrRecordHistory) for p in self.view.get_permissions()):
            auths.append({})
        return auths


# Answers any operation may give besides its success, as the API really behaves: bad input (a
# filter, a body, a control character in the query string), not signed in or not allowed,
# nothing there (a detail, a page past the end, an unknown `format`), throttled; and 304 to
# a conditional GET (ETag / Last-Modified).
ERROR_RESPONSES = {
    "400": "Invalid input: field messages, or `detail`.",
    "401": "Not signed in (when reading needs a login, or to write).",
    "403": "Signed in without the permission this needs.",
    "404": "No such object, page or format.",
    "429": "Too many requests: throttled.",
}
# Answered by the HTTP server (gunicorn) before the app, as HTML: a request line over its limit.
URI_TOO_LONG = {"description": "The URL is longer than the server accepts.", "content": {"text/html": {"schema": {"type": "string"}}}}
ERROR_SCHEMA = {"type": "object", "additionalProperties": {}, "description": "`{\"detail\": \"...\"}` or `{\"<field>\": [\"<message>\", ...]}`"}


def _error_content(success: dict) -> dict:
    content = {"application/json": {"schema": ERROR_SCHEMA}}
    for media_type in success.get("content", {}):
        content.setdefault(media_type, {"schema": ERROR_SCHEMA if "json" in media_type else {"type": "string"}})
    return content


def document_error_responses(result: dict, generator, request, public) -> dict:
    """drf-spectacular postprocessing hook: add the error answers (and 304 to GETs) every operation can give."""
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            responses = operation.setdefault("responses", {})
            success = next((responses[code] for code in sorted(responses) if code.startswith("2")), {})
            for code, description in ERROR_RESPONSES.items():
                responses.setdefault(code, {"description": description, "content": _error_content(success)})
            if method == "get":
                responses.setdefault("304", {"description": "Not modified since the ETag / Last-Modified given."})
                responses.setdefault("414", URI_TOO_LONG)
    return result
