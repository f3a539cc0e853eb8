"""The status-history rules, in one place: what counts, in which order, and what it implies.

Everything that reads a commitment's status history (the admin, the API, digests, feeds,
pages, stats, intervals, the integrity check) calls these functions; none writes its own.

Other capabilities call:

- ``published_updates()``: the status updates the public may see (review published only);
  likewise ``published_verdicts()``, ``published_assessments()`` and ``published_evidence()``.
- ``previous_verdict()``: (SQL) the verdict readers saw just before a published one, if any.
- ``superseded_status()``: (SQL) the status a published update corrects on its own effective date, if any.
- ``status_history(commitment_id=...)``: one commitment's published history, newest first.
- ``current_status(history)``: (status, since) from a history in HISTORY_ORDER.
- ``status_at(history, moment)``: the status the public saw at a moment (by publication time).
- ``intervals_from_history(history)``: the (status, from, to) spans the history implies.

The rules: a commitment's current status is its published update with the latest effective
date, then the latest recorded, then the highest id; before any, "not yet rated". A verdict's
current value is the latest recorded published verdict; a party's score on a commitment is its
latest published assessment by (assessed_on, recorded_at, id).
"""

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from django.db.models import OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from commitments.models import Evidence, PartyAssessment, Status, StatusUpdate, VerdictUpdate

# Oldest first. The last row in this order is the current one.
HISTORY_ORDER = ("effective_on", "recorded_at", "id")
NEWEST_FIRST = tuple(f"-{field}" for field in HISTORY_ORDER)
VERDICT_ORDER = ("recorded_at", "id")
ASSESSMENT_ORDER = ("assessed_on", "recorded_at", "id")

Interval = tuple[str, date, date | None]


def published_updates() -> QuerySet[StatusUpdate]:
    """Status updates the public may see; every reader starts here."""
    return StatusUpdate.objects.published()


def published_verdicts() -> QuerySet[VerdictUpdate]:
    return VerdictUpdate.objects.published()


def published_assessments() -> QuerySet[PartyAssessment]:
    return PartyAssessment.objects.published()


def published_evidence() -> QuerySet[Evidence]:
    """Evidence the public may see: published by a reviewed revision, or with the proposal that cites it.

    Its links to commitments and claims are likewise made only when published (services.evidence_revision_apply,
    services.history_row_published); a draft or a proposed edit changes nothing here.
    """
    return Evidence.objects.filter(published_at__isnull=False)


def previous_status() -> Coalesce:
    """For each status update row: the status the public saw just before it was published (status_at, in SQL).

    Annotate published rows with it: `published_updates().annotate(previous_status=previous_status())`.
    """
    before = Q(published_at__lt=OuterRef("published_at")) | Q(published_at=OuterRef("published_at"), id__lt=OuterRef("id"))
    earlier = published_updates().filter(before, commitment_id=OuterRef("commitment_id")).order_by(*NEWEST_FIRST).values("status")[:1]
    return Coalesce(Subquery(earlier), Value(Status.NOT_YET_RATED.value))


def previous_verdict() -> Subquery:
    """For each published verdict: the verdict readers saw on the claim just before it was published, or NULL (none yet)."""
    before = Q(published_at__lt=OuterRef("published_at")) | Q(published_at=OuterRef("published_at"), id__lt=OuterRef("id"))
    earlier = published_verdicts().filter(before, claim_id=OuterRef("claim_id")).order_by("-published_at", "-id").values("verdict")[:1]
    return Subquery(earlier)


def superseded_status() -> Subquery:
    """For each published status update: the status of the published update it supersedes on its own effective date, or NULL.

    An update supersedes one that readers already saw (published before it) with the same effective date and an
    earlier place in HISTORY_ORDER: the earlier one then lasts no time (intervals_from_history). That is a status
    correcting what was said about a day, not a new status: the corrections log lists these.
    """
    earlier_in_order = Q(recorded_at__lt=OuterRef("recorded_at")) | Q(recorded_at=OuterRef("recorded_at"), id__lt=OuterRef("id"))
    seen_before = Q(published_at__lt=OuterRef("published_at")) | Q(published_at=OuterRef("published_at"), id__lt=OuterRef("id"))
    superseded = published_updates().filter(
        earlier_in_order, seen_before, commitment_id=OuterRef("commitment_id"), effective_on=OuterRef("effective_on"),
    ).order_by(*NEWEST_FIRST).values("status")[:1]
    return Subquery(superseded)


def status_history(*, commitment_id: int) -> QuerySet[StatusUpdate]:
    """One commitment's published status history, newest first."""
    return published_updates().filter(commitment_id=commitment_id).order_by(*NEWEST_FIRST)


def history_key(row) -> tuple:
    """HISTORY_ORDER as a sort key, for a StatusUpdate or a dict with the same keys."""
    get = row.get if isinstance(row, dict) else lambda name: getattr(row, name)
    return tuple(get(field) for field in HISTORY_ORDER)


def current_status(history: Sequence[tuple[str, date]]) -> tuple[str, date | None]:
    """(status, since) from (status, effective_on) pairs in HISTORY_ORDER."""
    return history[-1] if history else (Status.NOT_YET_RATED, None)


def status_at(history: Iterable[dict], moment: datetime, *, before_id: int | None = None) -> str:
    """The status the public saw at `moment`: the current status among the rows published before it.

    Rows are dicts with id, status, effective_on, recorded_at and published_at. `before_id`
    breaks a tie at exactly `moment`: rows with a smaller id count as published before.
    """
    def known_then(row: dict) -> bool:
        at = row["published_at"]
        return at is not None and (at < moment or (before_id is not None and at == moment and row["id"] < before_id))

    known = [row for row in history if known_then(row)]
    return max(known, key=history_key)["status"] if known else Status.NOT_YET_RATED


def intervals_from_history(updates: Iterable[tuple[str, date]]) -> list[Interval]:
    """(status, effective_on) pairs in HISTORY_ORDER -> the non-empty intervals they imply.

    Each update lasts until the next one takes effect; an update superseded on its own
    effective date (same day, recorded later) lasts no time and leaves no interval.
    """
    updates = list(updates)
    if not updates:
        return []
    ends = [effective_on for _, effective_on in updates[1:]] + [None]
    return [(status, start, end) for (status, start), end in zip(updates, ends, strict=True) if end is None or end > start]
