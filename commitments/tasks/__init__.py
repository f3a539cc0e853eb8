"""Celery tasks, one module per job. Celery's autodiscovery imports this package."""
