"""The domain models, one module per subject."""

from .checks import Event, Health, MonitoredUrl, Outcome, QuoteMatch, UrlCheck, UrlSnapshot  # source checks
from .digests import DigestDelivery, Subscriber  # weekly digests
from .domain import (
    AppendOnlyError,
    Claim,
    Commitment,
    CountKind,
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
from .proposals import ChangeKind, ChangeProposal, ReviewerNotice  # proposed changes of public content
from .relations import LINK_INVERSE_LABELS, CommitmentLink, LinkKind, Membership, Rendering, StatementLink

__all__ = [
    "Event", "Health", "MonitoredUrl", "Outcome", "QuoteMatch", "UrlCheck", "UrlSnapshot",  # source checks
    "AppendOnlyError",
    "ChangeKind",
    "ChangeProposal",
    "ReviewerNotice",
    "Claim",
    "Commitment",
    "CommitmentLink",
    "CountKind",
    "LINK_INVERSE_LABELS",
    "LinkKind",
    "Membership",
    "Rendering",
    "StatementLink",
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
