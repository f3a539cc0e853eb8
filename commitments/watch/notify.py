"""Staff are told: a watch that keeps failing (its creator, once per failing spell), and a daily e-mail
of new inbox items with sets or matches to the Reviewers and Editors who opted in.

Separate from the public digest, which shows only published changes.
"""

from datetime import datetime, timedelta

from django.urls import reverse

from commitments.archive.selectors import BrokenCitation, broken_citations
from commitments.emails import email_message, email_render
from commitments.models.watch import InboxItem, InboxMailOptIn, InboxState, Watch
from commitments.permalinks import absolute

from .selectors import NO_MATCHES, NO_SETS
from .services import watch_is_failing

MAIL_EVERY = timedelta(hours=23)  # "daily", with room for the hourly beat tick to drift


def failing_watches_notify(*, now: datetime) -> int:
    """E-mail each failing watch's creator once per failing spell; returns how many were told."""
    told = 0
    for watch in Watch.objects.filter(active=True, failing_notified_at__isnull=True, created_by__isnull=False).select_related("created_by"):
        if not watch_is_failing(watch) or not watch.created_by.email:
            continue
        rendered = email_render(name="watch-failing", context={
            "watch": watch, "admin_url": absolute(reverse("admin:commitments_watch_change", args=[watch.id])),
        })
        email_message(rendered=rendered, to=watch.created_by.email).send()
        Watch.objects.filter(id=watch.id).update(failing_notified_at=now)
        told += 1
    return told


def inbox_items_worth_mail(*, since: datetime | None) -> list[InboxItem]:
    """New items with a set or a match, filed after `since`."""
    items = InboxItem.objects.filter(state=InboxState.NEW).exclude(NO_SETS & NO_MATCHES).select_related("document__watch")
    if since is not None:
        items = items.filter(created_at__gt=since)
    return list(items.order_by("-created_at")[:100])


def citations_broken_since(*, since: datetime | None) -> list[BrokenCitation]:
    """Citations a published status relies on that broke (changed, lost the quote, moved, went) since `since`."""
    def when(citation: BrokenCitation) -> datetime | None:
        row = citation.monitored
        return max((t for t in (row.content_changed_at, row.health_since, citation.latest and citation.latest.captured_at) if t), default=None)

    return [c for c in broken_citations(limit=50) if since is None or (when(c) or since) > since]


def inbox_mail_send(*, now: datetime) -> int:
    """The daily inbox e-mail to every opted-in staff member whose last one is a day old; returns how many were sent.

    It carries the new inbox items with sets or matches, and the citations that broke since (issue 20: staff
    see what broke beside what is new, with a link to both captures)."""
    sent = 0
    for opt_in in InboxMailOptIn.objects.select_related("user").filter(user__is_active=True, user__is_staff=True):
        if opt_in.last_sent_at and now - opt_in.last_sent_at < MAIL_EVERY or not opt_in.user.email:
            continue
        items = inbox_items_worth_mail(since=opt_in.last_sent_at)
        broken = citations_broken_since(since=opt_in.last_sent_at)
        if items or broken:
            rendered = email_render(name="inbox-daily", context={
                "items": [{"item": i, "url": absolute(reverse("admin:commitments_inboxitem_change", args=[i.id]))} for i in items],
                "inbox_url": absolute(reverse("admin:commitments_inboxitem_changelist")),
                "broken": broken, "broken_url": absolute(reverse("admin:commitments_capture_broken")),
            })
            email_message(rendered=rendered, to=opt_in.user.email).send()
            sent += 1
        InboxMailOptIn.objects.filter(id=opt_in.id).update(last_sent_at=now)
    return sent
