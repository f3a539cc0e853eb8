"""Loaded first (pytest -p tests.environment). Test-run defaults: PostgreSQL and Redis on this machine unless the environment says otherwise.

Settings read the environment at import, so these must be set before Django starts.
"""

import os
import tempfile

import pytest

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tracker")
# Tests flush the Redis database they use (broker queues, politeness state): a
# dedicated one, never db 0.
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")
# Each test process keeps its own cache; tests/test_digests_subscriptions.py also runs on Redis.
os.environ.setdefault("CACHE_URL", "locmem://")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production")
os.environ.setdefault("EMAIL_URL", "memory://")
# The test client and the live servers speak plain HTTP; production's redirect to HTTPS is tested on its own.
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
# Archived copies (WARC files) that checks take in any test, workers included, go to a scratch folder, not var/.
os.environ.setdefault("TRACKER_ARCHIVE_DIR", tempfile.mkdtemp(prefix="tracker-test-archive-"))

# Helper modules that hold fixtures and asserts; registered before any test module imports them.
pytest.register_assert_rewrite("tests.api_support", "tests.review_support", "tests.digests_support", "tests.checks_helpers", "tests.digests_week")
