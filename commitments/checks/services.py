"""Functions that write: syncing the monitored URLs, dispatching, runs and recording.

A run claims due URLs a few per origin at a time (sync), hands them to the fetch loop
(async, in a helper thread, no database), and records each result as it arrives (sync,
a group per transaction), claiming more while any origin has budget.
"""

import asyncio
import dataclasses
import logging
import math
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection, transaction

from commitments.models.checks import Health, MonitoredUrl, Outcome, QuoteMatch, UrlCheck, UrlSnapshot

from . import judge, scheduling, selectors
from .fetch import FetchConfig, Fetched, client_create, fetch, fetch_config_from_settings
from .pipeline import FetchLoop, Target, results_take
from .politeness import Limits, politeness_for
from .signals import Taken, snapshots_taken

log = logging.getLogger(__name__)

# Every MonitoredUrl field a check may change.
ROW_FIELDS = [
    "health", "health_since", "last_checked_at", "last_outcome", "last_status", "last_error", "final_url", "moved_to",
    "consecutive_failures", "first_failure_at", "gone_strikes", "last_strike_at", "etag", "last_modified", "content_hash",
    "text_hash", "pending_text_hash", "pending_count", "content_changed_at", "quote_match", "quote_score", "quotes_total",
    "quotes_missing", "checks_since_full_get", "interval_seconds", "next_check_at", "claim",
]
RECORD_GROUP = 100  # results written in one transaction when they arrive faster than one at a time
HOLD_ROUNDS = 4  # a run holds at most this many claim queries' worth of URLs
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


def checks_dispatch(*, now: datetime) -> tuple[int, int]:
    """Sync, reclaim lapsed claims, and say how many runs to start: (runs, reclaimed).

    As many runs as free run slots when anything is due; a run already going keeps
    pulling what becomes due, so no URL waits for a fixed batch to finish.
    """
    monitored_urls_sync(now=now)
    reclaimed = scheduling.expired_claims_reclaim(now=now)
    if not MonitoredUrl.objects.filter(linked=True, next_check_at__lte=now).exists():
        return 0, reclaimed
    return max(0, settings.TRACKER_CHECK_RUNNERS - scheduling.runs_active()), reclaimed


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
    return [Target(row.id, row.url, quotes.get(row.url, []), _validators(row), row.text_hash) for row in rows]


def limits_from_settings() -> Limits:
    return Limits(
        rate=settings.TRACKER_CHECK_HOST_RATE, in_flight=settings.TRACKER_CHECK_HOST_IN_FLIGHT,
        hold_seconds=settings.TRACKER_CHECK_TOTAL_TIMEOUT + settings.TRACKER_CHECK_MAX_WAIT + 5, processes=settings.TRACKER_CHECK_RUNNERS,
        margin_ms=settings.TRACKER_CHECK_HOST_GAP_MARGIN_MS, calm_seconds=settings.TRACKER_CHECK_REDIS_CALM,
        gate_dir=str(Path(settings.VAR_DIR) / "politeness"),
    )


def fetch_urls(
    urls: list[str], *, validators: dict[str, dict] | None = None, max_wait: float | None = None, follow_redirects: bool = True,
    one_at_a_time: bool = False,
) -> list[Fetched]:
    """Fetch `urls` now, concurrently, through the guarded fetcher and the shared per-origin politeness.

    For callers outside the re-check runs (intake, watches); results in the order of `urls`.
    Without `follow_redirects` a redirect ends the fetch (error_kind too_many_redirects, the
    target in `hops`), so the caller can tell whether it already knows the page redirected to.
    `one_at_a_time` holds one request in flight per origin: the next one passes the send gate only
    after the previous one was written and stamped, so the gap holds even when a busy machine delays
    a process between the gate and the write (the watches' batches run beside CPU-heavy extraction).
    """
    config, limits = fetch_config_from_settings(), limits_from_settings()
    if not follow_redirects:
        config = dataclasses.replace(config, max_redirects=0)
    if one_at_a_time:
        limits = dataclasses.replace(limits, in_flight=1)
    return asyncio.run(_fetch_all(urls, config=config, limits=limits, validators=validators or {}, max_wait=max_wait))


