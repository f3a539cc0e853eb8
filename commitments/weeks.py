"""ISO weeks typed by people ("2024-W05"): the one parser every form, page, feed and command uses.

A week is accepted only when it, the day before it and the day after it are dates Python can hold,
so that any time-zone offset and the usual "Monday + 7 days" arithmetic stay in range.
"""

import re
from datetime import date, timedelta

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$", re.IGNORECASE)
WEEK_FORMAT = "YYYY-Www, e.g. 2024-W05"


def iso_week_monday(text: str) -> date:
    """ "2024-W05" -> the Monday starting that ISO week; ValueError with a clear message otherwise."""
    match = _WEEK.match(text.strip())
    if not match:
        raise ValueError(f"“{text}” is not an ISO week: write it as {WEEK_FORMAT}.")
    year, week = int(match[1]), int(match[2])
    try:
        monday = date.fromisocalendar(year, week, 1)
    except ValueError as error:
        raise ValueError(f"{year} has no ISO week {week}.") from error
    try:
        monday - timedelta(days=1), monday + timedelta(days=8)
    except OverflowError as error:
        raise ValueError(f"{year:04d}-W{week:02d} is outside the dates this site can show.") from error
    return monday
