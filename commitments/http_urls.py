"""The one rule for a stored link: an absolute http(s) URL with a valid, IDNA-normalised host.

Every way a URL gets in (the model field, the API, the admin, intake, `check_sources --url`)
calls `http_url_normalise`, and every place a stored URL becomes an href calls `is_http_url`
(through the `http_href` template filter), so a value that slipped past the first rule
(raw SQL, an old row) is still never a `javascript:` link.

Hosts are mapped with UTS #46 (what browsers do: case folding and compatibility forms such
as fullwidth or circled letters become ASCII) and encoded as A-labels; a host that does not
map to a valid IDNA name is refused. The mapped host is what is stored, so the SSRF gate
(commitments.checks.security) judges the name that will really be looked up:
`http://１２７.０.０.１/` is stored as `http://127.0.0.1/` and refused by the fetcher.
"""

import ipaddress
import re
from urllib.parse import urlsplit, urlunsplit

import idna
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.encoding import iri_to_uri
from django.utils.html import format_html

SCHEMES = ("http", "https")
_LDH_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_url_syntax = URLValidator(schemes=list(SCHEMES))


def _refuse(message: str) -> ValidationError:
    return ValidationError(message, code="invalid_url")


def _label_ascii(label: str) -> str:
    """One host label as ASCII; IDNA rules for internationalised labels, LDH rules for the rest."""
    if label.isascii():
        if not _LDH_LABEL.match(label):
            raise _refuse(f"“{label}” is not a valid host name label (letters, digits and inner hyphens only).")
        if label.startswith("xn--"):
            idna.decode(label)  # raises on an invalid A-label
        return label
    return idna.alabel(label).decode("ascii")


def host_normalise(host: str) -> str:
    """The host as it will be looked up: an IP address, or an ASCII (A-label) name. ValidationError if none."""
    if host.startswith("["):
        try:
            return f"[{ipaddress.IPv6Address(host[1:-1])}]" if host.endswith("]") else ""
        except ValueError as error:
            raise _refuse(f"“{host}” is not a valid IPv6 address.") from error
    try:
        mapped = idna.uts46_remap(host, std3_rules=False, transitional=False).rstrip(".")
        labels = [_label_ascii(label) for label in mapped.split(".")]
    except (idna.IDNAError, UnicodeError, ValueError) as error:
        raise _refuse(f"“{host}” is not a valid host name: {error}") from error
    return ".".join(labels)


def _netloc(host: str, port: int | None) -> str:
    return host if port is None else f"{host}:{port}"


def http_url_normalise(value: str) -> str:
    """`value` as it is stored: http(s), no credentials, a normalised host, non-ASCII percent-encoded.

    Raises ValidationError with a message a person can act on.
    """
    value = (value or "").strip()
    if not value:
        raise _refuse("Enter a URL.")
    if any(ord(c) < 33 or ord(c) == 127 for c in value) or "\\" in value:
        raise _refuse("A URL cannot contain spaces, control characters or backslashes.")
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError as error:
        raise _refuse(f"This is not a valid URL: {error}.") from error
    if parts.scheme.lower() not in SCHEMES:
        raise _refuse("Only http:// and https:// URLs are accepted.")
    if "@" in parts.netloc:
        raise _refuse("A URL cannot contain a user name or password.")
    host = parts.netloc.rsplit(":", 1)[0] if port is not None or parts.netloc.endswith(":") else parts.netloc
    if not host:
        raise _refuse("The URL has no host.")
    normalised = urlunsplit((parts.scheme.lower(), _netloc(host_normalise(host), port), parts.path, parts.query, parts.fragment))
    normalised = iri_to_uri(normalised)
    _url_syntax(normalised)
    return normalised


def is_http_url(value: object) -> bool:
    """True when `value` is an http(s) URL that the rule above accepts as stored (so it may be a link)."""
    if not isinstance(value, str) or not value:
        return False
    try:
        http_url_normalise(value)
    except ValidationError:
        return False
    return True


def validate_http_url(value: str) -> None:
    """A Django validator form of the rule (for forms and fields that cannot normalise)."""
    http_url_normalise(value)


def link_html(url: str, text: str) -> str:
    """An external link to a stored URL, or just its text when the URL may not be a link (for the admin's columns)."""
    if is_http_url(url):
        return format_html('<a href="{}" rel="noopener noreferrer" target="_blank">{}</a>', url, text)
    return format_html("{}", text)
