"""Words for link health and deadlines on the public pages."""

from datetime import date

from django import template

from commitments import deadlines
from commitments.models import Status

register = template.Library()

HEALTH_WORDS = {
    "ok": "Live", "redirected": "Live (redirected)", "moved": "Moved", "blocked": "Blocked (not dead)", "failing": "Failing",
    "gone": "Gone", "refused": "Not checkable", "unchecked": "Not checked yet",
}


@register.filter
def health_word(value: str) -> str:
    return HEALTH_WORDS.get(value, value)


@register.simple_tag
def overdue_since(commitment, today: date) -> date | None:
    """The day `commitment` became overdue, or None: the rule is commitments.deadlines'."""
    return deadlines.overdue_since(status=commitment.status, target_date=commitment.target_date, today=today)


@register.filter
def status_label(value: str) -> str:
    """A status slug in words ("in_progress" -> "In progress"), e.g. a change's previous_status."""
    return Status(value).label if value in Status.values else value
