"""The compliance matrix: the latest score of each (commitment, party) pair and each party's average."""

from collections import defaultdict

from django.db.models import F, QuerySet, Window
from django.db.models.functions import RowNumber

from commitments.history import ASSESSMENT_ORDER, published_assessments
from commitments.models import Commitment, PartyAssessment
from commitments.models.domain import point_number
from commitments.selectors.freshness import cached_aggregate


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



def compliance_matrix_cached(*, commitments: QuerySet[Commitment], key: str) -> dict:
    """compliance_matrix(), kept in the cache until anything it reads changes. `key` names the filter."""
    return cached_aggregate(name="compliance", key=key, compute=lambda: compliance_matrix(commitments=commitments))
