"""Extractor speed: 100 KB of official text through the rule-based extractor.

Builds ~100 KB from the five seed texts (fixtures/sources.json) and the intake corpus, runs
the extractor N times and prints the median and worst time. The target is < 200 ms.

    .venv/bin/python bench/intake.py [--runs 21] [--kb 100] [--language zh|ru|en] [--smoke]

--language zh (or ru) builds the text from the corpus's texts in that language (detected) and the
Chinese/Russian shapes of tests/test_intake_languages.py, so the Chinese rules are what is timed.
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from commitments.intake.extract import extract  # noqa: E402
from commitments.intake.language import detect_language  # noqa: E402
from tests.intake_corpus import corpus_load  # noqa: E402


def corpus_text(kb: int, language: str = "") -> str:
    texts = [o["fields"]["full_text"] for o in json.loads((ROOT / "fixtures" / "sources.json").read_text())]
    texts += [item.text for item in corpus_load()]  # never an unseen held-out batch (tests/intake_corpus.py)
    if language:
        from tests.test_intake_languages import SHAPES

        texts += [shape.values[0] for shape in SHAPES]
        texts = [t for t in texts if detect_language(t) == language]
    text, target = "", kb * 1024
    while len(text.encode()) < target:
        text += "\n\n".join(texts) + "\n\n"
    return text[:target]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--kb", type=int, default=100)
    parser.add_argument("--language", default="", help="zh, ru or en: only texts in that language")
    parser.add_argument("--smoke", action="store_true", help="tiny data, two runs: every step runs (the suite does this)")
    args = parser.parse_args()
    if args.smoke:
        args.runs, args.kb = 2, 10
    text = corpus_text(args.kb, args.language)
    detect_language(text)  # the detector loads its models once per process, not per text
    timings, result = [], None
    for _ in range(args.runs):
        started = time.perf_counter()
        result = extract(text)
        timings.append((time.perf_counter() - started) * 1000)
    points = sum(len(s.points) for s in result.sets)
    print(f"text: {len(text.encode()) / 1024:.0f} KB ({result.language}), {len(result.sets)} sets, {points} points, {len(result.claims)} claims")
    print(f"extract: median {statistics.median(timings):.1f} ms, worst {max(timings):.1f} ms over {args.runs} runs (target < 200 ms)")


if __name__ == "__main__":
    main()
