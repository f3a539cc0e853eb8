"""What the public pages read, on top of the core selectors.

Only what is published shows, and nothing staff-only: an author appears as a role
("Editor"), never by name or e-mail address. Every function here runs a fixed number of
queries whatever the data's size (tests/test_site_queries.py pins each page).
"""

from collections import Counter
from dataclasses import dataclass, replace
from datetime import date

from django.contrib.auth.models import Group
from django.db.models import Count, F, Prefetch, Q, QuerySet

from commitments import history, selectors
from commitments.checks.selectors import UrlHealth, latest_checks
from commitments.digests.periods import Period
from commitments.integrity import count_problem, statements_with_numbering
from commitments.links import LinkView, commitment_links_of, statement_links_of
from commitments.models import (
    Claim,
    Commitment,
    Evidence,
    Party,
    PartyAssessment,
    Source,
    Statement,
    Status,
    StatusUpdate,
    Theme,
)
from commitments.parties import bound_party_q, responsible_party_q, statement_bound_parties
from commitments.roles import ROLES
from commitments.text import quote_locate

RECENT_CHANGES = 8
PARTY_ASSESSMENTS_SHOWN = 50
PARTY_CLAIMS_SHOWN = 100

# --- What is published ---------------------------------------------------------------------


# The review's rule (commitments.history): readers see published rows only.
shown_status_updates = history.published_updates
shown_verdicts = history.published_verdicts
shown_assessments = history.published_assessments


# --- Authors, as a role --------------------------------------------------------------------

# Group name -> the role a reader sees, strongest first (commitments.roles defines the groups).
ROLE_BY_GROUP = {ROLES[role][0]: role.capitalize() for role in ("reviewer", "editor", "viewer")}


def author_role(user) -> str:
    """What a reader learns about who recorded a row: a role, not a person."""
    if user.is_superuser:
        return "Administrator"
    names = {group.name for group in user.groups.all()}
    return next((role for group, role in ROLE_BY_GROUP.items() if group in names), "Staff")


def _with_authors(queryset: QuerySet) -> QuerySet:
    """The author's superuser flag and groups, nothing else of the account."""
    return queryset.select_related("author").only(*_own_fields(queryset.model), "author__id", "author__is_superuser").prefetch_related(
        Prefetch("author__groups", queryset=Group.objects.only("id", "name"))
    )


def _own_fields(model) -> list[str]:
    return [f.name for f in model._meta.concrete_fields]


@dataclass(frozen=True)
class HistoryEntry:
    """One row of a status or verdict history, as a reader sees it."""

    pk: int
    value: str
    label: str
    effective_on: date | None
    recorded_at: object
    rationale: str
    role: str
    evidence: list[Evidence]


def _evidence_prefetch() -> Prefetch:
    return Prefetch("evidence", queryset=Evidence.objects.only("id", "url", "title", "publisher", "published_on", "stance").order_by("id"))


def status_timeline(*, commitment: Commitment) -> list[HistoryEntry]:
    """The commitment's published status changes, newest first (three queries)."""
    updates = _with_authors(history.status_history(commitment_id=commitment.pk)).prefetch_related(_evidence_prefetch())
    return [
        HistoryEntry(pk=u.pk, value=u.status, label=u.get_status_display(), effective_on=u.effective_on, recorded_at=u.recorded_at,
                     rationale=u.rationale, role=author_role(u.author), evidence=list(u.evidence.all()))
        for u in updates
    ]


def verdict_timeline(*, claim: Claim) -> list[HistoryEntry]:
    """The claim's published verdicts, newest first (three queries)."""
    updates = _with_authors(shown_verdicts().filter(claim=claim)).prefetch_related(_evidence_prefetch())
    return [
        HistoryEntry(pk=u.pk, value=u.verdict, label=u.get_verdict_display(), effective_on=None, recorded_at=u.recorded_at,
                     rationale=u.rationale, role=author_role(u.author), evidence=list(u.evidence.all()))
        for u in updates
    ]


