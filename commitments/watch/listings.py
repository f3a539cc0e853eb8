"""The links a listing names: feeds by feedparser, sitemaps by lxml, index pages by selectolax.

Each reader takes the fetched body and the listing's own address (relative links resolve
against it) and returns the documents it lists, in the listing's order. A link pattern, when
the watch has one, keeps only the links that match it (an index page links to far more than
its documents).
"""

import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import urljoin, urlsplit

import feedparser
from lxml import etree
from selectolax.lexbor import LexborHTMLParser

from commitments.models.watch import WatchKind

MAX_LINKS = 2000  # per listing and poll; a listing longer than this is read again next time


@dataclass(frozen=True)
class Listed:
    url: str
    title: str = ""
    published_on: date | None = None


@dataclass(frozen=True)
class Listing:
    documents: list[Listed]
    sitemaps: list[str]  # a sitemap index names further sitemaps


class ListingError(ValueError):
    """The body is not a listing of the watch's kind; the message says why, in words staff read."""


def listing_read(*, kind: str, body: bytes, base_url: str, pattern: str = "") -> Listing:
    reader = {WatchKind.FEED: _feed, WatchKind.SITEMAP: _sitemap, WatchKind.PAGE: _page}[WatchKind(kind)]
    listing = reader(body, base_url)
    keep = re.compile(pattern) if pattern else None
    documents = [d for d in listing.documents if _is_http(d.url) and (keep is None or keep.search(d.url))]
    return Listing(documents=list(_unique(documents))[:MAX_LINKS], sitemaps=listing.sitemaps)


def pattern_error(pattern: str) -> str:
    """Why a link pattern is unusable ('' when it compiles)."""
    try:
        re.compile(pattern)
    except re.error as error:
        return f"not a valid regular expression: {error}"
    return ""


def _feed(body: bytes, base_url: str) -> Listing:
    parsed = feedparser.parse(body, response_headers={"content-location": base_url})
    if parsed.bozo and not parsed.entries:
        raise ListingError(f"not a readable RSS or Atom feed ({type(parsed.bozo_exception).__name__})")
    documents = []
    for entry in parsed.entries:
        link = entry.get("link") or ""
        when = entry.get("published_parsed") or entry.get("updated_parsed")
        documents.append(Listed(urljoin(base_url, link), entry.get("title", "")[:500], date(*when[:3]) if when else None))
    return Listing(documents=documents, sitemaps=[])


def _sitemap(body: bytes, base_url: str) -> Listing:
    try:
        root = etree.fromstring(body, parser=etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False))  # noqa: S320 - no entities, no network
    except etree.XMLSyntaxError as error:
        raise ListingError(f"not a readable sitemap: {error}") from error
    name = etree.QName(root).localname
    locs = [(el.findtext("{*}loc") or "").strip() for el in root.iterfind("{*}sitemap" if name == "sitemapindex" else "{*}url")]
    if name == "sitemapindex":
        return Listing(documents=[], sitemaps=[urljoin(base_url, loc) for loc in locs if loc])
    if name != "urlset":
        raise ListingError(f"not a sitemap: the document is <{name}>, not <urlset> or <sitemapindex>")
    dates = [_date(el.findtext("{*}lastmod")) for el in root.iterfind("{*}url")]
    return Listing(documents=[Listed(urljoin(base_url, loc), "", when) for loc, when in zip(locs, dates, strict=True) if loc], sitemaps=[])


def _page(body: bytes, base_url: str) -> Listing:
    tree = LexborHTMLParser(body.decode("utf-8", errors="replace"))
    documents = []
    for anchor in tree.css("a[href]"):
        href = (anchor.attributes.get("href") or "").strip()
        if href and not href.startswith(("#", "mailto:", "javascript:")):
            documents.append(Listed(urljoin(base_url, href), anchor.text(strip=True)[:500]))
    return Listing(documents=documents, sitemaps=[])


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat((value or "").strip()[:10])
    except ValueError:
        return None


def _is_http(url: str) -> bool:
    return urlsplit(url).scheme in ("http", "https")


def _unique(documents: list[Listed]):
    seen = set()
    for document in documents:
        if document.url not in seen:
            seen.add(document.url)
            yield document
