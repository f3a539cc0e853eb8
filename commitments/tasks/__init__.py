"""Celery tasks, one module per job. Celery's autodiscovery imports this package."""

from .checks import check_run, checks_dispatch  # noqa: E402,F401  source checks
from .digests import digest_batch_send, digests_enqueue, digests_send_due  # noqa: E402,F401  weekly digests
from .review import review_notices_send_due  # noqa: E402,F401  e-mail to Reviewers when proposals wait
