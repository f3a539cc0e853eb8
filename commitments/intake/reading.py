"""The text to read: pasted, from a file, or fetched from a URL.

URLs go through the source checker's fetcher (commitments.checks.fetch): the same address
gate (no private, loopback or link-local address unless TRACKER_CHECK_ALLOWED_NETWORKS allows
it, on every redirect hop and at connect time), the same size cap, timeouts and politeness.
HTML is reduced to its main text by trafilatura (selectolax when trafilatura finds none), PDF
by pypdf.
"""

import asyncio
from pathlib import Path

import trafilatura
from django.conf import settings
from selectolax.lexbor import LexborHTMLParser

from commitments.checks.fetch import Fetched, client_create, fetch, fetch_config_from_settings
from commitments.checks.politeness import Limits, politeness_for
from commitments.checks.quotes import pdf_text

_BOILERPLATE = "script,style,noscript,template,svg,nav,header,footer,aside,form,iframe"


class ReadError(Exception):
    """The document could not be read; the message says why (refused address, HTTP error, no text)."""


def text_from_html(html: str | bytes) -> str:
    """The page's main text, one paragraph a line."""
    main = trafilatura.extract(html, include_comments=False, include_tables=True, favor_recall=True)
    if main:
        return main
    tree = LexborHTMLParser(html)
    for node in tree.css(_BOILERPLATE):
        node.decompose()
    root = tree.css_first("main") or tree.css_first("article") or tree.body or tree.root
    return root.text(separator="\n", strip=True) if root is not None else ""


def text_from_bytes(body: bytes, *, content_type: str = "", name: str = "") -> str:
    if content_type == "application/pdf" or body[:5] == b"%PDF-" or name.lower().endswith(".pdf"):
        try:
            return pdf_text(body)
        except Exception as error:  # noqa: BLE001 - any broken PDF is "no text", said plainly
            raise ReadError(f"the PDF could not be read: {error}") from error
    decoded = body.decode("utf-8", errors="replace")
    if "html" in content_type or name.lower().endswith((".html", ".htm")) or "<html" in decoded[:2048].lower():
        return text_from_html(decoded)
    return decoded


def text_from_file(path: str) -> str:
    return _non_empty(text_from_bytes(Path(path).read_bytes(), name=path), path)


def text_from_url(url: str) -> str:
    """Fetch through the guarded fetcher and extract the text; ReadError when refused, failing or empty."""
    fetched = asyncio.run(_fetch_one(url))
    if fetched.error_kind:
        raise ReadError(f"{url} was not read ({fetched.error_kind}): {fetched.error}")
    if not fetched.status or fetched.status >= 400:
        raise ReadError(f"{url} answered HTTP {fetched.status}")
    return _non_empty(text_from_bytes(fetched.body, content_type=fetched.content_type), url)


async def _fetch_one(url: str) -> Fetched:
    config = fetch_config_from_settings()
    limits = Limits(rate=settings.TRACKER_CHECK_HOST_RATE, in_flight=settings.TRACKER_CHECK_HOST_IN_FLIGHT,
                    hold_seconds=settings.TRACKER_CHECK_TOTAL_TIMEOUT + 30)
    politeness = politeness_for(limits=limits, redis_url=settings.REDIS_URL)
    try:
        async with client_create(config) as client:
            return await fetch(client, url, politeness=politeness, config=config)
    finally:
        await politeness.close()


def _non_empty(text: str, where: str) -> str:
    if not text.strip():
        raise ReadError(f"no text found in {where}")
    return text
