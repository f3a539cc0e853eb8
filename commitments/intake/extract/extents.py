"""Where each point ends: at the next marker, or, for the last one, where the list's prose stops."""

import re
from bisect import bisect_right
from collections import defaultdict

from . import chinese, russian
from .layout import Layout, Span
from .markers import Marker, opens_sub_item

_REPORTING = re.compile(r"\b(said|says|added|noted|stressed|told|pointed out|according to|emphasi[sz]ed|underlined|concluded)\b")
_ATTRIBUTION = re.compile(
    r"^(?:(?:[A-Z][\w'’.-]*|he|she|they)\s+){1,4}(?:also\s+)?(?:said|added|noted|stressed|told|pointed out|emphasi[sz]ed|called on|urged)\b"
    r"|^(?:In the interview|In their statements|In his remarks|In her remarks|During the talks|At the meeting)\b"
)
_TERMINAL = ".!?。！？；\"'”’)）」』"
_SENTENCE_END = ".!?。！？"
# ", Wang said." closing a point is the reporter's, not the speaker's.
_TRAILING_ATTRIBUTION = re.compile(
    r",\s+(?:(?:[A-Z][\w'’.-]*|he|she|they)\s+){1,3}(?:said|added|noted|stressed|told \w+)\.?$"
    r"|[\"»”]?,?\s+[-–—]\s+(?:заявил|сказал|отметил|подчеркнул|добавил|сообщил|указал)[а-я]*(?:\s+[а-яё-]+){0,2}(?:\s+[А-ЯЁ][\w.-]*){0,3}\.?$"
    # "», — цитирует Путина «Интерфакс».": an outlet quoting the speaker
    r"|[\"»”],?\s+[-–—]\s+(?:цитиру|переда|пиш|сообща)[а-яё]*(?:\s+[А-ЯЁ][\w.-]*)?(?:\s+[«\"“]?[А-ЯЁA-Z][\w .-]*[»\"”]?){1,2}\.?$"
)


def point_spans(run: list[Marker], layout: Layout, *, bound: int, indent_regime: bool, stops: frozenset[int]) -> list[Span]:
    """The span of each point: marker (or its words) to the next marker; the last by the rules of `last_point_end`."""
    text = layout.text
    spans = [Span(m.quote_start, _separator_strip(text, m.quote_start, _inner_end(layout, m, nxt))) for m, nxt in zip(run, run[1:], strict=False)]
    end = last_point_end(run, spans, layout, bound=bound, indent_regime=indent_regime, stops=stops)
    spans.append(Span(run[-1].quote_start, end))
    return [_without_attribution(layout.text, span) for span in spans]


def _inner_end(layout: Layout, marker: Marker, nxt: Marker) -> int:
    """Up to the next marker, less what stands between the point's last paragraph and that marker: the lead-in of an
    inline marker in a later paragraph ("王毅还强调，四是…") and captions or headings in between ("【资料图】")."""
    own, index = layout.block_index(marker.start), layout.block_index(nxt.start)
    end = nxt.start
    lead = layout.sentences[layout.sentence_index(nxt.start)]
    if index == own and marker.content < lead.start < nxt.start and any(ch.isalnum() for ch in layout.text[lead.start:nxt.start]):
        return lead.start  # "... удобной среды для жизни. По его словам, четвертый приоритет —": the reporter's words are no point's
    if nxt.at_block_start:  # a point ends before the next one's paragraph, opening quote included ("“ii) ...")
        end = min(end, layout.blocks[index].start)
    lead_in = layout.text[layout.blocks[index].start:nxt.start].rstrip()
    if index > own and not nxt.at_block_start and lead_in.endswith(tuple(_SENTENCE_END)):
        return end  # "...двойных стандартов.Во втором пункте": the sentences before the marker continue the point
    if index > own and not nxt.at_block_start:
        end, index = layout.blocks[index - 1].end, index - 1
    elif index > own:
        index -= 1
    # Captions, headings and the reporter's own paragraphs ("He called on parties ...") between two points
    # belong to neither; the short items of a list inside the point ("(h) Sir Creek - Defence Secretaries") are its own.
    while index > own and (_heading(layout.text, layout.blocks[index]) or _reporter(layout.text, layout.blocks[index])):
        if opens_sub_item(layout.text, layout.blocks[index].start, layout.blocks[index].end, marker.family):
            break
        end, index = layout.blocks[index - 1].end, index - 1
    return end


def _reporter(text: str, block) -> bool:
    line = text[block.start:block.end]
    return bool(_ATTRIBUTION.match(line) or chinese.REPORTER.match(line) or russian.REPORTER.match(line))


def _heading(text: str, block) -> bool:
    line = text[block.start:block.end]
    return len(line) < 80 and line[-1] not in _TERMINAL + ":;,"


def _without_attribution(text: str, span: Span) -> Span:
    found = _TRAILING_ATTRIBUTION.search(text, max(span.start, span.end - 60), span.end)
    return Span(span.start, found.start()) if found and found.start() > span.start else span


def last_point_end(run, spans, layout: Layout, *, bound: int, indent_regime: bool, stops: frozenset[int]) -> int:
    last = run[-1]
    last_block = layout.block_index(last.start)
    same_block = all(layout.block_index(m.start) == last_block for m in run)
    if not last.at_block_start or same_block:
        alone = not same_block and layout.block_index(run[-2].start) < last_block
        return _sentence_level_end(last, spans, layout, bound, alone=alone)
    return _block_level_end(last, spans, layout, bound=bound, indent_regime=indent_regime, stops=stops)


