"""The domain models, one module per subject."""

from .archive import Capture  # archived copies (commitments.archive)
from .checks import Event, Health, MonitoredUrl, Outcome, QuoteMatch, UrlCheck, UrlSnapshot  # source checks
from .digests import DeadlineAlert, DigestDelivery, Subscriber  # weekly digests, deadline alerts
from .domain import (
    AppendOnlyError,
    Claim,
    Commitment,
    CountKind,
    Evidence,
    EvidenceRevision,
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
from .intake import IntakeJob  # URL intake off the request
from .proposals import ChangeKind, ChangeProposal, ReviewerNotice  # proposed changes of public content
from .relations import LINK_INVERSE_LABELS, CommitmentLink, LinkKind, Membership, Rendering, StatementLink
from .watch import DocumentKey, DocumentState, InboxItem, InboxMailOptIn, InboxState, Watch, WatchedDocument, WatchKind  # watched listings

__all__ = [
    "Capture",
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
    "DeadlineAlert",
    "DigestDelivery",
    "IntakeJob",
    "Evidence",
    "EvidenceRevision",
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
    "DocumentKey", "DocumentState", "InboxItem", "InboxMailOptIn", "InboxState", "Watch", "WatchedDocument", "WatchKind",  # watched listings
]
