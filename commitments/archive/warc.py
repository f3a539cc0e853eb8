"""WARC records for one exchange, with warcio: request + response, or a revisit of an identical payload.

The body is the one the fetcher judged: decoded when the server sent it gzip- or deflate-encoded,
so Content-Encoding and Transfer-Encoding are dropped from the recorded headers and
Content-Length states the stored length (the record must describe the bytes it holds).
"""

import io
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

from commitments.checks.fetch import Fetched

DROPPED_HEADERS = frozenset({"content-encoding", "transfer-encoding", "content-length"})


@dataclass(frozen=True)
class Written:
    data: bytes
    record_id: str
    payload_digest: str  # the WARC-Payload-Digest of the response (the one a revisit refers to)


@dataclass(frozen=True)
class Original:
    """The earlier capture a revisit points at."""

    url: str
    date: datetime
    payload_digest: str


def _request_headers(fetched: Fetched, url: str) -> StatusAndHeaders:
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = fetched.request_headers or [("Host", parts.netloc)]
    return StatusAndHeaders(f"GET {target} HTTP/1.1", list(headers), is_http_request=True)


def _response_headers(fetched: Fetched, *, length: int) -> StatusAndHeaders:
    headers = [(name, value) for name, value in fetched.response_headers if name.lower() not in DROPPED_HEADERS]
    headers.append(("Content-Length", str(length)))
    status = f"{fetched.status or 200} {fetched.reason or ''}".strip()
    return StatusAndHeaders(status, headers, protocol="HTTP/1.1")


def warc_write(*, fetched: Fetched, body: bytes, at: datetime, original: Original | None = None) -> Written:
    """A gzipped WARC of the request and its response (a revisit record when `original` holds the same payload)."""
    url = fetched.final_url or fetched.url
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    date = {"WARC-Date": datetime_to_iso_date(at)}
    http = _response_headers(fetched, length=len(body))
    if original is None:
        response = writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http, warc_headers_dict=date)
    else:
        response = writer.create_revisit_record(
            url, original.payload_digest, original.url, datetime_to_iso_date(original.date), http_headers=http, warc_headers_dict=date,
        )
    request = writer.create_warc_record(url, "request", payload=io.BytesIO(b""), http_headers=_request_headers(fetched, url),
                                        warc_headers_dict=date)
    writer.write_request_response_pair(request, response)
    headers = response.rec_headers
    digest = original.payload_digest if original else headers.get_header("WARC-Payload-Digest")
    return Written(data=out.getvalue(), record_id=headers.get_header("WARC-Record-ID"), payload_digest=digest or "")


def warc_response_body(data: bytes) -> bytes | None:
    """The payload of the first response record in a WARC (None when there is none, e.g. a revisit)."""
    for record in ArchiveIterator(io.BytesIO(data)):
        if record.rec_type == "response":
            return record.content_stream().read()
    return None
