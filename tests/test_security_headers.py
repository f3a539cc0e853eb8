"""Deployment settings: HTTPS, HSTS, Secure cookies and a Content-Security-Policy that every page works under (issue 14)."""

import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from commitments.models import Commitment, MonitoredUrl, Status, Subscriber
from commitments.services import status_update_record
from tests.cdp import Browser

BASE_DIR = Path(__file__).resolve().parent.parent

# The production environment the README documents (Configuration, "In production").
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "kV7mQ2x9LrT4pW8zN1cY6bH3jF5sD0gA-uE_iO2qR7tK9wM4nB8vC1xZ3lP6yS",
    "ALLOWED_HOSTS": "tracker.example.org",
    "SITE_URL": "https://tracker.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://tracker.example.org",
}


def settings_in(env: dict[str, str], *names: str) -> list[str]:
    """The values of `names` in a fresh process with only `env` (plus the database) set."""
    base = {key: value for key, value in os.environ.items() if not key.startswith(("SECURE_", "SESSION_", "CSRF_", "CONTENT_SECURITY"))}
    code = "from django.conf import settings; import django; django.setup(); " + "; ".join(f"print(repr(settings.{name}))" for name in names)
    result = subprocess.run([sys.executable, "-c", code], cwd=BASE_DIR, env={**base, "DJANGO_SETTINGS_MODULE": "tracker.settings", **env},
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout.split("\n")[:-1]


def test_check_deploy_is_clean_with_the_documented_production_environment():
    base = {key: value for key, value in os.environ.items() if not key.startswith(("SECURE_", "SESSION_", "CSRF_", "CONTENT_SECURITY"))}
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], cwd=BASE_DIR,
                            env={**base, **PRODUCTION}, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_defaults_are_https_only_and_development_is_not():
    names = ["SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"]
    assert settings_in(PRODUCTION, *names) == ["True", "31536000", "True", "True", "True"]
    assert settings_in({"DEBUG": "1"}, *names) == ["False", "0", "False", "False", "False"]
    local = settings_in({**PRODUCTION, "SECURE_SSL_REDIRECT": "0", "SECURE_HSTS_SECONDS": "0", "SESSION_COOKIE_SECURE": "0"}, *names[:2], names[3])
    assert local == ["False", "0", "False"]
    assert settings_in({**PRODUCTION, "CONTENT_SECURITY_POLICY": "default-src 'none'"}, "CONTENT_SECURITY_POLICY") == ['"default-src \'none\'"']


def test_plain_http_is_redirected_to_https_except_the_health_check(client, settings, db):
    settings.SECURE_SSL_REDIRECT, settings.SECURE_HSTS_SECONDS = True, 31536000
    response = client.get("/api/v1/")
    assert response.status_code == 301 and response["Location"] == "https://testserver/api/v1/"
    assert client.get("/healthz/").status_code == 200
    secure = client.get("/api/v1/", secure=True)
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


@pytest.mark.parametrize("path", ["/", "/api/v1/", "/api/docs/", "/admin/login/", "/subscribe/"])
def test_every_page_carries_the_content_security_policy(path, client, settings, db):
    response = client.get(path)
    assert response["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY
    assert "script-src" not in settings.CONTENT_SECURITY_POLICY and "unsafe-inline" not in settings.CONTENT_SECURITY_POLICY
    assert response["X-Frame-Options"] == "DENY" and response["X-Content-Type-Options"] == "nosniff"


def test_the_policy_can_be_changed_or_turned_off(client, settings, db):
    settings.CONTENT_SECURITY_POLICY, settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = "", "default-src 'none'"
    response = client.get("/")
    assert "Content-Security-Policy" not in response and response["Content-Security-Policy-Report-Only"] == "default-src 'none'"


def console_problem(message: dict) -> str:
    """What a DevTools event reports as wrong with the page: a CSP violation, a console error, an uncaught exception."""
    params = message.get("params", {})
    # No icon is served: its 404 is not the page's fault.
    if message.get("method") == "Log.entryAdded" and params["entry"]["level"] == "error" and not params["entry"].get("url", "").endswith(
        "/favicon.ico"
    ):
        return params["entry"]["text"]
    if message.get("method") == "Runtime.exceptionThrown":
        details = params["exceptionDetails"]
        return f'{details.get("text", "exception")} {details.get("exception", {}).get("description", "")} ({details.get("url", "")})'.strip()
    if message.get("method") == "Runtime.consoleAPICalled" and params["type"] == "error":
        return " ".join(str(arg.get("value", "")) for arg in params["args"])
    return ""


class ConsoleBrowser(Browser):
    """tests.cdp's Browser, keeping every problem the console reports (events are cleared on each navigation)."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        super().__init__()
        self.page("Runtime.enable")
        self.page("Log.enable")
        self.page("Page.setLifecycleEventsEnabled", enabled=True)

    def go_until_idle(self, url: str, timeout: float = 30) -> None:
        """Open `url` and wait until its network is idle (Chromium's networkIdle: no request for 500 ms
        after the load), so the reports of its frames and late loads have come in."""
        self.events.clear()
        loader = self.page("Page.navigate", url=url)["loaderId"]
        deadline = time.monotonic() + timeout
        while not any(event.get("method") == "Page.lifecycleEvent" and event["params"]["name"] == "networkIdle"
                      and event["params"]["loaderId"] == loader for event in self.events):
            self.events.append(self._read(deadline))

    def _read(self, deadline: float) -> dict:
        message = super()._read(deadline)
        if problem := console_problem(message):
            self.problems.append(problem)
        return message

    def wait_until(self, expression: str, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while not self.js(expression):
            assert time.monotonic() < deadline, f"still false after {timeout} s: {expression}"
            time.sleep(0.2)


@pytest.fixture
def chromium():
    browser = ConsoleBrowser()
    yield browser
    browser.close()


def test_swagger_ui_the_admin_and_the_dashboard_work_under_the_policy_in_chromium(live_server, admin_user, client, chromium):
    call_command("load_seed", verbosity=0)
    point = Commitment.objects.filter(parent=None).first()
    status_update_record(commitment=point, status=Status.IN_PROGRESS, effective_on=date(2021, 9, 1), rationale="Under way.", author=admin_user)
    subscriber = Subscriber.objects.create(email="kz@example.org")
    MonitoredUrl.objects.create(url="https://example.org/a", added_at=point.created_at, next_check_at=point.created_at)
    client.force_login(admin_user)
    chromium.set_cookie(name="sessionid", value=client.cookies["sessionid"].value, url=live_server.url)

    chromium.go(live_server.url + "/api/docs/")
    chromium.wait_until("document.querySelectorAll('.opblock').length > 20")  # Swagger UI read the schema and drew it
    problems = {"/api/docs/": chromium.problems}
    for path in ["/admin/", "/admin/commitments/commitment/", f"/admin/commitments/commitment/{point.pk}/change/",
                 "/admin/commitments/monitoredurl/", f"/admin/commitments/subscriber/{subscriber.pk}/preview/?week=2021-W35",
                 "/admin/commitments/statement/intake/", reverse("review-queue"), "/subscribe/", "/"]:
        chromium.problems = []
        chromium.go_until_idle(live_server.url + path)  # late reports (the preview's frame) arrive after the load event
        assert chromium.js("document.title") and "Log in" not in chromium.js("document.title"), path
        assert chromium.js("document.styleSheets.length") >= 1, path  # its stylesheet loaded
        problems[path] = chromium.problems
    assert problems == {path: [] for path in problems}, {path: sorted({text[:90] for text in found}) for path, found in problems.items()}
