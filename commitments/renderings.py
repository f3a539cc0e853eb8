"""Renderings: one commitment or claim worded in several sources.

How to add a rendering (the admin, the API, the intake and the seed all do it this way)::

    from commitments.renderings import rendering_add

    rendering_add(target=commitment, source=source, text="First, the two countries will ...")

- `text` is copied verbatim from `source.full_text` (only whitespace may differ). The offsets are
  found for you: the first occurrence, or the first at or after `start=` when you pass it (pass
  both `start` and `end` when you have the exact span). A text that is not in the source raises
  ValidationError({"text": ...}) and writes nothing.
- `language` and `is_translation` default to the source's; pass `translator="..."` when known.
- A point's first rendering becomes its primary. `is_primary=True` makes the new one primary;
  `rendering_make_primary` promotes an existing one. The primary's source and text are copied onto
  the point's `source`/`quote` columns by `quoted_primary_sync`, the only function that writes them.
- A new point or claim with its first rendering: `commitment_create(...)` / `claim_create(...)`.
- To find whether a wording is already recorded (so intake attaches instead of duplicating):
  `renderings_at(source=..., start=..., end=...)`.

`primary_rendering` is the one rule for which rendering is primary; `rendering_verbatim_problem`
(commitments.models.relations) the one rule for "verbatim at its offsets".
"""

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model, OuterRef, QuerySet, Subquery

from commitments.models import Claim, Commitment, Party, Rendering, Source, Statement, Theme
from commitments.text import quote_locate
from commitments.text_search import search_terms

Quoted = Commitment | Claim


def primary_rendering(renderings: Iterable[Rendering]) -> Rendering | None:
    """The primary rendering among these (a prefetched `target.renderings.all()`), or None."""
    return next((r for r in renderings if r.is_primary), None)


def rendering_offsets(*, text: str, source: Source, start: int | None = None, end: int | None = None) -> tuple[int | None, int | None]:
    """Where `text` stands in the source's text, whitespace-tolerant; (None, None) when we hold no text."""
    if not source.full_text:
        return None, None
    if start is not None and end is not None:
        return start, end
    found = quote_locate(text, source.full_text, start=start or 0)
    if found is None:
        raise ValidationError(
            {"text": f"This text is not verbatim from “{source.title}”: copy it exactly from the source (only whitespace may differ)."}
        )
    return found


def _owner(target: Quoted) -> dict:
    return {"commitment": target} if isinstance(target, Commitment) else {"claim": target}


def _locked(target: Quoted) -> Quoted:
    # Serialises changes of one point's primary rendering.
    return type(target).objects.select_for_update().get(pk=target.pk)


@transaction.atomic
def rendering_add(
    *, target: Quoted, source: Source, text: str, start: int | None = None, end: int | None = None,
    language: str | None = None, is_translation: bool | None = None, translator: str = "", is_primary: bool = False,
) -> Rendering:
    """Record one more wording of a commitment or claim (see the module docstring)."""
    target = _locked(target)
    start, end = rendering_offsets(text=text, source=source, start=start, end=end)
    rendering = Rendering(
        **_owner(target), source=source, text=text, start=start, end=end,
        language=language or source.language, translator=translator, search_terms=search_terms(text),
        is_translation=source.is_translation if is_translation is None else is_translation,
    )
    rendering.full_clean(exclude=["is_primary"])
    rendering.save()
    if is_primary or not target.renderings.filter(is_primary=True).exists():
        rendering_make_primary(rendering=rendering)
    return rendering


@transaction.atomic
def rendering_make_primary(*, rendering: Rendering) -> Rendering:
    target = _locked(rendering.target)
    target.renderings.filter(is_primary=True).exclude(pk=rendering.pk).update(is_primary=False)
    Rendering.objects.filter(pk=rendering.pk).update(is_primary=True)
    rendering.is_primary = True
    quoted_primary_sync(target=target)
    return rendering


