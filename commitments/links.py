"""Typed links between points and between statements (reaffirms, supersedes, implements,
reports progress on, contradicts), each with a rationale and the source that supports it.

A link reads from the later item to the earlier one: `commitment_link(from_commitment=later,
to_commitment=earlier, kind=LinkKind.REAFFIRMS, ...)`. Both ends show it (`links_of`).
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from commitments.models import Commitment, CommitmentLink, LinkKind, Source, Statement, StatementLink


@transaction.atomic
def commitment_link(
    *, from_commitment: Commitment, to_commitment: Commitment, kind: str, rationale: str, source: Source | None = None
) -> CommitmentLink:
    link = CommitmentLink(from_commitment=from_commitment, to_commitment=to_commitment, kind=kind, rationale=rationale, source=source)
    link.full_clean()
    link.save()
    # Both ends changed, for sync and ETags.
    Commitment.objects.filter(pk__in=[from_commitment.pk, to_commitment.pk]).update(updated_at=timezone.now())
    return link


@transaction.atomic
def statement_link(
    *, from_statement: Statement, to_statement: Statement, kind: str, rationale: str, source: Source | None = None
) -> StatementLink:
    link = StatementLink(from_statement=from_statement, to_statement=to_statement, kind=kind, rationale=rationale, source=source)
    link.full_clean()
    link.save()
    Statement.objects.filter(pk__in=[from_statement.pk, to_statement.pk]).update(updated_at=timezone.now())
    return link


@dataclass(frozen=True)
class LinkView:
    """One link as seen from one of its ends: "reaffirms X" or "reaffirmed by Y"."""

    label: str
    other: Commitment | Statement
    rationale: str
    source: Source | None
    outgoing: bool


def link_view(link: CommitmentLink | StatementLink, *, seen_from: int) -> LinkView:
    ends = (link.from_commitment, link.to_commitment) if isinstance(link, CommitmentLink) else (link.from_statement, link.to_statement)
    outgoing = ends[0].pk == seen_from
    label = LinkKind(link.kind).label if outgoing else link.inverse_label
    return LinkView(label=label, other=ends[1] if outgoing else ends[0], rationale=link.rationale, source=link.source, outgoing=outgoing)


def commitment_links_of(*, commitment: Commitment) -> list[LinkView]:
    links = CommitmentLink.objects.filter(Q(from_commitment=commitment) | Q(to_commitment=commitment)).select_related(
        "from_commitment__statement", "from_commitment__parent", "to_commitment__statement", "to_commitment__parent", "source"
    )
    return [link_view(link, seen_from=commitment.pk) for link in links]


def statement_links_of(*, statement: Statement) -> list[LinkView]:
    links = StatementLink.objects.filter(Q(from_statement=statement) | Q(to_statement=statement))
    links = links.select_related("from_statement", "to_statement", "source")
    return [link_view(link, seen_from=statement.pk) for link in links]
