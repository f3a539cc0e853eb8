"""Functions that read: the querysets behind each list, and the aggregates for charts.

Every list here is complete in its select_related/prefetch_related, so a page costs a
fixed number of queries whatever its length (the API tests pin those numbers).
"""

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Exists, F, IntegerField, Max, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, Window
from django.db.models.functions import Coalesce, RowNumber

from commitments.history import (
    ASSESSMENT_ORDER,
    NEWEST_FIRST,
    VERDICT_ORDER,
    published_assessments,
    published_evidence,
    published_updates,
    published_verdicts,
)
from commitments.models import (
    LINK_INVERSE_LABELS,
    Claim,
    Commitment,
    CommitmentLink,
    Evidence,
    LinkKind,
    Party,
    PartyAssessment,
    Rendering,
    Source,
    Statement,
    StatementLink,
    Status,
    StatusUpdate,
    Theme,
    VerdictUpdate,
)
from commitments.models.domain import point_number
from commitments.parties import bound_parties_by_statement

RENDERING_FIELDS = (
    "id", "claim_id", "commitment_id", "source_id", "source__title", "text", "start", "end", "language", "is_translation", "translator", "is_primary",
)

# How long a cached aggregate may live at most (it is also replaced as soon as the data changes).
AGGREGATE_CACHE_SECONDS = 3600

# --- Lists ----------------------------------------------------------------------------


def _evidence_count(*, field: str) -> Coalesce:
    through = Evidence._meta.get_field(field).remote_field.through
    column = f"{field[:-1]}_id"  # commitments -> commitment_id, claims -> claim_id
    counts = through.objects.filter(**{column: OuterRef("pk")}).order_by().values(column).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))


def _latest_evidence() -> Prefetch:
    # A sliced prefetch: one query, a window function keeps the newest row per commitment.
    newest = Evidence.objects.only("id", "url", "title", "publisher", "published_on", "stance", "created_at").order_by("-created_at", "-id")
    return Prefetch("evidence", queryset=newest[:1], to_attr="latest_evidence")


def commitment_list() -> QuerySet[Commitment]:
    return (
        Commitment.objects.select_related("statement", "parent")
        .prefetch_related(
            Prefetch("parties", queryset=Party.objects.only("id", "slug").order_by("name", "id")),
            Prefetch("themes", queryset=Theme.objects.only("id", "slug").order_by("name", "id")),
            Prefetch("deliverables", queryset=Commitment.objects.only("id", "parent_id").order_by("ordinal", "id")),
            _latest_evidence(),
        )
    )


def commitments_count_evidence(*, commitments: list[Commitment]) -> list[Commitment]:
    """Set `evidence_count` on each row of a page, in one query.

    Not an annotation: PostgreSQL evaluates a select-list subquery for the rows an OFFSET
    skips too, which made deep pages slow.
    """
    through = Commitment.evidence.through
    counts = dict(
        through.objects.filter(commitment_id__in=[c.pk for c in commitments]).order_by()
        .values_list("commitment_id").annotate(n=Count("pk"))
    )
    for commitment in commitments:
        commitment.evidence_count = counts.get(commitment.pk, 0)
    return commitments


