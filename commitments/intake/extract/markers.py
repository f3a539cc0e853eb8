"""Point markers: "First,", "The second is", "3.", "(4)", "iv)", "(b)", "②", bullets.

A marker is found at the start of a block (any style) or after a sentence break, a colon
or a semicolon (the word styles and the bracketed ones, which read the same inline).
"""

import re
from dataclasses import dataclass, replace

from . import chinese, russian
from .layout import Layout

ORDINAL_WORDS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12,
}
CARDINAL_LEADS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
# "One, sustainable development; two, preventing conflicts; ... and five, ...": cardinals read as ordinals before a comma.
CARDINAL_WORDS = {**CARDINAL_LEADS, "seven": 7, "eight": 8, "nine": 9, "ten": 10}
FINAL_WORDS = frozenset({"last", "lastly", "finally", "final"})
ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10, "xi": 11, "xii": 12}
# Families ranked from the outermost list level to the innermost, for nesting.
# Chinese: 一、 is a top-level heading, （一） the level below it, 一是 a run-in list inside a paragraph.
RANK = {
    "word": 0, "ROMAN": 1, "cnum": 1, "cparen": 1.5, "digit": 2, "ALPHA": 3, "alpha": 4, "cyr": 4, "roman": 5,
    "circled": 6, "shi": 6.5, "bullet": 7, "punkt": 2,
}
TYPOGRAPHIC = frozenset(RANK) - {"word"}

