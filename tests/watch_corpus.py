"""The watch corpus (tests/data/watch/, issue 18): real later texts on the seed commitments and unrelated texts,
each with hand-marked matches; the format is in tests/data/watch/README.md."""

import json
from dataclasses import dataclass, field
from pathlib import Path

CORPUS = Path(__file__).parent / "data" / "watch"
HEADER_END = "# ---\n"


@dataclass(frozen=True)
class WatchText:
    name: str
    url: str
    text: str
    language: str
    published_on: str | None
    related: bool
    matches: list[dict]
    also_acceptable: list[dict]


def watch_load() -> list[WatchText]:
    texts = []
    for path in sorted(CORPUS.glob("*.txt")):
        header, text = path.read_text(encoding="utf-8").split(HEADER_END, 1)
        url = next(line.split(":", 1)[1].strip() for line in header.splitlines() if line.startswith("# source:"))
        answer = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        texts.append(WatchText(path.stem, url, text, answer["language"], answer["published_on"], answer["related"],
                               answer["matches"], answer["also_acceptable"]))
    return texts


@dataclass
class MatchScore:
    """Proposals scored against the answers: a `matches` commitment proposed is found, an `also_acceptable`
    one is neither found nor false, anything else is false. A deliverable proposed counts for its point."""

    threshold: float
    related: int = 0
    related_found: int = 0  # related texts with at least one of their matches proposed
    expected: int = 0
    found: int = 0  # matches proposed
    false: int = 0  # proposals neither in matches nor acceptable
    unrelated: int = 0
    unrelated_flagged: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.found / (self.found + self.false) if self.found + self.false else 1.0

    @property
    def recall(self) -> float:
        """Related texts for which staff are shown at least one right point."""
        return self.related_found / self.related if self.related else 1.0

    @property
    def match_recall(self) -> float:
        return self.found / self.expected if self.expected else 1.0

    def line(self) -> str:
        return (f"threshold {self.threshold:.2f}: precision {self.precision:.2f} ({self.found} right, {self.false} false), "
                f"recall {self.recall:.2f} ({self.related_found}/{self.related} related texts get a right point; "
                f"{self.found}/{self.expected} marked points found), unrelated texts with a proposal {self.unrelated_flagged}/{self.unrelated}")


def _proposed_points(matches: list[dict], parents: dict[int, int | None]) -> list[int]:
    """Commitment ids proposed, best first, deliverables raised to their point, claims left out."""
    points: list[int] = []
    for match in matches:
        if "commitment" in match:
            point = parents.get(match["commitment"]) or match["commitment"]
            if point not in points:
                points.append(point)
    return points


def corpus_score(threshold: float, *, texts: list[WatchText] | None = None) -> MatchScore:
    from commitments.intake.language import detect_language
    from commitments.models import Commitment
    from commitments.watch.matching import Matcher, targets_load

    parents = dict(Commitment.objects.values_list("id", "parent_id"))
    matcher, score = Matcher(targets_load(), threshold=threshold), MatchScore(threshold)
    for item in texts if texts is not None else watch_load():
        proposed = set(_proposed_points(matcher.matches(item.text, language=detect_language(item.text)), parents))
        wanted = {parents.get(m["commitment"]) or m["commitment"] for m in item.matches}
        acceptable = {parents.get(m["commitment"]) or m["commitment"] for m in item.also_acceptable} | {
            m["commitment"] for m in item.also_acceptable}
        found, false = proposed & wanted, proposed - wanted - acceptable
        score.found, score.false, score.expected = score.found + len(found), score.false + len(false), score.expected + len(wanted)
        if item.related:
            score.related += 1
            score.related_found += bool(found)
            if not found:
                score.misses.append(f"{item.name}: none of {sorted(wanted)} proposed")
        else:
            score.unrelated += 1
            score.unrelated_flagged += bool(proposed)
        if false:
            score.misses.append(f"{item.name}: false {sorted(false)}")
    return score