# A page of the commitments list in one statement: the ids come from the filtered, ordered,
# paginated queryset; everything a row shows is fetched here per id (ARRAY subqueries, a
# LATERAL join for the newest evidence), so no model instances are built on the hot path.
# The parent's ordinal is a subquery, not a join: a join let the planner hash all commitments.
_COMMITMENT_ROWS_SQL = """
SELECT c.id, c.ordinal, c.title, c.quote, c.statement_id, s.slug, s.title, c.source_id, c.parent_id,
       (SELECT p.ordinal FROM commitments_commitment p WHERE p.id = c.parent_id),
       c.status, c.status_since, c.target_date, c.created_at, c.updated_at,
       ARRAY(SELECT d.id FROM commitments_commitment d WHERE d.parent_id = c.id ORDER BY d.ordinal, d.id),
       ARRAY(SELECT pa.slug FROM commitments_commitment_parties cp JOIN commitments_party pa ON pa.id = cp.party_id
             WHERE cp.commitment_id = c.id ORDER BY pa.name, pa.id),
       ARRAY(SELECT t.slug FROM commitments_commitment_themes ct JOIN commitments_theme t ON t.id = ct.theme_id
             WHERE ct.commitment_id = c.id ORDER BY t.name, t.id),
       (SELECT count(*) FROM commitments_evidence_commitments ec WHERE ec.commitment_id = c.id),
       le.id, le.url, le.title, le.publisher, le.published_on, le.stance
FROM commitments_commitment c
JOIN commitments_statement s ON s.id = c.statement_id
LEFT JOIN LATERAL (
    SELECT e.id, e.url, e.title, e.publisher, e.published_on, e.stance
    FROM commitments_evidence_commitments ec JOIN commitments_evidence e ON e.id = ec.evidence_id
    WHERE ec.commitment_id = c.id ORDER BY e.created_at DESC, e.id DESC LIMIT 1
) le ON true
WHERE c.id = ANY(%s)
"""
_ROW_KEYS = (
    "id", "ordinal", "title", "quote", "statement_id", "statement_slug", "statement_title", "source", "parent", "parent_ordinal",
    "status", "status_since", "target_date", "created_at", "updated_at", "deliverables", "parties", "themes", "evidence_count",
)
_EVIDENCE_KEYS = ("id", "url", "title", "publisher", "published_on", "stance")
PORTABLE_CHUNK = 500  # ids per query on the portable path (SQLite limits query parameters)


def commitment_rows(*, ids: list[int], portable: bool | None = None) -> list[dict]:
    """The list's rows for these commitment ids, in the same order, as plain dicts.

    One query on PostgreSQL; elsewhere (SQLite for `make run`), or with `portable=True`, the
    ORM prefetches of commitment_list(). Both give the same dicts (a test compares them).
    """
    if portable is None:
        portable = connection.vendor != "postgresql"
    if portable:
        found = {}
        for start in range(0, len(ids), PORTABLE_CHUNK):
            chunk = list(commitment_list().filter(pk__in=ids[start:start + PORTABLE_CHUNK]))
            found.update((c.pk, _commitment_row(c)) for c in commitments_count_evidence(commitments=chunk))
    else:
        with connection.cursor() as cursor:
            cursor.execute(_COMMITMENT_ROWS_SQL, [list(ids)])
            found = {r[0]: _row_from_sql(r) for r in cursor.fetchall()}
    return commitment_rows_complete(rows=[found[pk] for pk in ids if pk in found])


def commitment_rows_complete(*, rows: list[dict]) -> list[dict]:
    """Add each row's renderings and links (two queries for the page)."""
    ids = [row["id"] for row in rows]
    renderings, links = renderings_by_owner(owner="commitment", ids=ids), commitment_links_by_id(ids=ids)
    for row in rows:
        row["renderings"], row["links"] = renderings.get(row["id"], []), links.get(row["id"], [])
    return rows


_RENDERING_KEYS = ("id", "source", "source_title", "text", "start", "end", "language", "is_translation", "translator", "is_primary")


def renderings_by_owner(*, owner: str, ids: list[int]) -> dict[int, list[dict]]:
    """{commitment (or claim) id: its renderings as dicts, primary first}. One query."""
    rows = Rendering.objects.filter(**{f"{owner}_id__in": ids}).order_by(f"{owner}_id", *Rendering._meta.ordering)
    found: dict[int, list[dict]] = defaultdict(list)
    for values in rows.values_list(f"{owner}_id", "id", "source_id", "source__title", "text", "start", "end", "language",
                                   "is_translation", "translator", "is_primary"):
        found[values[0]].append(dict(zip(_RENDERING_KEYS, values[1:], strict=True)))
    return found


def commitment_links_by_id(*, ids: list[int]) -> dict[int, list[dict]]:
    """{commitment id: its links, from both ends ("reaffirms" / "reaffirmed by")}. One query."""
    links = CommitmentLink.objects.filter(Q(from_commitment_id__in=ids) | Q(to_commitment_id__in=ids)).select_related(
        "from_commitment__statement", "from_commitment__parent", "to_commitment__statement", "to_commitment__parent"
    )
    wanted, found = set(ids), defaultdict(list)
    for link in links:
        for seen_from, other, outgoing in ((link.from_commitment, link.to_commitment, True), (link.to_commitment, link.from_commitment, False)):
            if seen_from.pk in wanted:
                found[seen_from.pk].append(_link_dict(link, other, outgoing=outgoing))
    return found


