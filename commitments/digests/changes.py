"""What changed in one period, loaded with a fixed set of queries and filtered in memory.

`week_changes_load` runs the same ~20 queries whatever the number of subscribers; each
subscriber's digest is then a filter over these lists (`WeekChanges.for_filter`), cached
per distinct filter, so a batch of 500 subscribers costs no more queries than one.
"""

from collections import OrderedDict, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Prefetch

from commitments import deadlines, permalinks
from commitments.checks.selectors import health_events
from commitments.history import ASSESSMENT_ORDER, published_assessments, published_evidence, published_updates, published_verdicts, status_at
from commitments.models import (
    Claim,
    Commitment,
    CommitmentLink,
    Evidence,
    Rendering,
    Score,
    StatementLink,
    Status,
    Verdict,
)
from commitments.models.domain import commitment_label, point_number
from commitments.parties import bound_parties_by_statement

from .periods import Period

UPCOMING_DAYS = 30
HEALTH_KINDS = {"gone": "Gone", "moved": "Moved", "changed": "Changed", "quote_missing": "Quote missing"}


@dataclass(frozen=True)
class Scope:
    """What one commitment or claim concerns, for matching subscriber filters.

    `party_ids` is the bound_party relation, `responsible_party_ids` the responsible_party one
    (both from commitments.parties, as in the API filters of the same names).
    """

    statement_id: int | None
    party_ids: frozenset[int]
    theme_ids: frozenset[int]
    responsible_party_ids: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Filter:
    """A subscriber's filters. Empty means everything. Kinds combine with AND, values within a kind with OR.

    `party_ids` are bound parties (the API's `bound_party`), `responsible_party_ids` responsible ones.
    """

    statement_ids: frozenset[int] = frozenset()
    party_ids: frozenset[int] = frozenset()
    theme_ids: frozenset[int] = frozenset()
    responsible_party_ids: frozenset[int] = frozenset()

    @property
    def is_empty(self) -> bool:
        return not (self.statement_ids or self.party_ids or self.theme_ids or self.responsible_party_ids)

    def matches_scope(self, scope: Scope) -> bool:
        return (
            (not self.statement_ids or scope.statement_id in self.statement_ids)
            and (not self.party_ids or not self.party_ids.isdisjoint(scope.party_ids))
            and (not self.responsible_party_ids or not self.responsible_party_ids.isdisjoint(scope.responsible_party_ids))
            and (not self.theme_ids or not self.theme_ids.isdisjoint(scope.theme_ids))
        )

    def matches(self, scopes: Iterable[Scope]) -> bool:
        """An item concerns the subscriber if any of the things it is about matches.

        Items about nothing in particular (scopes empty) reach only unfiltered subscribers.
        """
        return self.is_empty or any(self.matches_scope(scope) for scope in scopes)


@dataclass(frozen=True)
class Link:
    title: str
    url: str


@dataclass(frozen=True)
class Item:
    """One line of a digest section. `fields` holds what the templates show."""

    scopes: tuple[Scope, ...]
    title: str
    url: str
    at: datetime | date | None = None
    old: str = ""
    new: str = ""
    detail: str = ""
    links: tuple[Link, ...] = ()

    @property
    def day(self) -> str:
        """"6 Mar 2024": formatted here because the template filter is slow at 10,000 digests."""
        return f"{self.at.day} {self.at:%b %Y}" if self.at else ""


@dataclass
class CommitmentRow:
    id: int
    label: str
    url: str
    scope: Scope
    status: str
    target_date: date | None
    created_at: datetime
    status_before: str | None = None  # at the period's start; None if it did not exist yet
    status_after: str | None = None  # at the period's end; None if it did not exist yet


# Most subscribers share a few hundred filters (a party, a theme, both, nothing); those following
# particular statements are nearly unique. Keep the recent ones: memory stays bounded however
# many subscribers a worker serves, and the shared filters stay cached.
FILTERS_CACHED = 512


class LRUCache(OrderedDict):
    """A dict keeping only its `size` most recently used entries."""

    def __init__(self, size: int):
        super().__init__()
        self.size = size

    def get(self, key, default=None):
        try:  # one step each, so a thread evicting the key between them costs a cache miss, not an error
            self.move_to_end(key)
            return self[key]
        except KeyError:
            return default

    def __setitem__(self, key, value) -> None:
        super().__setitem__(key, value)
        self.move_to_end(key)
        if len(self) > self.size:
            self.popitem(last=False)


