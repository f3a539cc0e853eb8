"""Where a quote stops being verbatim: the analyst is shown the words that agree and the first that differ."""

from rapidfuzz import fuzz

from commitments.text import normalize_whitespace, quote_locate

SHOWN = 40  # characters of context shown on each side


def _agreeing_words(words: list[str], text: str) -> int:
    """How many of the quote's first words stand verbatim in the text (a longer prefix only exists where a shorter one does)."""
    low, high = 0, len(words)
    while low < high:
        middle = (low + high + 1) // 2
        if quote_locate(" ".join(words[:middle]), text) is not None:
            low = middle
        else:
            high = middle - 1
    return low


def _clip(value: str, *, tail: bool = False) -> str:
    value = normalize_whitespace(value)
    if len(value) <= SHOWN:
        return value
    return "…" + value[-SHOWN:] if tail else value[:SHOWN] + "…"


def _whole_words(text: str, start: int, end: int) -> str:
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return text[start:end]


def quote_difference(quote: str, text: str) -> str:
    """A sentence saying where `quote` departs from `text`; empty when it does not."""
    words = quote.split()
    agreed = _agreeing_words(words, text)
    if agreed == len(words):
        return ""
    if agreed == 0:
        where = fuzz.partial_ratio_alignment(normalize_whitespace(quote), text)
        closest = _whole_words(text, where.dest_start, where.dest_end) if where is not None else ""
        return f"Its first words are not in the text; the closest passage reads “{_clip(closest)}”." if closest.strip() else \
            "Its first words are not in the text."
    prefix = " ".join(words[:agreed])
    _, end = quote_locate(prefix, text)
    return (f"It agrees with the text up to “{_clip(prefix, tail=True)}”; then the quote has “{_clip(' '.join(words[agreed:]))}” "
            f"where the text has “{_clip(text[end:]) or '(the end of the text)'}”.")
