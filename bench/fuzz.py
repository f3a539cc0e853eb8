"""A long fuzz of the API against a live server (issue 14). Not a test: it prints figures.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker python bench/fuzz.py [--examples 1000] [--jobs 2] [--keep] [--smoke]

Creates its own database (<name>_fuzz on the same server), migrates it and loads the seed data,
adds an Editor (alice) with an API token, and serves the app with gunicorn on a free loopback
port, DEBUG off, throttles and subscribe caps off, e-mail to a dummy backend. Then runs
schemathesis (`--checks all`, phases examples, coverage and fuzzing, up to --examples cases
per operation) twice: anonymous over every operation, and as the Editor over the write
operations (POST: there the identity changes what runs; reads are the same code for both, and
`--editor-reads` fuzzes them as the Editor too).

Prints, per run and in total: operations, test cases, requests the server answered (gunicorn's
access log), 5xx answers, and failures per schemathesis check, split into schema violations
(the response does not match the OpenAPI document) and other findings. Exits 1 if any 5xx or
schema violation was seen.
"""

import argparse
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.support import database_create, database_drop, database_name, database_url  # noqa: E402 - after the path is set

PY = sys.executable
SCHEMA_CHECKS = {"response_schema_conformance", "status_code_conformance", "content_type_conformance", "response_headers_conformance"}
EDITOR_SETUP = """
from django.contrib.auth.models import Group, User
from rest_framework.authtoken.models import Token
user = User.objects.create_user("alice", "alice@example.org", "fuzz-only", is_staff=True)
user.groups.add(Group.objects.get(name="Editors"))
print(Token.objects.create(user=user).key)
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_env(database_url: str, var_dir: str, port: int) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in ("REDIS_URL", "CACHE_URL")}
    env.update({
        "DATABASE_URL": database_url, "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": f"http://127.0.0.1:{port}", "SECURE_SSL_REDIRECT": "0", "SESSION_COOKIE_SECURE": "0", "CSRF_COOKIE_SECURE": "0",
        "TRACKER_API_THROTTLE_ANON": "", "TRACKER_API_THROTTLE_USER": "", "CACHE_URL": "locmem://", "EMAIL_URL": "dummy://",
        "TRACKER_SUBSCRIBE_PER_IP_PER_HOUR": "100000000", "TRACKER_SUBSCRIBE_PER_ADDRESS_PER_DAY": "100000000",
        "TRACKER_VAR_DIR": var_dir, "LOG_LEVEL": "ERROR",
    })
    return env


def prepare(env: dict[str, str]) -> str:
    """Migrate, load the seed data, add the Editor; return the Editor's token."""
    for args in (["migrate", "--noinput", "-v", "0"], ["load_seed", "-v", "0"]):
        subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True)
    made = subprocess.run([PY, "manage.py", "shell", "-c", EDITOR_SETUP], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    return made.stdout.strip().splitlines()[-1]


def serve(env: dict[str, str], port: int, access_log: str, error_log: str) -> subprocess.Popen:
    output = open(error_log + ".out", "w")  # noqa: SIM115 - the server's own output, open while it runs
    server = subprocess.Popen(
        [str(Path(PY).parent / "gunicorn"), "tracker.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2", "--timeout", "120",
         "--access-logfile", access_log, "--access-logformat", "%(s)s %(m)s %(U)s", "--error-logfile", error_log],
        cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
    )
    for _ in range(120):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz/", timeout=2):  # noqa: S310 - our loopback server
                return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise RuntimeError("the server did not start")


def operations(port: int, *, writes_only: bool) -> list[str]:
    """"METHOD /path" of every operation the served schema documents (only the POSTs with `writes_only`)."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/schema/?format=json", timeout=60) as answer:  # noqa: S310 - our loopback server
        paths = json.load(answer)["paths"]
    found = [f"{method.upper()} {path}" for path, item in paths.items() for method in item if method in ("get", "post", "put", "patch", "delete")]
    return sorted(name for name in found if not writes_only or name.startswith("POST "))


def fuzz(port: int, *, examples: int, token: str | None, reports: list[str], seed: int, writes_only: bool,
         phases: str = "examples,coverage,fuzzing") -> list[subprocess.CompletedProcess]:
    """One schemathesis process per report path, the operations dealt out among them (they run at once: schemathesis
    generating cases is the bottleneck, one CPU per process)."""
    command = [
        str(Path(PY).parent / "schemathesis"), "run", f"http://127.0.0.1:{port}/api/schema/?format=json",
        "--checks", "all", "--phases", phases, "-n", str(examples), "--seed", str(seed),
        "--workers", "2", "--suppress-health-check", "all", "--no-shrink", "--continue-on-failure",
        "--report", "ndjson", "--request-timeout", "60",
    ]
    if token:
        command += ["-H", f"Authorization: Token {token}"]
    names = operations(port, writes_only=writes_only)
    jobs = []
    for index, report in enumerate(reports):
        share = names[index::len(reports)]
        include = [arg for name in share for arg in ("--include-name", name)]
        jobs.append(subprocess.Popen([*command, "--report-ndjson-path", report, *include], cwd=ROOT, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True))
    done = []
    for job in jobs:
        out, err = job.communicate()
        done.append(subprocess.CompletedProcess(job.args, job.returncode, out, err))
    return done


def _events(paths: list[str]):
    """schemathesis' NDJSON events from every report, in order."""
    for path in paths:
        with open(path) as events:
            for line in events:
                try:
                    yield json.loads(line)
                except json.JSONDecodeError:  # a line still being written (a run summarised while it goes on)
                    continue


def report_summary(paths: list[str]) -> tuple[int, int, Counter, Counter]:
    """(operations, test cases, failing cases per check, failing cases per (check, finding, operation)) from schemathesis' NDJSON events."""
    operations, cases, failures, findings = set(), 0, Counter(), Counter()
    for event in _events(paths):
        finished = event.get("ScenarioFinished")
        if not finished:
            continue
        recorder = finished.get("recorder") or {}
        label = recorder.get("label")
        if label:
            operations.add(label)
        cases += len(recorder.get("cases", {}))
        for check_list in (recorder.get("checks") or {}).values():
            for check in check_list:
                if check.get("status", "").lower() == "failure":
                    failure = (check.get("failure_info") or {}).get("failure") or {}
                    failures[check["name"]] += 1
                    findings[(check["name"], failure.get("title", ""), failure.get("operation", ""))] += 1
    return len(operations), cases, failures, findings


def access_summary(path: str, since: int) -> tuple[int, int, Counter]:
    """(requests, 5xx, 5xx per path) in the access log after byte offset `since`."""
    requests, errors, where = 0, 0, Counter()
    with open(path) as log:
        log.seek(since)
        for line in log:
            status, _, rest = line.partition(" ")
            if not (len(status) == 3 and status.isascii() and status.isdigit()):
                continue  # the rest of a path with a line break in it (gunicorn logs %(U)s decoded)
            requests += 1
            if status.startswith("5"):
                errors += 1
                where[rest.strip()] += 1
    return requests, errors, where


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", type=int, default=1000, help="test cases per operation and run (default 1000)")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--keep", action="store_true", help="keep the database and logs afterwards")
    parser.add_argument("--who", choices=["anonymous", "editor", "both"], default="both")
    parser.add_argument("--editor-reads", action="store_true", help="fuzz the read operations as the Editor too")
    parser.add_argument("--jobs", type=int, default=2, help="schemathesis processes at once, the operations dealt out among them (default 2)")
    parser.add_argument("--smoke", action="store_true", help="2 generated cases an operation, no coverage phase (the suite does this)")
    args = parser.parse_args()
    if args.smoke:
        args.examples, args.jobs = 2, 1
    sys.stdout.reconfigure(line_buffering=True)  # figures appear as each run ends, also when piped to a file
    url = database_url(database_name("fuzz"))
    database_create(url)
    work = tempfile.mkdtemp(prefix="tracker-fuzz-")
    port = free_port()
    env = server_env(url, work, port)
    token = prepare(env)
    access_log, error_log = f"{work}/access.log", f"{work}/error.log"
    server = serve(env, port, access_log, error_log)
    total_5xx, total_schema, started = 0, 0, time.monotonic()
    try:
        runs = [("anonymous", None, False), ("editor (alice)", token, not args.editor_reads)]
        for who, auth, writes_only in runs:
            if args.who not in ("both", who.split()[0]):
                continue
            since = os.path.getsize(access_log)
            run_started = time.monotonic()
            reports = [f"{work}/{who.split()[0]}-{job}.ndjson" for job in range(max(1, args.jobs))]
            done = fuzz(port, examples=args.examples, token=auth, reports=reports, seed=args.seed, writes_only=writes_only,
                        phases="fuzzing" if args.smoke else "examples,coverage,fuzzing")
            count, cases, failures, findings = report_summary(reports)
            requests, errors, where = access_summary(access_log, since)
            schema = sum(n for check, n in failures.items() if check in SCHEMA_CHECKS)
            total_5xx, total_schema = total_5xx + errors, total_schema + schema
            print(f"\n== {who}: {count} operations, {cases} test cases, {requests} requests in {time.monotonic() - run_started:.0f} s")
            print(f"   5xx answers: {errors}" + "".join(f"\n     {n} x {path}" for path, n in where.most_common(10)))
            print(f"   schema violations: {schema}")
            for check, n in sorted(failures.items()):
                print(f"     {check}: {n} failing case(s)" + ("" if check in SCHEMA_CHECKS else " (not a schema violation)"))
            for (check, title, operation), n in sorted(findings.items()):
                print(f"       {n:5} {check}: {title} on {operation}")
            for job in done:
                if job.returncode not in (0, 1):
                    print(job.stdout[-3000:], job.stderr[-3000:])
    finally:
        server.terminate()
        server.wait(timeout=30)
        if not args.keep:
            database_drop(url)
    print(f"\nTotal: {total_5xx} server errors, {total_schema} schema violations in {time.monotonic() - started:.0f} s"
          + (f" (logs in {work})" if args.keep else ""))
    return 1 if total_5xx or total_schema else 0


if __name__ == "__main__":
    sys.exit(main())
