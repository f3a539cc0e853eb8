"""Candidate deliverables under a point: the concrete actions its later sentences list.

"China will provide a new batch of assistance, train medical experts, establish additional
centers, and develop vaccine cooperation." gives four: a clause begins at a comma, "and" or a
semicolon followed by a verb (possibly after an adverb).
"""

import re

from .layout import Layout, Span

VERBS = (
    "accelerate|achieve|adhere|advance|advocate|bridge|build|carry|combat|consolidate|continue|coordinate|crack|create|deepen|"
    "defend|develop|encourage|enhance|ensure|establish|expand|explore|facilitate|foster|guard|hold|implement|improve|increase|"
    "intensify|join|launch|maintain|make|oppose|promote|protect|provide|pursue|reject|resist|resume|safeguard|serve|set|share|"
    "solve|speed|step|strengthen|support|take|train|unleash|uphold|upgrade|welcome|work|open|expand|persuade|respect|jointly"
)
_ADVERBS = r"(?:(?:[a-z]+ly|together|also|further)\s+(?:and\s+)?)*"
_CLAUSE_BREAK = re.compile(rf"(?:,\s+(?:and\s+)?|;\s+(?:and\s+)?|\s+and\s+)(?={_ADVERBS}(?:{VERBS})\b)")
_MODAL = re.compile(
    r"\b(?:will|shall|should|must|(?:is|are)\s+(?:also\s+)?(?:willing|ready)|agreed|decided|plans? to|pledged?|committed|announced)\b",
    re.IGNORECASE,
)
# An order to act, possibly after a short opening phrase: "As soon as possible, establish ...".
_IMPERATIVE = re.compile(rf"(?:[^,.]{{0,30}},\s+)?{_ADVERBS}(?:{VERBS})\b", re.IGNORECASE)
_TRAILING = " \t\n.,;:"


def deliverables_find(layout: Layout, point: Span) -> list[Span]:
    """Clauses of the point's action sentences; the first (headline) sentence gives only its later clauses."""
    first = layout.sentence_index(point.start)
    headline = layout.sentences[first]
    found = _clauses(layout.text, point.start, min(headline.end, point.end))[1:]
    for position in range(first + 1, len(layout.sentences)):  # no copy of the rest of the list per point
        sentence = layout.sentences[position]
        if sentence.start >= point.end:
            break
        end = min(sentence.end, point.end)
        if _MODAL.search(layout.text, sentence.start, end) or _IMPERATIVE.match(layout.text, sentence.start, end):
            found.extend(_clauses(layout.text, sentence.start, end))
    return found


def _clauses(text: str, start: int, end: int) -> list[Span]:
    spans, cursor = [], start
    for boundary in _CLAUSE_BREAK.finditer(text, start, end):
        spans.append(_trim(text, cursor, boundary.start()))
        cursor = boundary.end()
    spans.append(_trim(text, cursor, end))
    return [s for s in spans if s.end - s.start >= 12]


def _trim(text: str, start: int, end: int) -> Span:
    while end > start and text[end - 1] in _TRAILING:
        end -= 1
    return Span(start, end)
