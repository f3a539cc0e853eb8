"""Politeness without and after Redis: slower, never faster than the shared limits allow."""
# ruff: noqa: F811  (fixtures imported from tests.checks_helpers)

import asyncio
import socket
import time

from redis import Redis

from commitments.checks.politeness import Limits, Politeness, Postponed, host_slot
from tests.checks_helpers import RedisServer, origins, redis_server  # noqa: F401
from tests.checks_server import Response, html

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


FETCH_SCRIPT = "import sys, django; django.setup(); from commitments.checks.services import fetch_urls; print(len(fetch_urls(sys.argv[1:])))"


def test_two_processes_keep_the_gap_at_the_origin_while_redis_is_down(origins, redis_server, tmp_path):
    """Two real fetching processes on one origin; Redis stops under them: the origin still never sees two requests closer than the gap."""
    import os
    import subprocess
    import sys

    from tests.celery_worker import BASE_DIR

    paths = [f"/gate-{n}" for n in range(28)]
    for path in paths:
        origins.route(path, Response(200, html("<p>A page.</p>")))
    env = {**os.environ, "REDIS_URL": redis_server.url, "CACHE_URL": "locmem://", "TRACKER_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE":
           "tracker.settings", "TRACKER_CHECK_ALLOWED_NETWORKS": "127.0.0.0/8", "TRACKER_CHECK_HOST_RATE": "5",
           "TRACKER_CHECK_HOST_GAP_MARGIN_MS": "30", "TRACKER_CHECK_RUNNERS": "2", "TRACKER_CHECK_REDIS_CALM": "1"}
    fetchers = [subprocess.Popen([sys.executable, "-c", FETCH_SCRIPT, *[origins.url(path) for path in paths[n::2]]], cwd=BASE_DIR, env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for n in range(2)]
    try:
        deadline = time.monotonic() + 30
        while sum(1 for r in origins.log if r.path.startswith("/gate-")) < 4:
            assert time.monotonic() < deadline and all(f.poll() is None for f in fetchers)
            time.sleep(0.02)
        redis_server.stop()
        stopped = time.monotonic()
        outputs = [fetcher.communicate(timeout=90) for fetcher in fetchers]
    finally:
        for fetcher in fetchers:
            fetcher.kill()
    assert [out.strip().splitlines()[-1] for out, _ in outputs] == ["14", "14"], outputs
    assert "politeness store unreachable" in outputs[0][1] + outputs[1][1]
    during = [r.at for r in origins.log if r.path.startswith("/gate-") and r.at > stopped]
    assert len(during) >= 20, "most requests were sent while Redis was down"
    # 1/5 s; the origin is a thread of this busy test process, whose clock reads an arrival a few ms late (before: 0.1 ms apart).
    assert origins.min_gap(0, "/gate-") >= 0.2 - 0.01
