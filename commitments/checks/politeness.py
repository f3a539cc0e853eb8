"""Per-origin politeness: a minimum gap between requests and a cap on requests in flight.

The state lives in Redis so the limits hold across every worker; Lua scripts make each
step atomic and use Redis' clock, so workers with skewed clocks agree. Each request:

1. `acquire`: waits until the origin's next-allowed time has passed and fewer than
   `in_flight` of its requests are open, then takes a place (next-allowed = now + gap).
2. `stamp`: once the request's bytes are written, next-allowed = max(next, now + gap).
   The origin sees the gap between *sent* requests, not between granted slots: a request
   delayed after its grant (a busy event loop, a slow connect) pushes the next one back.
3. `release`: gives the in-flight place back. Places are members of a sorted set scored by
   expiry, so a place left by a dead worker lapses on its own and no counter drifts.

When Redis cannot be reached, each process falls back to a stricter local limiter (the gap
times the most processes that may fetch at once, and its share of the in-flight cap): slower,
never impolite. When Redis answers again the process writes back what it did meanwhile
(its open places and its last send per origin) and asks every process to pause for a short
calm period, long enough for the others to notice Redis is back and write theirs.
"""

import asyncio
import itertools
import logging
import os
import threading
import time
from contextlib import asynccontextmanager
from dataclasses import dataclass

log = logging.getLogger(__name__)

_NOW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
"""
# KEYS: next-allowed (ms), in-flight set, calm-until. ARGV: gap ms, max in flight, hold ms, token.
# Returns 0 when the place is taken, else the milliseconds to wait before asking again.
_ACQUIRE = _NOW + """
local calm = tonumber(redis.call('GET', KEYS[3]) or '0')
if now < calm then return calm - now end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[2]) then return 25 end
local next_at = tonumber(redis.call('GET', KEYS[1]) or '0')
if now < next_at then return next_at - now end
redis.call('SET', KEYS[1], now + tonumber(ARGV[1]), 'PX', tonumber(ARGV[1]) + 60000)
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[3]), ARGV[4])
redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[3]))
return 0
"""
# KEYS: next-allowed. ARGV: ms from now before the next request may go. Never moves it earlier.
_PUSH = _NOW + """
local until_at = now + tonumber(ARGV[1])
if until_at > tonumber(redis.call('GET', KEYS[1]) or '0') then
  redis.call('SET', KEYS[1], until_at, 'PX', tonumber(ARGV[1]) + 60000)
end
return until_at
"""
_RELEASE = "return redis.call('ZREM', KEYS[1], ARGV[1])"
# KEYS: next-allowed, in-flight set, calm-until. ARGV: ms before the next request, hold ms, calm ms, tokens...
_RESTORE = _NOW + """
local until_at = now + tonumber(ARGV[1])
if until_at > tonumber(redis.call('GET', KEYS[1]) or '0') then
  redis.call('SET', KEYS[1], until_at, 'PX', tonumber(ARGV[1]) + 60000)
end
for i = 4, #ARGV do redis.call('ZADD', KEYS[2], now + tonumber(ARGV[2]), ARGV[i]) end
if #ARGV >= 4 then redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[2])) end
if now + tonumber(ARGV[3]) > tonumber(redis.call('GET', KEYS[3]) or '0') then
  redis.call('SET', KEYS[3], now + tonumber(ARGV[3]), 'PX', tonumber(ARGV[3]))
