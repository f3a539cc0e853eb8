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
from django.db import connection, transaction
from django.utils import timezone

from commitments.history import HISTORY_ORDER, VERDICT_ORDER, current_status, intervals_from_history
from commitments.models import (
    Claim,
    Commitment,
    Evidence,
    EvidenceRevision,
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
from commitments.models.domain import EVIDENCE_FIELDS, EVIDENCE_LINKS, STATUSES_NEEDING_EVIDENCE
from commitments.selectors import unfiltered_aggregates_warm


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


def _evidence_draft(*, data: NewEvidence, created_by: AbstractBaseUser | None) -> Evidence:
    """A new evidence row, not yet public: a published revision or the proposal citing it publishes it."""
    evidence = Evidence(
        url=data.url, title=data.title, publisher=data.publisher, published_on=data.published_on,
        excerpt=data.excerpt, stance=data.stance, created_by=created_by,
    )
    evidence.full_clean()
    evidence.save()
    return evidence


def evidence_create(
    *, data: NewEvidence, created_by: AbstractBaseUser, commitments: Iterable[Commitment] = (), claims: Iterable[Claim] = (),
    now: datetime | None = None,
) -> Evidence:
    """Propose new evidence, attached to commitments and claims: public once a Reviewer publishes it."""
    evidence = Evidence(
        url=data.url, title=data.title, publisher=data.publisher, published_on=data.published_on,
        excerpt=data.excerpt, stance=data.stance,
    )
    return evidence_propose_new(evidence=evidence, author=created_by, commitments=commitments, claims=claims, now=now)


@transaction.atomic
def evidence_propose_new(
    *, evidence: Evidence, author: AbstractBaseUser, commitments: Iterable[Commitment] = (), claims: Iterable[Claim] = (),
    reason: str = "", now: datetime | None = None,
) -> Evidence:
    """Save an unsaved Evidence as a draft and propose it (its fields and links) in one revision."""
    evidence.created_by, evidence.published_at = author, None
    evidence.full_clean()
    evidence.save()
    changes = {field: getattr(evidence, field) for field in EVIDENCE_FIELDS}
    changes["published_on"] = str(evidence.published_on) if evidence.published_on else None
    changes |= _link_changes(commitments_add=commitments, claims_add=claims)
    evidence_revision_record(evidence=evidence, changes=changes, author=author, reason=reason, now=now)
    return evidence


def _gather_ids(rows: Iterable) -> list[int]:
    return sorted({row.pk for row in rows})


def _link_changes(**links: Iterable) -> dict[str, list[int]]:
    return {key: ids for key, rows in links.items() if (ids := _gather_ids(rows))}


def _evidence_gather(
    *, existing: Iterable[Evidence], new: Sequence[NewEvidence], author: AbstractBaseUser
) -> list[Evidence]:
    # Evidence created with a proposal is reviewed with it: publishing the proposal publishes it.
    return [*existing, *(_evidence_draft(data=item, created_by=author) for item in new)]


def review_required() -> bool:
    """TRACKER_REVIEW_REQUIRED: whether a second person must publish what an editor records."""
    return settings.TRACKER_REVIEW_REQUIRED


def initial_review(*, now: datetime) -> dict:
    """The review columns of a new row: proposed, or published at once when review is off.

    Published without review leaves the reviewer empty: nobody reviewed it.
    """
    if review_required():
        return {"review_state": ReviewState.PROPOSED}
    return {"review_state": ReviewState.PUBLISHED, "published_at": now}


def history_insert(row) -> None:
    """Insert a history row; one published without review (review off) is announced to the trigger for this insert only.

    The PostgreSQL trigger (migration 0022) refuses rows inserted already published unless told so.
    """
    unreviewed = row.is_published and row.reviewer_id is None and connection.vendor == "postgresql"
    if not unreviewed:
        row.save()
        return
    with connection.cursor() as cursor:
        # A failed insert rolls the transaction (or savepoint) back, and the setting with it.
        cursor.execute("SET LOCAL commitments.unreviewed = 'on'")
        row.save()
        cursor.execute("SET LOCAL commitments.unreviewed = 'off'")


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


def history_row_published(*, row: StatusUpdate | VerdictUpdate | PartyAssessment | EvidenceRevision) -> None:
    """What publishing a row implies: its evidence is public and joins the commitment or claim, and the caches follow.

    Called inside the transaction that published the row (at record time with review off,
    or by commitments.review.services on approval).
    """
    if isinstance(row, EvidenceRevision):
        evidence_revision_apply(revision=row)
        return
    if isinstance(row, StatusUpdate | PartyAssessment):
        # The counts, the weeks and the matrix change: compute them for their next reader once this commits
        # (robust: a failure there is logged, the publication stands).
        transaction.on_commit(unfiltered_aggregates_warm, robust=True)
    evidence = list(row.evidence.all())
    Evidence.objects.filter(pk__in=[e.pk for e in evidence], published_at__isnull=True).update(published_at=row.published_at)
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


def _history_row_save(row, *, evidence: Iterable[Evidence], new_evidence: Sequence[NewEvidence], author: AbstractBaseUser) -> None:
    history_insert(row)
    row.evidence.add(*_evidence_gather(existing=evidence, new=new_evidence, author=author))
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
        **initial_review(now=now or timezone.now()),
    )
    update.full_clean(validate_constraints=False)  # the only constraint is on the review columns, set here
    _history_row_save(update, evidence=evidence, new_evidence=new_evidence, author=author)
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
    update = VerdictUpdate(claim=claim, verdict=verdict, rationale=rationale, author=author, **initial_review(now=now or timezone.now()))
    update.full_clean(validate_constraints=False)  # the only constraint is on the review columns, set here
    _history_row_save(update, evidence=evidence, new_evidence=new_evidence, author=author)
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
        rationale=rationale, author=author, **initial_review(now=now or timezone.now()),
    )
    assessment.full_clean(validate_constraints=False)  # review columns are set here; the score range is a field validator too
    if not commitment.parties.filter(pk=party.pk).exists():
        raise ValidationError({"party": f"{party} is not a party responsible for this commitment."})
    _history_row_save(assessment, evidence=evidence, new_evidence=new_evidence, author=author)
    return assessment


