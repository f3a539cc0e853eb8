"""Benchmark of the dashboard API on a large data set (issue 3). Not a test: it prints figures.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker python bench/api.py [--runs 30] [--keep] [--smoke]

Creates its own database (<name>_bench on the same server), migrates it, bulk-loads 10,000
commitments (50 statements), 100,000 status updates and 200,000 evidence links with COPY,
then measures through the Django test client the median latency of:
  the commitments list (100 a page), the stats (unfiltered and filtered), the status-over-time
  series, the compliance matrix; the stats' computation without the cache (the selector itself);
  and the floor: the same 100 list rows fetched by ONE SQL query through psycopg and
  serialised with orjson. Each endpoint's runs alternate with runs of the floor, so a busy
  machine slows both alike and the ratio stays meaningful. Prints each median, its ratio to
  the floor, the median CPU time of this process per request (Python's share; PostgreSQL's is
  not in it), its queries per request, and its first request in this process after the start-up
  warm-up (tracker/warmup.py) with its ratio to the median; the load average before and after.
Targets (issues 13 and 21): the list within 2x of the floor; stats, status over time and the
compliance matrix each under 20 ms; every first request of a cached aggregate within 2x of its
median (the unfiltered ones are warmed at start-up; a filter's or a range's first request computes).
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import orjson
import psycopg

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.support import database_create, database_drop, database_name, database_url  # noqa: E402 - after the path is set

STATEMENTS, POINTS, DELIVERABLES_PER_POINT = 50, 50, 3  # 50 x (50 + 150) = 10,000 commitments
UPDATES_PER_COMMITMENT, LINKS_PER_COMMITMENT, EVIDENCE_ROWS = 10, 20, 50_000
STATUSES = ["not_started", "in_progress", "partially_fulfilled", "fulfilled", "stalled", "broken", "not_assessable"]
DAY0 = date(2022, 1, 3)


def smoke_scale() -> None:
    """--smoke: the same data set in miniature (800 commitments), for the suite's run of every benchmark."""
    global STATEMENTS, POINTS, UPDATES_PER_COMMITMENT, LINKS_PER_COMMITMENT, EVIDENCE_ROWS
    STATEMENTS, POINTS, UPDATES_PER_COMMITMENT, LINKS_PER_COMMITMENT, EVIDENCE_ROWS = 8, 25, 3, 3, 500


def commitments_total() -> int:
    return STATEMENTS * POINTS * (1 + DELIVERABLES_PER_POINT)


def copy(conn, table: str, columns: list[str], rows) -> None:
    with conn.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as out:
        for row in rows:
            out.write_row(row)

# Loads history rows already reviewed: the history trigger allows it to this session only (migration 0022).
BULK_LOAD = "-c commitments.bulk_load=on"


