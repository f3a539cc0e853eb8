"""One subscriber's digest: the week's changes filtered to what they follow, as a template context."""

from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe

from commitments import permalinks
from commitments.models import Status, Subscriber

from .changes import Filter, Item, WeekChanges, site_url
from .periods import Period

# (attribute of WeekChanges, heading, admin list that shows them all)
# (key, title, whether the rest is listed on the public page of the week's changes)
SECTIONS = (
    ("status_changes", "Status changes", True),
    ("evidence", "New evidence", False),
    ("new_commitments", "New commitments", False),
    ("new_claims", "New claims", False),
    ("verdicts", "Verdicts given", False),
    ("assessments", "Party assessments", False),
    ("links", "New links between statements", False),
    ("renderings", "New renderings of existing points", False),
    ("source_health", "Source health", False),
)
# The "Deadlines" part of the digest: dates listed by day (commitments.deadlines owns "overdue").
DEADLINE_KEYS = ("deadlines_passed", "upcoming")


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    items: tuple[Item, ...]  # at most TRACKER_DIGEST_MAX_ITEMS
    total: int
    more_url: str
    text: str = ""  # the rendered items, see item_fragments
    html: SafeString = mark_safe("")  # noqa: S308 (empty)

    @property
    def more(self) -> int:
        return self.total - len(self.items)


@dataclass(frozen=True)
class TallyRow:
    label: str
    now: int
    before: int


@dataclass(frozen=True)
class DigestContent:
    period: Period
    filter: Filter
    sections: tuple[Section, ...]
    upcoming: Section
    tally: tuple[TallyRow, ...]
    deadlines_passed: Section | None = None
    followed: int = 0  # commitments within the filter at the period's end (the API's count for the same filter)

    @property
    def is_empty(self) -> bool:
        """Nothing changed: upcoming dates and the tally alone are not news (a deadline missed this week is)."""
        return not any(section.total for section in self.sections) and not (self.deadlines_passed and self.deadlines_passed.total)

    @property
    def change_count(self) -> int:
        return sum(section.total for section in self.sections)

    @property
    def tally_line(self) -> str:
        return " · ".join(f"{row.label}: {row.now} (a week ago {row.before})" for row in self.tally)


def subscriber_filter(subscriber: Subscriber) -> Filter:
    """Reads the prefetched M2Ms: prefetch statements, parties and themes to keep this query-free."""
    return Filter(
        statement_ids=frozenset(item.pk for item in subscriber.statements.all()),
        party_ids=frozenset(item.pk for item in subscriber.parties.all()),
        responsible_party_ids=frozenset(item.pk for item in subscriber.responsible_parties.all()),
        theme_ids=frozenset(item.pk for item in subscriber.themes.all()),
    )


def item_fragments(*, changes: WeekChanges, item: Item, upcoming: bool = False) -> tuple[str, str]:
    """One item's text and HTML, rendered once per batch however many digests show it.

    Thousands of digests share the same few hundred items: rendering each item once and
    joining the pieces makes a digest cost one small template, not hundreds of loop turns.
    """
    def render() -> tuple[str, str]:
        context = {"item": item, "upcoming": upcoming}
        text = get_template("emails/weekly-digest-item-body-text.html").render(context)
        return text, get_template("emails/weekly-digest-item-body-html.html").render(context)

    return changes.memo("fragments", id(item), render)


def _more_url(*, changes: WeekChanges, on_changes_page: bool) -> str:
    """Where "... and N more" leads: the week's changes, or the overview."""
    if on_changes_page:
        return site_url(f"{permalinks.changes_path()}?week={changes.period.key}")
    return site_url("/")


def _section(*, changes: WeekChanges, key: str, title: str, items: list[Item], on_changes_page: bool) -> Section:
    shown = tuple(items[: settings.TRACKER_DIGEST_MAX_ITEMS])
    fragments = [item_fragments(changes=changes, item=item, upcoming=key in DEADLINE_KEYS) for item in shown]
    return Section(
        key=key, title=title, items=shown, total=len(items),
        more_url=_more_url(changes=changes, on_changes_page=on_changes_page),
        text="".join(text for text, _ in fragments),
        html=mark_safe("".join(html for _, html in fragments)),  # noqa: S308 (rendered by autoescaping templates)
    )


def _followed(*, changes: WeekChanges, digest_filter: Filter) -> list:
    return [row for row in changes.commitments if digest_filter.matches_scope(row.scope)] if not digest_filter.is_empty else changes.commitments


def _tally(*, changes: WeekChanges, digest_filter: Filter) -> tuple[TallyRow, ...]:
    rows = _followed(changes=changes, digest_filter=digest_filter)
    now = Counter(row.status_after for row in rows if row.status_after)
    before = Counter(row.status_before for row in rows if row.status_before)
    return tuple(TallyRow(label=status.label, now=now[status], before=before[status]) for status in Status if now[status] or before[status])


def digest_content(*, changes: WeekChanges, digest_filter: Filter) -> DigestContent:
    """The digest for one filter; computed once per distinct filter and cached on `changes`."""

    def compute() -> DigestContent:
        def keep(items: list[Item]) -> list[Item]:
            return items if digest_filter.is_empty else [item for item in items if digest_filter.matches(item.scopes)]

        content = DigestContent(
            period=changes.period, filter=digest_filter,
            sections=tuple(
                _section(changes=changes, key=key, title=title, items=keep(getattr(changes, key)), on_changes_page=listed)
                for key, title, listed in SECTIONS
            ),
            upcoming=_section(
                changes=changes, key="upcoming", title="Due in the next 30 days", items=keep(changes.upcoming), on_changes_page=False,
            ),
            deadlines_passed=_section(
                changes=changes, key="deadlines_passed", title="Passed this week, not met", items=keep(changes.deadlines_passed),
                on_changes_page=False,
            ),
            tally=_tally(changes=changes, digest_filter=digest_filter),
            followed=sum(1 for row in _followed(changes=changes, digest_filter=digest_filter) if row.status_after),
        )
        return content

    return changes.memo("content", digest_filter, compute)


def digest_context(*, content: DigestContent, unsubscribe_url: str, filter_names: str = "") -> dict:
    """The template context of one e-mail (subject, text and HTML templates share it)."""
    return {
        "content": content,
        "period": content.period,
        "sections": [section for section in content.sections if section.total],
        "upcoming": content.upcoming,
        "deadlines_passed": content.deadlines_passed,
        "deadlines_parts": [part for part in (content.deadlines_passed, content.upcoming) if part],
        "tally": content.tally,
        "tally_line": content.tally_line,
        "filter_names": filter_names,
        "unsubscribe_url": unsubscribe_url,
        "site_url": site_url("/"),
        "manage_url": site_url("/subscribe/"),
    }
