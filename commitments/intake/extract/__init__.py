"""The rule-based extractor: numbered sets, their points (verbatim, with offsets), deliverables and claims.

Pure and deterministic: text in, offsets out; no network, no database. Every quote in the
result is `text[start:end]`.
"""

import hashlib
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import groupby

from ..language import detect_language
from . import russian
from .announce import announcement_find, has_cue
from .claims import claims_find
from .counts import count_in, counts_in, plural_counts, unnumbered_in
from .deliverables import deliverables_find
from .enumerations import (
    inline_enumeration,
    listing_sentence,
    paragraph_list,
    parallel_clauses,
    party_sentences,
    run_in_paragraphs,
    semicolon_lines,
    sentence_list,
    subject_verbs,
)
from .extents import indent_regime, point_spans
from .layout import Layout, Span, SpanIndex, is_title
from .markers import Marker, markers_find, opens_sub_item
from .runs import nesting_parents, runs_build

__all__ = ["Extraction", "FoundPoint", "FoundSet", "Span", "extract"]


_NAVIGATION = re.compile(
    r"\s*(?:推荐阅读|推薦閱讀|相关阅读|相關閱讀|相关新闻|相關新聞|延伸阅读|延伸閱讀|热门推荐|熱門推薦"
    r"|Related(?: articles| stories| news)?|Read more|See also"
    r"|Читайте также|Смотрите также|Рекоменду[а-я]+ также|См\. также|По теме|Другие новости)\s*[:：]?\s*$", re.IGNORECASE,
)


@dataclass
class FoundPoint:
    ordinal: int
    span: Span
    deliverables: list[Span] = field(default_factory=list)


@dataclass
class FoundSet:
    announcement: Span | None
    announced_count: int | None
    points: list[FoundPoint]
    kind: str  # markers, inline, paragraphs

    @property
    def count_inferred(self) -> bool:
        return self.announced_count is None

    def complete_in(self, text: str) -> bool:
        """Found = announced; with no announced count, complete unless the text stops inside the last point."""
        if self.announced_count is not None:
            return len(self.points) == self.announced_count
        last = self.points[-1].span
        return not (last.end >= len(text.rstrip()) and text.rstrip()[-1:] not in ".!?。！？；\"'”’)）」』")


@dataclass
class Extraction:
    text: str
    sets: list[FoundSet]
    claims: list[Span]
    language: str = "und"

    def quote(self, span: Span | None) -> str:
        return self.text[span.start:span.end] if span else ""

    def as_json(self) -> dict:
        return {
            "sets": [self._set_json(s) for s in self.sets],
            "claims": [{"quote": self.quote(c), "start": c.start, "end": c.end} for c in self.claims],
            "text_sha256": hashlib.sha256(self.text.encode()).hexdigest(),
            "language": self.language,
        }

    def _set_json(self, found: FoundSet) -> dict:
        return {
            "announced_count": found.announced_count,
            "count_inferred": found.count_inferred,
            "announcement": self.quote(found.announcement),
            "points": [
                {
                    "ordinal": p.ordinal, "quote": self.quote(p.span), "start": p.span.start, "end": p.span.end,
                    "deliverables": [
                        {"ordinal": n, "quote": self.quote(d), "start": d.start, "end": d.end} for n, d in enumerate(p.deliverables, 1)
                    ],
                }
                for p in found.points
            ],
            "complete": found.complete_in(self.text),
        }


def extract(text: str, *, language: str | None = None) -> Extraction:
    """The sets and claims of `text`, in `language` (detected when not given).

    The English rules run everywhere (digits, letters and bullets are shared); the Chinese and
    Russian ones on the blocks written in those scripts, so a mixed text gets each part's rules.
    """
    language = language or detect_language(text)
    layout = Layout(text)
    markers = markers_find(layout)
    sets = _marker_sets(layout, markers)
    sets.extend(_unmarked_sets(layout, sets))
    sets.extend(_run_in_sets(layout, sets))
    sets.extend(_semicolon_sets(layout, sets))
    sets.extend(_recalled_count_sets(layout, sets))
    sets.extend(_lone_first_points(layout, markers, sets))
    sets.sort(key=lambda s: s.points[0].span.start)
    _earlier_counts(layout, sets)
    _prose_first_points(layout, sets)
    _connective_points(layout, sets)
    announcements = [s.announcement for s in sets if s.announcement]
    return Extraction(text, sets, claims_find(layout, exclude=announcements), language)


