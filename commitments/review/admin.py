"""The review queue in the admin: what waits, the diff each would make, approve or reject in one click.

Served under /admin/review/ (commitments.review.urls), inside the admin's login and look.
"""


from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from commitments.models import Statement

from . import notices, selectors, services

QUEUE_LENGTH = 100  # per kind; the oldest first


def _filters(request: HttpRequest) -> dict:
    age = selectors.AGES.get(request.GET.get("age", ""))
    return {
        "statement_id": int(request.GET["statement"]) if request.GET.get("statement", "").isdigit() else None,
        "author_id": int(request.GET["proposer"]) if request.GET.get("proposer", "").isdigit() else None,
        "older_than": timezone.now() - age if age else None,
    }


def _queue(request: HttpRequest) -> list[dict]:
    return [
        {
            "kind": kind, "row": row, "subject": selectors.proposal_subject(row), "changes": selectors.proposal_changes(row),
            "refusal": services.review_refusal(user=request.user, row=row), "decide_url": reverse("review-decide", args=[kind, row.pk]),
        }
        for kind, row in selectors.queue(kind=request.GET.get("kind"), limit=QUEUE_LENGTH, **_filters(request))
    ]


def review_queue(request: HttpRequest) -> HttpResponse:
    if not services.can_see_queue(request.user):
        raise PermissionDenied
    proposers = get_user_model().objects.filter(is_staff=True).order_by("username").only("id", "username")
    context = {
        **admin.site.each_context(request), "title": "Review queue", "queue": _queue(request),
        "mine": selectors.my_proposals(user=request.user), "statements": Statement.objects.order_by("title").only("id", "title"),
        "proposers": proposers, "kinds": list(selectors.KINDS), "ages": list(selectors.AGES), "params": request.GET,
    }
    return TemplateResponse(request, "review/queue.html", context)


@require_POST
def review_decide(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    model = selectors.KINDS.get(kind)
    if model is None:
        raise PermissionDenied
    row = get_object_or_404(model, pk=pk)
    comment = request.POST.get("comment", "").strip()
    try:
        if request.POST.get("decision") == "approve":
            services.proposal_approve(row=row, reviewer=request.user, comment=comment)
            messages.success(request, f"Published: {selectors.proposal_subject(row)}.")
        else:
            services.proposal_reject(row=row, reviewer=request.user, comment=comment)
            messages.warning(request, f"Rejected: {selectors.proposal_subject(row)}.")
    except PermissionDenied as refusal:
        messages.error(request, str(refusal))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return HttpResponseRedirect(_safe_next(request))


def _safe_next(request: HttpRequest) -> str:
    """Where to go after a decision: the posted `next` only when it stays on this site, else the queue."""
    target = request.POST.get("next", "")
    allowed = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    return target if target and allowed else reverse("review-queue")




def review_notices(request: HttpRequest) -> HttpResponse:
    """A Reviewer's switch for the daily e-mail about waiting proposals (the e-mail links here)."""
    if not services.can_see_queue(request.user):
        raise PermissionDenied
    if request.method == "POST":
        enabled = request.POST.get("enabled") == "on"
        notices.notice_set(user=request.user, enabled=enabled)
        messages.success(request, "You will get an e-mail when proposals wait (at most daily)." if enabled
                         else "You will no longer get e-mails about waiting proposals.")
        return HttpResponseRedirect(reverse("review-notices"))
    context = {**admin.site.each_context(request), "title": "E-mail about waiting proposals",
               "enabled": notices.notice_enabled(user=request.user)}
    return TemplateResponse(request, "review/notices.html", context)
