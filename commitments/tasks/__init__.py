"""Celery tasks, one module per job. Celery's autodiscovery imports this package."""

from .archive import captures_prune_daily, wayback_dispatch  # noqa: E402,F401  archived copies
from .checks import check_run, checks_dispatch  # noqa: E402,F401  source checks
from .digests import deadline_alerts, digest_batch_send, digests_enqueue, digests_send_due  # noqa: E402,F401  digests, deadline alerts
from .intake import intake_read  # noqa: E402,F401  URL intake off the request
from .review import review_notices_send_due  # noqa: E402,F401  e-mail to Reviewers when proposals wait
from .watch import inbox_mail_daily, watch_dispatch  # noqa: E402,F401  watched listings
