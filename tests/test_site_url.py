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
