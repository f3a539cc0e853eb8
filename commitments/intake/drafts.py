"""The draft an analyst edits: plain data between the extractor and the one atomic save.

The admin formsets, the API serializer and the command all build a `Draft`; the save
(`commitments.intake.services.intake_save`) validates it against the source's text.
"""

import re
from dataclasses import dataclass, field
from datetime import date

from commitments.models import Party, Statement, Theme
from commitments.text_search import HAN_RUN

from .extract import Extraction, FoundSet

_ORDINAL_LEAD = re.compile(
    r"^(?:(?:the\s+)?(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|last|final)(?:ly)?"
    r"(?:\s+of\s+all)?(?:\s+(?:is|are)\s+(?:to\s+)?)?|one\s+is\s+(?:to\s+)?|finally|lastly"
    # Chinese and Russian ordinal leads: 第一，一是 首先，（一） 一、; во-первых, Первое –
    r"|第[一二两兩三四五六七八九十]{1,3}(?:[点點条條项項])?\s?[，,、：:]?|[一二两兩三四五六七八九十]{1,3}是|其[一二三四五六七八九十]"
    r"|首先|其次|再次|最后|最後|[（(][一二三四五六七八九十]{1,3}[）)]|[一二三四五六七八九十]{1,3}、"
    r"|во?-\w+ых|(?:первое|второе|третье|четв[её]ртое|пятое|шестое|седьмое|восьмое|девятое|десятое)\s*[—–-]?(?:\s*это)?"
    r")[,:，：]?\s*",
    re.IGNORECASE,
)
# A Chinese title is the point's first clause (to the first ，or 。): its sentences run long.
_CHINESE_CLAUSE = re.compile(r"[^，,。；;！？]{4,}")
TITLE_LENGTH = 120


@dataclass
class DraftQuote:
    """A point, a deliverable or a claim: its verbatim quote, where it stands in the text, a short title."""

    quote: str
    start: int | None = None
    end: int | None = None
    title: str = ""
    deliverables: list["DraftQuote"] = field(default_factory=list)


@dataclass
class DraftSet:
    title: str
    announced_by: str
    announcing_party: Party | None
    announced_on: date | None
    announcement: str
    announced_count: int | None  # None: the text states no number; the points' count is stored as inferred
    points: list[DraftQuote]
    parties: list[Party] = field(default_factory=list)
    themes: list[Theme] = field(default_factory=list)  # given to each point
    meeting: str = ""
    slug: str = ""
    attach_to: Statement | None = None  # this text renders a set already recorded: add quotes, not a statement


@dataclass
class DraftSource:
    title: str
    publisher: str
    full_text: str
    url: str = ""
    published_on: date | None = None
    language: str = ""  # empty: detected from the text when saved
    is_translation: bool = False
    original_language: str = ""
    slug: str = ""


@dataclass
class Draft:
    source: DraftSource
    sets: list[DraftSet]
    claims: list[DraftQuote] = field(default_factory=list)


def title_from_quote(quote: str) -> str:
    """A short title for a point: its words without the ordinal, to the first full stop, at most 120 characters."""
    words = _ORDINAL_LEAD.sub("", quote.strip(), count=1)
    if HAN_RUN.match(words):
        clause = _CHINESE_CLAUSE.match(words)
        return (clause.group() if clause else words)[:TITLE_LENGTH]
    sentence = re.split(r"(?<=[.;:!?])\s", words, maxsplit=1)[0].rstrip(".;: ")
    title = sentence[:1].upper() + sentence[1:]
    return title if len(title) <= TITLE_LENGTH else title[:TITLE_LENGTH - 1].rsplit(" ", 1)[0] + "…"


def _quote(extraction: Extraction, span, deliverables=()) -> DraftQuote:
    text = extraction.quote(span)
    return DraftQuote(text, span.start, span.end, title_from_quote(text), [_quote(extraction, d) for d in deliverables])


def draft_set(extraction: Extraction, found: FoundSet) -> DraftSet:
    """A set as found, for the analyst to complete (who announced it, when) and correct."""
    announcement = extraction.quote(found.announcement)
    return DraftSet(
        title=title_from_quote(announcement) if announcement else "", announced_by="", announcing_party=None,
        announced_on=None, announcement=announcement, announced_count=found.announced_count,
        points=[_quote(extraction, p.span, p.deliverables) for p in found.points],
    )


def draft_from_extraction(extraction: Extraction, *, source: DraftSource | None) -> Draft:
    return Draft(
        source=source,
        sets=[draft_set(extraction, s) for s in extraction.sets],
        claims=[_quote(extraction, c) for c in extraction.claims],
    )
