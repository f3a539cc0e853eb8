"""The SSRF guard refuses every internal address, however it is spelled."""

import ipaddress
import re

import pytest

from commitments.checks.security import Refused, address_refusal, addresses_check, networks_parse, url_refusal

REFUSED = [
    "file:///etc/passwd", "ftp://example.org/x", "gopher://example.org/", "javascript:alert(1)", "//example.org/x",
    "http://user:secret@example.org/", "http://user@example.org/", "http://example.org\\@evil.example/", "http://exa mple.org/",
    "http://127.0.0.1/", "http://127.0.0.1:8000/", "http://localhost/", "http://api.localhost/",
    "http://127.1/", "http://2130706433/", "http://0x7f000001/", "http://0177.0.0.1/", "http://0x7f.0.0.1/", "http://017700000001/",
    "http://10.0.0.1/", "http://172.16.5.4/", "http://192.168.1.1/", "http://169.254.169.254/latest/meta-data/",
    "http://100.64.0.1/", "http://224.0.0.1/", "http://240.0.0.1/", "http://255.255.255.255/", "http://0.0.0.0/", "http://198.18.0.1/",
    "http://[::1]/", "http://[::]/", "http://[fe80::1]/", "http://[fc00::1]/", "http://[ff02::1]/",
    "http://[::ffff:127.0.0.1]/", "http://[::ffff:169.254.169.254]/", "http://[::ffff:10.0.0.1]/",
    "http://[2002:7f00:1::]/", "http://[2002:a9fe:a9fe::1]/",  # 6to4 of 127.0.0.1 and 169.254.169.254
    "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/",  # Teredo, client 127.0.0.1
    "http://[64:ff9b::7f00:1]/", "http://[::127.0.0.1]/",  # NAT64 and IPv4-compatible forms
]
ALLOWED = [
    "https://example.org/a?b=c", "http://93.184.216.34/", "http://[2606:4700:4700::1111]/", "https://www.gov.cn/x.pdf",
    # Names made only of hex letters are names, not numbers: resolvers do not read them as addresses.
    "https://cafe.de/", "http://add.be/", "https://deadbeef.cafe/",
]


@pytest.mark.parametrize("url", REFUSED)
def test_it_refuses(url):
    assert url_refusal(url) != ""


@pytest.mark.parametrize("url", ALLOWED)
def test_it_allows_public_urls(url):
    assert url_refusal(url) == ""


def test_it_allows_loopback_only_when_the_setting_lists_it():
    loopback = networks_parse(["127.0.0.0/8"])
    assert url_refusal("http://127.0.0.1:8000/", allowed=loopback) == ""
    assert address_refusal("::ffff:127.0.0.1", allowed=loopback) == ""
    assert url_refusal("http://10.0.0.1/", allowed=loopback) != ""
    assert "169.254.169.254" in url_refusal("http://169.254.169.254/", allowed=loopback)


def test_it_explains_embedded_addresses():
    assert "embeds 127.0.0.1" in address_refusal("2002:7f00:1::")


# Issue 22 #4: the IANA IPv4 and IPv6 special-purpose address registries, as published (with the multicast ranges).
# A copy here on purpose: the test fails if the code's table drifts from the registry or is not what the guard uses.
IANA_SPECIAL = """
0.0.0.0/8 0.0.0.0/32 10.0.0.0/8 100.64.0.0/10 127.0.0.0/8 169.254.0.0/16 172.16.0.0/12 192.0.0.0/24 192.0.0.0/29 192.0.0.8/32
192.0.0.9/32 192.0.0.10/32 192.0.0.170/32 192.0.0.171/32 192.0.2.0/24 192.31.196.0/24 192.52.193.0/24 192.88.99.0/24
192.168.0.0/16 192.175.48.0/24 198.18.0.0/15 198.51.100.0/24 203.0.113.0/24 240.0.0.0/4 255.255.255.255/32
::1/128 ::/128 ::ffff:0:0/96 64:ff9b::/96 64:ff9b:1::/48 100::/64 100:0:0:1::/64 2001::/23 2001::/32 2001:1::1/128 2001:1::2/128
2001:1::3/128 2001:2::/48 2001:3::/32 2001:4:112::/48 2001:10::/28 2001:20::/28 2001:30::/28 2001:db8::/32 2002::/16
2620:4f:8000::/48 3fff::/20 5f00::/16 fc00::/7 fe80::/10
""".split()  # noqa: SIM905 - the registry laid out as a table
EMBEDDING = {"::ffff:0:0/96", "64:ff9b::/96", "2001::/32", "2002::/16"}  # mapped, NAT64, Teredo, 6to4: the IPv4 inside decides


