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



# Characters XML 1.0 cannot carry (its Char production): C0 controls but tab, line feed and
# carriage return; lone surrogates; U+FFFE and U+FFFF. NUL among them, which PostgreSQL
# refuses too. One rule for every text input (API bodies and query strings, forms, models)
# and for the XML we write, so a stored value can never break a feed.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


# Bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): typed into a title or a
# quote, U+202E shows the rest of a public page backwards ("Trojan Source" spoofing). Refused on input by the
# same rule; the plain marks LRM and RLM, which right-to-left text needs, stay allowed.
_BIDI_CONTROL = re.compile("[\u202a-\u202e\u2066-\u2069]")


def text_refusal(value: str) -> str:
    """Why `value` cannot be stored as text ("" when it can): the one input rule for control characters."""
    found = _XML_INVALID.search(value)
    if found is not None:
        return f"Text cannot contain the control character U+{ord(found.group()):04X} (position {found.start() + 1})."
    found = _BIDI_CONTROL.search(value)
    if found is not None:
        return (f"Text cannot contain the bidirectional control character U+{ord(found.group()):04X} (position {found.start() + 1}): "
                "it would reorder what readers see.")
    return ""


def xml_clean(value: str) -> str:
    """`value` without the characters XML cannot carry (for output of rows stored before the input rule)."""
    return _XML_INVALID.sub("", value)