def build(url: str) -> None:
    rnd = random.Random(7)
    now = datetime.now(UTC)
    with psycopg.connect(url, options=BULK_LOAD) as conn:
        author = conn.execute(
            "INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email, is_staff, is_active, date_joined) "
            "VALUES ('!', false, 'bench', '', '', '', true, true, now()) RETURNING id"
        ).fetchone()[0]
        parties = [(i, f"party-{i}", f"Party {i}", "country", "") for i in range(1, 8)]
        copy(conn, "commitments_party", ["id", "slug", "name", "kind", "iso_code"], parties)
        copy(conn, "commitments_theme", ["id", "slug", "name"], [(i, f"theme-{i}", f"Theme {i}") for i in range(1, 11)])
        copy(conn, "commitments_source", ["id", "slug", "title", "publisher", "published_on", "language", "is_translation", "original_language",
                                          "url", "full_text", "created_at", "updated_at"],
             [(i, f"source-{i}", f"Source {i}", "Publisher", DAY0, "en", False, "", f"https://example.org/{i}", "", now, now)
              for i in range(1, STATEMENTS + 1)])
        copy(conn, "commitments_statement", ["id", "slug", "title", "announced_by", "announcing_party_id", "announced_on", "meeting",
                                             "announced_count", "count_kind", "announcement", "created_at", "updated_at"],
             [(i, f"statement-{i}", f"Statement {i}", "A leader", 1 + i % 7, DAY0 - timedelta(days=i), "", POINTS, "announced", "", now, now)
              for i in range(1, STATEMENTS + 1)])
        copy(conn, "commitments_statement_parties", ["statement_id", "party_id"], [(s, p) for s in range(1, STATEMENTS + 1) for p in range(1, 8)])
        copy(conn, "commitments_statement_sources", ["statement_id", "source_id"], [(s, s) for s in range(1, STATEMENTS + 1)])
        commitments, cid = [], 0
        for s in range(1, STATEMENTS + 1):
            for p in range(1, POINTS + 1):
                cid += 1
                point = cid
                commitments.append([cid, s, None, p, f"Point {p} of statement {s}"])
                for d in range(1, DELIVERABLES_PER_POINT + 1):
                    cid += 1
                    commitments.append([cid, s, point, d, f"Deliverable {p}.{d}"])
        updates, uid, latest = [], 0, {}
        for c in commitments:
            day = DAY0
            for _ in range(UPDATES_PER_COMMITMENT):
                uid += 1
                day += timedelta(days=rnd.randint(1, 70))
                status = rnd.choice(STATUSES)
                updates.append((uid, c[0], status, day, "Because.", author, now, "published", author, now, "", now))
                latest[c[0]] = (status, day)
        copy(conn, "commitments_commitment", ["id", "statement_id", "parent_id", "ordinal", "title", "source_id", "quote", "status", "status_since",
                                              "target_date", "created_at", "updated_at"],
             ((c[0], c[1], c[2], c[3], c[4], c[1], "They will strengthen cooperation in four areas.", *latest[c[0]],
               DAY0 + timedelta(days=rnd.randint(100, 1500)), now, now - timedelta(seconds=rnd.randint(0, 10**7))) for c in commitments))
        review = ["review_state", "reviewer_id", "reviewed_at", "review_comment", "published_at"]  # all published, as in review's end state
        copy(conn, "commitments_statusupdate", ["id", "commitment_id", "status", "effective_on", "rationale", "author_id", "recorded_at", *review],
             updates)
        copy(conn, "commitments_commitment_parties", ["commitment_id", "party_id"],
             ((c[0], p) for c in commitments for p in rnd.sample(range(1, 8), 3)))
        copy(conn, "commitments_commitment_themes", ["commitment_id", "theme_id"],
             ((c[0], t) for c in commitments for t in rnd.sample(range(1, 11), 2)))
        copy(conn, "commitments_evidence", ["id", "url", "title", "publisher", "published_on", "excerpt", "stance", "created_at", "updated_at"],
             ((i, f"https://news.example.org/{i}", f"Report {i}", "News", DAY0 + timedelta(days=i % 900), "", "supports",
               now - timedelta(seconds=i), now) for i in range(1, EVIDENCE_ROWS + 1)))
        copy(conn, "commitments_evidence_commitments", ["evidence_id", "commitment_id"],
             ((e, c[0]) for c in commitments for e in rnd.sample(range(1, EVIDENCE_ROWS + 1), LINKS_PER_COMMITMENT)))
        # Assessments of the numbered points by their parties: two rounds each.
        pairs = conn.execute("SELECT cp.commitment_id, cp.party_id FROM commitments_commitment_parties cp "
                             "JOIN commitments_commitment c ON c.id = cp.commitment_id WHERE c.parent_id IS NULL").fetchall()
        copy(conn, "commitments_partyassessment", ["commitment_id", "party_id", "score", "assessed_on", "rationale", "author_id", "recorded_at",
                                                   *review],
             ((c, p, rnd.choice((-1, 0, 1)), DAY0 + timedelta(days=180 * r), "Scored.", author, now, "published", author, now, "", now)
              for c, p in pairs for r in (1, 2)))
        # Rows were loaded with their ids: the sequences follow, so that the app can add rows (a publication, below).
        for table in ("party", "theme", "source", "statement", "commitment", "statusupdate", "evidence"):
            conn.execute(f"SELECT setval(pg_get_serial_sequence('commitments_{table}', 'id'), (SELECT max(id) FROM commitments_{table}))")
        conn.execute("ANALYZE")
        conn.commit()
    # The derived status intervals, by the same code as the migration and the repair command.
    from commitments.intervals import intervals_rebuild
    from commitments.models import Commitment, StatusInterval, StatusUpdate

    intervals_rebuild(commitment_model=Commitment, update_model=StatusUpdate, interval_model=StatusInterval)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("ANALYZE commitments_statusinterval")


