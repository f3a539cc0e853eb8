"""GET /api/v1/search/?q=: the public search as JSON (the same hits, ranks and highlighted snippets as /search/).

Points and claims are found by a word of any of their renderings, in any language (Chinese,
Russian ...); see commitments.site.search and commitments.text_search.
"""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from commitments.api.filters import resolve_named
from commitments.models import Party, Statement, Status, Theme

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
