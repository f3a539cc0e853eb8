"""The statement admin with its page "Add statement from text" (linked from the statement list): paste a text
or give a URL, review every set found, accept.

Accepting saves everything through `intake_save` in one transaction; any error is shown on the
field it concerns and nothing is written.
"""

from datetime import date

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from commitments.admin import StatementAdmin
from commitments.ids import id_parse
from commitments.models import IntakeJob, Party, Statement, Theme
from commitments.review.services import can_see_queue
from commitments.tasks.intake import intake_read

from . import forms as intake_forms
from .drafts import draft_from_extraction
from .extract import extract
from .highlight import Mark, highlighted, span_of
from .jobs import intake_job_create, intake_job_for, intake_job_stale
from .matching import rendering_candidates
from .prefill import guess, title_in
from .services import intake_propose

admin.site.unregister(Statement)


@admin.register(Statement)
class IntakeStatementAdmin(StatementAdmin):
    change_list_template = "admin/intake/statement_change_list.html"

    def get_urls(self):
        page = self.admin_site.admin_view(self.intake)
        return [path("intake/", page, name="commitments_statement_intake"), *super().get_urls()]

    def intake(self, request):
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "title": "Add statement from text"}
        return intake_view(request, context)


def intake_view(request: HttpRequest, admin_context: dict) -> HttpResponse:
    if not request.user.has_perm("commitments.add_statement"):
        raise PermissionDenied
    if request.method == "POST" and "save" in request.POST:
        return _save(request, admin_context)
    if request.method == "GET" and "job" in request.GET:
        return _job_page(request, admin_context, request.GET["job"])
    start_form = intake_forms.StartForm(request.POST or None)
    if request.method == "POST" and start_form.is_valid():
        text = start_form.cleaned_data["text"]
        if text.strip():
            forms = _forms_from_text(text)
            source_form = intake_forms.SourceForm(initial={"title": title_in(text), "language": _known_language(forms["language"])})
            return _review(request, admin_context, source_form, text, forms)
        job = intake_job_create(url=start_form.cleaned_data["url"], user=request.user)
        intake_read.delay(str(job.pk))
        return HttpResponseRedirect(f"{reverse('admin:commitments_statement_intake')}?job={job.pk}")
    return TemplateResponse(request, "admin/intake/start.html", {**admin_context, "start_form": start_form})


def _job_page(request: HttpRequest, admin_context: dict, job_id: str) -> HttpResponse:
    """The URL being read: a page that refreshes itself until the worker is done, then the review (or the error on the URL field)."""
    job = intake_job_for(job_id=job_id, user=request.user)
    if job is None:
        raise Http404("No such intake.")
    if job.state == IntakeJob.State.FAILED:
        start_form = intake_forms.StartForm(data={"url": job.url, "text": ""})
        start_form.is_valid()
        start_form.add_error("url", job.error)
        return TemplateResponse(request, "admin/intake/start.html", {**admin_context, "start_form": start_form})
    if job.state != IntakeJob.State.DONE:
        return TemplateResponse(request, "admin/intake/reading.html", {
            **admin_context, "job": job, "stale": intake_job_stale(job=job, now=timezone.now()),
        })
    page = job.page
    forms = _forms_from_text(job.text, page_date=_date(page.get("published_on")))
    source_form = intake_forms.SourceForm(initial={
        "url": job.url, "title": page.get("title", ""), "publisher": page.get("publisher", ""), "published_on": page.get("published_on") or None,
        # The page's own <html lang>, else the language detected in its text.
        "language": _known_language(page.get("language", "")) or _known_language(forms["language"]),
    })
    return _review(request, admin_context, source_form, job.text, forms)