@transaction.atomic
def rendering_remove(*, rendering: Rendering) -> None:
    """Delete a rendering; removing the primary promotes the next one. A point keeps at least one."""
    target = _locked(rendering.target)
    others = target.renderings.exclude(pk=rendering.pk)
    if not others.exists():
        raise ValidationError("A commitment or claim keeps at least one rendering.")
    rendering.delete()
    if rendering.is_primary:
        rendering_make_primary(rendering=others.first())


def quoted_primary_sync(*, target: Quoted) -> None:
    """Copy the primary rendering's source and text onto the commitment's (or claim's) columns."""
    primary = primary_rendering(target.renderings.select_related("source"))
    target.source, target.quote = primary.source, primary.text
    target.save(update_fields=["source", "quote", "updated_at"])


def renderings_at(*, source: Source, start: int, end: int) -> QuerySet[Rendering]:
    """Renderings overlapping [start, end) of a source: what an intake should attach to, not duplicate."""
    return Rendering.objects.filter(source=source, start__lt=end, end__gt=start).select_related("commitment", "claim")


def _quoted_create(
    model: type[Model], *, source: Source, quote: str, parties: Iterable[Party], themes: Iterable[Theme],
    start: int | None = None, end: int | None = None, translator: str = "", **fields,
) -> Quoted:
    obj = model(source=source, quote=quote, **fields)
    obj.full_clean()
    obj.save()
    obj.parties.set(parties)
    obj.themes.set(themes)
    rendering_add(target=obj, source=source, text=quote, start=start, end=end, is_primary=True, translator=translator)
    obj.refresh_from_db()
    return obj


@transaction.atomic
def commitment_create(
    *, statement: Statement, ordinal: int, title: str, source: Source, quote: str, parent: Commitment | None = None,
    target_date: date | None = None, parties: Iterable[Party] = (), themes: Iterable[Theme] = (),
    start: int | None = None, end: int | None = None, translator: str = "",
) -> Commitment:
    """A new point (or deliverable, with `parent`) with its primary rendering (at `start`:`end` when known)."""
    return _quoted_create(Commitment, statement=statement, ordinal=ordinal, title=title, source=source, quote=quote,
                          parent=parent, target_date=target_date, parties=parties, themes=themes, start=start, end=end, translator=translator)


@transaction.atomic
def claim_create(
    *, title: str, source: Source, quote: str, statement: Statement | None = None,
    parties: Iterable[Party] = (), themes: Iterable[Theme] = (), start: int | None = None, end: int | None = None,
) -> Claim:
    """A new claim with its primary rendering (at `start`:`end` when known)."""
    return _quoted_create(Claim, statement=statement, title=title, source=source, quote=quote, parties=parties, themes=themes,
                          start=start, end=end)


def renderings_from_quotes(*, commitment_model, claim_model, rendering_model, source_model) -> int:
    """Give every commitment and claim without renderings a primary one made of its quote and source.

    The data migration that introduced renderings (0006) runs this with historical models. A
    quote not found verbatim keeps empty offsets, which `check_integrity` then reports: nothing
    is dropped. Returns how many renderings were made.
    """
    sources = {s.pk: s for s in source_model.objects.all()}
    made = []
    for model, owner in ((commitment_model, "commitment"), (claim_model, "claim")):
        for obj in model.objects.filter(renderings__isnull=True).order_by("pk"):
            source = sources[obj.source_id]
            span = quote_locate(obj.quote, source.full_text) if source.full_text else None
            made.append(rendering_model(
                **{owner: obj}, source_id=obj.source_id, text=obj.quote, start=span and span[0], end=span and span[1],
                language=source.language, is_translation=source.is_translation, is_primary=True,
            ))
    rendering_model.objects.bulk_create(made, batch_size=1000)
    # Old rows, not this week's news: a rendering is as old as what it renders.
    for owner, model in (("commitment", commitment_model), ("claim", claim_model)):
        owned = model.objects.filter(pk=OuterRef(owner)).values("created_at")[:1]
        rendering_model.objects.filter(**{f"{owner}__isnull": False}).update(created_at=Subquery(owned))
    return len(made)
