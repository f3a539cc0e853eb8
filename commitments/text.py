"""Text normalisation shared by the integrity rules and the source checks."""

import re
import unicodedata

_WHITESPACE = re.compile(r"\s+")


def normalize_whitespace(text: str) -> str:
    """NFC-normalise and collapse every run of whitespace into one space."""
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def is_verbatim(quote: str, text: str) -> bool:
    """True when `quote` appears in `text`, ignoring differences of whitespace only."""
    needle = normalize_whitespace(quote)
    return bool(needle) and needle in normalize_whitespace(text)
