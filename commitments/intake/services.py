"""The intake's one write: a reviewed draft becomes a Source, its Statements with numbered
Commitments and deliverables, and its Claims, in one transaction. Nothing is half-saved: any
error raises ValidationError with a message per field and the transaction rolls back.

What the intake takes in is a proposal (`intake_propose`): nothing is written until a Reviewer who
did not propose it publishes it (commitments.review), then `intake_save` writes the kept draft.

Points and claims are created through `commitments.renderings` (each gets its primary rendering
at the offsets the extractor found); a set that renders a recorded statement (`attach_to`) adds
one rendering to each of its points instead of a new statement.
"""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from commitments.audit import audit_source
from commitments.integrity import numbering_problem
from commitments.models import ChangeKind, ChangeProposal, Claim, Commitment, CountKind, Source, Statement
from commitments.proposals import change_kind_register, change_propose
from commitments.renderings import claim_create, commitment_create, primary_rendering, rendering_add
from commitments.text import is_verbatim, is_verbatim_at

from .drafts import Draft, DraftQuote, DraftSet, DraftSource, draft_data, draft_from_data
from .language import detect_language
from .verbatim import quote_difference


@dataclass
class IntakeSaved:
    source: Source
    statements: list[Statement]
    claims: list[Claim]


def quote_verbatim(*, quote: str, text: str, start: int | None = None, end: int | None = None) -> bool:
    """The quote stands at the given offsets, or anywhere in the text (only whitespace may differ)."""
    return is_verbatim_at(quote, text, start=start, end=end) or is_verbatim(quote, text)


def draft_errors(draft: Draft) -> dict[str, list[str]]:
    """Every problem in the draft, keyed by where it is (`sets.0.points.2.quote`); empty when it can be saved."""
    errors: dict[str, list[str]] = {}
    text = draft.source.full_text
    if not text.strip():
        errors["source.full_text"] = ["The source's text is empty."]
    for n, item in enumerate(draft.sets):
        _set_errors(errors, f"sets.{n}", item, text)
    for n, claim in enumerate(draft.claims):
        _quote_errors(errors, f"claims.{n}", claim, text)
    return errors


def _set_errors(errors: dict, key: str, item: DraftSet, text: str) -> None:
    if not item.points:
        errors[f"{key}.points"] = ["A set needs at least one point."]
    problem = numbering_problem(count=len(item.points), low=1, high=len(item.points), announced=item.announced_count)
    if problem:
        errors[f"{key}.announced_count"] = [f"The set {problem}: add or drop points, or correct the count."]
    if item.announcement and not quote_verbatim(quote=item.announcement, text=text):
        errors[f"{key}.announcement"] = ["The announcement is not verbatim from the source's text."]
    if item.attach_to is None:
        for name in ("title", "announced_by"):
            if not getattr(item, name).strip():
                errors[f"{key}.{name}"] = ["This field is required."]
        for name in ("announcing_party", "announced_on"):
            if getattr(item, name) is None:
                errors[f"{key}.{name}"] = ["This field is required."]
    elif item.attach_to.commitments.filter(parent__isnull=True).count() != len(item.points):
        errors[f"{key}.attach_to"] = [f"“{item.attach_to}” has a different number of points: it cannot take these as renderings."]
    for n, point in enumerate(item.points):
        _quote_errors(errors, f"{key}.points.{n}", point, text)
        for m, deliverable in enumerate(point.deliverables):
            _quote_errors(errors, f"{key}.points.{n}.deliverables.{m}", deliverable, text)


def _quote_errors(errors: dict, key: str, item: DraftQuote, text: str) -> None:
    if not item.quote.strip():
        errors[f"{key}.quote"] = ["The quote is empty."]
    elif not quote_verbatim(quote=item.quote, text=text, start=item.start, end=item.end):
        errors[f"{key}.quote"] = ["This quote is not verbatim from the source's text: copy it exactly (only whitespace may differ). "
                                  + quote_difference(item.quote, text)]
    if len(item.title) > 300:
        errors[f"{key}.title"] = ["At most 300 characters."]


@transaction.atomic
def intake_save(*, draft: Draft) -> IntakeSaved:
    """Validate the whole draft, then write it; any failure (here or in the database) writes nothing."""
    errors = draft_errors(draft)
    if errors:
        raise ValidationError(errors)
    with audit_source("intake"):  # the audit trail says these rows came from the intake (by the request's user)
        source = source_from_draft(draft.source)
        statements = [_set_save(item, source) for item in draft.sets]
        claims = [_claim_save(claim, source, statements) for claim in draft.claims]
    return IntakeSaved(source, statements, claims)


SLUG_LENGTH = 40


def slug_cut(text: str, length: int = SLUG_LENGTH) -> str:
    """A slug of at most `length` characters, cut between words ("...-five-point", never "...-five-poi")."""
    slug = slugify(text)
    if len(slug) <= length:
        return slug
    head = slug[:length + 1]
    return head.rsplit("-", 1)[0] if "-" in head.strip("-") else slug[:length]


