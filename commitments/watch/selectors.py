"""The inbox as staff read it (admin and the staff API)."""

from django.db.models import Q, QuerySet

from commitments.models.watch import InboxItem, InboxState

NO_SETS = Q(sets=[])
NO_MATCHES = Q(matches=[])


def inbox_new_count() -> int:
    return InboxItem.objects.filter(state=InboxState.NEW).count()


def inbox_items(*, state: str | None = None, watch: int | None = None, language: str | None = None,
                has_sets: bool | None = None, matched: bool | None = None) -> QuerySet[InboxItem]:
    """Inbox items, newest first, filtered as the staff API's query parameters say."""
    items = InboxItem.objects.select_related("document__watch").order_by("-created_at", "-id")
    if state:
        items = items.filter(state=state)
    if watch is not None:
        items = items.filter(document__watch_id=watch)
    if language:
        items = items.filter(document__language=language)
    if has_sets is not None:
        items = items.exclude(NO_SETS) if has_sets else items.filter(NO_SETS)
    if matched is not None:
        items = items.exclude(NO_MATCHES) if matched else items.filter(NO_MATCHES)
    return items
