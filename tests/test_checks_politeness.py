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
           "TRACKER_CHECK_HOST_GAP_MARGIN_MS": "0", "TRACKER_CHECK_RUNNERS": "2", "TRACKER_CHECK_REDIS_CALM": "1"}
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
    # 1/5 s between the kernel's receive times (tests/checks_server.py), however late this busy process read them (before: 0.1 ms apart).
    assert origins.min_gap(0, "/gate-") >= 0.2


async def _stalled_then_next(holder: Politeness, other: Politeness, host: str, stall: float) -> tuple[float, float]:
    """`holder` passes the send gate and stalls for `stall` before its write (a descheduled process);
    `other` asks for the gate meanwhile. When `holder` wrote, and when `other` was let go."""
    async with host_slot(holder, host) as turn:
        await turn.before_send()

        async def other_send() -> float:
            async with host_slot(other, host) as other_turn:
                await other_turn.before_send()
                granted = time.monotonic()
                await other_turn.after_send()
                return granted

        waiting = asyncio.create_task(other_send())
        await asyncio.sleep(stall)
        assert not waiting.done(), "another process was let through while the gate was held"
        written = time.monotonic()
        await turn.after_send()
    return written, await waiting


def test_a_send_stalled_past_the_gap_holds_the_gate_until_it_is_written(redis_server):
    """The race of a loaded machine: one process passes the gate, stalls six gaps before writing; another
    asks meanwhile. It goes a gap after the stalled write, not a gap after the stalled grant."""
    async def run():
        first, second = Politeness(LIMITS, redis_server.url), Politeness(LIMITS, redis_server.url)
        try:
            return await _stalled_then_next(first, second, "stall.example:443", stall=0.3)
        finally:
            await first.close()
            await second.close()

    written, granted = asyncio.run(run())
    assert granted - written >= 0.05


def test_the_machines_file_gate_holds_across_a_process_with_redis_and_one_without(redis_server, tmp_path):
    """Either side of Redis going away: a process that still reaches Redis and one that does not pass
    the same file gate, so neither sends while the other is between its grant and its write."""
    limits = Limits(**{**LIMITS.__dict__, "gate_dir": str(tmp_path / "gates")})
    nobody = f"redis://127.0.0.1:{_free_port()}/0"

    async def run(holder_url: str, other_url: str):
        holder, other = Politeness(limits, holder_url), Politeness(limits, other_url)
        try:
            return await _stalled_then_next(holder, other, "switch.example:443", stall=0.3), holder.degraded, other.degraded
        finally:
            await holder.close()
            await other.close()

    (written, granted), holder_degraded, other_degraded = asyncio.run(run(redis_server.url, nobody))
    assert (holder_degraded, other_degraded) == (False, True)
    assert granted - written >= 0.05
    (written, granted), holder_degraded, other_degraded = asyncio.run(run(nobody, redis_server.url))
    assert (holder_degraded, other_degraded) == (True, False)
    assert granted - written >= 0.05


def test_a_gate_held_by_a_process_that_died_before_writing_lapses(redis_server, tmp_path):
    limits = Limits(**{**LIMITS.__dict__, "gate_dir": str(tmp_path / "gates"), "send_hold_seconds": 0.4})

    async def run():
        dead, alive = Politeness(limits, redis_server.url), Politeness(limits, redis_server.url)
        try:
            assert await dead.send_wait("dead.example:443", "dead-token") == 0  # granted, and never written nor let go
            started = time.monotonic()
            async with host_slot(alive, "dead.example:443") as turn:
                await turn.before_send()
                await turn.after_send()
            return time.monotonic() - started
        finally:
            await dead.close()
            await alive.close()

    waited = asyncio.run(run())
    assert 0.3 <= waited < 5  # the hold's 0.4 s (Redis rounds to whole ms), and not forever


def test_the_test_origin_logs_when_a_request_arrived_not_when_its_busy_loop_read_it(origins):
    """The gaps these tests assert are the kernel's receive times: a stall of the origin's own loop does not shorten them."""
    origins.route("/stamp", Response(200, html("<p>A page.</p>")))
    origins.loop.call_soon_threadsafe(time.sleep, 0.4)  # the origin's loop stalls, as a busy test process would
    with socket.create_connection(("127.0.0.1", origins.ports[0])) as client:
        sent = time.monotonic()
        client.sendall(b"GET /stamp HTTP/1.1\r\nHost: a\r\n\r\n")
        assert client.recv(65536).startswith(b"HTTP/1.1 200")
        answered = time.monotonic()
    (request,) = [r for r in origins.log if r.path == "/stamp"]
    assert answered - sent >= 0.3  # the stall did hold the answer up
    assert abs(request.at - sent) < 0.05  # and the arrival is when the bytes came, not when the loop woke


def test_a_request_that_fails_between_gate_and_write_lets_the_gate_go_as_sent(redis_server, tmp_path):
    """A write that fails (a reset connection) leaves no hold behind: the next request waits the gap, not the hold."""
    limits = Limits(**{**LIMITS.__dict__, "gate_dir": str(tmp_path / "gates"), "send_hold_seconds": 3})

    async def run():
        failing, next_one = Politeness(limits, redis_server.url), Politeness(limits, redis_server.url)
        try:
            try:
                async with host_slot(failing, "reset.example:443") as turn:
                    await turn.before_send()
                    failed = time.monotonic()
                    raise ConnectionResetError("the origin hung up mid-write")
            except ConnectionResetError:
                pass
            async with host_slot(next_one, "reset.example:443") as turn:
                await turn.before_send()
                granted = time.monotonic()
                await turn.after_send()
            return granted - failed
        finally:
            await failing.close()
            await next_one.close()

    waited = asyncio.run(run())
    # A gap from the failure, as after a send (some bytes may have left; 1 ms for Redis' whole-ms clock), far under the 3 s hold.
    assert LIMITS.gap_ms / 1000 - 0.001 <= waited < 1
