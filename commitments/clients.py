"""Who sent a request: the client's address, as the reverse proxy we trust reports it.

Without TRACKER_TRUSTED_PROXIES it is REMOTE_ADDR, which is all a client cannot forge. Behind a
proxy REMOTE_ADDR is the proxy's, the same for every visitor; when it is one of the trusted
proxies, the client is the last address in X-Forwarded-For that is not itself a trusted proxy
(each proxy appends the address it received from, so anything left of that came from the client
and may be made up).
"""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address, networks: tuple[Network, ...]) -> bool:
    return address is not None and any(address.version == network.version and address in network for network in networks)


def client_address(request: HttpRequest) -> str:
    """The client's IP address: REMOTE_ADDR, or what a trusted proxy put in X-Forwarded-For."""
    remote = request.META.get("REMOTE_ADDR", "")
    networks = _networks(tuple(settings.TRACKER_TRUSTED_PROXIES))
    if not _trusted(_address(remote), networks):
        return remote
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:  # garbage where a proxy would have written an address: nothing left of it is trustworthy
            return remote
        if not _trusted(address, networks):
            return str(address)
    return str(_address(hops[0])) if hops else remote
