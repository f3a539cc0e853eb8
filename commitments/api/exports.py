"""Exports for other tools: the Atom feed of status changes and schema.org ClaimReview JSON-LD."""

from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.response import Response

from commitments import selectors
from commitments.api.filters import StatusChangeFilter
from commitments.api.renderers import AtomRenderer, JSONLDRenderer
from commitments.claimreview import claim_review
from commitments.feeds import status_change_feed
from commitments.models import Claim, StatusUpdate, Verdict

FEED_LENGTH = 50

class StatusChangeFeed(generics.GenericAPIView):
    """The newest status changes as an Atom feed; the same filters narrow it."""

    queryset = StatusUpdate.objects.none()  # for the schema; get() reads selectors.status_changes()
    filter_backends = [DjangoFilterBackend]
    filterset_class = StatusChangeFilter
    pagination_class = None
    renderer_classes = [AtomRenderer]

    @extend_schema(
        filters=True, responses={(200, "application/atom+xml"): OpenApiResponse(OpenApiTypes.STR, description="An Atom 1.0 feed.")},
        description=f"The {FEED_LENGTH} most recently published status changes, newest first.",
    )
    def get(self, request):
        updates = self.filter_queryset(selectors.status_changes())[:FEED_LENGTH]
        return Response(status_change_feed(updates=updates, feed_url=request.build_absolute_uri(), request=request))


class ClaimReviewView(generics.GenericAPIView):
    queryset = Claim.objects.exclude(verdict=Verdict.NOT_CHECKED).select_related("source", "statement")
    renderer_classes = [JSONLDRenderer]
    pagination_class = None

    @extend_schema(
        responses={(200, "application/ld+json"): OpenApiResponse(OpenApiTypes.OBJECT, description="schema.org ClaimReview"), 404: None},
        description="schema.org ClaimReview JSON-LD for a claim with a verdict (404 while it is not checked).",
    )
    def get(self, request, pk: int):
        return Response(claim_review(claim=get_object_or_404(self.get_queryset(), pk=pk), request=request))
