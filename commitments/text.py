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


# Characters XML 1.0 cannot carry (its Char production): C0 controls but tab, line feed and
# carriage return; lone surrogates; U+FFFE and U+FFFF. NUL among them, which PostgreSQL
# refuses too. One rule for every text input (API bodies and query strings, forms, models)
# and for the XML we write, so a stored value can never break a feed.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def text_refusal(value: str) -> str:
    """Why `value` cannot be stored as text ("" when it can)."""
    found = _XML_INVALID.search(value)
    if found is None:
        return ""
    return f"Text cannot contain the control character U+{ord(found.group()):04X} (position {found.start() + 1})."


def xml_clean(value: str) -> str:
    """`value` without the characters XML cannot carry (for output of rows stored before the input rule)."""
    return _XML_INVALID.sub("", value)
