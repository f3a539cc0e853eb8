"""Per-host politeness: a minimum gap between requests and a cap on requests in flight.

The state lives in Redis so the limits hold across every worker and batch; without
REDIS_URL (development) it lives in this process. Both give the same answer: either
a slot now (wait 0) or how long to wait before asking again.
"""

import asyncio
import threading
import time
from contextlib import asynccontextmanager
from dataclasses import dataclass

# KEYS: next-allowed time (ms), in-flight count. ARGV: gap ms, max in flight, expiry ms.
# Uses Redis' clock so workers on machines with skewed clocks agree.
_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local next_at = tonumber(redis.call('GET', KEYS[1]) or '0')
local in_flight = tonumber(redis.call('GET', KEYS[2]) or '0')
if in_flight >= tonumber(ARGV[2]) then
  return 50
end
if now < next_at then
  return next_at - now
end
redis.call('SET', KEYS[1], now + tonumber(ARGV[1]), 'PX', tonumber(ARGV[1]) + 60000)
redis.call('INCR', KEYS[2])
redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[3]))
return 0
"""
_RELEASE = """
local n = redis.call('DECR', KEYS[1])
if n <= 0 then redis.call('DEL', KEYS[1]) end
return n
"""
_DEFER = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local until_at = now + tonumber(ARGV[1])
local next_at = tonumber(redis.call('GET', KEYS[1]) or '0')
if until_at > next_at then
  redis.call('SET', KEYS[1], until_at, 'PX', tonumber(ARGV[1]) + 60000)
end
return until_at
"""


@dataclass(frozen=True)
class Limits:
    rate: float  # requests a second per host
    in_flight: int  # requests at once per host
    hold_seconds: float  # an in-flight count left by a dead worker expires after this

    @property
    def gap_ms(self) -> int:
        return int(1000 / self.rate) if self.rate > 0 else 0


class LocalPoliteness:
    """In-process state, for development without Redis and for the command line."""

    _lock = threading.Lock()
    _next: dict[str, float] = {}
    _in_flight: dict[str, int] = {}

    def __init__(self, limits: Limits) -> None:
        self.limits = limits

    async def try_acquire(self, host: str) -> float:
        with self._lock:
            now = time.monotonic()
            if self._in_flight.get(host, 0) >= self.limits.in_flight:
                return 0.05
            wait = self._next.get(host, 0.0) - now
            if wait > 0:
                return wait
            self._next[host] = now + self.limits.gap_ms / 1000
            self._in_flight[host] = self._in_flight.get(host, 0) + 1
            return 0.0

    async def release(self, host: str) -> None:
        with self._lock:
            self._in_flight[host] = max(0, self._in_flight.get(host, 0) - 1)

    async def defer(self, host: str, seconds: float) -> None:
        with self._lock:
            self._next[host] = max(self._next.get(host, 0.0), time.monotonic() + seconds)

    async def close(self) -> None:
        return None


class RedisPoliteness:
    """Shared state in Redis, updated atomically by Lua scripts."""

    prefix = "tracker:checks:host:"

    def __init__(self, limits: Limits, redis_url: str) -> None:
        from redis.asyncio import BlockingConnectionPool, Redis

        self.limits = limits
        # A batch has hundreds of coroutines asking at once: they queue for a few connections, not fail.
        self.redis = Redis(connection_pool=BlockingConnectionPool.from_url(redis_url, max_connections=20, timeout=30))
        self._acquire = self.redis.register_script(_ACQUIRE)
        self._release = self.redis.register_script(_RELEASE)
        self._defer = self.redis.register_script(_DEFER)

    def _keys(self, host: str) -> list[str]:
        return [f"{self.prefix}{host}:next", f"{self.prefix}{host}:inflight"]

    async def try_acquire(self, host: str) -> float:
        hold_ms = int(self.limits.hold_seconds * 1000)
        wait_ms = await self._acquire(keys=self._keys(host), args=[self.limits.gap_ms, self.limits.in_flight, hold_ms])
        return int(wait_ms) / 1000

    async def release(self, host: str) -> None:
        await self._release(keys=self._keys(host)[1:])

    async def defer(self, host: str, seconds: float) -> None:
        await self._defer(keys=self._keys(host)[:1], args=[int(seconds * 1000)])

    async def close(self) -> None:
        await self.redis.aclose()


Politeness = LocalPoliteness | RedisPoliteness


def politeness_for(*, limits: Limits, redis_url: str) -> Politeness:
    return RedisPoliteness(limits, redis_url) if redis_url else LocalPoliteness(limits)


@asynccontextmanager
async def host_slot(politeness: Politeness, host: str):
    """Wait for this host's turn, hold one of its in-flight places, give it back."""
    while (wait := await politeness.try_acquire(host)) > 0:
        await asyncio.sleep(wait)
    try:
        yield
    finally:
        await politeness.release(host)
