"""Announced counts: "four areas", "a five-point proposal", "the 4 priorities", "two 'no's";
四点建议, 三个方面 (commitments.intake.extract.chinese); "по четырём направлениям" (.russian)."""

import re
from dataclasses import dataclass

from . import chinese, russian

NUMBER_WORDS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
}
# What a numbered set of commitments is called. Plural forms; "consensus" is both.
NOUNS = (
    "areas|points|proposals|suggestions|priorities|measures|steps|consensus|consensuses|principles|commitments|"
    "initiatives|aspects|respects|fields|pillars|tasks|goals|objectives|results|outcomes|agreements|actions|pledges|"
    "ideas|recommendations|directions|fronts|dimensions|elements|tracks|approaches|things|items|musts|proposition|"
    "propositions|deliverables|targets|guidelines|principles|opinions|requests|demands|expectations|hopes|insistences|"
    "understandings|commonalities|efforts|lines|sectors|components|parts|lists|conditions|mechanisms|perspectives|angles|"
    "missions|areas of cooperation|key areas"
)
SINGULAR_AFTER_POINT = (
    "paper|position|document|peace plan|proposal|plan|initiative|consensus|agenda|programme|program|strategy|vision|"
    "approach|roadmap|statement|declaration|"
    "framework"
)
# Words that may stand between the number and the noun ("eight major steps"); anything else breaks the phrase.
_GAP_STOP_WORDS = (
    "will would shall should are is was were have has had to or of in on with for by at that which who "
    "countries sides parties nations leaders ministers states years months days weeks"
)
_GAP_STOP = frozenset(_GAP_STOP_WORDS.split())
_NUMBER = r"(?P<num>" + "|".join(NUMBER_WORDS) + r"|\d{1,2})"
_PHRASE = re.compile(
    rf"\b{_NUMBER}(?:(?P<hyph>-\s*(?:point|pronged|part|item|fold|plank))\s+(?P<single>{SINGULAR_AFTER_POINT}|(?:{NOUNS}))"
    rf"|\s+[\"“'‘]?(?P<gap>(?:[A-Za-z-]+\s+){{0,3}}?)[\"“'‘]?(?P<noun>(?:{NOUNS})\b[\"”'’]?|[A-Za-z]+[\"”'’]s\b))",
    re.IGNORECASE,
)

# "four characteristics, namely A, B, C and D", "three features:" ending its paragraph above a list: any plural noun is a
# count when "namely" or a paragraph's last colon follows it at once; such a count is `loose` (a set only when exactly
# that many items follow, and not of names: "three municipalities: Tumaco, Cáceres, and Sardinata").
_LOOSE = re.compile(rf"\b{_NUMBER}\s+(?P<gap>(?:[A-Za-z-]+\s+){{0,2}}?)(?P<noun>[A-Za-z-]+s)\b", re.IGNORECASE)
_ANY_PLURAL = re.compile(r"[A-Za-z]s\b")
_ANNOUNCING = re.compile(r",?\s+namely\b|\s*[:：]\s*$", re.MULTILINE)
_NOT_LIST_WORDS = "times hours minutes seconds percent cents dollars euros yuan tons kilometres kilometers miles"
_NOT_LISTS = _GAP_STOP | frozenset(_NOT_LIST_WORDS.split())


@dataclass(frozen=True)
class Count:
    value: int
    start: int
    end: int
    loose: bool = False


def counts_in(text: str, start: int, end: int) -> list[Count]:
    """Every announced-count phrase between `start` and `end`."""
    found = []
    for match in _PHRASE.finditer(text, start, end):
        if match.group("gap") and any(word.lower() in _GAP_STOP for word in match.group("gap").split()):
            continue
        raw = match.group("num").lower()
        value = NUMBER_WORDS.get(raw) or int(raw)
        if value >= 2:
            found.append(Count(value, match.start(), match.end()))
    for rules, script in ((chinese, chinese.HAN), (russian, russian.CYRILLIC)):
        if script.search(text, start, end):
            found.extend(Count(*found_count) for found_count in rules.counts(text, start, end))
    found.extend(_loose_counts(text, start, end, found))
    return sorted(found, key=lambda c: c.start)


def _loose_counts(text: str, start: int, end: int, strict: list[Count]) -> list[Count]:
    if text.find("namely", start, end) < 0 and text.find(":", start, end) < 0 and text.find("：", start, end) < 0:
        return []  # most sentences: no need to run the pattern over them
    return [c for c in plural_counts(text, start, end, strict) if _ANNOUNCING.match(text, c.end, end)]


def plural_counts(text: str, start: int, end: int, strict: list[Count] = ()) -> list[Count]:
    """"five imperatives": a number before any plural noun (not hours, years, countries ...), as a loose count, for a
    list whose items are then counted to match ("These are A; B; C; D; and E.")."""
    found = []
    if not _ANY_PLURAL.search(text, start, end):
        return found  # no Latin plural at all (most Chinese and Russian sentences): no need to run the pattern
    for match in _LOOSE.finditer(text, start, end):
        words = [*match.group("gap").lower().split(), match.group("noun").lower()]
        raw = match.group("num").lower()
        value = NUMBER_WORDS.get(raw) or int(raw)
        if value >= 2 and not _NOT_LISTS.intersection(words) and not any(c.start < match.end() and match.start() < c.end for c in strict):
            found.append(Count(value, match.start(), match.end(), loose=True))
    return found


def count_in(text: str, start: int, end: int) -> Count | None:
    """The last count phrase in the span (the one nearest the list that follows)."""
    found = counts_in(text, start, end)
    return found[-1] if found else None


# "the following tasks: A, B and C": a set announced with no number, run in after a colon.
_FOLLOWING = re.compile(rf"\bthe\s+following\s+(?:[a-z-]+\s+)?(?:{NOUNS})(?=\s*:)", re.IGNORECASE)


def unnumbered_in(text: str, start: int, end: int) -> list[Count]:
    """"ряд задач", "以下几点", "the following tasks:": a set announced with no number; value 0 (the count is inferred
    from the items)."""
    found = [Count(0, m.start(), m.end()) for m in _FOLLOWING.finditer(text, start, end)] if text.find("following", start, end) >= 0 else []
    for rules, script in ((chinese, chinese.HAN), (russian, russian.CYRILLIC)):
        if script.search(text, start, end):
            found.extend(Count(0, m.start(), m.end()) for m in rules.UNNUMBERED.finditer(text, start, end))
    return found
