"""Per-origin politeness: a minimum gap between requests and a cap on requests in flight.

The state lives in Redis so the limits hold across every worker; Lua scripts make each
step atomic and use Redis' clock, so workers with skewed clocks agree. Each request:

1. `acquire`: waits until the origin's next-allowed time has passed and fewer than
   `in_flight` of its requests are open, then takes a place (next-allowed = now + gap).
2. `send_wait`, just before the request's bytes are written: the origin's send gate. It is
   granted only when the origin's last send is a gap past and nobody else holds the gate, and
   the grantee holds it until:
3. `sent`, once the bytes are written: next send = now + gap, and the gate is let go. A send
   is never granted while another is between its grant and its write, so the origin sees the
   gap between *written* requests however long either stalls on the way (a busy event loop, a
   slow connect, a process descheduled on a loaded machine). A hold left by a dead process
   lapses after `send_hold_seconds`.
4. `release`: gives the in-flight place back. Places are members of a sorted set scored by
   expiry, so a place left by a dead worker lapses on its own and no counter drifts.

With `Limits.gate_dir` (TRACKER_VAR_DIR), every process of the machine also passes the same
send gate in a file per origin, taken under an exclusive lock, in both modes below: a process
whose Redis is away and one whose Redis answers still never send to one origin at once.

When Redis cannot be reached, each process falls back to a stricter local limiter (the gap
times the most processes that may fetch at once, and its share of the in-flight cap), and the
file gate is the machine's shared one. When Redis answers again the process writes back what it
did meanwhile (its open places and its last send per origin) and asks every process to pause
for a short calm period, long enough for the others to notice Redis is back and write theirs.
"""

import asyncio
import fcntl
import hashlib
import itertools
import logging
import os
import time
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

_NOW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local after = tonumber(t[1]) * 1000 + math.ceil(tonumber(t[2]) / 1000)
"""
# Keys per origin: `next` (the next reservation), `sent` (no request may be sent before it),
# `inflight` (a sorted set of open places, scored by expiry), `holder` (the token between its send
# grant and its write); and one global `calm` (no request at all before it).
# Times are Redis' own, in whole ms: `now` rounds down (has a time passed?),
# `after` rounds up (a floor set from now), so rounding never shortens a gap, not even by the
# fraction of a ms that a floor set from `now` would lose: floor(t2) >= ceil(t1) + gap means
# t2 - t1 >= gap.
_CALM = """
local calm = tonumber(redis.call('GET', KEYS[4]) or '0')
if now < calm then return calm - now end
"""
# ARGV: gap ms, max in flight, hold ms, token, lead ms. Returns 0 when a place is taken, else ms to wait.
# A place is granted `lead` before the origin's turn, so connecting overlaps the wait.
_ACQUIRE = _NOW + _CALM + """
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
if redis.call('ZCARD', KEYS[3]) >= tonumber(ARGV[2]) then return 25 end
local turn = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), tonumber(redis.call('GET', KEYS[2]) or '0'))
if now < turn - tonumber(ARGV[5]) then return turn - tonumber(ARGV[5]) - now end
redis.call('SET', KEYS[1], math.max(turn, after) + tonumber(ARGV[1]), 'PX', tonumber(ARGV[1]) + 60000)
redis.call('ZADD', KEYS[3], now + tonumber(ARGV[3]), ARGV[4])
redis.call('PEXPIRE', KEYS[3], tonumber(ARGV[3]))
return 0
"""
# Just before the request is written. ARGV: gap ms, token, hold ms. Returns 0 (go: the gate is held
# for `token` until _SENT) or ms to wait. A held gate is polled every few ms: a write takes no longer.
_GATE = _NOW + _CALM + """
local holder = redis.call('GET', KEYS[5])
if holder and holder ~= ARGV[2] then return 3 end
local sent = tonumber(redis.call('GET', KEYS[2]) or '0')
if now < sent then return sent - now end
redis.call('SET', KEYS[2], after + tonumber(ARGV[1]), 'PX', tonumber(ARGV[1]) + 60000)
redis.call('SET', KEYS[5], ARGV[2], 'PX', tonumber(ARGV[3]))
return 0
"""
# The request is written (or failed). ARGV: gap ms, token. Next send a gap from now; the gate let go.
_SENT = _NOW + """
local until_at = after + tonumber(ARGV[1])
if until_at > tonumber(redis.call('GET', KEYS[2]) or '0') then
  redis.call('SET', KEYS[2], until_at, 'PX', tonumber(ARGV[1]) + 60000)
