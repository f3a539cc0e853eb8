"""Aggregates for charts: counts by status, status over time, the compliance matrix."""

from datetime import date
from urllib.parse import urlencode

from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import BrowsableAPIRenderer
from rest_framework.response import Response

from commitments import selectors
from commitments.api.filters import CommitmentFilter, FilterBackend
from commitments.api.renderers import ORJSONRenderer, TableCSVRenderer
from commitments.models import Commitment, Status

MAX_WEEKS = 520


# How many commitments are in each status (every status present).
ByStatusSerializer = type("ByStatusSerializer", (serializers.Serializer,), {status: serializers.IntegerField() for status in Status.values})


class StatusGroupSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.SlugField()
    name = serializers.CharField()
    total = serializers.IntegerField()
    by_status = ByStatusSerializer()


class StatsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    by_status = ByStatusSerializer()
    by_statement = StatusGroupSerializer(many=True)
    by_bound_party = StatusGroupSerializer(many=True, help_text="Per party bound by the commitment's statement (members included).")
    by_responsible_party = StatusGroupSerializer(many=True, help_text="Per party responsible for the commitment.")
    by_party = StatusGroupSerializer(many=True, help_text="Same as `by_bound_party` (the old name).")
    by_theme = StatusGroupSerializer(many=True)


class StatusWeekSerializer(serializers.Serializer):
    week_end = serializers.DateTimeField()
    total = serializers.IntegerField()
    by_status = ByStatusSerializer()


class _CommitmentAggregate(generics.GenericAPIView):
    """Aggregates over the commitments that match the same filters as /api/v1/commitments/."""

    queryset = Commitment.objects.all()
    filter_backends = [FilterBackend]
    filterset_class = CommitmentFilter
    pagination_class = None
    renderer_classes = [ORJSONRenderer, BrowsableAPIRenderer, TableCSVRenderer]
    basename = "stats"

    def commitments(self):
        return self.filter_queryset(self.get_queryset())

    def cache_key(self) -> str:
        """The filters this request names, in one order (selectors.UNFILTERED when none, as the pages ask): its aggregates' cache key.

        `overdue` depends on the day, so a key naming it carries the date.
        """
        names = self.filterset_class.base_filters
        pairs = sorted((name, value) for name, values in self.request.query_params.lists() if name in names for value in values)
        if any(name == "overdue" for name, _ in pairs):
            pairs.append(("today", timezone.now().date().isoformat()))
        return urlencode(pairs) if pairs else selectors.UNFILTERED


def _by_status_columns(row: dict) -> dict:
    return {"total": row["total"], **row["by_status"]}


CSV_FORMAT = OpenApiParameter("format", str, enum=["json", "csv"], description="`csv`: the same figures as one table.")


class StatsView(_CommitmentAggregate):
    def csv_table(self, data: dict) -> tuple[list[str], list[dict]]:
        """One row overall, then one per statement, bound party, responsible party and theme (`scope` says which)."""
        rows = [{"scope": "all", **_by_status_columns(data)}]
        for scope in ("statement", "bound_party", "responsible_party", "theme"):
            rows += [{"scope": scope, "id": g["id"], "slug": g["slug"], "name": g["name"], **_by_status_columns(g)} for g in data[f"by_{scope}"]]
        return ["scope", "id", "slug", "name", "total", *Status.values], rows

    @extend_schema(
        filters=True,
        parameters=[CSV_FORMAT],
        responses=StatsSerializer,
        description="How many commitments are in each status: overall, per statement, per party and per theme.",
    )
    def get(self, request):
        return Response(selectors.commitment_stats_cached(commitments=self.commitments(), key=self.cache_key()))


DATE_RANGE = (date(1900, 1, 1), date(2999, 12, 31))


