"""Saving an intake draft: one transaction through the domain's rules; bad input writes nothing."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from commitments.intake.drafts import DraftSource, draft_from_extraction
from commitments.intake.extract import extract
from commitments.intake.services import intake_save
from commitments.integrity import integrity_violations
from commitments.models import Claim, Commitment, Source, Statement
from tests.intake_support import CENTRAL_ASIA, seed_text

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, ...]:
    return Source.objects.count(), Statement.objects.count(), Commitment.objects.count(), Claim.objects.count()


def _draft(make_party, text: str):
    party = make_party(name="China", slug="china-intake")
    source = DraftSource(title="First China + Central Asia meeting", publisher="China News", full_text=text,
                         url="https://www.example.org/readout", language="en", is_translation=True, original_language="zh")
    draft = draft_from_extraction(extract(text), source=source)
    for item in draft.sets:
        item.announced_by, item.announcing_party, item.announced_on = "Wang Yi", party, date(2020, 7, 16)
    return draft


def test_it_saves_the_source_statement_points_deliverables_and_claims_in_one_go(make_party):
    text = seed_text(CENTRAL_ASIA)
    draft = _draft(make_party, text)
    saved = intake_save(draft=draft)
    [statement] = saved.statements
    assert saved.source.full_text == text and saved.source.is_translation and saved.source.url == "https://www.example.org/readout"
    assert statement.announced_count == 4 and statement.announcement == "Wang Yi made four suggestions:"
    points = list(statement.commitments.filter(parent__isnull=True).order_by("ordinal"))
    assert [p.ordinal for p in points] == [1, 2, 3, 4]
    assert points[0].quote.startswith("First, work together to defeat the epidemic") and points[0].title.startswith("Work together")
    assert points[0].deliverables.count() == len(draft.sets[0].points[0].deliverables) > 0
    assert len(saved.claims) == len(draft.claims) > 0
    assert list(integrity_violations()) == []


def test_a_quote_that_is_not_in_the_text_is_refused_and_nothing_is_written(make_party):
    draft = _draft(make_party, seed_text(CENTRAL_ASIA))
    draft.sets[0].points[2].quote = "Third, a paraphrase the source never said."
    before = _counts()
    with pytest.raises(ValidationError) as error:
        intake_save(draft=draft)
    assert "sets.0.points.2.quote" in error.value.message_dict
    assert _counts() == before


def test_a_set_short_of_its_count_must_be_completed_or_recounted(make_party):
    draft = _draft(make_party, seed_text(CENTRAL_ASIA))
    draft.sets[0].points.pop()
    with pytest.raises(ValidationError) as error:
        intake_save(draft=draft)
    assert error.value.message_dict["sets.0.announced_count"] == ["The set announces 4 points but has 3: add or drop points, or correct the count."]


def test_a_failure_in_the_database_half_way_rolls_everything_back(make_party, monkeypatch):
    draft = _draft(make_party, seed_text(CENTRAL_ASIA))
    before = _counts()
    original = Claim.save

    def failing(self, *args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(Claim, "save", failing)
    with pytest.raises(RuntimeError):
        intake_save(draft=draft)
    monkeypatch.setattr(Claim, "save", original)
    assert _counts() == before


def test_an_inferred_count_is_stored_as_the_number_of_points(make_party):
    text = "They reached important consensus.\n\nOne is to meet.\n\nThe second is to talk.\n\nThe talks ended."
    draft = _draft(make_party, text)
    draft.sets[0].title = "Two consensus"
    [statement] = intake_save(draft=draft).statements
    assert statement.announced_count == 2 and draft.sets[0].announced_count is None
