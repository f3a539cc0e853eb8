"""First guesses for the intake page's fields, read from the text: who announced a set, which party, when,
which parties it binds and which themes it touches. Every guess is shown in an editable field; none is saved
unless the analyst accepts the page.
"""

import re
from dataclasses import dataclass, field
from datetime import date

from commitments.models import Party, Theme

MONTHS = {m: n for n, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"], 1)}
_MONTH = "(" + "|".join(m.capitalize() for m in MONTHS) + ")"
_DATES = [
    (re.compile(r"\b(\d{1,2}) " + _MONTH + r",? (\d{4})\b"), lambda m: (m[3], m[2], m[1])),
    (re.compile(_MONTH + r" (\d{1,2}),? (\d{4})\b"), lambda m: (m[3], m[1], m[2])),
    (re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"), lambda m: (m[1], m[2], m[3])),
    (re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"), lambda m: (m[1], m[2], m[3])),
]
# How a text names a country when not by its name ("Chinese Foreign Minister ...", "the SCO").
ADJECTIVES = {
    "Chinese": "China", "Russian": "Russia", "Kazakh": "Kazakhstan", "Kazakhstani": "Kazakhstan", "Kyrgyz": "Kyrgyzstan",
    "Tajik": "Tajikistan", "Turkmen": "Turkmenistan", "Uzbek": "Uzbekistan", "Mongolian": "Mongolia", "Indian": "India",
    "Pakistani": "Pakistan", "Iranian": "Iran", "Belarusian": "Belarus", "Afghan": "Afghanistan", "SCO": "Shanghai Cooperation Organization",
}
OFFICES = (r"(?:Vice |Deputy )?(?:President|Premier|Prime Minister|Chancellor|Secretary-General|Spokesperson|"
           r"State Councilor and Foreign Minister|State Councilor|Foreign Minister|Minister of Foreign Affairs)")
_NAME = r"([A-Z][a-z'’-]+(?: [A-Z][a-z'’-]+){0,2})"
LEAD = 1500  # the opening of a text, where a readout names who spoke and when


@dataclass
class Guess:
    announced_by: str = ""
    announcing_party: Party | None = None
    announced_on: date | None = None
    parties: list[Party] = field(default_factory=list)
    themes: list[Theme] = field(default_factory=list)


def date_in(text: str) -> date | None:
    """The first full date written in the text (16 July 2020, July 16, 2020, 2020-07-16, 2020年7月16日)."""
    found = []
    for pattern, parts in _DATES:
        for match in pattern.finditer(text):
            year, month, day = parts(match)
            month = MONTHS.get(month.lower()) if month.isalpha() else int(month)
            try:
                found.append((match.start(), date(int(year), month, int(day))))
            except (TypeError, ValueError):
                continue
    return min(found)[1] if found else None


def parties_named(text: str, parties: list[Party]) -> list[Party]:
    """The parties the text names (or names by adjective: "Chinese"), in the order it first names them."""
    by_name = {p.name: p for p in parties}
    spelled = {p.name: p for p in parties} | {word: by_name[name] for word, name in ADJECTIVES.items() if name in by_name}
    positions: dict[int, int] = {}
    for word, party in spelled.items():
        match = re.search(r"(?<![\w+])" + re.escape(word) + r"(?![\w+])", text)
        if match and (party.pk not in positions or match.start() < positions[party.pk]):
            positions[party.pk] = match.start()
    return sorted((p for p in parties if p.pk in positions), key=lambda p: positions[p.pk])


def speaker_in(text: str, parties: list[Party]) -> tuple[str, Party | None]:
    """Who speaks first in the text, as "Wang Yi, State Councilor and Foreign Minister of China", and their party."""
    by_name = {p.name: p for p in parties}
    countries = "|".join(re.escape(w) for w in sorted({*by_name, *ADJECTIVES}, key=len, reverse=True))
    pattern = re.compile(rf"(?:({countries})(?:’s|'s)? )?({OFFICES}) {_NAME}")
    match = pattern.search(text[:LEAD])
    if not match:
        return "", None
    country, office, name = match[1], match[2], match[3]
    party = by_name.get(ADJECTIVES.get(country, country)) if country else None
    return f"{name}, {office}" + (f" of {party.name}" if party else ""), party


def themes_touched(text: str, themes: list[Theme]) -> list[Theme]:
    """Themes whose name's words (their first six letters: "econom" finds economy and economic) the text uses."""
    lowered = text.lower()
    touched = []
    for theme in themes:
        stems = [w[:6] for w in re.findall(r"[a-z]{4,}", theme.name.lower()) if w != "and"]
        if any(re.search(r"\b" + re.escape(stem), lowered) for stem in stems):
            touched.append(theme)
    return touched


def guess(*, text: str, announcement: str, points: list[str], parties: list[Party], themes: list[Theme],
          page_date: date | None = None) -> Guess:
    """What the intake page fills in for one set: speaker, their party, date, bound parties, themes."""
    announced_by, speaker_party = speaker_in(text, parties)
    named = parties_named(text[:LEAD], parties)
    bound = parties_named(announcement, parties) or named
    return Guess(
        announced_by=announced_by, announcing_party=speaker_party or (named[0] if named else None),
        announced_on=page_date or date_in(text[:LEAD]), parties=bound,
        themes=themes_touched(" ".join([announcement, *points]), themes),
    )


def title_in(text: str) -> str:
    """A pasted text's headline: its first line, when it is short enough to be one."""
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return first if len(first) <= 200 and not first.endswith((".", ":", ";")) else ""
