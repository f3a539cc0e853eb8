"""Exports for other tools: the Atom feed of status changes and schema.org ClaimReview JSON-LD."""

from django.conf import settings
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.response import Response

from commitments import selectors
from commitments.api.filters import FilterBackend, StatusChangeFilter
from commitments.api.pagination import FeedCursorPagination
from commitments.api.renderers import AtomRenderer, JSONLDRenderer
from commitments.api.serializers import api_url
from commitments.models import Claim, StatusUpdate, Verdict

# The 1 (worst) .. 5 (best) scale shown to search engines, every verdict on it (Google's fact
# check markup wants a ratingValue). "Unverifiable" is the middle, 3: the evidence tips neither
# way; alternateName always names the verdict itself.
RATING_VALUES = {Verdict.FALSE: 1, Verdict.MISLEADING: 2, Verdict.UNVERIFIABLE: 3, Verdict.MOSTLY_ACCURATE: 4, Verdict.ACCURATE: 5}


def _status_change_item(update: StatusUpdate) -> dict:
    commitment = update.commitment
    return {
        "title": f"{commitment.statement.title} {commitment.number}: {update.get_status_display()}",
        "link": api_url("commitment", commitment.pk),
        "unique_id": api_url("status-change", update.pk),
        "description": f"{commitment.title}: {update.get_status_display()} since {update.effective_on.isoformat()}. {update.rationale}".strip(),
        "pubdate": update.published_at,
        "updateddate": update.published_at,
        "categories": [update.status],
    }


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
        return Response({
            "title": "Commitments: status changes",
            "link": f"{settings.SITE_URL}/api/v1/commitments/",
            "feed_url": request.build_absolute_uri(),
            "description": "Every published change of a commitment's status.",
            "first": _without_cursor(request),
            "next": self.paginator.get_next_link(),
            "previous": self.paginator.get_previous_link(),
            "items": [_status_change_item(update) for update in updates],
        })


def _without_cursor(request) -> str:
    query = request.query_params.copy()
    query.pop(FeedCursorPagination.cursor_query_param, None)
    path = request.build_absolute_uri(request.path)
    return f"{path}?{query.urlencode()}" if query else path


def claim_review(*, claim: Claim) -> dict:
    """schema.org ClaimReview for a claim that has a verdict."""
    source, statement = claim.source, claim.statement
    speaker = {"@type": "Person", "name": statement.announced_by} if statement else {"@type": "Organization", "name": source.publisher}
    appearance = {"@type": "CreativeWork", "headline": source.title, "publisher": {"@type": "Organization", "name": source.publisher}}
    if source.url:
        appearance["url"] = source.url
    if source.published_on:
        appearance["datePublished"] = source.published_on.isoformat()
    rating = {
        "@type": "Rating", "ratingValue": RATING_VALUES[claim.verdict], "bestRating": 5, "worstRating": 1,
        "alternateName": Verdict(claim.verdict).label,
    }
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": f"{settings.SITE_URL}/api/v1/claims/{claim.pk}/",
        "claimReviewed": claim.quote,
        "datePublished": (claim.verdict_at or claim.updated_at).date().isoformat(),
        "author": {"@type": "Organization", "name": settings.TRACKER_API_ORGANISATION, "url": settings.SITE_URL},
        "reviewRating": rating,
        "reviewBody": claim.verdict_rationale,
        # The claim was first made in its source: that document is both where it appears and where it first appeared.
        "itemReviewed": {"@type": "Claim", "author": speaker, "appearance": appearance, "firstAppearance": appearance, **(
            {"datePublished": source.published_on.isoformat()} if source.published_on else {}
        )},
    }


class ClaimReviewView(generics.GenericAPIView):
    queryset = Claim.objects.exclude(verdict=Verdict.NOT_CHECKED).select_related("source", "statement")
    renderer_classes = [JSONLDRenderer]
    pagination_class = None

    @extend_schema(
        responses={(200, "application/ld+json"): OpenApiResponse(OpenApiTypes.OBJECT, description="schema.org ClaimReview"), 404: None},
        description="schema.org ClaimReview JSON-LD for a claim with a verdict (404 while it is not checked).",
    )
    def get(self, request, pk: int):
        return Response(claim_review(claim=get_object_or_404(self.get_queryset(), pk=pk)))
