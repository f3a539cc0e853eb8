# ruff: noqa: F811  (fixtures imported from tests.checks_helpers and tests.intake_support)
"""URL intake runs off the web request: a real Celery worker reads a real, slow local page while the admin
page and the API answer at once and poll. Also: the page's title, publisher and date fill the source's fields,
and a page that cannot be read says why in words, beside the URL field."""

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from redis import Redis

from commitments.intake.services import slug_cut
from commitments.models import IntakeJob, Statement
from tests.api_support import client_for
from tests.checks_helpers import loopback_allowed, origins  # noqa: F401
from tests.checks_server import Response
from tests.intake_support import intake_staff, tasks_inline  # noqa: F401

pytest_plugins = ["tests.api_support"]
BASE_DIR = Path(__file__).resolve().parent.parent
URL = "/admin/commitments/statement/intake/"
READOUT = ("The two ministers agreed to strengthen cooperation in three areas. First, they will support public health. "
           "Second, they will expand trade. Third, they will protect the environment. Trade grew by about 90% last year.")
HEADLINE = "Wang Yi holds talks with the Foreign Minister of Kazakhstan"
PAGE = (f"<html lang=\"en\"><head><title>{HEADLINE} - Ministry of Foreign Affairs</title>"
        "<meta property=\"og:site_name\" content=\"Ministry of Foreign Affairs\">"
        "<meta property=\"article:published_time\" content=\"2020-09-16T10:00:00+08:00\"></head>"
        f"<body><nav>Menu Home About</nav><article><h1>{HEADLINE}</h1><p>{READOUT}</p></article></body></html>")
SLOW = 8.0  # seconds the page takes: far beyond what a web request may wait
QUICK = 3.5  # TRACKER_INTAKE_WAIT (2 s, the longest a request waits for a quick page) + 1.5 s of the request's own work on a busy two-core machine


class Worker:
    """A real `celery worker` on this run's Redis broker and test database."""

    def __init__(self, tmp_path: Path) -> None:
        s = connection.settings_dict
        self.log = tmp_path / "worker.log"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "tracker", "worker", "--pool", "solo", "--loglevel", "INFO",
             "--hostname", f"intake-{os.getpid()}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=BASE_DIR, stdout=self.log.open("w"), stderr=subprocess.STDOUT, start_new_session=True,
            env={**os.environ, "DATABASE_URL": f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}", "DEBUG": "0",
                 "TRACKER_VAR_DIR": str(tmp_path), "TRACKER_CHECK_ALLOWED_NETWORKS": "127.0.0.0/8"},
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)


@pytest.fixture
def worker(transactional_db, tmp_path, settings, loopback_allowed):
    Redis.from_url(settings.REDIS_URL).flushdb()  # this run's own Redis database: no message left from another test
    started = Worker(tmp_path)
    yield started
    started.stop()


def _timed(call) -> tuple[float, object]:
    began = time.monotonic()
    result = call()
    return time.monotonic() - began, result


def _until(condition, *, seconds: float, worker: Worker):
    deadline = time.monotonic() + seconds
    while not (found := condition()):
        assert time.monotonic() < deadline, worker.log.read_text()[-3000:]
        time.sleep(0.25)
    return found


def test_the_api_answers_a_slow_url_at_once_and_the_job_is_polled_to_its_result(worker, origins, intake_staff):
    origins.route("/intake/slow-api.html", Response(body=PAGE, delay=SLOW))
    api = client_for(intake_staff)
    took, response = _timed(lambda: api.post("/api/v1/intake/", {"url": origins.url("/intake/slow-api.html")}, format="json"))
    assert response.status_code == 202 and took < QUICK, (response.status_code, took)
    job = response.json()
    assert job["status"] in ("pending", "running") and response["Location"] == job["poll"]
    poll = job["poll"].removeprefix("http://testserver")
    done = _until(lambda: (b := api.get(poll).json())["status"] in ("done", "failed") and b, seconds=60, worker=worker)
    assert done["status"] == "done", done
    [found] = done["result"]["sets"]
    assert len(found["points"]) == 3 and all(done["result"]["text"][p["start"]:p["end"]] == p["quote"] for p in found["points"])
    assert done["result"]["page"] == {"title": HEADLINE,
                                      "publisher": "Ministry of Foreign Affairs", "published_on": "2020-09-16", "language": "en"}
    assert origins.hits("/intake/slow-api.html") == 1


def test_a_quick_url_is_still_answered_in_one_call(worker, origins, intake_staff):
    """Backwards compatible: a page read within TRACKER_INTAKE_WAIT answers 200 with the extraction, as before jobs."""
    origins.route("/intake/quick.html", Response(body=PAGE))
    api = client_for(intake_staff)
    api.post("/api/v1/intake/", {"text": READOUT}, format="json")  # warm up the worker's first task in the background
    response = _until(lambda: (r := api.post("/api/v1/intake/", {"url": origins.url("/intake/quick.html")}, format="json"))
                      .status_code == 200 and r, seconds=30, worker=worker)
    assert len(response.json()["sets"][0]["points"]) == 3 and response.json()["text"].count("First, they will support public health.") == 1


