"""Input fields with the service's rules: ids that fit a primary key, URLs normalised by commitments.http_urls."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from commitments.http_urls import http_url_normalise
from commitments.ids import id_parse


class IdRelatedField(serializers.PrimaryKeyRelatedField):
    """A primary key: anything that cannot be one (1e400, 10**30, 1.5, "¹") is a 400, never a database error."""

    def to_internal_value(self, data):
        pk = id_parse(data)
        if pk is None:
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(pk)


class HttpUrlField(serializers.URLField):
    """An http(s) URL, normalised (IDNA host, percent-encoded path) by the one rule in commitments.http_urls."""

    def to_internal_value(self, data) -> str:
        value = super().to_internal_value(data)
        try:
            return http_url_normalise(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from error