FLOOR_SQL = """
SELECT c.id, c.ordinal, c.title, c.quote, c.statement_id, s.slug, s.title, c.source_id, c.parent_id, p.ordinal,
       c.status, c.status_since, c.target_date, c.created_at, c.updated_at,
       ARRAY(SELECT d.id FROM commitments_commitment d WHERE d.parent_id = c.id ORDER BY d.ordinal, d.id),
       ARRAY(SELECT pa.slug FROM commitments_commitment_parties cp JOIN commitments_party pa ON pa.id = cp.party_id WHERE cp.commitment_id = c.id
             ORDER BY pa.name, pa.id),
       ARRAY(SELECT t.slug FROM commitments_commitment_themes ct JOIN commitments_theme t ON t.id = ct.theme_id WHERE ct.commitment_id = c.id
             ORDER BY t.name, t.id),
       (SELECT count(*) FROM commitments_evidence_commitments ec WHERE ec.commitment_id = c.id),
       le.id, le.url, le.title, le.publisher, le.published_on, le.stance,
       (SELECT json_agg(json_build_array(r.id, r.source_id, rs.title, r.text, r.start, r."end", r.language, r.is_translation,
                                         r.translator, r.is_primary)
                        ORDER BY r.is_primary DESC, rs.published_on, r.source_id, r.start, r.id)
        FROM commitments_rendering r JOIN commitments_source rs ON rs.id = r.source_id WHERE r.commitment_id = c.id),
       (SELECT json_agg(json_build_array(l.kind, l.from_commitment_id = c.id, o.id, o.ordinal, op.ordinal, o.title, os.id, os.slug,
                                         os.title, l.rationale, l.source_id) ORDER BY l.from_commitment_id, l.kind, l.to_commitment_id)
        FROM commitments_commitmentlink l
        JOIN commitments_commitment o ON o.id = CASE WHEN l.from_commitment_id = c.id THEN l.to_commitment_id ELSE l.from_commitment_id END
        LEFT JOIN commitments_commitment op ON op.id = o.parent_id JOIN commitments_statement os ON os.id = o.statement_id
        WHERE l.from_commitment_id = c.id OR l.to_commitment_id = c.id)
FROM (SELECT * FROM commitments_commitment ORDER BY id LIMIT 100 OFFSET %s) c
JOIN commitments_statement s ON s.id = c.statement_id
LEFT JOIN commitments_commitment p ON p.id = c.parent_id
LEFT JOIN LATERAL (
    SELECT e.* FROM commitments_evidence_commitments ec JOIN commitments_evidence e ON e.id = ec.evidence_id
    WHERE ec.commitment_id = c.id ORDER BY e.created_at DESC, e.id DESC LIMIT 1
) le ON true
ORDER BY c.id
"""


RENDERING_KEYS = ("id", "source", "source_title", "text", "start", "end", "language", "is_translation", "translator", "is_primary")


def _number(r) -> str:
    return str(r[1]) if r[8] is None else f"{r[9]}.{r[1]}"


