"""Links point at the address the site is served on; an explicit SITE_URL wins."""

import subprocess
import sys
from pathlib import Path

import pytest

from tracker.devserver import child_env, site_url

BASE_DIR = Path(__file__).resolve().parent.parent


def test_make_run_passes_its_port_to_the_server_and_the_worker(monkeypatch):
    monkeypatch.delenv("SITE_URL", raising=False)
    assert child_env("127.0.0.1", "9000")["SITE_URL"] == "http://127.0.0.1:9000"
    assert site_url("0.0.0.0", "9000") == "http://127.0.0.1:9000"  # noqa: S104 - a wildcard bind is reached on loopback
    assert site_url("::1", "9000") == "http://[::1]:9000"
    makefile = (BASE_DIR / "Makefile").read_text()
    assert "-m tracker.devserver --host $(HOST) --port $(PORT)" in makefile


def test_an_explicit_site_url_wins_over_the_served_address(monkeypatch):
    monkeypatch.setenv("SITE_URL", "https://tracker.example.org")
    assert child_env("127.0.0.1", "9000")["SITE_URL"] == "https://tracker.example.org"


def test_settings_know_whether_site_url_was_given():
    code = "from django.conf import settings; print(settings.SITE_URL, settings.SITE_URL_EXPLICIT)"
    def run(**env):
        import os

        clean = {k: v for k, v in os.environ.items() if k != "SITE_URL"} | env | {"DJANGO_SETTINGS_MODULE": "tracker.settings"}
        return subprocess.run([sys.executable, "-c", f"import django; django.setup(); {code}"], cwd=BASE_DIR, env=clean,
                              capture_output=True, text=True, timeout=60, check=True).stdout.split()
    assert run() == ["http://127.0.0.1:8000", "False"]
    assert run(SITE_URL="https://tracker.example.org/") == ["https://tracker.example.org", "True"]


@pytest.mark.django_db
def test_pages_and_the_api_use_the_served_host_unless_site_url_is_set(client, settings, seed):
    from commitments.models import Party

    settings.SITE_URL_EXPLICIT = False
    party = Party.objects.get(slug="russia")
    assert client.get(f"/api/v1/parties/{party.pk}/").json()["url"] == "http://testserver/parties/russia/"
    settings.SITE_URL, settings.SITE_URL_EXPLICIT = "https://tracker.example.org", True
    assert client.get(f"/api/v1/parties/{party.pk}/").json()["url"] == "https://tracker.example.org/parties/russia/"
    statement = client.get("/api/v1/statements/?page_size=1").json()["results"][0]
    assert statement["url"].startswith("https://tracker.example.org/statements/")
    commitment = client.get("/api/v1/commitments/?page_size=1&ordering=id").json()["results"][0]
    assert commitment["url"] == f"https://tracker.example.org/statements/{commitment['statement']['slug']}/{commitment['number']}/"
    assert client.get(commitment["url"].removeprefix("https://tracker.example.org")).status_code == 200


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _dev_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    import os

    drop = ("DATABASE_URL", "REDIS_URL", "CACHE_URL", "EMAIL_URL", "SITE_URL")
    return {k: v for k, v in os.environ.items() if k not in drop} | {"DEBUG": "1", "TRACKER_VAR_DIR": str(tmp_path)} | extra


def _manage(env: dict, *args: str) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    return result


def _wait_for_file(path: Path, timeout: float = 60) -> None:
    import time

    deadline = time.monotonic() + timeout
    while not path.is_file():
        assert time.monotonic() < deadline, "make run's server never noted its address"
        time.sleep(0.1)


def test_make_run_hands_its_host_and_port_to_the_server():
    dry = subprocess.run(["make", "-n", "run", "HOST=0.0.0.0", "PORT=8811"], cwd=BASE_DIR, capture_output=True, text=True, timeout=60)
    assert "-m tracker.devserver --host 0.0.0.0 --port 8811" in dry.stdout  # noqa: S104 - what the Makefile is given
    assert "http://0.0.0.0:8811/" in dry.stdout  # noqa: S104 - the banner shows the same address


def test_commands_run_beside_make_run_link_to_its_port_and_site_url_still_wins(tmp_path):
    """create_editor and send_digests in another terminal while `PORT=... make run` serves: their links open that server."""
    import signal

    port = _free_port()
    env = _dev_env(tmp_path)
    _manage(env, "migrate", "--noinput")
    devserver = subprocess.Popen([sys.executable, "-m", "tracker.devserver", "--host", "127.0.0.1", "--port", str(port)],
                                 cwd=BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for_file(tmp_path / "served-site-url")
        editor = _manage(env, "create_editor", "ana@example.org", "--role", "editor").stdout
        assert f"http://127.0.0.1:{port}/accounts/reset/" in editor or f"http://127.0.0.1:{port}/" in editor, editor
        digest = _manage(env, "send_digests", "--to", "you@example.org").stdout
        assert f"http://127.0.0.1:{port}/subscribe/" in digest
        assert "http://127.0.0.1:8000" not in editor + digest
        explicit = _manage(_dev_env(tmp_path, SITE_URL="https://tracker.example.org"), "create_editor", "ana@example.org").stdout
        assert "https://tracker.example.org/" in explicit and str(port) not in explicit
    finally:
        devserver.send_signal(signal.SIGTERM)
        devserver.wait(timeout=60)
    assert not (tmp_path / "served-site-url").exists()  # stopped: commands fall back to the default again
    after = _manage(env, "create_editor", "ana@example.org").stdout
    assert "http://127.0.0.1:8000/" in after
