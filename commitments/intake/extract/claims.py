"""Candidate factual claims: sentences with figures ("about 90%", "more than 20 draft documents", "nearly 2,000 experts")."""

import re

from .layout import Layout, Span

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
    """Sentences with a figure, except the ones announcing a set (their number is a count, not a fact)."""
    found = []
    for sentence in layout.sentences:
        if any(s.start <= sentence.start < s.end for s in exclude) or sentence.end - sentence.start > 600:
            continue
        if _QUESTION.match(layout.text, sentence.start, sentence.end) or layout.text[sentence.end - 1] == "?":
            continue
        if _FIGURE.search(layout.text, sentence.start, sentence.end):
            found.append(sentence)
    return found