def _marker_sets(layout: Layout, markers: list[Marker]) -> list[FoundSet]:
    runs = runs_build(markers, layout)
    heads = {i: announcement_find(run[0], layout, floor=0) for i, run in enumerate(runs)}
    introduced = [i for i, run in enumerate(runs) if _introduced(layout, run, heads[i])]
    # A list inside a point of an introduced list is that point's deliverables, introduced or not.
    parents = nesting_parents(runs, [runs[j] for j in introduced], layout)
    nested = {i: (introduced[p[0]], p[1]) if p else None for i, p in enumerate(parents)}
    top = [i for i in introduced if nested[i] is None]
    floors = _floors(runs, top)
    heads.update({i: announcement_find(runs[i][0], layout, floor=floors[i]) for i in top})
    regime = indent_regime(markers, layout)
    qa_starts = sorted(m.start for m in markers if m.qa)
    found = {}
    for position, i in enumerate(top):
        bound = _bound(layout, runs, top, heads, position, qa_starts)
        found[i] = _marker_set(layout, runs[i], heads[i], bound=bound, regime=regime, single=len(top) == 1)
    _attach_nested(layout, runs, nested, found)
    return [found[i] for i in top if found[i].points]


def _introduced(layout: Layout, run: list[Marker], head) -> bool:
    """Ordinal words stand on their own; numbers, letters and bullets need a count or a lead-in that introduces them.
    Nothing under a "Related reading" heading is a set."""
    index = layout.block_index(run[0].start)
    if index > 0 and _NAVIGATION.match(layout.text, layout.blocks[index - 1].start, layout.blocks[index - 1].end):
        return False
    if run[0].family in ("word", "shi") or head[1] is not None or has_cue(layout, head[0]):
        return True
    if russian.headed_list(layout.text, [(m.content, layout.blocks[layout.block_index(m.start)].end) for m in run]):
        return True
    if _under_section_heading(layout, run):
        return True
    count = _title_count(layout, run[0].start)
    return count is not None and (not count.loose or count.value == len(run))


# "I. Enhance existing cooperation programs": a roman-numbered section heading of a plan, with no full stop after its words.
_SECTION_HEADING = re.compile(r"[IVX]{1,4}\.\s+[A-ZА-ЯЁ][^.:;!?]{2,80}")
SECTION_ITEMS_AT_LEAST = 3


def _under_section_heading(layout: Layout, run: list[Marker]) -> bool:
    """A numbered list (three items at least) right under a roman-numbered section heading, each item one sentence
    ("1. Hold the third Meeting of ... in 2011 in China."): a plan's actions. A declaration's numbered paragraphs,
    several sentences each, stay no set."""
    index = layout.block_index(run[0].start)
    if len(run) < SECTION_ITEMS_AT_LEAST or run[0].family != "digit" or index == 0 or not run[0].at_block_start:
        return False
    heading = layout.blocks[index - 1]
    if not _SECTION_HEADING.fullmatch(layout.text, heading.start, heading.end):
        return False
    for marker in run:
        block = layout.blocks[layout.block_index(marker.start)]
        if not marker.at_block_start or layout.sentence_index(marker.content) != layout.sentence_index(block.end - 1):
            return False
    return True


def _floors(runs, top) -> dict[int, int]:
    """For each top run, the furthest point content of the top runs starting before it (one pass in start order)."""
    floors, furthest = {}, 0
    for _, group in groupby(sorted(top, key=lambda j: runs[j][0].start), key=lambda j: runs[j][0].start):
        group = list(group)
        floors.update(dict.fromkeys(group, furthest))
        furthest = max(furthest, *(runs[j][-1].content for j in group))
    return floors


