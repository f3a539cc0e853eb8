"""The text's layout: blocks (non-empty lines) and sentences, as offsets into the text."""

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from itertools import accumulate

# A period ends no sentence after these (lower-cased, without the period).
_ABBREVIATION_WORDS = (
    "mr mrs ms dr st sept sep jan feb mar apr jun jul aug oct nov dec no nos art arts gen gov prof "
    "jr sr inc ltd co corp vs etc e.g i.e u.s u.k u.n h.e para paras fig op cf approx dept est vol"
    " г гг т.е т.д т.п т.к им млн млрд тыс руб стр ст ул св см др"  # Russian
)
ABBREVIATIONS = frozenset(_ABBREVIATION_WORDS.split())
# Chinese needs no space after its full stops.
_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s)|[。！？]+[”’」』）)]*")
_WORD_BEFORE = re.compile(r"([\w.]+)$")


@dataclass(frozen=True)
class Block:
    """One non-empty line, without its surrounding whitespace; `indent` counts its leading spaces."""

    start: int
    end: int
    indent: int


@dataclass(frozen=True)
class Span:
    start: int
    end: int


class Layout:
    """Blocks and sentences of one text, with lookups by offset."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.blocks = blocks_of(text)
        self.block_starts = [b.start for b in self.blocks]
        self.sentences = [s for b in self.blocks for s in sentences_of(text, b)]
        self.sentence_starts = [s.start for s in self.sentences]

    def block_index(self, offset: int) -> int:
        """The index of the block holding `offset` (the last block starting at or before it)."""
        return max(0, bisect_right(self.block_starts, offset) - 1)

    def sentence_index(self, offset: int) -> int:
        return max(0, bisect_right(self.sentence_starts, offset) - 1)


class SpanIndex:
    """Spans sorted once, for "does any span cover this offset / start in this range" in log time
    (a scan of every span per sentence made texts with thousands of sets quadratic)."""

    def __init__(self, spans) -> None:
        ordered = sorted((span.start, span.end) for span in spans)
        self.starts = [start for start, _ in ordered]
        self.reach = list(accumulate((end for _, end in ordered), max))  # the furthest end of the spans so far

    def covers(self, offset: int) -> bool:
        """Some span has start <= offset < end."""
        index = bisect_right(self.starts, offset) - 1
        return index >= 0 and self.reach[index] > offset

    def starts_within(self, start: int, end: int) -> bool:
        """Some span starts in [start, end)."""
        index = bisect_left(self.starts, start)
        return index < len(self.starts) and self.starts[index] < end


def is_title(line: str) -> bool:
    """A block that reads like a title: short, not ending in a period, colon or question mark."""
    return len(line) <= 200 and not line.endswith((".", ":", "?", "。", "：", "？"))


def blocks_of(text: str) -> list[Block]:
    found, offset = [], 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            lead = len(line) - len(line.lstrip())
            start = offset + lead
            found.append(Block(start, start + len(stripped), len(line[:lead].replace("\t", "    ").replace("\u3000", "  "))))
        offset += len(line) + 1
    return found


def sentences_of(text: str, block: Block) -> list[Span]:
    """Split one block into sentences; a period after an abbreviation or an initial ends none."""
    spans, start = [], block.start
    for match in _END.finditer(text, block.start, block.end):
        if not _ends_sentence(text, match.start(), match.end()):
            continue
        spans.append(Span(start, match.end()))
        start = _skip_space(text, match.end(), block.end)
    if start < block.end:
        spans.append(Span(start, block.end))
    return spans


def _ends_sentence(text: str, stop: int, after: int) -> bool:
    if text[stop] != ".":
        return True
    word = _WORD_BEFORE.search(text, max(0, stop - 12), stop)
    token = word.group(1).lower() if word else ""
    if token in ABBREVIATIONS or (len(token) == 1 and token.isalpha()):
        return False
    start = _skip_space(text, after, len(text))
    return not text[start:start + 1].islower()  # one character, not a copy of the rest (that was quadratic)


def _skip_space(text: str, offset: int, limit: int) -> int:
    while offset < limit and text[offset].isspace():
        offset += 1
    return offset
