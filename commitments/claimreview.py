"""schema.org ClaimReview for a claim with a verdict: one builder for the API export and the claim's page."""

from django.conf import settings
from django.http import HttpRequest

from commitments import permalinks
from commitments.models import Claim, Verdict

# The 1 (worst) .. 5 (best) scale shown to search engines, every verdict on it (Google's fact
# check markup wants a ratingValue). "Unverifiable" is the middle, 3: the evidence tips neither
# way; alternateName always names the verdict itself.
RATING_VALUES = {Verdict.FALSE: 1, Verdict.MISLEADING: 2, Verdict.UNVERIFIABLE: 3, Verdict.MOSTLY_ACCURATE: 4, Verdict.ACCURATE: 5}


def claim_review(*, claim: Claim, request: HttpRequest | None = None) -> dict:
    """ClaimReview JSON-LD; `url` is the claim's public page. Needs `source` and `statement` loaded."""
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
        "url": permalinks.absolute(claim.get_absolute_url(), request=request),
        "claimReviewed": claim.quote,
        "datePublished": (claim.verdict_at or claim.updated_at).date().isoformat(),
        "author": {"@type": "Organization", "name": settings.TRACKER_API_ORGANISATION, "url": permalinks.absolute("/", request=request)},
        "reviewRating": rating,
        "reviewBody": claim.verdict_rationale,
        # The claim was first made in its source: that document is both where it appears and where it first appeared.
        "itemReviewed": {"@type": "Claim", "author": speaker, "appearance": appearance, "firstAppearance": appearance, **(
            {"datePublished": source.published_on.isoformat()} if source.published_on else {}
        )},
    }
