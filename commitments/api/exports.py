"""Exports for other tools: the Atom feed of status changes and schema.org ClaimReview JSON-LD."""

from django.conf import settings
from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.response import Response

from commitments import selectors
from commitments.api.filters import StatusChangeFilter
from commitments.api.renderers import AtomRenderer, JSONLDRenderer
from commitments.models import Claim, StatusUpdate, Verdict

FEED_LENGTH = 50

# The 1 (worst) .. 5 (best) scale shown to search engines. "Unverifiable" is not a point on
# it: it is published by name only (alternateName), with no ratingValue.
RATING_VALUES = {Verdict.FALSE: 1, Verdict.MISLEADING: 2, Verdict.MOSTLY_ACCURATE: 4, Verdict.ACCURATE: 5}


def _status_change_item(update: StatusUpdate) -> dict:
    commitment = update.commitment
    link = f"{settings.SITE_URL}/api/v1/commitments/{commitment.pk}/"
    return {
        "title": f"{commitment.statement.title} {commitment.number}: {update.get_status_display()}",
        "link": link,
        "unique_id": f"{settings.SITE_URL}/api/v1/commitments/{commitment.pk}/history/#{update.pk}",
        "description": f"{commitment.title}: {update.get_status_display()} since {update.effective_on.isoformat()}. {update.rationale}".strip(),
        "pubdate": update.published_at,
        "updateddate": update.published_at,
        "categories": [update.status],
    }


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
        return Response({
            "title": "Commitments: status changes",
            "link": f"{settings.SITE_URL}/api/v1/commitments/",
            "feed_url": request.build_absolute_uri(),
            "description": "Every published change of a commitment's status.",
            "items": [_status_change_item(update) for update in updates],
        })


def claim_review(*, claim: Claim) -> dict:
    """schema.org ClaimReview for a claim that has a verdict."""
    source, statement = claim.source, claim.statement
    speaker = {"@type": "Person", "name": statement.announced_by} if statement else {"@type": "Organization", "name": source.publisher}
    appearance = {"@type": "CreativeWork", "headline": source.title, "publisher": {"@type": "Organization", "name": source.publisher}}
    if source.url:
        appearance["url"] = source.url
    if source.published_on:
        appearance["datePublished"] = source.published_on.isoformat()
    rating = {"@type": "Rating", "bestRating": 5, "worstRating": 1, "alternateName": Verdict(claim.verdict).label}
    if claim.verdict in RATING_VALUES:
        rating["ratingValue"] = RATING_VALUES[claim.verdict]
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": f"{settings.SITE_URL}/api/v1/claims/{claim.pk}/",
        "claimReviewed": claim.quote,
        "datePublished": (claim.verdict_at or claim.updated_at).date().isoformat(),
        "author": {"@type": "Organization", "name": settings.TRACKER_API_ORGANISATION, "url": settings.SITE_URL},
        "reviewRating": rating,
        "reviewBody": claim.verdict_rationale,
        "itemReviewed": {"@type": "Claim", "author": speaker, "appearance": appearance, **(
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