def _samples(network) -> list[str]:
    """First, last and a middle address of a block (never contacted: the guard is a pure function)."""
    return [str(network[0]), str(network[-1]), str(network[network.num_addresses // 2])]


def test_the_table_is_the_iana_registry():
    from commitments.checks.special_addresses import IPV4_SPECIAL, IPV6_SPECIAL  # noqa: PLC0415

    assert [str(block.network) for block in (*IPV4_SPECIAL, *IPV6_SPECIAL)] == IANA_SPECIAL
    assert {str(block.network) for block in IPV6_SPECIAL if block.embeds_ipv4} == EMBEDDING


@pytest.mark.parametrize("cidr", [c for c in IANA_SPECIAL if c not in EMBEDDING] + ["224.0.0.0/4", "ff00::/8"])
def test_every_special_purpose_block_is_refused_by_every_entry_point(cidr):
    for address in _samples(ipaddress.ip_network(cidr)):
        assert address_refusal(address) != "", address
        literal = f"[{address}]" if ":" in address else address
        assert url_refusal(f"http://{literal}/latest/meta-data/") != "", address
        with pytest.raises(Refused, match=re.escape(address)):
            addresses_check("metadata.example", ["93.184.216.34", address])


@pytest.mark.parametrize("address", ["192.0.0.192", "192.0.0.8", "192.0.0.9", "192.0.0.170", "192.88.99.1", "2001:db8::1", "3fff::1"])
def test_the_probes_special_use_addresses_are_refused_whatever_the_interpreter_thinks(address, monkeypatch):
    """The guard does not ask `ipaddress` (its tables differ between Python versions): with every is_* property saying
    "public", the table still refuses; and the probe's addresses are refused through a redirect target too."""
    for cls in (ipaddress.IPv4Address, ipaddress.IPv6Address):
        for name in ("is_private", "is_reserved", "is_link_local", "is_loopback", "is_multicast", "is_unspecified", "is_site_local"):
            monkeypatch.setattr(cls, name, property(lambda self: False), raising=False)
        monkeypatch.setattr(cls, "is_global", property(lambda self: True))
    assert address_refusal(address) != ""
    with pytest.raises(Refused):
        addresses_check("cloud.example", [address])


@pytest.mark.parametrize("address", ["93.184.216.34", "1.1.1.1", "8.8.8.8", "192.0.1.1", "192.0.3.1", "2606:4700:4700::1111",
                                     "2a00:1450:4001::200e", "64:ff9b::5db8:d822", "2002:5db8:d822::1"])
def test_public_unicast_addresses_and_their_nat64_and_6to4_forms_stay_allowed(address):
    assert address_refusal(address) == ""
    addresses_check("example.org", [address])


def test_an_allowed_network_still_opens_a_special_block_on_purpose():
    assert address_refusal("192.0.0.192", allowed=networks_parse(["192.0.0.0/24"])) == ""


@pytest.mark.parametrize("cidr", sorted(EMBEDDING))
def test_the_blocks_that_embed_ipv4_are_refused_when_the_embedded_address_is_special(cidr):
    network = ipaddress.ip_network(cidr)
    metadata = {  # each form of 192.0.0.192 (the probe's cloud metadata address)
        "::ffff:0:0/96": "::ffff:192.0.0.192", "64:ff9b::/96": "64:ff9b::c000:c0", "2002::/16": "2002:c000:c0::1",
        "2001::/32": "2001:0:4136:e378:8000:63bf:3fff:ff3f",  # Teredo: the client is the complement, 192.0.0.192
    }[cidr]
    assert ipaddress.ip_address(metadata) in network
    assert "192.0.0.192" in address_refusal(metadata)
