"""Full-text search over renderings in every language (PostgreSQL), the one rule the site and the API share.

- Russian renderings are indexed with the 'russian' configuration (Snowball stems: вакцины finds
  вакцина), English ones with 'english', others with 'simple'.
- Chinese has no spaces, so PostgreSQL's parser sees a whole clause as one word. Each rendering
  keeps `search_terms`: the overlapping character pairs (bigrams) of its Chinese runs, written by
  `rendering_add` and indexed with 'simple'; a query is cut the same way, so 疫苗 finds 加强疫苗合作.
  Bigrams need no dictionary (jieba's would miss new names and split differently at index and
  query time) and cost one short column.
- A query is tried in all three ways at once (english | russian | Chinese bigrams): the searcher
  need not say which language the word is in.

SQLite has no full-text search: callers fall back to a substring match of `text`.
"""

import re

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db.models import Case, Exists, OuterRef, Q, QuerySet, TextField, Value, When

from commitments.models import Rendering

HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
CONFIGS = (("ru", "russian"), ("en", "english"))


def search_terms(text: str) -> str:
    """The Chinese runs of `text` as space-separated bigrams ("加强疫苗" -> "加强 强疫 疫苗"); '' when it has none."""
    terms = []
    for run in HAN_RUN.findall(text):
        terms.extend([run] if len(run) == 1 else (run[i:i + 2] for i in range(len(run) - 1)))
    return " ".join(terms)


def _text_in(code: str | None):
    """The rendering's text when its language is `code` (None: none of CONFIGS), else ''."""
    match = ~Q(*(Q(language__startswith=c) for c, _ in CONFIGS), _connector=Q.OR) if code is None else Q(language__startswith=code)
    return Case(When(match, then="text"), default=Value(""), output_field=TextField())


def rendering_vector() -> SearchVector:
    """The document each rendering is searched by (the GIN index of migration 0014 is built on this very expression).

    One to_tsvector per configuration, each fed the text only when the rendering is in that language:
    PostgreSQL indexes only immutable expressions, and a configuration chosen per row is not one.
    """
    vector = SearchVector(_text_in(None), config="simple") + SearchVector("search_terms", config="simple")
    for code, name in CONFIGS:
        vector = vector + SearchVector(_text_in(code), config=name)
    return vector


def text_query(q: str) -> SearchQuery:
    """The words of `q` in English, in Russian and, where it has Chinese, as bigrams."""
    query = SearchQuery(q, config="english", search_type="websearch") | SearchQuery(q, config="russian", search_type="websearch")
    chinese = search_terms(q)
    if chinese:
        query |= SearchQuery(chinese, config="simple", search_type="plain")
    return query


def renderings_matching(q: str) -> QuerySet[Rendering]:
    return Rendering.objects.annotate(document=rendering_vector()).filter(document=text_query(q))


def rendered_match_q(q: str, *, owner: str, postgres: bool) -> Q:
    """Rows (commitments or claims, `owner`) that have a rendering matching `q`: full text on PostgreSQL, substring elsewhere."""
    if postgres:
        return Q(Exists(renderings_matching(q).filter(**{owner: OuterRef("pk")})))
    return Q(Exists(Rendering.objects.filter(**{owner: OuterRef("pk"), "text__icontains": q})))


def rendering_rank(q: str) -> SearchRank:
    return SearchRank(rendering_vector(), text_query(q))
