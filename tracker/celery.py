"""The Celery application, as the Celery documentation for Django shows it."""

import os

from celery import Celery
from celery.signals import beat_init, worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

app = Celery("tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
@beat_init.connect
def _refuse_without_secret_key(**kwargs) -> None:
    # Digests sign unsubscribe links: a worker without a key must not start. Celery logs and
    # swallows exceptions from signal handlers, so leave with SystemExit.
    from django.core.exceptions import ImproperlyConfigured

    from tracker.secret import require_secret_key

    try:
        require_secret_key()
    except ImproperlyConfigured as error:
        raise SystemExit(str(error)) from error