_ORD = "|".join(ORDINAL_WORDS)
_CARD = "|".join(CARDINAL_WORDS)
# "Priority 1: ...", "Point two: ...": what a point is called, and its number.
_LABEL = r"(?:point|priority|step|pillar|goal|objective|commitment|principle|proposal|item|action|measure|task|initiative|pledge|area)"
# "The first priority identified by the new prime minister was ...": who named the point, between it and its verb.
_NAMED_BY = r"(?:\s+(?:identified|named|listed|outlined|set\s+out|cited|mentioned|announced)(?:\s+(?:by|in)(?:\s+(?!is\b|was\b)[\w'’-]+){1,5})?)"
_WORD_MARKER = re.compile(
    rf"(?:(?P<adv>(?:{_ORD})ly|first\s+of\s+all|first\s+and\s+foremost|last\s+but\s+not\s+least|(?:and,?\s+)?(?:lastly|finally))\b[,:]?"
    rf"|(?:and\s+)?(?P<bare>{_ORD}|last)\s*[,:—–]|(?:and\s+)?(?P<cardinal>{_CARD}),"
    rf"|(?:the\s+)?(?P<the>{_ORD}|last|final)(?:\s+(?!is\b|are\b|was\b)[a-z-]+){{0,3}}?{_NAMED_BY}?\s+(?:is|are|was|will\s+be|lies\s+in|concerns)\b"
    # "The first initiative will see ...", "The other measure will see ...": an ordinal (or, closing a run, "other") and
    # what a point is called, then what it will do
    rf"|(?:the\s+)?(?P<will>{_ORD}|other)\s+{_LABEL}\s+(?:will\s+(?!be\b)[a-z]+|is|was)\b"
    rf"|(?P<card>one|two|three|four|five|six)\s+is\s+(?=to\b|that\b|the\b|a\b|an\b|[a-z]+ing\b)"
    rf"|{_LABEL}\s+(?P<labelled>\d{{1,2}}|{_CARD})\s*[:.–—]"
    # "First, ... Second, ... Number three, my plan will ...": a spoken point's number, capitalised, before a comma
    rf"|(?-i:Number)\s+(?P<numbered>\d{{1,2}}|{_CARD})\s*[,:–—])",
    re.IGNORECASE,
)
_TYPO_MARKER = re.compile(
    r"(?:[(（](?P<pdigit>\d{1,2})[)）]|(?P<digit>\d{1,2})\s?[.)、．）](?!\d)|No\.\s?(?P<nodigit>\d{1,2})[:.,]?"
    r"|\((?P<palpha>[a-z])\)|(?P<alpha>[a-z])[.)]"
    r"|\((?P<proman>[ivx]{1,4})\)|(?P<roman>[ivx]{1,4})[.)]"
    r"|(?P<ROMAN>[IVX]{1,4})[.)]|\((?P<pALPHA>[A-Z])\)|(?P<ALPHA>[A-Z])[.)]"
    r"|(?P<circled>[\u2460-\u2473\u2474-\u2487\u2776-\u277f]))(?=\s|$|[^\x00-\x7f]|(?<=\))[A-Z])"
)
# "agreed to (i) resume talks, (ii) open consulates and (iii) restart flights": bracketed markers inside a sentence
# (a run of them needs three, so that "the issues at (a) and (b) above" is none).
_MID_SENTENCE_TYPO = re.compile(r"(?<=\s)\((?:\d{1,2}|[a-z]|[ivx]{1,4})\)(?=\s)")
_INLINE_TYPO = re.compile(r"\((?:\d{1,2}|[a-z]|[ivx]{1,4})\)\s|[\u2460-\u2473\u2474-\u2487\u2776-\u277f]")
_INLINE_TYPO_CJK = re.compile(r"[(（](?:\d{1,2}|[a-z]|[ivx]{1,4})[)）]|[\u2460-\u2473\u2474-\u2487\u2776-\u277f]")
# A bullet and a space; "# " (a numbered list as some copies flatten it); "——" run into Chinese text.
# A round or square bullet runs straight into Chinese text ("●中方倡议…"), as "——" does.
_BULLET = re.compile(r"[•·▪◦‣●○■□➢►✓⚪\-–—*#](?=\s)|——(?=[^\s—])|[•●▪■◆](?=[\u3400-\u9fff])")
_QA = re.compile(r"(?:reporter|question|journalist|correspondent|answer|q|a|记者|記者|问|問|答|вопрос|ответ)\s*[:：]", re.IGNORECASE)
# Where an inline marker may start: after a sentence break, a colon or a semicolon (and an "and").
_INLINE_START = re.compile(r"(?:(?:[.!?;:]|[.!?][\"'”’])\s+|[。；：]\s*)(?:(?:and|or)\s+)?(?=\S)")  # full-width stops need no space
# Run-in points in lower case: "Wang said, first, ...; second, ...; and tenth, ...".
_LOWER_START = re.compile(r"(?:[;:]|\b(?:said|says|noted|stressed|added|stated)(?:,|\s+that))\s+(?:(?:and|or)\s+)?(?=[a-z])")
_COMMA_START = re.compile(r",\s+(?:(?:and|or)\s+)?(?=[a-z])")
_LOWER_BARE = re.compile(rf"(?:{_ORD}|{_CARD}),", re.IGNORECASE)


@dataclass(frozen=True)
class Marker:
    family: str
    ordinal: int | None  # None: a bullet, or "Finally"/"Last" (the next number of its run)
    start: int  # where the marker begins
    content: int  # where the point's words begin
    at_block_start: bool
    qa: bool = False  # a press conference's numbered question: never a point
    quoted: int = 0  # characters of opening quotation marks between `start` and a word marker
    mid_sentence: bool = False  # a bracketed marker inside a sentence, not after a break

    @property
    def quote_start(self) -> int:
        """Word markers are part of the sentence ("The first is to ...", "一是加强…"); numbers and bullets are layout.
        A word marker's point starts at the word, not at the quotation mark that opens a quoted speech ("First, ...)."""
        return self.start + self.quoted if self.family in ("word", "shi", "punkt") else self.content


def markers_find(layout: Layout) -> list[Marker]:
    """Every marker; the Chinese and Russian rules run on the blocks written in those scripts."""
    text, found = layout.text, []
    for block in layout.blocks:
        found.extend(_block_start_markers(text, block.start, block.end))
        found.extend(_inline_markers(text, block.start, block.end))
        for rules in _rules_for(text, block.start, block.end):
            found.extend(_script_markers(rules, text, block.start, block.end))
    unique = {(m.family, m.start, m.ordinal): m for m in found}
    return sorted(unique.values(), key=lambda m: (m.start, m.family))