end
return 0
"""


@dataclass(frozen=True)
class Limits:
    rate: float  # requests a second per origin
    in_flight: int  # requests at once per origin
    hold_seconds: float  # an in-flight place left by a dead worker lapses after this
    processes: int = 2  # the most processes that may fetch at once (the degraded limiter divides by it)
    margin_ms: int = 0  # added to the gap: the origin's own clock and scheduling jitter
    calm_seconds: float = 2.0  # pause for everyone after a process comes back from degraded mode
    probe_seconds: float = 0.5  # how often a degraded process tries Redis again

    @property
    def gap_ms(self) -> int:
        return (int(1000 / self.rate) if self.rate > 0 else 0) + self.margin_ms

    @property
    def degraded_gap(self) -> float:
        return self.gap_ms * max(1, self.processes) / 1000

    @property
    def degraded_in_flight(self) -> int:
        return max(1, self.in_flight // max(1, self.processes))


class Postponed(Exception):
    """The origin asked us (Retry-After) to stay away longer than a run should wait."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"the origin asked for a pause of {seconds:.0f} s")
        self.seconds = seconds


class _Local:
    """One process's own view: its open places and last sends per origin, and the degraded limiter."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.open: dict[str, set[str]] = {}
        self.last_sent: dict[str, float] = {}
        self.next_at: dict[str, float] = {}  # local floors: stamps, Retry-After, entering degraded mode
        self.floor = 0.0  # no degraded grant before this (others may have just sent to any origin)

    def wait(self, host: str, now: float) -> float:
        """0 when the degraded limiter allows a request now, else how long to wait."""
        if len(self.open.get(host, ())) >= self.limits.degraded_in_flight:
            return 0.025
        return max(self.floor, self.next_at.get(host, 0.0)) - now

    def take(self, host: str, token: str, now: float, *, gap: float) -> None:
        self.open.setdefault(host, set()).add(token)
        self.next_at[host] = max(self.next_at.get(host, 0.0), now + gap)

    def sent(self, host: str, now: float, *, gap: float) -> None:
        self.last_sent[host] = now
        self.next_at[host] = max(self.next_at.get(host, 0.0), now + gap)

    def done(self, host: str, token: str) -> None:
        places = self.open.get(host)
        if places is not None:
            places.discard(token)
            if not places:
                del self.open[host]


class Politeness:
    """Shared limits in Redis (`redis_url`), degrading to a stricter local limiter when it is away.

    Without a Redis URL (development) the local limiter is all there is, at the normal rate.
    One instance per event loop; its methods are coroutines.
    """

    prefix = "tracker:checks:host:"
    calm_key = "tracker:checks:calm"

    def __init__(self, limits: Limits, redis_url: str = "") -> None:
        self.limits, self.local = limits, _Local(limits)
        self.redis = None
        self.degraded_since: float | None = None
        self._probed = 0.0
        self._tokens = (f"{os.getpid()}:{id(self)}:{n}" for n in itertools.count())
        if redis_url:
            from redis.asyncio import BlockingConnectionPool, Redis

            # Short timeouts: an unreachable Redis must switch us to the local limiter quickly.
            pool = BlockingConnectionPool.from_url(
                redis_url, max_connections=50, timeout=10, socket_timeout=2, socket_connect_timeout=1,
            )
            self.redis = Redis(connection_pool=pool)
            self._scripts = {name: self.redis.register_script(body) for name, body in
                             (("acquire", _ACQUIRE), ("push", _PUSH), ("release", _RELEASE), ("restore", _RESTORE))}

    @property
    def degraded(self) -> bool:
        return self.degraded_since is not None

    def _keys(self, host: str) -> list[str]:
        return [f"{self.prefix}{host}:next", f"{self.prefix}{host}:inflight", self.calm_key]

    async def _call(self, name: str, keys: list[str], args: list) -> int | None:
        """Run a script; None (and degraded mode) when Redis cannot be reached."""
        from redis.exceptions import ConnectionError, TimeoutError

        if self.redis is None:
            return None
        if self.degraded and not await self._recover():
            return None
        try:
            return int(await self._scripts[name](keys=keys, args=args))
        except (ConnectionError, TimeoutError, OSError) as error:
            self._degrade(error)
            return None

    def _degrade(self, error: Exception) -> None:
        if not self.degraded:
            now = time.monotonic()
            log.warning("politeness store unreachable (%s): local limits, %.1f s apart per origin", error, self.limits.degraded_gap)
            self.degraded_since = self._probed = now
            self.local.floor = now + self.limits.degraded_gap

    async def _recover(self) -> bool:
        """Try Redis again (at most every `probe_seconds`); on success write back what we did meanwhile."""
        from redis.exceptions import ConnectionError, TimeoutError

        now = time.monotonic()
        if now - self._probed < self.limits.probe_seconds:
            return False
        self._probed = now
        try:
            await self._restore(now)
        except (ConnectionError, TimeoutError, OSError):
            return False
        log.warning("politeness store back after %.1f s", now - (self.degraded_since or now))
        self.degraded_since = None
        return True

    async def _restore(self, now: float) -> None:
        hold_ms, calm_ms = int(self.limits.hold_seconds * 1000), int(self.limits.calm_seconds * 1000)
        hosts = set(self.local.open) | set(self.local.next_at)
        for host in hosts or {"-"}:
            ahead_ms = max(0, int((self.local.next_at.get(host, 0.0) - now) * 1000))
            await self._scripts["restore"](keys=self._keys(host), args=[ahead_ms, hold_ms, calm_ms, *self.local.open.get(host, ())])

    async def try_acquire(self, host: str, token: str) -> float:
        """0 when a place is taken for `token`, else the seconds to wait before asking again."""
        args = [self.limits.gap_ms, self.limits.in_flight, int(self.limits.hold_seconds * 1000), token]
        wait_ms = await self._call("acquire", self._keys(host), args)
        now = time.monotonic()
        if wait_ms is None:  # no Redis, or Redis away: the local limiter decides
            gap = self.limits.degraded_gap if self.redis is not None else self.limits.gap_ms / 1000
            wait = self.local.wait(host, now)
            if wait > 0:
                return min(wait, self.limits.probe_seconds) if self.redis is not None else wait
            self.local.take(host, token, now, gap=gap)
            return 0.0
        if wait_ms == 0:
            self.local.take(host, token, now, gap=self.limits.gap_ms / 1000)
        return wait_ms / 1000

    async def stamp(self, host: str) -> None:
        """The request has just gone out: the next one to this origin waits a full gap from now."""
        now = time.monotonic()
        self.local.sent(host, now, gap=self.limits.degraded_gap if self.degraded else self.limits.gap_ms / 1000)
        await self._call("push", self._keys(host)[:1], [self.limits.gap_ms])

    async def release(self, host: str, token: str) -> None:
        self.local.done(host, token)
        await self._call("release", self._keys(host)[1:2], [token])

    async def defer(self, host: str, seconds: float) -> None:
        """Retry-After: no request to this origin for `seconds`, from any worker."""
        self.local.next_at[host] = max(self.local.next_at.get(host, 0.0), time.monotonic() + seconds)
        await self._call("push", self._keys(host)[:1], [int(seconds * 1000)])

    def token(self) -> str:
        return next(self._tokens)

    async def close(self) -> None:
        if self.redis is not None:
            await self.redis.aclose()


def politeness_for(*, limits: Limits, redis_url: str) -> Politeness:
    return Politeness(limits, redis_url)


_process_lock = threading.Lock()


@asynccontextmanager
async def host_slot(politeness: Politeness, host: str, *, max_wait: float | None = None):
    """Wait for this origin's turn and hold one of its in-flight places; yields the stamp to call on send.

    Raises Postponed when the origin's turn is further away than `max_wait` (a Retry-After).
    """
    token = politeness.token()
    while (wait := await politeness.try_acquire(host, token)) > 0:
        if max_wait is not None and wait > max_wait:
            raise Postponed(wait)
        await asyncio.sleep(wait)
    try:
        yield
    finally:
        await politeness.release(host, token)


__all__ = ["Limits", "Politeness", "Postponed", "host_slot", "politeness_for"]
