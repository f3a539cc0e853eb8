"""Subscriber addresses: which ones we take, and the one mailbox that many spellings of an address reach.

`mailbox_key` is what the subscribe limits count by: mail servers treat the domain without
regard to case, Unicode form or a trailing dot, and mail clients drop invisible characters,
so "Ｖｉｃｔｉｍ@ex\u00adample.org." and "victim@example.org" reach one inbox and must share one limit.
"""

import unicodedata

import idna
from django.core.exceptions import ValidationError

NOT_PUBLIC = "Enter a public e-mail address: a name at a domain such as example.org (not an IP address or a local name)."
# RFC 6761 / 6762 names that never reach a public mailbox.
LOCAL_SUFFIXES = ("localhost", "invalid", "local", "localdomain", "internal", "home.arpa")
# Invisible in a mail client but not Unicode "format" characters (Cf): the grapheme joiner, variation selectors.
_IGNORABLE = {0x034F, 0x115F, 0x1160, 0x3164, 0xFFA0, *range(0x180B, 0x1810), *range(0xFE00, 0xFE10)}


def _visible(text: str) -> str:
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf" and ord(ch) not in _IGNORABLE)


def _domain_ascii(domain: str) -> str:
    """The domain as DNS sees it: UTS 46 mapped (case, width, soft hyphens), IDNA-encoded, no trailing dot."""
    domain = domain.rstrip(".")
    try:
        return idna.encode(domain, uts46=True, transitional=False).decode("ascii").lower()
    except idna.IDNAError:  # not a valid domain name: still one key per spelling that looks the same
        return domain.casefold()


def mailbox_key(email: str) -> str:
    """One string per mailbox, whatever the spelling: NFKC, invisible characters dropped, case folded, domain IDNA-encoded."""
    text = _visible(unicodedata.normalize("NFKC", email)).strip()
    local, at, domain = text.rpartition("@")
    if not at:
        return text.casefold()
    return f"{local.casefold()}@{_domain_ascii(domain)}"


def subscriber_address_validate(email: str) -> None:
    """Refuse what EmailValidator lets through but no public mailbox has: address literals, single-label and local names."""
    domain = mailbox_key(email).rpartition("@")[2]
    if domain.startswith("[") or "." not in domain or domain.endswith(tuple(f".{suffix}" for suffix in LOCAL_SUFFIXES)) or \
            domain in LOCAL_SUFFIXES:
        raise ValidationError(NOT_PUBLIC, code="not_public")