def _bound(layout: Layout, runs, accepted, heads, position: int, qa_starts: list[int]) -> int:
    """The last point of a set stops before the next set's announcement or first marker, and before a numbered question."""
    last = runs[accepted[position]][-1].start
    after = bisect_right(qa_starts, last)  # the first numbered question after the set
    limits = [len(layout.text)] + qa_starts[after:after + 1]
    if position + 1 < len(accepted):
        nxt = accepted[position + 1]
        head = heads[nxt][0]
        limits.append(head.start if head and head.start > last else runs[nxt][0].start)
    return min(limits)


def _marker_set(layout: Layout, run: list[Marker], head, *, bound: int, regime: bool, single: bool) -> FoundSet:
    announcement, count = head
    announced = count.value if count else _headline_count(layout, single=single, found=len(run), before=run[0].start)
    if announced is not None and run[-1].ordinal is None and len(run) - 1 == announced:
        run = run[:-1]  # "Finally, ..." after the announced number of points is the speaker moving on
    stops = frozenset(m.start for m in run)
    # A marker with no words after it (a stray "2." before the next one) is no point.
    spans = [span for span in point_spans(run, layout, bound=bound, indent_regime=regime, stops=stops) if span.end > span.start]
    points = [FoundPoint(n, span, deliverables_find(layout, span)) for n, span in enumerate(spans, 1)]
    return FoundSet(announcement, announced, points, "markers")


def _headline_count(layout: Layout, *, single: bool, found: int, before: int) -> int | None:
    """A count in a title above the set ("... cooperation in four areas") when the body's announcement states none."""
    count = _title_count(layout, before)
    if count and ((single and not count.loose) or count.value == found):
        return count.value
    return None


def _title_count(layout: Layout, before: int):
    """The count of the nearest title (is_title) in the blocks above the one holding `before`, or None."""
    block_indexes, nearest = _title_counts(layout)
    position = bisect_left(block_indexes, layout.block_index(before)) - 1
    return nearest[position] if position >= 0 else None


@lru_cache(maxsize=1)
def _title_counts(layout: Layout) -> tuple[list[int], list]:
    """Each title's block index and the count of the nearest counted title up to it: built once per text, so that
    looking a count up per list is not a walk over every title above it (quadratic with thousands of lists)."""
    block_indexes, nearest, last = [], [], None
    for index, block in enumerate(layout.blocks):
        if is_title(layout.text[block.start:block.end]):
            # "Three takeaways from the summit": any plural noun counts in a title, for a list of exactly that many
            last = count_in(layout.text, block.start, block.end) or next(iter(plural_counts(layout.text, block.start, block.end)), None) or last
            block_indexes.append(index)
            nearest.append(last)
    return block_indexes, nearest


def _attach_nested(layout: Layout, runs, nested, found: dict[int, FoundSet]) -> None:
    """A list inside a point gives that point's deliverables, and the point covers the whole list."""
    for i, parent in nested.items():
        if parent is None or parent[0] not in found:
            continue
        outer, point_index = found[parent[0]], parent[1]
        if point_index >= len(outer.points):
            continue
        point = outer.points[point_index]
        inner = point_spans(runs[i], layout, bound=len(layout.text), indent_regime=False, stops=frozenset())
        point.deliverables = [s for s in inner if s.end > s.start]
        if point.deliverables and point_index == len(outer.points) - 1 and inner[-1].end > point.span.end:
            point.span = Span(point.span.start, inner[-1].end)


