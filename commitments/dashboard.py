"""The public dashboard: every statement with its points, their status, and the totals."""

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from commitments.models import Claim, Commitment, Statement, Status
from commitments.selectors import commitment_stats


def dashboard_statements() -> QuerySet[Statement]:
    """Statements with points, deliverables, sources and claims: five queries whatever the size."""
    deliverables = Prefetch("deliverables", queryset=Commitment.objects.order_by("ordinal"))
    points = Commitment.objects.filter(parent__isnull=True).order_by("ordinal").prefetch_related(deliverables)
    return Statement.objects.select_related("announcing_party").prefetch_related(
        Prefetch("commitments", queryset=points, to_attr="points"),
        "sources",
        Prefetch("claims", queryset=Claim.objects.order_by("id")),
    )


def dashboard(request: HttpRequest) -> HttpResponse:
    stats = commitment_stats(commitments=Commitment.objects.all())
    total = stats["total"] or 1
    tally, offset = [], 0.0
    for status in Status:  # each status's share, and where its segment of the bar starts
        percent = round(100 * stats["by_status"][status.value] / total, 1)
        tally.append({"slug": status.value, "label": status.label, "count": stats["by_status"][status.value], "percent": percent,
                      "offset": round(offset, 1)})
        offset += percent
    return render(request, "dashboard/index.html", {
        "statements": dashboard_statements(), "stats": stats, "tally": tally,
    })
