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


def _quote_data(item: DraftQuote) -> dict:
    return {"quote": item.quote, "start": item.start, "end": item.end, "title": item.title,
            "deliverables": [_quote_data(d) for d in item.deliverables]}


def _quote_from(data: dict) -> DraftQuote:
    return DraftQuote(data["quote"], data["start"], data["end"], data["title"], [_quote_from(d) for d in data["deliverables"]])


def draft_data(draft: Draft) -> dict:
    """The draft as JSON data (parties and statements by id): what an intake proposal keeps until it is published."""
    source = vars(draft.source) | {"published_on": draft.source.published_on and draft.source.published_on.isoformat()}
    sets = [{
        **{name: getattr(item, name) for name in ("title", "announced_by", "announcement", "announced_count", "meeting", "slug")},
        "announcing_party": item.announcing_party and item.announcing_party.pk, "announced_on": item.announced_on and item.announced_on.isoformat(),
        "parties": [party.pk for party in item.parties], "themes": [theme.pk for theme in item.themes],
        "attach_to": item.attach_to and item.attach_to.pk,
        "points": [_quote_data(point) for point in item.points],
    } for item in draft.sets]
    return {"source": source, "sets": sets, "claims": [_quote_data(claim) for claim in draft.claims]}


def draft_from_data(data: dict) -> Draft:
    """The draft `draft_data` kept, with its parties and statements as they are now."""
    parties = Party.objects.in_bulk([pk for item in data["sets"] for pk in (*item["parties"], item["announcing_party"]) if pk])
    statements = Statement.objects.in_bulk([item["attach_to"] for item in data["sets"] if item["attach_to"]])
    themes = Theme.objects.in_bulk([pk for item in data["sets"] for pk in item.get("themes", ())])
    source = DraftSource(**{**data["source"], "published_on": data["source"]["published_on"] and date.fromisoformat(data["source"]["published_on"])})
    sets = [DraftSet(
        **{name: item[name] for name in ("title", "announced_by", "announcement", "announced_count", "meeting", "slug")},
        announcing_party=parties.get(item["announcing_party"]), announced_on=item["announced_on"] and date.fromisoformat(item["announced_on"]),
        parties=[parties[pk] for pk in item["parties"] if pk in parties], attach_to=statements.get(item["attach_to"]),
        themes=[themes[pk] for pk in item.get("themes", ()) if pk in themes],
        points=[_quote_from(point) for point in item["points"]],
    ) for item in data["sets"]]
    return Draft(source, sets, [_quote_from(claim) for claim in data["claims"]])
