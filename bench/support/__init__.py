"""What the benchmarks share: each one's own database beside DATABASE_URL's, its environment, Django set up on it.

Not a benchmark (tests/test_bench.py runs bench/*.py; this package is imported by them).

A bench database is made only by `database_create`: dropped and created empty, so the script's `migrate`
builds it, or, when BENCH_TEMPLATE_DATABASE names a migrated database on the same server (the suite
makes one for its smoke runs), copied from it (CREATE DATABASE ... TEMPLATE, a fraction of a second)
so that `migrate` finds nothing to do.
"""

import os

DATABASE_URL_DEFAULT = "postgres://postgres@127.0.0.1:5432/tracker"


def database_name(suffix: str) -> str:
    """DATABASE_URL's database name with `_<suffix>`: a benchmark's own database on the same server."""
    return _name_of(os.environ.get("DATABASE_URL", DATABASE_URL_DEFAULT)) + f"_{suffix}"


def database_url(name: str) -> str:
    """The URL of database `name` on DATABASE_URL's server."""
    return os.environ.get("DATABASE_URL", DATABASE_URL_DEFAULT).rsplit("/", 1)[0] + f"/{name}"


def _name_of(url: str) -> str:
    return url.rsplit("/", 1)[1].split("?")[0]


def _maintenance(url: str):
    import psycopg

    return psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True)


def database_create(url: str, *, fresh: bool = True) -> None:
    """Create the database of `url`, dropped first when `fresh` (else kept if it exists): a copy of
    BENCH_TEMPLATE_DATABASE when the environment names one (a migrated database on the same server,
    with no one connected to it), else empty."""
    name = _name_of(url)
    template = os.environ.get("BENCH_TEMPLATE_DATABASE")
    with _maintenance(url) as conn:
        if fresh:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))


def database_drop(url: str) -> None:
    """Drop the database of `url`, whoever is still connected to it."""
    name = _name_of(url)
    with _maintenance(url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def environment(*, db_name: str, **settings: str) -> dict:
    """The settings a benchmark runs with: its database, REDIS_URL's database (refused when it is db 0: it is
    flushed), production mode, quiet logs, local origins allowed; `settings` adds to or replaces them."""
    base = os.environ.get("DATABASE_URL", DATABASE_URL_DEFAULT).rsplit("/", 1)[0]
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/14")
    if redis_url.rstrip("/").endswith(("/0", ":6379")):
        raise SystemExit("give REDIS_URL a database of its own (it is flushed), e.g. redis://127.0.0.1:6379/14")
    return {
        "DATABASE_URL": f"{base}/{db_name}", "REDIS_URL": redis_url, "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only"),
        "DEBUG": "0", "LOG_LEVEL": "WARNING", "TRACKER_CHECK_ALLOWED_NETWORKS": "127.0.0.0/8", "DJANGO_SETTINGS_MODULE": "tracker.settings",
        **settings,
    }


def django_setup(env: dict, *, fresh: bool = False) -> None:
    """Export `env`, create its database (dropped first when `fresh`) if missing, set Django up and migrate."""
    os.environ.update(env)
    database_create(env["DATABASE_URL"], fresh=fresh)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
