"""The watch corpus's answers name real seed commitments, by pk and by path, and keep related and unrelated texts apart."""

import json
from pathlib import Path

from tests.watch_corpus import watch_load

ROWS = json.loads((Path(__file__).resolve().parent.parent / "fixtures" / "statements.json").read_text())
SLUGS = {o["pk"]: o["fields"]["slug"] for o in ROWS if o["model"] == "commitments.statement"}
COMMITMENTS = {o["pk"]: o["fields"] for o in ROWS if o["model"] == "commitments.commitment"}


def _path(pk: int) -> str:
    fields = COMMITMENTS[pk]
    return (_path(fields["parent"]) + "." if fields["parent"] else "") + str(fields["ordinal"])


def test_every_answer_names_a_seed_commitment_by_pk_and_path():
    texts = watch_load()
    assert {t.language for t in texts if t.related} == {"en", "zh", "ru"}
    assert {t.language for t in texts if not t.related} == {"en", "zh", "ru"}
    for item in texts:
        assert item.url.startswith("http") and item.text.strip(), item.name
        assert bool(item.matches) == item.related, item.name
        for match in item.matches + item.also_acceptable:
            assert SLUGS[COMMITMENTS[match["commitment"]]["statement"]] == match["statement"], item.name
            assert _path(match["commitment"]) == match["point"], item.name
        assert all(m["relation"] in ("reports_progress_on", "reaffirms", "contradicts") for m in item.matches), item.name
