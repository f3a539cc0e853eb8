"""Start-up warming: load in the server process what its first request would otherwise load.

The URLconf is imported lazily on the first request, and with it every view, serializer and
filter module (and drf-spectacular's views, which import `requests`): most of a second that
the first caller of any endpoint used to wait. The reverse-lookup tables and the cache client
are built lazily too, and so is the database connection, which is kept between requests
when DATABASE_CONN_MAX_AGE is set. The cached aggregates over every commitment (counts by
status, the 26 weeks, the compliance matrix: the overview's, which the statements and parties
indexes and the unfiltered /api/v1/stats/ endpoints share) are computed into the cache, so
their first reader does not wait for them either; they stay there until a committed write
changes what they read (commitments.selectors.freshness), and are computed again once a
publication commits (commitments.services.history_row_published). wsgi.py and asgi.py call `warm()` once
the application exists. The public pages' templates are compiled too (Django's cached loader
keeps them), which was most of the overview's first request once its aggregates were cached.
"""

from pathlib import Path

from django.apps import apps
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.template.loader import get_template
from django.urls import get_resolver, reverse


def warm() -> None:
    get_resolver().url_patterns  # noqa: B018  (imports tracker.urls and every view module)
    reverse("api:api-root")  # populates the reverse lookup tables
    cache.get("warm-up")  # opens the cache client (Redis in production)
    if connection.settings_dict["CONN_MAX_AGE"]:  # otherwise every request opens its own anyway
        connection.ensure_connection()
    warm_templates()
    warm_aggregates()


def warm_templates() -> None:
    """Compile the public pages' templates into the cached loader: the first reader of each page used to wait for it."""
    directory = Path(apps.get_app_config("commitments").path) / "site" / "templates"
    for path in sorted(directory.rglob("*.html")):
        get_template(path.relative_to(directory).as_posix())


def warm_aggregates() -> None:
    from commitments.selectors import unfiltered_aggregates_warm

    try:
        unfiltered_aggregates_warm()
    except DatabaseError:  # no database yet, or not migrated (the compose stack migrates first): the first request computes them
        connection.close()
    except RuntimeError:  # database access blocked (pytest-django, a test module importing tracker.wsgi): nothing to warm
        pass
