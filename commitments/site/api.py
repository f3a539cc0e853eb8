"""GET /api/v1/search/?q= and /api/v1/corrections/: the public search and the corrections log as JSON (as the pages show them).

Points and claims are found by a word of any of their renderings, in any language (Chinese,
Russian ...); see commitments.site.search and commitments.text_search.
"""

from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from commitments.api.filters import resolve_named
from commitments.api.pagination import ListPagination
from commitments.models import Party, Statement, Status, Theme

from .corrections import Correction, corrections
from .search import SearchFilters, search


class SearchQuerySerializer(serializers.Serializer):
    q = serializers.CharField(max_length=200, help_text="Words to find, in any language (疫苗, вакцины, vaccine).")
    # A plain string, checked below: a ChoiceField would add a second "status" enum to the schema (drf-spectacular W001).
    status = serializers.CharField(required=False, allow_blank=True, default="", max_length=40,
                                   help_text=f"One of: {', '.join(Status.values)}.")
    party = serializers.CharField(required=False, allow_blank=True, default="", max_length=100, help_text="A party's slug or id.")
    theme = serializers.CharField(required=False, allow_blank=True, default="", max_length=100, help_text="A theme's slug or id.")
    statement = serializers.CharField(required=False, allow_blank=True, default="", max_length=100, help_text="A statement's slug or id.")

    def validate_status(self, value: str) -> str:
        if value and value not in Status.values:
            raise serializers.ValidationError(f"Not a status: use one of {', '.join(Status.values)}.")
        return value


def _slug(model, value: str, *, field: str) -> str:
    """The slug of the row `value` names (an id or a slug); a name no row has is a 400, as in every other filter."""
    if not value:
        return ""
    return model.objects.values_list("slug", flat=True).get(pk=resolve_named(model, [value], field=field)[0])


HIT_FIELDS = {
    "kind": serializers.CharField(help_text="statement, point, deliverable, claim or evidence"),
    "title": serializers.CharField(),
    "url": serializers.CharField(help_text="The public page (evidence: the document itself)."),
    "snippet": serializers.CharField(help_text="HTML: the text escaped, the words found in <mark>."),
    "rank": serializers.FloatField(),
    "status": serializers.CharField(allow_blank=True),
}


RESULTS = inline_serializer("SearchResults", {"q": serializers.CharField(), "results": inline_serializer("SearchHit", HIT_FIELDS, many=True)})


class SearchView(APIView):
    @extend_schema(
        parameters=[SearchQuerySerializer], tags=["search"],
        responses={200: RESULTS},
        description="The public search: statements, points, deliverables, claims and evidence titles, best first, "
                    "with highlighted snippets. A point or claim is also found by a word of any of its renderings "
                    "(Chinese by character pairs, Russian by stem, on PostgreSQL).",
    )
    def get(self, request):
        params = SearchQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        named = {name: _slug(model, data[name], field=name) for name, model in (("party", Party), ("theme", Theme), ("statement", Statement))}
        filters = SearchFilters(status=data["status"], **named)
        hits = search(q=data["q"], filters=filters)
        results = [
            {"kind": h.kind, "title": h.title, "url": h.url if h.external else request.build_absolute_uri(h.url),
             "snippet": str(h.snippet), "rank": h.rank, "status": h.status}
            for h in hits
        ]
        return Response({"q": data["q"], "results": results})


# --- GET /api/v1/corrections/: the corrections log (commitments.site.corrections) -----------------


class CorrectionsQuerySerializer(serializers.Serializer):
    since = serializers.DateField(required=False, help_text="Published on or after this day (YYYY-MM-DD, UTC).")
    until = serializers.DateField(required=False, help_text="Published on or before this day (YYYY-MM-DD, UTC).")

    def validate(self, data: dict) -> dict:
        if data.get("since") and data.get("until") and data["until"] < data["since"]:
            raise serializers.ValidationError({"until": "The end comes before the start."})
        return data


class CorrectionChangeSerializer(serializers.Serializer):
    field = serializers.CharField(help_text="What changed: quote, status on <date>, verdict, an evidence field, attached to.")
    before = serializers.CharField(help_text="What readers saw (— for nothing).")
    after = serializers.CharField(help_text="What they see since (— for nothing).")


class CorrectionSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["quote", "status", "verdict", "evidence"])
    id = serializers.IntegerField(help_text="The id of the published row (proposal, status update, verdict or evidence revision).")
    published_at = serializers.DateTimeField()
    subject = serializers.CharField(help_text="The point, claim or evidence it concerns.")
    url = serializers.SerializerMethodField(help_text="The public page it concerns (null when none).")
    changes = CorrectionChangeSerializer(many=True)
    reason = serializers.CharField(help_text="Why (empty when none was given).")
    reviewed = serializers.BooleanField(help_text="Published by a Reviewer other than its author (false with review off).")

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_url(self, correction: Correction) -> str | None:
        return self.context["request"].build_absolute_uri(correction.path) if correction.path else None


class CorrectionsView(APIView):
    pagination_class = ListPagination

    @extend_schema(
        parameters=[CorrectionsQuerySerializer], tags=["corrections"], responses={200: CorrectionSerializer(many=True)},
        description="Every published correction, newest first: a point's or claim's quote replaced, a status superseded on "
                    "the same effective date, a claim's verdict revised, published evidence edited; each with what changed "
                    "(before -> after) and why. The same log as /corrections/.",
    )
    def get(self, request):
        params = CorrectionsQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(corrections(**params.validated_data), request, view=self)
        return paginator.get_paginated_response(CorrectionSerializer(page, many=True, context={"request": request}).data)
