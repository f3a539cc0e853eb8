"""The sentence that announces a set ("... agreed to strengthen cooperation in four areas.") and its count."""

import re

from .counts import Count, count_in
from .layout import Layout, Span
from .markers import Marker

LOOKBACK_SENTENCES = 3
_ANAPHORA = re.compile(r"(?:To this end|To that end|For this purpose|To this effect|To achieve this|On this basis|For this reason)\b", re.I)
_DOCUMENT = re.compile(r"\bfollowing\s+(?:joint\s+)?(?:declaration|statement|communiqu[ée]|resolution|text|agenda|documents?)\b"
                       r"|(?:发表|發表|通过|通過)(?:如下|以下)?(?:联合|聯合)?(?:声明|聲明|宣言|公报|公報)"
                       r"|следующ\w+\s+(?:совместн\w+\s+)?(?:заявлени|декларац)", re.I)
_CUE = re.compile(r"(?::\s*$|\bfollowing\b|\bas follows\b|\binclud(?:e|es|ing)\b|\bnamely\b|\bagree|\bcommit|\bdecid|\bpledge|\bpropos|"
                  r"\bsuggest|\bconsensus|\bmeasures\b|\boutcomes?\b|\bpriorit|\bresults?\b|\bwill\b"
                  # Chinese (Simplified and Traditional) and Russian lead-ins
                  r"|：\s*$|如下|以下|包括|提出|建议|建議|主张|主張|倡议|倡議|共识|共識|同意|一致|成果|措施|举措|舉措|重点|重點|愿|願|将|將"
                  r"|следующ|включа|а именно|договорил|согласил|предлага|предлож|намерен|будет|будут|приоритет|задач|\bряд\b|\bмер)", re.I)


def announcement_find(first: Marker, layout: Layout, *, floor: int) -> tuple[Span | None, Count | None]:
    """The nearest sentence before the first marker with a count in it, else the nearest sentence."""
    candidates = _sentences_before(first, layout, floor=floor)
    if not candidates:
        return None, None
    for span in map(lambda s: _rejoined(s, layout), candidates):
        count = count_in(layout.text, span.start, span.end)
        if count:
            return _with_context(span, layout), count
    return _with_context(candidates[0], layout), None


def _sentences_before(first: Marker, layout: Layout, *, floor: int) -> list[Span]:
    text, found = layout.text, []
    index = layout.sentence_index(first.start)
    current = layout.sentences[index] if layout.sentences else None
    # "Wang Yi made four suggestions: First, ...": the sentence's words before the marker (not a lone opening quote)
    if current is not None and current.start < first.start and any(ch.isalnum() for ch in text[current.start:first.start]):
        found.append(Span(current.start, _rstrip(text, current.start, first.start)))
    else:
        index -= 1
        current = None
    first_block = layout.block_index(first.start)
    for sentence in reversed(layout.sentences[max(0, index - LOOKBACK_SENTENCES):index + (0 if current else 1)]):
        if len(found) >= LOOKBACK_SENTENCES or sentence.end <= floor or first_block - layout.block_index(sentence.start) > 2:
            break
        found.append(sentence)
    return [s for s in found if s.end > s.start]


_STOPS = ".!?:;。！？：；\"'”’»)）"


def _rejoined(span: Span, layout: Layout) -> Span:
    """A sentence whose first word ends a hyphenated word broken across lines ("a four-\npoint proposal"), or whose line goes
    on in lower case with a sentence the line before left open ("has five national\nmissions to deliver ..."), starts on
    the line before."""
    before = layout.text[:span.start].rstrip()
    wrapped = layout.text[span.start:span.start + 1].islower() and bool(before) and before[-1] not in _STOPS
    if span.start > 0 and (before.endswith("-") or wrapped):
        return Span(layout.sentences[layout.sentence_index(len(before) - 1)].start, span.end)
    return span


def _with_context(span: Span, layout: Layout) -> Span:
    """"To this end, we will take four measures." alone in its paragraph: the paragraph before says to what end."""
    block_index = layout.block_index(span.start)
    block = layout.blocks[block_index]
    alone = block.start == span.start and block.end <= span.end + 1
    if alone and block_index > 0 and _ANAPHORA.match(layout.text, span.start):
        return Span(layout.blocks[block_index - 1].start, span.end)
    return span


def has_cue(layout: Layout, span: Span | None) -> bool:
    """Does the lead-in sentence introduce a list of commitments (for numbered lists with no count)?

    "adopted the following Declaration:" introduces a document's numbered paragraphs, not a set.
    """
    if span is None or _DOCUMENT.search(layout.text, span.start, span.end):
        return False
    return bool(_CUE.search(layout.text, span.start, span.end))


def _rstrip(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end
