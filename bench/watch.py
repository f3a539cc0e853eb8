"""Benchmark: watches on a simulated site, polled the way a deployment does.

A local site of ORIGINS origins (one port each on 127.0.0.1), each publishing DOCS documents
and four listings that name them in different spellings: an RSS feed (with utm_* parameters),
a sitemap, an index page (with #fragments) and a second feed whose links go through a 301 from
an old address for one document in ten. That is 4 watches per origin (200 watches for 50
origins). Two real Celery worker processes (prefork, concurrency 2; one runs beat, which sends
the watch pass every second) on the real Redis broker poll them at the deployed politeness (1
request a second per origin by default) until every document is filed in the inbox.

Printed: documents filed per second, requests per document (listings included), documents
requested more than once, and the shortest gap between two requests at one origin.

    python bench/watch.py                   50 origins x 200 documents = 10,000 documents
    python bench/watch.py --origins 20 --docs 50 --rate 5
    python bench/watch.py --smoke           2 origins x 5 documents, fast politeness (the suite runs this)

Uses DATABASE_URL's server (database <its name>_watch) and REDIS_URL's database, which it
flushes (never db 0).
"""

import argparse
import contextlib
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
sys.path.insert(0, str(BASE_DIR / "bench"))
from bench.support import database_name, django_setup, environment  # noqa: E402

DB_NAME = database_name("watch")
REDIRECT_EVERY = 10  # one document in ten is also listed under an old address that redirects


def pages(port: int, docs: int) -> dict[str, tuple[int, bytes, str]]:
    """path -> (status, body, content type or Location) of one origin."""
    base = f"http://127.0.0.1:{port}"
    out: dict[str, tuple[int, bytes, str]] = {}
    for n in range(docs):
        text = (f"<p>Readout {n} of origin {port}. The two sides agreed to strengthen cooperation in three areas. First, trade. "
                f"Second, energy number {n}. Third, people-to-people exchanges in {port}.</p>" if n % 5 == 0 else
                f"<p>Press release {n} of origin {port}: the minister met a delegation and discussed matters of mutual interest.</p>")
        out[f"/doc/{n}.html"] = (200, f"<html><head><title>Document {n}</title></head><body><main>{text}</main></body></html>".encode(),
                                 "text/html; charset=utf-8")
        if n % REDIRECT_EVERY == 0:
            out[f"/old/{n}"] = (301, b"", f"{base}/doc/{n}.html")
    items = "".join(f"<item><title>Document {n}</title><link>{base}/doc/{n}.html?utm_source=rss&amp;utm_medium=feed</link></item>"
                    for n in range(docs))
    out["/feed.xml"] = (200, f'<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>{items}</channel></rss>'.encode(),
                        "application/rss+xml")
    old = "".join(f"<item><title>Document {n}</title><link>{base}/old/{n}</link></item>" for n in range(0, docs, REDIRECT_EVERY))
    out["/feed-old.xml"] = (200, f'<?xml version="1.0"?><rss version="2.0"><channel><title>Old</title>{old}</channel></rss>'.encode(),
                            "application/rss+xml")
    urls = "".join(f"<url><loc>{base}/doc/{n}.html</loc></url>" for n in range(docs))
    out["/sitemap.xml"] = (200, f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'.encode(),
                           "application/xml")
    links = "".join(f'<li><a href="/doc/{n}.html#top">Document {n}</a></li>' for n in range(docs))
    out["/index.html"] = (200, f"<html><body><ul>{links}</ul><a href='/about.html'>About</a></body></html>".encode(), "text/html")
    return out


def serve(origins: int, docs: int, conn) -> None:
    """The site, in its own process at a higher CPU priority when allowed (it stands for other machines)."""
    import asyncio

    with contextlib.suppress(AttributeError, PermissionError, OSError):
        os.nice(-10)
    log: dict[int, list[tuple[float, str]]] = {}
    sites: dict[int, dict] = {}

    async def handle(reader, writer) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            port = writer.get_extra_info("sockname")[1]
            path = head.split(b" ", 2)[1].decode().split("?")[0]
            log[port].append((time.monotonic(), path))
            status, body, extra = sites[port].get(path, (404, b"not found", "text/plain"))
            header = f"location: {extra}" if status == 301 else f"content-type: {extra}"
            writer.write(f"HTTP/1.1 {status} X\r\n{header}\r\nconnection: close\r\ncontent-length: {len(body)}\r\n\r\n".encode() + body)
            await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def main() -> None:
        ports = []
        for _ in range(origins):
            server = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=512)
            port = server.sockets[0].getsockname()[1]
            log[port], sites[port] = [], pages(port, docs)
            ports.append(port)
        conn.send(ports)
        loop = asyncio.get_running_loop()
        while await loop.run_in_executor(None, conn.recv) == "stats":
            conn.send(summary())

    def summary() -> dict:
        gaps, closest = [], (float("inf"), "")
        for entries in log.values():
            entries = sorted(entries)
            for (a, first), (b, second) in zip(entries, entries[1:], strict=False):
                gaps.append(b - a)
                closest = min(closest, (b - a, f"{first} then {second}"))
        per_doc = Counter((port, path) for port, entries in log.items() for _, path in entries if path.startswith("/doc/"))
        return {"requests": sum(len(e) for e in log.values()), "min_gap": min(gaps, default=None), "closest": closest[1],
                "docs_requested_twice": sum(1 for n in per_doc.values() if n > 1)}

    asyncio.run(main())