def _date_param(request, name: str, default: date) -> date:
    raw = request.query_params.get(name)
    if not raw:
        return default
    try:
        day = date.fromisoformat(raw)
    except ValueError as exc:
        raise ValidationError({name: "Use a date as YYYY-MM-DD."}) from exc
    if not DATE_RANGE[0] <= day <= DATE_RANGE[1]:  # weeks are counted back and forward from it: stay far from date's limits
        raise ValidationError({name: f"Give a date between {DATE_RANGE[0]} and {DATE_RANGE[1]}."})
    return day


class StatusOverTimeView(_CommitmentAggregate):
    basename = "status-over-time"

    def csv_table(self, data: list[dict]) -> tuple[list[str], list[dict]]:
        return ["week_end", "total", *Status.values], [{"week_end": week["week_end"], **_by_status_columns(week)} for week in data]

    @extend_schema(
        filters=True,
        parameters=[
            CSV_FORMAT,
            OpenApiParameter("start", date, description=f"First week (any day in it). Default: {selectors.DEFAULT_WEEKS} weeks before `end`."),
            OpenApiParameter("end", date, description="Last week (any day in it). Default: today."),
        ],
        responses=StatusWeekSerializer(many=True),
        examples=[OpenApiExample("One week", response_only=True, value=[{
            "week_end": "2024-05-05T23:59:59Z", "total": 12,
            "by_status": dict.fromkeys(Status.values, 0) | {"in_progress": 7, "fulfilled": 5},
        }])],
        description="For each ISO week, the number of commitments in each status at its end (Sunday 23:59:59 UTC), from the status history.",
    )
    def get(self, request):
        end = _date_param(request, "end", timezone.now().date())
        start = _date_param(request, "start", selectors.default_weeks_start(end))
        if start > end or (end - start).days > MAX_WEEKS * 7:
            raise ValidationError({"start": f"`start` must be on or before `end`, and at most {MAX_WEEKS} weeks before it."})
        return Response(selectors.status_over_time_cached(
            commitments=self.commitments(), start=start, end=end, key=self.cache_key(),
        ))


class ComplianceView(_CommitmentAggregate):
    basename = "compliance"

    def csv_table(self, data: dict) -> tuple[list[str], list[dict]]:
        """The matrix in long form: one row per scored (commitment, party) cell; party averages stay in the JSON."""
        header = ["commitment", "statement", "number", "title", "party", "score", "assessed_on"]
        rows = [
            {**{key: row[key] for key in header[:4]}, "party": party, **cell}
            for row in data["rows"] for party, cell in row["scores"].items()
        ]
        return header, rows

    @extend_schema(
        filters=True,
        parameters=[CSV_FORMAT],
        responses=inline_serializer("Compliance", {
            "parties": inline_serializer("PartyCompliance", {
                "id": serializers.IntegerField(), "slug": serializers.SlugField(), "name": serializers.CharField(),
                "assessed": serializers.IntegerField(), "average_score": serializers.FloatField(allow_null=True),
                "average_percent": serializers.FloatField(allow_null=True),
            }, many=True),
            "rows": inline_serializer("ComplianceRow", {
                "commitment": serializers.IntegerField(), "statement": serializers.IntegerField(), "number": serializers.CharField(),
                "title": serializers.CharField(),
                "scores": serializers.DictField(
                    child=inline_serializer("Cell", {"score": serializers.IntegerField(), "assessed_on": serializers.DateField()}),
                    help_text="By party slug.",
                ),
            }, many=True),
        }),
        examples=[OpenApiExample("Two parties", response_only=True, value={
            "parties": [{"id": 1, "slug": "canada", "name": "Canada", "assessed": 2, "average_score": 0.5, "average_percent": 75.0}],
            "rows": [{
                "commitment": 1, "statement": 1, "number": "1", "title": "Vaccines",
                "scores": {"canada": {"score": 1, "assessed_on": "2024-05-01"}},
            }],
        })],
        description="The latest score of each (commitment, party) pair, and each party's average as the G7 Research Group reports it: "
        "(mean score + 1) / 2 x 100 percent.",
    )
    def get(self, request):
        return Response(selectors.compliance_matrix_cached(commitments=self.commitments(), key=self.cache_key()))