end
if redis.call('GET', KEYS[5]) == ARGV[2] then redis.call('DEL', KEYS[5]) end
return until_at
"""
# ARGV: ms from now before anything may be sent (after a send: the gap; Retry-After). Never earlier.
_PUSH = _NOW + """
local until_at = after + tonumber(ARGV[1])
for i = 1, #KEYS do
  if until_at > tonumber(redis.call('GET', KEYS[i]) or '0') then
    redis.call('SET', KEYS[i], until_at, 'PX', tonumber(ARGV[1]) + 60000)
  end
end
return until_at
"""
_RELEASE = "return redis.call('ZREM', KEYS[1], ARGV[1])"
# ARGV: ms before the next send, hold ms, calm ms, tokens...
_RESTORE = _NOW + """
local until_at = after + tonumber(ARGV[1])
for i = 1, 2 do
  if until_at > tonumber(redis.call('GET', KEYS[i]) or '0') then
    redis.call('SET', KEYS[i], until_at, 'PX', tonumber(ARGV[1]) + 60000)
  end
end
for i = 4, #ARGV do redis.call('ZADD', KEYS[3], now + tonumber(ARGV[2]), ARGV[i]) end
if #ARGV >= 4 then redis.call('PEXPIRE', KEYS[3], tonumber(ARGV[2])) end
if after + tonumber(ARGV[3]) > tonumber(redis.call('GET', KEYS[4]) or '0') then
  redis.call('SET', KEYS[4], after + tonumber(ARGV[3]), 'PX', tonumber(ARGV[3]))