def _unmarked_sets(layout: Layout, existing: list[FoundSet]) -> list[FoundSet]:
    """Counts whose sentence lists the items inline, or ends a paragraph with ':' before one point per paragraph."""
    used = SpanIndex([s.announcement for s in existing if s.announcement] + [p.span for s in existing for p in s.points])
    taken = {layout.blocks[layout.block_index(p.span.start)].start for s in existing for p in s.points}
    found, listed_at = [], set()
    for sentence in layout.sentences:
        counts = (counts_in(layout.text, sentence.start, sentence.end) or unnumbered_in(layout.text, sentence.start, sentence.end)
                  or plural_counts(layout.text, sentence.start, sentence.end))
        if not counts or used.covers(sentence.start) or used.starts_within(sentence.start, sentence.end):
            continue
        for count in counts:
            listed = (inline_enumeration(layout, count, sentence) or paragraph_list(layout, count, sentence, taken=taken)
                      or (sentence_list(layout, count, sentence) if count.value else None)
                      or (party_sentences(layout, count, sentence) if count.value else None)
                      or (listing_sentence(layout, count, sentence) if count.value else None)
                      or (parallel_clauses(layout, count, sentence) if count.value else None)
                      or (subject_verbs(layout, count, sentence) if count.value else None))
            names = listed and all(layout.text[i.start].isupper() for i in listed[1])
            if listed and ((count.loose and (len(listed[1]) != count.value or names)) or (count.value == 0 and names)):
                continue  # "two characteristics, namely" counts exactly two items, and names are no commitments
            if listed and listed[1][0].start in listed_at:
                break  # a headline and a lead-in both counting the same list: one set
            if listed:
                head, items = listed
                listed_at.add(items[0].start)
                points = [FoundPoint(n, item) for n, item in enumerate(items, 1)]
                found.append(FoundSet(head, count.value or None, points, "inline" if items[0].start < head.end else "paragraphs"))
                break
    return found


EARLIER_BLOCKS = 6  # paragraphs above a list's lead-in searched for the count it does not repeat


def _earlier_counts(layout: Layout, sets: list[FoundSet]) -> None:
    """A list whose lead-in ends with a colon and states no count ("Предложения Украины предусматривают следующее:")
    takes the count the article announced in the paragraphs above ("... которые предусматривают 10 пунктов."): the
    nearest one that is no other set's announcement or point and is at least the number of points found."""
    taken = SpanIndex([s.announcement for s in sets if s.announcement] + [p.span for s in sets for p in s.points])
    for found in sets:
        if found.announced_count is not None or found.kind != "markers":
            continue
        index = layout.block_index(found.points[0].span.start)
        if index == 0 or layout.text[layout.blocks[index - 1].end - 1] not in ":：":
            continue
        found.announced_count = _count_above(layout, index - 1, taken, at_least=len(found.points))


# "The primary point of the proposal was a call on States to ...": the first point told in prose, the others listed after.
_PROSE_FIRST = re.compile(r"(?:The|Its|His|Her|Their)\s+(?:primary|first|main|principal|central)\s+"
                          r"(?:point|proposal|element|pillar|priority|measure|step|component)\b[^.:]{0,40}?\s+(?:was|is)\s+\S")


def _prose_first_points(layout: Layout, sets: list[FoundSet]) -> None:
    """A list one point short of its count, after a lead-in ending with a colon ("The other interim or supporting measures
    included proposals for:") whose paragraph above tells the first point in prose ("The primary point of the proposal
    was ..."): that paragraph is the first point."""
    for found in sets:
        if found.announced_count is None or found.kind != "markers" or len(found.points) != found.announced_count - 1:
            continue
        index = layout.block_index(found.points[0].span.start)
        if index < 2 or layout.text[layout.blocks[index - 1].end - 1] not in ":：":
            continue
        above = layout.blocks[index - 2]
        if _PROSE_FIRST.match(layout.text, above.start, above.end):
            rest = [FoundPoint(n, p.span, p.deliverables) for n, p in enumerate(found.points, 2)]
            found.points = [FoundPoint(1, Span(above.start, above.end)), *rest]


# "Далее, по мнению Путина, необходимо ...", "Кроме того, нужно ...": a sentence that moves on to the next point unnumbered.
_CONNECTIVE = re.compile(r"(?:Далее|Кроме\s+того|Помимо\s+этого|Furthermore|Moreover|In\s+addition|Next),\s")


