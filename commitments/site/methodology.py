"""What the methodology page says about each status, verdict and score: one place, read by the page and its tests."""

from email.utils import parseaddr

from django.conf import settings

from commitments.models import Score, Status, Verdict
from commitments.models.domain import STATUSES_NEEDING_EVIDENCE

STATUS_WHEN = {
    Status.NOT_YET_RATED: "Nobody has assessed the point yet. Every point starts here.",
    Status.NOT_STARTED: "It was assessed, and no action towards it is visible yet.",
    Status.IN_PROGRESS: "Concrete steps towards it are under way: a body set up, talks opened, money allotted.",
    Status.PARTIALLY_FULFILLED: "Part of it was delivered, or a reduced version of what was announced.",
    Status.FULFILLED: "It was delivered as announced.",
    Status.STALLED: "Work began and then stopped, or is blocked.",
    Status.BROKEN: "It was abandoned, contradicted by action, or its deadline passed unmet.",
    Status.NOT_ASSESSABLE: "It is too vague, or what happens is too opaque, ever to check.",
}

VERDICT_WHEN = {
    Verdict.NOT_CHECKED: "Nobody has checked the claim yet.",
    Verdict.ACCURATE: "The figures and facts stand as stated.",
    Verdict.MOSTLY_ACCURATE: "It stands, with a detail wrong or missing that does not change its meaning.",
    Verdict.MISLEADING: "Literally defensible, but it leaves a wrong impression.",
    Verdict.FALSE: "The available evidence contradicts it.",
    Verdict.UNVERIFIABLE: "No public source can confirm or refute it.",
}

SCORE_WHEN = {
    Score.FULL: "The party did what the point commits it to.",
    Score.PARTIAL: "The party did part of it, or its work is still in progress.",
    Score.NO_COMPLIANCE: "The party did not act on it, or acted against it.",
}


def statuses() -> list[dict]:
    return [{"value": s.value, "label": s.label, "when": STATUS_WHEN[s], "needs_evidence": s in STATUSES_NEEDING_EVIDENCE} for s in Status]


def verdicts() -> list[dict]:
    return [{"value": v.value, "label": v.label, "when": VERDICT_WHEN[v]} for v in Verdict]


def scores() -> list[dict]:
    return [{"value": s.value, "label": s.label, "when": SCORE_WHEN[s]} for s in sorted(Score, reverse=True)]


def corrections_address() -> str:
    """Where readers report an error: TRACKER_CORRECTIONS_EMAIL, else the address the tracker's e-mails come from."""
    return settings.TRACKER_CORRECTIONS_EMAIL or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
