"""The domain models, one module per subject."""

from .checks import Event, Health, MonitoredUrl, Outcome, QuoteMatch, UrlCheck, UrlSnapshot  # source checks
from .digests import DigestDelivery, Subscriber  # weekly digests
from .domain import (
    AppendOnlyError,
    Claim,
    Commitment,
    Evidence,
    Party,
    PartyAssessment,
    ReviewState,
    Score,
    Source,
    Stance,
    Statement,
    Status,
    StatusInterval,
    StatusUpdate,
    Theme,
    Verdict,
    VerdictUpdate,
)

__all__ = [
    "Event", "Health", "MonitoredUrl", "Outcome", "QuoteMatch", "UrlCheck", "UrlSnapshot",  # source checks
    "AppendOnlyError",
    "Claim",
    "Commitment",
    "DigestDelivery",
    "Evidence",
    "Party",
    "PartyAssessment",
    "ReviewState",
    "Score",
    "Source",
    "Stance",
    "Statement",
    "Status",
    "StatusInterval",
    "StatusUpdate",
    "Subscriber",
    "Theme",
    "Verdict",
    "VerdictUpdate",
]
