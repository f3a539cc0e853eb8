"""Public pages of the archive: a capture's text (never its HTML), its WARC, and a sandboxed view.

Captured HTML is somebody else's markup: served from this origin as a live page it could run
script against our cookies and pages (stored XSS). So the capture page shows the extracted
text, escaped; the WARC is a download; and the one view of the HTML is served with a CSP
`sandbox` (no scripts, an opaque origin, nothing loaded from anywhere), framed by the capture page.
"""

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_safe

from commitments.models import Capture

from . import selectors
from .services import archive_storage
from .warc import warc_response_body

SANDBOX_POLICY = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'"
HTML_TYPES = ("text/html", "application/xhtml+xml")


def _compare(request: HttpRequest) -> int | None:
    value = request.GET.get("compare", "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 12 else None


@require_safe
def capture(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        page = selectors.capture_page(pk=pk, compare=_compare(request))
    except Capture.DoesNotExist as exc:
        raise Http404("No such capture.") from exc
    return render(request, "archive/capture.html", {"page": page, "capture": page.capture, "monitored": page.monitored})


@require_safe
def warc(request: HttpRequest, pk: int) -> FileResponse:
    try:
        found = selectors.capture_for_download(pk=pk)
    except Capture.DoesNotExist as exc:
        raise Http404("No such capture.") from exc
    name = f"capture-{found.pk}-{found.captured_at:%Y%m%dT%H%M%SZ}.warc.gz"
    response = FileResponse(archive_storage().open(found.warc_name, "rb"), content_type="application/warc", as_attachment=True, filename=name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
@xframe_options_sameorigin
def sandboxed(request: HttpRequest, pk: int) -> HttpResponse:
    """The captured page as it was, inside a CSP sandbox: no script runs, its origin is opaque, nothing is fetched."""
    try:
        source = selectors.capture_payload_source(pk=pk)
    except Capture.DoesNotExist as exc:
        raise Http404("No such capture.") from exc
    with archive_storage().open(source.warc_name, "rb") as handle:
        body = warc_response_body(handle.read()) or b""
    is_html = source.content_type in HTML_TYPES
    response = HttpResponse(body, content_type="text/html" if is_html else "text/plain; charset=utf-8")
    response["Content-Security-Policy"] = SANDBOX_POLICY
    response["X-Content-Type-Options"] = "nosniff"
    response["Referrer-Policy"] = "no-referrer"
    return response
