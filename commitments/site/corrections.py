"""The corrections log: every published change to something readers had already seen (issue 19 item 6).

One selector, `corrections(since=..., until=...)`, read by the page (/corrections/) and the API
(/api/v1/corrections/). It reads published rows only, newest published first, and a page of it
runs a fixed number of queries (one for the page's keys, one per kind for their details).

What counts as a correction (and what does not):

- **quote**: a published proposal that replaced a point's or claim's public quote (a rendering made
  primary, or added as primary). From the quote readers saw when it was proposed to the new one;
  the reason is the reviewer's comment when publishing (a rendering proposal has no reason field).
- **status**: a published status update that *supersedes* one readers had seen on the same
  effective date (commitments.history.superseded_status: the earlier one then lasts no time). A
  status update with a new effective date is not a correction: a commitment's status moves as the
  world does, and /changes/ lists those. The reason is its rationale.
- **verdict**: a published verdict on a claim that already had one: a claim is judged once, so a
  new verdict revises the earlier judgement. The reason is its rationale.
- **evidence**: a published EvidenceRevision over evidence already public (an edit of its title,
  URL, publisher, date, excerpt, stance or what it is attached to). The reason is the revision's
  own, else the reviewer's comment.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import overload

from django.db.models import F, Q, QuerySet, Value

from commitments import history
from commitments.models import (
    ChangeKind,
    ChangeProposal,
    Claim,
    Commitment,
    Evidence,
    EvidenceRevision,
    Rendering,
    Stance,
    Status,
    StatusUpdate,
    Verdict,
    VerdictUpdate,
)
from commitments.models.domain import EVIDENCE_FIELDS

KINDS = {"quote": "Quote", "status": "Status", "verdict": "Verdict", "evidence": "Evidence"}
EVIDENCE_LABELS = {"url": "address", "title": "title", "publisher": "publisher", "published_on": "date", "excerpt": "excerpt", "stance": "stance"}
NOTHING = "—"


@dataclass(frozen=True)
class Change:
    """One field of a correction: what readers saw, and what they see since."""

    field: str
    before: str
    after: str


@dataclass(frozen=True)
class Correction:
    kind: str
    id: int
    published_at: datetime
    subject: str
    path: str  # the public page it concerns ('' when it has none)
    changes: list[Change]
    reason: str
    reviewed: bool  # published by a Reviewer (False: review was off)

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]


# --- Which rows are corrections: one query for a page of keys ----------------------------------


def _keys(rows: QuerySet, kind: str) -> QuerySet:
    return rows.annotate(row_kind=Value(kind), row_id=F("id"), row_at=F("published_at")).values_list("row_kind", "row_id", "row_at")


def quote_corrections() -> QuerySet[ChangeProposal]:
    replaced = Q(kind=ChangeKind.RENDERING_PRIMARY) | Q(kind=ChangeKind.RENDERING_ADD, data__is_primary=True)
    return ChangeProposal.objects.published().filter(replaced)


def status_corrections() -> QuerySet[StatusUpdate]:
    return history.published_updates().alias(superseded=history.superseded_status()).filter(superseded__isnull=False)


def verdict_corrections() -> QuerySet[VerdictUpdate]:
    return history.published_verdicts().alias(previous=history.previous_verdict()).filter(previous__isnull=False)


def evidence_corrections() -> QuerySet[EvidenceRevision]:
    # Evidence.published_at is when it first became public; a revision published later changed it in public.
    return EvidenceRevision.objects.published().filter(published_at__gt=F("evidence__published_at"))


def _in_window(rows: QuerySet, since: date | None, until: date | None) -> QuerySet:
    if since:
        rows = rows.filter(published_at__gte=datetime.combine(since, time(), tzinfo=UTC))
    if until:
        rows = rows.filter(published_at__lt=datetime.combine(until + timedelta(days=1), time(), tzinfo=UTC))
    return rows


class CorrectionLog:
    """The corrections, newest published first: len() counts them (one query), a slice loads one page."""

    def __init__(self, *, since: date | None = None, until: date | None = None):
        parts = [
            _keys(_in_window(rows, since, until), kind)
            for rows, kind in ((quote_corrections(), "quote"), (status_corrections(), "status"),
                               (verdict_corrections(), "verdict"), (evidence_corrections(), "evidence"))
        ]
        self.keys = parts[0].union(*parts[1:], all=True).order_by("-row_at", "-row_kind", "-row_id")

    def count(self) -> int:
        return self.keys.count()

    def __len__(self) -> int:
        return self.count()

    @overload
    def __getitem__(self, index: int) -> Correction: ...
    @overload
    def __getitem__(self, index: slice) -> list[Correction]: ...

    def __getitem__(self, index):
        if isinstance(index, int):
            return self[index:index + 1][0]
        return corrections_load(keys=list(self.keys[index]))


def corrections(*, since: date | None = None, until: date | None = None) -> CorrectionLog:
    """Every published correction, newest first, published between `since` and `until` (UTC dates, both included)."""
    return CorrectionLog(since=since, until=until)


# --- A page's details: a fixed number of queries -------------------------------------------------


@dataclass
class _Labels:
    """Commitments and claims a page mentions, loaded at once: (label, public path) by id."""

    commitment_ids: set[int] = field(default_factory=set)
    claim_ids: set[int] = field(default_factory=set)
    commitments: dict[int, tuple[str, str]] = field(default_factory=dict)
    claims: dict[int, tuple[str, str]] = field(default_factory=dict)

    def load(self) -> None:
        if self.commitment_ids:
            rows = Commitment.objects.filter(pk__in=self.commitment_ids).select_related("statement", "parent").only(
                "id", "ordinal", "title", "parent__ordinal", "statement__slug", "statement__title")
            self.commitments = {c.pk: (commitment_label(c), c.get_absolute_url()) for c in rows}
        if self.claim_ids:
            self.claims = {c.pk: (c.title, c.get_absolute_url()) for c in Claim.objects.filter(pk__in=self.claim_ids).only("id", "title")}

    def of(self, kind: str, pk: int | None) -> tuple[str, str]:
        found = (self.commitments if kind == "commitment" else self.claims).get(pk)
        return found or (f"{kind} {pk}", "")


def commitment_label(commitment: Commitment) -> str:
    """ "Statement title — 3.1. Point title": how the log and the change lists name a point."""
    return f"{commitment.statement.title} — {commitment.number}. {commitment.title}"


def corrections_load(*, keys: Iterable[tuple[str, int, datetime]]) -> list[Correction]:
    keys = list(keys)
    wanted: dict[str, list[int]] = {kind: [] for kind in KINDS}
    for kind, pk, _at in keys:
        wanted[kind].append(pk)
    labels = _Labels()
    quotes = _quotes_load(wanted["quote"], labels)
    evidence = _evidence_load(wanted["evidence"], labels)
    labels.load()
    loaded = {
        **{("quote", pk): build(labels) for pk, build in quotes.items()},
        **{("evidence", pk): build(labels) for pk, build in evidence.items()},
        **{("status", c.id): c for c in _statuses_load(wanted["status"])},
        **{("verdict", c.id): c for c in _verdicts_load(wanted["verdict"])},
    }
    return [loaded[(kind, pk)] for kind, pk, _at in keys if (kind, pk) in loaded]


def _statuses_load(ids: list[int]) -> list[Correction]:
    if not ids:
        return []
    rows = (StatusUpdate.objects.filter(pk__in=ids).annotate(superseded=history.superseded_status())
            .select_related("commitment__statement", "commitment__parent").defer("commitment__quote", "commitment__statement__announcement"))
    return [
        Correction(kind="status", id=u.pk, published_at=u.published_at, subject=commitment_label(u.commitment),
                   path=u.commitment.get_absolute_url(), reason=u.rationale, reviewed=u.reviewer_id is not None,
                   changes=[Change(f"status on {u.effective_on:%-d %b %Y}", Status(u.superseded).label, Status(u.status).label)])
        for u in rows
    ]


def _verdicts_load(ids: list[int]) -> list[Correction]:
    if not ids:
        return []
    rows = VerdictUpdate.objects.filter(pk__in=ids).annotate(previous=history.previous_verdict()).select_related("claim").only(
        "id", "verdict", "rationale", "published_at", "reviewer_id", "claim__id", "claim__title")
    return [
        Correction(kind="verdict", id=v.pk, published_at=v.published_at, subject=v.claim.title, path=v.claim.get_absolute_url(),
                   reason=v.rationale, reviewed=v.reviewer_id is not None,
                   changes=[Change("verdict", Verdict(v.previous).label, Verdict(v.verdict).label)])
        for v in rows
    ]


def _quotes_load(ids: list[int], labels: _Labels) -> dict:
    """Quote corrections, to build once the points and claims they concern are loaded."""
    if not ids:
        return {}
    proposals = list(ChangeProposal.objects.filter(pk__in=ids))
    made_primary = [p.target_id for p in proposals if p.target_type == "rendering"]
    renderings = {r["id"]: r for r in Rendering.objects.filter(pk__in=made_primary).values("id", "commitment_id", "claim_id")}
    targets: dict[int, tuple[str, int]] = {}
    for proposal in proposals:
        if proposal.target_type == "rendering":
            r = renderings.get(proposal.target_id) or {"commitment_id": None, "claim_id": None}
            targets[proposal.pk] = ("commitment", r["commitment_id"]) if r["commitment_id"] else ("claim", r["claim_id"])
        else:
            targets[proposal.pk] = (proposal.target_type, proposal.target_id)
        kind, pk = targets[proposal.pk]
        (labels.commitment_ids if kind == "commitment" else labels.claim_ids).add(pk)

    def build(proposal: ChangeProposal):
        def correction(labels: _Labels) -> Correction:
            subject, path = labels.of(*targets[proposal.pk])
            new = proposal.data.get("quote") or proposal.data.get("text", "")
            return Correction(kind="quote", id=proposal.pk, published_at=proposal.published_at, subject=subject, path=path,
                              changes=[Change("quote", proposal.before.get("quote") or NOTHING, new)],
                              reason=proposal.review_comment, reviewed=proposal.reviewer_id is not None)
        return correction

    return {proposal.pk: build(proposal) for proposal in proposals}


def _evidence_value(name: str, value) -> str:
    if value in (None, ""):
        return NOTHING
    return Stance(value).label if name == "stance" and value in Stance.values else str(value)


def _evidence_load(ids: list[int], labels: _Labels) -> dict:
    """Evidence corrections: each changed field from what readers saw (the earlier published revisions, else what
    the revision noted when proposed) to its new value; links added or removed as "attached to"."""
    if not ids:
        return {}
    revisions = list(EvidenceRevision.objects.filter(pk__in=ids).select_related("evidence").only(
        "id", "evidence_id", "changes", "before", "reason", "review_comment", "reviewer_id", "published_at",
        "evidence__id", "evidence__title"))
    evidence_ids = {r.evidence_id for r in revisions}
    earlier = list(EvidenceRevision.objects.published().filter(evidence_id__in=evidence_ids).order_by("published_at", "id")
                   .values("id", "evidence_id", "changes", "published_at"))
    attached = list(Evidence.commitments.through.objects.filter(evidence_id__in=evidence_ids).values_list("evidence_id", "commitment_id"))
    attached_claims = list(Evidence.claims.through.objects.filter(evidence_id__in=evidence_ids).values_list("evidence_id", "claim_id"))
    page_of: dict[int, tuple[str, int]] = {}
    for evidence_id, claim_id in sorted(attached_claims, reverse=True):
        page_of[evidence_id] = ("claim", claim_id)
    for evidence_id, commitment_id in sorted(attached, reverse=True):  # a point's page before a claim's
        page_of[evidence_id] = ("commitment", commitment_id)
    for revision in revisions:
        labels.commitment_ids.update(revision.changes.get("commitments_add", []), revision.changes.get("commitments_remove", []))
        labels.claim_ids.update(revision.changes.get("claims_add", []), revision.changes.get("claims_remove", []))
    for kind, pk in page_of.values():
        (labels.commitment_ids if kind == "commitment" else labels.claim_ids).add(pk)

    def seen_before(revision: EvidenceRevision, name: str):
        value = revision.before.get(name, NOTHING)
        for row in earlier:
            if row["evidence_id"] == revision.evidence_id and (row["published_at"], row["id"]) < (revision.published_at, revision.pk):
                value = row["changes"].get(name, value)
        return value

    def build(revision: EvidenceRevision):
        def correction(labels: _Labels) -> Correction:
            changes = [
                Change(EVIDENCE_LABELS[name], _evidence_value(name, before), _evidence_value(name, revision.changes[name]))
                for name in EVIDENCE_FIELDS if name in revision.changes for before in [seen_before(revision, name)]
            ]
            for key, kind in (("commitments", "commitment"), ("claims", "claim")):
                changes += [Change("attached to", NOTHING, labels.of(kind, pk)[0]) for pk in revision.changes.get(f"{key}_add", [])]
                changes += [Change("attached to", labels.of(kind, pk)[0], NOTHING) for pk in revision.changes.get(f"{key}_remove", [])]
            page = page_of.get(revision.evidence_id)
            return Correction(kind="evidence", id=revision.pk, published_at=revision.published_at,
                              subject=revision.evidence.title, path=labels.of(*page)[1] if page else "",
                              changes=[c for c in changes if c.before != c.after],
                              reason=revision.reason or revision.review_comment, reviewed=revision.reviewer_id is not None)
        return correction

    return {revision.pk: build(revision) for revision in revisions}

