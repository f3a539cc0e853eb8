"""`make run` mode: SQLite, no Redis, console e-mail. The jobs must work there too, not only on PostgreSQL."""

import json
import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def manage(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "REDIS_URL", "CACHE_URL", "EMAIL_URL")}
    env.update(DEBUG="1", TRACKER_VAR_DIR=str(tmp_path), TRACKER_CHECK_ALLOWED_NETWORKS="")
    return subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120)


def test_the_seeded_sqlite_site_runs_every_job_by_hand(tmp_path):
    for args in (["migrate", "--noinput"], ["load_seed", "--if-empty"], ["check_integrity"]):
        result = manage(tmp_path, *args)
        assert result.returncode == 0, result.stderr
    assert (tmp_path / "tracker.sqlite3").exists()

    # A loopback URL: refused by the SSRF guard, which is an outcome, not a crash.
    checked = manage(tmp_path, "check_sources", "--url", "http://127.0.0.1:9/")
    assert checked.returncode == 0, checked.stderr
    assert json.loads(checked.stdout)["outcome"] == "refused"
    assert manage(tmp_path, "check_sources", "--all").returncode == 0  # syncs the linked URLs: a UNION on SQLite
    due = manage(tmp_path, "check_sources", "--due")  # a run: claims per origin without PostgreSQL's window query
    assert due.returncode == 0 and "0 URLs checked" in due.stdout, due.stderr

    digest = manage(tmp_path, "send_digests", "--to", "you@example.org")
    assert digest.returncode == 0, digest.stderr
    assert "To: you@example.org" in digest.stdout and "Content-Type: text/html" in digest.stdout
