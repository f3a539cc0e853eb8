"""The public pages. Each is a GET with a fixed number of queries, ETag and Last-Modified, and no script."""

import json
from datetime import date
from functools import wraps

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from commitments import feeds
from commitments.claimreview import claim_review
from commitments.conditional import not_modified, stamp, validators_for
from commitments.integrity import count_problem
from commitments.models import Claim, Commitment, Party, Statement, Status, Verdict
from commitments.selectors import Fingerprint, content_version

from . import charts, forms, methodology
from . import selectors as site
from .corrections import corrections
from .search import search

CHANGES_PER_PAGE = 50
CLAIMS_PER_PAGE = 50
CORRECTIONS_PER_PAGE = 50
FEED_LENGTH = 50
HEAT_MAP_ROWS = 40


def public_page(view):
    """GET/HEAD only; answers 304 from one query when the reader's copy is current; revalidate every time."""

    @require_safe
    @wraps(view)
    def page(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        version = content_version()
        fingerprint = Fingerprint(count=0, last_modified=version.last_modified)
        validators = validators_for(request=request, fingerprint=fingerprint, representation=version.stamp)
        if (unchanged := not_modified(request=request, validators=validators)) is not None:
            return unchanged
        response = view(request, *args, **kwargs)
        if response.status_code == 200:
            stamp(response, validators)
            patch_cache_control(response, public=True, no_cache=True)
        return response

    return page


def _today() -> date:
    return timezone.now().date()


@public_page
def overview(request: HttpRequest) -> HttpResponse:
    data = site.overview(today=_today())
    stats = data["stats"]
    compliance = data["compliance"]
    slugs = {row["id"]: row["slug"] for row in stats["by_statement"]}
    return render(request, "site/overview.html", {
        "stats": stats,
        "total_bar": charts.status_bar(stats["by_status"], name="All commitments"),
        "statements": [(row, charts.status_bar(row["by_status"], name=row["name"])) for row in stats["by_statement"]],
        "weeks": charts.share_over_time(data["weeks"]),
        "heat": charts.heat_map(compliance, slugs=slugs, titles={row["id"]: row["name"] for row in stats["by_statement"]}, limit=HEAT_MAP_ROWS),
        "recent": data["recent"],
        "statuses": Status.choices,
    })


@public_page
def statements(request: HttpRequest) -> HttpResponse:
    rows = site.statements_index()
    for row in rows:
        row["bar"] = charts.status_bar(row["by_status"], name=row["statement"].title)
    return render(request, "site/statements.html", {"rows": rows})


@public_page
def parties(request: HttpRequest) -> HttpResponse:
    rows = site.parties_index()
    for row in rows:
        row["bar"] = charts.status_bar(row["bound"]["by_status"], name=row["party"].name)
    return render(request, "site/parties.html", {"rows": rows})


@public_page
def claims(request: HttpRequest) -> HttpResponse:
    verdict = request.GET.get("verdict", "")
    if verdict not in Verdict.values:
        verdict = ""
    page = forms.page_number(request.GET)
    rows, more = site.claims_page(verdict=verdict, page=page, size=CLAIMS_PER_PAGE)
    counts = site.claims_by_verdict()
    return render(request, "site/claims.html", {
        "claims": rows, "page": page, "verdict": verdict, "total": sum(counts.values()),
        "verdicts": [(value, label, counts.get(value, 0)) for value, label in Verdict.choices],
        "next_query": forms.with_page(request.GET, page + 1) if more else "",
        "previous_query": forms.with_page(request.GET, page - 1) if page > 1 else "",
    })


@public_page
def statement(request: HttpRequest, slug: str) -> HttpResponse:
    found = _or_404(site.statement_detail, slug=slug)
    points = site.statement_points(statement=found)
    counts: dict[str, int] = {}
    for c in [*points, *(item for point in points for item in point.items)]:
        counts[c.status] = counts.get(c.status, 0) + 1
    compliance = site.statement_compliance(statement=found)
    return render(request, "site/statement.html", {
        "statement": found, "points": points, "bar": charts.status_bar(counts, name=found.title),
        "sources": site.with_health(list(found.sources.all())), "parties": site.statement_parties(statement=found),
        "links": site.statement_links(statement=found),
        "claims": site.statement_claims(statement=found),
        "heat": charts.heat_map(compliance, slugs={found.pk: found.slug}),
        "count_matches": not count_problem(count=len(points), announced=found.announced_count),
        "today": _today(),
    })


@require_safe
def methodology_page(request: HttpRequest) -> HttpResponse:
    """How the tracker works: statuses, review, compliance scale, evidence and verdicts, reporting an error."""
    return render(request, "site/methodology.html", {
        "statuses": methodology.statuses(), "verdicts": methodology.verdicts(), "scores": methodology.scores(),
        "review_required": settings.TRACKER_REVIEW_REQUIRED, "corrections_address": methodology.corrections_address(),
    })


@public_page
def commitment(request: HttpRequest, slug: str, number: str) -> HttpResponse:
    found = _or_404(site.commitment_by_number, slug=slug, number=number)
    contexts = site.renderings_in_context(target=found)
    evidence, source_health = site.evidence_and_sources(evidence=site.commitment_evidence(commitment=found), sources=[c.source for c in contexts])
    return render(request, "site/commitment.html", {
        "commitment": found, "statement": found.statement, "contexts": site.with_source_health(contexts, source_health),
        "timeline": site.status_timeline(commitment=found),
        "evidence": evidence,
        "assessments": site.commitment_assessments(commitment=found),
        "deliverables": site.commitment_deliverables(commitment=found) if not found.parent_id else [],
        "links": site.commitment_links(commitment=found),
        "today": _today(),
    })


@public_page
def party(request: HttpRequest, slug: str) -> HttpResponse:
    found = get_object_or_404(Party, slug=slug)
    card = site.party_scorecard(party=found)
    return render(request, "site/party.html", {
        "party": found, "card": card, "bar": charts.status_bar(card["by_status"], name=found.name),
        "statements": [(statement, charts.status_bar(counts, name=statement.title)) for statement, counts in card["statements"]],
    })


@public_page
def claim(request: HttpRequest, pk: int) -> HttpResponse:
    found = _or_404(site.claim_detail, pk=pk)
    review = claim_review(claim=found, request=request) if found.verdict != Verdict.NOT_CHECKED else None
    contexts = site.renderings_in_context(target=found)
    evidence, source_health = site.evidence_and_sources(evidence=site.claim_evidence(claim=found), sources=[c.source for c in contexts])
    return render(request, "site/claim.html", {
        "claim": found, "contexts": site.with_source_health(contexts, source_health),
        "timeline": site.verdict_timeline(claim=found), "evidence": evidence,
        "json_ld": _json_ld(review) if review else "",
    })


@public_page
def changes(request: HttpRequest) -> HttpResponse:
    form = forms.ChangesForm(request.GET)
    filters = form.filters()
    page = forms.page_number(request.GET)
    rows, more = site.changes_page(filters=filters, page=page, size=CHANGES_PER_PAGE)
    return render(request, "site/changes.html", {
        "form": form, "changes": rows, "page": page, "choices": site.filter_choices(),
        "next_query": forms.with_page(request.GET, page + 1) if more else "",
        "previous_query": forms.with_page(request.GET, page - 1) if page > 1 else "",
        "feed_query": forms.feed_query(request.GET),
    })


@require_safe
def changes_feed(request: HttpRequest) -> HttpResponse:
    """The same changes as an Atom feed, with the same filters (the feed the API serves, on a public address)."""
    form = forms.ChangesForm(request.GET)
    if not form.is_valid():  # a feed cannot show a form error: say what is wrong instead of dropping the filter
        problems = "\n".join(f"{field}: {' '.join(messages)}" for field, messages in form.errors.items())
        return HttpResponse(problems, status=400, content_type="text/plain; charset=utf-8")
    filters = form.filters()
    updates = site.changes_filtered(filters=filters)[:FEED_LENGTH]
    feed = feeds.status_change_feed(updates=updates, feed_url=request.build_absolute_uri(), request=request)
    return HttpResponse(feeds.atom(feed), content_type="application/atom+xml; charset=utf-8")


@public_page
def corrections_page(request: HttpRequest) -> HttpResponse:
    """Every published correction of a quote, status, verdict or evidence readers had seen, newest first."""
    form = forms.CorrectionsForm(request.GET)
    since, until = form.window()
    page = forms.page_number(request.GET)
    rows = corrections(since=since, until=until)[(page - 1) * CORRECTIONS_PER_PAGE: page * CORRECTIONS_PER_PAGE + 1]
    return render(request, "site/corrections.html", {
        "form": form, "corrections": rows[:CORRECTIONS_PER_PAGE], "page": page,
        "next_query": forms.with_page(request.GET, page + 1) if len(rows) > CORRECTIONS_PER_PAGE else "",
        "previous_query": forms.with_page(request.GET, page - 1) if page > 1 else "",
    })


@public_page
def search_page(request: HttpRequest) -> HttpResponse:
    form = forms.SearchForm(request.GET)
    q, filters = form.query()
    hits = search(q=q, filters=filters) if q else []
    return render(request, "site/search.html", {"form": form, "q": q, "hits": hits, "choices": site.filter_choices()})


def _or_404(select, **kwargs):
    try:
        return select(**kwargs)
    except (Statement.DoesNotExist, Commitment.DoesNotExist, Claim.DoesNotExist) as exc:
        raise Http404("No such page.") from exc


def _json_ld(data: dict) -> str:
    """JSON for a <script type="application/ld+json"> block: <, > and & escaped so the text cannot close the tag."""
    text = json.dumps(data, ensure_ascii=False, indent=1)
    return mark_safe(text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e"))  # noqa: S308 - escaped above


