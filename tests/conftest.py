"""Shared fixtures: named users and small factories for the domain.

alice is an Editor, bob a Viewer (read-only staff), charlie a staff member in no group.
"""

import itertools
from datetime import date

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.db.backends.signals import connection_created
from django.dispatch import receiver
from django.test.utils import override_settings
from django.utils import timezone

from commitments.models import Claim, Commitment, Evidence, Party, Source, Statement, Theme
from commitments.renderings import claim_create, commitment_create
from commitments.roles import ROLES, role_group

_seq = itertools.count(1)

SOURCE_TEXT = (
    "China and Russia will strengthen cooperation in four areas. First, the two countries will "
    "support international anti-pandemic cooperation. Second, they will set an exemplar. "
    "Third, they will strengthen   innovation.\nFourth, they will safeguard justice. "
    "The resumption rate of cooperation projects has reached about 90%."
)


def _staff(username: str, group: str | None) -> User:
    user = User.objects.create_user(username, f"{username}@example.org", "pw-for-tests-only", is_staff=True)
    if group:
        # role_group makes the group when missing: a transactional test's flush empties the groups the migration made,
        # and a later test in the same run (a live server's, in the run's order) still needs them.
        user.groups.add(role_group(next(role for role, (name, _) in ROLES.items() if name == group)))
    return user


@receiver(connection_created)
def _tests_may_truncate(sender, **kwargs) -> None:
    """Test runs empty the tables with TRUNCATE (TransactionTestCase, live servers): the history guard lets this session."""
    if kwargs["connection"].vendor == "postgresql":
        with kwargs["connection"].cursor() as cursor:
            cursor.execute("SET commitments.allow_truncate = 'on'")


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing():
    """Test passwords hashed with MD5, as Django's testing docs advise: production's PBKDF2 (1,000,000 rounds) costs
    0.24 s per account made or logged in on this 2-core machine, and a third of the suite makes or logs in staff.
    Processes a test starts (make run, manage.py) keep the real hasher; tests/test_settings.py checks the setting."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def _empty_cache():
    """Throttle and rate-limit counters and cached aggregates must not leak between tests."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def alice(db) -> User:
    return _staff("alice", "Editors")


@pytest.fixture
def bob(db) -> User:
    return _staff("bob", "Viewers")


@pytest.fixture
def charlie(db) -> User:
    return _staff("charlie", None)


@pytest.fixture
def make_party(db):
    def make(**fields) -> Party:
        n = next(_seq)
        fields.setdefault("name", f"Party {n}")
        fields.setdefault("slug", f"party-{n}")
        return Party.objects.create(**fields)

    return make


@pytest.fixture
def make_source(db):
    def make(**fields) -> Source:
        n = next(_seq)
        fields.setdefault("slug", f"source-{n}")
        fields.setdefault("title", f"Source {n}")
        fields.setdefault("publisher", "Xinhua")
        fields.setdefault("published_on", date(2020, 9, 17))
        fields.setdefault("full_text", SOURCE_TEXT)
        return Source.objects.create(**fields)

    return make


@pytest.fixture
def make_statement(db, make_party, make_source):
    def make(*, points: int = 0, **fields) -> Statement:
        n = next(_seq)
        fields.setdefault("slug", f"statement-{n}")
        fields.setdefault("title", f"Statement {n}")
        fields.setdefault("announced_by", "Wang Yi")
        fields.setdefault("announced_on", date(2020, 9, 16))
        fields.setdefault("announced_count", points or 4)
        if "announcing_party" not in fields:
            fields["announcing_party"] = make_party()
        source = fields.pop("source", None) or make_source()
        statement = Statement.objects.create(**fields)
        statement.sources.add(source)
        for ordinal in range(1, points + 1):
            commitment_create(
                statement=statement, ordinal=ordinal, title=f"Point {ordinal}", source=source,
                quote="China and Russia will strengthen cooperation in four areas.",
            )
        return statement

    return make


@pytest.fixture
def commitment(make_statement) -> Commitment:
    return make_statement(points=4).commitments.get(ordinal=1)


@pytest.fixture
def claim(commitment) -> Claim:
    return claim_create(
        statement=commitment.statement, source=commitment.source, title="Resumption rate about 90%",
        quote="The resumption rate of cooperation projects has reached about 90%.",
    )


@pytest.fixture
def make_evidence(db):
    def make(**fields) -> Evidence:
        """Evidence already public (as all evidence was before review covered it); links go through attach_published."""
        n = next(_seq)
        fields.setdefault("published_at", timezone.now())
        fields.setdefault("url", f"https://news.example.org/{n}")
        fields.setdefault("title", f"Report {n}")
        fields.setdefault("published_at", timezone.now())  # already public, as evidence recorded before a test
        return Evidence.objects.create(**fields)

    return make


@pytest.fixture
def theme(db) -> Theme:
    return Theme.objects.get_or_create(slug="health", defaults={"name": "Health"})[0]


