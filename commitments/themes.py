"""Which themes a commitment has: its own, and a deliverable also its point's. One owner for every surface.

A deliverable ("3.2") is part of its point ("3"): a point about health makes its deliverables
about health too, whether or not they carry the theme themselves. The pages, the search, the
digests, the API's theme filters and the by-theme stats all ask this module, so the same
question gets one answer everywhere.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q, QuerySet

from commitments.models import Commitment, Theme

ThemeIds = Iterable[Theme | int] | QuerySet


def _theme_ids(themes: ThemeIds) -> Iterable[int] | QuerySet:
    return themes if isinstance(themes, QuerySet) else [getattr(theme, "pk", theme) for theme in themes]


def _links(themes: ThemeIds | None, *columns: str) -> QuerySet:
    """The rule itself: a commitment's own theme links, UNION its point's links read as the deliverable's."""
    own = Commitment.themes.through.objects.order_by()
    inherited = own.filter(commitment__deliverables__isnull=False)  # a point's links, once per deliverable
    if themes is not None:
        ids = _theme_ids(themes)
        own, inherited = own.filter(theme_id__in=ids), inherited.filter(theme_id__in=ids)
    as_deliverable = {"commitment_id": "commitment__deliverables"}
    return own.values_list(*columns).union(inherited.values_list(*(as_deliverable.get(c, c) for c in columns)))


def commitment_theme_pairs(*, themes: ThemeIds | None = None) -> QuerySet:
    """(commitment id, theme id) pairs, one per theme a commitment has, inherited ones included; one SQL UNION.

    `themes` narrows it to those themes (ids, Theme rows, or a queryset of ids such as
    `Theme.objects.filter(slug=...).values("pk")`).
    """
    return _links(themes, "commitment_id", "theme_id")


def commitment_themes_q(*, themes: ThemeIds, path: str = "") -> Q:
    """Filter for commitments (``), or rows reaching one through `path` (`commitment__`, `commitments__`), with any of
    these themes, their own or their point's. A subquery, so a many-to-many path repeats no row."""
    return Q(**{f"{path}pk__in": _links(themes, "commitment_id")})


def commitment_theme_ids() -> dict[int, frozenset[int]]:
    """{commitment id: ids of its themes, inherited ones included}: the in-memory form (digests). One query."""
    grouped: dict[int, set[int]] = defaultdict(set)
    for commitment_id, theme_id in commitment_theme_pairs():
        grouped[commitment_id].add(theme_id)
    return {pk: frozenset(ids) for pk, ids in grouped.items()}
