"""The matcher on the watch corpus (tests/data/watch/: real later texts about seed points, and unrelated ones),
at the configured threshold.

The floors are the figures measured when the threshold was chosen (bench/watch_matching.py prints
them per language): a change that makes matching worse fails here.
"""

import pytest
from django.conf import settings

from tests.watch_corpus import corpus_score, watch_load


@pytest.mark.django_db
def test_the_matcher_proposes_points_real_follow_ups_concern_and_nothing_for_unrelated_texts(seed):
    english = [t for t in watch_load() if t.language == "en"]
    score = corpus_score(settings.TRACKER_WATCH_MATCH_THRESHOLD, texts=english)
    assert score.related >= 20 and score.unrelated >= 10
    assert score.unrelated_flagged == 0, score.misses
    assert score.precision >= 0.65, score.line()
    assert score.recall >= 0.6, score.line()


@pytest.mark.django_db
def test_no_unrelated_text_in_any_language_gets_a_proposal(seed):
    score = corpus_score(settings.TRACKER_WATCH_MATCH_THRESHOLD, texts=[t for t in watch_load() if not t.related])
    assert score.unrelated >= 14 and score.unrelated_flagged == 0, score.misses
