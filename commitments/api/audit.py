"""The audit trail for staff: GET /api/v1/audit/?model=commitment&object=12 (newest first, paginated)."""

from auditlog.models import LogEntry
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers

from commitments.audit import AUDITED, audit_entries, audit_entry_redact
from commitments.review.api import StaffOnly

MODELS = sorted(label.split(".")[1].lower() for label in AUDITED)


class AuditEntrySerializer(serializers.ModelSerializer):
    model = serializers.CharField(source="content_type.model")
    object = serializers.CharField(source="object_pk")
    action = serializers.CharField(source="get_action_display")
    actor = serializers.SerializerMethodField()
    source = serializers.SerializerMethodField(help_text="Where the change came from: admin, api, web, intake or command.")
    changes = serializers.JSONField(source="changes_dict", help_text='{"field": [old, new]}; links as {"type": "m2m", ...}.')

    class Meta:
        model = LogEntry
        fields = ["id", "timestamp", "model", "object", "object_repr", "action", "actor", "source", "remote_addr", "changes"]

    def to_representation(self, entry: LogEntry) -> dict:
        return super().to_representation(audit_entry_redact(entry, user=self.context["request"].user))

    def get_actor(self, entry: LogEntry) -> str | None:
        return entry.actor.get_username() if entry.actor_id else None

    def get_source(self, entry: LogEntry) -> str:
        return (entry.additional_data or {}).get("source", "")


class AuditListView(generics.ListAPIView):
    permission_classes = [StaffOnly]
    serializer_class = AuditEntrySerializer
    filter_backends: list = []

    def get_queryset(self):
        model = self.request.query_params.get("model")
        return audit_entries(user=self.request.user, model=model if model in MODELS else None, object_pk=self.request.query_params.get("object"))

    @extend_schema(
        parameters=[
            OpenApiParameter("model", str, enum=MODELS, description="Only changes to this kind of row."),
            OpenApiParameter("object", str, description="Only changes to this row (its id; with `model`)."),
        ],
        description=("Every create, change and delete of the catalogue, newest first: staff only, each model's entries only to those who "
                     "may view that model; e-mail addresses and client IPs only to superusers."),
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
