"""The admin page "Add statement from text": paste a text or give a URL, review every set found, accept.

Accepting saves everything through `intake_save` in one transaction; any error is shown on the
field it concerns and nothing is written.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from commitments.ids import id_parse
from commitments.models import Statement

from . import forms as intake_forms
from .drafts import draft_from_extraction
from .extract import extract
from .highlight import Mark, highlighted, span_of
from .matching import rendering_candidates
from .reading import ReadError, text_from_url
from .services import intake_propose


def intake_view(request: HttpRequest, admin_context: dict) -> HttpResponse:
    if not request.user.has_perm("commitments.add_statement"):
        raise PermissionDenied
    if request.method == "POST" and "save" in request.POST:
        return _save(request, admin_context)
    source_form = intake_forms.SourceForm(request.POST or None)
    if request.method == "POST" and source_form.is_valid():
        try:
            text = source_form.cleaned_data["text"] or text_from_url(source_form.cleaned_data["url"])
        except ReadError as error:
            source_form.add_error("url", str(error))
        else:
            return _review(request, admin_context, source_form, text, _forms_from_text(text))
    return TemplateResponse(request, "admin/intake/start.html", {**admin_context, "source_form": source_form})


def _forms_from_text(text: str) -> dict:
    """Unbound forms, filled with what the extractor found."""
    extraction = extract(text)
    draft = draft_from_extraction(extraction, source=None)
    sets = []
    for n, (item, found) in enumerate(zip(draft.sets, extraction.sets, strict=True)):
        candidates = [s for s, _ in rendering_candidates(points=[p.quote for p in item.points])]
        set_form = intake_forms.SetForm(prefix=f"set-{n}", candidates=candidates, initial={
            "include": True, "title": item.title, "announcement": item.announcement, "announced_count": item.announced_count,
        })
        points = intake_forms.PointFormSet(prefix=f"set-{n}-points", initial=[
            {"quote": p.quote, "start": p.start, "end": p.end, "title": p.title, "deliverables": "\n".join(d.quote for d in p.deliverables)}
            for p in item.points
        ])
        sets.append({"form": set_form, "points": points, "found": len(found.points), "announced": found.announced_count,
                     "candidates": candidates})
    claims = intake_forms.ClaimFormSet(prefix="claims", initial=[{"quote": c.quote, "start": c.start, "end": c.end, "title": c.title}
                                                                 for c in draft.claims])
    return {"sets": sets, "claims": claims}


def _review(request, admin_context: dict, source_form, text: str, bound: dict, errors: list[str] = ()) -> HttpResponse:
    context = {
        **admin_context, "source_form": source_form, "full_text": text, "sets": bound["sets"], "claims": bound["claims"],
        "set_count": len(bound["sets"]), "errors": errors, "highlighted": highlighted(text, _marks(text, bound)),
    }
    return TemplateResponse(request, "admin/intake/review.html", context)


def _marks(text: str, bound: dict) -> list[Mark]:
    marks = []
    for n, item in enumerate(bound["sets"], 1):
        announcement = span_of(text, _value(item["form"], "announcement"))
        if announcement:
            marks.append(Mark(*announcement, "announcement", f"Set {n}: announcement", f"set-{n}"))
        for i, form in enumerate(item["points"].forms, 1):
            span = span_of(text, _value(form, "quote"), _int(_value(form, "start")), _int(_value(form, "end")))
            if span:
                marks.append(Mark(*span, "point", f"Set {n}, point {i}", f"set-{n}-point-{i}"))
    for i, form in enumerate(bound["claims"].forms, 1):
        span = span_of(text, _value(form, "quote"), _int(_value(form, "start")), _int(_value(form, "end")))
        if span:
            marks.append(Mark(*span, "claim", f"Claim {i}", f"claim-{i}"))
    return marks


def _value(form, name: str):
    value = form[name].value()
    return value if value is not None else ""


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _bound_forms(request: HttpRequest) -> dict:
    count = _int(request.POST.get("set_count")) or 0
    sets = []
    for n in range(min(count, 50)):
        statement_ids = request.POST.getlist(f"set-{n}-candidate")
        candidates = list(Statement.objects.filter(pk__in=[pk for pk in map(id_parse, statement_ids) if pk is not None]))
        sets.append({
            "form": intake_forms.SetForm(request.POST, prefix=f"set-{n}", candidates=candidates),
            "points": intake_forms.PointFormSet(request.POST, prefix=f"set-{n}-points"),
            "candidates": candidates, "found": _int(request.POST.get(f"set-{n}-found")), "announced": None,
        })
    return {"sets": sets, "claims": intake_forms.ClaimFormSet(request.POST, prefix="claims")}


def _save(request: HttpRequest, admin_context: dict) -> HttpResponse:
    text = intake_forms.newlines(request.POST.get("full_text", ""))
    source_form = intake_forms.SourceForm({**request.POST.dict(), "text": text})
    bound = _bound_forms(request)
    valid = source_form.is_valid() & all([s["form"].is_valid() & s["points"].is_valid() for s in bound["sets"]]) & bound["claims"].is_valid()
    for item in bound["sets"]:
        item["announced"] = item["form"]["announced_count"].value()
    if not valid:
        return _review(request, admin_context, source_form, text, bound, ["Please correct the errors below."])
    included = [s for s in bound["sets"] if s["form"].cleaned_data.get("include")]
    points = [intake_forms.kept(s["points"]) for s in included]
    claim_forms = intake_forms.kept(bound["claims"])
    draft = intake_forms.draft_build(
        source_form.draft_source(text), [intake_forms.draft_set(s["form"], p) for s, p in zip(included, points, strict=True)],
        [intake_forms.claim_quote(f) for f in claim_forms],
    )
    try:
        proposal = intake_propose(draft=draft, author=request.user)
    except ValidationError as error:
        leftover = _errors_place(error.message_dict, included, points, claim_forms)
        return _review(request, admin_context, source_form, text, bound, ["Nothing was saved. Please correct the errors below.", *leftover])
    if not proposal.is_published:
        messages.success(request, f"Proposed “{draft.source.title}”: readers see it once a Reviewer publishes it.")
        return HttpResponseRedirect(reverse("review-queue"))
    saved = proposal.applied  # review off: written at once, as before
    messages.success(request, f"Saved “{saved.source.title}”: {len(saved.statements)} statement(s), {len(saved.claims)} claim(s).")
    return HttpResponseRedirect(reverse("admin:commitments_statement_changelist"))


def _errors_place(errors: dict, included: list, points: list, claim_forms: list) -> list[str]:
    """Put each `sets.0.points.2.quote` message on its form field; return what fits no field."""
    leftover = []
    for key, messages_ in errors.items():
        parts = key.split(".")
        form = None
        if parts[0] == "sets" and len(parts) >= 3:
            form = points[int(parts[1])][int(parts[3])] if parts[2] == "points" else included[int(parts[1])]["form"]
        elif parts[0] == "claims":
            form = claim_forms[int(parts[1])]
        field = "deliverables" if "deliverables" in parts else parts[-1]
        if form is not None and field in form.fields:
            for message in messages_:
                form.add_error(field, message)
        else:
            leftover.extend(f"{key}: {m}" for m in messages_)
    return leftover