def floor_once(conn, offset: int, labels: dict[str, str], api_prefix: str, link_labels: dict) -> bytes:
    from django.utils import timezone

    from commitments.deadlines import overdue_since

    today = timezone.now().date()  # as the list does
    rows = conn.execute(FLOOR_SQL, (offset,)).fetchall()
    return orjson.dumps([{
        "id": r[0], "url": f"http://testserver/statements/{r[5]}/{_number(r)}/", "api_url": f"{api_prefix}{r[0]}/", "number": _number(r),
        "ordinal": r[1], "title": r[2], "quote": r[3],
        "statement": {"id": r[4], "slug": r[5], "title": r[6]}, "source": r[7], "parent": r[8], "deliverables": r[15],
        "status": r[10], "status_label": labels[r[10]], "status_since": r[11], "target_date": r[12],
        "overdue_since": overdue_since(status=r[10], target_date=r[12], today=today),
        "responsible_parties": r[16], "parties": r[16], "themes": r[17], "evidence_count": r[18],
        "latest_evidence": r[19] and {"id": r[19], "url": r[20], "title": r[21], "publisher": r[22], "published_on": r[23], "stance": r[24]},
        "renderings": (renderings := [dict(zip(RENDERING_KEYS, v, strict=True)) for v in r[25] or ()]),
        "translation_only": bool(renderings) and all(x["is_translation"] for x in renderings),
        "links": [{
            "kind": v[0], "direction": "out" if v[1] else "in", "label": link_labels[v[0], v[1]], "commitment": v[2],
            "number": str(v[3]) if v[4] is None else f"{v[4]}.{v[3]}", "title": v[5], "statement": {"id": v[6], "slug": v[7], "title": v[8]},
            "rationale": v[9], "source": v[10],
        } for v in r[26] or ()],
        "created_at": r[13], "updated_at": r[14],
    } for r in rows], option=orjson.OPT_UTC_Z)


def _ms(fn) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def median_cpu_ms(fn, runs: int) -> float:
    """This process's CPU time per call (Python and rendering; the database's own work is not in it): steadier than wall time on a busy machine."""
    times = []
    for _ in range(runs):
        start = time.process_time()
        fn()
        times.append((time.process_time() - start) * 1000)
    return statistics.median(times)


def load_average() -> str:
    return "load average " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def medians_ms(fns: list, runs: int) -> list[float]:
    """Each function's median over `runs`, their runs interleaved (after one warm-up call each)."""
    for fn in fns:
        fn()
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(runs):
        for fn, seen in zip(fns, times, strict=True):
            seen.append(_ms(fn))
    return [statistics.median(seen) for seen in times]


def publication(client) -> None:
    """A reviewer publishes one status change: how long the approval takes (the unfiltered aggregates are
    computed again once it commits), and whether the next reader's stats show it from the cache (one query)."""
    from django.contrib.auth.models import User
    from django.db import connection

    from commitments.models import Commitment, Status
    from commitments.review.services import proposal_approve
    from commitments.services import status_update_record

    author = User.objects.get(username="bench")
    reviewer = User.objects.create_superuser("bench-reviewer", "", None)
    commitment = Commitment.objects.exclude(status=Status.STALLED).order_by("id").first()
    before = client.get("/api/v1/stats/").json()["by_status"][Status.STALLED]
    row = status_update_record(commitment=commitment, status=Status.STALLED, effective_on=date.today(), rationale="Bench.", author=author)
    approval = _ms(lambda: proposal_approve(row=row, reviewer=reviewer))
    queries: list[str] = []

    def count(execute, sql, *rest):
        queries.append(sql)
        return execute(sql, *rest)

    with connection.execute_wrapper(count):
        start = time.perf_counter()
        after = client.get("/api/v1/stats/").json()["by_status"][Status.STALLED]
        first = (time.perf_counter() - start) * 1000
    assert after == before + 1, ("the stats do not show the publication", before, after)
    print(f"a publication: approval {approval:.1f} ms (with the unfiltered aggregates computed again once it commits); "
          f"the next stats request {first:.1f} ms, {len(queries)} queries, shows it")