def test_the_admin_page_answers_a_slow_url_at_once_and_shows_the_review_when_read(worker, origins, intake_staff, client):
    origins.route("/intake/slow-admin.html", Response(body=PAGE, delay=SLOW))
    client.force_login(intake_staff)
    took, response = _timed(lambda: client.post(URL, {"url": origins.url("/intake/slow-admin.html"), "text": "", "extract": "1"}))
    assert response.status_code == 302 and took < QUICK, (response.status_code, took)
    took, reading = _timed(lambda: client.get(response["Location"]))
    assert took < QUICK and "Reading http://127.0.0.1" in reading.content.decode()
    assert '<meta http-equiv="refresh" content="1">' in reading.content.decode()  # the page polls by itself, no script needed
    review = _until(lambda: "Accept and save" in (page := client.get(response["Location"]).content.decode()) and page, seconds=60, worker=worker)
    # No typed title or publisher: they come from the page, editable.
    assert re.search(f'name="title" value="{HEADLINE}"', review)
    assert re.search(r'name="publisher" value="Ministry of Foreign Affairs"', review)
    assert re.search(r'name="published_on" value="2020-09-16"', review)
    assert "3 of 3 announced points" in review


@pytest.mark.usefixtures("tasks_inline")
def test_a_refused_address_is_explained_beside_the_url_field_naming_the_setting(client, intake_staff, settings):
    settings.TRACKER_CHECK_ALLOWED_NETWORKS = []
    client.force_login(intake_staff)
    response = client.post(URL, {"url": "http://127.0.0.1:9/statement", "text": "", "extract": "1"}, follow=True)
    page = response.content.decode()
    row = re.search(r'<div class="form-row errors" id="row-url">(.*?)</div>\s*</div>', page, re.S)[1]
    assert "127.0.0.1 is a private or local address" in row and "TRACKER_CHECK_ALLOWED_NETWORKS" in row
    assert "Errno" not in page and "refused (" not in page
    assert 'value="http://127.0.0.1:9/statement"' in row  # the address stays in its field, to correct it
    assert IntakeJob.objects.get().state == IntakeJob.State.FAILED


@pytest.mark.usefixtures("tasks_inline")
def test_an_unknown_name_is_said_in_words(client, intake_staff):
    client.force_login(intake_staff)
    response = client.post(URL, {"url": "http://no-such-host.invalid/statement", "text": "", "extract": "1"}, follow=True)
    assert "No website answers to the name no-such-host.invalid" in response.content.decode()
    assert "dns_error" not in response.content.decode()


def test_a_job_is_only_its_requester_s(intake_staff, alice, db):
    job = IntakeJob.objects.create(url="https://example.org/", requested_by=intake_staff)
    assert client_for(intake_staff).get(f"/api/v1/intake/jobs/{job.pk}/").status_code == 200
    assert client_for(alice).get(f"/api/v1/intake/jobs/{job.pk}/").status_code == 404


def test_slugs_are_cut_between_words(db):
    assert slug_cut("China + Central Asia: the five Central Asian ministers' three-point proposal") == "china-central-asia-the-five-central"
    assert slug_cut("Anti-pandemic cooperation with Russia, Kazakhstan, Kyrgyzstan and Mongolia") == "anti-pandemic-cooperation-with-russia"
    assert slug_cut("Short title") == "short-title"
    assert len(slug_cut("x" * 60)) == 40  # one word longer than a slug: cut, since there is no word boundary
    assert Statement._meta.get_field("slug").max_length >= 40


def test_the_openapi_schema_documents_the_202_and_the_job(client, db):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    document = response.json()
    intake = document["paths"]["/api/v1/intake/"]["post"]
    assert {"200", "202", "400"} <= set(intake["responses"]) and "TRACKER_INTAKE_WAIT" in intake["description"]
    job = document["paths"]["/api/v1/intake/jobs/{job_id}/"]["get"]
    assert "200" in job["responses"] and "404" in job["responses"]


def test_old_jobs_are_dropped_when_a_new_one_starts(intake_staff, db):
    from datetime import timedelta

    from django.utils import timezone

    from commitments.intake.jobs import KEEP, intake_job_create

    old = IntakeJob.objects.create(url="https://example.org/old", requested_by=intake_staff, text="a long page")
    IntakeJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - KEEP - timedelta(minutes=1))
    recent = IntakeJob.objects.create(url="https://example.org/recent", requested_by=intake_staff)
    new = intake_job_create(url="https://example.org/new", user=intake_staff)
    assert set(IntakeJob.objects.values_list("pk", flat=True)) == {recent.pk, new.pk}