# --- Sources: the quote inside its paragraph, and link health -------------------------------

CONTEXT_CHARS = 300  # at most this much of a long paragraph on either side of the quote


@dataclass(frozen=True)
class QuoteInContext:
    """One rendering of a quote, inside the paragraph of its source that holds it."""

    source: Source
    before: str
    quote: str
    after: str
    found: bool
    language: str = ""
    is_translation: bool = False
    translator: str = ""
    is_primary: bool = True
    health: UrlHealth | None = None


def _paragraph_around(text: str, start: int, end: int) -> tuple[str, str]:
    """What precedes and follows [start:end] in its paragraph (lines), long paragraphs trimmed at a word."""
    first = text.rfind("\n", 0, start) + 1
    last = text.find("\n", end)
    before, after = text[first:start], text[end:len(text) if last == -1 else last]
    if len(before) > CONTEXT_CHARS:
        before = "… " + before[-CONTEXT_CHARS:].split(" ", 1)[-1]
    if len(after) > CONTEXT_CHARS:
        after = after[:CONTEXT_CHARS].rsplit(" ", 1)[0] + " …"
    return before, after


def quote_in_context(*, quote: str, source: Source, start: int | None = None, end: int | None = None, **rendering) -> QuoteInContext:
    """The paragraph of `source` holding `quote`: at [start:end] when known, else where quote_locate finds it."""
    text = source.full_text
    span = (start, end) if start is not None and end is not None and text else (quote_locate(quote, text) if text else None)
    if span is None:
        return QuoteInContext(source=source, before="", quote=quote, after="", found=False, **rendering)
    before, after = _paragraph_around(text, *span)
    return QuoteInContext(source=source, before=before, quote=text[span[0]:span[1]], after=after, found=True, **rendering)


def renderings_in_context(*, target: Commitment | Claim) -> list[QuoteInContext]:
    """Every rendering of a point or claim (the primary first), each in its source's paragraph: one query."""
    renderings = list(target.renderings.select_related("source"))
    if not renderings:  # written before renderings existed, or by hand: the quote column holds it
        return [quote_in_context(quote=target.quote, source=target.source)]
    return [
        quote_in_context(quote=r.text, source=r.source, start=r.start, end=r.end, language=r.language, is_translation=r.is_translation,
                         translator=r.translator, is_primary=r.is_primary)
        for r in renderings
    ]


def with_source_health(contexts: list[QuoteInContext], health: dict[int, UrlHealth | None]) -> list[QuoteInContext]:
    return [replace(context, health=health.get(context.source.pk)) for context in contexts]


@dataclass(frozen=True)
class Linked:
    """A piece of evidence or a source, with the latest check of its URL (None until checked)."""

    item: object
    health: UrlHealth | None


def with_health(items: list) -> list[Linked]:
    """One query for all their URLs."""
    checks = latest_checks(urls=[item.url for item in items if item.url])
    return [Linked(item=item, health=checks.get(item.url)) for item in items]


# --- Overview --------------------------------------------------------------------------------


def overview(*, today: date) -> dict:
    """Counts by status per statement, the weekly series, the compliance matrix, the latest changes."""
    return {**overview_aggregates(today=today), "recent": list(status_changes()[:RECENT_CHANGES])}


def overview_aggregates(*, today: date) -> dict:
    """The overview's cached aggregates: counts by status per statement, the weekly series, the compliance matrix.

    The same cache entries as the unfiltered API's (selectors.unfiltered_aggregates), computed at
    start-up (tracker.warmup) and again once a publication commits, so their reader does not wait.
    """
    aggregates = selectors.unfiltered_aggregates(today=today)
    stats = aggregates["stats"]
    return {**aggregates, "stats": {name: stats[name] for name in ("total", "by_status", "by_statement")}}


