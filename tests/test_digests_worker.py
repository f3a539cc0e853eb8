"""End to end: digests sent by a real Celery worker (prefork, Redis broker) that is killed with SIGKILL mid batch.

Every subscriber must get exactly one digest: the batch a dead pool process held comes back at
once (reject_on_worker_lost) and looks again once the dead claims lapse; the batches of a dead
worker come back after the broker's visibility timeout and take the stale claims over. The test
shortens the lease and the visibility timeout; `test_the_default_timeouts_bring_a_dead_batch_back_within_ten_minutes`
checks that the defaults keep the same order, and add up to less than ten minutes.
"""

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings

from commitments.models import DigestDelivery, Subscriber
from tests.celery_worker import BASE_DIR, POLL, Worker, broker_empty
from tests.digests_week import BEFORE, WEEK
from tests.smtp_server import smtp_server

pytest_plugins = ["tests.digests_support"]

# Six batches, as many as make the kill land mid-batch in both pool processes with batches left to send; small ones
# keep the sending short (and inside the 5 s soft time limit on a loaded machine).
SUBSCRIBERS, BATCH = 300, 50
# A lease of 4 s renewed every second, batches back 8 s after their worker vanished, killed after 6 s.
FAST = {"TRACKER_DIGEST_CLAIM_TIMEOUT": "4", "CELERY_VISIBILITY_TIMEOUT": "8", "CELERY_TASK_TIME_LIMIT": "6",
        "CELERY_TASK_SOFT_TIME_LIMIT": "5", "TRACKER_DIGEST_BATCH_SIZE": str(BATCH)}


@pytest.fixture
def roles(transactional_db):
    """A transactional test empties every table at its end, the roles' groups (made by a migration) too."""
    from commitments.roles import roles_ensure

    roles_ensure()


def _subscribers(count: int = SUBSCRIBERS) -> list[str]:
    Subscriber.objects.bulk_create([Subscriber(email=f"r{n}@example.org", confirmed_at=BEFORE) for n in range(count)])
    return sorted(Subscriber.objects.values_list("email", flat=True))


def _worker(tmp_path, name: str, port: int, **overrides: str) -> Worker:
    return Worker(tmp_path, name, beat=False, REDIS_URL=settings.REDIS_URL, CACHE_URL=settings.REDIS_URL, EMAIL_URL=f"smtp://127.0.0.1:{port}",
                  EMAIL_TIMEOUT="5", SITE_URL="https://tracker.example.org", **{**FAST, **overrides})


def _enqueue() -> None:
    from tracker.celery import app

    app.send_task("commitments.tasks.digests.digests_enqueue", args=[WEEK.key])


def _hold_mid_batch(handler, worker: Worker) -> None:
    """Once a third of the digests are accepted, hold every sender on its next DATA (a sender spends most of its time there).

    A held message whose sender is gone by the time the server would answer is not delivered (451): the kill lands
    outside the one window no SMTP client can close (the server accepted, the sender died before journalling).
    """
    handler.hold_after = SUBSCRIBERS // 3
    worker.wait_for(lambda: handler.waiting == 2, seconds=60)  # both pool processes inside a batch, mid-send


def _assert_each_got_one(handler, emails: list[str], output: str) -> None:
    per_address = Counter(str(message["To"]) for message in handler.messages)
    assert sorted(per_address) == emails, output[-3000:]
    assert set(per_address.values()) == {1}, [address for address, n in per_address.items() if n > 1]
    statuses = Counter(DigestDelivery.objects.filter(period=WEEK.key).values_list("status", flat=True))
    assert statuses == {DigestDelivery.State.SENT: SUBSCRIBERS}, statuses


@pytest.mark.django_db(transaction=True)
def test_a_killed_pool_process_costs_no_digest_and_doubles_none(roles, week, tmp_path):
    emails = _subscribers()
    broker_empty(settings.REDIS_URL)
    with smtp_server(delay=0.005) as smtp:
        worker = _worker(tmp_path, "child", smtp.port)
        try:
            _enqueue()
            _hold_mid_batch(smtp.handler, worker)
            victim = worker.pool_processes()[0]
            os.kill(victim, signal.SIGKILL)
            killed_at = time.monotonic()
            worker.wait_for(lambda: smtp.handler.hung_up == 1, seconds=30)  # the server saw its connection close before answering its DATA
            smtp.handler.release()
            done = worker.wait_for(lambda: smtp.handler.accepted >= SUBSCRIBERS and not _unsent(), seconds=120)
        finally:
            worker.stop()
        output = worker.output()
    assert "WorkerLostError" in output or "Process 'ForkPoolWorker" in output, output[-3000:]
    _assert_each_got_one(smtp.handler, emails, output)
    assert DigestDelivery.objects.filter(attempts__gt=1).exists(), "the dead process's claims were taken over"
    assert done - killed_at < 4 + 5 + 20  # lease, the look-again margin, and the sending