def bullet_token(text: str, start: int) -> str:
    """The bullet a bulleted block opens with ("•", "-", "——"), or "" when it opens with none."""
    match = _BULLET.match(text, start)
    return match.group() if match else ""


def opens_sub_item(text: str, start: int, end: int, family: str) -> bool:
    """Does the block open with a list marker of another family than `family` (an item of a list inside a point)?"""
    return any(marker.family != family for marker in _block_start_markers(text, start, end))


def _rules_for(text: str, start: int, end: int) -> list:
    """The language rules a block needs: those of the scripts it is written in (an English page may quote Chinese)."""
    rules = []
    if chinese.HAN.search(text, start, end):
        rules.append(chinese)
    if russian.CYRILLIC.search(text, start, end):
        rules.append(russian)
    return rules


def _script_markers(rules, text: str, start: int, end: int) -> list[Marker]:
    """A language's markers at the block's start and after its inline breaks."""
    found = []
    inline = set(rules.inline_starts(text, start, end) + [m.end() for m in _INLINE_START.finditer(text, start, end)])
    # An ordinal inside a sentence ("美方首要堅持…", "Турчин третьим приоритетом назвал ..."): a run of them needs three.
    within = set(rules.in_sentence_starts(text, start, end)) - inline - {start}
    for at in [start, *sorted(inline | within)]:
        own = rules.markers_at(text, at, end, at_block_start=at == start)
        for family, ordinal, begin, content in own:
            if content < end or family == "punkt":  # "Пункт 1" alone on its line: the point's words follow
                found.append(Marker(family, ordinal, begin, content, at == start, _is_qa(text, content, end), mid_sentence=at in within))
        if not own and at != start and _INLINE_TYPO_CJK.match(text, at, end):  # "；（2）…", "。②…"
            found.extend(_typo_markers(text, _TYPO_MARKER.match(text, at, end), end, at_block_start=False))
    return found


def _block_start_markers(text: str, start: int, end: int) -> list[Marker]:
    word = _word_marker(text, start, end, at_block_start=True)
    if word:
        return [word]
    match = _TYPO_MARKER.match(text, _skip(text, start, end, chars="\"“'‘«"), end)  # "(i) ...": a list quoted whole
    if match:
        return _typo_markers(text, match, end, at_block_start=True)
    bullet = _BULLET.match(text, start, end)
    if bullet:
        content = _skip(text, bullet.end(), end)
        return [Marker("bullet", None, start, content, True, _is_qa(text, content, end))]
    return []


def _inline_markers(text: str, start: int, end: int) -> list[Marker]:
    """Word and bracketed markers after a sentence break, a colon or a semicolon inside the block."""
    found = [Marker("word", _bare_ordinal(m.group()), at, _skip(text, at + len(m.group()), end), False)
             for at in (s.end() for s in _LOWER_START.finditer(text, start, end))
             for m in [_LOWER_BARE.match(text, at, end)] if m]
    # "...: first, respect sovereignty, second, expand trade, and third, ...": once a run-in "first," has opened
    # a list, the next ordinals may follow a mere comma
    opened = min((m.start for m in found if m.ordinal == 1), default=None)
    if opened is not None:
        found.extend(Marker("word", _bare_ordinal(m.group()), m.start(), _skip(text, m.end(), end), False)
                     for at in (c.end() for c in _COMMA_START.finditer(text, opened, end))
                     for m in [_LOWER_BARE.match(text, at, end)] if m and _bare_ordinal(m.group()) > 1)
    for match in _INLINE_START.finditer(text, start, end):
        at = match.end()
        word = _word_marker(text, at, end, at_block_start=False)
        if word:
            found.append(word)
        elif _INLINE_TYPO.match(text, at, end):
            found.extend(_typo_markers(text, _TYPO_MARKER.match(text, at, end), end, at_block_start=False))
    after_break = {m.start for m in found}
    for match in _MID_SENTENCE_TYPO.finditer(text, start, end):
        if match.start() > start and match.start() not in after_break:
            markers = _typo_markers(text, _TYPO_MARKER.match(text, match.start(), end), end, at_block_start=False)
            found.extend(replace(m, mid_sentence=True) for m in markers)
    return found


