"""Exports for other tools: the Atom feed of status changes and schema.org ClaimReview JSON-LD."""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.response import Response

from commitments import selectors
from commitments.api.filters import FilterBackend, StatusChangeFilter
from commitments.api.pagination import FeedCursorPagination
from commitments.api.renderers import AtomRenderer, JSONLDRenderer
from commitments.claimreview import claim_review
from commitments.feeds import status_change_feed
from commitments.models import Claim, StatusUpdate, Verdict


class StatusChangeFeed(generics.GenericAPIView):
    """The status changes as an Atom feed, newest first, in pages linked as RFC 5005 paged feeds."""

    queryset = StatusUpdate.objects.none()  # for the schema; get() reads selectors.status_changes()
    filter_backends = [FilterBackend]
    filterset_class = StatusChangeFilter
    pagination_class = FeedCursorPagination
    renderer_classes = [AtomRenderer]

    @extend_schema(
        filters=True, responses={(200, "application/atom+xml"): OpenApiResponse(OpenApiTypes.STR, description="An Atom 1.0 feed.")},
        description=f"The most recently published status changes, {FeedCursorPagination.page_size} a page, newest first. Older pages "
        'follow the feed\'s `<link rel="next">` (RFC 5005 paged feed); `rel="first"` leads back to the newest.',
    )
    def get(self, request):
        updates = self.paginate_queryset(self.filter_queryset(selectors.status_changes().prefetch_related(None)))  # no evidence shown
        feed = status_change_feed(updates=updates, feed_url=request.build_absolute_uri(), request=request)
        return Response({
            **feed,
            "first": _without_cursor(request),
            "next": self.paginator.get_next_link(),
            "previous": self.paginator.get_previous_link(),
        })


def _without_cursor(request) -> str:
    query = request.query_params.copy()
    query.pop(FeedCursorPagination.cursor_query_param, None)
    path = request.build_absolute_uri(request.path)
    return f"{path}?{query.urlencode()}" if query else path


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