def statement_slugs(*, ids) -> dict[int, str]:
    return dict(Statement.objects.filter(pk__in=list(ids)).values_list("id", "slug"))


# --- Indexes: every statement, party and claim --------------------------------------------------


def statements_index() -> list[dict]:
    """Every statement, newest first, with its points found, whether they agree with its count, and its
    commitments by status (constant queries)."""
    everything = selectors.statement_stats(commitments=Commitment.objects.all(), key=selectors.UNFILTERED)
    stats = {row["id"]: row["by_status"] for row in everything["by_statement"]}
    statements = statements_with_numbering().select_related("announcing_party").order_by("-announced_on", "-id")
    return [
        {"statement": s, "points": s.point_count, "count_matches": not count_problem(count=s.point_count, announced=s.announced_count),
         "by_status": stats.get(s.pk, {})}
        for s in statements
    ]


def parties_index() -> list[dict]:
    """Every party with the commitments it is bound by and answers for, by status, and its compliance (constant queries)."""
    everything = Commitment.objects.all()
    stats = selectors.commitment_stats_cached(commitments=everything, key=selectors.UNFILTERED)
    bound = {row["id"]: row for row in stats["by_bound_party"]}
    responsible = {row["id"]: row for row in stats["by_responsible_party"]}
    compliance = {row["id"]: row for row in selectors.compliance_matrix_cached(commitments=everything, key=selectors.UNFILTERED)["parties"]}
    empty = {"total": 0, "by_status": {}}
    return [
        {"party": party, "bound": bound.get(party.pk, empty), "responsible": responsible.get(party.pk, empty),
         "compliance": compliance.get(party.pk)}
        for party in Party.objects.order_by("kind", "name")
    ]


def claims_page(*, verdict: str, page: int, size: int) -> tuple[list[Claim], bool]:
    """One page of claims (of one verdict when given), newest statement first, and whether there is another."""
    claims = Claim.objects.select_related("statement", "source").order_by(
        F("statement__announced_on").desc(nulls_last=True), "statement_id", "source_id", "id")
    if verdict:
        claims = claims.filter(verdict=verdict)
    rows = list(claims[(page - 1) * size: page * size + 1])
    return rows[:size], len(rows) > size


def claims_by_verdict() -> dict[str, int]:
    return dict(Claim.objects.order_by().values_list("verdict").annotate(n=Count("pk")))


# --- Statements and commitments -------------------------------------------------------------


def statement_detail(*, slug: str) -> Statement:
    """The statement with its announcing party and sources (two queries)."""
    return (
        Statement.objects.select_related("announcing_party")
        .prefetch_related(Prefetch("sources", queryset=Source.objects.order_by("is_translation", "id")))
        .get(slug=slug)
    )


def statement_points(*, statement: Statement) -> list[Commitment]:
    """Its points in order, each with `.items` (its deliverables in order): one query."""
    rows = list(Commitment.objects.filter(statement=statement).order_by("ordinal", "id"))
    points = sorted((c for c in rows if c.parent_id is None), key=lambda c: c.ordinal)
    by_id = {c.pk: c for c in points}
    for point in points:
        point.statement, point.items = statement, []
    for item in rows:
        if item.parent_id is not None and item.parent_id in by_id:
            item.statement, item.parent = statement, by_id[item.parent_id]
            by_id[item.parent_id].items.append(item)
    return points


def statement_claims(*, statement: Statement) -> list[Claim]:
    return list(Claim.objects.filter(statement=statement).order_by("id"))


def statement_compliance(*, statement: Statement) -> dict:
    return selectors.compliance_matrix_cached(commitments=Commitment.objects.filter(statement=statement), key=f"site:statement:{statement.pk}")


