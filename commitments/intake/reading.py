"""The text to read: pasted, from a file, or fetched from a URL.

URLs go through the source checker's fetcher (commitments.checks.fetch): the same address
gate (no private, loopback or link-local address unless TRACKER_CHECK_ALLOWED_NETWORKS allows
it, on every redirect hop and at connect time), the same size cap, timeouts and politeness.
HTML is reduced to its main text by trafilatura (selectolax when trafilatura finds none), PDF
by pypdf.
"""

import re
from pathlib import Path

import charset_normalizer
import trafilatura
from selectolax.lexbor import LexborHTMLParser

from commitments.checks.quotes import pdf_text
from commitments.checks.services import fetch_urls

_CHARSET = re.compile(r"charset=[\"']?([\w.:-]+)", re.IGNORECASE)
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


def text_from_bytes(body: bytes, *, content_type: str = "", name: str = "", charset: str = "") -> str:
    if content_type == "application/pdf" or body[:5] == b"%PDF-" or name.lower().endswith(".pdf"):
        try:
            return pdf_text(body)
        except Exception as error:  # noqa: BLE001 - any broken PDF is "no text", said plainly
            raise ReadError(f"the PDF could not be read: {error}") from error
    if "html" in content_type or name.lower().endswith((".html", ".htm")) or b"<html" in body[:2048].lower():
        # As bytes: trafilatura reads the page's own <meta charset> (GBK Chinese, windows-1251 Russian pages).
        return text_from_html(_named_charset(body, charset) or body)
    return text_decoded(body, charset=charset)


def _named_charset(body: bytes, charset: str) -> str | None:
    try:
        return body.decode(charset, errors="replace") if charset else None
    except LookupError:  # a charset Python does not know: let the page's own declaration decide
        return None


def text_decoded(body: bytes, *, charset: str = "") -> str:
    """Plain text in the charset its server names, else UTF-8, else the most likely one (GBK, windows-1251 ...)."""
    for encoding in filter(None, (charset, "utf-8")):
        try:
            return body.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    best = charset_normalizer.from_bytes(body).best()
    return str(best) if best is not None else body.decode("utf-8", errors="replace")


def text_from_file(path: str) -> str:
    return _non_empty(text_from_bytes(Path(path).read_bytes(), name=path), path)


def text_from_url(url: str) -> str:
    """Fetch through the guarded fetcher and extract the text; ReadError when refused, failing or empty."""
    [fetched] = fetch_urls([url])
    if fetched.error_kind:
        raise ReadError(f"{url} was not read ({fetched.error_kind}): {fetched.error}")
    if not fetched.status or fetched.status >= 400:
        raise ReadError(f"{url} answered HTTP {fetched.status}")
    charset = _CHARSET.search(fetched.headers.get("content-type", ""))
    return _non_empty(text_from_bytes(fetched.body, content_type=fetched.content_type, charset=charset.group(1) if charset else ""), url)


def _non_empty(text: str, where: str) -> str:
    text = text.replace("\x00", "")  # a NUL (some PDFs have them) can be neither shown nor stored
    if not text.strip():
        raise ReadError(f"no text found in {where}")
    return text
