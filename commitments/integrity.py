"""The integrity rules, checked over the whole database.

Saving through the services and the admin already refuses violations; this catches
what arrived another way (fixtures, raw SQL, a rule added after the data).
"""

from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Count, F, Max, Min, OuterRef, Q, QuerySet, Subquery

from commitments.history import NEWEST_FIRST, published_updates
from commitments.intervals import intervals_disagreeing
from commitments.models import Claim, Commitment, Rendering, Source, Statement, Status, StatusInterval, StatusUpdate
from commitments.models.domain import STATUSES_NEEDING_EVIDENCE
from commitments.models.relations import rendering_verbatim_problem
from commitments.text import is_verbatim


@dataclass(frozen=True)
class Violation:
    rule: str
    obj: str
    message: str

    def __str__(self) -> str:
        return f"[{self.rule}] {self.obj}: {self.message}"


def statements_with_numbering() -> QuerySet[Statement]:
    """Statements annotated with what the numbering rule needs, in one query."""
    points = Q(commitments__parent__isnull=True)
    return Statement.objects.annotate(
        point_count=Count("commitments", filter=points),
        point_min=Min("commitments__ordinal", filter=points),
        point_max=Max("commitments__ordinal", filter=points),
    )


def count_problem(*, count: int, announced: int | None) -> str:
    """Why `count` points found disagree with the count the statement announces ('' if they agree)."""
    if announced is not None and count != announced:
        return f"announces {announced} points but has {count}"
    return ""


def numbering_problem(*, count: int, low: int | None, high: int | None, announced: int | None) -> str:
    """Why ordinals with this count/min/max break "1..n, no gap, n = announced" ('' if they don't).

    Duplicates cannot exist (a unique constraint), so count == max and min == 1 means gapless.
    """
    if problem := count_problem(count=count, announced=announced):
        return problem
    if count and (low != 1 or high != count):
        return f"points are numbered {low}..{high}, not 1..{count}"
    return ""


def numbering_violations() -> Iterator[Violation]:
    for statement in statements_with_numbering():
        problem = numbering_problem(
            count=statement.point_count, low=statement.point_min, high=statement.point_max,
            announced=statement.announced_count,
        )
        if problem:
            yield Violation("numbering", f"statement “{statement}”", problem)
    parents = (
        Commitment.objects.filter(parent__isnull=True)
        .annotate(n=Count("deliverables"), low=Min("deliverables__ordinal"), high=Max("deliverables__ordinal"))
        .filter(n__gt=0)
        .select_related("statement")
    )
    for point in parents:
        problem = numbering_problem(count=point.n, low=point.low, high=point.high, announced=None)
        if problem:
            yield Violation("numbering", f"deliverables of {point.statement} / {point}", problem.replace("points", "deliverables"))
    for deliverable in Commitment.objects.filter(parent__isnull=False).exclude(statement=F("parent__statement")):
        yield Violation("numbering", f"deliverable {deliverable.pk}", "belongs to a point of another statement")


def rendering_violations() -> Iterator[Violation]:
    """Every rendering verbatim at its offsets; every commitment and claim with one primary, copied onto its columns."""
    texts = dict(Source.objects.values_list("pk", "full_text"))
    rows = Rendering.objects.order_by("pk").values_list("pk", "commitment_id", "claim_id", "source_id", "text", "start", "end")
    for pk, commitment_id, claim_id, source_id, text, start, end in rows.iterator():
        problem = rendering_verbatim_problem(text=text, source_text=texts[source_id], start=start, end=end)
        if problem:
            owner = f"commitment {commitment_id}" if commitment_id else f"claim {claim_id}"
            yield Violation("verbatim", f"{owner}, rendering {pk}", problem)
    for model in (Commitment, Claim):
        primary = Rendering.objects.filter(**{model._meta.model_name: OuterRef("pk")}, is_primary=True)
        rows = model.objects.annotate(
            p_source=Subquery(primary.values("source_id")[:1]), p_text=Subquery(primary.values("text")[:1])
        ).filter(Q(p_source__isnull=True) | ~Q(p_source=F("source_id")) | ~Q(p_text=F("quote")))
        for pk, title, p_source in rows.values_list("pk", "title", "p_source").iterator():
            message = "has no primary rendering" if p_source is None else "its quote and source differ from its primary rendering"
            yield Violation("verbatim", f"{model._meta.verbose_name} {pk} “{title}”", message)


def quote_violations() -> Iterator[Violation]:
    yield from rendering_violations()
    for statement in Statement.objects.exclude(announcement="").prefetch_related("sources"):
        if not any(is_verbatim(statement.announcement, s.full_text) for s in statement.sources.all() if s.full_text):
            yield Violation("verbatim", f"statement “{statement}”", "announcement is not verbatim from any of its sources")


def status_violations() -> Iterator[Violation]:
    updates = StatusUpdate.objects.annotate(n_evidence=Count("evidence")).select_related("commitment")
    missing_rationale = updates.exclude(status=Status.NOT_YET_RATED).filter(rationale="")
    for update in missing_rationale:
        yield Violation("status", f"commitment {update.commitment_id}", f"status update {update.pk} has no rationale")
    for update in updates.filter(status__in=STATUSES_NEEDING_EVIDENCE, n_evidence=0):
        yield Violation("status", f"commitment {update.commitment_id}", f"status update {update.pk} ({update.status}) has no evidence")
    latest = published_updates().filter(commitment=OuterRef("pk")).order_by(*NEWEST_FIRST)
    stale = (
        Commitment.objects.annotate(latest=Subquery(latest.values("status")[:1]))
        .exclude(latest__isnull=True, status=Status.NOT_YET_RATED)
        .exclude(latest=F("status"))
    )
    for commitment in stale:
        yield Violation("status", f"commitment {commitment.pk}", f"cached status {commitment.status} differs from its history ({commitment.latest})")
    for commitment_id in intervals_disagreeing(update_model=StatusUpdate, interval_model=StatusInterval):
        yield Violation("status", f"commitment {commitment_id}", "its status intervals differ from its history (run rebuild_status_intervals)")


def integrity_violations() -> list[Violation]:
    return [*numbering_violations(), *quote_violations(), *status_violations()]
