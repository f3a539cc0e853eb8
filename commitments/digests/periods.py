"""ISO weeks in the digest time zone, and when the weekly digest is due."""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_KEY = re.compile(r"^(\d{4})-W(\d{2})$", re.IGNORECASE | re.ASCII)
# Weeks whose bounds, moved into any time zone, stay inside what `date` and `datetime` can hold.
YEARS = (2, 9998)


def digest_timezone() -> ZoneInfo:
    return ZoneInfo(settings.TRACKER_DIGEST_TIMEZONE)


@dataclass(frozen=True)
class Period:
    """One ISO week, Monday 00:00 to the next Monday 00:00 in the digest time zone."""

    year: int
    week: int

    @property
    def key(self) -> str:
        return f"{self.year}-W{self.week:02d}"

    @property
    def first_day(self) -> date:
        return date.fromisocalendar(self.year, self.week, 1)

    @property
    def last_day(self) -> date:
        return self.first_day + timedelta(days=6)

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first_day, time(), tzinfo=digest_timezone())

    @property
    def end(self) -> datetime:
        return datetime.combine(self.first_day + timedelta(days=7), time(), tzinfo=digest_timezone())

    def __str__(self) -> str:
        return self.key

    def published_in(self, path: str = "") -> Q:
        """The rows published in this week: the one rule for "the week of a change".

        A change counts in the week it was published (a proposal is not news until a reviewer
        publishes it), whenever it was recorded or took effect. The digests, the /changes/
        filter and feed, and the API's `week` filter on status changes all ask this.
        """
        return Q(**{f"{path}published_at__gte": self.start, f"{path}published_at__lt": self.end})


def period_parse(key: str) -> Period:
    """ "2024-W05" (or "2024-w05") -> Period; ValueError with a clear message otherwise.

    The one parser of ISO weeks: digests, the digest preview, the command and the
    /changes/ filter and feed all read a week through it.
    """
    match = _KEY.match(key.strip())
    if not match:
        raise ValueError(f"“{key}” is not an ISO week: write it as YYYY-Www, e.g. 2024-W05.")
    year, week = int(match[1]), int(match[2])
    if not YEARS[0] <= year <= YEARS[1]:
        raise ValueError(f"Weeks of the years {YEARS[0]} to {YEARS[1]} only, not {year}.")
    try:
        date.fromisocalendar(year, week, 1)
    except ValueError as error:
        raise ValueError(f"{year} has no ISO week {week}.") from error
    return Period(year, week)


def period_containing(*, moment: datetime) -> Period:
    year, week, _ = moment.astimezone(digest_timezone()).isocalendar()
    return Period(year, week)


def period_before(*, now: datetime) -> Period:
    """The ISO week before the one containing `now`: what a digest sent at `now` covers."""
    return period_containing(moment=now.astimezone(digest_timezone()) - timedelta(days=7))


def digest_is_due(*, now: datetime) -> bool:
    """True during the configured hour of the configured day, local time.

    Beat ticks every hour, so exactly one tick falls in that local hour, whatever
    the time zone's offset (even half-hour ones) and across DST changes.
    """
    local = now.astimezone(digest_timezone())
    return DAYS[local.weekday()] == settings.TRACKER_DIGEST_DAY and local.hour == settings.TRACKER_DIGEST_HOUR
