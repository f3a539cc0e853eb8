"""The IANA special-purpose address registries, as a table in the code.

The fetcher refuses every address in these blocks, so the rule is the same on every Python
version (the `ipaddress` module's is_private/is_global tables changed between 3.11 and 3.13:
192.0.0.192, a cloud metadata address, counted as global on some). Copied from
https://www.iana.org/assignments/iana-ipv4-special-registry/ and
https://www.iana.org/assignments/iana-ipv6-special-registry/ (as of 2025), plus the two
multicast ranges and, for IPv6, everything outside global unicast 2000::/3.

Four IPv6 blocks carry an IPv4 address inside (IPv4-mapped, NAT64, 6to4, Teredo): they are not refused
as such; the IPv4 address they embed decides (commitments.checks.security).
"""

import ipaddress
from dataclasses import dataclass

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class Block:
    network: Network
    name: str
    embeds_ipv4: bool = False  # the embedded IPv4 address decides, not the block


def _blocks(rows: list[tuple[str, str]], embeds: frozenset[str] = frozenset()) -> tuple[Block, ...]:
    return tuple(Block(ipaddress.ip_network(cidr), name, cidr in embeds) for cidr, name in rows)


IPV4_SPECIAL = _blocks([
    ("0.0.0.0/8", "this network"),
    ("0.0.0.0/32", "this host on this network"),
    ("10.0.0.0/8", "private-use"),
    ("100.64.0.0/10", "shared address space"),
    ("127.0.0.0/8", "loopback"),
    ("169.254.0.0/16", "link local"),
    ("172.16.0.0/12", "private-use"),
    ("192.0.0.0/24", "IETF protocol assignments"),
    ("192.0.0.0/29", "IPv4 service continuity prefix"),
    ("192.0.0.8/32", "IPv4 dummy address"),
    ("192.0.0.9/32", "port control protocol anycast"),
    ("192.0.0.10/32", "TURN anycast"),
    ("192.0.0.170/32", "NAT64/DNS64 discovery"),
    ("192.0.0.171/32", "NAT64/DNS64 discovery"),
    ("192.0.2.0/24", "documentation (TEST-NET-1)"),
    ("192.31.196.0/24", "AS112-v4"),
    ("192.52.193.0/24", "AMT"),
    ("192.88.99.0/24", "deprecated 6to4 relay anycast"),
    ("192.168.0.0/16", "private-use"),
    ("192.175.48.0/24", "direct delegation AS112 service"),
    ("198.18.0.0/15", "benchmarking"),
    ("198.51.100.0/24", "documentation (TEST-NET-2)"),
    ("203.0.113.0/24", "documentation (TEST-NET-3)"),
    ("240.0.0.0/4", "reserved"),
    ("255.255.255.255/32", "limited broadcast"),
])

IPV6_SPECIAL = _blocks([
    ("::1/128", "loopback"),
    ("::/128", "unspecified"),
    ("::ffff:0:0/96", "IPv4-mapped"),
    ("64:ff9b::/96", "IPv4-IPv6 translation"),
    ("64:ff9b:1::/48", "local-use IPv4-IPv6 translation"),
    ("100::/64", "discard-only"),
    ("100:0:0:1::/64", "dummy IPv6 prefix"),
    ("2001::/23", "IETF protocol assignments"),
    ("2001::/32", "Teredo"),
    ("2001:1::1/128", "port control protocol anycast"),
    ("2001:1::2/128", "TURN anycast"),
    ("2001:1::3/128", "DNS-SD service registration protocol anycast"),
    ("2001:2::/48", "benchmarking"),
    ("2001:3::/32", "AMT"),
    ("2001:4:112::/48", "AS112-v6"),
    ("2001:10::/28", "deprecated ORCHID"),
    ("2001:20::/28", "ORCHIDv2"),
    ("2001:30::/28", "drone remote ID entity tags"),
    ("2001:db8::/32", "documentation"),
    ("2002::/16", "6to4"),
    ("2620:4f:8000::/48", "direct delegation AS112 service"),
    ("3fff::/20", "documentation"),
    ("5f00::/16", "segment routing (SRv6) SIDs"),
    ("fc00::/7", "unique-local"),
    ("fe80::/10", "link-local unicast"),
], embeds=frozenset({"::ffff:0:0/96", "64:ff9b::/96", "2001::/32", "2002::/16"}))

MULTICAST = (ipaddress.ip_network("224.0.0.0/4"), ipaddress.ip_network("ff00::/8"))
IPV6_GLOBAL_UNICAST = ipaddress.ip_network("2000::/3")


def special_block(ip: Address) -> Block | None:
    """The most specific special-purpose block holding `ip`, or None."""
    table = IPV4_SPECIAL if ip.version == 4 else IPV6_SPECIAL
    found = [block for block in table if ip in block.network]
    return max(found, key=lambda block: block.network.prefixlen) if found else None


def not_public_reason(ip: Address) -> str:
    """Why `ip` is not a public unicast address by the tables above ("" when it is; "" too for the
    NAT64, 6to4 and Teredo blocks, whose embedded IPv4 address the caller checks)."""
    if any(ip in network for network in MULTICAST if network.version == ip.version):
        return "multicast"
    block = special_block(ip)
    if block is not None:
        return "" if block.embeds_ipv4 else block.name
    if ip.version == 6 and ip not in IPV6_GLOBAL_UNICAST:
        return "outside global unicast 2000::/3"
    return ""