def _ok(response, url: str):
    assert response.status_code == 200, (url, response.status_code)
    return response


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="Keep the bench database afterwards.")
    parser.add_argument("--smoke", action="store_true", help="tiny data, two runs: every step runs (the suite does this)")
    args = parser.parse_args()
    if args.smoke:
        smoke_scale()
        args.runs = 2
    bench_url = database_url(database_name("bench"))
    started = time.perf_counter()
    database_create(bench_url)
    os.environ.update({
        "DATABASE_URL": bench_url, "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only"), "ALLOWED_HOSTS": "testserver",
        "TRACKER_API_THROTTLE_ANON": "", "TRACKER_API_THROTTLE_USER": "", "DEBUG": "0",
        "SECURE_SSL_REDIRECT": "0",  # the test client speaks plain HTTP (in production TLS ends before Django)
        "DATABASE_CONN_MAX_AGE": "600",  # persistent connections, as in production; the floor keeps its one connection too
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
        total = commitments_total()
        print(f"built in {time.perf_counter() - started:.0f} s: {total:,} commitments, {total * UPDATES_PER_COMMITMENT:,} status updates, "
              f"{total * LINKS_PER_COMMITMENT:,} evidence links")
        client = Client()
        # What the web server does at start-up (tracker/wsgi.py): import the URLconf and every
        # view, build the reverse map, open the cache client and the (persistent) connection.
        from tracker.warmup import warm

        warm()
        offset = min(1900, total - 100)  # page 20 of the full data set
        page = f"/api/v1/commitments/?page={offset // 100 + 1}&page_size=100"
        from commitments import selectors
        from commitments.models import LINK_INVERSE_LABELS, Commitment, LinkKind, Status

        # A URL through the client, or a function (the stats' computation, no cache and no HTTP).
        cases = {
            "commitments list (100 rows)": page,
            "stats (cached, warmed)": "/api/v1/stats/",
            "stats ?theme&status (cached)": "/api/v1/stats/?theme=theme-3&status=in_progress",
            "stats, computed (no cache)": lambda: selectors.commitment_stats(commitments=Commitment.objects.all()),
            "status over time 26 weeks (warmed)": "/api/v1/stats/status-over-time/",
            "status over time ?end= (cached)": "/api/v1/stats/status-over-time/?end=2023-06-30",
            "compliance ?statement= (cached)": "/api/v1/stats/compliance/?statement=statement-7",
            "compliance, all points (warmed)": "/api/v1/stats/compliance/",
        }

        labels = {value: str(label) for value, label in Status.choices}
        link_labels = {(kind.value, True): str(kind.label) for kind in LinkKind}
        link_labels |= {(kind.value, False): str(LINK_INVERSE_LABELS[kind]) for kind in LinkKind}
        prefix = "http://testserver/api/v1/commitments/"  # api_url names the host the request came in on, as the list does
        raw = psycopg.connect(bench_url)
        floor_rows = orjson.loads(floor_once(raw, offset, labels, prefix, link_labels))
        first_list = (time.perf_counter(), client.get(page), time.perf_counter())
        # Fair both ways: the floor must fetch exactly the rows and fields the list returns.
        assert len(floor_rows) == 100 and floor_rows == first_list[1].json()["results"], "the floor and the list disagree"
        print(load_average())
        print(f"{'endpoint':36s} {'median':>8s}    vs floor    {'cpu':>7s} queries  first request (x its median)")
        for label, case in cases.items():
            call = case if callable(case) else (lambda u=case: _ok(client.get(u), u))
            # The first request in this process after the warm-up (for the list: the comparison above).
            cold = (first_list[2] - first_list[0]) * 1000 if case == page else _ms(call)
            queries: list[str] = []

            def count(execute, sql, *rest, seen=queries):
                seen.append(sql)
                return execute(sql, *rest)

            # Counted by a wrapper: CaptureQueriesContext is reset by request_started.
            with connection.execute_wrapper(count):
                call()
            floor, ms = medians_ms([lambda: floor_once(raw, offset, labels, prefix, link_labels), call], args.runs)
            cpu = median_cpu_ms(call, args.runs)
            print(f"{label:36s} {ms:8.2f} ms  {ms / floor:5.2f}x of {floor:5.2f} {cpu:6.2f} ms {len(queries):4d}   "
                  f"{cold:6.1f} ms ({cold / ms:.1f}x)")
        raw.close()
        publication(client)
        print(f"{load_average()}; total {time.perf_counter() - started:.0f} s")
    finally:
        connection.close()
        if not args.keep:
            database_drop(bench_url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
