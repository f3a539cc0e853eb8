"""Functions that write. The admin, the API and the commands all go through these.

Each one validates first and writes inside one transaction, so bad input raises a
ValidationError (with field messages) and leaves nothing half-written.

Status updates, verdicts and party assessments are recorded as proposals. They reach
readers when published: by a reviewer (commitments.review.services), or at once when
TRACKER_REVIEW_REQUIRED is off. Either way `history_row_published` then applies what a
published row implies (current status and intervals, the claim's verdict, evidence links).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from commitments.history import HISTORY_ORDER, VERDICT_ORDER, current_status, intervals_from_history
from commitments.models import (
    Claim,
    Commitment,
    Evidence,
    Party,
    PartyAssessment,
    ReviewState,
    Stance,
    Status,
    StatusInterval,
    StatusUpdate,
    Verdict,
    VerdictUpdate,
)
from commitments.models.domain import STATUSES_NEEDING_EVIDENCE


@dataclass(frozen=True)
class NewEvidence:
    """Evidence described in the same form that records a status, verdict or score."""

    url: str
    title: str
    publisher: str = ""
    published_on: date | None = None
    excerpt: str = ""
    stance: str = Stance.SUPPORTS


def status_update_errors(*, status: str, rationale: str, evidence_count: int) -> dict[str, str]:
    """The integrity rules for a status change, as field messages (empty when valid)."""
    errors = {}
    if status not in Status.values:
        errors["status"] = f"“{status}” is not a status. Choose one of: {', '.join(Status.values)}."
    elif status != Status.NOT_YET_RATED and not rationale.strip():
        errors["rationale"] = f"A rationale is required for the status “{Status(status).label}”."
    if status in STATUSES_NEEDING_EVIDENCE and evidence_count < 1:
        errors["evidence"] = (
            f"The status “{Status(status).label}” needs at least one piece of evidence."
        )
    return errors


def verdict_update_errors(*, verdict: str, rationale: str) -> dict[str, str]:
    if verdict not in Verdict.values:
        return {"verdict": f"“{verdict}” is not a verdict. Choose one of: {', '.join(Verdict.values)}."}
    if verdict != Verdict.NOT_CHECKED and not rationale.strip():
        return {"rationale": f"A rationale is required for the verdict “{Verdict(verdict).label}”."}
    return {}


def evidence_create(*, data: NewEvidence, created_by: AbstractBaseUser | None) -> Evidence:
    evidence = Evidence(
        url=data.url, title=data.title, publisher=data.publisher, published_on=data.published_on,
        excerpt=data.excerpt, stance=data.stance, created_by=created_by,
    )
    evidence.full_clean()
    evidence.save()
    return evidence


def _evidence_gather(
    *, existing: Iterable[Evidence], new: Sequence[NewEvidence], author: AbstractBaseUser
) -> list[Evidence]:
    return [*existing, *(evidence_create(data=item, created_by=author) for item in new)]


def review_required() -> bool:
    """TRACKER_REVIEW_REQUIRED: whether a second person must publish what an editor records."""
    return settings.TRACKER_REVIEW_REQUIRED


def _initial_review(*, now: datetime) -> dict:
    """The review columns of a new row: always a proposal (the database refuses a row inserted published).

    With review off `_history_row_save` publishes it at once, leaving the reviewer empty: nobody reviewed it.
    """
    return {"review_state": ReviewState.PROPOSED}


def evidence_publish(*, evidence_ids: Iterable[int], at: datetime) -> None:
    """Evidence becomes public (if it was a draft) when the proposal or history row that brings it is published."""
    Evidence.objects.filter(pk__in=list(evidence_ids), published_at__isnull=True).update(published_at=at)


def commitment_status_refresh(*, commitment: Commitment) -> None:
    """Cache the current status on the commitment and rewrite its status intervals.

    Both are derived from the published history (which stays the truth). The caller holds
    the commitment's row lock, so concurrent updates cannot interleave their rewrites.
    """
    history = list(
        StatusUpdate.objects.published().filter(commitment=commitment).order_by(*HISTORY_ORDER).values_list("status", "effective_on")
    )
    commitment.status, commitment.status_since = current_status(history)
    commitment.save(update_fields=["status", "status_since", "updated_at"])
    StatusInterval.objects.filter(commitment=commitment).delete()
    StatusInterval.objects.bulk_create(
        StatusInterval(commitment=commitment, status=status, start_on=start, end_on=end, is_first=n == 0)
        for n, (status, start, end) in enumerate(intervals_from_history(history))
    )


def claim_verdict_refresh(*, claim: Claim) -> None:
    """Cache the claim's current verdict: its latest recorded published verdict, or "not checked"."""
    latest = VerdictUpdate.objects.published().filter(claim=claim).order_by(*(f"-{f}" for f in VERDICT_ORDER)).first()
    if latest is None:
        claim.verdict, claim.verdict_rationale, claim.verdict_at = Verdict.NOT_CHECKED, "", None
    else:
        claim.verdict, claim.verdict_rationale, claim.verdict_at = latest.verdict, latest.rationale, latest.published_at
    claim.save(update_fields=["verdict", "verdict_rationale", "verdict_at", "updated_at"])


