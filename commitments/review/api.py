"""The review API: staff list what waits; a Reviewer who did not propose it publishes or rejects it.

    GET  /api/v1/review/proposals/                     what waits (filters: kind, statement, proposer)
    POST /api/v1/review/proposals/<kind>/<id>/approve/  {"comment": "..."}  publish it
    POST /api/v1/review/proposals/<kind>/<id>/reject/   {"comment": "..."}  reject it (comment required)

The same rule as the admin decides (services.review_refusal): 403 with the reason otherwise.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from commitments.api.filters import resolve_named
from commitments.models import Statement

from . import selectors, services


class StaffOnly(BasePermission):
    """Proposals are not public: staff accounts only."""

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated and request.user.is_staff)


class ChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    old = serializers.CharField()
    new = serializers.CharField()


class ProposalSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=list(selectors.KINDS))
    id = serializers.IntegerField()
    subject = serializers.CharField()
    proposer = serializers.CharField()
    recorded_at = serializers.DateTimeField()
    review_state = serializers.CharField()
    reviewer = serializers.CharField(allow_null=True)
    reviewed_at = serializers.DateTimeField(allow_null=True)
    review_comment = serializers.CharField()
    published_at = serializers.DateTimeField(allow_null=True)
    changes = ChangeSerializer(many=True, help_text="What publishing it would change: the value readers see now, and the proposed one.")
    may_review = serializers.BooleanField(help_text="Whether the requesting user may publish or reject it.")


class DecisionSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="", help_text="Required to reject.")


def proposal_data(*, kind: str, row, user) -> dict:
    return {
        "kind": kind, "id": row.pk, "subject": selectors.proposal_subject(row), "proposer": row.author.get_username(),
        "recorded_at": row.recorded_at, "review_state": row.review_state,
        "reviewer": row.reviewer.get_username() if row.reviewer_id else None, "reviewed_at": row.reviewed_at,
        "review_comment": row.review_comment, "published_at": row.published_at,
        "changes": [vars(change) for change in selectors.proposal_changes(row)],
        "may_review": services.may_review(user=user, row=row),
    }


class ProposalListView(APIView):
    permission_classes = [StaffOnly]
    QUEUE_LENGTH = 200

    @extend_schema(
        parameters=[
            OpenApiParameter("kind", str, enum=list(selectors.KINDS), description="Only this kind."),
            OpenApiParameter("statement", str, description="Only proposals about this statement (its id or slug)."),
            OpenApiParameter("proposer", int, description="Only this user's proposals (their id)."),
        ],
        responses=ProposalSerializer(many=True), description="Proposals waiting for review, oldest first (staff only).",
    )
    def get(self, request):
        kind = request.query_params.get("kind")
        if kind and kind not in selectors.KINDS:
            raise ValidationError({"kind": [f"“{kind}” is not a kind: one of {', '.join(selectors.KINDS)}."]})
        named = {"statement_id": ("statement", Statement, True), "author_id": ("proposer", get_user_model(), False)}
        filters = {name: resolve_named(model, [value], field=key, by_slug=by_slug)[0]
                   for name, (key, model, by_slug) in named.items() if (value := request.query_params.get(key, ""))}
        waiting = selectors.queue(kind=kind, limit=self.QUEUE_LENGTH, **filters)
        return Response(ProposalSerializer([proposal_data(kind=k, row=row, user=request.user) for k, row in waiting], many=True).data)


class DecisionView(APIView):
    permission_classes = [StaffOnly]
    decision = ""

    @extend_schema(request=DecisionSerializer, responses={200: ProposalSerializer, 403: None, 404: None, 409: None})
    def post(self, request, kind: str, pk: int):
        model = selectors.KINDS.get(kind)
        if model is None:
            raise NotFound(f"No kind {kind!r}: one of {', '.join(selectors.KINDS)}.")
        row = get_object_or_404(model.objects.select_related("author"), pk=pk)
        body = DecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        decide = services.proposal_approve if self.decision == "approve" else services.proposal_reject
        try:
            row = decide(row=row, reviewer=request.user, comment=body.validated_data["comment"])
        except DjangoPermissionDenied as refusal:
            raise PermissionDenied(str(refusal)) from refusal
        except DjangoValidationError as error:
            if hasattr(error, "error_dict"):
                raise ValidationError(error.message_dict) from error
            return Response({"detail": " ".join(error.messages)}, status=status.HTTP_409_CONFLICT)
        return Response(ProposalSerializer(proposal_data(kind=kind, row=row, user=request.user)).data)


class ApproveView(DecisionView):
    decision = "approve"

    @extend_schema(request=DecisionSerializer, responses={200: ProposalSerializer, 403: None, 404: None, 409: None},
                   description="Publish a proposal (a Reviewer who did not propose it).")
    def post(self, request, kind: str, pk: int):
        return super().post(request, kind, pk)


class RejectView(DecisionView):
    decision = "reject"

    @extend_schema(request=DecisionSerializer, responses={200: ProposalSerializer, 400: None, 403: None, 404: None, 409: None},
                   description="Reject a proposal with a comment; it stays in the history, visible to staff only.")
    def post(self, request, kind: str, pk: int):
        return super().post(request, kind, pk)
