"""What waits for review, and what each proposal would change."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from commitments.history import ASSESSMENT_ORDER
from commitments.models import (
    ChangeProposal,
    Claim,
    Commitment,
    EvidenceRevision,
    PartyAssessment,
    ReviewState,
    Score,
    Stance,
    Status,
    StatusUpdate,
    Verdict,
    VerdictUpdate,
)
from commitments.models.domain import EVIDENCE_FIELDS
from commitments.proposals import proposal_lines

from .services import REVIEWED_MODELS, Proposal

KINDS = {"status": StatusUpdate, "verdict": VerdictUpdate, "assessment": PartyAssessment, "evidence": EvidenceRevision,
         "change": ChangeProposal}
KIND_OF = {model: kind for kind, model in KINDS.items()}
AGES = {"1d": timedelta(days=1), "7d": timedelta(days=7), "30d": timedelta(days=30)}


@dataclass(frozen=True)
class Change:
    """One line of the diff a reviewer sees: what a field is now, and what it would be."""

    field: str
    old: str
    new: str


def proposals(*, model: type, statement_id: int | None = None, author_id: int | None = None, older_than: datetime | None = None,
              state: str = ReviewState.PROPOSED) -> QuerySet:
    """Rows of one kind in a review state, oldest first, with what the queue shows."""
    rows = model.objects.filter(review_state=state).select_related("author", "reviewer")
    if model is EvidenceRevision:
        return _filtered(rows.select_related("evidence"), statement_path=None, statement_id=statement_id, author_id=author_id,
                         older_than=older_than)
    if model is ChangeProposal:  # about a statement: its links (renderings and intakes name no statement before publication)
        rows = rows.filter(target_type="statement", target_id=statement_id) if statement_id else rows
        return _filtered(rows, statement_path=None, statement_id=None, author_id=author_id, older_than=older_than)
    rows = rows.prefetch_related("evidence")
    if model is VerdictUpdate:
        rows = rows.select_related("claim__statement")
        statement_path = "claim__statement_id"
    else:
        rows = rows.select_related("commitment__statement", "commitment__parent")
        statement_path = "commitment__statement_id"
    if model is PartyAssessment:
        rows = rows.select_related("party")
    return _filtered(rows, statement_path=statement_path, statement_id=statement_id, author_id=author_id, older_than=older_than)


def queue(*, kind: str | None, limit: int, statement_id: int | None = None, author_id: int | None = None,
          older_than: datetime | None = None) -> list[tuple[str, Proposal]]:
    """What waits, as (kind, row), oldest first over every kind, or of `kind` alone when it names one; at most `limit` of each
    kind. The queue the admin page and the API both show."""
    kinds = [kind] if kind in KINDS else list(KINDS)
    rows = [(k, row) for k in kinds
            for row in proposals(model=KINDS[k], statement_id=statement_id, author_id=author_id, older_than=older_than)[:limit]]
    return sorted(rows, key=lambda pair: pair[1].recorded_at)


def _filtered(rows: QuerySet, *, statement_path: str | None, statement_id: int | None, author_id: int | None,
              older_than: datetime | None) -> QuerySet:
    if statement_id and statement_path:
        rows = rows.filter(**{statement_path: statement_id})
    elif statement_id:  # evidence: proposals that link it to a point or claim of the statement
        rows = rows.filter(pk__in=_evidence_revisions_about(statement_id))
    if author_id:
        rows = rows.filter(author_id=author_id)
    if older_than:
        rows = rows.filter(recorded_at__lt=older_than)
    return rows.order_by("recorded_at", "id")


def _evidence_revisions_about(statement_id: int) -> list[int]:
    points = set(Commitment.objects.filter(statement_id=statement_id).values_list("pk", flat=True))
    claims = set(Claim.objects.filter(statement_id=statement_id).values_list("pk", flat=True))
    rows = EvidenceRevision.objects.proposed().values_list("pk", "changes", "evidence__commitments", "evidence__claims")
    return [pk for pk, changes, point, claim in rows
            if point in points or claim in claims
            or points & {*changes.get("commitments_add", ()), *changes.get("commitments_remove", ())}
            or claims & {*changes.get("claims_add", ()), *changes.get("claims_remove", ())}]


def pending_count() -> int:
    """How many proposals wait, over all kinds (the admin index badge)."""
    return sum(model.objects.proposed().count() for model in REVIEWED_MODELS)


def my_proposals(*, user: AbstractBaseUser, limit: int = 50) -> list[Proposal]:
    """The user's own proposals still waiting and the latest decided ones, newest first."""
    rows = []
    for model in REVIEWED_MODELS:
        rows += list(model.objects.filter(author_id=user.pk).select_related("reviewer").order_by("-recorded_at")[:limit])
    return sorted(rows, key=lambda row: row.recorded_at, reverse=True)[:limit]