class _SharedSeed:
    """The seed, loaded once for a run of tests that use it, in a transaction none of them commits.

    Each test runs inside its own savepoint (pytest-django's TestCase atomics nest inside this
    transaction), so what a test writes on top of the seed is rolled back after it, as before,
    while the seed itself stays for the next test that uses it. A test that does not use the
    seed, or needs real commits (transaction=True, live servers), rolls it back first and sees
    the empty database it always saw. Tests are ordered so that every seed user runs first
    (see pytest_collection_modifyitems): one load per run (per xdist worker) instead of one per
    module, or per test as before that.
    """

    def __init__(self) -> None:
        self.atomic = None

    def open(self) -> None:
        if self.atomic is None:
            self.atomic = transaction.atomic()
            self.atomic.__enter__()
            call_command("load_seed", verbosity=0)

    def close(self) -> None:
        if self.atomic is not None:
            atomic, self.atomic = self.atomic, None
            if connection.in_atomic_block:  # else a test closed the connection: the transaction is gone already
                transaction.set_rollback(True)
                atomic.__exit__(None, None, None)


def _uses_shared_seed(item) -> bool:
    marker = item.get_closest_marker("django_db")
    transactional = marker is not None and (marker.kwargs.get("transaction") or marker.kwargs.get("serialized_rollback"))
    fixtures = getattr(item, "fixturenames", ())
    if "seed" in getattr(getattr(item, "callspec", None), "params", {}):
        return False  # a test's own parameter named seed (a random seed), not this fixture
    return "seed" in fixtures and not transactional and "transactional_db" not in fixtures and "live_server" not in fixtures


def _uses_no_database(item) -> bool:
    """Neither the django_db marker nor a database fixture (pytest-django's third group): subprocesses, servers, CPU."""
    fixtures = set(getattr(item, "fixturenames", ()))
    return item.get_closest_marker("django_db") is None and not fixtures & {"db", "transactional_db", "live_server", "django_db_setup"}


# The modules whose tests take longest, most of it waiting (Celery workers killed and their leases run
# out, servers and `make run` in subprocesses, Chromium, the benchmarks' smoke runs): started first in
# their group, they overlap with many short tests on the other workers instead of leaving one worker
# alone with a 25 s test at the end of the run (longest first: the classic way to balance a schedule).
LONG_FIRST = ("test_watch_celery", "test_checks_celery", "test_digests_worker", "test_site_browser", "test_site_url",
              "test_dev_mode", "test_bench", "test_devserver", "test_intake_jobs", "test_security_headers")


def _transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    return bool(marker is not None and (marker.kwargs.get("transaction") or marker.kwargs.get("serialized_rollback"))
                or "transactional_db" in fixtures or "live_server" in fixtures)


def _long_first(item) -> int:
    module = item.path.stem
    return LONG_FIRST.index(module) if module in LONG_FIRST else len(LONG_FIRST)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items) -> None:
    """The tests that use no database first, then every test that uses the shared seed (one load per run), then the rest.

    After pytest-django's ordering (every TestCase-style test before the transactional ones), which
    it keeps for the tests that use a database: the seed's users are all TestCase-style, and the
    rest keep that order (a transactional test's flush never runs before a TestCase-style one). The
    tests with no database (pytest-django puts them last) are most of the long ones (the benchmarks'
    smoke runs, `make run` and the dev server in subprocesses, the scaling timings): run first, they
    overlap with the short ones on the other xdist worker. Within each group, LONG_FIRST's modules lead.
    """
    def group(test) -> int:
        return 0 if _uses_no_database(test) else 1 if _uses_shared_seed(test) else 2

    items[:] = sorted(items, key=lambda test: (group(test), group(test) == 2 and _transactional(test), _long_first(test)))


_SHARED_SEED = _SharedSeed()


@pytest.fixture(scope="session")
def _shared_seed_teardown(django_db_setup, django_db_blocker):
    """Roll the shared seed back before the test database is dropped."""
    yield
    with django_db_blocker.unblock():
        _SHARED_SEED.close()


@pytest.fixture
def _seed_scope(request, django_db_blocker, _shared_seed_teardown) -> None:
    """Open the shared seed for a test that uses it, else roll it back (before the test's own atomics)."""
    with django_db_blocker.unblock():
        if _uses_shared_seed(request.node):
            _SHARED_SEED.open()
        else:
            _SHARED_SEED.close()


@pytest.fixture
def _django_db_helper(_seed_scope, _django_db_helper):
    """pytest-django's per-test database set-up, after _seed_scope: the test's atomics nest inside
    the shared seed's transaction, or see none."""
    return _django_db_helper


@pytest.fixture
def seed(request, db) -> None:
    """The project's seed fixtures, loaded as `make run` loads them (shared: see _SharedSeed)."""
    if not _uses_shared_seed(request.node):
        call_command("load_seed", verbosity=0)