def history_row_published(*, row: StatusUpdate | VerdictUpdate | PartyAssessment) -> None:
    """What publishing a row implies: its evidence joins the commitment or claim, and the caches follow.

    Called inside the transaction that published the row (at record time with review off,
    or by commitments.review.services on approval).
    """
    evidence = list(row.evidence.all())
    evidence_publish(evidence_ids=[e.pk for e in evidence], at=row.published_at or timezone.now())
    if isinstance(row, VerdictUpdate):
        claim = Claim.objects.select_for_update().get(pk=row.claim_id)
        claim.evidence.add(*evidence)
        claim_verdict_refresh(claim=claim)
        return
    commitment = Commitment.objects.select_for_update().get(pk=row.commitment_id)
    commitment.evidence.add(*evidence)
    if isinstance(row, StatusUpdate):
        commitment_status_refresh(commitment=commitment)
    else:
        # Dashboards sync on updated_at: a new score is a change of the commitment.
        commitment.save(update_fields=["updated_at"])


def _history_row_save(
    row, *, evidence: Iterable[Evidence], new_evidence: Sequence[NewEvidence], author: AbstractBaseUser, now: datetime | None,
) -> None:
    row.save()
    row.evidence.add(*_evidence_gather(existing=evidence, new=new_evidence, author=author))
    if not review_required():
        type(row).objects.filter(pk=row.pk).review_decide(state=ReviewState.PUBLISHED, reviewer=None, at=now or timezone.now())
        row.refresh_from_db(fields=["review_state", "published_at", "reviewed_at"])
    if row.is_published:
        history_row_published(row=row)


@transaction.atomic
def status_update_record(
    *,
    commitment: Commitment,
    status: str,
    effective_on: date,
    rationale: str,
    author: AbstractBaseUser,
    evidence: Iterable[Evidence] = (),
    new_evidence: Sequence[NewEvidence] = (),
    now: datetime | None = None,
) -> StatusUpdate:
    """Propose a status change for a commitment (published at once when review is off).

    Once published, an update with an earlier effective date than the latest one is kept in
    the history but does not change the current status.
    """
    evidence = list(evidence)
    errors = status_update_errors(
        status=status, rationale=rationale, evidence_count=len(evidence) + len(new_evidence)
    )
    if errors:
        raise ValidationError(errors)
    update = StatusUpdate(
        commitment=commitment, status=status, effective_on=effective_on, rationale=rationale, author=author,
        **_initial_review(now=now or timezone.now()),
    )
    update.full_clean(validate_constraints=False)  # the only constraint is on the review columns, set here
    _history_row_save(update, evidence=evidence, new_evidence=new_evidence, author=author, now=now)
    return update


@transaction.atomic
def verdict_update_record(
    *,
    claim: Claim,
    verdict: str,
    rationale: str,
    author: AbstractBaseUser,
    evidence: Iterable[Evidence] = (),
    new_evidence: Sequence[NewEvidence] = (),
    now: datetime | None = None,
) -> VerdictUpdate:
    """Propose a verdict on a claim (published at once when review is off); earlier verdicts stay in its history."""
    errors = verdict_update_errors(verdict=verdict, rationale=rationale)
    if errors:
        raise ValidationError(errors)
    update = VerdictUpdate(claim=claim, verdict=verdict, rationale=rationale, author=author, **_initial_review(now=now or timezone.now()))
    update.full_clean(validate_constraints=False)  # the only constraint is on the review columns, set here
    _history_row_save(update, evidence=evidence, new_evidence=new_evidence, author=author, now=now)
    return update


@transaction.atomic
def assessment_record(
    *,
    commitment: Commitment,
    party: Party,
    score: int,
    assessed_on: date,
    rationale: str,
    author: AbstractBaseUser,
    evidence: Iterable[Evidence] = (),
    new_evidence: Sequence[NewEvidence] = (),
    now: datetime | None = None,
) -> PartyAssessment:
    """Propose one party's compliance score on one commitment (-1, 0, +1); history is kept."""
    assessment = PartyAssessment(
        commitment=commitment, party=party, score=score, assessed_on=assessed_on,
        rationale=rationale, author=author, **_initial_review(now=now or timezone.now()),
    )
    assessment.full_clean(validate_constraints=False)  # review columns are set here; the score range is a field validator too
    if not commitment.parties.filter(pk=party.pk).exists():
        raise ValidationError({"party": f"{party} is not a party responsible for this commitment."})
    _history_row_save(assessment, evidence=evidence, new_evidence=new_evidence, author=author, now=now)
    return assessment


@transaction.atomic
def evidence_attach(*, evidence: Evidence, commitments: Iterable[Commitment] = (), claims: Iterable[Claim] = ()) -> None:
    """Link evidence to commitments and claims; they count as changed (for sync, ETags and digests)."""
    commitments, claims = list(commitments), list(claims)
    evidence.commitments.add(*commitments)
    evidence.claims.add(*claims)
    now = timezone.now()
    Commitment.objects.filter(pk__in=[c.pk for c in commitments]).update(updated_at=now)
    Claim.objects.filter(pk__in=[c.pk for c in claims]).update(updated_at=now)
