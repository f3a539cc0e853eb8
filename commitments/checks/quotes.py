"""Is our quote still on the page? Exact first, then a fuzzy window match.

Both sides are normalised the same way (NFKC, case, quote marks, dashes, zero-width
characters, whitespace), so typography alone never makes a quote "missing".
"""

import io
import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz

from commitments.models.checks import QuoteMatch

_QUOTES = str.maketrans({c: "'" for c in "‘’‚‛′‹›`´"} | {c: '"' for c in "“”„‟″«»"})
_DASHES = str.maketrans({c: "-" for c in "‐‑‒–—―−﹘﹣－"})
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACE = re.compile(r"\s+")
_RANK = {QuoteMatch.MISSING: 0, QuoteMatch.FUZZY: 1, QuoteMatch.EXACT: 2}


def quote_normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text).translate(_QUOTES).translate(_DASHES).casefold()
    return _SPACE.sub(" ", text).strip()


@dataclass(frozen=True)
class QuoteResult:
    match: str
    score: float | None  # 0-100; 100 for an exact match
    total: int = 0
    missing: int = 0


def quote_find(*, quote: str, page: str, threshold: float) -> QuoteResult:
    """Find one (already normalised) quote in an (already normalised) page."""
    if quote in page:
        return QuoteResult(QuoteMatch.EXACT, 100.0, 1, 0)
    # The best-aligned window of the page's length-of-quote substrings.
    score = round(fuzz.partial_ratio(quote, page), 1) if page else 0.0
    if score >= threshold:
        return QuoteResult(QuoteMatch.FUZZY, score, 1, 0)
    return QuoteResult(QuoteMatch.MISSING, score, 1, 1)


def quotes_match(*, quotes: list[str], text: str | None, threshold: float) -> QuoteResult:
    """The worst match among `quotes`, with how many are missing."""
    quotes = [q for q in (quote_normalise(q) for q in quotes) if q]
    if not quotes:
        return QuoteResult(QuoteMatch.NO_QUOTE, None)
    if text is None:
        return QuoteResult(QuoteMatch.UNKNOWN, None, len(quotes), 0)
    page = quote_normalise(text)
    results = [quote_find(quote=q, page=page, threshold=threshold) for q in quotes]
    worst = min(results, key=lambda r: (_RANK[r.match], r.score))
    return QuoteResult(worst.match, worst.score, len(results), sum(r.missing for r in results))


class TooManyPages(ValueError):
    """The PDF has more pages than the caller reads; `pages` says how many it has (or at least)."""

    def __init__(self, pages: int) -> None:
        super().__init__(f"the PDF has {pages} pages or more")
        self.pages = pages


def pdf_text(body: bytes, *, max_pages: int | None = None) -> str:
    """The PDF's text; TooManyPages when it has more than `max_pages` (checked on the declared count first, so a
    huge document is refused before any page is read)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(body))
    if max_pages is not None:
        declared = int(reader.trailer["/Root"]["/Pages"].get("/Count", 0))
        if declared > max_pages:
            raise TooManyPages(declared)
    texts = []
    for number, page in enumerate(reader.pages, 1):
        if max_pages is not None and number > max_pages:  # the declared count lied
            raise TooManyPages(number)
        texts.append(page.extract_text() or "")
    return "\n".join(texts)
