"""What waits for review, and what each proposal would change."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from commitments.history import ASSESSMENT_ORDER
from commitments.models import ChangeProposal, Claim, Commitment, PartyAssessment, ReviewState, Score, Status, StatusUpdate, Verdict, VerdictUpdate
from commitments.proposals import proposal_lines

from .services import REVIEWED_MODELS, Proposal

KINDS = {"status": StatusUpdate, "verdict": VerdictUpdate, "assessment": PartyAssessment, "change": ChangeProposal}
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
    if model is ChangeProposal:
        return _filtered(rows, statement_id=statement_id, author_id=author_id, older_than=older_than).order_by("recorded_at", "id")
    rows = rows.prefetch_related("evidence")
    if model is VerdictUpdate:
        rows = rows.select_related("claim__statement")
        statement_path = "claim__statement_id"
    else:
        rows = rows.select_related("commitment__statement", "commitment__parent")
        statement_path = "commitment__statement_id"
    if model is PartyAssessment:
        rows = rows.select_related("party")
    if statement_id:
        rows = rows.filter(**{statement_path: statement_id})
    return _filtered(rows, author_id=author_id, older_than=older_than).order_by("recorded_at", "id")


def _filtered(rows: QuerySet, *, statement_id: int | None = None, author_id: int | None = None, older_than: datetime | None = None) -> QuerySet:
    if statement_id:  # change proposals: those about the statement itself (its links)
        rows = rows.filter(target_type="statement", target_id=statement_id)
    if author_id:
        rows = rows.filter(author_id=author_id)
    if older_than:
        rows = rows.filter(recorded_at__lt=older_than)
    return rows


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
    if isinstance(row, VerdictUpdate):
        return f"Claim: {row.claim.title}"
    commitment = row.commitment
    prefix = f"{commitment.statement.title} {commitment.number}. {commitment.title}"
    return f"{row.party.name} on {prefix}" if isinstance(row, PartyAssessment) else prefix


def proposal_changes(row: Proposal) -> list[Change]:
    """What publishing this row would change, field by field, against what readers see now."""
    if isinstance(row, ChangeProposal):
        return [Change(*line) for line in proposal_lines(row)]
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