@dataclass
class WeekChanges:
    period: Period
    status_changes: list[Item]
    evidence: list[Item]
    new_commitments: list[Item]
    new_claims: list[Item]
    verdicts: list[Item]
    assessments: list[Item]
    links: list[Item]
    renderings: list[Item]
    source_health: list[Item]
    upcoming: list[Item]
    commitments: list[CommitmentRow]
    deadlines_passed: list[Item] = field(default_factory=list)
    # Per distinct subscriber filter: its DigestContent (build.py) and its rendered e-mail (delivery.py).
    # What is derived from these changes, per batch run: each filter's DigestContent (build.py), its
    # rendered e-mail (delivery.py), each item's rendered fragments (as many as the week has).
    _memos: dict = field(default_factory=lambda: {
        "content": LRUCache(FILTERS_CACHED), "digest": LRUCache(FILTERS_CACHED), "fragments": {},
    }, repr=False)

    def memo(self, kind: str, key, compute):
        """`compute()` once per (kind, key) for these changes: "content" and "digest" by filter, "fragments" by item."""
        store = self._memos[kind]
        found = store.get(key)
        if found is None:
            found = store[key] = compute()
        return found


def site_url(path: str) -> str:
    """Absolute, for an e-mail: every link in a digest opens a public page (commitments.permalinks)."""
    return permalinks.absolute(path)


def source_health_events(*, start: datetime, end: datetime) -> list[dict]:
    """Source-check events of the period, as dicts: title, url, kind (gone/moved/changed/quote_missing), detail, at.

    `commitment_ids` / `claim_ids` name what quotes the source or cites the evidence at that
    URL, so filtered subscribers see the events about what they follow (a point quoted from the
    source in any rendering counts). Six queries.
    """
    events = health_events(start=start, end=end)
    source_ids = {pk for event in events for pk, _ in event.sources}
    evidence_ids = {pk for event in events for pk, _ in event.evidence}
    by_source_c, by_source_k = _quoting(Commitment, source_ids), _quoting(Claim, source_ids)
    by_evidence_c = _pairs(Evidence.commitments.through.objects.filter(evidence_id__in=evidence_ids).values_list("evidence_id", "commitment_id"))
    by_evidence_k = _pairs(Evidence.claims.through.objects.filter(evidence_id__in=evidence_ids).values_list("evidence_id", "claim_id"))
    return [
        {
            "title": (event.sources or event.evidence or [(None, event.url)])[0][1],
            "url": event.url,
            "kind": "quote_missing" if event.kind == "quote_lost" else event.kind,
            "detail": f"{event.detail} New address: {event.new_url}".strip() if event.new_url else event.detail,
            "at": event.at,
            "commitment_ids": _union(by_source_c, event.sources) | _union(by_evidence_c, event.evidence),
            "claim_ids": _union(by_source_k, event.sources) | _union(by_evidence_k, event.evidence),
        }
        for event in events
    ]


def _quoting(model, source_ids: set[int]) -> dict[int, set[int]]:
    """{source id: ids of the commitments (or claims) quoting it, in any rendering}."""
    owner = model._meta.model_name
    renderings = Rendering.objects.filter(source_id__in=source_ids, **{f"{owner}__isnull": False}).values_list("source_id", f"{owner}_id")
    return _pairs(renderings)


def _union(index: dict[int, set[int]], owners: list[tuple[int, str]]) -> set[int]:
    return set().union(*(index.get(pk, set()) for pk, _ in owners))


# --- The scope index: every commitment and claim, with what it concerns ------------------


def _pairs(rows: Iterable[tuple[int, int]]) -> dict[int, set[int]]:
    grouped: dict[int, set[int]] = defaultdict(set)
    for owner, other in rows:
        grouped[owner].add(other)
    return grouped


def _number(ordinal: int, parent_ordinal: int | None) -> str:
    return point_number(ordinal=ordinal, parent_ordinal=parent_ordinal)