def _connective_points(layout: Layout, sets: list[FoundSet]) -> None:
    """A set short of its count whose points hold sentences opening with "Далее," or "Кроме того,": when those sentences
    make up exactly the points missing, each starts a point of its own (ru-70: "Его четвертый постулат ... Далее, ...
    Кроме того, ... Согласно последнему пункту, ...")."""
    for found in sets:
        if found.announced_count is None or found.kind != "markers" or len(found.points) >= found.announced_count:
            continue
        cuts = [sentence.start for point in found.points
                for sentence in layout.sentences[layout.sentence_index(point.span.start) + 1:layout.sentence_index(point.span.end - 1) + 1]
                if point.span.start < sentence.start < point.span.end and _CONNECTIVE.match(layout.text, sentence.start)]
        if not cuts or len(found.points) + len(cuts) != found.announced_count:
            continue
        spans = []
        for point in found.points:
            start = point.span.start
            for cut in (c for c in cuts if point.span.start < c < point.span.end):
                spans.append(Span(start, len(layout.text[:cut].rstrip())))
                start = cut
            spans.append(Span(start, point.span.end))
        found.points = [FoundPoint(n, span) for n, span in enumerate(spans, 1)]


def _count_above(layout: Layout, lead: int, taken: SpanIndex, *, at_least: int, strict: bool = False) -> int | None:
    for block in reversed(layout.blocks[max(0, lead - EARLIER_BLOCKS):lead]):
        for count in reversed(counts_in(layout.text, block.start, block.end)):
            if count.value >= at_least and not taken.covers(count.start) and not (strict and count.loose):
                return count.value
    return None


def _colon_lead_ins(layout: Layout, existing: list[FoundSet]):
    """Each paragraph ending with a colon that no set found already covers, with what those sets hold: their spans
    (`used`) and the starts of their paragraphs (`taken`, which the caller adds its own items to)."""
    taken_spans = [s.announcement for s in existing if s.announcement] + [p.span for s in existing for p in s.points]
    used = SpanIndex(taken_spans)
    taken = {layout.blocks[layout.block_index(span.start)].start for span in taken_spans}
    for index, block in enumerate(layout.blocks):
        if layout.text[block.end - 1] in ":：" and not used.covers(block.end - 1):
            yield index, block, used, taken


def _run_in_sets(layout: Layout, existing: list[FoundSet]) -> list[FoundSet]:
    """"... committed to making headway on the following:" ending a paragraph, then paragraphs opening with a run-in name
    and a colon ("Green jobs and growth: ..."): one point each, when a count stated above (or in the lead-in) counts them."""
    found = []
    for index, block, used, taken in _colon_lead_ins(layout, existing):
        items = run_in_paragraphs(layout, index, taken=taken)
        count = _count_above(layout, index + 1, used, at_least=len(items), strict=True) if items else None
        if count:  # a glossary's terms ("Lead agency: the body in charge.") are counted by nothing above them
            head = layout.sentences[layout.sentence_index(block.end - 1)]
            found.append(FoundSet(head, count, [FoundPoint(n, item) for n, item in enumerate(items, 1)], "paragraphs"))
            taken.update(item.start for item in items)
    return found


def _semicolon_sets(layout: Layout, existing: list[FoundSet]) -> list[FoundSet]:
    """A paragraph ending with a colon, then three or more short unmarked paragraphs each ending with ";" (the last
    with "." or ";"): a list with no count, one point per paragraph. A count stated in the lead-in must match."""
    found = []
    for index, block, _used, taken in _colon_lead_ins(layout, existing):
        items = semicolon_lines(layout, index, taken=taken)
        if not items:
            continue
        head = layout.sentences[layout.sentence_index(block.end - 1)]
        count = count_in(layout.text, head.start, head.end)
        if count and count.value != len(items):
            continue
        found.append(FoundSet(head, count.value if count else None, [FoundPoint(n, item) for n, item in enumerate(items, 1)], "paragraphs"))
        taken.update(item.start for item in items)
    return found


