"""Sets without markers: "in four areas: supporting ..., setting ... and safeguarding ...", and one point per paragraph."""

import re

from .counts import Count, counts_in
from .layout import Layout, Span

_LEAD = re.compile(r"[^.;:]{0,60}?(?::|,?\s+namely,?|,?\s+including|,?\s+i\.e\.,?)\s+")
_GERUND_BOUNDARY = re.compile(r"(?:,\s+(?:and\s+)?|\s+and\s+)(?=[a-z]+ing\b)")
_COMMA_BOUNDARY = re.compile(r",\s+(?:and\s+)?")
_HEADING_END = ".!?。\"'”’):;,"


def inline_enumeration(layout: Layout, count: Count, sentence: Span) -> tuple[Span, list[Span]] | None:
    """The items listed after the count in the same sentence, or None when the sentence lists nothing."""
    lead = _LEAD.match(layout.text, count.end, sentence.end)
    if lead is None:
        return None
    start, end = lead.end(), _strip_end(layout.text, lead.end(), sentence.end)
    items = _split(layout.text, start, end)
    return (sentence, items) if len(items) >= 2 else None


def paragraph_list(layout: Layout, count: Count, sentence: Span, *, taken: set[int]) -> tuple[Span, list[Span]] | None:
    """"... the following three points:" at the end of a paragraph, then one point per paragraph."""
    block_index = layout.block_index(sentence.start)
    block = layout.blocks[block_index]
    if sentence.end < block.end or layout.text[block.end - 1] != ":":
        return None
    items = []
    for following in layout.blocks[block_index + 1:block_index + 1 + count.value]:
        line = layout.text[following.start:following.end]
        if following.start in taken or (len(line) < 60 and line[-1] not in _HEADING_END) or counts_in(layout.text, following.start, following.end):
            break
        items.append(Span(following.start, following.end))
    return (sentence, items) if len(items) >= 2 else None


def _split(text: str, start: int, end: int) -> list[Span]:
    segment = text[start:end]
    if ";" in segment:
        pieces = [m.span() for m in re.finditer(r"[^;]+", segment)]
        return [_trimmed(text, start + a, start + b) for a, b in pieces]
    first_word = re.match(r"[A-Za-z]+", segment)
    pattern = _GERUND_BOUNDARY if first_word and first_word.group().endswith("ing") else _COMMA_BOUNDARY
    spans, cursor = [], 0
    boundaries = list(pattern.finditer(segment))
    if pattern is _COMMA_BOUNDARY:
        final_and = segment.rfind(" and ")
        boundaries = [b for b in boundaries] + ([_Fake(final_and, final_and + 5)] if final_and > (boundaries[-1].end() if boundaries else 0) else [])
    for boundary in boundaries:
        spans.append(_trimmed(text, start + cursor, start + boundary.start()))
        cursor = boundary.end()
    spans.append(_trimmed(text, start + cursor, end))
    return [s for s in spans if s.end > s.start]


class _Fake:
    def __init__(self, a: int, b: int) -> None:
        self._a, self._b = a, b

    def start(self) -> int:
        return self._a

    def end(self) -> int:
        return self._b


def _trimmed(text: str, start: int, end: int) -> Span:
    while start < end and text[start] in " \t\n":
        start += 1
    if text[start:start + 4].lower() == "and ":
        start += 4
    return Span(start, _strip_end(text, start, end))


def _strip_end(text: str, start: int, end: int) -> int:
    while end > start and (text[end - 1].isspace() or text[end - 1] in ".;,"):
        end -= 1
    return end
