"""Benchmark of the public pages on a large data set (issue 10). Not a test: it prints figures.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker python bench/pages.py [--runs 20] [--keep] [--name NAME] [--smoke]

Creates its own database (--name, on the server of DATABASE_URL), migrates it and bulk-loads the
data set of bench/api.py (10,000 commitments in 50 statements, 100,000 status updates, 200,000
evidence links, 15,000 party assessments) plus 500 claims with verdicts, then renders each page
type through the Django test client and prints the median time (and the median CPU time of the
Django process, steadier on a shared machine), the queries per request, the first (uncached)
request after the start-up warm-up (tracker/warmup.py) with its ratio to the median, and a conditional
request answered 304; the load average before and after. Targets: under 50 ms each, constant queries
(issue 10); the overview and the changes list within 2x of a statement page's median, and the first
request of the pages that read cached aggregates (the overview, the statements and parties indexes)
within 2x of their median (issue 21).
"""

import argparse
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import psycopg

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench import api  # noqa: E402 - after the path is set
from bench.api import build, load_average, median_cpu_ms, medians_ms  # noqa: E402
from bench.support import database_create, database_drop, database_name, database_url  # noqa: E402

CLAIMS = 500


def add_claims(url: str) -> None:
    """Claims spread over the statements, each with two verdicts by the bench author."""
    now = datetime.now(UTC)
    with psycopg.connect(url, options=api.BULK_LOAD) as conn:
        author = conn.execute("SELECT id FROM auth_user WHERE username = 'bench'").fetchone()[0]
        with conn.cursor() as cur, cur.copy("COPY commitments_claim (id, statement_id, source_id, title, quote, verdict, verdict_rationale, "
                                            "verdict_at, created_at, updated_at) FROM STDIN") as out:
            for i in range(1, CLAIMS + 1):
                statement = 1 + i % api.STATEMENTS
                out.write_row((i, statement, statement, f"Claim {i}", f"Trade grew {i} percent in the first year.", "accurate",
                               "Customs figures agree.", now, now, now))
        verdicts = ("COPY commitments_verdictupdate (claim_id, verdict, rationale, author_id, recorded_at, review_state, review_comment, "
                    "published_at) FROM STDIN")
        with conn.cursor() as cur, cur.copy(verdicts) as out:
            for i in range(1, CLAIMS + 1):
                out.write_row((i, "misleading", "First look.", author, now, "published", "", now))
                out.write_row((i, "accurate", "Customs figures agree.", author, now, "published", "", now))
        conn.execute("SELECT setval(pg_get_serial_sequence('commitments_claim', 'id'), %s)", (CLAIMS,))
        conn.execute("ANALYZE")


def pages() -> dict[str, str]:
    statement = f"statement-{min(25, api.STATEMENTS)}"
    return {
        "overview /": "/",
        "statement (200 commitments)": f"/statements/{statement}/",
        "point": f"/statements/{statement}/10/",
        "deliverable": f"/statements/{statement}/10.2/",
        "party (10,000 bound)": "/parties/party-3/",
        "claim": "/claims/7/",
        "statements index (50)": "/statements/",
        "parties index": "/parties/",
        "claims index (first 50 of 500)": "/claims/",
        "changes (newest 50)": "/changes/",
        "changes, filtered": f"/changes/?statement={statement}&status=in_progress&party=party-2",
        "changes, page 40": f"/changes/?page={min(40, api.commitments_total() * api.UPDATES_PER_COMMITMENT // 50)}",
        "search": "/search/?q=statement+25",
        "search, filtered": "/search/?q=cooperation&status=fulfilled&party=party-2",
    }


def count_queries(client, url: str) -> int:
    from django.db import connection

    seen: list[str] = []

    def count(execute, sql, *rest):
        seen.append(sql)
        return execute(sql, *rest)

    with connection.execute_wrapper(count):  # CaptureQueriesContext is reset by request_started
        client.get(url)
    return len(seen)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--keep", action="store_true", help="Keep the bench database afterwards.")
    parser.add_argument("--name", help="The bench database's name (default: DATABASE_URL's name + _pages).")
    parser.add_argument("--smoke", action="store_true", help="tiny data, two runs: every step runs (the suite does this)")
    args = parser.parse_args()
    if args.smoke:
        global CLAIMS
        api.smoke_scale()
        args.runs, CLAIMS = 2, 20
    bench_url = database_url(args.name or database_name("pages"))
    started = time.perf_counter()
    database_create(bench_url)
    os.environ.update({
        "DATABASE_URL": bench_url, "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only"), "ALLOWED_HOSTS": "testserver",
        "DEBUG": "0", "DATABASE_CONN_MAX_AGE": "600", "CACHE_URL": os.environ.get("CACHE_URL", "locmem://"),
        "SECURE_SSL_REDIRECT": "0",  # the test client speaks plain HTTP (in production TLS ends before Django)
    })
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    try:
        call_command("migrate", verbosity=0)
        build(bench_url)
        add_claims(bench_url)
        total = api.commitments_total()
        print(f"built in {time.perf_counter() - started:.0f} s: {total:,} commitments, {total * api.UPDATES_PER_COMMITMENT:,} status changes, "
              f"{CLAIMS} claims")
        client = Client()
        # What the web server does at start-up (tracker/wsgi.py), as bench/api.py does: "first" is then
        # the first request a reader makes of a server that has just started.
        from tracker.warmup import warm

        warm()
        print(load_average())
        print(f"{'page':32s} {'median':>9s} {'cpu':>8s} {'queries':>8s} {'first':>8s} {'x median':>8s} {'304':>8s}")
        statement_ms, medians = None, {}
        for label, url in pages().items():
            first_start = time.perf_counter()
            response = client.get(url)
            first = (time.perf_counter() - first_start) * 1000  # the first reader after start-up
            assert response.status_code == 200, (url, response.status_code)
            queries = count_queries(client, url)
            [ms] = medians_ms([lambda u=url: client.get(u)], args.runs)
            cpu = median_cpu_ms(lambda u=url: client.get(u), args.runs)
            etag = response["ETag"]
            [unchanged] = medians_ms([lambda u=url, e=etag: client.get(u, HTTP_IF_NONE_MATCH=e)], args.runs)
            statement_ms = ms if label.startswith("statement (") else statement_ms
            print(f"{label:32s} {ms:7.1f} ms {cpu:5.1f} ms {queries:8d} {first:6.0f} ms {first / ms:7.1f}x {unchanged:5.1f} ms")
            medians[label] = ms
        for label in ("overview /", "changes (newest 50)", "changes, page 40"):
            print(f"{label} / statement page: {medians[label]:.1f} / {statement_ms:.1f} ms = {medians[label] / statement_ms:.2f}x")
        print(f"{load_average()}; total {time.perf_counter() - started:.0f} s")
    finally:
        connection.close()
        if not args.keep:
            database_drop(bench_url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