def proposal_subject(row: Proposal) -> str:
    if isinstance(row, ChangeProposal):
        return f"{row.get_kind_display()}: {row.subject}"
    if isinstance(row, EvidenceRevision):
        return f"Evidence: {row.evidence.title}" if row.evidence.published_at else f"New evidence: {row.changes.get('title', row.evidence.title)}"
    if isinstance(row, VerdictUpdate):
        return f"Claim: {row.claim.title}"
    commitment = row.commitment
    return f"{row.party.name} on {commitment.label}" if isinstance(row, PartyAssessment) else commitment.label


def proposal_changes(row: Proposal) -> list[Change]:
    """What publishing this row would change, field by field, against what readers see now."""
    if isinstance(row, ChangeProposal):
        return [Change(*line) for line in proposal_lines(row)]
    if isinstance(row, EvidenceRevision):
        return evidence_changes(row)
    if isinstance(row, StatusUpdate):
        commitment: Commitment = row.commitment
        return [
            Change("status", Status(commitment.status).label, row.get_status_display()),
            Change("since", str(commitment.status_since or "—"), str(row.effective_on)),
            Change("rationale", "", row.rationale),
        ]
    if isinstance(row, VerdictUpdate):
        claim: Claim = row.claim
        return [
            Change("verdict", Verdict(claim.verdict).label, row.get_verdict_display()),
            Change("rationale", claim.verdict_rationale, row.rationale),
        ]
    current = (
        PartyAssessment.objects.published().filter(commitment_id=row.commitment_id, party_id=row.party_id)
        .order_by(*(f"-{field}" for field in ASSESSMENT_ORDER)).first()
    )
    return [
        Change("score", Score(current.score).label if current else "not assessed", Score(row.score).label),
        Change("assessed on", str(current.assessed_on) if current else "—", str(row.assessed_on)),
        Change("rationale", current.rationale if current else "", row.rationale),
    ]


def _evidence_value(field: str, value) -> str:
    if value in (None, ""):
        return "—" if field == "published_on" else ""
    return Stance(value).label if field == "stance" else str(value)


def _labels(model: type, ids) -> str:
    rows = model.objects.filter(pk__in=ids).select_related("statement", *(("parent",) if model is Commitment else ()))
    if model is Commitment:
        return "; ".join(row.label for row in rows)
    return "; ".join(f"claim: {row.title}" for row in rows)


def evidence_changes(row: EvidenceRevision) -> list[Change]:
    """The diff of an evidence revision: each changed field (now -> would become) and the links it adds or removes.

    For new evidence "now" is empty: nothing of it is public yet.
    """
    evidence, changes = row.evidence, row.changes
    public = evidence.published_at is not None
    lines = [
        Change(field.replace("_", " "), _evidence_value(field, getattr(evidence, field)) if public else "", _evidence_value(field, changes[field]))
        for field in EVIDENCE_FIELDS if field in changes
    ]
    for model, name in ((Commitment, "commitments"), (Claim, "claims")):
        if changes.get(f"{name}_add"):
            lines.append(Change("attached to", "", _labels(model, changes[f"{name}_add"])))
        if changes.get(f"{name}_remove"):
            lines.append(Change("attached to", _labels(model, changes[f"{name}_remove"]), "(removed)"))
    return lines
