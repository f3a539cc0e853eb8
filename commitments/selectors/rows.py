"""The commitments list's rows as plain dicts: one statement a page on PostgreSQL, the ORM elsewhere."""

from collections import defaultdict

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Q, QuerySet

from commitments.models import LINK_INVERSE_LABELS, Commitment, CommitmentLink, LinkKind, Rendering
from commitments.models.domain import point_number
from commitments.selectors.lists import commitment_list, commitments_count_evidence

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
