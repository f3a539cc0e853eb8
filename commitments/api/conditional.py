"""Conditional requests: ETag and Last-Modified from one cheap aggregate, 304 before any real work.

The ETag covers the address (path, filters, page), the representation chosen and the
fingerprint (row count and newest timestamp) of the filtered rows. Lists without a
timestamp (parties, themes) get an ETag hashed from the rendered content instead.
"""

import hashlib

from django.utils.cache import get_conditional_response
from django.utils.http import http_date, quote_etag

from commitments.selectors import Fingerprint, queryset_fingerprint


def _etag(request, fingerprint: Fingerprint) -> str:
    stamp = fingerprint.last_modified.isoformat() if fingerprint.last_modified else "-"
    media = getattr(request, "accepted_media_type", "")
    key = f"{request.get_full_path()}|{media}|{fingerprint.count}|{stamp}"
    return quote_etag(hashlib.sha256(key.encode()).hexdigest()[:32])


def _timestamp(fingerprint: Fingerprint) -> int | None:
    return int(fingerprint.last_modified.timestamp()) if fingerprint.last_modified else None


class ConditionalMixin:
    """For list and retrieve: answer 304 when the client's copy is current."""

    fingerprint_field: str | None = "updated_at"

    def conditional_check(self, queryset):
        """Returns a 304 response, or None after remembering the validators for the response."""
        fingerprint = queryset_fingerprint(queryset=queryset, field=self.fingerprint_field)
        self.request.fingerprint = fingerprint
        self.validators = (_etag(self.request, fingerprint), _timestamp(fingerprint))
        return get_conditional_response(self.request._request, etag=self.validators[0], last_modified=self.validators[1])

    def list(self, request, *args, **kwargs):
        if self.fingerprint_field and (not_modified := self.conditional_check(self.filter_queryset(self.get_queryset()))):
            return not_modified
        return super().list(request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        if self.fingerprint_field:
            one = self.get_queryset().filter(pk=kwargs[self.lookup_url_kwarg or self.lookup_field]) if str(kwargs.get("pk", "")).isdigit() else None
            if one is not None and (not_modified := self.conditional_check(one)):
                return not_modified
        return super().retrieve(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or response.status_code != 200 or self.action not in ("list", "retrieve"):
            return response
        validators = getattr(self, "validators", None)
        if validators is None:  # no timestamp to go by: hash what is sent
            response.render()
            validators = (quote_etag(hashlib.sha256(response.content).hexdigest()[:32]), None)
            if (not_modified := get_conditional_response(request._request, etag=validators[0])) is not None:
                return not_modified
        response["ETag"] = validators[0]
        if validators[1] is not None:
            response["Last-Modified"] = http_date(validators[1])
        return response
