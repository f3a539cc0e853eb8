"""The seed sets' Chinese originals under fixtures/originals/: real texts, each naming its source and its seed statement."""

import json
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SLUGS = {o["fields"]["slug"] for o in json.loads((FIXTURES / "statements.json").read_text()) if o["model"] == "commitments.statement"}


def test_every_original_names_its_source_and_an_existing_seed_statement():
    originals = sorted((FIXTURES / "originals").glob("*.txt"))
    assert originals
    for path in originals:
        slug, language = path.name.removesuffix(".txt").rsplit(".", 1)
        header, text = path.read_text(encoding="utf-8").split("# ---\n", 1)
        fields = dict(line[2:].split(": ", 1) for line in header.splitlines())
        assert slug in SLUGS and language in ("zh", "ru"), path.name
        assert fields["source"].startswith("http") and fields["seed"].startswith(slug), path.name
        assert text.strip() and "provenance" in fields, path.name
