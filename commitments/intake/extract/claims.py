"""Candidate factual claims: sentences with figures ("about 90%", "more than 20 draft documents", "nearly 2,000 experts")."""

import re

from .counts import counts_in
from .layout import Layout, Span, SpanIndex

_MONTHS = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_NUMBER_WORDS = (
    r"(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|fifty|"
    r"hundred|dozens|hundreds|thousands|millions|billions)"
)
_FIGURE = re.compile(
    r"\d[\d,.]*\s*(?:%|percent\b|per cent\b)"
    r"|\b(?:about|around|nearly|almost|over|more than|less than|fewer than|up to|at least|some|"
    r"approximately|roughly|close to|well over)\s+(?:US)?\$?\d"
    r"|\$?\d[\d,.]*\s+(?:million|billion|trillion|thousand|hundred)\b"
    rf"|(?<![\d,.])(?!(?:19|20)\d\d\b)\d[\d,]*\s+(?!{_MONTHS}\b)(?:[A-Za-z-]+\s+){{0,2}}?[a-z]+s\b"
    r"|\b\d{1,4}(?:st|nd|rd|th)\s+anniversary"
    rf"|\b{_NUMBER_WORDS}\s+(?:[a-z-]+\s+){{0,2}}?[a-z]+s\b",
    re.IGNORECASE,
)
_QUESTION = re.compile(r"(?:\d+\.\s*|[IVX]+\.\s*)?(?:Reporter|Question|Q)\s*[:：]", re.IGNORECASE)


def claims_find(layout: Layout, *, exclude: list[Span]) -> list[Span]:
    """Sentences with a figure, except the ones announcing a set and figures that are counts (a count is no fact)."""
    found, excluded = [], SpanIndex(exclude)
    for sentence in layout.sentences:
        if excluded.covers(sentence.start) or sentence.end - sentence.start > 600:
            continue
        if _QUESTION.match(layout.text, sentence.start, sentence.end) or layout.text[sentence.end - 1] == "?":
            continue
        if _has_figure(layout.text, sentence):
            found.append(sentence)
    return found


def _has_figure(text: str, sentence: Span) -> bool:
    """A figure that is not a set's count ("Four Points in Deepening CICA Cooperation" asserts no fact)."""
    counts = counts_in(text, sentence.start, sentence.end)
    return any(
        not any(c.start <= m.start() < c.end for c in counts)
        for m in _FIGURE.finditer(text, sentence.start, sentence.end)
    )
