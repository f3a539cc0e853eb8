"""Proposed changes of public content: renderings, typed links, intakes (evidence has its own EvidenceRevision).

The admin, the API and the commands call the `*_propose` functions here instead of writing; what
they would change is kept in a `ChangeProposal` and written only when a Reviewer who did not
propose it publishes it (commitments.review.services, the same rule and queue as status updates),
through the same services as before (`proposal_apply`). With TRACKER_REVIEW_REQUIRED off the
change is published at once, without a reviewer, as status updates are.

A proposal is tried when it is made (in a savepoint rolled back at once), so bad input is a
ValidationError with field messages then, not a surprise for the reviewer; it is tried again when
published, since what it changes may have changed meanwhile.
"""

from collections.abc import Callable
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from commitments.links import commitment_link, statement_link
from commitments.models import (
    ChangeKind,
    ChangeProposal,
    Claim,
    Commitment,
    Rendering,
    Source,
    Statement,
)
from commitments.renderings import Quoted, rendering_add, rendering_make_primary, rendering_remove
from commitments.services import history_insert, initial_review


def _quoted(proposal: ChangeProposal) -> Quoted:
    return (Commitment if proposal.target_type == "commitment" else Claim).objects.get(pk=proposal.target_id)


def _apply_rendering_add(proposal: ChangeProposal) -> None:
    data = dict(proposal.data)
    data["source"] = Source.objects.get(pk=data["source"])
    rendering_add(target=_quoted(proposal), **data)


def _rendering(proposal: ChangeProposal) -> Rendering:
    try:
        return Rendering.objects.get(pk=proposal.target_id)
    except Rendering.DoesNotExist:
        raise ValidationError("This rendering was removed meanwhile.") from None


def _apply_link(proposal: ChangeProposal) -> None:
    data = proposal.data
    source = Source.objects.get(pk=data["source"]) if data.get("source") else None
    if proposal.kind == ChangeKind.COMMITMENT_LINK:
        commitment_link(from_commitment=Commitment.objects.get(pk=proposal.target_id),
                        to_commitment=Commitment.objects.get(pk=data["to"]), kind=data["kind"], rationale=data["rationale"], source=source)
    else:
        statement_link(from_statement=Statement.objects.get(pk=proposal.target_id),
                       to_statement=Statement.objects.get(pk=data["to"]), kind=data["kind"], rationale=data["rationale"], source=source)


APPLY: dict[str, Callable[[ChangeProposal], object]] = {
    ChangeKind.RENDERING_ADD: _apply_rendering_add,
    ChangeKind.RENDERING_PRIMARY: lambda proposal: rendering_make_primary(rendering=_rendering(proposal)),
    ChangeKind.RENDERING_REMOVE: lambda proposal: rendering_remove(rendering=_rendering(proposal)),
    ChangeKind.COMMITMENT_LINK: _apply_link,
    ChangeKind.STATEMENT_LINK: _apply_link,
}


# Capabilities add their own kinds (the intake: commitments.intake.services), so the core imports none of them.
DESCRIBE: dict[str, Callable[[ChangeProposal], list[tuple[str, str, str]]]] = {}


def change_kind_register(kind: str, *, apply: Callable[[ChangeProposal], object],
                         describe: Callable[[ChangeProposal], list[tuple[str, str, str]]]) -> None:
    APPLY[kind] = apply
    DESCRIBE[kind] = describe


def proposal_apply(*, proposal: ChangeProposal):
    """Write what a published proposal says, through the services (inside the publishing transaction)."""
    return APPLY[proposal.kind](proposal)


def _try(proposal: ChangeProposal) -> None:
    """Apply the proposal and undo it at once: its errors surface now, with their field messages."""
    savepoint = transaction.savepoint()
    try:
        proposal_apply(proposal=proposal)
    finally:
        transaction.savepoint_rollback(savepoint)


@transaction.atomic
def change_propose(
    *, kind: str, target_type: str, target_id: int | None, subject: str, data: dict, author: AbstractBaseUser,
    before: dict | None = None, now: datetime | None = None,
) -> ChangeProposal:
    """Record a proposal (tried first); with review off, publish and apply it at once."""
    proposal = ChangeProposal(kind=kind, target_type=target_type, target_id=target_id, subject=subject[:600], data=data,
                              before=before or {}, author=author, **initial_review(now=now or timezone.now()))
    proposal.full_clean(validate_constraints=False)
    history_insert(proposal)  # review off: published at once, without a reviewer
    proposal.refresh_from_db()  # the data as JSON holds it (dates as text), as the reviewer's apply will see it
    if proposal.is_published:
        proposal.applied = proposal_apply(proposal=proposal)  # what was written, for the caller's answer
    else:
        _try(proposal)
    return proposal


def rendering_propose(
    *, target: Quoted, source: Source, text: str, author: AbstractBaseUser, start: int | None = None, end: int | None = None,
    language: str | None = None, is_translation: bool | None = None, translator: str = "", is_primary: bool = False,
) -> ChangeProposal:
    """A new wording of a point or claim (see commitments.renderings.rendering_add), as a proposal."""
    data = {"source": source.pk, "text": text, "start": start, "end": end, "language": language, "is_translation": is_translation,
            "translator": translator, "is_primary": is_primary}
    before = {"quote": target.quote} if is_primary else {}
    return change_propose(kind=ChangeKind.RENDERING_ADD, target_type=target._meta.model_name, target_id=target.pk,
                          subject=str(target), data=data, before=before, author=author)


def rendering_primary_propose(*, rendering: Rendering, author: AbstractBaseUser) -> ChangeProposal:
    target = rendering.target
    return change_propose(kind=ChangeKind.RENDERING_PRIMARY, target_type="rendering", target_id=rendering.pk, subject=str(target),
                          data={"quote": rendering.text}, before={"quote": target.quote}, author=author)


def rendering_remove_propose(*, rendering: Rendering, author: AbstractBaseUser) -> ChangeProposal:
    return change_propose(kind=ChangeKind.RENDERING_REMOVE, target_type="rendering", target_id=rendering.pk,
                          subject=str(rendering.target), data={"rendering": ""}, before={"rendering": rendering.text}, author=author)


def link_propose(
    *, origin: Commitment | Statement, to: Commitment | Statement, kind: str, rationale: str, author: AbstractBaseUser,
    source: Source | None = None,
) -> ChangeProposal:
    """A typed link from one point (or statement) to another, as a proposal (see commitments.links)."""
    change = ChangeKind.COMMITMENT_LINK if isinstance(origin, Commitment) else ChangeKind.STATEMENT_LINK
    data = {"to": to.pk, "kind": kind, "rationale": rationale, "source": source.pk if source else None}
    return change_propose(kind=change, target_type=origin._meta.model_name, target_id=origin.pk,
                          subject=f"{origin} -> {to}", data=data, author=author)


def _label(field: str, value) -> str:
    if value is None or value == "":
        return "—"
    if field == "source":
        return str(Source.objects.filter(pk=value).first() or value)
    if field == "to":
        return ""
    return str(value)


def proposal_lines(proposal: ChangeProposal) -> list[tuple[str, str, str]]:
    """(field, now, would become) for each field the proposal would change, in words."""
    if proposal.kind in DESCRIBE:
        return DESCRIBE[proposal.kind](proposal)
    lines = []
    for field, new in proposal.data.items():
        old = proposal.before.get(field, "")
        lines.append((field.replace("_", " "), _label(field, old), _label(field, new)))
    for field, old in proposal.before.items():
        if field not in proposal.data:
            lines.append((field, _label(field, old), "—"))
    return [line for line in lines if line[0] != "to"]