def _link_dict(link: CommitmentLink, other: Commitment, *, outgoing: bool) -> dict:
    return {
        "kind": link.kind, "direction": "out" if outgoing else "in",
        "label": LinkKind(link.kind).label if outgoing else LINK_INVERSE_LABELS[LinkKind(link.kind)],
        "commitment": other.pk, "number": other.number, "title": other.title,
        "statement": {"id": other.statement_id, "slug": other.statement.slug, "title": other.statement.title},
        "rationale": link.rationale, "source": link.source_id,
    }


def _row_from_sql(r: tuple) -> dict:
    row = dict(zip(_ROW_KEYS, r, strict=False))
    row["latest_evidence"] = dict(zip(_EVIDENCE_KEYS, r[19:], strict=True)) if r[19] is not None else None
    return row


def commitment_row(c: Commitment) -> dict:
    """The same dict as commitment_rows() from a commitment_list() instance with `evidence_count` set."""
    return commitment_rows_complete(rows=[_commitment_row(c)])[0]


def _commitment_row(c: Commitment) -> dict:
    e = c.latest_evidence[0] if c.latest_evidence else None
    return {
        "id": c.pk, "ordinal": c.ordinal, "title": c.title, "quote": c.quote, "statement_id": c.statement_id,
        "statement_slug": c.statement.slug, "statement_title": c.statement.title, "source": c.source_id, "parent": c.parent_id,
        "parent_ordinal": c.parent.ordinal if c.parent_id is not None else None, "status": c.status, "status_since": c.status_since,
        "target_date": c.target_date, "created_at": c.created_at, "updated_at": c.updated_at,
        "deliverables": [d.pk for d in c.deliverables.all()], "parties": [p.slug for p in c.parties.all()],
        "themes": [t.slug for t in c.themes.all()], "evidence_count": c.evidence_count,
        "latest_evidence": e and {key: getattr(e, key) for key in _EVIDENCE_KEYS},
    }


def statement_list() -> QuerySet[Statement]:
    return (
        Statement.objects.select_related("announcing_party")
        .prefetch_related(
            Prefetch("parties", queryset=Party.objects.only("id", "slug")), Prefetch("sources", queryset=Source.objects.only("id")),
            Prefetch("links_out", queryset=StatementLink.objects.select_related("to_statement")),
            Prefetch("links_in", queryset=StatementLink.objects.select_related("from_statement")),
        )
        .annotate(
            commitment_count=Count("commitments", filter=Q(commitments__parent__isnull=True), distinct=True),
        )
    )


def bound_party_slugs() -> dict[int, list[str]]:
    """{statement id: slugs of the parties it binds, members included}, sorted. Three queries."""
    slugs = dict(Party.objects.values_list("pk", "slug"))
    return {pk: sorted(slugs[p] for p in ids) for pk, ids in bound_parties_by_statement().items()}


def claim_list() -> QuerySet[Claim]:
    return (
        Claim.objects.select_related("statement", "source")
        .prefetch_related(
            Prefetch("renderings", queryset=Rendering.objects.select_related("source").only(*RENDERING_FIELDS)),
            Prefetch("parties", queryset=Party.objects.only("id", "slug")),
            Prefetch("themes", queryset=Theme.objects.only("id", "slug")),
        )
        .annotate(evidence_count=_evidence_count(field="claims"))
    )


def evidence_list() -> QuerySet[Evidence]:
    """Public evidence (not evidence that only an unpublished proposal cites)."""
    return published_evidence().prefetch_related(
        Prefetch("commitments", queryset=Commitment.objects.only("id")),
        Prefetch("claims", queryset=Claim.objects.only("id")),
    )


def party_list() -> QuerySet[Party]:
    return Party.objects.all()


def theme_list() -> QuerySet[Theme]:
    return Theme.objects.all()


def source_list() -> QuerySet[Source]:
    # The latest check of each URL is added per page by commitments.api.link_health (one query).
    return Source.objects.all()