def _recalled_count_sets(layout: Layout, existing: list[FoundSet]) -> list[FoundSet]:
    """"Среди согласованных принципов:" ending a paragraph with no number, naming again what a paragraph above counted
    ("согласовал пять ключевых принципов"), then unmarked paragraphs: the next that many, one point each (fewer only
    where the text stops)."""
    found = []
    for index, block, used, taken in _colon_lead_ins(layout, existing):
        head = layout.sentences[layout.sentence_index(block.end - 1)]
        if counts_in(layout.text, head.start, head.end):
            continue
        count = _named_count_above(layout, index, head, used)
        items = _plain_paragraphs(layout, index, count.value, taken=taken) if count else []
        if items:
            found.append(FoundSet(head, count.value, [FoundPoint(n, item) for n, item in enumerate(items, 1)], "paragraphs"))
            taken.update(item.start for item in items)
    return found


_WORD = re.compile(r"[^\W\d_]+")
_STEM_AT_LEAST = 4


def _named_count_above(layout: Layout, lead: int, head: Span, used: SpanIndex):
    """The nearest strict count in the paragraphs above `lead` whose noun the lead-in names again ("принципов")."""
    words = [w.lower() for w in _WORD.findall(layout.text, head.start, head.end)]
    for block in reversed(layout.blocks[max(0, lead - EARLIER_BLOCKS):lead]):
        for count in reversed(counts_in(layout.text, block.start, block.end)):
            noun = (_WORD.findall(layout.text, count.start, count.end) or [""])[-1].lower()
            if not count.loose and not used.covers(count.start) and any(_same_stem(noun, word) for word in words):
                return count
    return None


def _same_stem(a: str, b: str) -> bool:
    """"принципов" and "принципы", "priorities" and "priority": one noun, another ending."""
    n = max(_STEM_AT_LEAST, min(len(a), len(b)) - 3)
    return min(len(a), len(b)) >= _STEM_AT_LEAST and a[:n] == b[:n]


def _plain_paragraphs(layout: Layout, lead: int, count: int, *, taken: set[int]) -> list[Span]:
    """The `count` paragraphs after block `lead`, none marked, taken or a heading (but the text's last, cut short); fewer
    only where the text ends, two at least."""
    text, items = layout.text, []
    for position in range(lead + 1, min(lead + 1 + count, len(layout.blocks))):
        block = layout.blocks[position]
        last = position == len(layout.blocks) - 1
        heading = block.end - block.start < 80 and text[block.end - 1] not in ".!?;:。！？；：\"”»"
        if block.start in taken or opens_sub_item(text, block.start, block.end, "") or (heading and not last):
            return []
        items.append(Span(block.start, block.end))
    return items if len(items) >= 2 else []


def _lone_first_points(layout: Layout, markers: list[Marker], existing: list[FoundSet]) -> list[FoundSet]:
    """"…主要有以下五个方面：" then "一是…" and the text stops: a set of one point, flagged incomplete.

    Only right after a paragraph that ends with a colon and announces a count, so that one "First,"
    in running prose is still no set.
    """
    taken = sorted((p.span.start, p.span.end) for s in existing for p in s.points)
    starts = [start for start, _ in taken]
    with_second = {m.family for m in markers if m.ordinal == 2}
    found = []
    for marker in markers:
        if marker.ordinal != 1 or not marker.at_block_start or marker.family in with_second or marker.family == "bullet" or marker.qa:
            continue
        before = bisect_right(starts, marker.content) - 1
        if before >= 0 and taken[before][1] > marker.content:  # inside a point already found
            continue
        index = layout.block_index(marker.start)
        if index == 0 or layout.text[layout.blocks[index - 1].end - 1] not in ":：":
            continue
        head = layout.sentences[layout.sentence_index(layout.blocks[index - 1].end - 1)]
        count = count_in(layout.text, head.start, head.end)
        if count:
            point = Span(marker.quote_start, layout.blocks[index].end)
            found.append(FoundSet(head, count.value, [FoundPoint(1, point)], "markers"))
    return found
