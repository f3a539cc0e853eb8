"""Full-text search over statements, points, deliverables, claims and evidence titles.

PostgreSQL: django.contrib.postgres full-text search (SearchVector, ranked by SearchRank,
snippets by SearchHeadline). Points and claims are also found by any of their renderings, in
any language (commitments.text_search: Russian stems, Chinese character pairs); the snippet
then comes from the rendering that matched. Elsewhere (SQLite under `make run`): a
case-insensitive substring match with a snippet cut around the first hit. Both return the same `Hit`s.
"""

from dataclasses import dataclass

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, JSONObject
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from commitments.history import published_evidence
from commitments.models import Claim, Commitment, Evidence, Party, Rendering, Statement, Status, Theme
from commitments.parties import bound_party_q, party_concerns_q
from commitments.templatetags.http_urls import http_href
from commitments.text_search import HAN_RUN, rendered_match_q, rendering_rank, renderings_matching, text_query
from commitments.themes import commitment_themes_q

CONFIG = "english"
PER_KIND = 20
SNIPPET_CHARS = 240
# Markers no text holds: the headline is escaped first, then they become <mark> tags.
OPEN, CLOSE = "\x02", "\x03"


@dataclass(frozen=True)
class SearchFilters:
    status: str = ""
    party: str = ""
    theme: str = ""
    statement: str = ""

    @property
    def any(self) -> bool:
        return bool(self.status or self.party or self.theme or self.statement)


@dataclass(frozen=True)
class Hit:
    kind: str  # "statement", "point", "deliverable", "claim", "evidence"
    title: str
    url: str
    snippet: SafeString
    rank: float
    status: str = ""
    external: bool = False

    @property
    def status_label(self) -> str:
        return Status(self.status).label if self.status else ""


def _highlighted(text: str) -> SafeString:
    return mark_safe(escape(text).replace(OPEN, "<mark>").replace(CLOSE, "</mark>"))  # noqa: S308 - escaped just before


# --- Which rows each filter keeps ------------------------------------------------------------


def _party_ids(slug: str) -> list[int]:
    return list(Party.objects.filter(slug=slug).values_list("pk", flat=True))


def _commitments(filters: SearchFilters) -> QuerySet[Commitment]:
    rows = Commitment.objects.select_related("statement", "parent")
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.statement:
        rows = rows.filter(statement__slug=filters.statement)
    if filters.party:
        rows = rows.filter(party_concerns_q(parties=_party_ids(filters.party), model=Commitment))
    if filters.theme:
        rows = rows.filter(commitment_themes_q(themes=Theme.objects.filter(slug=filters.theme).values("pk")))
    return rows


def _claims(filters: SearchFilters) -> QuerySet[Claim]:
    if filters.status:  # statuses belong to commitments
        return Claim.objects.none()
    rows = Claim.objects.all()
    if filters.statement:
        rows = rows.filter(statement__slug=filters.statement)
    if filters.party:
        rows = rows.filter(party_concerns_q(parties=_party_ids(filters.party), model=Claim))
    if filters.theme:
        rows = rows.filter(themes__slug=filters.theme)
    return rows


def _statements(filters: SearchFilters) -> QuerySet[Statement]:
    if filters.status or filters.theme:
        return Statement.objects.none()
    rows = Statement.objects.all()
    if filters.statement:
        rows = rows.filter(slug=filters.statement)
    if filters.party:
        rows = rows.filter(bound_party_q(parties=_party_ids(filters.party), statement_path="") | Q(announcing_party__slug=filters.party))
    return rows


def _evidence(filters: SearchFilters) -> QuerySet[Evidence]:
    public = published_evidence()  # not what only an unpublished proposal cites
    if not filters.any:
        return public
    chosen = _commitments(filters).values("pk")
    return public.filter(Exists(Evidence.commitments.through.objects.filter(evidence_id=OuterRef("pk"), commitment_id__in=chosen)))


# --- Turning rows into hits ------------------------------------------------------------------------


def _commitment_hit(c: Commitment, snippet: SafeString, rank: float) -> Hit:
    kind = "deliverable" if c.parent_id else "point"
    return Hit(kind=kind, title=f"{c.statement.title} — {c.number}. {c.title}", url=c.get_absolute_url(), snippet=snippet, rank=rank, status=c.status)


def _claim_hit(c: Claim, snippet: SafeString, rank: float) -> Hit:
    return Hit(kind="claim", title=c.title, url=c.get_absolute_url(), snippet=snippet, rank=rank)


def _statement_hit(s: Statement, snippet: SafeString, rank: float) -> Hit:
    return Hit(kind="statement", title=s.title, url=s.get_absolute_url(), snippet=snippet, rank=rank)


def _evidence_hit(e: Evidence, snippet: SafeString, rank: float) -> Hit:
    return Hit(kind="evidence", title=e.title, url=http_href(e.url), snippet=snippet, rank=rank, external=True)


KINDS = (
    # (rows, searched fields, field the snippet comes from, hit builder, renderings' owner field or None)
    (_statements, ("title", "announcement", "meeting"), "announcement", _statement_hit, None),
    (_commitments, ("title", "quote"), "quote", _commitment_hit, "commitment"),
    (_claims, ("title", "quote"), "quote", _claim_hit, "claim"),
    (_evidence, ("title", "publisher"), "title", _evidence_hit, None),
)