def commitment_by_number(*, slug: str, number: str) -> Commitment:
    """The point "3" or the deliverable "3.1" of a statement; Commitment.DoesNotExist if there is none."""
    base = Commitment.objects.select_related("statement", "statement__announcing_party", "parent", "source").prefetch_related(
        Prefetch("parties", queryset=Party.objects.order_by("name")), Prefetch("themes", queryset=Theme.objects.order_by("name")),
    )
    point, _, item = number.partition(".")
    if item:
        return base.get(statement__slug=slug, parent__parent__isnull=True, parent__ordinal=int(point), ordinal=int(item))
    return base.get(statement__slug=slug, parent__isnull=True, ordinal=int(point))


def commitment_deliverables(*, commitment: Commitment) -> list[Commitment]:
    items = list(Commitment.objects.filter(parent=commitment).order_by("ordinal", "id"))
    for item in items:
        item.statement, item.parent = commitment.statement, commitment
    return items


def evidence_and_sources(*, evidence: list[Evidence], sources: list[Source]) -> tuple[list[Linked], dict[int, UrlHealth | None]]:
    """Evidence and quoted sources with the latest check of each URL, all in one query; sources' health by source id."""
    linked = with_health([*evidence, *sources])
    return linked[:len(evidence)], {item.item.pk: item.health for item in linked[len(evidence):]}


def commitment_evidence(*, commitment: Commitment) -> list[Evidence]:
    """All its evidence, newest first (one query)."""
    return list(commitment.evidence.order_by("-published_on", "-created_at", "-id"))


@dataclass(frozen=True)
class PartyScore:
    party: Party
    latest: PartyAssessment
    history: list[PartyAssessment]


def commitment_assessments(*, commitment: Commitment) -> list[PartyScore]:
    """Per party: its latest score and the earlier ones (two queries)."""
    rows = list(shown_assessments().filter(commitment=commitment).select_related("party").prefetch_related(_evidence_prefetch()))
    by_party: dict[int, list[PartyAssessment]] = {}
    for row in rows:  # newest first: the model's ordering
        by_party.setdefault(row.party_id, []).append(row)
    scores = [PartyScore(party=found[0].party, latest=found[0], history=found[1:]) for found in by_party.values()]
    return sorted(scores, key=lambda s: s.party.name)


def commitment_links(*, commitment: Commitment) -> list[LinkView]:
    """Typed links to earlier and later points, read from this end ("reaffirms", "reaffirmed by"): one query."""
    return commitment_links_of(commitment=commitment)


def statement_links(*, statement: Statement) -> list[LinkView]:
    """Earlier and later statements on the same subject, from both ends: one query."""
    return statement_links_of(statement=statement)


def statement_parties(*, statement: Statement) -> list[Party]:
    """The parties it binds, members of a bound organisation at its date included (bound_party): one query."""
    return list(statement_bound_parties(statement=statement).order_by("name"))


# --- Parties -----------------------------------------------------------------------------------


def _bound_to(party: Party) -> Q:
    """Commitments a party is bound by (bound_party: its statement binds the party, or an organisation it belonged to then)."""
    return bound_party_q(parties=[party])


def party_scorecard(*, party: Party) -> dict:
    """Its commitments by status (overall and per statement), its compliance average, its newest scores, its claims."""
    counts = list(Commitment.objects.filter(_bound_to(party)).order_by().values_list("statement_id", "status").annotate(n=Count("pk")))
    by_statement: dict[int, Counter] = {}
    for statement_id, status, n in counts:
        by_statement.setdefault(statement_id, Counter())[status] = n
    statements = list(Statement.objects.filter(pk__in=by_statement).order_by("announced_on", "id").only("id", "slug", "title", "announced_on"))
    # Its latest score per commitment, read once: the average over all, and the newest shown in full.
    latest = sorted(selectors.latest_assessments(commitments=Commitment.objects.all(), party_id=party.pk)
                    .values_list("assessed_on", "recorded_at", "id", "score"), reverse=True)
    mean = sum(row[3] for row in latest) / len(latest) if latest else None
    shown = [row[2] for row in latest[:PARTY_ASSESSMENTS_SHOWN]]
    newest = (
        PartyAssessment.objects.filter(pk__in=shown).select_related("commitment__statement", "commitment__parent")
        .order_by("-assessed_on", "-recorded_at", "-id")
    )
    return {
        "by_status": sum(by_statement.values(), Counter()),
        "statements": [(statement, by_statement[statement.pk]) for statement in statements],
        "assessed": len(latest), "average": mean, "average_percent": selectors.score_percent(mean),
        "assessments": list(newest),
        "claims": party_claims(party=party),
    }


