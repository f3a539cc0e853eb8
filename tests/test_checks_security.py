"""The SSRF guard refuses every internal address, however it is spelled."""

import pytest

from commitments.checks.security import address_refusal, networks_parse, url_refusal

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
