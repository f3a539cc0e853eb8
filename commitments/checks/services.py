"""Functions that write: syncing the monitored URLs, dispatching, and running a batch.

A batch is: load the claimed rows (sync), fetch and analyse them concurrently
(async, no database), then record each result (sync, one transaction per URL).
"""

import asyncio
import logging
import queue
import threading
from collections import defaultdict, deque
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from redis.exceptions import RedisError

from commitments.models.checks import Health, MonitoredUrl, Outcome, QuoteMatch, UrlCheck, UrlSnapshot

from . import judge, scheduling, selectors
from .fetch import FetchConfig, Fetched, client_create, fetch, fetch_config_from_settings, origin_key
from .politeness import Limits, politeness_for

# Every MonitoredUrl field a check may change.
ROW_FIELDS = [
    "health", "health_since", "last_checked_at", "last_outcome", "last_status", "last_error", "final_url", "moved_to",
    "consecutive_failures", "first_failure_at", "gone_strikes", "last_strike_at", "etag", "last_modified", "content_hash",
    "text_hash", "pending_text_hash", "pending_count", "content_changed_at", "quote_match", "quote_score", "quotes_total",
    "quotes_missing", "checks_since_full_get", "interval_seconds", "next_check_at", "claim",
]
RECORD_GROUP = 100  # results written in one transaction when they arrive faster than one at a time
logger = logging.getLogger(__name__)
RECORDED_HEADERS = ("content-type", "content-length", "etag", "last-modified", "date", "server", "location", "cache-control")


def monitored_urls_sync(*, now: datetime) -> int:
    """Make the monitored URLs match the URLs sources and evidence link to. Returns how many are new."""
    linked = selectors.linked_urls()
    known = dict(MonitoredUrl.objects.values_list("url", "linked"))
    new = [url for url in linked if url not in known]
    MonitoredUrl.objects.bulk_create(
        [MonitoredUrl(url=url, added_at=now, next_check_at=now, interval_seconds=settings.TRACKER_CHECK_INTERVAL) for url in new],
        ignore_conflicts=True, batch_size=1000,
    )
    gone = [url for url, is_linked in known.items() if is_linked and url not in linked]
    back = [url for url, is_linked in known.items() if not is_linked and url in linked]
    MonitoredUrl.objects.filter(url__in=gone).update(linked=False)
    MonitoredUrl.objects.filter(url__in=back).update(linked=True, next_check_at=now)
    return len(new)


def monitored_url_ensure(*, url: str, now: datetime) -> MonitoredUrl:
    """The monitored row for `url`, added if new (the `check_sources --url` path)."""
    row, _ = MonitoredUrl.objects.get_or_create(
        url=url, defaults={"added_at": now, "next_check_at": now, "interval_seconds": settings.TRACKER_CHECK_INTERVAL,
                           "linked": url in selectors.linked_urls()},
    )
    return row


def checks_dispatch(*, now: datetime) -> tuple[str, list[list[int]]]:
    """Sync, claim the due URLs and split them into batches (the task fans them out)."""
    monitored_urls_sync(now=now)
    claim, ids = scheduling.due_claim(now=now, limit=settings.TRACKER_CHECK_DISPATCH_LIMIT, lease=settings.TRACKER_CHECK_LEASE)
    return str(claim), scheduling.batches(ids, settings.TRACKER_CHECK_BATCH_SIZE)


@dataclass(frozen=True)
class Target:
    id: int
    url: str
    quotes: list[str]
    validators: dict


def _validators(row: MonitoredUrl) -> dict:
    """Conditional-request headers, except every Nth check: some servers answer 304 wrongly."""
    if not row.text_hash or row.checks_since_full_get + 1 >= settings.TRACKER_CHECK_FULL_GET_EVERY:
        return {}
    headers = {}
    if row.etag:
        headers["If-None-Match"] = row.etag
    if row.last_modified:
        headers["If-Modified-Since"] = row.last_modified
    return headers


def targets_load(*, ids: list[int], claim: str | None) -> list[Target]:
    rows = MonitoredUrl.objects.filter(id__in=ids)
    if claim is not None:
        rows = rows.filter(claim=claim)  # a redelivered batch skips what was already recorded
    rows = list(rows)
    quotes = selectors.quotes_for_urls(urls=[row.url for row in rows])
    return [Target(row.id, row.url, quotes.get(row.url, []), _validators(row)) for row in rows]


