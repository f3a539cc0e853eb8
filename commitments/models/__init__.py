"""The domain models, one module per subject."""

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
    "Evidence",
    "Party",
    "PartyAssessment",
    "Score",
    "Source",
    "Stance",
    "Statement",
    "Status",
    "StatusUpdate",
    "Theme",
    "Verdict",
    "VerdictUpdate",
]
