"""Limits on the public subscribe endpoints, so they cannot be used to flood an inbox.

Counters live in the cache (Redis in production, shared by every web worker); fixed
windows are enough here: the point is a ceiling, not a smooth rate.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache

from .addresses import mailbox_key

HOUR, DAY = 3600, 86400


def _over(key: str, *, limit: int, window: int) -> bool:
    """Count one more request under `key`; True when that makes more than `limit` in the window."""
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # the window expired between add() and incr()
        cache.set(key, 1, timeout=window)
        count = 1
    return count > limit


def subscribe_refusal(*, client_ip: str, email: str) -> str:
    """Why this subscribe request is refused now ("" when it may go ahead).

    `client_ip` is commitments.clients.client_address (the proxy's word when it is trusted); the address
    is counted as its mailbox, so the spellings of one inbox share one limit.
    """
    address = hashlib.sha256(mailbox_key(email).encode()).hexdigest()
    if _over(f"subscribe:ip:{client_ip}", limit=settings.TRACKER_SUBSCRIBE_PER_IP_PER_HOUR, window=HOUR):
        return "Too many subscription requests from your network. Please try again in an hour."
    if _over(f"subscribe:email:{address}", limit=settings.TRACKER_SUBSCRIBE_PER_ADDRESS_PER_DAY, window=DAY):
        return "A confirmation e-mail was sent to this address several times today. Please check your inbox, or try tomorrow."
    return ""