end
return 0
"""


@dataclass(frozen=True)
class Limits:
    rate: float  # requests a second per origin
    in_flight: int  # requests at once per origin
    hold_seconds: float  # an in-flight place left by a dead worker lapses after this
    processes: int = 2  # the most processes that may fetch at once (the degraded limiter divides by it)
    margin_ms: int = 0  # added to the gap (room for the clocks' rounding)
    calm_seconds: float = 2.0  # pause for everyone after a process comes back from degraded mode
    probe_seconds: float = 0.5  # how often a degraded process tries Redis again
    gate_dir: str = ""  # where this machine's processes share each origin's send gate ("" for none)
    send_hold_seconds: float = 5.0  # a send gate held by a process that died before writing lapses after this

    @property
    def gap_ms(self) -> int:
        return (int(1000 / self.rate) if self.rate > 0 else 0) + self.margin_ms

    @property
    def lead_ms(self) -> int:
        """A place is granted this long before the origin's turn: connecting overlaps the wait."""
        return min(250, self.gap_ms // 5)

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


class _FileGates:
    """Each origin's send gate in a file of its own, read and written under flock: the next allowed send
    (wall-clock seconds) and who holds the gate until when ("next holder until").

    The lock is held for one read and one write, microseconds, so taking it blocks the event loop no longer than a log line.
    A time further ahead than SANE_AHEAD is a clock that jumped back, not a wait, and is overwritten.
    """

    SANE_AHEAD = 3600.0
    POLL = 0.003  # how soon to ask again while another process holds the gate (a write takes less)

    def __init__(self, folder: str) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)

    def _path(self, host: str) -> Path:
        return self.folder / f"{hashlib.sha256(host.encode()).hexdigest()[:32]}.gate"

    def _update(self, host: str, decide) -> float:
        """decide(now, next_at, holder) -> (wait, new next_at or None to keep, new holder or None to keep)."""
        fd = os.open(self._path(host), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            now, raw = time.time(), os.pread(fd, 256, 0).strip(b"\0 \n").decode(errors="replace").split()
            try:
                next_at = float(raw[0]) if raw else 0.0
                holder = (raw[1], float(raw[2])) if len(raw) == 3 else None
            except ValueError:
                next_at, holder = 0.0, None
            if next_at - now > self.SANE_AHEAD:
                next_at = 0.0
            if holder is not None and (holder[1] <= now or holder[1] - now > self.SANE_AHEAD):
                holder = None  # lapsed: its process died between grant and write
            wait, new_next, new_holder = decide(now, next_at, holder)
            if new_next is not None or new_holder is not None:
                next_at = next_at if new_next is None else new_next
                holder = None if new_holder == () else (new_holder or holder)
                line = f"{next_at:.6f}" + (f" {holder[0]} {holder[1]:.6f}" if holder else "")
                os.pwrite(fd, line.encode().ljust(256), 0)
            return wait
        finally:
            os.close(fd)  # releases the lock

    def take(self, host: str, gap: float, token: str, hold: float) -> float:
        """0, and the gate is held for `token` (next send a gap away at least); else the seconds to wait."""
        def decide(now, next_at, holder):
            if holder is not None and holder[0] != token:
                return self.POLL, None, None
            if now < next_at:
                return next_at - now, None, None
            return 0.0, now + gap, (token, now + hold)
        return self._update(host, decide)

    def sent(self, host: str, gap: float, token: str) -> None:
        """`token` has written its request: the next send is a gap from now, and its hold is let go."""
        self._update(host, lambda now, next_at, holder: (
            0.0, max(next_at, now + gap), () if holder is not None and holder[0] == token else None))

    def let_go(self, host: str, token: str) -> None:
        """`token` will not send now (another gate said wait): its hold is let go, nothing else changes."""
        self._update(host, lambda now, next_at, holder: (0.0, None, () if holder is not None and holder[0] == token else None))

    def push(self, host: str, seconds: float) -> None:
        """No send to `host` from any process before `seconds` from now (never earlier than already set)."""
        self._update(host, lambda now, next_at, holder: (0.0, max(next_at, now + seconds), None))


class _Local:
    """This process's own view: its open places, send floors and gate holders per origin; the limiter without Redis."""

    POLL = 0.003

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.open: dict[str, set[str]] = {}
        self.next_at: dict[str, float] = {}  # no send before this (monotonic): sends, Retry-After
        self.holders: dict[str, str] = {}  # the token between its send grant and its write, per origin
        self.floor = 0.0  # no degraded send before this (other processes may have just sent anywhere)

    def place_wait(self, host: str, *, limit: int) -> float:
        return 0.025 if len(self.open.get(host, ())) >= limit else 0.0

    def send_wait(self, host: str, now: float, token: str) -> float:
        if self.holders.get(host, token) != token:
            return self.POLL
        return max(self.floor, self.next_at.get(host, 0.0)) - now

    def hold(self, host: str, token: str) -> None:
        self.holders[host] = token

    def let_go(self, host: str, token: str) -> None:
        if self.holders.get(host) == token:
            del self.holders[host]

    def take(self, host: str, token: str) -> None:
        self.open.setdefault(host, set()).add(token)

    def push(self, host: str, until: float) -> None:
        self.next_at[host] = max(self.next_at.get(host, 0.0), until)

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
    connections = 32

    def __init__(self, limits: Limits, redis_url: str = "") -> None:
        self.limits, self.local = limits, _Local(limits)
        self.gates = _FileGates(limits.gate_dir) if limits.gate_dir else None
        self.redis = None
        self.degraded_since: float | None = None
        self._probed = 0.0
        self._tokens = (f"{os.getpid()}:{id(self)}:{n}" for n in itertools.count())
        self._queues: dict[str, asyncio.Lock] = {}
        if redis_url:
            from redis.asyncio import BlockingConnectionPool, Redis

            # Short timeouts: an unreachable Redis must switch us to the local limiter quickly.
            pool = BlockingConnectionPool.from_url(
                redis_url, max_connections=self.connections, timeout=None, socket_timeout=2, socket_connect_timeout=1,
            )
            self.redis = Redis(connection_pool=pool)
            # Callers queue here, not in the pool: a busy pool is not an absent Redis.
            self._calls = asyncio.Semaphore(self.connections)
            self._scripts = {name: self.redis.register_script(body) for name, body in (
                ("acquire", _ACQUIRE), ("gate", _GATE), ("sent", _SENT), ("push", _PUSH), ("release", _RELEASE),
                ("restore", _RESTORE))}

    @property
    def degraded(self) -> bool:
        return self.degraded_since is not None

    @property
    def _gap(self) -> float:
        """The gap the local limiter keeps: stricter when standing in for an absent Redis."""
        return self.limits.degraded_gap if self.redis is not None else self.limits.gap_ms / 1000

    def _keys(self, host: str) -> list[str]:
        return [f"{self.prefix}{host}:next", f"{self.prefix}{host}:sent", f"{self.prefix}{host}:inflight", self.calm_key,
                f"{self.prefix}{host}:holder"]

    async def _call(self, name: str, keys: list[str], args: list) -> int | None:
        """Run a script; None (and degraded mode) when Redis cannot be reached."""
        from redis.exceptions import ConnectionError, TimeoutError

        if self.redis is None or (self.degraded and not await self._recover()):
            return None
        try:
            async with self._calls:
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
            # Connections opened before the outage are dead (a restarted Redis closed them):
            # drop them all, or each would fail once and send us back into degraded mode.
            await self.redis.connection_pool.disconnect()
            await self._restore(now)
        except (ConnectionError, TimeoutError, OSError):
            return False
        log.warning("politeness store back after %.1f s", now - (self.degraded_since or now))
        self.degraded_since = None
        return True

    async def _restore(self, now: float) -> None:
        hold_ms, calm_ms = int(self.limits.hold_seconds * 1000), int(self.limits.calm_seconds * 1000)
        for host in (set(self.local.open) | set(self.local.next_at)) or {"-"}:
            ahead_ms = max(0, int((self.local.next_at.get(host, 0.0) - now) * 1000))
            await self._scripts["restore"](keys=self._keys(host), args=[ahead_ms, hold_ms, calm_ms, *self.local.open.get(host, ())])

    async def try_acquire(self, host: str, token: str) -> float:
        """0 when an in-flight place is taken for `token`, else the seconds to wait before asking again."""
        args = [self.limits.gap_ms, self.limits.in_flight, int(self.limits.hold_seconds * 1000), token, self.limits.lead_ms]
        wait_ms = await self._call("acquire", self._keys(host), args)
        if wait_ms is None:  # no Redis, or Redis away: the local limiter decides
            limit = self.limits.degraded_in_flight if self.redis is not None else self.limits.in_flight
            wait = self.local.place_wait(host, limit=limit)
        else:
            wait = wait_ms / 1000
        if wait <= 0:
            self.local.take(host, token)
        return max(0.0, wait)

    async def send_wait(self, host: str, token: str) -> float:
        """Just before writing a request: 0 to go, the origin's send gate now held for `token` until `sent`; else the wait.

        The gates are asked in one order, this process's, the machine's file, then Redis, and a gate
        granted is let go again when a later one says wait: nobody holds one gate while waiting on another.
        """
        now = time.monotonic()
        wait = self.local.send_wait(host, now, token)
        if wait > 0:
            return self._degraded_wait(wait)
        if self.gates is not None:
            wait = self.gates.take(host, self.limits.gap_ms / 1000, token, self.limits.send_hold_seconds)
            if wait > 0:
                return self._degraded_wait(wait)
        hold_ms = int(self.limits.send_hold_seconds * 1000)
        wait_ms = await self._call("gate", self._keys(host), [self.limits.gap_ms, token, hold_ms])
        now = time.monotonic()
        # Redis away (perhaps only since this call): the stricter local floor that starts at the switch decides.
        wait = self.local.send_wait(host, now, token) if wait_ms is None else wait_ms / 1000
        if wait > 0:
            if self.gates is not None:
                self.gates.let_go(host, token)
            return self._degraded_wait(wait)
        self.local.hold(host, token)
        self.local.push(host, now + (self._gap if wait_ms is None else self.limits.gap_ms / 1000))
        return 0.0

    def _degraded_wait(self, wait: float) -> float:
        """While Redis is away, ask again at least every probe: it may be back, and its floors with it."""
        return min(wait, self.limits.probe_seconds) if self.degraded else wait

    async def sent(self, host: str, token: str) -> None:
        """`token`'s request has been written (or has failed): the next send to this origin, from any process, is
        a full gap from now, and the send gate `token` held is let go (Redis first, then the machine's file)."""
        self.local.push(host, time.monotonic() + (self._gap if self.degraded or self.redis is None else self.limits.gap_ms / 1000))
        await self._call("sent", self._keys(host), [self.limits.gap_ms, token])
        if self.gates is not None:
            self.gates.sent(host, self.limits.gap_ms / 1000, token)
        self.local.let_go(host, token)

    async def release(self, host: str, token: str) -> None:
        self.local.done(host, token)
        await self._call("release", self._keys(host)[2:3], [token])

    async def defer(self, host: str, seconds: float) -> None:
        """Retry-After: no request to this origin for `seconds`, from any worker."""
        self.local.push(host, time.monotonic() + seconds)
        if await self._call("push", self._keys(host)[:2], [int(seconds * 1000)]) is None and self.gates is not None:
            self.gates.push(host, seconds)

    def token(self) -> str:
        return next(self._tokens)

    def queue(self, host: str) -> asyncio.Lock:
        lock = self._queues.get(host)
        if lock is None:
            lock = self._queues[host] = asyncio.Lock()
        return lock

    async def close(self) -> None:
        if self.redis is not None:
            await self.redis.aclose()


def politeness_for(*, limits: Limits, redis_url: str) -> Politeness:
    return Politeness(limits, redis_url)


class Turn:
    """One request's turn at an origin: the in-flight place is held; `before_send` waits for the
    send gate and holds it, `after_send` lets it go once the request is written. `close` (on the
    way out of `host_slot`) lets go a gate still held by a request that failed in between, as
    sent: some of its bytes may have reached the origin.
    """

    def __init__(self, politeness: Politeness, host: str, token: str, max_wait: float | None) -> None:
        self.politeness, self.host, self.token, self.max_wait = politeness, host, token, max_wait
        self.holding = False

    async def before_send(self) -> None:
        while True:
            wait = await self.politeness.send_wait(self.host, self.token)
            if wait <= 0:
                self.holding = True
                return
            if self.max_wait is not None and wait > self.max_wait:
                raise Postponed(wait)
            await asyncio.sleep(wait)

    async def after_send(self) -> None:
        self.holding = False
        await self.politeness.sent(self.host, self.token)

    async def close(self) -> None:
        if self.holding:
            await self.after_send()


@asynccontextmanager
async def host_slot(politeness: Politeness, host: str, *, max_wait: float | None = None):
    """Wait for one of this origin's in-flight places and hold it; yields the request's Turn.

    Raises Postponed when the origin's turn is further away than `max_wait` (a Retry-After).
    """
    token = politeness.token()
    async with politeness.queue(host):  # one asker per origin in this process: fewer polls
        while (wait := await politeness.try_acquire(host, token)) > 0:
            if max_wait is not None and wait > max_wait:
                raise Postponed(wait)
            await asyncio.sleep(wait)
    turn = Turn(politeness, host, token, max_wait)
    try:
        yield turn
    finally:
        await asyncio.shield(turn.close())
        await politeness.release(host, token)


__all__ = ["Limits", "Politeness", "Postponed", "Turn", "host_slot", "politeness_for"]
