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
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, Exists, F, IntegerField, Max, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, Window
from django.db.models.functions import Coalesce, RowNumber

from commitments.history import (
    ASSESSMENT_ORDER,
    NEWEST_FIRST,
    VERDICT_ORDER,
    previous_status,
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
from commitments.themes import commitment_theme_pairs

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
_COMMITMENT_ROWS_SQL = """{page}
SELECT c.id, c.ordinal, c.title, c.quote, c.statement_id, s.slug, s.title, c.source_id, c.parent_id,
       (SELECT p.ordinal FROM commitments_commitment p WHERE p.id = c.parent_id),
       c.status, c.status_since, c.target_date, c.created_at, c.updated_at,
       ARRAY(SELECT d.id FROM commitments_commitment d WHERE d.parent_id = c.id ORDER BY d.ordinal, d.id),
       ARRAY(SELECT pa.slug FROM commitments_commitment_parties cp JOIN commitments_party pa ON pa.id = cp.party_id
             WHERE cp.commitment_id = c.id ORDER BY pa.name, pa.id),
       ARRAY(SELECT t.slug FROM commitments_commitment_themes ct JOIN commitments_theme t ON t.id = ct.theme_id
             WHERE ct.commitment_id = c.id ORDER BY t.name, t.id),
       (SELECT count(*) FROM commitments_evidence_commitments ec WHERE ec.commitment_id = c.id),
       le.id, le.url, le.title, le.publisher, le.published_on, le.stance,
       (SELECT json_agg(json_build_array(r.id, r.source_id, rs.title, r.text, r.start, r."end", r.language, r.is_translation,
                                         r.translator, r.is_primary)
                        ORDER BY r.is_primary DESC, rs.published_on, r.source_id, r.start, r.id)
        FROM commitments_rendering r JOIN commitments_source rs ON rs.id = r.source_id WHERE r.commitment_id = c.id),
       (SELECT json_agg(json_build_array(l.kind, l.from_commitment_id = c.id, o.id, o.ordinal, (SELECT op.ordinal FROM commitments_commitment op
                                         WHERE op.id = o.parent_id), o.title, os.id, os.slug, os.title, l.rationale, l.source_id)
                        ORDER BY l.from_commitment_id, l.kind, l.to_commitment_id)
        FROM commitments_commitmentlink l
        JOIN commitments_commitment o ON o.id = CASE WHEN l.from_commitment_id = c.id THEN l.to_commitment_id ELSE l.from_commitment_id END
        JOIN commitments_statement os ON os.id = o.statement_id
        WHERE l.from_commitment_id = c.id OR l.to_commitment_id = c.id)
FROM commitments_commitment c
JOIN commitments_statement s ON s.id = c.statement_id
LEFT JOIN LATERAL (
    SELECT e.id, e.url, e.title, e.publisher, e.published_on, e.stance
    FROM commitments_evidence_commitments ec JOIN commitments_evidence e ON e.id = ec.evidence_id
    WHERE ec.commitment_id = c.id ORDER BY e.created_at DESC, e.id DESC LIMIT 1
) le ON true
{where}
"""
_ROW_KEYS = (
    "id", "ordinal", "title", "quote", "statement_id", "statement_slug", "statement_title", "source", "parent", "parent_ordinal",
    "status", "status_since", "target_date", "created_at", "updated_at", "deliverables", "parties", "themes", "evidence_count",
)
_EVIDENCE_KEYS = ("id", "url", "title", "publisher", "published_on", "stance")
PORTABLE_CHUNK = 500  # ids per query on the portable path (SQLite limits query parameters)


def commitment_rows(*, ids: list[int], portable: bool | None = None) -> list[dict]:
    """The list's rows for these commitment ids, in the same order, as plain dicts.

    One query on PostgreSQL (renderings and links included); elsewhere (SQLite for `make run`),
    or with `portable=True`, the ORM prefetches of commitment_list() and two queries for the
    renderings and links. Both give the same dicts (a test compares them).
    """
    if portable is None:
        portable = connection.vendor != "postgresql"
    if portable:
        found = {}
        for start in range(0, len(ids), PORTABLE_CHUNK):
            chunk = list(commitment_list().filter(pk__in=ids[start:start + PORTABLE_CHUNK]))
            found.update((c.pk, _commitment_row(c)) for c in commitments_count_evidence(commitments=chunk))
        return commitment_rows_complete(rows=[found[pk] for pk in ids if pk in found])
    with connection.cursor() as cursor:
        cursor.execute(_COMMITMENT_ROWS_SQL.format(page="", where="WHERE c.id = ANY(%s)"), [list(ids)])
        found = {r[0]: _row_from_sql(r) for r in cursor.fetchall()}
    return [found[pk] for pk in ids if pk in found]


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


def commitment_link_as_made(*, link: CommitmentLink) -> dict:
    """A new link as its subject reads it ("reaffirms X"): what creating one answers. One query."""
    other = Commitment.objects.select_related("statement", "parent").get(pk=link.to_commitment_id)
    return _link_dict(link, other, outgoing=True)


def _link_dict(link: CommitmentLink, other: Commitment, *, outgoing: bool) -> dict:
    parent_ordinal = other.parent.ordinal if other.parent_id is not None else None
    statement = other.statement
    return _link_values(link.kind, outgoing, other.pk, other.ordinal, parent_ordinal, other.title, statement.pk, statement.slug,
                        statement.title, link.rationale, link.source_id)


def _link_values(kind: str, outgoing: bool, pk: int, ordinal: int, parent_ordinal: int | None, title: str, statement_id: int,
                 statement_slug: str, statement_title: str, rationale: str, source_id: int | None) -> dict:
    """One link as the list shows it, from the commitment at this end ("reaffirms" out, "reaffirmed by" in)."""
    return {
        "kind": kind, "direction": "out" if outgoing else "in",
        "label": LinkKind(kind).label if outgoing else LINK_INVERSE_LABELS[LinkKind(kind)],
        "commitment": pk, "number": point_number(ordinal=ordinal, parent_ordinal=parent_ordinal), "title": title,
        "statement": {"id": statement_id, "slug": statement_slug, "title": statement_title},
        "rationale": rationale, "source": source_id,
    }


def commitment_rows_page(*, page: QuerySet[Commitment]) -> list[dict]:
    """commitment_rows() for a sliced, ordered queryset of commitments (a page), in its order.

    On PostgreSQL the page's keys are a materialised CTE of the same statement: one round
    trip for the page and its rows (the CTE keeps the planner from hashing the whole table).
    """
    if connection.vendor != "postgresql":
        return commitment_rows(ids=list(page.values_list("id", flat=True)))
    try:
        keys_sql, keys_params = page.prefetch_related(None).values("id").query.sql_with_params()
    except EmptyResultSet:  # an empty slice (no rows at all) or a filter that can match nothing
        return []
    # The ORM's own compiled SQL, its values still parameters. row_number() OVER () numbers
    # the rows as the ordered, sliced subquery yields them: the page's order.
    cte = f"WITH page AS MATERIALIZED (SELECT k.id, row_number() OVER () AS position FROM ({keys_sql}) k)"  # noqa: S608
    sql = _COMMITMENT_ROWS_SQL.format(page=cte, where="JOIN page ON page.id = c.id ORDER BY page.position")
    with connection.cursor() as cursor:
        cursor.execute(sql, keys_params)
        return [_row_from_sql(r) for r in cursor.fetchall()]


def _row_from_sql(r: tuple) -> dict:
    row = dict(zip(_ROW_KEYS, r, strict=False))
    row["latest_evidence"] = dict(zip(_EVIDENCE_KEYS, r[19:25], strict=True)) if r[19] is not None else None
    row["renderings"] = [dict(zip(_RENDERING_KEYS, values, strict=True)) for values in r[25] or ()]
    row["links"] = [_link_values(*values) for values in r[26] or ()]
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
    """Every published status change with what a list shows, in the order published (oldest first)."""
    return (
        published_updates()
        .annotate(previous_status=previous_status())
        .select_related("commitment__statement", "commitment__parent")
        .defer("commitment__quote", "commitment__statement__announcement")
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.only("id")))
        .order_by("published_at", "id")
    )


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
       (SELECT MAX(id) FROM commitments_statusupdate WHERE review_state = 'published'),
       (SELECT MAX(id) FROM commitments_verdictupdate WHERE review_state = 'published'),
       (SELECT MAX(id) FROM commitments_partyassessment WHERE review_state = 'published'), (SELECT MAX(id) FROM commitments_urlcheck),
       (SELECT MAX(updated_at) FROM commitments_commitment), (SELECT MAX(updated_at) FROM commitments_statement),
       (SELECT MAX(updated_at) FROM commitments_claim), (SELECT MAX(updated_at) FROM commitments_evidence WHERE published_at IS NOT NULL),
       (SELECT MAX(updated_at) FROM commitments_source),
       (SELECT MAX(checked_at) FROM commitments_urlcheck), (SELECT MAX(published_at) FROM commitments_statusupdate),
       (SELECT MAX(published_at) FROM commitments_verdictupdate), (SELECT MAX(published_at) FROM commitments_partyassessment)
