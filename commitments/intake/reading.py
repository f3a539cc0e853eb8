"""The text to read: pasted, from a file, or fetched from a URL.

URLs go through the source checker's fetcher (commitments.checks.fetch): the same address
gate (no private, loopback or link-local address unless TRACKER_CHECK_ALLOWED_NETWORKS allows
it, on every redirect hop and at connect time), the same size cap, timeouts and politeness.
HTML is reduced to its main text by trafilatura (selectolax when trafilatura finds none), PDF
by pypdf.
"""

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import charset_normalizer
import trafilatura
from django.conf import settings
from selectolax.lexbor import LexborHTMLParser

from commitments.checks.quotes import TooManyPages, pdf_text
from commitments.checks.services import fetch_urls

_CHARSET = re.compile(r"charset=[\"']?([\w.:-]+)", re.IGNORECASE)
_BOILERPLATE = "script,style,noscript,template,svg,nav,header,footer,aside,form,iframe"
# Past these a document costs seconds of CPU and hundreds of MB (HTML nested 100,000 deep took 24 s,
# a 60,000-page PDF 18 s and 409 MB); no statement is that deep or that long.
MAX_HTML_DEPTH = 1000
MAX_PDF_PAGES = 1000
_TAG = re.compile(rb"<(/?)([a-zA-Z][a-zA-Z0-9:-]*)[^>]*?(/?)>")
# Elements that never nest (void) or that the parser closes on its own (unclosed <p>, <li> ...): not counted.
_FLAT = frozenset(b"area base br col embed hr img input link meta source track wbr p li dt dd tr td th option".split())


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


def html_depth(body: bytes, *, stop: int) -> int:
    """How deep the page's elements nest, counted on its tags in one pass (stops counting past `stop`)."""
    depth = deepest = 0
    for match in _TAG.finditer(body):
        if match[3] or match[2].lower() in _FLAT:
            continue
        depth = max(0, depth - 1) if match[1] else depth + 1
        deepest = max(deepest, depth)
        if deepest > stop:
            break
    return deepest


def text_from_bytes(body: bytes, *, content_type: str = "", name: str = "", charset: str = "") -> str:
    if content_type == "application/pdf" or body[:5] == b"%PDF-" or name.lower().endswith(".pdf"):
        try:
            return pdf_text(body, max_pages=MAX_PDF_PAGES)
        except TooManyPages as error:
            raise ReadError(f"The PDF has {error.pages:,} pages; the tracker reads at most {MAX_PDF_PAGES:,}. "
                            "Copy the pages with the statement and paste their text instead.") from error
        except Exception as error:  # noqa: BLE001 - any broken PDF is "no text", said plainly
            raise ReadError("The PDF could not be read: it may be damaged or encrypted. Copy its text and paste it instead.") from error
    if "html" in content_type or name.lower().endswith((".html", ".htm")) or b"<html" in body[:2048].lower():
        if html_depth(body, stop=MAX_HTML_DEPTH) > MAX_HTML_DEPTH:
            raise ReadError(f"The page's elements nest more than {MAX_HTML_DEPTH:,} deep, far more than any real page: "
                            "the tracker does not read it. Open it in your browser and paste the text instead.")
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


@dataclass
class ReadPage:
    """A page read for the intake: its text, and what it says about itself (empty where it says nothing)."""

    text: str
    url: str = ""
    title: str = ""
    publisher: str = ""
    published_on: str = ""  # YYYY-MM-DD
    language: str = ""

    def about(self) -> dict[str, str]:
        return {"title": self.title, "publisher": self.publisher, "published_on": self.published_on, "language": self.language}


def text_from_url(url: str) -> str:
    """Fetch through the guarded fetcher and extract the text; ReadError when refused, failing or empty."""
    return page_from_url(url).text


