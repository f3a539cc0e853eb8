"""Is this set already recorded? Another rendering of a set (a translation, another outlet's report)
has as many points, worded alike; offer to attach it to the recorded statement instead of duplicating it."""

from django.db.models import Count, Prefetch, Q
from rapidfuzz import fuzz

from commitments.checks.quotes import quote_normalise
from commitments.models import Commitment, Statement

SIMILARITY_THRESHOLD = 55.0  # mean token-set similarity of the points, 0-100


def rendering_candidates(*, points: list[str], limit: int = 3) -> list[tuple[Statement, float]]:
    """Recorded statements with as many points whose wording resembles these, best first."""
    if not points:
        return []
    points_only = Prefetch("commitments", queryset=Commitment.objects.filter(parent__isnull=True).order_by("ordinal"), to_attr="points")
    statements = (
        Statement.objects.annotate(n=Count("commitments", filter=Q(commitments__parent__isnull=True)))
        .filter(n=len(points)).prefetch_related(points_only)
    )
    mine = [quote_normalise(p) for p in points]
    scored = [(s, _similarity(mine, [quote_normalise(c.quote) for c in s.points])) for s in statements]
    return sorted([(s, score) for s, score in scored if score >= SIMILARITY_THRESHOLD], key=lambda x: -x[1])[:limit]


def _similarity(mine: list[str], theirs: list[str]) -> float:
    return round(sum(fuzz.token_set_ratio(a, b) for a, b in zip(mine, theirs, strict=True)) / len(mine), 1)
