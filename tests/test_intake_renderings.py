"""Same set in several sources: a text that renders a recorded set is attached to it, not duplicated."""

import pytest
from django.core.exceptions import ValidationError

from commitments.intake.drafts import DraftSource, draft_from_extraction
from commitments.intake.extract import extract
from commitments.intake.matching import rendering_candidates
from commitments.intake.services import intake_save
from commitments.integrity import integrity_violations
from commitments.models import Rendering, Source, Statement

pytestmark = pytest.mark.django_db
MEASURES = "anti-pandemic-four-measures-2020"


def _measures_set(text: str):
    extraction = extract(text)
    draft = draft_from_extraction(extraction, source=DraftSource(title="Another outlet's report", publisher="Outlet", full_text=text))
    return draft, next(s for s in draft.sets if s.announcement.endswith("we will take four measures."))


def test_it_recognises_another_rendering_of_a_recorded_set(seed):
    # The interview's wording of the four measures, against the statement recorded from the Xinhua report's wording.
    text = Source.objects.get(slug="xinhua-2020-09-16-wang-yi-interview").full_text
    _, found = _measures_set(text)
    candidates = rendering_candidates(points=[p.quote for p in found.points])
    assert candidates and candidates[0][0].slug == MEASURES
    unrelated = rendering_candidates(points=["The sky is blue.", "Rivers flow.", "Birds sing.", "Cats sleep."])
    assert unrelated == []


def test_attaching_adds_one_rendering_to_each_point_and_no_statement(seed):
    text = Source.objects.get(slug="xinhua-2020-09-16-wang-yi-interview").full_text
    draft, found = _measures_set(text)
    statement = Statement.objects.get(slug=MEASURES)
    found.attach_to = statement
    draft.sets, draft.claims = [found], []
    statements, renderings = Statement.objects.count(), Rendering.objects.count()
    saved = intake_save(draft=draft)
    assert Statement.objects.count() == statements and saved.statements == [statement]
    added = Rendering.objects.filter(source=saved.source).order_by("commitment__ordinal")
    assert Rendering.objects.count() == renderings + 4
    assert [r.commitment.ordinal for r in added] == [1, 2, 3, 4]
    assert all(text[r.start:r.end] == r.text for r in added) and not any(r.is_primary for r in added)
    assert saved.source in statement.sources.all()
    assert list(integrity_violations()) == []


def test_a_set_with_another_number_of_points_cannot_be_attached(seed):
    text = "They agreed on two measures. First, meet. Second, talk."
    draft = draft_from_extraction(extract(text), source=DraftSource(title="T", publisher="P", full_text=text))
    draft.sets[0].attach_to = Statement.objects.get(slug=MEASURES)
    with pytest.raises(ValidationError) as error:
        intake_save(draft=draft)
    assert "sets.0.attach_to" in error.value.message_dict
