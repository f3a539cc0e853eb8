"""Text normalisation shared by the integrity rules and the source checks.

The verbatim rule has one owner, `quote_locate`: a quote is verbatim from a text when it
appears in it with only whitespace differing. `is_verbatim` and `is_verbatim_at` (a quote at
given character offsets) both answer through it.
"""

import re
import unicodedata

_WHITESPACE = re.compile(r"\s+")


def normalize_whitespace(text: str) -> str:
    """NFC-normalise and collapse every run of whitespace into one space."""
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def _pattern(quote: str) -> re.Pattern | None:
    words = unicodedata.normalize("NFC", quote).split()
    return re.compile(r"\s+".join(re.escape(word) for word in words)) if words else None


def quote_locate(quote: str, text: str, *, start: int = 0, end: int | None = None) -> tuple[int, int] | None:
    """(start, end) of the first place `quote` appears in `text[start:end]`, whitespace-tolerant; None if absent.

    Offsets index `text` as stored (Python characters, not bytes).
    """
    pattern = _pattern(quote)
    if pattern is None:
        return None
    found = pattern.search(unicodedata.normalize("NFC", text), start, len(text) if end is None else end)
    return found.span() if found else None


def is_verbatim(quote: str, text: str) -> bool:
    """True when `quote` appears in `text`, ignoring differences of whitespace only."""
    return quote_locate(quote, text) is not None


def is_verbatim_at(quote: str, text: str, *, start: int | None, end: int | None) -> bool:
    """True when `text[start:end]` is exactly `quote`, whitespace aside (the rule for a rendering's offsets)."""
    if start is None or end is None or not 0 <= start < end <= len(text):
        return False
    return quote_locate(quote, text, start=start, end=end) == (start, end)
