"""The watch matching corpus: real texts under tests/data/watch/, each with the seed points it concerns.

Scoring runs the real matcher against the loaded seed. A match on a deliverable counts for its
point; claims are left out of the figures (the answers name points).
"""

from dataclasses import dataclass, field
from pathlib import Path

from commitments.intake.language import detect_language
from commitments.models import Commitment
from commitments.watch.matching import Matcher, targets_load

CORPUS = Path(__file__).parent / "data" / "watch"
HEADER_END = "# ---\n"


@dataclass(frozen=True)
class WatchText:
    name: str
    url: str
    concerns: frozenset[str]  # "statement-slug/ordinal"; empty when unrelated
    text: str


def corpus_load() -> list[WatchText]:
    texts = []
    for path in sorted(CORPUS.glob("*.txt")):
        header, text = path.read_text(encoding="utf-8").split(HEADER_END, 1)
        fields = dict(line[2:].split(":", 1) for line in header.splitlines() if line.startswith("# ") and ":" in line)
        concerns = fields["concerns"].strip()
        points = frozenset() if concerns == "none" else frozenset(p.strip() for p in concerns.split(","))
        texts.append(WatchText(path.stem, fields["source"].strip(), points, text))
    return texts


@dataclass
class MatchScore:
    threshold: float
    related: int = 0
    related_found: int = 0  # related texts with at least one right proposal
    unrelated: int = 0
    unrelated_flagged: int = 0  # unrelated texts with any proposal
    proposed: int = 0
    proposed_right: int = 0
    top_right: int = 0
    texts_with_proposal: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.proposed_right / self.proposed if self.proposed else 1.0

    @property
    def top_precision(self) -> float:
        return self.top_right / self.texts_with_proposal if self.texts_with_proposal else 1.0

    @property
    def recall(self) -> float:
        return self.related_found / self.related if self.related else 1.0

    def line(self) -> str:
        return (f"threshold {self.threshold:.2f}: precision {self.precision:.2f} ({self.proposed_right}/{self.proposed} proposals), "
                f"top-1 precision {self.top_precision:.2f} ({self.top_right}/{self.texts_with_proposal}), "
                f"recall {self.recall:.2f} ({self.related_found}/{self.related} related texts), "
                f"unrelated texts with a proposal {self.unrelated_flagged}/{self.unrelated}")


def point_keys() -> dict[int, str]:
    """commitment id -> "statement-slug/ordinal" of its point (a deliverable maps to its point)."""
    rows = Commitment.objects.values_list("id", "statement__slug", "ordinal", "parent__ordinal")
    return {pk: f"{slug}/{parent if parent is not None else ordinal}" for pk, slug, ordinal, parent in rows}


def corpus_score(threshold: float) -> MatchScore:
    matcher, keys, score = Matcher(targets_load(), threshold=threshold), point_keys(), MatchScore(threshold)
    for item in corpus_load():
        proposed = []
        for match in matcher.matches(item.text, language=detect_language(item.text)):
            if "commitment" in match and keys[match["commitment"]] not in proposed:
                proposed.append(keys[match["commitment"]])
        right = [p for p in proposed if p in item.concerns]
        score.proposed += len(proposed)
        score.proposed_right += len(right)
        score.texts_with_proposal += bool(proposed)
        score.top_right += bool(proposed) and proposed[0] in item.concerns
        if item.concerns:
            score.related += 1
            score.related_found += bool(right)
            if not right:
                score.misses.append(f"{item.name}: nothing right proposed ({proposed[:3]})")
        else:
            score.unrelated += 1
            score.unrelated_flagged += bool(proposed)
            if proposed:
                score.misses.append(f"{item.name}: unrelated, yet {proposed[:3]} proposed")
        wrong = [p for p in proposed if p not in item.concerns and item.concerns]
        if wrong:
            score.misses.append(f"{item.name}: also proposed {wrong[:3]}")
    return score
