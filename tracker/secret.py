"""The processes that serve or send (web, worker, beat) refuse to start without a SECRET_KEY."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

MISSING = "SECRET_KEY must be set when DEBUG is off (DEBUG=1 for development, as `make run` does)."


def require_secret_key() -> None:
    try:
        key = settings.SECRET_KEY
    except ImproperlyConfigured:  # Django refuses to hand out an empty key
        key = ""
    if not key:
        raise ImproperlyConfigured(MISSING)