def commitments_index() -> dict[int, CommitmentRow]:
    """6 queries: every commitment with its label, status and scope (bound parties: its statement's; responsible: its own)."""
    bound = bound_parties_by_statement()
    own_parties = _pairs(Commitment.parties.through.objects.values_list("commitment_id", "party_id"))
    themes = _pairs(Commitment.themes.through.objects.values_list("commitment_id", "theme_id"))
    rows = Commitment.objects.order_by().values_list(
        "id", "statement_id", "parent_id", "parent__ordinal", "ordinal", "title", "statement__title", "status", "target_date", "created_at",
        "statement__slug",
    )
    index = {}
    for pk, statement_id, parent_id, parent_ordinal, ordinal, title, statement_title, status, target_date, created_at, slug in rows:
        scope = Scope(
            statement_id=statement_id,
            party_ids=bound.get(statement_id, frozenset()),
            responsible_party_ids=frozenset(own_parties.get(pk, set())),
            # A deliverable is about its point's themes too.
            theme_ids=frozenset(themes.get(pk, set()) | themes.get(parent_id, set())),
        )
        index[pk] = CommitmentRow(
            id=pk, label=commitment_label(statement_title=statement_title, number=_number(ordinal, parent_ordinal), title=title),
            url=site_url(permalinks.commitment_path(statement_slug=slug, number=_number(ordinal, parent_ordinal))),
            scope=scope, status=status, target_date=target_date, created_at=created_at,
        )
    return index


@dataclass
class ClaimRow:
    id: int
    title: str
    url: str
    scope: Scope
    created_at: datetime


def claims_index() -> dict[int, ClaimRow]:
    """5 queries: every claim with its scope (bound parties: its statement's; responsible: the parties it is about)."""
    bound = bound_parties_by_statement()
    parties = _pairs(Claim.parties.through.objects.values_list("claim_id", "party_id"))
    themes = _pairs(Claim.themes.through.objects.values_list("claim_id", "theme_id"))
    index = {}
    for pk, statement_id, title, created_at in Claim.objects.order_by().values_list("id", "statement_id", "title", "created_at"):
        scope = Scope(
            statement_id=statement_id,
            party_ids=bound.get(statement_id, frozenset()),
            responsible_party_ids=frozenset(parties.get(pk, set())),
            theme_ids=frozenset(themes.get(pk, set())),
        )
        index[pk] = ClaimRow(id=pk, title=title, url=site_url(permalinks.claim_path(pk=pk)), scope=scope, created_at=created_at)
    return index


# --- Status history: old -> new, and the status at the period's start and end ---------------
# A change counts in the week it was published (a proposal is not news until a reviewer publishes it).


def _histories(*, start: datetime) -> dict[int, list[dict]]:
    """1 query: the whole published history of every commitment with a status published since `start`."""
    changed = published_updates().filter(published_at__gte=start).values("commitment_id")
    rows = published_updates().filter(commitment_id__in=changed).order_by().values(
        "id", "commitment_id", "status", "effective_on", "recorded_at", "published_at"
    )
    grouped: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        grouped[row["commitment_id"]].append(row)
    return grouped


def _tally_statuses(*, commitments: dict[int, CommitmentRow], histories: dict[int, list[dict]], period: Period) -> None:
    for row in commitments.values():
        history = histories.get(row.id)
        if row.created_at < period.end:
            row.status_after = status_at(history, period.end) if history else row.status
        if row.created_at < period.start:
            row.status_before = status_at(history, period.start) if history else row.status


def _evidence_links(evidence: Iterable[Evidence]) -> tuple[Link, ...]:
    return tuple(Link(title=item.title, url=item.url) for item in evidence)


def _status_changes(*, period: Period, commitments: dict[int, CommitmentRow], histories: dict[int, list[dict]]) -> list[Item]:
    """2 queries: status updates published in the period, with their evidence."""
    updates = (
        published_updates().filter(period.published_in())
        .order_by("published_at", "id").prefetch_related(Prefetch("evidence", queryset=Evidence.objects.order_by("id")))
    )
    items = []
    for update in updates:
        row = commitments[update.commitment_id]
        old = status_at(histories.get(update.commitment_id, []), update.published_at, before_id=update.id)
        items.append(Item(
            scopes=(row.scope,), title=row.label, url=row.url, at=update.effective_on,
            old=Status(old).label, new=update.get_status_display(), detail=update.rationale, links=_evidence_links(update.evidence.all()),
        ))
    return items


