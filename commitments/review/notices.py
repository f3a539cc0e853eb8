"""Telling Reviewers that proposals wait: one e-mail at most per day per Reviewer, with links into the queue.

Beat runs `commitments.tasks.review.review_notices_send` hourly; it sends to each active Reviewer with an
e-mail address who has not opted out (the queue's "E-mail me" switch, `notice_set`) and who may decide
at least one waiting proposal (one not their own), unless they got the e-mail in the last 24 hours.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from commitments.emails import email_send
from commitments.models import ReviewerNotice

from .selectors import KIND_OF, proposals
from .services import REVIEWED_MODELS, may_review_kind, review_permission

INTERVAL = timedelta(days=1)


@dataclass(frozen=True)
class Waiting:
    kind: str
    count: int
    oldest: datetime


def reviewers() -> list[AbstractBaseUser]:
    """Active staff with an address who hold a Reviewer permission (the one rule: `may_review_kind`)."""
    codenames = [review_permission(model).split(".", 1)[1] for model in REVIEWED_MODELS]
    candidates = get_user_model().objects.filter(is_active=True, is_staff=True).exclude(email="").filter(
        Q(is_superuser=True) | Q(groups__permissions__codename__in=codenames) | Q(user_permissions__codename__in=codenames),
    ).distinct().order_by("pk")
    return [user for user in candidates if any(may_review_kind(user=user, model=model) for model in REVIEWED_MODELS)]


def waiting_for(user: AbstractBaseUser) -> list[Waiting]:
    """What waits that this user may decide: per kind, how many and since when (their own proposals excluded)."""
    found = []
    for model in REVIEWED_MODELS:
        if not may_review_kind(user=user, model=model):
            continue
        rows = proposals(model=model).exclude(author_id=user.pk)
        oldest = rows.values_list("recorded_at", flat=True).first()
        if oldest is not None:
            found.append(Waiting(KIND_OF[model], rows.count(), oldest))
    return found


def _claim(user: AbstractBaseUser, now: datetime) -> bool:
    """Take today's e-mail for this user, once: only one of two concurrent runs gets True."""
    notice, _ = ReviewerNotice.objects.get_or_create(user=user)
    due = Q(last_sent_at__isnull=True) | Q(last_sent_at__lte=now - INTERVAL)
    return bool(notice.enabled and ReviewerNotice.objects.filter(due, pk=notice.pk, enabled=True).update(last_sent_at=now))


def review_notices_send(*, now: datetime | None = None) -> int:
    """Send the e-mail to every Reviewer it is due for; returns how many were sent."""
    now = now or timezone.now()
    queue_url = settings.SITE_URL + reverse("review-queue")
    sent = 0
    for user in reviewers():
        waiting = waiting_for(user)
        if not waiting:
            continue
        with transaction.atomic():  # an SMTP failure gives the day back
            if not _claim(user, now):
                continue
            email_send(name="review-waiting", to=user.email, context={
                "user": user, "total": sum(item.count for item in waiting), "queue_url": queue_url,
                "waiting": [{**vars(item), "url": f"{queue_url}?kind={item.kind}"} for item in waiting],
                "settings_url": settings.SITE_URL + reverse("review-notices"), "site_url": settings.SITE_URL,
            })
        sent += 1
    return sent


def notice_enabled(*, user: AbstractBaseUser) -> bool:
    notice = ReviewerNotice.objects.filter(user=user).first()
    return notice is None or notice.enabled


def notice_set(*, user: AbstractBaseUser, enabled: bool) -> None:
    """A Reviewer's opt-out (or back in) of the e-mail about waiting proposals."""
    ReviewerNotice.objects.update_or_create(user=user, defaults={"enabled": enabled})