def assessment_list() -> QuerySet[PartyAssessment]:
    """Published party assessments (the public history), newest first."""
    return (
        published_assessments().select_related("party").prefetch_related(Prefetch("evidence", queryset=Evidence.objects.only("id")))
        .order_by(*(f"-{field}" for field in ASSESSMENT_ORDER))
    )


def status_history(*, commitment_id: int) -> QuerySet[StatusUpdate]:
    """A commitment's published status history, newest first (commitments.history's order)."""
    return (
        published_updates().filter(commitment_id=commitment_id).order_by(*NEWEST_FIRST)
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.only("id")))
    )


def verdict_history(*, claim_id: int) -> QuerySet[VerdictUpdate]:
    """A claim's published verdicts, newest first."""
    return (
        published_verdicts().filter(claim_id=claim_id).order_by(*(f"-{field}" for field in VERDICT_ORDER))
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.only("id")))
    )


def status_changes() -> QuerySet[StatusUpdate]:
    """Published status changes, the most recently published first, for the Atom feed."""
    return published_updates().select_related("commitment__statement", "commitment__parent").order_by("-published_at", "-id")


@dataclass(frozen=True)
class Fingerprint:
    """What a conditional request compares: how many rows match, and when the newest changed."""

    count: int
    last_modified: datetime | None


def queryset_fingerprint(*, queryset: QuerySet, field: str | None) -> Fingerprint:
    """One cheap aggregate over the filtered rows (no prefetches, no ordering)."""
    base = queryset.model.objects.filter(pk__in=queryset.order_by().values("pk")) if queryset.query.distinct else queryset
    aggregates = {"n": Count("pk")}
    if field:
        aggregates["last"] = Max(field)
    row = base.order_by().aggregate(**aggregates)
    return Fingerprint(count=row["n"], last_modified=row.get("last"))


# --- Caching aggregates ------------------------------------------------------------------


def aggregate_version(*, commitments: QuerySet[Commitment], history) -> str:
    """A stamp that changes whenever an aggregate over these commitments could change.

    History rows change only once, when published (ORM guard and database trigger), so the
    count of published rows and the latest publication time are a complete version;
    commitments and statements are stamped by count and newest updated_at.
    """
    chosen = Commitment.objects.filter(pk__in=commitments.order_by().values("pk")).order_by()
    mine = chosen.aggregate(n=Count("pk"), last=Max("updated_at"), announced=Max("statement__updated_at"))
    newest = history.objects.published().order_by().aggregate(n=Count("pk"), last=Max("published_at"))
    return f"{mine['n']}|{mine['last']}|{mine['announced']}|{newest['n']}|{newest['last']}"


def cached_aggregate(*, name: str, key: str, version: str, compute):
    """`compute()`, remembered in the cache until `version` changes."""
    cache_key = "api-aggregate:" + hashlib.sha256(f"{name}|{key}|{version}".encode()).hexdigest()
    found = cache.get(cache_key)
    if found is None:
        found = compute()
        cache.set(cache_key, found, timeout=AGGREGATE_CACHE_SECONDS)
    return found


def status_over_time_cached(*, commitments: QuerySet[Commitment], start: date, end: date, key: str) -> list[dict]:
    """status_over_time(), kept in the cache until the history or the commitments change. `key` names the filter."""
    return cached_aggregate(
        name="status-over-time", key=f"{key}|{start}|{end}",
        version=aggregate_version(commitments=commitments, history=StatusUpdate),
        compute=lambda: status_over_time(commitments=commitments, start=start, end=end),
    )


def compliance_matrix_cached(*, commitments: QuerySet[Commitment], key: str) -> dict:
    """compliance_matrix(), kept in the cache until an assessment or the commitments change. `key` names the filter."""
    return cached_aggregate(
        name="compliance", key=key, version=aggregate_version(commitments=commitments, history=PartyAssessment),
        compute=lambda: compliance_matrix(commitments=commitments),
    )


