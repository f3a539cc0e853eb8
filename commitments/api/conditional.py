"""Conditional requests: ETag and Last-Modified from one cheap aggregate, 304 before any real work.

The ETag covers the address (path, filters, page), the representation chosen and the
fingerprint (row count and newest timestamp) of the filtered rows. Lists without a
timestamp (parties, themes) get an ETag hashed from the rendered content instead.
"""

from commitments.conditional import Validators, content_validators, not_modified, stamp, validators_for
from commitments.selectors import queryset_fingerprint


class ConditionalMixin:
    """For list and retrieve: answer 304 when the client's copy is current."""

    fingerprint_field: str | None = "updated_at"

    def conditional_check(self, queryset):
        """Returns a 304 response, or None after remembering the validators for the response."""
        fingerprint = queryset_fingerprint(queryset=queryset, field=self.fingerprint_field)
        self.request.fingerprint = fingerprint
        self.validators = validators_for(request=self.request._request, fingerprint=fingerprint,
                                         representation=getattr(self.request, "accepted_media_type", ""))
        return not_modified(request=self.request._request, validators=self.validators)

    def list(self, request, *args, **kwargs):
        if self.fingerprint_field and (unchanged := self.conditional_check(self.filter_queryset(self.get_queryset()))):
            return unchanged
        return super().list(request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        if self.fingerprint_field:
            one = self.get_queryset().filter(pk=kwargs[self.lookup_url_kwarg or self.lookup_field]) if str(kwargs.get("pk", "")).isdigit() else None
            if one is not None and (unchanged := self.conditional_check(one)):
                return unchanged
        return super().retrieve(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or response.status_code != 200 or self.action not in ("list", "retrieve"):
            return response
        validators: Validators | None = getattr(self, "validators", None)
        if validators is None:  # no timestamp to go by: hash what is sent
            response.render()
            validators = content_validators(response.content)
            if (unchanged := not_modified(request=request._request, validators=validators)) is not None:
                return unchanged
        return stamp(response, validators)