async def _fetch_all(
    urls: list[str], *, config: FetchConfig, limits: Limits, validators: dict[str, dict], max_wait: float | None,
) -> list[Fetched]:
    politeness = politeness_for(limits=limits, redis_url=settings.REDIS_URL)
    gate = asyncio.Semaphore(config.concurrency)
    try:
        async with client_create(config) as client:
            return list(await asyncio.gather(*(
                fetch(client, url, politeness=politeness, config=config, validators=validators.get(url), gate=gate, max_wait=max_wait)
                for url in urls
            )))
    finally:
        await politeness.close()


def fetch_loop_start(*, max_wait: float | None) -> FetchLoop:
    return FetchLoop(
        config=fetch_config_from_settings(), limits=limits_from_settings(), redis_url=settings.REDIS_URL,
        threshold=settings.TRACKER_CHECK_FUZZY_THRESHOLD, max_wait=max_wait,
    ).start()


def check_batch_run(*, ids: list[int], claim: str | None, now: datetime) -> list[UrlCheck]:
    """Check the given URLs now (those still held by `claim`, when given) and record each result.

    The command line's path (`check_sources --url/--all`): it waits for any Retry-After.
    """
    targets = targets_load(ids=ids, claim=claim)
    if not targets:
        return []
    loop = fetch_loop_start(max_wait=None)
    loop.add(targets)
    loop.close()
    recorded, remaining = [], len(targets)
    try:
        while remaining:
            group = results_take(loop.results, limit=min(remaining, RECORD_GROUP), timeout=None)
            remaining -= len(group)
            recorded += checks_record(items=[(r.target.id, r.analysis) for r in group], claim=claim, now=now, bodies=_bodies(group))
    finally:
        loop.stop()
    return recorded


@dataclass(frozen=True)
class RunPlan:
    seconds: float  # claim new work for this long, then finish what is held
    lease: int  # a claimed URL is due again after this (longer than the run can live)
    per_origin: int  # URLs of one origin held at once: a few seconds of its budget
    claim_limit: int  # URLs claimed per query
    claim_every: float  # seconds between claim queries while the last one was not full
    max_wait: float  # an origin's turn further away than this (Retry-After): give its URLs back


def run_plan_from_settings() -> RunPlan:
    per_origin = max(settings.TRACKER_CHECK_HOST_IN_FLIGHT, math.ceil(settings.TRACKER_CHECK_HOST_RATE * settings.TRACKER_CHECK_CLAIM_AHEAD))
    return RunPlan(
        seconds=settings.TRACKER_CHECK_RUN_SECONDS, lease=settings.TRACKER_CHECK_LEASE, per_origin=per_origin,
        claim_limit=settings.TRACKER_CHECK_CLAIM_LIMIT, claim_every=0.5, max_wait=settings.TRACKER_CHECK_MAX_WAIT,
    )


@dataclass
class RunReport:
    checked: int = 0
    postponed: int = 0
    slot: int | None = None


def checks_run(*, clock: Callable[[], datetime], plan: RunPlan) -> RunReport:
    """One long-lived run: keep claiming due URLs, a few per origin, while any origin has budget.

    Takes a run slot first (at most TRACKER_CHECK_RUNNERS runs at once, across all workers);
    without one it returns at once. Results are recorded as they arrive, so a run stopped
    half-way keeps what it did, and what it still holds is given back when it ends.
    """
    slot = scheduling.run_slot_take(slots=settings.TRACKER_CHECK_RUNNERS)
    if slot is None:
        return RunReport()
    try:
        return _run(clock=clock, plan=plan, report=RunReport(slot=slot))
    finally:
        scheduling.run_slot_release(slot=slot)


def _run(*, clock: Callable[[], datetime], plan: RunPlan, report: RunReport) -> RunReport:
    claim, held = uuid.uuid4(), _Held()
    loop = fetch_loop_start(max_wait=plan.max_wait)
    deadline, last_claim, full = time.monotonic() + plan.seconds, 0.0, True
    try:
        while True:
            claiming = time.monotonic() < deadline
            if claiming and (full or time.monotonic() - last_claim >= plan.claim_every):
                last_claim, got = time.monotonic(), _claim_more(claim=claim, held=held, loop=loop, plan=plan, now=clock())
                full = got >= plan.claim_limit
                if not got and not held.ids:
                    break  # nothing due and nothing in hand: the next dispatch starts a new run
            elif not claiming and not held.ids:
                break
            _record_ready(loop=loop, held=held, claim=claim, clock=clock, report=report, timeout=0.05 if full else plan.claim_every)
    finally:
        # Give back first: after a soft time limit the hard one is a few seconds away.
        _give_back(claim=claim, held=held, now=clock())
        loop.stop(timeout=2)
    return report