# What any public page may show, and where it last changed: counts and newest timestamps of each
# table, every one read from an index (updated_at, recorded_at, checked_at and published_at are
# indexed). Publishing a proposal changes only its published_at, so that is counted too.
_CONTENT_VERSION_SQL = """
SELECT (SELECT COUNT(*) FROM commitments_commitment), (SELECT COUNT(*) FROM commitments_claim),
       (SELECT COUNT(*) FROM commitments_party), (SELECT COUNT(*) FROM commitments_theme),
       (SELECT MAX(id) FROM commitments_statusupdate), (SELECT MAX(id) FROM commitments_verdictupdate),
       (SELECT MAX(id) FROM commitments_partyassessment), (SELECT MAX(id) FROM commitments_urlcheck),
       (SELECT MAX(updated_at) FROM commitments_commitment), (SELECT MAX(updated_at) FROM commitments_statement),
       (SELECT MAX(updated_at) FROM commitments_claim), (SELECT MAX(updated_at) FROM commitments_evidence),
       (SELECT MAX(updated_at) FROM commitments_source), (SELECT MAX(recorded_at) FROM commitments_statusupdate),
       (SELECT MAX(recorded_at) FROM commitments_verdictupdate), (SELECT MAX(recorded_at) FROM commitments_partyassessment),
       (SELECT MAX(checked_at) FROM commitments_urlcheck), (SELECT MAX(published_at) FROM commitments_statusupdate),
       (SELECT MAX(published_at) FROM commitments_verdictupdate), (SELECT MAX(published_at) FROM commitments_partyassessment)
"""


@dataclass(frozen=True)
class ContentVersion:
    """A stamp that changes whenever anything a public page shows may have changed (one query)."""

    stamp: str
    last_modified: datetime | None


def _as_datetime(value) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    parsed = datetime.fromisoformat(value)  # SQLite returns text
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def content_version() -> ContentVersion:
    with connection.cursor() as cursor:
        cursor.execute(_CONTENT_VERSION_SQL)
        row = cursor.fetchone()
    times = [t for t in map(_as_datetime, row[8:]) if t is not None]
    return ContentVersion(stamp="|".join(str(v) for v in row), last_modified=max(times, default=None))


# --- Counts by status ------------------------------------------------------------------


def _status_counts(rows) -> dict:
    """{key: {status: n}} from (key, status, n) rows, every status present."""
    table: dict = defaultdict(lambda: dict.fromkeys(Status.values, 0))
    for key, status, n in rows:
        table[key][status] = n
    return table


def _statement_counts(commitments: QuerySet[Commitment]) -> tuple[dict, dict]:
    """(overall, per statement) counts by status, in one query: every commitment belongs to a statement."""
    base = Commitment.objects.filter(pk__in=commitments.order_by().values("pk")).order_by()
    per_statement = _status_counts(base.values_list("statement_id", "status").annotate(n=Count("pk")))
    overall = dict.fromkeys(Status.values, 0)
    for counts in per_statement.values():
        for status, n in counts.items():
            overall[status] += n
    return overall, per_statement


def statement_stats(*, commitments: QuerySet[Commitment]) -> dict:
    """Counts of commitments in each status, overall and per statement (two queries)."""
    overall, per_statement = _statement_counts(commitments)
    return {
        "total": sum(overall.values()),
        "by_status": overall,
        "by_statement": _labelled(Statement.objects.filter(pk__in=per_statement).order_by("announced_on", "id"), per_statement),
    }


def commitment_stats(*, commitments: QuerySet[Commitment]) -> dict:
    """Counts of commitments in each status: overall, per statement, per bound and per responsible party, per theme."""
    ids = commitments.order_by().values("pk")
    overall, per_statement = _statement_counts(commitments)
    through_parties = Commitment.parties.through.objects.filter(commitment_id__in=ids).order_by()
    per_responsible = _status_counts(through_parties.values_list("party_id", "commitment__status").annotate(n=Count("pk")))
    per_bound = _bound_party_counts(per_statement)
    through_themes = Commitment.themes.through.objects.filter(commitment_id__in=ids).order_by()
    per_theme = _status_counts(through_themes.values_list("theme_id", "commitment__status").annotate(n=Count("pk")))
    return {
        "total": sum(overall.values()),
        "by_status": overall,
        "by_statement": _labelled(Statement.objects.filter(pk__in=per_statement).order_by("announced_on", "id"), per_statement),
        "by_bound_party": (by_bound := _labelled(Party.objects.filter(pk__in=per_bound), per_bound)),
        "by_party": by_bound,  # the old name, kept for existing clients: it means bound party, as the `party` filter does
        "by_responsible_party": _labelled(Party.objects.filter(pk__in=per_responsible), per_responsible),
        "by_theme": _labelled(Theme.objects.filter(pk__in=per_theme), per_theme),
    }


