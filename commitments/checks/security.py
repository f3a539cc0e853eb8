"""Which URLs and addresses the fetcher may reach.

A page we link to must never make us fetch an internal address (SSRF): the URL is
checked before each hop, and the address actually connected to is checked again at
connect time (see fetch.GuardedBackend), so DNS rebinding gains nothing.
"""

import ipaddress
import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from .special_addresses import not_public_reason

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# NAT64's well-known prefix embeds an IPv4 address in its last 32 bits.
NAT64 = ipaddress.ip_network("64:ff9b::/96")
# A label that inet_aton would read as a number: decimal, octal (leading 0) or 0x-hex.
_NUMERIC_LABEL = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$", re.IGNORECASE)
_DOTTED_QUAD = re.compile(r"^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$")


class Refused(Exception):
    """The URL or address may not be fetched. Its message says why."""


def networks_parse(values: Iterable[str]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(value, strict=False) for value in values)


def _embedded(ip: IPAddress) -> list[IPAddress]:
    """The IPv4 addresses hidden inside an IPv6 one (mapped, 6to4, Teredo, NAT64, compatible)."""
    if ip.version == 4:
        return []
    found = [a for a in (ip.ipv4_mapped, ip.sixtofour) if a is not None]
    if ip.teredo:
        found.extend(ip.teredo)
    if ip in NAT64:  # 64:ff9b::/96 only; 64:ff9b:1::/48 is local-use and refused as a block
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    if int(ip) >> 32 == 0 and int(ip) > 1:  # deprecated IPv4-compatible ::a.b.c.d
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return found


def address_refusal(ip: IPAddress | str, *, allowed: Iterable = ()) -> str:
    """Why connecting to `ip` is refused ("" when it is allowed)."""
    ip = ipaddress.ip_address(ip)
    if ip.version == 6 and ip.ipv4_mapped is not None:  # ::ffff:a.b.c.d is a.b.c.d on a dual-stack socket
        reason = address_refusal(ip.ipv4_mapped, allowed=allowed)
        return f"{ip} maps to {reason}" if reason else ""
    if any(ip in network for network in allowed):
        return ""
    reason = not_public_reason(ip)
    if reason:
        return f"{ip} is not a public address ({reason})"
    for inner in _embedded(ip):
        if any(inner in network for network in allowed):
            continue
        reason = not_public_reason(inner)
        if reason:
            return f"{ip} embeds {inner}, which is not a public address ({reason})"
    return ""


def _host_literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def url_refusal(url: str, *, allowed: Iterable = ()) -> str:
    """Why the URL itself is refused, before any DNS lookup ("" when it may be fetched)."""
    if "\\" in url:
        return "backslashes in a URL are read differently by different parsers"
    if any(ord(c) < 33 for c in url):
        return "control characters or spaces in the URL"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError as error:
        return f"not a valid URL: {error}"
    if parts.scheme.lower() not in ("http", "https"):
        return f"only http and https are fetched, not {parts.scheme or 'a relative URL'!r}"
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        return "URLs with credentials are not fetched"
    host = (parts.hostname or "").rstrip(".")
    if not host:
        return "the URL has no host"
    literal = _host_literal(host)
    if literal is not None:
        return address_refusal(literal, allowed=allowed)
    if all(_NUMERIC_LABEL.match(label) for label in host.split(".")) and not _DOTTED_QUAD.match(host):
        # 127.1, 2130706433, 0x7f000001, 0177.0.0.1: resolvers read these as addresses.
        return f"{host!r} is an unusual spelling of an IP address"
    if host.lower() == "localhost" or host.lower().endswith(".localhost"):
        return address_refusal("127.0.0.1", allowed=allowed)
    return ""


def addresses_check(host: str, addresses: Iterable[str], *, allowed: Iterable = ()) -> None:
    """Refuse every address of `host` if any one of them is not allowed.

    Refusing the whole name (not just the bad address) stops a name that mixes a
    public and an internal address from being used to reach the internal one.
    """
    for address in addresses:
        reason = address_refusal(address, allowed=allowed)
        if reason:
            raise Refused(f"{host} resolves to {reason}")