async def _check_one(target: Target, *, client, politeness, config, gate, threshold) -> judge.Analysis:
    """Fetch and analyse one URL. Whatever goes wrong with this URL is its own outcome, never its neighbours' loss."""
    try:
        fetched = await fetch(client, target.url, politeness=politeness, config=config, validators=target.validators, gate=gate)
        # Extraction and matching are CPU work: off the event loop, so other fetches keep moving.
        return await asyncio.to_thread(judge.fetch_analyse, fetched, quotes=target.quotes, threshold=threshold)
    except RedisError:
        raise  # the shared politeness store, not this URL: the batch's problem
    except Exception as error:  # noqa: BLE001 - recorded as this URL's outcome
        logger.exception("Checking %s failed", target.url)
        failed = Fetched(url=target.url, final_url=target.url, error_kind="connection_error", error=f"{type(error).__name__}: {error}")
        return judge.fetch_analyse(failed, quotes=target.quotes, threshold=threshold)


async def _host_worker(queue: deque, *, client, politeness, config, gate, threshold, deliver) -> None:
    while queue:
        target = queue.popleft()
        deliver(target, await _check_one(target, client=client, politeness=politeness, config=config, gate=gate, threshold=threshold))


async def targets_fetch(targets: list[Target], *, config: FetchConfig, limits: Limits, redis_url: str, threshold: float, deliver) -> None:
    """Fetch and analyse every target, handing each result to `deliver(target, analysis)` as soon as it is ready.

    Per host (origin), at most `limits.in_flight` workers; globally, `config.concurrency` requests on the wire.
    """
    by_host: dict[str, deque] = defaultdict(deque)
    for target in targets:
        by_host[origin_key(target.url)].append(target)
    politeness, gate = politeness_for(limits=limits, redis_url=redis_url), asyncio.Semaphore(config.concurrency)
    try:
        async with client_create(config) as client, asyncio.TaskGroup() as group:  # one failure (e.g. Redis down) cancels the rest
            for queue in by_host.values():
                for _ in range(min(limits.in_flight, len(queue))):
                    group.create_task(_host_worker(
                        queue, client=client, politeness=politeness, config=config, gate=gate, threshold=threshold, deliver=deliver,
                    ))
    finally:
        await politeness.close()


def limits_from_settings() -> Limits:
    return Limits(
        rate=settings.TRACKER_CHECK_HOST_RATE, in_flight=settings.TRACKER_CHECK_HOST_IN_FLIGHT,
        hold_seconds=settings.TRACKER_CHECK_TOTAL_TIMEOUT + 30,
    )


def check_batch_run(*, ids: list[int], claim: str | None, now: datetime) -> list[UrlCheck]:
    """Check the given URLs (those still held by `claim`, when given) and record each result.

    The fetching runs on an event loop in a helper thread with no database access;
    this thread records the results as they arrive (a group at a time when they come
    faster than one), so writes overlap the fetching and a batch stopped half-way
    keeps what it already recorded.
    """
    targets = targets_load(ids=ids, claim=claim)
    if not targets:
        return []
    results: queue.Queue = queue.Queue()
    fetcher = threading.Thread(target=_fetch_thread, args=(targets, results), daemon=True, name="source-checks-fetch")
    fetcher.start()
    recorded, remaining = [], len(targets)
    while remaining:
        group = _group_take(results, limit=min(remaining, RECORD_GROUP))
        remaining -= len(group)
        recorded += checks_record(items=[(target.id, analysis) for target, analysis in group], claim=claim, now=now)
    fetcher.join()
    return recorded


def _group_take(results: queue.Queue, *, limit: int) -> list:
    group = [results.get()]
    while len(group) < limit:
        try:
            group.append(results.get_nowait())
        except queue.Empty:
            break
    for target, error in group:
        if target is None:
            raise error  # the fetch thread failed: an infrastructure error, retried by the task
    return group


def _fetch_thread(targets: list[Target], results: queue.Queue) -> None:
    try:
        asyncio.run(
            targets_fetch(targets, config=fetch_config_from_settings(), limits=limits_from_settings(), redis_url=settings.REDIS_URL,
                          threshold=settings.TRACKER_CHECK_FUZZY_THRESHOLD, deliver=lambda t, a: results.put((t, a)))
        )
    except BaseExceptionGroup as group:  # from the TaskGroup: hand the first cause on
        results.put((None, group.exceptions[0]))
    except Exception as error:  # noqa: BLE001 - handed to the recording thread, which raises it
        results.put((None, error))


def _rules() -> judge.Rules:
    return judge.Rules(
        gone_failures=settings.TRACKER_CHECK_GONE_FAILURES, gone_days=settings.TRACKER_CHECK_GONE_DAYS,
        change_confirmations=settings.TRACKER_CHECK_CHANGE_CONFIRMATIONS,
    )


