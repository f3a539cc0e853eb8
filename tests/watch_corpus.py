"""The watch corpus (tests/data/watch/, issue 18): real later texts on the seed commitments and unrelated texts,
each with hand-marked matches; the format is in tests/data/watch/README.md."""

import json
from dataclasses import dataclass
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