def _known_language(code: str) -> str:
    return code if code in dict(intake_forms.LANGUAGES) else ""


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _forms_from_text(text: str, *, page_date: date | None = None) -> dict:
    """Unbound forms, filled with what the extractor found and what the text says (who, when, which parties, themes)."""
    extraction = extract(text)
    draft = draft_from_extraction(extraction, source=None)
    parties, themes = list(Party.objects.all()), list(Theme.objects.all())  # read once for every set's guesses and choices
    sets = []
    for n, (item, found) in enumerate(zip(draft.sets, extraction.sets, strict=True)):
        candidates = [s for s, _ in rendering_candidates(points=[p.quote for p in item.points], language=extraction.language)]
        hint = guess(text=text, announcement=item.announcement, points=[p.quote for p in item.points], parties=parties, themes=themes,
                     page_date=page_date)
        set_form = intake_forms.SetForm(prefix=f"set-{n}", candidates=candidates, parties=parties, themes=themes, initial={
            "include": True, "title": item.title, "announcement": item.announcement, "announced_count": item.announced_count,
            "announced_by": hint.announced_by, "announcing_party": hint.announcing_party, "announced_on": hint.announced_on,
            "parties": hint.parties, "themes": hint.themes,
            # The recorded set this one resembles most is chosen: attaching is the usual answer, creating a duplicate the rare one.
            "attach_to": candidates[0] if candidates else None,
        })
        points = intake_forms.PointFormSet(prefix=f"set-{n}-points", initial=[
            {"quote": p.quote, "start": p.start, "end": p.end, "title": p.title, "deliverables": "\n".join(d.quote for d in p.deliverables)}
            for p in item.points
        ])
        sets.append({"form": set_form, "points": points, "found": len(found.points), "announced": found.announced_count,
                     "candidates": candidates, "aligned": _aligned(item.points, candidates, extraction.language)})
    claims = intake_forms.ClaimFormSet(prefix="claims", initial=[{"quote": c.quote, "start": c.start, "end": c.end, "title": c.title}
                                                                 for c in draft.claims])
    return {"sets": sets, "claims": claims, "language": extraction.language}


def _aligned(points, candidates: list[Statement], language: str) -> dict | None:
    """The best candidate's points beside these, point n by point n, each with its language (shown side by side)."""
    if not candidates:
        return None
    best = candidates[0]
    rows = [{"ordinal": n, "new": p.quote, "recorded": c.quote, "recorded_language": c.source.language}
            for n, (p, c) in enumerate(zip(points, best.points, strict=True), 1)]
    return {"statement": best, "language": language, "rows": rows}


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
    source_form = intake_forms.SourceForm(request.POST)
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
        # To the queue where the proposal waits, for those who may see it; else back to the statements.
        return HttpResponseRedirect(reverse("review-queue" if can_see_queue(request.user) else "admin:commitments_statement_changelist"))
    saved = proposal.applied  # review off: written at once, as before
    messages.success(request, f"Saved “{saved.source.title}”: {len(saved.statements)} statement(s), {len(saved.claims)} claim(s).")
    return HttpResponseRedirect(reverse("admin:commitments_statement_changelist"))


def _errors_place(errors: dict, included: list, points: list, claim_forms: list) -> list[str]:
    """Put each `sets.0.points.2.quote` message on its form field (or, where no field fits, at the top of its
    set, point or claim); return, in words, what belongs to no form."""
    leftover = []
    for key, messages_ in errors.items():
        form, field = _error_target(key.split("."), included, points, claim_forms)
        for message in messages_:
            if form is None:
                leftover.append(f"{_place(key)}: {message}")
            else:
                form.add_error(field if field in form.fields else None, message)
    return leftover


def _error_target(parts: list[str], included: list, points: list, claim_forms: list) -> tuple:
    try:
        if parts[0] == "sets" and len(parts) >= 4 and parts[2] == "points":
            return points[int(parts[1])][int(parts[3])], "deliverables" if "deliverables" in parts else parts[-1]
        if parts[0] == "sets" and len(parts) >= 3:  # sets.0.points (a set with no point) lands at the top of its set
            return included[int(parts[1])]["form"], parts[2]
        if parts[0] == "claims" and len(parts) >= 2:
            return claim_forms[int(parts[1])], parts[-1]
    except (IndexError, ValueError):
        pass
    return None, None


def _place(key: str) -> str:
    """`source.full_text` -> "The source's text"; `sets.0.title` -> "Set 1, title"."""
    words = []
    parts = key.split(".")
    for n, part in enumerate(parts):
        if part.isdigit() and n:
            words[-1] = f"{words[-1]} {int(part) + 1}"
        else:
            words.append({"sets": "Set", "points": "point", "claims": "Claim", "deliverables": "deliverable", "source": "The source",
                          "full_text": "text"}.get(part, part.replace("_", " ")))
    return ", ".join(words)