def party_claims(*, party: Party) -> list[Claim]:
    """Claims about the party (responsible_party) or made in a statement binding it (bound_party)."""
    about = Claim.objects.filter(responsible_party_q(parties=[party])).values("pk")
    return list(Claim.objects.filter(Q(pk__in=about) | bound_party_q(parties=[party])).order_by("id")[:PARTY_CLAIMS_SHOWN])


# --- Claims ------------------------------------------------------------------------------------


def claim_detail(*, pk: int) -> Claim:
    return Claim.objects.select_related("source", "statement").prefetch_related(
        Prefetch("parties", queryset=Party.objects.order_by("name")), Prefetch("themes", queryset=Theme.objects.order_by("name")),
    ).get(pk=pk)


def claim_evidence(*, claim: Claim) -> list[Evidence]:
    return list(claim.evidence.order_by("-published_on", "-created_at", "-id"))


# --- Changes -----------------------------------------------------------------------------------


def status_changes() -> QuerySet[StatusUpdate]:
    """Published status changes, the most recently published first, with what their links need (the feed's selector).

    Its own evidence prefetch replaces the core one (the pages show titles and links, not only ids).
    """
    return selectors.status_changes().prefetch_related(None).order_by("-published_at", "-id")


@dataclass(frozen=True)
class ChangeFilters:
    week: Period | None = None
    statement: str = ""
    party: str = ""
    theme: str = ""
    statuses: tuple[str, ...] = ()


def changes_filtered(*, filters: ChangeFilters) -> QuerySet[StatusUpdate]:
    changes = status_changes()
    if filters.week:  # the week it was published, as the digests count it
        changes = changes.filter(filters.week.published_in())
    if filters.statement:
        changes = changes.filter(commitment__statement__slug=filters.statement)
    if filters.party:
        changes = changes.filter(commitment__in=Commitment.objects.filter(party_scope(slug=filters.party)).values("pk"))
    if filters.theme:
        changes = changes.filter(commitment__in=Commitment.objects.filter(Q(themes__slug=filters.theme) | Q(parent__themes__slug=filters.theme)))
    if filters.statuses:
        changes = changes.filter(status__in=filters.statuses)
    return changes


def party_scope(*, slug: str) -> Q:
    """Commitments a party answers for (responsible_party) or is bound by (bound_party): the party filter of the pages."""
    ids = list(Party.objects.filter(slug=slug).values_list("pk", flat=True))
    responsible = Commitment.objects.filter(responsible_party_q(parties=ids)).values("pk")
    return Q(pk__in=responsible) | bound_party_q(parties=ids)


def changes_page(*, filters: ChangeFilters, page: int, size: int) -> tuple[list[StatusUpdate], bool]:
    """One page of changes, and whether there is another (no COUNT over the whole history)."""
    rows = list(changes_filtered(filters=filters).prefetch_related(_evidence_prefetch())[(page - 1) * size: page * size + 1])
    return rows[:size], len(rows) > size


def filter_choices() -> dict:
    """What the filter forms offer (three queries)."""
    return {
        "statements": list(Statement.objects.order_by("announced_on", "id").values_list("slug", "title")),
        "parties": list(Party.objects.order_by("name").values_list("slug", "name")),
        "themes": list(Theme.objects.order_by("name").values_list("slug", "name")),
        "statuses": list(Status.choices),
    }