def _bound_party_counts(per_statement: dict) -> dict:
    """{party: {status: n}} summed over the statements binding each party (commitments.parties owns who that is)."""
    table: dict = defaultdict(lambda: dict.fromkeys(Status.values, 0))
    for statement_id, party_ids in bound_parties_by_statement().items():
        for party_id in party_ids if statement_id in per_statement else ():
            for status, n in per_statement[statement_id].items():
                table[party_id][status] += n
    return table


def _labelled(objects: QuerySet, table: dict) -> list[dict]:
    return [
        {"id": obj.pk, "slug": obj.slug, "name": str(obj), "total": sum(table[obj.pk].values()), "by_status": table[obj.pk]}
        for obj in objects.only("pk", "slug", "title" if objects.model is Statement else "name")
    ]


# --- Status over time (burndown) -------------------------------------------------------


def week_end(day: date) -> datetime:
    """The end of the ISO week holding `day`: Sunday 23:59:59 UTC."""
    sunday = day + timedelta(days=6 - day.weekday())
    return datetime.combine(sunday, time(23, 59, 59), tzinfo=UTC)


# Each StatusInterval (the status history as [start_on, end_on) spans, see commitments.intervals)
# adds one to its status on its first day and removes one on the day the next update takes
# over. Everything up to the first week's end only matters as a sum, so the spans open then are
# counted as they stand on that day, and only the spans that start or end later are read as
# deltas: for a recent window, a small part of the table (indexes on start_on and end_on).
# Commitments count as "not yet rated" from their statement's announcement until their first
# interval starts; when that is on or before the announcement, the +1 and -1 fall on the same
# day and cancel. `chosen` is NOT MATERIALIZED so that the planner sees the real filter in each
# branch. Plain GROUP BYs, no window: PostgreSQL 12+ and SQLite 3.35+ both run it.
_STATUS_DELTAS_SQL = """
WITH chosen AS NOT MATERIALIZED ({commitments})
SELECT si.status, %(first)s, COUNT(*) FROM commitments_statusinterval si
WHERE si.commitment_id IN (SELECT id FROM chosen) AND si.start_on <= %(first)s AND (si.end_on IS NULL OR si.end_on > %(first)s)
GROUP BY si.status
UNION ALL
SELECT si.status, si.start_on, COUNT(*) FROM commitments_statusinterval si
WHERE si.commitment_id IN (SELECT id FROM chosen) AND si.start_on > %(first)s AND si.start_on <= %(last)s
GROUP BY si.status, si.start_on
UNION ALL
SELECT si.status, si.end_on, -COUNT(*) FROM commitments_statusinterval si
WHERE si.commitment_id IN (SELECT id FROM chosen) AND si.end_on > %(first)s AND si.end_on <= %(last)s
GROUP BY si.status, si.end_on
UNION ALL
SELECT %(unrated)s, s.announced_on, COUNT(*) FROM chosen c JOIN commitments_statement s ON s.id = c.statement_id
GROUP BY s.announced_on
UNION ALL
SELECT %(unrated)s, CASE WHEN si.start_on > s.announced_on THEN si.start_on ELSE s.announced_on END, -COUNT(*)
FROM chosen c JOIN commitments_statement s ON s.id = c.statement_id
JOIN commitments_statusinterval si ON si.commitment_id = c.id AND si.is_first AND si.start_on <= %(last)s
GROUP BY 2
"""

# The commitments' filter brings positional parameters: the named ones become positional too.
_NAMED_PARAM = re.compile(r"%\((\w+)\)s")


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)  # SQLite returns text