def _evidence_items(*, period: Period, commitments: dict[int, CommitmentRow], claims: dict[int, ClaimRow]) -> list[Item]:
    """3 queries: evidence added in the period and what it is attached to."""
    in_period = period.published_in("evidence__")
    on_commitments = _pairs(Evidence.commitments.through.objects.filter(in_period).values_list("evidence_id", "commitment_id"))
    on_claims = _pairs(Evidence.claims.through.objects.filter(in_period).values_list("evidence_id", "claim_id"))
    items = []
    for evidence in published_evidence().filter(period.published_in()).order_by("published_at", "id"):
        about = [commitments[pk] for pk in sorted(on_commitments.get(evidence.pk, ()))]
        about += [claims[pk] for pk in sorted(on_claims.get(evidence.pk, ()))]
        items.append(Item(
            scopes=tuple(row.scope for row in about), title=evidence.title, url=evidence.url, at=evidence.published_at,
            new=evidence.get_stance_display(), detail=evidence.publisher,
            links=tuple(Link(title=getattr(row, "label", None) or row.title, url=row.url) for row in about),
        ))
    return items


def _new_items(rows: Iterable, *, period: Period, title: str = "label") -> list[Item]:
    fresh = sorted((row for row in rows if period.start <= row.created_at < period.end), key=lambda row: (row.created_at, row.id))
    return [Item(scopes=(row.scope,), title=getattr(row, title), url=row.url, at=row.created_at) for row in fresh]


def _verdicts(*, period: Period, claims: dict[int, ClaimRow]) -> list[Item]:
    """2 queries: verdicts published in the period, with their evidence."""
    updates = (
        published_verdicts().filter(period.published_in())
        .order_by("published_at", "id").prefetch_related(Prefetch("evidence", queryset=Evidence.objects.order_by("id")))
    )
    return [
        Item(
            scopes=(claims[update.claim_id].scope,), title=claims[update.claim_id].title, url=claims[update.claim_id].url,
            at=update.published_at, new=Verdict(update.verdict).label, detail=update.rationale, links=_evidence_links(update.evidence.all()),
        )
        for update in updates
    ]


def _previous_scores(*, period: Period, pairs: set[tuple[int, int]]) -> dict[tuple[int, int], int]:
    """1 query: each (commitment, party)'s latest score published before the period."""
    commitment_ids = {commitment_id for commitment_id, _ in pairs}
    earlier = published_assessments().filter(commitment_id__in=commitment_ids, published_at__lt=period.start).order_by(
        *ASSESSMENT_ORDER
    ).values_list("commitment_id", "party_id", "score")
    return {(commitment_id, party_id): score for commitment_id, party_id, score in earlier}  # the last one wins


def _assessments(*, period: Period, commitments: dict[int, CommitmentRow]) -> list[Item]:
    """3 queries: party assessments published in the period, their evidence and the score before."""
    assessments = list(
        published_assessments().filter(period.published_in())
        .select_related("party").order_by("published_at", "id")
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.order_by("id")))
    )
    before = _previous_scores(period=period, pairs={(a.commitment_id, a.party_id) for a in assessments}) if assessments else {}
    items = []
    for assessment in assessments:
        row = commitments[assessment.commitment_id]
        previous = before.get((assessment.commitment_id, assessment.party_id))
        items.append(Item(
            scopes=(row.scope,), title=f"{assessment.party.name} on {row.label}", url=row.url, at=assessment.assessed_on,
            old=Score(previous).label if previous is not None else "", new=Score(assessment.score).label,
            detail=assessment.rationale, links=_evidence_links(assessment.evidence.all()),
        ))
        before[(assessment.commitment_id, assessment.party_id)] = assessment.score
    return items


def _links(*, period: Period, commitments: dict[int, CommitmentRow]) -> list[Item]:
    """2 queries: links recorded in the period ("this week: ... reaffirms point 2 of ..."), between points and statements."""
    in_period = {"created_at__gte": period.start, "created_at__lt": period.end}
    items = []
    for link in CommitmentLink.objects.filter(**in_period).order_by("created_at", "id"):
        subject, other = commitments[link.from_commitment_id], commitments[link.to_commitment_id]
        items.append(Item(scopes=(subject.scope, other.scope), title=f"{subject.label} {link.get_kind_display()} {other.label}",
                          url=subject.url, at=link.created_at, detail=link.rationale, links=(Link(title=other.label, url=other.url),)))
    for link in StatementLink.objects.filter(**in_period).select_related("from_statement", "to_statement").order_by("created_at", "id"):
        scopes = tuple(row.scope for row in commitments.values() if row.scope.statement_id in (link.from_statement_id, link.to_statement_id))
        items.append(Item(scopes=scopes, title=f"{link.from_statement.title} {link.get_kind_display()} {link.to_statement.title}",
                          url=site_url(link.from_statement.get_absolute_url()), at=link.created_at, detail=link.rationale,
                          links=(Link(title=link.to_statement.title, url=site_url(link.to_statement.get_absolute_url())),)))
    return items