def search(*, q: str, filters: SearchFilters, portable: bool | None = None) -> list[Hit]:
    """The best hits of every kind, best first. Four queries whatever the data's size.

    Full-text on PostgreSQL; the substring fallback elsewhere, or with `portable=True`.
    """
    q = q.strip()
    if not q:
        return []
    if portable is None:
        portable = connection.vendor != "postgresql"
    found = _search_portable if portable else _search_postgres
    hits = [hit for rows, fields, shown, build, owner in KINDS for hit in found(rows(filters), q, fields, shown, build, owner)]
    return sorted(hits, key=lambda hit: -hit.rank)


def _search_postgres(rows: QuerySet, q: str, fields, shown: str, build, owner: str | None) -> list[Hit]:
    query = SearchQuery(q, config=CONFIG, search_type="websearch")
    vector = SearchVector(*fields, config=CONFIG)
    headline = SearchHeadline(shown, query, config=CONFIG, start_sel=OPEN, stop_sel=CLOSE, max_words=35, min_words=15)
    if owner is None:
        if HAN_RUN.search(q):
            return _search_chinese_substring(rows, q, fields, vector, query, shown, build)
        matching = rows.annotate(document=vector).filter(document=query)  # @@: only rows that hold the words
        ranked = matching.annotate(rank=SearchRank(vector, query), snippet=headline).order_by("-rank", "pk")[:PER_KIND]
        return [build(row, _highlighted(row.snippet or ""), float(row.rank)) for row in ranked]
    rendered = _best_rendering(q, owner)
    matching = rows.annotate(document=vector, rendered=rendered).filter(Q(document=query) | Q(rendered__isnull=False))
    rank = SearchRank(vector, query) + Coalesce(_rendered_rank(q, owner), 0.0)
    ranked = matching.annotate(rank=rank, snippet=headline).order_by("-rank", "pk")[:PER_KIND]
    return [build(row, _rendered_snippet(row, q), float(row.rank)) for row in ranked]


def _search_chinese_substring(rows: QuerySet, q: str, fields, vector, query, shown: str, build) -> list[Hit]:
    """Statements and evidence have no renderings to hold character pairs: a Chinese word is found as a substring
    (what a Chinese word is, without segmentation), ranked after full-text matches of the same row kind."""
    inside = Q()
    for name in fields:
        inside |= Q(**{f"{name}__contains": q})
    matching = rows.annotate(document=vector).filter(Q(document=query) | inside)
    ranked = matching.annotate(rank=SearchRank(vector, query)).order_by("-rank", "pk")[:PER_KIND]
    return [build(row, _snippet(getattr(row, shown) or getattr(row, fields[0]), q), float(row.rank) or 0.05) for row in ranked]


def _best_rendering(q: str, owner: str) -> Subquery:
    """The best-ranked matching rendering of each row: its text and a highlighted headline (one subquery, no extra query)."""
    best = renderings_matching(q).filter(**{owner: OuterRef("pk")}).annotate(rank=rendering_rank(q)).order_by("-rank", "pk")
    headline = SearchHeadline("text", text_query(q), config="russian", start_sel=OPEN, stop_sel=CLOSE, max_words=35, min_words=15)
    return Subquery(best.annotate(found=JSONObject(text=F("text"), headline=headline, language=F("language"))).values("found")[:1])


def _rendered_rank(q: str, owner: str) -> Subquery:
    best = renderings_matching(q).filter(**{owner: OuterRef("pk")}).annotate(rank=rendering_rank(q)).order_by("-rank")
    return Subquery(best.values("rank")[:1])


def _rendered_snippet(row, q: str) -> SafeString:
    """The row's own headline when its words matched; else the matching rendering's (Chinese highlighted here: the
    database's parser cannot cut Chinese into words)."""
    if OPEN in (row.snippet or "") or not row.rendered:
        return _highlighted(row.snippet or "")
    found = row.rendered
    if OPEN in found["headline"]:
        return _highlighted(found["headline"])
    words = HAN_RUN.findall(q)
    return _snippet(found["text"], max(words, key=len)) if words else _highlighted(found["headline"])


def _search_portable(rows: QuerySet, q: str, fields, shown: str, build, owner: str | None) -> list[Hit]:
    match = Q()
    for name in fields:
        match |= Q(**{f"{name}__icontains": q})
    if owner:
        match |= rendered_match_q(q, owner=owner, postgres=False)
        other = Rendering.objects.filter(**{owner: OuterRef("pk"), "text__icontains": q}).values("text")[:1]
        rows = rows.annotate(rendered=Subquery(other))
    chosen = rows.filter(match).order_by("pk")[:PER_KIND]
    return [build(row, _snippet(_portable_shown(row, shown, fields, q), q), 1.0) for row in chosen]


def _portable_shown(row, shown: str, fields, q: str) -> str:
    text = getattr(row, shown) or getattr(row, fields[0])
    found_elsewhere = q.lower() not in text.lower() and getattr(row, "rendered", None)
    return row.rendered if found_elsewhere else text  # found by another rendering: show that one


def _snippet(text: str, q: str) -> SafeString:
    at = text.lower().find(q.lower())
    if at == -1:
        return _highlighted(text[:SNIPPET_CHARS])
    start = max(0, at - SNIPPET_CHARS // 2)
    piece = text[start:at] + OPEN + text[at:at + len(q)] + CLOSE + text[at + len(q):at + len(q) + SNIPPET_CHARS // 2]
    return _highlighted(("…" if start else "") + piece)

