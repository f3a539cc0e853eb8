"""The Atom feed of status changes: its entries are built here for the API export and the public /changes/ page."""

from django.http import HttpRequest
from django.utils.feedgenerator import Atom1Feed

from commitments import permalinks
from commitments.models import StatusUpdate
from commitments.text import text_reader, xml_clean

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


class PagedAtom1Feed(Atom1Feed):
    """Atom with RFC 5005 paging links (`first`, `next`, `previous`) beside `self`."""

    PAGE_RELS = ("first", "next", "previous")

    def add_root_elements(self, handler) -> None:
        super().add_root_elements(handler)
        for rel in self.PAGE_RELS:
            if self.feed.get(rel):
                handler.addQuickElement("link", "", {"rel": rel, "href": self.feed[rel]})


class TextSummaryAtomFeed(PagedAtom1Feed):
    """Atom with `<summary type="text">`: Django writes type="html", and our summaries are plain text, not markup."""

    def add_item_elements(self, handler, item) -> None:
        super().add_item_elements(handler, {**item, "description": None})
        if item["description"]:
            handler.addQuickElement("summary", item["description"], {"type": "text"})


def _xml_safe(value):
    """Strings without the characters XML cannot carry (rows stored before the input rule may hold them), invisible controls shown."""
    if isinstance(value, str):
        return text_reader(xml_clean(value))
    if isinstance(value, list):
        return [_xml_safe(item) for item in value]
    return value


def atom(feed: dict) -> bytes:
    """The Atom document of a feed dict; `first`/`next`/`previous` become RFC 5005 paging links."""
    pages = {rel: feed.get(rel) for rel in PagedAtom1Feed.PAGE_RELS}
    document = TextSummaryAtomFeed(
        title=feed["title"], link=feed["link"], description=feed["description"], feed_url=feed["feed_url"], language="en", **pages,
    )
    for item in feed["items"]:
        document.add_item(**{key: _xml_safe(value) for key, value in item.items()})
    return document.writeString("utf-8").encode()
