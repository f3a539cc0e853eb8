"""Model fields that hold the input rules of commitments.http_urls and commitments.text."""

from django import forms
from django.db import models

from commitments.http_urls import http_url_normalise


class HttpUrlFormField(forms.URLField):
    """A form field for an http(s) URL, normalised by the one rule (admin and staff forms)."""

    default_validators: list = []  # http_url_normalise applies Django's URLValidator to the normalised value

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("assume_scheme", "https")
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return http_url_normalise(value) if value else value


class HttpUrlField(models.URLField):
    """An http(s) URL, stored normalised whatever the path in: forms and full_clean, and plain ORM saves.

    (`loaddata` and raw SQL skip Python: links are still rendered only through `http_href`.)
    """

    default_validators: list = []

    def clean(self, value, model_instance):
        # Not in to_python: that also prepares lookup values, and a filter must never raise.
        return super().clean(http_url_normalise(value) if value else value, model_instance)

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        if value:
            value = http_url_normalise(value)  # ValidationError: an ORM save of a bad URL fails loudly
            setattr(model_instance, self.attname, value)
        return value

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": HttpUrlFormField, **kwargs})
