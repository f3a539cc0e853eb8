"""Where each thing lives on the public site: one function per kind, used by every link we send out.

Pages, the digest e-mails, the Atom feed, ClaimReview JSON-LD and the API's `url` fields all
build their links here, so a page's address is decided once. Paths come from the site's URL
names (commitments/site/urls.py); absolute addresses add `site_base()`.
"""

from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse


def statement_path(*, slug: str) -> str:
    return _statement_path(slug, get_script_prefix(), get_urlconf())


@lru_cache(maxsize=4096)
def _statement_path(slug: str, prefix: str, urlconf) -> str:
    # Remembered: a statement page lists hundreds of commitments, each linking under it.
    return reverse("site:statement", kwargs={"slug": slug}, urlconf=urlconf)


def commitment_path(*, statement_slug: str, number: str) -> str:
    """Under its statement's page: /statements/<slug>/3/, /statements/<slug>/3.1/ (site:commitment)."""
    return f"{statement_path(slug=statement_slug)}{number}/"


def party_path(*, slug: str) -> str:
    return reverse("site:party", kwargs={"slug": slug})


def claim_path(*, pk: int) -> str:
    return reverse("site:claim", kwargs={"pk": pk})


def changes_path() -> str:
    return reverse("site:changes")


def site_base(*, request: HttpRequest | None = None) -> str:
    """The scheme and host links start with.

    An explicit SITE_URL wins. Without one, the address this request was served on (the
    host is checked against ALLOWED_HOSTS); with no request either (e-mails, Celery), the
    default SITE_URL, which `make run` sets to the host and port it serves.
    """
    if request is not None and not settings.SITE_URL_EXPLICIT:
        return f"{request.scheme}://{request.get_host()}"
    return settings.SITE_URL


def absolute(path: str, *, request: HttpRequest | None = None) -> str:
    return f"{site_base(request=request)}{path}"
