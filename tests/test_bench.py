"""Every benchmark in bench/ runs, on a tiny data set (`--smoke`), so none breaks unnoticed.

Each script is found here by itself (bench/*.py): a new benchmark must accept `--smoke` (see the
README's "Benchmarks"). Its figures are printed, never asserted: the suite does not time anything;
a script fails the test only by exiting non-zero (an exception, a wrong result it checks itself).

The scripts make their own databases (<DATABASE_URL's name>_bench, _pages, ...: one name per script,
so two xdist workers never run two scripts on one database) as copies of a template migrated once here.
"""

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.support import database_create, database_drop, database_name, database_url

ROOT = Path(__file__).resolve().parent.parent
BENCHES = sorted(path for path in (ROOT / "bench").glob("*.py") if not path.name.startswith("_"))


def test_there_are_benchmarks_to_run():
    assert len(BENCHES) >= 6, BENCHES


def _script_env() -> dict[str, str]:
    """This test run's environment, which the scripts read as a user's shell (they pick their own settings module)."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


@pytest.fixture(scope="module")
def bench_template() -> Iterator[str]:
    """A migrated database every script's own is copied from (BENCH_TEMPLATE_DATABASE, see bench/support),
    so the 28 migrations run once here instead of once a script. One per xdist worker: the workers share
    DATABASE_URL, and a template can be copied only while no one is connected to it (so also not migrated)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    name = database_name("bench_template" + (f"_{worker}" if worker else ""))
    url = database_url(name)
    database_create(url)
    migrated = subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT,
                              env={**_script_env(), "DATABASE_URL": url}, capture_output=True, text=True, timeout=900)
    assert migrated.returncode == 0, migrated.stderr[-4000:]
    yield name
    database_drop(url)


@pytest.mark.slow
@pytest.mark.parametrize("script", BENCHES, ids=lambda path: path.stem)
def test_each_benchmark_runs_on_a_tiny_data_set(script, bench_template):
    env = {**_script_env(), "BENCH_TEMPLATE_DATABASE": bench_template}
    result = subprocess.run([sys.executable, str(script), "--smoke"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    print(result.stdout)
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    assert re.search(r"\d", result.stdout), f"no figures printed:\n{result.stdout[-2000:]}"
