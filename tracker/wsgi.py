import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
application = get_wsgi_application()

from tracker.secret import require_secret_key  # noqa: E402  (needs settings)

require_secret_key()

from tracker.warmup import warm  # noqa: E402

warm()
