"""The domain models, one module per subject."""

from .digests import DigestDelivery, Subscriber  # weekly digests
from .domain import (
    Claim,
    Commitment,
    Evidence,
    Party,
    PartyAssessment,
    Score,
    Source,
    Stance,
    Statement,
    Status,
    StatusUpdate,
    Theme,
    Verdict,
    VerdictUpdate,
)

__all__ = [
    "Claim",
    "Commitment",
    "DigestDelivery",
    "Evidence",
    "Party",
    "PartyAssessment",
    "Score",
    "Source",
    "Stance",
    "Statement",
    "Status",
    "StatusUpdate",
    "Subscriber",
    "Theme",
    "Verdict",
    "VerdictUpdate",
]
