"""One document, one key: every spelling of an address that means the same page maps to one string.

courlan (kept, trafilatura's URL library) lowercases the host, sorts the query, drops the fragment
and the tracking parameters (utm_*, fbclid, gclid, spm, ...). On top of that the key forgets the
scheme (a site serves the same page over http and https) and a trailing slash.
"""

from urllib.parse import urlsplit

import courlan


def document_key(url: str) -> str:
    """The canonical key of `url`; the same for `http://a.org/x/?utm_source=rss#top` and `https://A.org/x`."""
    normal = courlan.normalize_url(url.strip(), strict=True)
    parts = urlsplit(normal)
    path = parts.path.rstrip("/") or ""
    query = f"?{parts.query}" if parts.query else ""
    return f"{parts.netloc.lower()}{path}{query}"


def fetch_address(url: str) -> str:
    """The address to request: the listed one without tracking parameters and fragment (scheme and path kept)."""
    return courlan.normalize_url(url.strip(), strict=True)