class _Held:
    """What a run has claimed and not yet recorded: ids, and how many per origin."""

    def __init__(self) -> None:
        self.ids: dict[int, str] = {}
        self.per_origin: Counter[str] = Counter()

    def add(self, target: Target) -> None:
        origin = scheduling.claim_origin(target.url)
        self.ids[target.id] = origin
        self.per_origin[origin] += 1

    def done(self, pk: int) -> None:
        origin = self.ids.pop(pk)
        self.per_origin[origin] -= 1
        if not self.per_origin[origin]:
            del self.per_origin[origin]

    def busy(self, limit: int) -> list[str]:
        return [origin for origin, count in self.per_origin.items() if count >= limit]


def _claim_more(*, claim: uuid.UUID, held: _Held, loop: FetchLoop, plan: RunPlan, now: datetime) -> int:
    """Claim more due URLs; holds at most `HOLD_ROUNDS` claim queries' worth, so a run that falls
    behind (a slow machine) leaves the rest to other runs instead of sitting on it."""
    room = plan.claim_limit * HOLD_ROUNDS - len(held.ids)
    if room <= 0:
        return 0
    _, ids = scheduling.due_claim(
        now=now, limit=min(room, plan.claim_limit), lease=plan.lease, per_origin=plan.per_origin,
        busy=held.busy(plan.per_origin), claim=claim,
    )
    targets = targets_load(ids=ids, claim=str(claim))
    for target in targets:
        held.add(target)
    loop.add(targets)
    return len(ids)


def _record_ready(*, loop: FetchLoop, held: _Held, claim: uuid.UUID, clock, report: RunReport, timeout: float) -> None:
    group = results_take(loop.results, limit=RECORD_GROUP, timeout=timeout)
    if not group:
        return
    now = clock()
    checked = [(r.target.id, r.analysis) for r in group if r.analysis is not None]
    postponed = {r.target.id: r.postponed for r in group if r.postponed is not None}
    report.checked += len(checks_record(items=checked, claim=str(claim), now=now, bodies=_bodies(group)))
    report.postponed += scheduling.claims_release(claim=claim, delays=postponed, now=now)
    for result in group:
        held.done(result.target.id)


def _give_back(*, claim: uuid.UUID, held: _Held, now: datetime) -> None:
    """A run that ends early (time limit, error) makes what it still holds due again at once."""
    if not held.ids:
        return
    try:
        scheduling.claims_release(claim=claim, delays=dict.fromkeys(held.ids, 0.0), now=now)
    except DatabaseError:
        log.warning("could not give back %d claimed URLs: they come back when their lease ends", len(held.ids))


def _rules() -> judge.Rules:
    return judge.Rules(
        gone_failures=settings.TRACKER_CHECK_GONE_FAILURES, gone_days=settings.TRACKER_CHECK_GONE_DAYS,
        change_confirmations=settings.TRACKER_CHECK_CHANGE_CONFIRMATIONS,
    )


def _bodies(group) -> dict[int, bytes]:
    return {result.target.id: result.body for result in group if result.body is not None}


