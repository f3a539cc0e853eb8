"""Publishing and rejecting proposals. The admin, the API and the commands all come here.

One rule decides who may review a proposal (`may_review`): an active user holding the
Reviewer permission for that kind of row, who is not its proposer. A decision is taken once:
the conditional update in `ReviewedQuerySet.review_decide` lets only the first one through.
"""

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from commitments.models import ChangeProposal, EvidenceRevision, PartyAssessment, ReviewState, StatusUpdate, VerdictUpdate
from commitments.proposals import proposal_apply
from commitments.services import history_row_published

Proposal = StatusUpdate | VerdictUpdate | PartyAssessment | EvidenceRevision | ChangeProposal
# Every kind of proposal: one queue, one rule (review_refusal), one decision (_decide).
REVIEWED_MODELS: tuple[type, ...] = (StatusUpdate, VerdictUpdate, PartyAssessment, EvidenceRevision, ChangeProposal)


def review_permission(model: type) -> str:
    return f"{model._meta.app_label}.review_{model._meta.model_name}"


def may_review_kind(*, user: AbstractBaseUser, model: type) -> bool:
    """Whether the user holds the Reviewer permission for this kind of row (whoever proposed it)."""
    return bool(user and user.is_active and user.is_authenticated and user.has_perm(review_permission(model)))


def review_refusal(*, user: AbstractBaseUser, row: Proposal) -> str:
    """Why this user may not publish or reject this row ('' when they may). The one rule."""
    if not may_review_kind(user=user, model=type(row)):
        return "Only a Reviewer may publish or reject proposals."
    if row.author_id == user.pk:
        return "You proposed this: another Reviewer must publish or reject it."
    if row.review_state != ReviewState.PROPOSED:
        return f"This was already {row.get_review_state_display().lower()}."
    return ""


def may_review(*, user: AbstractBaseUser, row: Proposal) -> bool:
    return not review_refusal(user=user, row=row)


@transaction.atomic
def _decide(*, row: Proposal, reviewer: AbstractBaseUser, state: str, comment: str, now: datetime | None) -> Proposal:
    refusal = review_refusal(user=reviewer, row=row)
    if refusal:
        raise PermissionDenied(refusal)
    changed = type(row).objects.filter(pk=row.pk).review_decide(state=state, reviewer=reviewer, at=now or timezone.now(), comment=comment)
    if not changed:
        raise ValidationError("This proposal was reviewed meanwhile by someone else.")
    row = type(row).objects.get(pk=row.pk)
    if row.is_published:
        row_published(row=row)
    return row


def row_published(*, row: Proposal) -> None:
    """What publishing implies: a change proposal is written; a history row's caches and evidence follow."""
    if isinstance(row, ChangeProposal):
        proposal_apply(proposal=row)
    else:
        history_row_published(row=row)


def proposal_approve(*, row: Proposal, reviewer: AbstractBaseUser, comment: str = "", now: datetime | None = None) -> Proposal:
    """Publish a proposal: from now on every reader shows it, and the current status or verdict follows."""
    return _decide(row=row, reviewer=reviewer, state=ReviewState.PUBLISHED, comment=comment, now=now)


def proposal_reject(*, row: Proposal, reviewer: AbstractBaseUser, comment: str, now: datetime | None = None) -> Proposal:
    """Reject a proposal with a reason; it stays in the history, marked, visible to staff only."""
    if not comment.strip():
        raise ValidationError({"comment": "Say why it is rejected: the proposer reads this."})
    return _decide(row=row, reviewer=reviewer, state=ReviewState.REJECTED, comment=comment, now=now)


def can_see_queue(user) -> bool:
    """Staff who may view some kind of proposal may open the review queue."""
    return user.is_active and user.is_staff and any(
        user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}") for model in REVIEWED_MODELS
    )