@transaction.atomic
def evidence_attach(
    *, evidence: Evidence, author: AbstractBaseUser, commitments: Iterable[Commitment] = (), claims: Iterable[Claim] = (),
    now: datetime | None = None,
) -> EvidenceRevision | None:
    """Propose linking evidence to commitments and claims (None when it already is linked to all of them)."""
    changes = _link_changes(
        commitments_add=[c for c in commitments if not evidence.commitments.filter(pk=c.pk).exists()],
        claims_add=[c for c in claims if not evidence.claims.filter(pk=c.pk).exists()],
    )
    return evidence_revision_record(evidence=evidence, changes=changes, author=author, now=now) if changes else None


def evidence_changes(*, evidence: Evidence, data: dict, commitments: Iterable[Commitment] | None = None,
                     claims: Iterable[Claim] | None = None) -> dict:
    """What an edit changes against the evidence as readers see it: new field values, links added or removed."""
    changes = {field: data[field] for field in EVIDENCE_FIELDS if field in data and data[field] != getattr(evidence, field)}
    if "published_on" in changes:
        changes["published_on"] = str(changes["published_on"]) if changes["published_on"] else None
    for name, wanted in (("commitments", commitments), ("claims", claims)):
        if wanted is None:
            continue
        now_ids, wanted_ids = set(getattr(evidence, name).values_list("pk", flat=True)), set(_gather_ids(wanted))
        changes |= {key: sorted(ids) for key, ids in ((f"{name}_add", wanted_ids - now_ids), (f"{name}_remove", now_ids - wanted_ids)) if ids}
    return changes


@transaction.atomic
def evidence_revise(
    *, evidence: Evidence, author: AbstractBaseUser, data: dict, commitments: Iterable[Commitment] | None = None,
    claims: Iterable[Claim] | None = None, reason: str = "", now: datetime | None = None,
) -> EvidenceRevision | None:
    """Propose an edit of evidence (fields in `data`; links as the full wanted sets). None when nothing changes."""
    changes = evidence_changes(evidence=evidence, data=data, commitments=commitments, claims=claims)
    if not changes:
        return None
    probe = Evidence(**{field: getattr(evidence, field) for field in EVIDENCE_FIELDS} | {k: data[k] for k in EVIDENCE_FIELDS if k in data})
    probe.full_clean(exclude=["created_by", "published_at"])
    return evidence_revision_record(evidence=evidence, changes=changes, author=author, reason=reason, now=now)


@transaction.atomic
def evidence_revision_record(
    *, evidence: Evidence, changes: dict, author: AbstractBaseUser, reason: str = "", now: datetime | None = None,
) -> EvidenceRevision:
    """Record a proposed change of evidence; published at once (and applied) when review is off."""
    unknown = set(changes) - {*EVIDENCE_FIELDS, *EVIDENCE_LINKS}
    if unknown:
        raise ValidationError(f"Evidence has no {', '.join(sorted(unknown))}.")
    before = {} if evidence.published_at is None else {
        field: str(value) if field == "published_on" and value else value
        for field in EVIDENCE_FIELDS if field in changes for value in [getattr(evidence, field)]
    }
    revision = EvidenceRevision(evidence=evidence, changes=changes, reason=reason, before=before, author=author,
                                **initial_review(now=now or timezone.now()))
    revision.full_clean(validate_constraints=False)
    history_insert(revision)
    if revision.is_published:
        history_row_published(row=revision)
    return revision


def evidence_revision_apply(*, revision: EvidenceRevision) -> None:
    """What publishing a revision does: the evidence takes its values and links, and is public from then on."""
    evidence = Evidence.objects.select_for_update().get(pk=revision.evidence_id)
    changes = revision.changes
    for field in EVIDENCE_FIELDS:
        if field in changes:
            setattr(evidence, field, date.fromisoformat(changes[field]) if field == "published_on" and changes[field] else changes[field])
    evidence.published_at = evidence.published_at or revision.published_at
    evidence.save()
    touched_commitments = {*changes.get("commitments_add", ()), *changes.get("commitments_remove", ())}
    touched_claims = {*changes.get("claims_add", ()), *changes.get("claims_remove", ())}
    evidence.commitments.add(*changes.get("commitments_add", ()))
    evidence.commitments.remove(*changes.get("commitments_remove", ()))
    evidence.claims.add(*changes.get("claims_add", ()))
    evidence.claims.remove(*changes.get("claims_remove", ()))
    # Linked commitments and claims count as changed (for sync, ETags and digests); so do those it was already on.
    touched_commitments |= set(evidence.commitments.values_list("pk", flat=True))
    touched_claims |= set(evidence.claims.values_list("pk", flat=True))
    Commitment.objects.filter(pk__in=touched_commitments).update(updated_at=revision.published_at)
    Claim.objects.filter(pk__in=touched_claims).update(updated_at=revision.published_at)
