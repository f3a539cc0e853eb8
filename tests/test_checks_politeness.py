"""Politeness without and after Redis: slower, never faster than the shared limits allow."""
# ruff: noqa: F811  (fixtures imported from tests.checks_helpers)

import asyncio
import socket
import time

from redis import Redis

from commitments.checks.politeness import Limits, Politeness, Postponed, host_slot
from tests.checks_helpers import RedisServer, redis_server  # noqa: F401

LIMITS = Limits(rate=20, in_flight=2, hold_seconds=5, processes=2, margin_ms=0, calm_seconds=0.3, probe_seconds=0.05)


async def _sends(politeness: Politeness, host: str, count: int) -> list[float]:
    """`count` requests to `host` one after another; when each would have been written."""
    times = []
    for _ in range(count):
        async with host_slot(politeness, host) as turn:
            await turn.before_send()
            times.append(time.monotonic())
            await turn.after_send()
    return times


def _gaps(times: list[float]) -> list[float]:
    """Each time is read after the limiter let the request go and before it stamped the send, so a
    measured gap brackets the limiter's own: it can only be longer, never shorter (no margin needed)."""
    return [b - a for a, b in zip(times, times[1:], strict=False)]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_it_spaces_requests_by_the_gap_in_redis(redis_server):
    async def run():
        politeness = Politeness(LIMITS, redis_server.url)
        try:
            return await _sends(politeness, "a.example:443", 5), politeness.degraded
        finally:
            await politeness.close()

    times, degraded = asyncio.run(run())
    assert not degraded
    assert min(_gaps(times)) >= 0.05


def test_it_falls_back_to_a_stricter_local_limit_without_redis():
    async def run():
        politeness = Politeness(LIMITS, f"redis://127.0.0.1:{_free_port()}/0")  # nobody listens there
        try:
            return await _sends(politeness, "a.example:443", 4), politeness.degraded
        finally:
            await politeness.close()

    times, degraded = asyncio.run(run())
    assert degraded
    # Each of the 2 processes that may fetch takes half the origin's budget: 100 ms apart, not 50.
    assert min(_gaps(times)) >= 0.1


def test_it_writes_back_what_it_did_and_calls_a_calm_when_redis_returns(tmp_path):
    server = RedisServer(tmp_path)

    async def run():
        politeness = Politeness(LIMITS, server.url)
        try:
            async with host_slot(politeness, "a.example:443") as turn:  # Redis away: the local limiter grants
                await turn.before_send()
                await turn.after_send()
                assert politeness.degraded
                server.start()
                await asyncio.sleep(LIMITS.probe_seconds)
                assert await politeness.try_acquire("b.example:443", "probe") > 0  # back, and calm for everyone
                assert not politeness.degraded
                redis = Redis.from_url(server.url)
                assert redis.exists(Politeness.calm_key)
                assert redis.zcard(f"{Politeness.prefix}a.example:443:inflight") == 1  # the place held during the outage
                assert int(redis.get(f"{Politeness.prefix}a.example:443:sent")) > 0  # and its last send
                redis.close()
        finally:
            await politeness.close()

    try:
        asyncio.run(run())
    finally:
        server.stop()


def test_it_postpones_rather_than_waits_out_a_long_retry_after(redis_server):
    async def run():
        politeness = Politeness(LIMITS, redis_server.url)
        try:
            await politeness.defer("busy.example:443", 60)
            async with host_slot(politeness, "busy.example:443", max_wait=5):
                pass
        except Postponed as postponed:
            return postponed.seconds
        finally:
            await politeness.close()

    assert 55 < asyncio.run(run()) <= 60
