"""The intake extractor: the seed sets, the real-text corpus, and every marker style."""

import hashlib
import json
import random
import string
from collections import defaultdict
from pathlib import Path

import pytest

from commitments.intake.extract import extract
from tests.intake_corpus import LANGUAGES, UNSEEN_BATCHES, corpus_load, corpus_score, score_items

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
FOUND_DELIVERABLES, TOTAL_DELIVERABLES = 56, 62  # pinned: candidates overlapping >= half of a recorded deliverable


def _rows(model: str) -> dict[int, dict]:
    rows = json.loads((FIXTURES / ("sources.json" if model == "source" else "statements.json")).read_text())
    return {o["pk"]: o["fields"] for o in rows if o["model"] == f"commitments.{model}"}


def _renderings() -> list[dict]:
    rows = json.loads((FIXTURES / "statements.json").read_text())
    return [o["fields"] for o in rows if o["model"] == "commitments.rendering"]


STATEMENTS = _rows("statement")
# The seven numbered sets (the other seed statements list items the source does not number).
NUMBERED = sorted(pk for pk, s in STATEMENTS.items() if s["count_kind"] in ("announced", "inferred"))


def _rendered_sets(statement_pk: int) -> dict[int, list[set[str]]]:
    """For each source quoting every point of the statement: the accepted wordings of point 1, 2, ..."""
    points = {pk: c for pk, c in _rows("commitment").items() if c["statement"] == statement_pk and c["parent"] is None}
    by_source: dict[int, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
    for rendering in _renderings():
        if rendering.get("commitment") in points:
            by_source[rendering["source"]][points[rendering["commitment"]]["ordinal"]].add(rendering["text"])
    n = len(points)
    return {source: [w[i] for i in range(1, n + 1)] for source, w in by_source.items() if set(w) == set(range(1, n + 1))}


def _recovered(statement_pk: int) -> list[tuple[int, dict, str]]:
    """(source, found set, text) for each source where the extractor finds the set with every point as rendered."""
    sources, found = _rows("source"), []
    for source, wordings in _rendered_sets(statement_pk).items():
        text = sources[source]["full_text"]
        for candidate in extract(text).as_json()["sets"]:
            quotes = [p["quote"] for p in candidate["points"]]
            if len(quotes) == len(wordings) and all(q in w for q, w in zip(quotes, wordings, strict=True)):
                found.append((source, candidate, text))
    return found


def test_the_seed_holds_seven_numbered_sets():
    assert len(NUMBERED) == 7


@pytest.mark.parametrize("statement_pk", NUMBERED)
def test_it_recovers_every_seed_set_with_every_point_verbatim(statement_pk):
    statement = STATEMENTS[statement_pk]
    recovered = _recovered(statement_pk)
    assert recovered, f"{statement['slug']} not recovered in any of its sources"
    for _source, found, text in recovered:
        assert all(p["quote"] == text[p["start"]:p["end"]] for p in found["points"])
        assert found["count_inferred"] == (statement["count_kind"] == "inferred")
        assert (found["announced_count"] or len(found["points"])) == statement["announced_count"]
        assert found["complete"]
        if statement["announcement"] in text:
            assert found["announcement"] == statement["announcement"]


def test_it_recovers_the_renderings_of_the_seed_sets_across_sources():
    groups = sum(len(_rendered_sets(pk)) for pk in NUMBERED)
    recovered = sum(len({source for source, _, _ in _recovered(pk)}) for pk in NUMBERED)
    print(f"seed sets recovered in {recovered} of the {groups} (set, source) pairs that quote every point")
    # The one missed: source 1 words the China-Russia areas as a gerund list with no number and no ordinals.
    assert (recovered, groups) == (9, 10)


def test_it_finds_the_seed_sets_and_nothing_else_in_the_interview():
    sets = extract(_rows("source")[3]["full_text"]).as_json()["sets"]
    assert [(s["announced_count"], len(s["points"])) for s in sets] == [(None, 5), (4, 4), (4, 4), (None, 4), (3, 3)]


def test_it_offers_most_seed_deliverables_as_candidates():
    commitments, found, total = _rows("commitment"), 0, 0
    for statement_pk in NUMBERED:
        for source, candidate, _text in _recovered(statement_pk):
            for point in candidate["points"]:
                parent = next(pk for pk, c in commitments.items() if c["statement"] == statement_pk and c["parent"] is None
                              and c["ordinal"] == point["ordinal"])
                children = {pk for pk, c in commitments.items() if c["parent"] == parent}
                for r in (r for r in _renderings() if r.get("commitment") in children and r["source"] == source):
                    total += 1
                    found += any(min(r["end"], d["end"]) - max(r["start"], d["start"]) >= 0.5 * (r["end"] - r["start"])
                                 for d in point["deliverables"])
    print(f"seed deliverables offered as candidates: {found}/{total}")
    assert (found, total) == (FOUND_DELIVERABLES, TOTAL_DELIVERABLES)


def test_the_corpus_answers_quote_their_texts_in_every_language():
    items = corpus_load(unseen=True)  # the files alone: nothing here runs the extractor
    assert all(item.url.startswith("http") and item.language in LANGUAGES for item in items)
    assert len(corpus_load("zh")) >= 20 and len(corpus_load("ru")) >= 10  # issue 17: real texts per language
    for language in LANGUAGES:
        texts = corpus_load(language)
        assert any(not item.expected for item in texts), f"{language}: no text without a set"
        assert any(item.heldout for item in texts) or language == "en", f"{language}: nothing held out"
    for item in items:
        for expected in item.expected:
            at = 0
            for start, end in expected["points"]:
                at = item.text.index(start, at)
                at = item.text.index(end, at)


# Floors per language and side of the held-out split: a regression in any rule moves one of them
# (targets: >= 0.9 set and point recall, <= 1 extra set in 10 texts, 100% verbatim). The tuning side is
# what the rules were written on, so its figures are regression pins, not accuracy; the held-out side is
# measured, never read while rules are written (bench/extract_corpus.py --misses lists the tuning side and the opened batches).
FLOORS = {
    ("en", "tuning"): {"sets": (34, 34), "points": (163, 164), "extra": 0, "counts": 34, "complete": 34},
    ("zh", "tuning"): {"sets": (22, 23), "points": (86, 87), "extra": 0, "counts": 22, "complete": 22},
    ("ru", "tuning"): {"sets": (23, 23), "points": (99, 99), "extra": 0, "counts": 23, "complete": 23},
    # held-out v1: measured once at c8e42e8 (en 3/5 sets 13/22 points, zh 10/10 39/39, ru 1/4 2/12 with 1 extra),
    # then opened for tuning; these are its figures after that (a regression pin, no longer a held-out figure)
    ("en", "v1"): {"sets": (5, 5), "points": (22, 22), "extra": 0, "counts": 5, "complete": 5},
    ("zh", "v1"): {"sets": (10, 10), "points": (39, 39), "extra": 0, "counts": 10, "complete": 10},
    ("ru", "v1"): {"sets": (4, 4), "points": (12, 12), "extra": 0, "counts": 4, "complete": 4},
    # held-out v2: added after v1 was opened, answers written before the extractor ran on it, measured once at
    # c6bdb96 (en 2/4 sets 6/14 points 1 extra, zh 3/3 7/9, ru 2/4 8/18), then opened for tuning; these are its
    # figures after that (a regression pin, no longer a held-out figure)
    ("en", "v2"): {"sets": (4, 4), "points": (14, 14), "extra": 0, "counts": 4, "complete": 4},
    ("zh", "v2"): {"sets": (3, 3), "points": (9, 9), "extra": 0, "counts": 3, "complete": 3},
    ("ru", "v2"): {"sets": (4, 4), "points": (18, 18), "extra": 0, "counts": 4, "complete": 4},
    # held-out v3: added after v2 was opened, answers written before the extractor ran on it, measured once by the lead
    # (en 6/8 sets 38/48 points 1 extra, zh 2/3 6/10, ru 1/5 9/27 1 extra), then opened for tuning; these are its figures
    # after that (a regression pin, no longer a held-out figure)
    ("en", "v3"): {"sets": (8, 8), "points": (48, 48), "extra": 0, "counts": 8, "complete": 8},
    ("zh", "v3"): {"sets": (3, 3), "points": (10, 10), "extra": 0, "counts": 3, "complete": 3},
    ("ru", "v3"): {"sets": (5, 5), "points": (27, 27), "extra": 0, "counts": 5, "complete": 5},
    # held-out v4: added after v3 was opened, answers written before the extractor ran on it, measured once by the lead at
    # f12a564 (en 4/6 sets 12/33 points 1 extra, zh 5/7 19/26, ru 3/6 14/32 1 extra), then opened for tuning; these are its
    # figures after that (a regression pin, no longer a held-out figure)
    ("en", "v4"): {"sets": (6, 6), "points": (33, 33), "extra": 0, "counts": 6, "complete": 6},
    ("zh", "v4"): {"sets": (7, 7), "points": (26, 26), "extra": 0, "counts": 7, "complete": 7},
    ("ru", "v4"): {"sets": (6, 6), "points": (32, 32), "extra": 0, "counts": 6, "complete": 6},
    # held-out v5: measured once by the lead at 632e968 (en 2/6 sets 16/25 points, zh 3/4 12/16 1 extra, ru 4/6 18/27 1 extra),
    # then opened for tuning; these are its figures after that (a regression pin, no longer a held-out figure; en-92's three
    # priorities told in unmarked spoken lines are still missed)
    ("en", "v5"): {"sets": (5, 6), "points": (22, 25), "extra": 0, "counts": 5, "complete": 5},
    ("zh", "v5"): {"sets": (4, 4), "points": (16, 16), "extra": 0, "counts": 4, "complete": 4},
    ("ru", "v5"): {"sets": (6, 6), "points": (27, 27), "extra": 0, "counts": 6, "complete": 6},
}
BATCHES = {"tuning": (False, None), "v1": (True, 1), "v2": (True, 2), "v3": (True, 3), "v4": (True, 4), "v5": (True, 5)}


@pytest.mark.parametrize("language,side", sorted(FLOORS))
def test_it_scores_the_corpus_and_keeps_its_figures(language, side):
    floor = FLOORS[(language, side)]
    heldout, batch = BATCHES[side]
    score = corpus_score(language, heldout, batch)
    print(f"intake corpus, {language}, {side}:", score.line())
    misses = score.misses
    assert score.sets_found >= floor["sets"][0] and score.sets_expected == floor["sets"][1], misses
    assert score.points_found >= floor["points"][0] and score.points_expected == floor["points"][1], misses
    assert score.extra_sets <= floor["extra"], misses
    assert score.counts_right >= floor["counts"] and score.complete_right >= floor["complete"], misses
    assert score.verbatim_rate == 1.0


def test_what_the_tests_read_of_the_corpus_never_holds_an_unseen_batch():
    """An unseen held-out batch is measured once, by the lead: no test may run the extractor on it before (one
    did, through a file name read as its first two digits: "100-..." as 10)."""
    read = corpus_load()
    assert not [item.name for item in read if item.heldout and item.batch in UNSEEN_BATCHES]
    assert len(corpus_load(unseen=True)) - len(read) == len([
        item for item in corpus_load(unseen=True) if item.heldout and item.batch in UNSEEN_BATCHES])


def test_the_first_english_corpus_keeps_full_marks():
    first = score_items([item for item in corpus_load("en") if int(item.name.split("-")[0]) <= 22])
    assert (first.sets_found, first.sets_expected) == (14, 14), first.misses
    assert (first.points_found, first.points_expected) == (58, 58), first.misses
    assert first.extra_sets == 0 and first.counts_right == 14 and first.complete_right == 14, first.misses


def test_every_quote_is_the_exact_substring_and_the_hash_names_the_text():
    for item in corpus_load():
        data = extract(item.text).as_json()
        assert data["text_sha256"] == hashlib.sha256(item.text.encode()).hexdigest()
        spans = [p for s in data["sets"] for p in s["points"]] + data["claims"]
        spans += [d for s in data["sets"] for p in s["points"] for d in p["deliverables"]]
        assert all(x["quote"] == item.text[x["start"]:x["end"]] for x in spans)


def test_it_is_deterministic():
    item = corpus_load()[0]
    assert extract(item.text).as_json() == extract(item.text).as_json()


def _only_set(text):
    sets = extract(text).as_json()["sets"]
    assert len(sets) == 1, sets
    return sets[0]


@pytest.mark.parametrize("marker", ["({n})", "{n})", "{n}.", "{r}.", "({a})", "{c}", "-", "•"])
def test_it_reads_every_list_marker_style(marker):
    roman, circled = ["i", "ii", "iii"], ["①", "②", "③"]
    lines = [marker.format(n=n, r=roman[n - 1], a="abc"[n - 1], c=circled[n - 1]) + f" Point number {n} is a commitment." for n in (1, 2, 3)]
    text = "The parties agreed on three measures:\n" + "\n".join(lines) + "\nThe meeting ended."
    found = _only_set(text)
    assert found["announced_count"] == 3 and found["complete"]
    assert [p["quote"] for p in found["points"]] == [f"Point number {n} is a commitment." for n in (1, 2, 3)]


@pytest.mark.parametrize("words", [("First,", "Second,", "Lastly,"), ("First of all,", "Secondly,", "Finally,"),
                                   ("Firstly,", "Secondly,", "Last,"), ("The first is", "The second is", "The third is")])
def test_it_reads_ordinal_words(words):
    text = "He made three suggestions. " + " ".join(f"{w} to act on item {n}." for n, w in enumerate(words, 1)) + "\n\nThe talks ended."
    found = _only_set(text)
    assert found["announced_count"] == 3 and found["complete"]
    assert found["points"][2]["quote"] == f"{words[2]} to act on item 3."


@pytest.mark.parametrize("phrase,count", [("a five-point proposal", 5), ("the 4 priorities", 4), ("two \"no\"s", 2),
                                          ("the following five consensus", 5), ("eight major steps", 8)])
def test_it_reads_announced_counts_in_words_and_digits(phrase, count):
    text = f"The minister set out {phrase}. " + " ".join(f"{w}, item {w.lower()} is listed." for w in ["First", "Second"])
    assert _only_set(text)["announced_count"] == count


def test_a_count_in_the_headline_is_announced_when_the_body_states_none():
    text = "China, Russia to strengthen cooperation in four areas\n\nThe ministers agreed as follows.\n" + "\n".join(
        f"{w}, they will do thing {n}." for n, w in enumerate(["First", "Second", "Third", "Fourth"], 1))
    found = _only_set(text)
    assert found["announced_count"] == 4 and not found["count_inferred"] and found["complete"]


def test_ordinals_without_a_number_are_counted_as_inferred_never_as_announced():
    found = _only_set("They reached important consensus.\n\nOne is to meet.\n\nThe second is to talk.\n\nThe talks ended with a dinner.")
    assert found["announced_count"] is None and found["count_inferred"]
    assert [p["quote"] for p in found["points"]] == ["One is to meet.", "The second is to talk."]


def test_a_set_short_of_its_announced_count_is_incomplete():
    found = _only_set("Wang Yi put forward a five-point proposal. First, unity. Second, security. Third, the members should coop")
    assert found["announced_count"] == 5 and len(found["points"]) == 3 and not found["complete"]


def test_a_point_runs_over_paragraphs_up_to_the_next_marker():
    text = ("We will take three measures.\n\nFirst, build a road.\n\nThe road will be long.\n\nSecond, build a bridge.\n\n"
            "It will cross the river.\n\nThird, build a port.\n\nShips will dock there.\n\nIn other news, it rained.")
    found = _only_set(text)
    assert [p["quote"] for p in found["points"]] == [
        "First, build a road.\n\nThe road will be long.", "Second, build a bridge.\n\nIt will cross the river.",
        "Third, build a port.\n\nShips will dock there."]


def test_an_inline_enumeration_without_ordinals_is_a_set():
    found = _only_set("The two ministers agreed to strengthen cooperation in four areas: supporting anti-pandemic cooperation, "
                      "setting an exemplar of coexistence, enhancing technological innovations and safeguarding justice and equity.")
    assert [p["quote"] for p in found["points"]] == ["supporting anti-pandemic cooperation", "setting an exemplar of coexistence",
                                                     "enhancing technological innovations", "safeguarding justice and equity"]
    assert found["complete"]


def test_one_point_per_paragraph_after_a_colon():
    found = _only_set("The sides agreed on three points:\nTrade will grow by a fifth.\nVisas will be eased.\nFlights will resume.\nEnd.")
    assert [p["quote"] for p in found["points"]] == ["Trade will grow by a fifth.", "Visas will be eased.", "Flights will resume."]


def test_a_list_inside_a_point_gives_its_deliverables():
    text = ("The plan has two priorities:\n1. Health, in particular:\n(a) build clinics;\n(b) train nurses.\n"
            "2. Trade, by lowering tariffs.\nThat was all.")
    found = _only_set(text)
    assert [d["quote"] for d in found["points"][0]["deliverables"]] == ["build clinics", "train nurses."]
    assert found["points"][0]["quote"].endswith("train nurses.")


def test_it_finds_several_sets_in_one_text():
    text = ("They agreed on two measures. First, meet. Second, talk.\n\nThey also set three goals:\n"
            "(1) peace;\n(2) trade;\n(3) travel.\n")
    sets = extract(text).as_json()["sets"]
    assert [(s["announced_count"], len(s["points"])) for s in sets] == [(2, 2), (3, 3)]


@pytest.mark.parametrize("text", [
    "1. Reporter: What is new?\n\nAnswer: Nothing.\n\n2. Reporter: And then?\n\nAnswer: Still nothing.",
    "Article 1\n1. The Parties shall cooperate.\n2. The Parties shall meet.\nArticle 2\n1. This treaty enters into force.",
    "The visit took place on Sept. 10-16, 2020. On 1. 2. 2021 nothing happened. In 2020, 2021 and 2022 trade grew.",
])
def test_decoy_numbering_makes_no_set(text):
    assert extract(text).as_json()["sets"] == []


def test_it_offers_sentences_with_figures_as_claims():
    text = ("The resumption rate of projects has reached about 90%. The meeting approved more than 20 draft documents. "
            "So far, nearly 2,000 Chinese experts have returned. The weather was fine.")
    assert [c["quote"] for c in extract(text).as_json()["claims"]] == [
        "The resumption rate of projects has reached about 90%.", "The meeting approved more than 20 draft documents.",
        "So far, nearly 2,000 Chinese experts have returned."]


def test_no_jumble_of_markers_makes_an_empty_or_misplaced_quote():
    """Adversarial texts (markers, counts and punctuation shuffled): every span is non-empty and exact."""
    pieces = ["First, ", "Second, ", "1. ", "(a) ", "① ", "• ", "\n", "\n\n", "  ", "four areas: ", "five-point proposal. ",
              "The first is ", "Finally, ", "; and ", "(2) ", "ii. ", "Wang said.", "about 90%", "x", ":", "。"]
    rng = random.Random(9)
    for _ in range(3000):
        text = "".join(rng.choice([*pieces, rng.choice(string.printable)]) for _ in range(rng.randint(0, 60)))
        data = extract(text).as_json()
        spans = [*data["claims"]]
        for found in data["sets"]:
            assert found["points"]
            spans += found["points"] + [d for p in found["points"] for d in p["deliverables"]]
        assert all(s["end"] > s["start"] and s["quote"] == text[s["start"]:s["end"]] for s in spans), text
