"""Which tracked commitments and claims a document concerns, with a score and the passage that matched.

Offline and explainable. Every rendering of every point, deliverable and claim (in the
document's language) is a bag of weighted terms: words cut to a stem for alphabetic scripts,
character bigrams for Chinese. A term's weight is its inverse document frequency over all the
renderings, so what every readout says ("China", "cooperation", "strengthen") counts for little
and what one point says ("vaccine", "fast lanes", "2020-2021") counts for much. A passage (two
sentences) scores the share of the weight of a rendering's KEY_TERMS most distinctive terms it
contains, halved when the document names none of the parties the point's statement binds (a
vaccine readout about Russia is not an SCO proposal's follow-up); a target's score is its best
passage's. Only targets above the threshold that share at least two distinctive terms are proposed.
The figures on real texts: bench/watch_matching.py.
"""

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings

from commitments.models import Rendering, Statement

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_SENTENCE_END = re.compile(r"(?<=[.!?。！？；;])\s*|\n+")
STEM = 6  # an alphabetic word counts by its first letters: vaccine/vaccines, вакцина/вакцины
MIN_WORD = 3
PASSAGE_SENTENCES = 2
MIN_DISTINCTIVE = 2
KEY_TERMS = 15
PARTIES_ENOUGH = 1


@dataclass(frozen=True)
class Target:
    kind: str  # "commitment" or "claim"
    id: int
    language: str
    terms: frozenset[str]
    parties: tuple[frozenset[str], ...] = ()  # the terms of each party its statement binds (name and slug)


@dataclass(frozen=True)
class Match:
    kind: str
    id: int
    score: float
    passage: str

    def as_json(self) -> dict:
        return {self.kind: self.id, "score": self.score, "passage": self.passage}


def terms_of(text: str) -> set[str]:
    """The terms of a text: stems of words, bigrams of Chinese runs, numbers whole."""
    terms = set()
    for run in _CJK.findall(text):
        terms.update(run[i:i + 2] for i in range(max(1, len(run) - 1)))
    for word in _WORD.findall(_CJK.sub(" ", text).lower()):
        if word.isdigit() or len(word) >= MIN_WORD:
            terms.add(word if word.isdigit() else word[:STEM])
    return terms


def targets_load() -> list[Target]:
    """Every rendering of every tracked point, deliverable and claim, as terms, with its statement's parties."""
    parties: dict[int, list[frozenset[str]]] = {}
    for statement_id, name, slug in Statement.parties.through.objects.values_list("statement_id", "party__name", "party__slug"):
        parties.setdefault(statement_id, []).append(frozenset(terms_of(name) | terms_of(slug.replace("-", " "))))
    rows = Rendering.objects.values_list(
        "commitment_id", "claim_id", "language", "text", "commitment__statement_id", "claim__statement_id",
    )
    return [
        Target("commitment" if commitment_id else "claim", commitment_id or claim_id, language_base(language), frozenset(terms_of(text)),
               tuple(parties.get(point_statement or claim_statement, ())))
        for commitment_id, claim_id, language, text, point_statement, claim_statement in rows
    ]


def language_base(tag: str) -> str:
    """"zh" of "zh-Hans", "en" of "EN-gb": renderings carry BCP 47 tags, documents ISO 639-1 codes."""
    return (tag or "").split("-")[0].lower()


class Matcher:
    """Built once per batch of documents: the targets and their term weights."""

    def __init__(self, targets: Iterable[Target], *, threshold: float | None = None) -> None:
        self.targets = [t for t in targets if t.terms]
        self.threshold = settings.TRACKER_WATCH_MATCH_THRESHOLD if threshold is None else threshold
        frequency = Counter(term for target in self.targets for term in target.terms)
        total = max(1, len(self.targets))
        self.weight = {term: math.log((1 + total) / (1 + n)) + 1.0 for term, n in frequency.items()}
        self.distinctive = math.log((1 + total) / (1 + max(2, total // 20))) + 1.0  # rarer than 1 target in 20

    def matches(self, text: str, *, language: str = "") -> list[dict]:
        """The targets this text concerns, best first, as the inbox's JSON."""
        passages = [(p, terms_of(p)) for p in passages_of(text)]
        everywhere = terms_of(text)
        best: dict[tuple[str, int], Match] = {}
        for target in self._in_language(language):
            context = self._context(target, everywhere)
            wanted = self._key_terms(target.terms)
            for passage, terms in passages:
                score = self._score(wanted, terms) * context
                key = (target.kind, target.id)
                if score >= self.threshold and (key not in best or score > best[key].score):
                    best[key] = Match(target.kind, target.id, round(score, 3), passage)
        return [m.as_json() for m in sorted(best.values(), key=lambda m: (-m.score, m.kind, m.id))]

    def _in_language(self, language: str) -> list[Target]:
        language = language_base(language)
        if language in ("", "und"):
            return self.targets
        return [t for t in self.targets if t.language == language]

    def _key_terms(self, terms: frozenset[str]) -> frozenset[str]:
        """A long rendering (a whole point with its details) counts by its KEY_TERMS most distinctive terms."""
        return frozenset(sorted(terms, key=lambda t: (-self.weight[t], t))[:KEY_TERMS])

    @staticmethod
    def _context(target: Target, everywhere: set[str]) -> float:
        """From 0.5 to 1: 1 when the document names a party the statement binds (a China-Russia point wants China or Russia named)."""
        if not target.parties:
            return 1.0
        named = sum(1 for party in target.parties if party & everywhere and (len(party) == 1 or len(party & everywhere) >= 2))
        return 0.5 + 0.5 * min(1.0, named / min(PARTIES_ENOUGH, len(target.parties)))

    def _score(self, wanted: frozenset[str], found: set[str]) -> float:
        shared = wanted & found
        if sum(1 for term in shared if self.weight[term] >= self.distinctive) < MIN_DISTINCTIVE:
            return 0.0
        return sum(self.weight[t] for t in shared) / sum(self.weight[t] for t in wanted)


def passages_of(text: str) -> list[str]:
    """Windows of two consecutive sentences (a point is often one sentence, its detail the next)."""
    sentences = [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]
    if len(sentences) <= PASSAGE_SENTENCES:
        return [" ".join(sentences)] if sentences else []
    return [" ".join(sentences[i:i + PASSAGE_SENTENCES]) for i in range(len(sentences) - PASSAGE_SENTENCES + 1)]
