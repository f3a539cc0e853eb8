"""Every benchmark in bench/ runs, on a tiny data set (`--smoke`), so none breaks unnoticed.

Each script is found here by itself (bench/*.py): a new benchmark must accept `--smoke` (see the
README's "Benchmarks"). Its figures are printed, never asserted: the suite does not time anything;
a script fails the test only by exiting non-zero (an exception, a wrong result it checks itself).
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BENCHES = sorted(path for path in (ROOT / "bench").glob("*.py") if not path.name.startswith("_"))


def test_there_are_benchmarks_to_run():
    assert len(BENCHES) >= 6, BENCHES


@pytest.mark.slow
@pytest.mark.parametrize("script", BENCHES, ids=lambda path: path.stem)
def test_each_benchmark_runs_on_a_tiny_data_set(script):
    # The scripts make their own databases named after DATABASE_URL's (<name>_bench, ...), on the test server.
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run([sys.executable, str(script), "--smoke"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    print(result.stdout)
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    assert re.search(r"\d", result.stdout), f"no figures printed:\n{result.stdout[-2000:]}"
