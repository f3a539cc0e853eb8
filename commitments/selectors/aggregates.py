"""The cached aggregates over every commitment: the overview's, the indexes' and the unfiltered API's, one cache entry each."""

from datetime import date

from django.utils import timezone

from commitments.models import Commitment
from commitments.selectors.compliance import compliance_matrix_cached
from commitments.selectors.freshness import UNFILTERED
from commitments.selectors.stats import commitment_stats_cached, default_weeks_start, status_over_time_cached


def unfiltered_aggregates(*, today: date) -> dict:
    """Counts by status, the default weeks up to `today` and the compliance matrix of every commitment, from the cache."""
    everything = Commitment.objects.all()
    return {
        "stats": commitment_stats_cached(commitments=everything, key=UNFILTERED),
        "weeks": status_over_time_cached(commitments=everything, start=default_weeks_start(today), end=today, key=UNFILTERED),
        "compliance": compliance_matrix_cached(commitments=everything, key=UNFILTERED),
    }


def unfiltered_aggregates_warm() -> None:
    """Compute them into the cache, so that their next reader does not wait: at start-up, and once a publication commits."""
    unfiltered_aggregates(today=timezone.now().date())
