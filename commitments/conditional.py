"""Conditional GET for the API and the public pages: ETag and Last-Modified from one cheap fingerprint.

The ETag covers the address (path and query), the representation and the fingerprint (row
count and newest timestamp) of what the response shows; a client holding a current copy gets
a 304 before any real work is done.
"""

import hashlib
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, quote_etag

from commitments.selectors import Fingerprint


@dataclass(frozen=True)
class Validators:
    etag: str
    last_modified: int | None  # a Unix timestamp


def validators_for(*, request: HttpRequest, fingerprint: Fingerprint, representation: str = "") -> Validators:
    stamp = fingerprint.last_modified.isoformat() if fingerprint.last_modified else "-"
    key = f"{request.get_full_path()}|{representation}|{fingerprint.count}|{stamp}"
    timestamp = int(fingerprint.last_modified.timestamp()) if fingerprint.last_modified else None
    return Validators(etag=quote_etag(hashlib.sha256(key.encode()).hexdigest()[:32]), last_modified=timestamp)


def content_validators(content: bytes) -> Validators:
    """For a response with no timestamp to go by: hash what is sent."""
    return Validators(etag=quote_etag(hashlib.sha256(content).hexdigest()[:32]), last_modified=None)


def not_modified(*, request: HttpRequest, validators: Validators) -> HttpResponse | None:
    """A 304 (or 412) when the client's copy is current, else None."""
    return get_conditional_response(request, etag=validators.etag, last_modified=validators.last_modified)


def stamp(response: HttpResponse, validators: Validators) -> HttpResponse:
    response["ETag"] = validators.etag
    if validators.last_modified is not None:
        response["Last-Modified"] = http_date(validators.last_modified)
    return response
