"""The querysets behind each list, and a commitment's or claim's published history.

Every list here is complete in its select_related/prefetch_related, so a page costs a
fixed number of queries whatever its length (the API tests pin those numbers).
"""



from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from commitments.history import (
    ASSESSMENT_ORDER,
    NEWEST_FIRST,
    VERDICT_ORDER,
    previous_status,
    published_assessments,
    published_evidence,
    published_updates,
    published_verdicts,
)
from commitments.models import (
    Claim,
    Commitment,
    Evidence,
    Party,
    PartyAssessment,
    Rendering,
    Source,
    Statement,
    StatementLink,
    StatusUpdate,
    Theme,
    VerdictUpdate,
)
from commitments.parties import bound_parties_by_statement

RENDERING_FIELDS = (
    "id", "claim_id", "commitment_id", "source_id", "source__title", "text", "start", "end", "language", "is_translation", "translator", "is_primary",
)


def _evidence_count(*, field: str) -> Coalesce:
    through = Evidence._meta.get_field(field).remote_field.through
    column = f"{field[:-1]}_id"  # commitments -> commitment_id, claims -> claim_id
    counts = through.objects.filter(**{column: OuterRef("pk")}).order_by().values(column).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))


def _latest_evidence() -> Prefetch:
    # A sliced prefetch: one query, a window function keeps the newest row per commitment.
    newest = Evidence.objects.only("id", "url", "title", "publisher", "published_on", "stance", "created_at").order_by("-created_at", "-id")
    return Prefetch("evidence", queryset=newest[:1], to_attr="latest_evidence")


def commitment_list() -> QuerySet[Commitment]:
    return (
        Commitment.objects.select_related("statement", "parent")
        .prefetch_related(
            Prefetch("parties", queryset=Party.objects.only("id", "slug").order_by("name", "id")),
            Prefetch("themes", queryset=Theme.objects.only("id", "slug").order_by("name", "id")),
            Prefetch("deliverables", queryset=Commitment.objects.only("id", "parent_id").order_by("ordinal", "id")),
            _latest_evidence(),
        )
    )


def commitments_count_evidence(*, commitments: list[Commitment]) -> list[Commitment]:
    """Set `evidence_count` on each row of a page, in one query.

    Not an annotation: PostgreSQL evaluates a select-list subquery for the rows an OFFSET
    skips too, which made deep pages slow.
    """
    through = Commitment.evidence.through
    counts = dict(
        through.objects.filter(commitment_id__in=[c.pk for c in commitments]).order_by()
        .values_list("commitment_id").annotate(n=Count("pk"))
    )
    for commitment in commitments:
        commitment.evidence_count = counts.get(commitment.pk, 0)
    return commitments


def statement_list() -> QuerySet[Statement]:
    return (
        Statement.objects.select_related("announcing_party")
        .prefetch_related(
            Prefetch("parties", queryset=Party.objects.only("id", "slug")), Prefetch("sources", queryset=Source.objects.only("id")),
            Prefetch("links_out", queryset=StatementLink.objects.select_related("to_statement")),
            Prefetch("links_in", queryset=StatementLink.objects.select_related("from_statement")),
        )
        .annotate(
            commitment_count=Count("commitments", filter=Q(commitments__parent__isnull=True), distinct=True),
        )
    )


def bound_party_slugs() -> dict[int, list[str]]:
    """{statement id: slugs of the parties it binds, members included}, sorted. Three queries."""
    slugs = dict(Party.objects.values_list("pk", "slug"))
    return {pk: sorted(slugs[p] for p in ids) for pk, ids in bound_parties_by_statement().items()}


def claim_list() -> QuerySet[Claim]:
    return (
        Claim.objects.select_related("statement", "source")
        .prefetch_related(
            Prefetch("renderings", queryset=Rendering.objects.select_related("source").only(*RENDERING_FIELDS)),
            Prefetch("parties", queryset=Party.objects.only("id", "slug")),
            Prefetch("themes", queryset=Theme.objects.only("id", "slug")),
        )
        .annotate(evidence_count=_evidence_count(field="claims"))
    )


def evidence_list() -> QuerySet[Evidence]:
    """Public evidence (not evidence that only an unpublished proposal cites)."""
    return published_evidence().prefetch_related(
        Prefetch("commitments", queryset=Commitment.objects.only("id")),
        Prefetch("claims", queryset=Claim.objects.only("id")),
    )


def party_list() -> QuerySet[Party]:
    return Party.objects.all()


def theme_list() -> QuerySet[Theme]:
    return Theme.objects.all()


def source_list() -> QuerySet[Source]:
    # The latest check of each URL is added per page by commitments.api.link_health (one query).
    return Source.objects.all()


def assessment_list() -> QuerySet[PartyAssessment]:
    """Published party assessments (the public history), newest first."""
    return (
        published_assessments().select_related("party").prefetch_related(Prefetch("evidence", queryset=Evidence.objects.only("id")))
        .order_by(*(f"-{field}" for field in ASSESSMENT_ORDER))
    )


def status_history(*, commitment_id: int) -> QuerySet[StatusUpdate]:
    """A commitment's published status history, newest first (commitments.history's order)."""
    return (
        published_updates().filter(commitment_id=commitment_id).order_by(*NEWEST_FIRST)
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.only("id")))
    )


def verdict_history(*, claim_id: int) -> QuerySet[VerdictUpdate]:
    """A claim's published verdicts, newest first."""
    return (
        published_verdicts().filter(claim_id=claim_id).order_by(*(f"-{field}" for field in VERDICT_ORDER))
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.only("id")))
    )


def status_changes() -> QuerySet[StatusUpdate]:
    """Every published status change with what a list shows, in the order published (oldest first)."""
    return (
        published_updates()
        .annotate(previous_status=previous_status())
        .select_related("commitment__statement", "commitment__parent")
        .defer("commitment__quote", "commitment__statement__announcement")
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.only("id")))
        .order_by("published_at", "id")
    )


def has_evidence_filter(*, model) -> Exists:
    through = model.evidence.through
    column = f"{model._meta.model_name}_id"
    return Exists(through.objects.filter(**{column: OuterRef("pk")}))
