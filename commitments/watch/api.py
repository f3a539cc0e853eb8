"""The staff inbox API: GET /api/v1/inbox/ and /api/v1/inbox/<id>/ (staff only, newest first, paginated)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError

from commitments.models.watch import InboxItem, InboxState
from commitments.review.api import StaffOnly

from .selectors import inbox_items


class MatchSerializer(serializers.Serializer):
    commitment = serializers.IntegerField(required=False, help_text="The matched point or deliverable (or `claim` for a claim).")
    claim = serializers.IntegerField(required=False)
    score = serializers.FloatField(help_text="0-1: the share of the rendering's weighted terms found in the passage.")
    passage = serializers.CharField(help_text="The document's passage that matched, verbatim.")


class InboxItemSerializer(serializers.ModelSerializer):
    url = serializers.CharField(source="document.url", help_text="The address as the watch listed it.")
    canonical_url = serializers.SerializerMethodField(help_text="The address the document was read from, after redirects.")
    title = serializers.SerializerMethodField()
    language = serializers.CharField(source="document.language", help_text="ISO 639-1, or 'und'.")
    published_on = serializers.DateField(source="document.published_on", allow_null=True)
    watch = serializers.IntegerField(source="document.watch_id")
    watch_name = serializers.CharField(source="document.watch.name")
    sets = serializers.JSONField(help_text="The extractor's sets, as POST /api/v1/intake/ returns them.")
    matches = MatchSerializer(many=True, help_text="Tracked commitments and claims the document concerns, best first.")

    class Meta:
        model = InboxItem
        fields = ["id", "url", "canonical_url", "title", "language", "published_on", "watch", "watch_name", "state", "created_at",
                  "decision", "sets", "matches"]

    def get_canonical_url(self, item: InboxItem) -> str:
        return item.document.final_url or item.document.url

    def get_title(self, item: InboxItem) -> str:
        return item.document.title or item.document.listed_title


def _flag(value: str | None, name: str) -> bool | None:
    if value in (None, ""):
        return None
    if value.lower() in ("true", "1", "yes"):
        return True
    if value.lower() in ("false", "0", "no"):
        return False
    raise ValidationError({name: [f"“{value}” is not true or false."]})


def _id(value: str | None, name: str) -> int | None:
    if value in (None, ""):
        return None
    if not value.isdigit():
        raise ValidationError({name: [f"“{value}” is not a watch id."]})
    return int(value)


@extend_schema_view(
    list=extend_schema(
        description="New documents from the watched sites (staff only): the sets found and the tracked points they concern.",
        parameters=[
            OpenApiParameter("state", str, enum=InboxState.values),
            OpenApiParameter("watch", int, description="Only documents found by this watch."),
            OpenApiParameter("language", str, description="ISO 639-1 code, e.g. zh, ru, en."),
            OpenApiParameter("has_sets", bool, description="Only items with (true) or without (false) a numbered set."),
            OpenApiParameter("matched", bool, description="Only items that match (true) or match no (false) tracked point."),
        ],
    ),
)
class InboxViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [StaffOnly]
    serializer_class = InboxItemSerializer
    filter_backends: list = []

    def get_queryset(self):
        params = self.request.query_params
        state = params.get("state") or None
        if state and state not in InboxState.values:
            raise ValidationError({"state": [f"“{state}” is not a state: one of {', '.join(InboxState.values)}."]})
        return inbox_items(
            state=state, watch=_id(params.get("watch"), "watch"), language=params.get("language") or None,
            has_sets=_flag(params.get("has_sets"), "has_sets"), matched=_flag(params.get("matched"), "matched"),
        )
