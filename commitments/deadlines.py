"""Deadlines: when a commitment counts as overdue. The one owner of that rule.

A commitment is *overdue* from the day after its target date while its status is still open,
that is neither fulfilled, broken nor not assessable (a verdict was reached, or never will be).
The API filter, the public pages, the weekly digest and the staff e-mail all call this module.
"""

from datetime import date, timedelta

from django.db.models import Q

from commitments.models import Status

# A commitment in one of these has its answer: its target date can no longer be missed.
CLOSED_STATUSES = frozenset({Status.FULFILLED, Status.BROKEN, Status.NOT_ASSESSABLE})


def is_open(status: str) -> bool:
    return status not in CLOSED_STATUSES


def overdue_since(*, status: str, target_date: date | None, today: date) -> date | None:
    """The first day the commitment was overdue, or None when it is not overdue on `today`."""
    if target_date is None or not is_open(status) or target_date >= today:
        return None
    return target_date + timedelta(days=1)


def is_overdue(*, status: str, target_date: date | None, today: date) -> bool:
    return overdue_since(status=status, target_date=target_date, today=today) is not None


def overdue_q(*, today: date, prefix: str = "") -> Q:
    """The same rule as a filter on commitments (`prefix` e.g. "commitment__" from a related model)."""
    return Q(**{f"{prefix}target_date__lt": today}) & ~Q(**{f"{prefix}status__in": list(CLOSED_STATUSES)})