def page_from_url(url: str) -> ReadPage:
    """The page's text and metadata; ReadError, in words a staff member understands, when it cannot be read."""
    [fetched] = fetch_urls([url])
    if fetched.error_kind:
        raise ReadError(fetch_failure(fetched.error_kind, url))
    if not fetched.status or fetched.status >= 400:
        raise ReadError(http_failure(fetched.status, url))
    found = _CHARSET.search(fetched.headers.get("content-type", ""))
    charset = found.group(1) if found else ""
    text = text_from_bytes(fetched.body, content_type=fetched.content_type, charset=charset)
    if not text.replace("\x00", "").strip():
        raise ReadError(f"No text was found at {url}: the page may be built by scripts, or the PDF may be scanned images. "
                        "Open it in your browser, copy the text and paste it instead.")
    return ReadPage(text=_non_empty(text, url), url=url, **page_about(fetched.body, content_type=fetched.content_type, url=url,
                                                                               charset=charset))


def page_about(body: bytes, *, content_type: str, url: str, charset: str = "") -> dict[str, str]:
    """Title, publisher, date and language from an HTML page's metadata (title, og:site_name, dates, lang)."""
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    if content_type == "application/pdf" or body[:5] == b"%PDF-":
        return {"publisher": host}
    decoded = _named_charset(body, charset) or text_decoded(body)
    meta = trafilatura.extract_metadata(decoded, default_url=url)
    tree = LexborHTMLParser(decoded)
    root = tree.css_first("html")
    language = (root.attributes.get("lang") or "").split("-")[0].lower() if root is not None else ""
    return {
        "title": (meta.title if meta and meta.title else "").strip()[:500],
        "publisher": ((meta.sitename if meta and meta.sitename else "") or host).strip()[:200],
        "published_on": (meta.date if meta and meta.date else "")[:10],
        "language": language if language.isalpha() and len(language) == 2 else "",
    }


def fetch_failure(kind: str, url: str) -> str:
    """Why a fetch got no answer, said for a person (the fetcher's `error_kind` is for logs)."""
    host = urlsplit(url).hostname or url
    messages = {
        "refused": f"{host} is a private or local address. The tracker does not fetch those, so that nobody can use it to reach "
                   "machines inside its own network. If this address is meant to be read (a test or intranet server), add its "
                   "network to the setting TRACKER_CHECK_ALLOWED_NETWORKS (for example 127.0.0.0/8); otherwise paste the text.",
        "dns_error": f"No website answers to the name {host}. Check the address for a typing mistake.",
        "timeout": f"{host} did not answer within {settings.TRACKER_CHECK_TOTAL_TIMEOUT:g} seconds. Try again later, or paste the text.",
        "tls_error": f"The secure connection to {host} failed (its certificate could not be checked). Paste the text instead.",
        "connection_error": f"Could not connect to {host}: the site may be down. Try again later, or paste the text.",
        "too_large": f"The document is larger than {settings.TRACKER_CHECK_MAX_BYTES // (1024 * 1024)} MB, the most the tracker "
                     "reads. Paste the part that matters instead.",
        "bad_encoding": f"{host} sent the page compressed in a way other than it declares (its Content-Encoding header does not match "
                        "the data), so it cannot be read. Open it in your browser and paste the text.",
        "redirect_loop": f"{host} sends the tracker round in a circle of redirects. Open the page in your browser and paste its final address.",
        "too_many_redirects": f"{host} redirects more than {settings.TRACKER_CHECK_MAX_REDIRECTS} times. Open the page in your browser "
                              "and paste its final address.",
    }
    return messages.get(kind, f"{host} could not be read. Try again later, or paste the text.")


def http_failure(status: int | None, url: str) -> str:
    host = urlsplit(url).hostname or url
    if status in (404, 410):
        return f"{host} has no page at this address (HTTP {status}). Check the address."
    if status in (401, 403, 429):
        return f"{host} refused to give the page to the tracker (HTTP {status}). Open it in your browser and paste the text."
    if status and status >= 500:
        return f"{host} had an error of its own (HTTP {status}). Try again later, or paste the text."
    return f"{host} answered HTTP {status} instead of the page. Check the address, or paste the text."


def _non_empty(text: str, where: str) -> str:
    text = text.replace("\x00", "")  # a NUL (some PDFs have them) can be neither shown nor stored
    if not text.strip():
        raise ReadError(f"no text found in {where}")
    return text