@transaction.atomic
def checks_record(
    *, items: list[tuple[int, judge.Analysis]], claim: str | None, now: datetime, bodies: dict[int, bytes] | None = None,
) -> list[UrlCheck]:
    """Append the checks, update each URL's health and schedule, snapshot the first read and confirmed changes.

    URLs whose claim is no longer `claim` are skipped: an earlier delivery recorded them.
    Each snapshot taken is announced with `snapshots_taken` (with the body, when `bodies` has
    it): the archive captures it there, without the re-check depending on the archive.
    """
    rows = MonitoredUrl.objects.select_for_update().in_bulk([pk for pk, _ in items])
    rules, checks, updated, snapshots = _rules(), [], [], []
    analyses = dict(items)
    for pk, analysis in items:
        row = rows.get(pk)
        if row is None or (claim is not None and str(row.claim) != str(claim)):
            continue
        judgement = judge.judgement_give(row, analysis=analysis, now=now, rules=rules)
        _row_update(row, analysis=analysis, judgement=judgement, now=now)
        checks.append(_check_build(row, analysis=analysis, judgement=judgement, claim=claim, now=now))
        updated.append(row)
        if judgement.snapshot:
            snapshots.append(_snapshot_build(row, check=checks[-1], analysis=analysis, changed=judgement.content_changed, now=now))
    UrlCheck.objects.bulk_create(checks)
    for snapshot in snapshots:
        snapshot.url_check_id = snapshot.url_check.pk
    UrlSnapshot.objects.bulk_create(snapshots)
    _rows_save(updated)
    if snapshots:
        taken = [Taken(snapshot=s, fetched=analyses[s.monitored_url_id].fetched, body=(bodies or {}).get(s.monitored_url_id)) for s in snapshots]
        snapshots_taken.send(sender=UrlSnapshot, taken=taken, now=now)
    return checks


def _rows_save(rows: list[MonitoredUrl]) -> None:
    """One parameterised UPDATE per row, sent together (psycopg pipelines executemany): bulk_update's
    CASE expressions and save()'s per-row machinery both cost a busy run more CPU than the write."""
    if not rows:
        return
    fields = [MonitoredUrl._meta.get_field(name) for name in ROW_FIELDS]
    quote = connection.ops.quote_name
    sql = f"UPDATE {quote(MonitoredUrl._meta.db_table)} SET {', '.join(f'{quote(f.column)} = %s' for f in fields)} WHERE id = %s"  # noqa: S608
    params = [[f.get_db_prep_save(getattr(row, f.attname), connection) for f in fields] + [row.pk] for row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _check_build(row: MonitoredUrl, *, analysis: judge.Analysis, judgement: judge.Judgement, claim: str | None, now: datetime) -> UrlCheck:
    return UrlCheck(
        monitored_url=row, checked_at=now, status=analysis.fetched.status, final_url=analysis.fetched.final_url,
        outcome=analysis.outcome, health=judgement.health, event=judgement.event, detail=judgement.detail[:500],
        response_ms=analysis.fetched.elapsed_ms, content_hash=analysis.content_hash, text_hash=analysis.text_hash,
        content_changed=judgement.content_changed, quote_match=analysis.quote.match, quote_score=analysis.quote.score,
        error=analysis.fetched.error, claim=claim,
    )


def _row_update(row: MonitoredUrl, *, analysis: judge.Analysis, judgement: judge.Judgement, now: datetime) -> None:
    fetched = analysis.fetched
    if row.health != judgement.health:
        row.health, row.health_since = judgement.health, now
    row.last_checked_at, row.last_outcome, row.last_status = now, analysis.outcome, fetched.status
    row.last_error, row.final_url = fetched.error, fetched.final_url
    row.moved_to = fetched.final_url if judgement.health == Health.MOVED else ("" if judgement.health == Health.OK else row.moved_to)
    if analysis.outcome in (Outcome.OK, Outcome.REDIRECTED, Outcome.MOVED):
        row.etag, row.last_modified = fetched.headers.get("etag", "")[:500], fetched.headers.get("last-modified", "")[:100]
    row.checks_since_full_get = row.checks_since_full_get + 1 if fetched.conditional else 0
    if analysis.quote.match != QuoteMatch.UNKNOWN:  # an unreadable page keeps the last known match
        row.quote_match, row.quote_score = analysis.quote.match, analysis.quote.score
        row.quotes_total, row.quotes_missing = analysis.quote.total, analysis.quote.missing
    if judgement.content_changed:
        row.content_changed_at = now
    _row_schedule(row, judgement=judgement, retry_after=fetched.retry_after, now=now)
    row.claim = None


def _row_schedule(row: MonitoredUrl, *, judgement: judge.Judgement, retry_after: float | None, now: datetime) -> None:
    cadence = scheduling.cadence_from_settings()
    row.interval_seconds = scheduling.interval_next(
        previous=row.interval_seconds, health=judgement.health, changed=judgement.content_changed,
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


__all__ = ["check_batch_run", "checks_dispatch", "checks_record", "checks_run", "monitored_url_ensure", "monitored_urls_sync"]
