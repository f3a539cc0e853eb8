"""What the benchmarks share: each one's own database beside DATABASE_URL's, its environment, Django set up on it.

Not a benchmark (tests/test_bench.py runs bench/*.py; this package is imported by them).
"""

import os

DATABASE_URL_DEFAULT = "postgres://postgres@127.0.0.1:5432/tracker"


def database_name(suffix: str) -> str:
    """DATABASE_URL's database name with `_<suffix>`: a benchmark's own database on the same server."""
    return os.environ.get("DATABASE_URL", DATABASE_URL_DEFAULT).rsplit("/", 1)[1].split("?")[0] + f"_{suffix}"


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
    import psycopg

    server, db_name = env["DATABASE_URL"].rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        if fresh:
            conn.execute(f'DROP DATABASE IF EXISTS "{db_name}"')
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db_name]).fetchone():
            conn.execute(f'CREATE DATABASE "{db_name}"')
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