def _unique_slug(model, base: str) -> str:
    base = slug_cut(base).strip("-") or "intake"
    slug, n = base, 1
    while model.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def source_from_draft(data: DraftSource) -> Source:
    source = Source(
        slug=data.slug or _unique_slug(Source, data.title), title=data.title, publisher=data.publisher, url=data.url,
        published_on=data.published_on, language=data.language or detect_language(data.full_text), is_translation=data.is_translation,
        original_language=data.original_language, full_text=data.full_text,
    )
    source.full_clean()
    source.save()
    return source


def _set_save(item: DraftSet, source: Source) -> Statement:
    if item.attach_to is not None:
        return _renderings_attach(item, source)
    statement = Statement(
        slug=item.slug or _unique_slug(Statement, item.title), title=item.title, announced_by=item.announced_by,
        announcing_party=item.announcing_party, announced_on=item.announced_on, meeting=item.meeting,
        announced_count=item.announced_count or len(item.points), announcement=item.announcement,
        count_kind=CountKind.ANNOUNCED if item.announced_count else CountKind.INFERRED,
    )
    statement.full_clean()
    statement.save()
    statement.sources.add(source)
    statement.parties.set(item.parties or [item.announcing_party])
    for ordinal, point in enumerate(item.points, 1):
        parent = _commitment_save(statement, point, source, ordinal=ordinal, parent=None, themes=item.themes)
        for number, deliverable in enumerate(point.deliverables, 1):
            _commitment_save(statement, deliverable, source, ordinal=number, parent=parent)
    return statement


def _offsets(item: DraftQuote, text: str) -> dict:
    """The extractor's offsets when the (possibly edited) quote still stands there; else let the rendering find it."""
    if is_verbatim_at(item.quote, text, start=item.start, end=item.end):
        return {"start": item.start, "end": item.end}
    return {}


def _commitment_save(statement: Statement, item: DraftQuote, source: Source, *, ordinal: int, parent: Commitment | None,
                     themes: list = ()) -> Commitment:
    return commitment_create(
        statement=statement, parent=parent, ordinal=ordinal, title=item.title or item.quote[:120], source=source, quote=item.quote,
        parties=statement.parties.all(), themes=themes, translator=translator_of(source), **_offsets(item, source.full_text),
    )


def translator_of(source: Source) -> str:
    """Who translated a translation, as far as intake knows: the outlet that published it."""
    return source.publisher if source.is_translation else ""


def _renderings_attach(item: DraftSet, source: Source) -> Statement:
    """Another rendering of a recorded set: point n's quote becomes one more rendering of recorded point n.

    Taken in either order, an original and its translation end alike: the original (a source not
    marked as a translation) becomes the primary rendering where a translation was primary, and a
    translation records its outlet (the source's publisher) as translator.
    """
    statement = item.attach_to
    statement.sources.add(source)
    points = statement.commitments.filter(parent__isnull=True).order_by("ordinal").prefetch_related("renderings")
    translator = translator_of(source)
    for point, quote in zip(points, item.points, strict=True):
        primary = primary_rendering(point.renderings.all())
        replaces = not source.is_translation and primary is not None and primary.is_translation
        rendering_add(target=point, source=source, text=quote.quote, translator=translator, is_primary=replaces,
                      **_offsets(quote, source.full_text))
    return statement


def _claim_save(item: DraftQuote, source: Source, statements: list[Statement]) -> Claim:
    return claim_create(source=source, quote=item.quote, title=item.title or item.quote[:120],
                        statement=statements[0] if len(statements) == 1 else None, **_offsets(item, source.full_text))


def intake_propose(*, draft: Draft, author: AbstractBaseUser) -> ChangeProposal:
    """Propose the draft (tried at once, so every error has its field now); `.applied` holds the IntakeSaved with review off."""
    errors = draft_errors(draft)
    if errors:
        raise ValidationError(errors)
    return change_propose(kind=ChangeKind.INTAKE, target_type="source", target_id=None, subject=intake_subject(draft),
                          data=draft_data(draft), author=author)


def intake_subject(draft: Draft) -> str:
    titles = [item.attach_to.title if item.attach_to else item.title for item in draft.sets]
    return f"{draft.source.title}: " + ("; ".join(titles) or f"{len(draft.claims)} claim(s)")


def _intake_lines(proposal: ChangeProposal) -> list[tuple[str, str, str]]:
    data = proposal.data
    lines = [("source", "—", f"{data['source']['title']} ({data['source']['publisher']})")]
    for item in data["sets"]:
        points = "; ".join(f"{n}. {point['quote']}" for n, point in enumerate(item["points"], 1))
        if item["attach_to"]:
            statement = Statement.objects.filter(pk=item["attach_to"]).first()
            lines.append(("renderings of", str(statement or item["attach_to"]), points))
        else:
            lines.append(("statement", "—", f"{item['title']} ({len(item['points'])} points): {points}"))
    lines += [("claim", "—", claim["quote"]) for claim in data["claims"]]
    return lines


change_kind_register(ChangeKind.INTAKE, apply=lambda proposal: intake_save(draft=draft_from_data(proposal.data)), describe=_intake_lines)
