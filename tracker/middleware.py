"""Project-wide HTTP hardening: the Content-Security-Policy header, no query string with control characters, no invisible control in a page.

A small middleware rather than django-csp: the policy is one string from the environment,
the pages need no nonces or hashes (no inline script anywhere), and the one page that needs
a different policy (the admin's e-mail preview) sets its own header, which is left alone here.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.urls import reverse

from commitments.text import text_reader_bytes, text_refusal

CSP_HEADERS = (
    ("Content-Security-Policy", "CONTENT_SECURITY_POLICY"),
    ("Content-Security-Policy-Report-Only", "CONTENT_SECURITY_POLICY_REPORT_ONLY"),
)


class ContentSecurityPolicyMiddleware:
    """Adds the configured policies to every response that does not carry its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        for header, setting in CSP_HEADERS:
            policy = getattr(settings, setting, "")
            if policy and header not in response:
                response[header] = policy
        return response


def query_refusal(request: HttpRequest) -> str:
    """Why the query string cannot be used ("" when it can): the text rule of commitments.text, on keys and values."""
    for key, values in request.GET.lists():
        for text in (key, *values):
            if message := text_refusal(text):
                return f"Query parameter {key!r}: {message}"
    return ""


class QueryStringTextMiddleware:
    """A 400 for a query string holding NUL or another control character, before any view reaches the database.

    PostgreSQL refuses NUL in text (a 500 where a filter or admin search passed it on); the
    other characters are refused for the same reason as in bodies: they are never meaningful.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if message := query_refusal(request):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class ReaderTextMiddleware:
    """Every page readers get passes `commitments.text.text_reader`: an invisible control left in stored text
    (a verbatim quote keeps the source's; a history row may predate the save rule) shows as a visible `[U+202E]`.

    On the served document, not in each template, so no template, JSON-LD block or reflected parameter can
    miss it. Pages only: UTF-8 HTML outside the admin. The admin edits the stored values themselves, the
    API returns them as stored (JSON), feeds and e-mails apply the rule where they are written
    (`commitments.feeds.atom`, `commitments.emails.email_render`), and an archived page replayed as
    captured (no charset of ours) is left as it was.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.admin = reverse("admin:index")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.streaming or request.path.startswith(self.admin):
            return response
        content_type = response.get("Content-Type", "").lower().replace(" ", "")
        if content_type.startswith("text/html") and "charset=utf-8" in content_type:
            body = text_reader_bytes(response.content)
            if body is not response.content:
                response.content = body
                if response.has_header("Content-Length"):
                    response["Content-Length"] = str(len(body))
        return response