@pytest.mark.django_db(transaction=True)
def test_a_killed_worker_costs_no_digest_and_doubles_none(roles, week, tmp_path):
    emails = _subscribers()
    broker_empty(settings.REDIS_URL)
    with smtp_server(delay=0.005) as smtp:
        first = _worker(tmp_path, "first", smtp.port)
        try:
            _enqueue()
            _hold_mid_batch(smtp.handler, first)
        finally:
            first.kill()  # kill -9 of the main process and its pool
        killed_at = time.monotonic()
        _wait_until(lambda: smtp.handler.hung_up == 2, seconds=30)  # the server saw both connections close before answering their DATA
        smtp.handler.release()
        assert _unsent(), "the killed worker left digests unsent"
        second = _worker(tmp_path, "second", smtp.port)
        try:
            done = second.wait_for(lambda: smtp.handler.accepted >= SUBSCRIBERS and not _unsent(), seconds=120)
        finally:
            second.stop()
        output = first.output() + second.output()
    _assert_each_got_one(smtp.handler, emails, output)
    assert done - killed_at < 8 + 10 + 20  # visibility timeout, kombu's sweep, and the sending


def _wait_until(condition, *, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "still false"
        time.sleep(POLL)


def _unsent(count: int = SUBSCRIBERS) -> int:
    return count - DigestDelivery.objects.filter(period=WEEK.key, status=DigestDelivery.State.SENT).count()


def test_the_default_timeouts_bring_a_dead_batch_back_within_ten_minutes():
    """With every timeout at its default: a live sender's claim never lapses, a dead one's has lapsed when its batch is back."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("CELERY_", "TRACKER_DIGEST_", "TRACKER_CHECK_")) and key not in ("EMAIL_TIMEOUT",)}
    code = ("import json; from django.conf import settings as s; o = s.CELERY_BROKER_TRANSPORT_OPTIONS; print(json.dumps(["
            "s.TRACKER_DIGEST_CLAIM_TIMEOUT, s.EMAIL_TIMEOUT, s.CELERY_TASK_TIME_LIMIT, o['visibility_timeout'], o['unacked_restore_throttle']]))")
    out = subprocess.run([sys.executable, "-c", f"import django; django.setup(); {code}"], cwd=BASE_DIR, capture_output=True, text=True,
                         env={**env, "DJANGO_SETTINGS_MODULE": "tracker.settings", "REDIS_URL": "redis://127.0.0.1:6379/9"}, check=True).stdout
    lease, email_timeout, time_limit, visibility, throttle = json.loads(out.splitlines()[-1])
    renew_every = lease / 4
    assert email_timeout < lease - renew_every  # one SMTP exchange that hangs cannot outlast a live sender's lease
    assert lease < visibility  # a batch back after its worker died finds the dead claims stale
    assert time_limit < visibility  # a running batch is never delivered twice
    sweep = 10 * throttle  # kombu looks for lost tasks this often
    # A batch of 500 takes 1-3 s of CPU (bench/digests.py); a minute leaves room for a loaded machine and a slow relay.
    batch = 60
    worker_died = visibility + sweep + batch  # back after the visibility timeout, the claims stale by then
    child_died = lease + 5 + batch  # back at once, finds the claims held, looks again after the lease (look_again_later)
    assert max(worker_died, child_died) < timedelta(minutes=10).total_seconds()


# --- the one window no SMTP client can close: the server took the digest, its sender died before hearing so --------------
# Smaller batches than above: one batch stays well inside the 5 s soft time limit on a loaded machine (under a load of 10,
# 100 digests took over 5 s here), so the only death in these runs is the kill.
WINDOW_SUBSCRIBERS, WINDOW_BATCH = 120, "20"


def _sender_pid(port: int, pids: list[int]) -> int:
    """Which of `pids` holds the TCP connection whose local port is `port` (the SMTP session's peer), from /proc."""
    inodes = {line.split()[9] for line in Path("/proc/net/tcp").read_text().splitlines()[1:]
              if int(line.split()[1].split(":")[1], 16) == port}
    for pid in pids:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            with contextlib.suppress(OSError):
                if os.readlink(fd) in {f"socket:[{inode}]" for inode in inodes}:
                    return pid
    raise AssertionError(f"no pool process holds port {port}")


def _kill_in_the_window(handler, kill) -> threading.Event:
    """Once a third of the digests are in, kill a sender after the server took its message and before it answers 250."""
    done = threading.Event()

    def on_accepted(session) -> None:
        if handler.accepted >= WINDOW_SUBSCRIBERS // 3 and not done.is_set():
            kill(session.peer[1])
            done.set()

    handler.on_accepted = on_accepted
    return done


def _assert_only_the_victim_doubled(handler, emails: list[str], output: str) -> None:
    """Everyone got the digest; the one the server held when its sender died got it twice, both copies with one Message-ID."""
    per_address = Counter(str(message["To"]) for message in handler.messages)
    assert sorted(per_address) == emails, output[-3000:]
    doubled = [address for address, n in per_address.items() if n > 1]
    assert len(doubled) == 1 and per_address[doubled[0]] == 2, doubled
    ids = {str(message["Message-ID"]) for message in handler.messages if str(message["To"]) == doubled[0]}
    assert len(ids) == 1, ids
    assert "resending 1 digest(s) whose sender died inside its SMTP transaction" in output, output[-3000:]
    statuses = Counter(DigestDelivery.objects.filter(period=WEEK.key).values_list("status", flat=True))
    assert statuses == {DigestDelivery.State.SENT: WINDOW_SUBSCRIBERS}, statuses


@pytest.mark.django_db(transaction=True)
def test_a_pool_process_killed_after_the_server_took_its_digest_doubles_that_one_only(roles, week, tmp_path):
    emails = _subscribers(WINDOW_SUBSCRIBERS)
    broker_empty(settings.REDIS_URL)
    with smtp_server(delay=0.005) as smtp:
        worker = _worker(tmp_path, "window-child", smtp.port, TRACKER_DIGEST_BATCH_SIZE=WINDOW_BATCH)
        try:
            killed = _kill_in_the_window(smtp.handler, lambda port: os.kill(_sender_pid(port, worker.pool_processes()), signal.SIGKILL))
            _enqueue()
            worker.wait_for(killed.is_set, seconds=180)  # a loaded machine (load 10) took over a minute to start the first batch
            worker.wait_for(lambda: smtp.handler.accepted >= WINDOW_SUBSCRIBERS + 1 and not _unsent(WINDOW_SUBSCRIBERS), seconds=120)
        finally:
            worker.stop()
        output = worker.output()
    _assert_only_the_victim_doubled(smtp.handler, emails, output)


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_after_the_server_took_a_digest_doubles_one_per_pool_process_at_most(roles, week, tmp_path):
    emails = _subscribers(WINDOW_SUBSCRIBERS)
    broker_empty(settings.REDIS_URL)
    with smtp_server(delay=0.005) as smtp:
        first = _worker(tmp_path, "window-first", smtp.port, TRACKER_DIGEST_BATCH_SIZE=WINDOW_BATCH)
        try:
            killed = _kill_in_the_window(smtp.handler, lambda port: os.killpg(first.process.pid, signal.SIGKILL))
            _enqueue()
            first.wait_for(killed.is_set, seconds=180)
        finally:
            first.kill()
        second = _worker(tmp_path, "window-second", smtp.port, TRACKER_DIGEST_BATCH_SIZE=WINDOW_BATCH)
        try:
            second.wait_for(lambda: not _unsent(WINDOW_SUBSCRIBERS), seconds=120)
        finally:
            second.stop()
        output = first.output() + second.output()
    per_address = Counter(str(message["To"]) for message in smtp.handler.messages)
    assert sorted(per_address) == emails, output[-3000:]
    doubled = [address for address, n in per_address.items() if n > 1]
    # The process the server was answering doubles its digest; the other pool process (mid-transaction or between two) at most one more.
    assert 1 <= len(doubled) <= 2 and all(per_address[address] == 2 for address in doubled), doubled
    for address in doubled:
        assert len({str(m["Message-ID"]) for m in smtp.handler.messages if str(m["To"]) == address}) == 1
    assert "whose sender died inside its SMTP transaction" in output, output[-3000:]
