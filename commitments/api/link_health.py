"""The latest source-check result of a linked URL, for sources and evidence in the API.

A list asks the source checks once for every URL on the page (one query); a detail
asks for its own URL.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from commitments.checks.selectors import latest_checks
from commitments.models import Health, Outcome, QuoteMatch


class LinkHealthSerializer(serializers.Serializer):
    health = serializers.ChoiceField(choices=Health.choices, help_text="Current health, with hysteresis: `gone` only after repeated failures.")
    health_since = serializers.DateTimeField(allow_null=True)
    last_checked_at = serializers.DateTimeField(allow_null=True)
    last_outcome = serializers.CharField(help_text=f"What the last fetch saw: one of {', '.join(Outcome.values)}.")
    last_status = serializers.IntegerField(allow_null=True, help_text="HTTP status of the last fetch.")
    final_url = serializers.CharField()
    moved_to = serializers.CharField(help_text="The new address after a permanent redirect.")
    content_changed_at = serializers.DateTimeField(allow_null=True)
    quote_match = serializers.ChoiceField(choices=QuoteMatch.choices, help_text="Whether our quote is still on the page.")
    quote_score = serializers.FloatField(allow_null=True, help_text="Similarity (0-100) of the best fuzzy match.")
    quotes_missing = serializers.IntegerField()
    next_check_at = serializers.DateTimeField()


class LinkHealthListSerializer(serializers.ListSerializer):
    def to_representation(self, data):
        items = list(data.all() if hasattr(data, "all") else data)
        self.context["link_health"] = latest_checks(urls=[item.url for item in items if item.url])
        return super().to_representation(items)


class LinkHealthMixin(serializers.Serializer):
    latest_check = serializers.SerializerMethodField(help_text="The latest check of this URL and its quotes; null until checked.")

    @extend_schema_field(LinkHealthSerializer(allow_null=True))
    def get_latest_check(self, obj) -> dict | None:
        if not obj.url:
            return None
        known = self.context.get("link_health")
        if known is None:  # a detail, not a page of a list
            known = latest_checks(urls=[obj.url])
        health = known.get(obj.url)
        return LinkHealthSerializer(health).data if health else None