"""


@dataclass(frozen=True)
class ContentVersion:
    """A stamp that changes whenever anything a public page shows may have changed (one query).

    History rows and evidence count only once published: a proposal waiting for review (a draft
    evidence row included) changes no public page, so it changes no ETag (issue 22 #14)."""

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


# Every count in one statement: the chosen commitments once, then grouped by statement, by
# party and by theme with their labels; the overall counts are the statements' sum (every
# commitment has one statement). Ordered as the lists are: statements by announcement, parties
# and themes by name. NOT MATERIALIZED: each branch reads the commitments itself and the planner
# joins them as it sees fit, instead of three scans of one materialised copy (about 20% faster at
# 10,000 commitments; SQLite knows the clause since 3.35).
_STATS_SQL = """
WITH chosen AS NOT MATERIALIZED ({commitments})
SELECT 0 AS kind, g.key, s.slug, s.title, g.status, g.n, s.announced_on AS day, '' AS label
FROM (SELECT statement_id AS key, status, COUNT(*) AS n FROM chosen GROUP BY 1, 2) g JOIN commitments_statement s ON s.id = g.key
UNION ALL
SELECT 1, g.key, p.slug, p.name, g.status, g.n, NULL, p.name
FROM (SELECT cp.{party_column} AS key, c.status, COUNT(*) AS n FROM chosen c JOIN {parties_table} cp ON cp.{commitment_column} = c.id
      GROUP BY 1, 2) g JOIN commitments_party p ON p.id = g.key
UNION ALL
SELECT 2, g.key, t.slug, t.name, g.status, g.n, NULL, t.name
FROM (SELECT ct.theme_id AS key, c.status, COUNT(*) AS n FROM chosen c JOIN ({theme_links}) ct ON ct.commitment_id = c.id
      GROUP BY 1, 2) g JOIN commitments_theme t ON t.id = g.key
ORDER BY 1, 7, 8, 2
"""
_STATS_GROUPS = ("by_statement", "by_responsible_party", "by_theme")


def _compiled(queryset: QuerySet) -> tuple[str, tuple] | None:
    """The queryset's SQL and parameters, or None when it can match nothing (Django then refuses to compile it)."""
    try:
        return queryset.query.sql_with_params()
    except EmptyResultSet:
        return None


def _through_tables() -> dict[str, str]:
    """The responsible-party link table as the model names it (so a renamed relation follows)."""
    parties = Commitment.parties.field
    return {"parties_table": parties.m2m_db_table(), "party_column": parties.m2m_reverse_name(), "commitment_column": parties.m2m_column_name()}


def commitment_stats(*, commitments: QuerySet[Commitment]) -> dict:
    """Counts of commitments in each status: overall, per statement, per bound and per responsible party, per theme.

    One statement for the counts with their labels; bound parties are summed from the
    statements' counts (commitments.parties owns who a statement binds), 2 queries, and
    labelled with one more.
    """
    rows = []
    if (chosen := _compiled(commitments.order_by().values("id", "statement_id", "status"))) is not None:
        with connection.cursor() as cursor:
            # Every commitment's themes as commitments.themes says: a deliverable counts under its point's themes too.
            theme_links, link_params = commitment_theme_pairs().query.sql_with_params()
            cursor.execute(_STATS_SQL.format(commitments=chosen[0], theme_links=theme_links, **_through_tables()), (*chosen[1], *link_params))
            rows = cursor.fetchall()
    groups: dict[str, dict[int, dict]] = {name: {} for name in _STATS_GROUPS}
    for kind, pk, slug, name, status, n, _day, _label in rows:
        group = groups[_STATS_GROUPS[kind]].setdefault(pk, {"id": pk, "slug": slug, "name": name, "total": 0,
                                                            "by_status": dict.fromkeys(Status.values, 0)})
        group["by_status"][status] = n
        group["total"] += n
    overall = dict.fromkeys(Status.values, 0)
    for statement in groups["by_statement"].values():
        for status, n in statement["by_status"].items():
            overall[status] += n
    by_bound = _bound_party_groups(groups["by_statement"])
    return {
        "total": sum(overall.values()),
        "by_status": overall,
        "by_statement": list(groups["by_statement"].values()),
        "by_bound_party": by_bound,
        "by_party": by_bound,  # the old name, kept for existing clients: it means bound party, as the `party` filter does
        "by_responsible_party": list(groups["by_responsible_party"].values()),
        "by_theme": list(groups["by_theme"].values()),
    }


def statement_stats(*, commitments: QuerySet[Commitment]) -> dict:
    """Counts of commitments in each status, overall and per statement: the part of commitment_stats the pages show."""
    stats = commitment_stats(commitments=commitments)
    return {key: stats[key] for key in ("total", "by_status", "by_statement")}


def _bound_party_groups(statements: dict[int, dict]) -> list[dict]:
    """Per party: the counts of the statements binding it (members included), in party name order."""
    table: dict = defaultdict(lambda: dict.fromkeys(Status.values, 0))
    for statement_id, party_ids in bound_parties_by_statement().items():
        for party_id in party_ids if statement_id in statements else ():
            for status, n in statements[statement_id]["by_status"].items():
                table[party_id][status] += n
    return [
        {"id": party.pk, "slug": party.slug, "name": party.name, "total": sum(table[party.pk].values()), "by_status": table[party.pk]}
        for party in Party.objects.filter(pk__in=table).only("pk", "slug", "name")
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
WHERE {in_chosen} AND si.start_on <= %(first)s AND (si.end_on IS NULL OR si.end_on > %(first)s)
GROUP BY si.status
UNION ALL
SELECT si.status, si.start_on, COUNT(*) FROM commitments_statusinterval si
WHERE {in_chosen} AND si.start_on > %(first)s AND si.start_on <= %(last)s
GROUP BY si.status, si.start_on
UNION ALL
SELECT si.status, si.end_on, -COUNT(*) FROM commitments_statusinterval si
WHERE {in_chosen} AND si.end_on > %(first)s AND si.end_on <= %(last)s
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


def _status_deltas(*, commitments: QuerySet[Commitment], first: date, last: date) -> list[tuple[date, str, int]]:
    """(day, status, +n or -n) from the intervals of these commitments, sorted by day; one query."""
    chosen = _compiled(commitments.order_by().values("id", "statement_id"))
    if chosen is None:  # a filter that matches nothing
        return []
    # Unfiltered, every interval counts: no semi-join of the whole table into each branch.
    in_chosen = "si.commitment_id IN (SELECT id FROM chosen)" if commitments.query.where else "TRUE"
    sql = _NAMED_PARAM.sub("%s", _STATUS_DELTAS_SQL).format(commitments=chosen[0], in_chosen=in_chosen)
    values = {"first": first, "last": last, "unrated": Status.NOT_YET_RATED}
    params = [*chosen[1], *(values[name] for name in _NAMED_PARAM.findall(_STATUS_DELTAS_SQL))]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return sorted((_as_date(day), status, n) for status, day, n in cursor.fetchall())


def status_over_time(*, commitments: QuerySet[Commitment], start: date, end: date) -> list[dict]:
    """For each ISO week from `start` to `end`: how many commitments were in each status at its end."""
    weeks = []
    cursor_day = week_end(start).date()
    while cursor_day <= week_end(end).date():
        weeks.append(cursor_day)
        cursor_day += timedelta(days=7)
    if not weeks:
        return []
    deltas = _status_deltas(commitments=commitments, first=weeks[0], last=weeks[-1])
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


_CELL_FIELDS = (
    "commitment_id", "commitment__statement_id", "commitment__ordinal", "commitment__title", "commitment__parent_id",
    "commitment__parent__ordinal", "party_id", "party__slug", "party__name", "score", "assessed_on",
)


def compliance_matrix(*, commitments: QuerySet[Commitment]) -> dict:
    """Commitment x party scores (latest per pair) and each party's average as a percentage: one query."""
    cells = latest_assessments(commitments=commitments).order_by("commitment__statement_id", "commitment_id", "party__name", "party_id")
    scores_by_party: dict[int, list[int]] = defaultdict(list)
    parties: dict[int, tuple[str, str]] = {}
    rows: dict[int, dict] = {}
    for pk, statement_id, ordinal, title, parent_id, parent_ordinal, party_id, slug, name, score, assessed_on in cells.values_list(*_CELL_FIELDS):
        scores_by_party[party_id].append(score)
        parties[party_id] = (slug, name)
        row = rows.get(pk) or rows.setdefault(pk, {
            "commitment": pk, "statement": statement_id,
            "number": point_number(ordinal=ordinal, parent_ordinal=parent_ordinal if parent_id is not None else None),
            "title": title, "scores": {},
        })
        row["scores"][slug] = {"score": score, "assessed_on": assessed_on}
    by_name = sorted(parties.items(), key=lambda item: (item[1][1], item[0]))
    return {
        "parties": [_party_average(pk, slug, name, scores_by_party[pk]) for pk, (slug, name) in by_name],
        "rows": list(rows.values()),
    }


def _party_average(pk: int, slug: str, name: str, scores: list[int]) -> dict:
    mean = sum(scores) / len(scores) if scores else None
    return {
        "id": pk, "slug": slug, "name": name, "assessed": len(scores),
        "average_score": None if mean is None else round(mean, 3), "average_percent": score_percent(mean),
    }


def has_evidence_filter(*, model) -> Exists:
    through = model.evidence.through
    column = f"{model._meta.model_name}_id"
    return Exists(through.objects.filter(**{column: OuterRef("pk")}))
