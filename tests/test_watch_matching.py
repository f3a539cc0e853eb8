"""The matcher on the watch corpus (real later texts about seed points, and unrelated ones), at the configured threshold.

The floors are the figures measured when the threshold was chosen (bench/watch_matching.py prints
them): a change that makes matching worse fails here.
"""

import pytest
from django.conf import settings

from tests.watch_corpus import corpus_load, corpus_score


@pytest.mark.django_db
def test_the_matcher_proposes_the_points_real_follow_ups_concern_and_nothing_for_unrelated_texts(seed):
    score = corpus_score(settings.TRACKER_WATCH_MATCH_THRESHOLD)
    assert score.related == 14 and score.unrelated == 8
    assert score.unrelated_flagged == 0, score.misses
    assert score.precision >= 0.7, score.line()
    assert score.recall >= 0.55, score.line()


def test_every_corpus_text_names_its_real_source_and_its_answer():
    for item in corpus_load():
        assert item.url.startswith(("http://", "https://")), item.name
        assert item.name.startswith("related-") == bool(item.concerns), item.name