def status_over_time(*, commitments: QuerySet[Commitment], start: date, end: date) -> list[dict]:
    """For each ISO week from `start` to `end`: how many commitments were in each status at its end."""
    weeks = []
    cursor_day = week_end(start).date()
    while cursor_day <= week_end(end).date():
        weeks.append(cursor_day)
        cursor_day += timedelta(days=7)
    if not weeks:
        return []
    chosen_sql, chosen_params = commitments.order_by().values("id", "statement_id").query.sql_with_params()
    sql = _NAMED_PARAM.sub("%s", _STATUS_DELTAS_SQL).format(commitments=chosen_sql)
    values = {"first": weeks[0], "last": weeks[-1], "unrated": Status.NOT_YET_RATED}
    params = [*chosen_params, *(values[name] for name in _NAMED_PARAM.findall(_STATUS_DELTAS_SQL))]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        deltas = sorted((_as_date(day), status, n) for status, day, n in cursor.fetchall())
    running = dict.fromkeys(Status.values, 0)
    series, i = [], 0
    for sunday in weeks:
        while i < len(deltas) and deltas[i][0] <= sunday:
            running[deltas[i][1]] += deltas[i][2]
            i += 1
        series.append({"week_end": week_end(sunday), "total": sum(running.values()), "by_status": dict(running)})
    return series


# --- Compliance matrix -----------------------------------------------------------------


def score_percent(mean: float | None) -> float | None:
    """The G7 Research Group's percentage: a mean score on -1..+1 mapped to 0..100."""
    return None if mean is None else round((mean + 1) / 2 * 100, 1)


def latest_assessments(*, commitments: QuerySet[Commitment], party_id: int | None = None) -> QuerySet[PartyAssessment]:
    """The newest published assessment of each (commitment, party) pair; of one party's pairs with `party_id`."""
    newest_first = [F(field).desc() for field in ASSESSMENT_ORDER]
    scope = published_assessments().filter(party_id=party_id) if party_id is not None else published_assessments()
    return (
        scope.filter(commitment_id__in=commitments.order_by().values("pk"))
        .annotate(rank=Window(RowNumber(), partition_by=[F("commitment_id"), F("party_id")], order_by=newest_first))
        .filter(rank=1)
    )


def compliance_matrix(*, commitments: QuerySet[Commitment]) -> dict:
    """Commitment x party scores (latest per pair) and each party's average as a percentage."""
    cells = list(latest_assessments(commitments=commitments).values_list("commitment_id", "party_id", "score", "assessed_on"))
    scores_by_party: dict[int, list[int]] = defaultdict(list)
    rows: dict[int, dict] = {}
    for commitment_id, party_id, score, assessed_on in cells:
        scores_by_party[party_id].append(score)
        rows.setdefault(commitment_id, {})[party_id] = {"score": score, "assessed_on": assessed_on}
    parties = list(Party.objects.filter(pk__in=scores_by_party).only("id", "slug", "name"))
    slugs = {party.pk: party.slug for party in parties}
    return {
        "parties": [_party_average(party, scores_by_party[party.pk]) for party in parties],
        "rows": [
            {
                "commitment": pk, "statement": statement_id,
                "number": point_number(ordinal=ordinal, parent_ordinal=parent_ordinal if parent_id else None),
                "title": title, "scores": {slugs[party_id]: cell for party_id, cell in rows[pk].items()},
            }
            for pk, statement_id, ordinal, title, parent_id, parent_ordinal in _assessed(commitments=commitments)
            if pk in rows
        ],
    }


def _assessed(*, commitments: QuerySet[Commitment]) -> QuerySet:
    """(id, statement, ordinal, title, parent, parent's ordinal) of the assessed commitments, as tuples.

    Filtered by subqueries rather than by the ids already in hand: thousands of literal
    parameters cost more to send than the database takes to find the rows again.
    """
    assessed = Exists(published_assessments().filter(commitment_id=OuterRef("pk")))
    return (
        Commitment.objects.filter(assessed, pk__in=commitments.order_by().values("pk"))
        .order_by("statement_id", "id")
        .values_list("id", "statement_id", "ordinal", "title", "parent_id", "parent__ordinal")
    )


def _party_average(party: Party, scores: list[int]) -> dict:
    mean = sum(scores) / len(scores) if scores else None
    return {
        "id": party.pk, "slug": party.slug, "name": party.name, "assessed": len(scores),
        "average_score": None if mean is None else round(mean, 3), "average_percent": score_percent(mean),
    }


def has_evidence_filter(*, model) -> Exists:
    through = model.evidence.through
    column = f"{model._meta.model_name}_id"
    return Exists(through.objects.filter(**{column: OuterRef("pk")}))
