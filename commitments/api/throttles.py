"""Throttles whose rates are read from settings at request time (so tests and operators can change them)."""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class AnonThrottle(AnonRateThrottle):
    def get_rate(self) -> str | None:
        return settings.TRACKER_API_THROTTLE_ANON or None


class UserThrottle(UserRateThrottle):
    def get_rate(self) -> str | None:
        return settings.TRACKER_API_THROTTLE_USER or None
