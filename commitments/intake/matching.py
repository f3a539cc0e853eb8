"""Is this set already recorded? Another rendering of a set (a translation, another outlet's report)
has as many points, worded alike; offer to attach it to the recorded statement instead of duplicating it.

In one language the wordings are compared (token-set similarity); across languages (a Chinese
original and its English translation) by what survives translation: figures and glossary concepts,
point n against point n (commitments.intake.alignment).
"""

from django.db.models import Count, Prefetch, Q
from rapidfuzz import fuzz

from commitments.checks.quotes import quote_normalise
from commitments.models import Commitment, Statement

from .alignment import ordinal_alignment_holds, set_affinity

SIMILARITY_THRESHOLD = 55.0  # mean token-set similarity of the points, 0-100
CROSS_LANGUAGE_THRESHOLD = 20.0  # mean share of figures and concepts of the points, 0-100


def rendering_candidates(*, points: list[str], language: str = "", limit: int = 3) -> list[tuple[Statement, float]]:
    """Recorded statements with as many points whose wording (or, in another language, content) resembles these, best first."""
    if not points:
        return []
    points_only = Prefetch(
        "commitments", queryset=Commitment.objects.filter(parent__isnull=True).select_related("source").order_by("ordinal"), to_attr="points",
    )
    statements = (
        Statement.objects.annotate(n=Count("commitments", filter=Q(commitments__parent__isnull=True)))
        .filter(n=len(points)).prefetch_related(points_only)
    )
    scored = [(s, _score(points, s.points, language)) for s in statements]
    return sorted([(s, score) for s, score in scored if score is not None], key=lambda x: -x[1])[:limit]


def _score(points: list[str], recorded: list[Commitment], language: str) -> float | None:
    theirs = [c.quote for c in recorded]
    same = _similarity([quote_normalise(p) for p in points], [quote_normalise(q) for q in theirs])
    if same >= SIMILARITY_THRESHOLD:
        return same
    if language and any(_base(c.source.language) != _base(language) for c in recorded):
        cross = set_affinity(points, theirs)
        if cross >= CROSS_LANGUAGE_THRESHOLD and ordinal_alignment_holds(points, theirs):
            return cross
    return None


def _base(tag: str) -> str:
    return tag.split("-")[0].lower()


def _similarity(mine: list[str], theirs: list[str]) -> float:
    return round(sum(fuzz.token_set_ratio(a, b) for a, b in zip(mine, theirs, strict=True)) / len(mine), 1)
