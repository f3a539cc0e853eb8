"""Configuration from the environment: without DEBUG, a SECRET_KEY is required to serve or send."""

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def run(code_or_args: list[str], *, debug: str, secret: str | None) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in ("SECRET_KEY", "DEBUG")}
    env["DEBUG"] = debug
    if secret is not None:
        env["SECRET_KEY"] = secret
    return subprocess.run([sys.executable, *code_or_args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120)


def test_the_web_server_refuses_to_start_without_a_secret_key():
    result = run(["-c", "import tracker.wsgi"], debug="0", secret=None)
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_a_celery_worker_refuses_to_start_without_a_secret_key():
    result = run(["-m", "celery", "-A", "tracker", "worker", "--pool", "solo", "--without-mingle", "--without-gossip"], debug="0", secret=None)
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_commands_that_sign_nothing_still_run_without_a_key():
    result = run(["manage.py", "makemigrations", "--check", "--dry-run"], debug="0", secret=None)
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


def test_the_web_server_starts_with_a_key_or_in_development():
    assert run(["-c", "import tracker.wsgi"], debug="0", secret="a-real-secret").returncode == 0
    assert run(["-c", "import tracker.wsgi"], debug="1", secret=None).returncode == 0


def test_the_service_hashes_passwords_with_pbkdf2_although_the_tests_use_md5():
    """tests/conftest.py hashes test passwords with MD5 for speed; the service itself keeps Django's PBKDF2."""
    code = ("import django; django.setup(); from django.contrib.auth.hashers import get_hasher, make_password; "
            "print(get_hasher().algorithm, make_password('x').split('$')[1])")
    result = run(["-c", code], debug="0", secret="a-real-secret")
    assert result.returncode == 0, result.stderr
    algorithm, rounds = result.stdout.split()
    assert algorithm == "pbkdf2_sha256" and int(rounds) >= 600_000
    from django.contrib.auth.hashers import get_hasher

    assert get_hasher().algorithm == "md5"  # this process: the tests' own setting