@transaction.atomic
def checks_record(*, items: list[tuple[int, judge.Analysis]], claim: str | None, now: datetime) -> list[UrlCheck]:
    """Append the checks, update each URL's health and schedule, snapshot the first read and confirmed changes.

    URLs whose claim is no longer `claim` are skipped: an earlier delivery recorded them.
    """
    rows = MonitoredUrl.objects.select_for_update().in_bulk([pk for pk, _ in items])
    rules, checks, updated, snapshots = _rules(), [], [], []
    for pk, analysis in items:
        row = rows.get(pk)
        if row is None or (claim is not None and str(row.claim) != str(claim)):
            continue
        verdict = judge.verdict_give(row, analysis=analysis, now=now, rules=rules)
        _row_update(row, analysis=analysis, verdict=verdict, now=now)
        checks.append(_check_build(row, analysis=analysis, verdict=verdict, claim=claim, now=now))
        updated.append(row)
        if verdict.snapshot:
            snapshots.append(_snapshot_build(row, check=checks[-1], analysis=analysis, changed=verdict.content_changed, now=now))
    UrlCheck.objects.bulk_create(checks)
    for snapshot in snapshots:
        snapshot.url_check_id = snapshot.url_check.pk
    UrlSnapshot.objects.bulk_create(snapshots)
    for row in updated:  # bulk_update's CASE expressions cost more Python time than these small UPDATEs
        row.save(update_fields=ROW_FIELDS)
    return checks


def _check_build(row: MonitoredUrl, *, analysis: judge.Analysis, verdict: judge.Verdict, claim: str | None, now: datetime) -> UrlCheck:
    return UrlCheck(
        monitored_url=row, checked_at=now, status=analysis.fetched.status, final_url=analysis.fetched.final_url,
        outcome=analysis.outcome, health=verdict.health, event=verdict.event, detail=verdict.detail[:500],
        response_ms=analysis.fetched.elapsed_ms, content_hash=analysis.content_hash, text_hash=analysis.text_hash,
        content_changed=verdict.content_changed, quote_match=analysis.quote.match, quote_score=analysis.quote.score,
        error=analysis.fetched.error, claim=claim,
    )


def _row_update(row: MonitoredUrl, *, analysis: judge.Analysis, verdict: judge.Verdict, now: datetime) -> None:
    fetched = analysis.fetched
    if row.health != verdict.health:
        row.health, row.health_since = verdict.health, now
    row.last_checked_at, row.last_outcome, row.last_status = now, analysis.outcome, fetched.status
    row.last_error, row.final_url = fetched.error, fetched.final_url
    row.moved_to = fetched.final_url if verdict.health == Health.MOVED else ("" if verdict.health == Health.OK else row.moved_to)
    if analysis.outcome in (Outcome.OK, Outcome.REDIRECTED, Outcome.MOVED):
        row.etag, row.last_modified = fetched.headers.get("etag", "")[:500], fetched.headers.get("last-modified", "")[:100]
    row.checks_since_full_get = row.checks_since_full_get + 1 if fetched.conditional else 0
    if analysis.quote.match != QuoteMatch.UNKNOWN:  # an unreadable page keeps the last known match
        row.quote_match, row.quote_score = analysis.quote.match, analysis.quote.score
        row.quotes_total, row.quotes_missing = analysis.quote.total, analysis.quote.missing
    if verdict.content_changed:
        row.content_changed_at = now
    _row_schedule(row, verdict=verdict, retry_after=fetched.retry_after, now=now)
    row.claim = None


def _row_schedule(row: MonitoredUrl, *, verdict: judge.Verdict, retry_after: float | None, now: datetime) -> None:
    cadence = scheduling.cadence_from_settings()
    row.interval_seconds = scheduling.interval_next(
        previous=row.interval_seconds, health=verdict.health, changed=verdict.content_changed,
        pending_change=bool(row.pending_text_hash), cadence=cadence,
    )
    row.next_check_at = scheduling.next_check_at(now=now, interval=row.interval_seconds, jitter=cadence.jitter, not_before=retry_after)


def _snapshot_build(row: MonitoredUrl, *, check: UrlCheck, analysis: judge.Analysis, changed: bool, now: datetime) -> UrlSnapshot:
    headers = {name: analysis.fetched.headers[name] for name in RECORDED_HEADERS if name in analysis.fetched.headers}
    previous_text = selectors.latest_snapshot_text(monitored_url_id=row.id) if changed else ""
    return UrlSnapshot(
        monitored_url=row, url_check=check, taken_at=now, body_sha256=analysis.content_hash,
        content_type=analysis.fetched.content_type[:200], headers=headers, text=analysis.text or "",
        diff_summary=judge.diff_summary(previous_text, analysis.text or "") if previous_text else "",
    )


__all__ = ["check_batch_run", "checks_record", "checks_dispatch", "monitored_url_ensure", "monitored_urls_sync"]