def _sentence_level_end(last: Marker, spans: list[Span], layout: Layout, bound: int, *, alone: bool = False) -> int:
    """An inline list: as many sentences as the longest earlier point, stopping where the reporter speaks again.

    A last marker alone in its paragraph ("王毅还强调，四是…。「…」") keeps the rest of that paragraph."""
    block = layout.blocks[layout.block_index(last.start)]
    cap = len(layout.sentences) if alone else max((_sentences_in(layout, s) for s in spans), default=1)
    first = layout.sentence_index(last.start)
    end = layout.sentences[first].end
    for sentence in layout.sentences[first + 1:first + cap]:
        if sentence.start >= min(block.end, bound) or _REPORTING.search(layout.text, sentence.start, sentence.end):
            break
        end = sentence.end
    return min(end, block.end, max(bound, last.content + 1))


def _block_level_end(last: Marker, spans, layout: Layout, *, bound: int, indent_regime: bool, stops: frozenset[int]) -> int:
    """A list of paragraphs: the marker's block, then the paragraphs that continue it."""
    index = layout.block_index(last.start)
    end = layout.blocks[index].end
    own = _colon_sub_lines(layout, index, bound=bound)
    if own:
        return own
    extra = max((_paragraphs_in(layout, s, last.family) for s in spans), default=1) - 1
    for position in range(index + 1, len(layout.blocks)):  # no copy of the rest of the list per point
        block = layout.blocks[position]
        if block.start >= bound or block.start in stops or _not_continuation(layout.text, block, after=end):
            break
        if indent_regime:
            if block.indent > 0:
                break
        elif _wrapped(layout.text, block, after=end):
            end = block.end  # the same sentence, hard-wrapped: no paragraph more
            continue
        elif extra <= 0:
            break
        extra -= 1
        end = block.end
    return min(end, bound) if bound > last.content else end


def _colon_sub_lines(layout: Layout, index: int, *, bound: int) -> int | None:
    """"3. Настоящее постановление вступает в силу в следующем порядке:" then unmarked lines ending with ";" and the last
    with ".": the point's own list; the end of its last line (None when the point ends otherwise or no such lines follow)."""
    text, blocks = layout.text, layout.blocks
    if text[blocks[index].end - 1] not in ":：":
        return None
    for position in range(index + 1, len(blocks)):
        block = blocks[position]
        if block.start >= bound or text[block.end - 1] not in ";；.。":
            return None
        if text[block.end - 1] in ".。":
            return block.end if position > index + 1 else None
    return None


def _not_continuation(text: str, block, *, after: int) -> bool:
    """A heading stops the point, except as the text's last block: a text cut inside a paragraph heads nothing; nor is
    a line that goes on, in lower case, with the sentence the line before left open (a hard-wrapped "4. ... POW/MIA\n
    remains, including ...")."""
    last = block.end >= len(text.rstrip())
    line = text[block.start:block.end]
    heading = _heading(text, block) and not last and not _wrapped(text, block, after=after)
    return heading or bool(_ATTRIBUTION.match(line) or russian.REPORTER.match(line))


def _wrapped(text: str, block, *, after: int) -> bool:
    """Does the line go on, in lower case, with a sentence the text up to `after` left open?"""
    return text[block.start:block.start + 1].islower() and text[after - 1] not in _TERMINAL + ":;"


def _sentences_in(layout: Layout, span: Span) -> int:
    return max(1, layout.sentence_index(max(span.start, span.end - 1)) - layout.sentence_index(span.start) + 1)


def _blocks_in(layout: Layout, span: Span) -> int:
    return layout.block_index(max(span.start, span.end - 1)) - layout.block_index(span.start) + 1


def _paragraphs_in(layout: Layout, span: Span, family: str) -> int:
    """The point's blocks, less the items of a list inside it: a point holding eight short sub-items is no sign that
    the last point runs over eight paragraphs."""
    first, last = layout.block_index(span.start), layout.block_index(max(span.start, span.end - 1))
    blocks = layout.blocks[first + 1:last + 1]
    before = layout.blocks[first:last]
    return 1 + sum(not opens_sub_item(layout.text, b.start, b.end, family) and not _wrapped(layout.text, b, after=p.end)
                   for b, p in zip(blocks, before, strict=True))


def _separator_strip(text: str, start: int, end: int) -> int:
    """Up to the next marker, without the "; and " that joins two points of an inline list."""
    end = _rstrip(text, start, end)
    for tail in (",", " and", " or", " и", " а", ";", ",", "；", "，", "、"):  # "; and," too
        if text.endswith(tail, start, end):
            end = _rstrip(text, start, end - len(tail))
    return end if text[end - 1:end] not in ";,；，、" else _rstrip(text, start, end - 1)


def _rstrip(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def indent_regime(markers: list[Marker], layout: Layout) -> bool:
    """Does indentation mark paragraphs here? Some pages indent each paragraph's first line and break
    lines inside it: an indented point, then unindented lines, then the next point, indented again."""
    starts = {m.start for m in markers}
    positions: dict[tuple, list[int]] = defaultdict(list)  # (family, ordinal) -> indexes in `markers`, ascending
    for n, marker in enumerate(markers):
        positions[(marker.family, marker.ordinal)].append(n)
    for n, marker in enumerate(markers):
        index = layout.block_index(marker.start)
        if not marker.at_block_start or layout.blocks[index].indent == 0 or index + 1 >= len(layout.blocks):
            continue
        following = layout.blocks[index + 1]
        if following.indent > 0 or following.start in starts:
            continue
        later = positions.get((marker.family, (marker.ordinal or 0) + 1), [])
        after = bisect_right(later, n)
        nxt = markers[later[after]] if after < len(later) else None
        if nxt is not None and nxt.at_block_start and layout.blocks[layout.block_index(nxt.start)].indent > 0:
            return True
    return False
