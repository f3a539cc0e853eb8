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


# Invisible controls (issue 22 #14): the bidirectional marks, embeddings, overrides and isolates
# (U+061C ALM, U+200E LRM, U+200F RLM, U+202A-U+202E, U+2066-U+2069: U+202E shows the rest of a line
# backwards, "Trojan Source" spoofing) and the other invisible format characters a reader cannot see
# (zero-width space, word joiner and the invisible operators, deprecated formatting U+206A-U+206F,
# the BOM, interlinear annotation, tag characters). Not ZWNJ/ZWJ (U+200C/D): Persian, Indic
# scripts and emoji need them, and they reorder nothing.
INVISIBLE_RANGES = ((0x061C, 0x061C), (0x180E, 0x180E), (0x200B, 0x200B), (0x200E, 0x200F), (0x202A, 0x202E), (0x2060, 0x2064),
                    (0x2066, 0x206F), (0xFEFF, 0xFEFF), (0xFFF9, 0xFFFB), (0xE0000, 0xE007F))
_INVISIBLE = re.compile("[" + "".join(f"{chr(low)}-{chr(high)}" for low, high in INVISIBLE_RANGES) + "]")
# The same characters in a UTF-8 document, so a page as served is searched without decoding it.
_INVISIBLE_UTF8 = re.compile(b"|".join(re.escape(chr(code).encode()) for low, high in INVISIBLE_RANGES for code in range(low, high + 1)))


def text_refusal(value: str) -> str:
    """Why `value` cannot be stored as text ("" when it can): the one input rule for control characters."""
    found = _XML_INVALID.search(value)
    if found is not None:
        return f"Text cannot contain the control character U+{ord(found.group()):04X} (position {found.start() + 1})."
    return ""


def xml_clean(value: str) -> str:
    """`value` without the characters XML cannot carry (for output of rows stored before the input rule)."""
    return _XML_INVALID.sub("", value)


def text_clean(value: str) -> str:
    """`value` as staff-written text is stored: without invisible controls (what was typed is what readers see).

    Applied on save to every text field that is not a verbatim quote (`PlainTextModel.VERBATIM_FIELDS`):
    a quote keeps the source's characters, so that it stays verbatim, and is shown through `text_reader`.
    """
    return _INVISIBLE.sub("", value)


def _stand_in(found: re.Match) -> str:
    return f"[U+{ord(found.group()):04X}]"


def text_reader(value: str) -> str:
    """`value` as readers get it (pages, JSON-LD, feeds, e-mails): each invisible control as a visible `[U+202E]`.

    The one output rule: a control left in stored text (a verbatim quote, a history row written
    before the save rule) can neither reorder nor hide what is around it. The stand-in is
    ASCII, so it is safe as it is in HTML text and attributes, JSON strings and XML.
    """
    return _INVISIBLE.sub(_stand_in, value)


def text_reader_bytes(body: bytes) -> bytes:
    """`text_reader` of a UTF-8 document (a page as served); the body itself when it holds no invisible control."""
    if _INVISIBLE_UTF8.search(body) is None:
        return body
    return text_reader(body.decode("utf-8", "surrogateescape")).encode("utf-8", "surrogateescape")
