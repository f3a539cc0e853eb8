"""Counts of commitments by status, now and week by week (the burndown)."""

import re
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet

from commitments.models import Commitment, Party, Status
from commitments.parties import bound_parties_by_statement
from commitments.selectors.freshness import cached_aggregate
from commitments.themes import commitment_theme_pairs

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


def commitment_stats_cached(*, commitments: QuerySet[Commitment], key: str) -> dict:
    """commitment_stats(), kept in the cache until anything it reads changes (one query on a hit). `key` names the filter."""
    return cached_aggregate(name="stats", key=key, compute=lambda: commitment_stats(commitments=commitments))


def statement_stats(*, commitments: QuerySet[Commitment], key: str) -> dict:
    """Counts of commitments in each status, overall and per statement: the part of commitment_stats_cached the pages show."""
    stats = commitment_stats_cached(commitments=commitments, key=key)
    return {name: stats[name] for name in ("total", "by_status", "by_statement")}


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


# The weekly series' default length, the overview's and the API's alike (they share a cache entry).
DEFAULT_WEEKS = 26


def default_weeks_start(end: date) -> date:
    """The first day of the default series ending in `end`'s week: DEFAULT_WEEKS weeks, `end`'s included."""
    return end - timedelta(weeks=DEFAULT_WEEKS - 1)


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



def status_over_time_cached(*, commitments: QuerySet[Commitment], start: date, end: date, key: str) -> list[dict]:
    """status_over_time(), kept in the cache until anything it reads changes. `key` names the filter."""
    return cached_aggregate(
        name="status-over-time", key=f"{key}|{start}|{end}", compute=lambda: status_over_time(commitments=commitments, start=start, end=end),
    )
