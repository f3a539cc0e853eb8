"""The intake corpus: real public texts under tests/data/intake/, each with a hand-written expected answer.

A text file starts with `# source: URL` (and notes) and a `# ---` line; its sibling .json lists the
expected sets: announced count (null when the text states none), complete, and each point as
[how its quote starts, how it ends].
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from commitments.intake.extract import Extraction, extract

CORPUS = Path(__file__).parent / "data" / "intake"
HEADER_END = "# ---\n"


@dataclass(frozen=True)
class CorpusText:
    name: str
    url: str
    text: str
    expected: list[dict]


def corpus_load() -> list[CorpusText]:
    texts = []
    for path in sorted(CORPUS.glob("*.txt")):
        raw = path.read_text(encoding="utf-8")
        header, text = raw.split(HEADER_END, 1)
        url = next(line.split(":", 1)[1].strip() for line in header.splitlines() if line.startswith("# source:"))
        expected = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))["sets"]
        texts.append(CorpusText(path.stem, url, text, expected))
    return texts


@dataclass
class Score:
    sets_expected: int = 0
    sets_found: int = 0
    points_expected: int = 0
    points_found: int = 0
    extra_sets: int = 0
    counts_right: int = 0
    complete_right: int = 0
    quotes: int = 0
    verbatim: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def set_recall(self) -> float:
        return self.sets_found / self.sets_expected if self.sets_expected else 1.0

    @property
    def point_recall(self) -> float:
        return self.points_found / self.points_expected if self.points_expected else 1.0

    @property
    def verbatim_rate(self) -> float:
        return self.verbatim / self.quotes if self.quotes else 1.0

    def line(self) -> str:
        return (f"set recall {self.set_recall:.3f} ({self.sets_found}/{self.sets_expected}), "
                f"point recall {self.point_recall:.3f} ({self.points_found}/{self.points_expected}), "
                f"extra sets {self.extra_sets}, announced counts right {self.counts_right}/{self.sets_expected}, "
                f"complete flags right {self.complete_right}/{self.sets_expected}, verbatim {self.verbatim_rate:.3f} ({self.verbatim}/{self.quotes})")


def _matches(point: list[str], quote: str) -> bool:
    start, end = point
    return quote.startswith(start) and quote.endswith(end)


def score_text(item: CorpusText, found: Extraction, score: Score) -> None:
    data = found.as_json()
    unmatched = list(data["sets"])
    for s in data["sets"]:
        for p in s["points"]:
            score.quotes += 1
            score.verbatim += p["quote"] == found.text[p["start"]:p["end"]]
    for expected in item.expected:
        score.sets_expected += 1
        score.points_expected += len(expected["points"])
        match = next((s for s in unmatched if s["points"] and _matches(expected["points"][0], s["points"][0]["quote"])), None)
        if match is None:
            score.misses.append(f"{item.name}: set starting {expected['points'][0][0]!r} not found")
            continue
        unmatched.remove(match)
        score.sets_found += 1
        score.counts_right += match["announced_count"] == expected["announced_count"]
        score.complete_right += match["complete"] == expected["complete"]
        for want, got in zip(expected["points"], match["points"], strict=False):
            if _matches(want, got["quote"]):
                score.points_found += 1
            else:
                score.misses.append(f"{item.name}: point {got['ordinal']} is {got['quote'][:50]!r}...{got['quote'][-50:]!r}, wanted {want}")
    score.extra_sets += len(unmatched)
    score.misses.extend(f"{item.name}: extra set {s['announcement'][:60]!r}" for s in unmatched)


def corpus_score() -> Score:
    score = Score()
    for item in corpus_load():
        score_text(item, extract(item.text), score)
    return score