def django_fresh_setup(env: dict) -> None:
    """A fresh database and an empty Redis database for each run."""
    django_setup(env, fresh=True)
    from redis import Redis

    redis = Redis.from_url(env["REDIS_URL"])
    redis.flushdb()
    redis.close()


def watches_create(ports: list[int]) -> int:
    from commitments.watch.services import watch_add

    for port in ports:
        base = f"http://127.0.0.1:{port}"
        watch_add(url=f"{base}/feed.xml", kind="feed", name=f"feed {port}")
        watch_add(url=f"{base}/feed-old.xml", kind="feed", name=f"old feed {port}")
        watch_add(url=f"{base}/sitemap.xml", kind="sitemap", name=f"sitemap {port}")
        watch_add(url=f"{base}/index.html", kind="page", link_pattern=r"/doc/\d+\.html", name=f"index {port}")
    return 4 * len(ports)


def worker(env: dict, folder: Path, name: str, *, beat: bool) -> subprocess.Popen:
    command = [sys.executable, "-m", "celery", "-A", "tracker", "worker", "--pool", "prefork", "--concurrency", "2", "--loglevel", "INFO",
               "--hostname", f"bench-watch-{name}-{os.getpid()}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat"]
    if beat:
        command += ["--beat", "--schedule", str(folder / "beat")]
    log = (folder / f"worker-{name}.log").open("w")
    return subprocess.Popen(command, cwd=BASE_DIR, env={**os.environ, **env, "TRACKER_VAR_DIR": str(folder)}, stdout=log,
                            stderr=subprocess.STDOUT)


def settled() -> tuple[int, int]:
    """(documents filed, documents still pending)."""
    from commitments.models.watch import DocumentState, WatchedDocument

    states = Counter(WatchedDocument.objects.values_list("state", flat=True))
    return states[DocumentState.FILED], states[DocumentState.PENDING]


def run(*, origins: int, docs: int, rate: float, timeout: float) -> bool:
    env = environment(db_name=DB_NAME, TRACKER_CHECK_HOST_RATE=str(rate), TRACKER_WATCH_DISPATCH_EVERY="1", TRACKER_CHECK_DISPATCH_EVERY="3600")
    django_fresh_setup(env)
    parent, child = multiprocessing.Pipe()
    site = multiprocessing.Process(target=serve, args=(origins, docs, child), daemon=True)
    site.start()
    ports = parent.recv()
    watches = watches_create(ports)
    total = origins * docs
    print(f"{total} documents on {origins} origins, {watches} watches, {rate:g} request/s per origin, 2 workers (prefork x2)")
    with tempfile.TemporaryDirectory(prefix="bench-watch-") as folder:
        workers = [worker(env, Path(folder), "a", beat=True), worker(env, Path(folder), "b", beat=False)]
        started = time.monotonic()
        try:
            while (done := settled())[0] < total and time.monotonic() - started < timeout:
                time.sleep(0.5)
            elapsed = time.monotonic() - started
        finally:
            for process in workers:
                process.terminate()
            for process in workers:
                process.wait(30)
        errors = [line for f in Path(folder).glob("worker-*.log") for line in f.read_text().splitlines() if "ERROR" in line or "WARNING" in line][:8]
    parent.send("stats")
    stats = parent.recv()
    parent.send("stop")
    site.join(10)
    filed, pending = done
    gap = f"{stats['min_gap']:.3f} s" if stats["min_gap"] is not None else "-"
    per_document = stats["requests"] / max(1, filed)
    print(f"  filed {filed}/{total} in {elapsed:.1f} s: {filed / elapsed:.1f} documents/s; {per_document:.2f} requests a document "
          f"(listings and redirects included); {stats['docs_requested_twice']} documents requested more than once; "
          f"min gap per origin {gap} (allowed {1 / rate:.3f} s: {stats['closest']}); {pending} still pending")
    for line in errors:
        print(f"  worker log: {line[:200]}")
    polite = stats["min_gap"] is None or stats["min_gap"] >= 1 / rate * 0.95
    print("  each document filed once:", "yes" if filed == total and stats["docs_requested_twice"] == 0 else "NO",
          "| gap kept at every origin:", "yes" if polite else "NO")
    return filed == total and stats["docs_requested_twice"] == 0, polite


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--origins", type=int, default=50)
    parser.add_argument("--docs", type=int, default=200, help="documents per origin")
    parser.add_argument("--rate", type=float, default=1.0, help="requests a second per origin")
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument("--smoke", action="store_true", help="a tiny site, fast politeness: that it runs and prints")
    args = parser.parse_args()
    if args.smoke:
        args.origins, args.docs, args.rate, args.timeout = 2, 5, 20.0, 120
    once, polite = run(origins=args.origins, docs=args.docs, rate=args.rate, timeout=args.timeout)
    print("targets (every document filed, none requested twice, requests at least the gap apart per origin):",
          "MET" if once and polite else "NOT MET")
    # The smoke run (in the suite) fails only on what is not a matter of timing on a busy machine.
    return 0 if once and (polite or args.smoke) else 1


if __name__ == "__main__":
    sys.exit(main())
