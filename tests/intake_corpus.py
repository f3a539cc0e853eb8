"""The intake corpus: real public texts under tests/data/intake/, each with a hand-written expected answer.

A text file starts with `# source: URL` (and notes) and a `# ---` line; its sibling .json gives the
text's `language` ("en", "zh", "ru"), whether it is `heldout` (kept aside while rules are written:
tune on the rest, report these apart), its held-out `batch` (1 unless it says 2 to 8: each batch was added
after the ones before it had been measured and opened for tuning) and the expected sets: announced count (null when the text
states none), complete, and each point as [how its quote starts, how it ends].

Batches 3 (en 60-68, ru-50..57, zh-60..63), 4 (en 80-87, ru-70..78, zh-70..75), 5 (en 90-99, ru-80..89,
zh-80..89), 6 (en 100-107, ru-90..97, zh-90..97) and 7 (en 110-117, ru-100..107, zh-100..107) were each measured
once by the lead and are now opened for tuning like batches 1 and 2. The next batch, 8 (`"batch": 8`; en 120
and up, ru-110 and up, zh-110 and up; none collected yet), is to be added unseen: its answers written by hand
before anything runs the extractor on it, and nobody tuning the rules seeing what the extractor makes of it.
Until measured, nothing but `bench/extract_corpus.py --unseen` (run once, by the lead) runs the extractor on it;
`corpus_load()` leaves the batches in UNSEEN_BATCHES out unless it is told otherwise.

How a point is quoted: from its marker when the marker is a word ("First,", "第一,", "一是",
"首先", "Во-первых,", "Первое –") and from after it when it is a sign ("1.", "(2)", "（一）", "①",
"•", "-", "——"); up to the end of its last sentence (or the end of the text when the text stops
inside it). Scoring forgives a leading sign marker and trailing punctuation on either side, so a
rule that keeps "1．" or drops "。" still counts as finding the point.
"""

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from commitments.intake.extract import Extraction, extract

CORPUS = Path(__file__).parent / "data" / "intake"
HEADER_END = "# ---\n"


LANGUAGES = ("en", "zh", "ru")


@dataclass(frozen=True)
class CorpusText:
    name: str
    url: str
    text: str
    expected: list[dict]
    language: str = "en"
    heldout: bool = False
    batch: int = 1


# The held-out batches nobody tuning has seen: measured once, at the end, then opened (removed from here).
UNSEEN_BATCHES = frozenset({8})


def corpus_load(language: str | None = None, heldout: bool | None = None, batch: int | None = None, *,
                unseen: bool = False) -> list[CorpusText]:
    """The corpus texts, or those of one language and/or one side of the held-out split (and one held-out batch).

    Without `unseen`, never a text of the UNSEEN_BATCHES: what every test and benchmark that runs the
    extractor reads. Only a check of the files themselves (which extracts nothing) and the lead's one
    measurement (`corpus_score` asked for an unseen batch by its number) pass it.
    """
    texts = []
    for path in sorted(CORPUS.glob("*.txt")):
        raw = path.read_text(encoding="utf-8")
        header, text = raw.split(HEADER_END, 1)
        url = next(line.split(":", 1)[1].strip() for line in header.splitlines() if line.startswith("# source:"))
        answer = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        item = CorpusText(path.stem, url, text, answer["sets"], answer["language"], answer.get("heldout", False), answer.get("batch", 1))
        if item.heldout and item.batch in UNSEEN_BATCHES and not unseen:
            continue
        if ((language is None or item.language == language) and (heldout is None or item.heldout == heldout)
                and (batch is None or item.batch == batch)):
            texts.append(item)
    return texts


@dataclass
class Score:
    texts: int = 0
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
    def extra_per_10_texts(self) -> float:
        return 10 * self.extra_sets / self.texts if self.texts else 0.0

    @property
    def count_accuracy(self) -> float:
        """Announced counts right among the sets found (null when the text states none)."""
        return self.counts_right / self.sets_found if self.sets_found else 1.0

    @property
    def verbatim_rate(self) -> float:
        return self.verbatim / self.quotes if self.quotes else 1.0

    def line(self) -> str:
        return (f"set recall {self.set_recall:.3f} ({self.sets_found}/{self.sets_expected}), "
                f"point recall {self.point_recall:.3f} ({self.points_found}/{self.points_expected}), "
                f"extra sets {self.extra_sets}, announced counts right {self.counts_right}/{self.sets_expected}, "
                f"complete flags right {self.complete_right}/{self.sets_expected}, verbatim {self.verbatim_rate:.3f} ({self.verbatim}/{self.quotes})")


_NUMERAL = r"(?:\d{1,3}|[一二三四五六七八九十]{1,3})"
SIGN_MARKER = re.compile(rf"^\s*[“\"‘']?\s*(?:[(（]?(?:{_NUMERAL}|[a-zа-я]|[ivx]{{1,4}})[)）.．、]|[(（]{_NUMERAL}[)）]|[①-⑳]|[-–—•·*]+)\s*",
                         re.IGNORECASE)
TRAILING = " \t\r\n.,;:。，；：、!?！？\"”’」』»"


def _bare(quote: str) -> str:
    return SIGN_MARKER.sub("", quote, count=1).rstrip(TRAILING)


def _matches(point: list[str], quote: str) -> bool:
    start, end = point
    return _bare(quote).startswith(_bare(start)) and quote.rstrip(TRAILING).endswith(end.rstrip(TRAILING))


def score_text(item: CorpusText, found: Extraction, score: Score) -> None:
    data = found.as_json()
    score.texts += 1
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


def score_items(items: list[CorpusText]) -> Score:
    score = Score()
    for item in items:
        score_text(item, extract(item.text), score)
    return score


def corpus_score(language: str | None = None, heldout: bool | None = None, batch: int | None = None) -> Score:
    """The extractor's score on those texts; an unseen batch only when it is asked for by its number."""
    return score_items(corpus_load(language, heldout, batch, unseen=batch in UNSEEN_BATCHES))
