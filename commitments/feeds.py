"""The Atom feed of status changes: its entries are built here for the API export and the public /changes/ page."""

from django.http import HttpRequest
from django.utils.feedgenerator import Atom1Feed

from commitments import permalinks
from commitments.models import StatusUpdate

FEED_TITLE = "Commitments: status changes"
FEED_DESCRIPTION = "Every published change of a commitment's status."


def status_change_item(*, update: StatusUpdate, request: HttpRequest | None = None) -> dict:
    """One entry; it links to the commitment's page. Needs `commitment__statement` and `commitment__parent` loaded."""
    commitment = update.commitment
    link = permalinks.absolute(commitment.get_absolute_url(), request=request)
    return {
        "title": f"{commitment.statement.title} {commitment.number}: {update.get_status_display()}",
        "link": link,
        "unique_id": f"{link}#change-{update.pk}",
        "description": f"{commitment.title}: {update.get_status_display()} since {update.effective_on.isoformat()}. {update.rationale}".strip(),
        "pubdate": update.published_at,  # when readers could first see it
        "updateddate": update.published_at,
        "categories": [update.status],
    }


def status_change_feed(*, updates, feed_url: str, request: HttpRequest | None = None) -> dict:
    """{"title", "link", "description", "feed_url", "items"}: what an Atom renderer needs."""
    return {
        "title": FEED_TITLE,
        "link": permalinks.absolute(permalinks.changes_path(), request=request),
        "feed_url": feed_url,
        "description": FEED_DESCRIPTION,
        "items": [status_change_item(update=update, request=request) for update in updates],
    }


def atom(feed: dict) -> bytes:
    document = Atom1Feed(title=feed["title"], link=feed["link"], description=feed["description"], feed_url=feed["feed_url"], language="en")
    for item in feed["items"]:
        document.add_item(**item)
    return document.writeString("utf-8").encode()
