"""Celery tasks, one module per job. Celery's autodiscovery imports this package."""

from .checks import check_batch, checks_dispatch  # noqa: E402,F401  source checks