def _bare_ordinal(word: str) -> int:
    """"second," -> 2, "two," -> 2."""
    word = word.lower().rstrip(",")
    return ORDINAL_WORDS.get(word) or CARDINAL_WORDS[word]


def _word_marker(text: str, at: int, end: int, *, at_block_start: bool) -> Marker | None:
    opening = _skip(text, at, end, chars="\"“'‘")
    match = _WORD_MARKER.match(text, opening, end)
    if not match or not (text[opening].isupper()):
        return None
    ordinal = _word_ordinal(match)
    content = _skip(text, match.end(), end)
    return Marker("word", ordinal, at, content, at_block_start, _is_qa(text, content, end), opening - at)


def _word_ordinal(match: re.Match) -> int | None:
    labelled = match.group("labelled") or match.group("numbered")
    if labelled:
        return _bare_ordinal(labelled) if not labelled.isdigit() else int(labelled)
    word = (match.group("adv") or match.group("bare") or match.group("the") or match.group("will") or match.group("card")
            or match.group("cardinal") or "").lower()
    word = word.removesuffix("ly") if word.endswith("ly") and word[:-2] in ORDINAL_WORDS else word
    if word.startswith("first"):
        return 1
    if word in ORDINAL_WORDS:
        return ORDINAL_WORDS[word]
    if word in CARDINAL_WORDS:
        return CARDINAL_WORDS[word]
    return None  # last, lastly, finally, last but not least; "the other" after a run


def _typo_markers(text: str, match: re.Match | None, end: int, *, at_block_start: bool) -> list[Marker]:
    if match is None:
        return []
    content = _skip(text, match.end(), end)
    if content >= end:
        return []
    qa = _is_qa(text, content, end)
    found = []
    for name, value in match.groupdict().items():
        if value is None:
            continue
        kind = {"proman": "roman", "nodigit": "digit"}.get(name, name.removeprefix("p"))
        for family, ordinal in _typo_ordinals(kind, value):
            found.append(Marker(family, ordinal, match.start(), content, at_block_start, qa))
    return found


def _typo_ordinals(kind: str, value: str) -> list[tuple[str, int]]:
    if kind == "digit":
        return [("digit", int(value))] if 0 < int(value) <= 50 else []
    if kind == "circled":
        code = ord(value)
        base = 0x2460 if code <= 0x2473 else 0x2474 if code <= 0x2487 else 0x2776
        return [("circled", code - base + 1)]
    if kind == "roman":
        options = [("roman", ROMAN[value])] if value in ROMAN else []
        return options + ([("alpha", ord(value) - 96)] if len(value) == 1 else [])
    if kind == "ROMAN":
        options = [("ROMAN", ROMAN[value.lower()])] if value.lower() in ROMAN else []
        return options + ([("ALPHA", ord(value) - 64)] if len(value) == 1 else [])
    if kind == "ALPHA":
        return [("ALPHA", ord(value) - 64)] + ([("ROMAN", ROMAN[value.lower()])] if value.lower() in ROMAN else [])
    return [("alpha", ord(value) - 96)] + ([("roman", ROMAN[value])] if value in ROMAN else [])


def _is_qa(text: str, content: int, end: int) -> bool:
    return bool(_QA.match(text, content, min(end, content + 20)))


def _skip(text: str, offset: int, limit: int, chars: str = " \t\u3000") -> int:
    while offset < limit and (text[offset] in chars or (chars == " \t\u3000" and text[offset].isspace())):
        offset += 1
    return offset
