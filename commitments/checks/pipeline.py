"""The fetch side of a run: an event loop in a helper thread that fetches and judges targets.

The recording thread (the caller, which owns the database connection) hands targets in
with `add()` at any time and takes results out of `results`; the loop never touches the
database. Per origin, at most `limits.in_flight` coroutines fetch its queue one URL after
another; across origins, `config.concurrency` requests are on the wire at once.
"""

import asyncio
import contextlib
import logging
import queue
import threading
from collections import defaultdict, deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from . import judge
from .fetch import FetchConfig, Fetched, client_create, fetch, origin_key
from .politeness import Limits, Politeness

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Target:
    id: int
    url: str
    quotes: list[str]
    validators: dict
    known_text_hash: str = ""  # the text last confirmed: a body whose text differs is kept for an archived copy


@dataclass(frozen=True)
class Result:
    target: Target | None
    analysis: judge.Analysis | None = None
    postponed: float | None = None  # not fetched: due again after this many seconds
    error: BaseException | None = None  # the loop itself failed (target is None)
    # The body, when its text differs from the target's known text (a first read or a change in the making):
    # the only results the re-check may snapshot, and so archive. Others drop it, as the judge does.
    body: bytes | None = None


class FetchLoop:
    def __init__(self, *, config: FetchConfig, limits: Limits, redis_url: str, threshold: float, max_wait: float | None) -> None:
        self.config, self.limits, self.redis_url = config, limits, redis_url
        self.threshold, self.max_wait = threshold, max_wait
        self.results: queue.Queue[Result] = queue.Queue()
        self._started = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="source-checks-fetch")
        self._queues: dict[str, deque] = defaultdict(deque)
        self._workers: dict[str, int] = defaultdict(int)
        self._closed = False

    # --- called from the recording thread -------------------------------------------
    def start(self) -> "FetchLoop":
        self._thread.start()
        self._started.wait(30)
        if not self._thread.is_alive():
            results_take(self.results, limit=1, timeout=0)  # raises what stopped it
        return self

    def add(self, targets: list[Target]) -> None:
        if targets:
            self._loop.call_soon_threadsafe(self._add, targets)

    def close(self) -> None:
        """No more targets: the loop ends once the queued ones are done."""
        self._loop.call_soon_threadsafe(self._close)

    def stop(self, timeout: float = 10) -> None:
        """End now, abandoning what is queued or on the wire."""
        if self._thread.is_alive():
            # RuntimeError: the loop has closed, and the thread is unwinding after ending on its own.
            with contextlib.suppress(RuntimeError):
                self._loop.call_soon_threadsafe(self._finished.set)
            self._thread.join(timeout)

    def politeness_degraded(self) -> bool:
        return self._politeness.degraded

    # --- the event loop's side ------------------------------------------------------
    def _run(self) -> None:
        try:
            asyncio.run(self._main())
        except Exception as error:  # noqa: BLE001 - handed to the recording thread, which raises it
            self.results.put(Result(None, error=error))
        finally:
            self._started.set()

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._finished = asyncio.Event()
        self._politeness = Politeness(self.limits, self.redis_url)
        self._gate = asyncio.Semaphore(self.config.concurrency)
        # Text extraction and matching are CPU work: off the event loop, on threads of their
        # own so they never queue in front of the default executor's DNS lookups.
        self._judge_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="source-checks-judge")
        self._tasks: set[asyncio.Task] = set()
        try:
            async with client_create(self.config) as self._client:
                self._started.set()
                await self._finished.wait()
                for task in self._tasks:
                    task.cancel()
                await asyncio.gather(*self._tasks, return_exceptions=True)
        finally:
            self._judge_pool.shutdown(wait=False, cancel_futures=True)
            await self._politeness.close()

    def _add(self, targets: list[Target]) -> None:
        for target in targets:
            host = origin_key(target.url)
            self._queues[host].append(target)
            if self._workers[host] < self.limits.in_flight:
                self._workers[host] += 1
                task = self._loop.create_task(self._host_worker(host))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)

    def _close(self) -> None:
        self._closed = True
        if not self._tasks:
            self._finished.set()

    async def _host_worker(self, host: str) -> None:
        queued = self._queues[host]
        try:
            while queued:
                target = queued.popleft()
                self.results.put(await self._check(target))
        finally:
            self._workers[host] -= 1
            if not self._workers[host]:
                del self._workers[host], self._queues[host]
            if self._closed and len(self._tasks) <= 1:
                self._finished.set()

    async def _check(self, target: Target) -> Result:
        try:
            fetched = await fetch(self._client, target.url, politeness=self._politeness, config=self.config,
                                  validators=target.validators, gate=self._gate, max_wait=self.max_wait)
        except Exception as error:  # noqa: BLE001 - one URL's surprise is that URL's outcome, not its neighbours'
            log.exception("fetching %s failed", target.url)
            fetched = Fetched(url=target.url, final_url=target.url, error_kind="connection_error", error=f"{type(error).__name__}: {error}")
        if fetched.postponed is not None:
            return Result(target, postponed=fetched.postponed)
        try:
            analysis = await self._loop.run_in_executor(
                self._judge_pool, lambda: judge.fetch_analyse(fetched, quotes=target.quotes, threshold=self.threshold),
            )
        except Exception as error:  # noqa: BLE001 - as above: judging one page must not cost the others their check
            log.exception("judging %s failed", target.url)
            failed = Fetched(url=target.url, final_url=target.url, error_kind="connection_error", error=f"{type(error).__name__}: {error}")
            analysis = judge.fetch_analyse(failed, quotes=target.quotes, threshold=self.threshold)
        return Result(target, analysis=analysis, body=body_to_keep(fetched, analysis=analysis, known_text_hash=target.known_text_hash))


def body_to_keep(fetched: Fetched, *, analysis: judge.Analysis, known_text_hash: str) -> bytes | None:
    """The fetched body when the re-check may snapshot this result (its text is new), else None."""
    if analysis.text is None or analysis.text_hash == known_text_hash:
        return None
    return fetched.body


def results_take(results: queue.Queue, *, limit: int, timeout: float | None) -> list[Result]:
    """Up to `limit` results: waits up to `timeout` for the first, then takes what is ready.

    Raises what the loop failed with (an infrastructure error: the run fails, its claims lapse).
    """
    try:
        group = [results.get(timeout=timeout)]
    except queue.Empty:
        return []
    while len(group) < limit:
        try:
            group.append(results.get_nowait())
        except queue.Empty:
            break
    for result in group:
        if result.error is not None:
            raise result.error
    return group


__all__ = ["FetchLoop", "Result", "Target", "results_take"]