def _renderings(*, period: Period, commitments: dict[int, CommitmentRow], claims: dict[int, ClaimRow]) -> list[Item]:
    """1 query: renderings added in the period to points and claims that existed before it (new ones are news already)."""
    added = Rendering.objects.filter(created_at__gte=period.start, created_at__lt=period.end).select_related("source").order_by("created_at", "id")
    items = []
    for rendering in added:
        row = commitments[rendering.commitment_id] if rendering.commitment_id else claims[rendering.claim_id]
        if row.created_at >= period.start:
            continue
        translated = " (translation)" if rendering.is_translation else ""
        items.append(Item(scopes=(row.scope,), title=getattr(row, "label", None) or row.title, url=row.url, at=rendering.created_at,
                          new=f"in {rendering.source.title}{translated}", detail=rendering.text))
    return items


def _deadline_items(rows: list[CommitmentRow]) -> list[Item]:
    rows.sort(key=lambda row: (row.target_date, row.id))
    return [Item(scopes=(row.scope,), title=row.label, url=row.url, at=row.target_date, new=Status(row.status).label) for row in rows]


def _upcoming(*, period: Period, commitments: dict[int, CommitmentRow]) -> list[Item]:
    first, last = period.end.date(), period.end.date() + timedelta(days=UPCOMING_DAYS)
    return _deadline_items([
        row for row in commitments.values() if row.target_date and first <= row.target_date <= last and deadlines.is_open(row.status)
    ])


def _deadlines_passed(*, period: Period, commitments: dict[int, CommitmentRow]) -> list[Item]:
    """Target dates within the period that were overdue once it ended (commitments.deadlines' rule)."""
    after = period.end.date()
    return _deadline_items([
        row for row in commitments.values()
        if row.target_date and period.first_day <= row.target_date <= period.last_day
        and deadlines.is_overdue(status=row.status, target_date=row.target_date, today=after)
    ])


def _health_items(*, events: list[dict], commitments: dict[int, CommitmentRow], claims: dict[int, ClaimRow]) -> list[Item]:
    items = []
    for event in events:
        scopes = [commitments[pk].scope for pk in event.get("commitment_ids", ()) if pk in commitments]
        scopes += [claims[pk].scope for pk in event.get("claim_ids", ()) if pk in claims]
        items.append(Item(
            scopes=tuple(scopes), title=event["title"], url=event["url"], at=event.get("at"),
            new=HEALTH_KINDS.get(event["kind"], event["kind"]), detail=event.get("detail", ""),
        ))
    return items


def week_changes_load(*, period: Period, health_events: list[dict] | None = None) -> WeekChanges:
    """Everything the digests of `period` show, for every subscriber at once (a fixed ~20 queries)."""
    commitments, claims = commitments_index(), claims_index()
    histories = _histories(start=period.start)
    _tally_statuses(commitments=commitments, histories=histories, period=period)
    if health_events is None:
        health_events = source_health_events(start=period.start, end=period.end)
    return WeekChanges(
        period=period,
        status_changes=_status_changes(period=period, commitments=commitments, histories=histories),
        evidence=_evidence_items(period=period, commitments=commitments, claims=claims),
        new_commitments=_new_items(commitments.values(), period=period),
        new_claims=_new_items(claims.values(), period=period, title="title"),
        verdicts=_verdicts(period=period, claims=claims),
        assessments=_assessments(period=period, commitments=commitments),
        links=_links(period=period, commitments=commitments),
        renderings=_renderings(period=period, commitments=commitments, claims=claims),
        source_health=_health_items(events=health_events, commitments=commitments, claims=claims),
        upcoming=_upcoming(period=period, commitments=commitments),
        deadlines_passed=_deadlines_passed(period=period, commitments=commitments),
        commitments=list(commitments.values()),
    )
