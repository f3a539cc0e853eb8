"""`make run`: the development server plus a Celery worker with embedded beat.

Without REDIS_URL the worker uses kombu's filesystem transport under var/, so the
scheduled jobs (source checks, digests) run with no other service. Stopping this command
(Ctrl-C or SIGTERM) stops both, with every process they started: each runs in its own
process group, and the whole group is signalled. Killing only the direct child is not
enough: `runserver` is an autoreloader whose own child serves the port.
"""

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
STOP_TIMEOUT = 10.0  # seconds a group gets to exit on SIGTERM before SIGKILL


class Stop(Exception):
    """SIGTERM or SIGINT reached this process."""


def _raise_stop(signum, frame) -> None:
    raise Stop(signal.Signals(signum).name)


def group_start(command: list[str], *, env: dict[str, str]) -> subprocess.Popen:
    """A child in a new session (its own process group), so a signal can reach everything it starts."""
    return subprocess.Popen(command, cwd=BASE_DIR, env=env, start_new_session=True)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # a zombie-only group on some systems: nothing left running
        return False
    return True


def _signal_group(pgid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signum)


def group_stop(process: subprocess.Popen, *, timeout: float = STOP_TIMEOUT) -> None:
    """SIGTERM the child's whole process group, wait, then SIGKILL whatever is left."""
    pgid = process.pid  # start_new_session: the child leads its group
    _signal_group(pgid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        process.poll()  # reap the leader, or it stays a zombie in the group
        if not _group_alive(pgid):
            return
        time.sleep(0.05)
    _signal_group(pgid, signal.SIGKILL)
    process.wait()


def site_url(host: str, port: str) -> str:
    """Links in e-mails and feeds point at the address served here, unless SITE_URL says otherwise."""
    if os.environ.get("SITE_URL"):
        return os.environ["SITE_URL"]
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host  # noqa: S104 - a wildcard bind is reached on loopback
    return f"http://[{shown}]:{port}" if ":" in shown else f"http://{shown}:{port}"


def served_file() -> Path:
    """Where `make run` notes the address it serves, for commands run in another terminal (tracker.settings reads it)."""
    return Path(os.environ.get("TRACKER_VAR_DIR", BASE_DIR / "var")) / "served-site-url"


def served_note(url: str) -> None:
    served_file().parent.mkdir(parents=True, exist_ok=True)
    served_file().write_text(url + "\n")


def served_forget(url: str) -> None:
    """Remove the note when stopping, unless another `make run` has since written its own."""
    with contextlib.suppress(OSError):
        if served_file().read_text().strip() == url:
            served_file().unlink()


def child_env(host: str, port: str) -> dict[str, str]:
    """The server's and the worker's environment: development mode, and links to this address."""
    return {**os.environ, "DEBUG": os.environ.get("DEBUG", "1"), "SITE_URL": site_url(host, port)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", default="8000")
    args = parser.parse_args()

    # Children live in their own groups, so Ctrl-C in the terminal reaches only this process: pass it on.
    signal.signal(signal.SIGTERM, _raise_stop)
    signal.signal(signal.SIGINT, _raise_stop)
    env = child_env(args.host, args.port)
    served_note(env["SITE_URL"])
    children = [
        group_start([sys.executable, "-m", "celery", "-A", "tracker", "worker", "--beat", "--concurrency", "1",
                     "--loglevel", "INFO", "--pool", "solo"], env=env),
    ]
    try:
        children.append(group_start([sys.executable, "manage.py", "runserver", f"{args.host}:{args.port}"], env=env))
        return children[-1].wait()
    except Stop:
        return 0
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):  # a second Ctrl-C must not cut the clean-up short
            signal.signal(signum, signal.SIG_IGN)
        for child in reversed(children):
            group_stop(child)
        served_forget(env["SITE_URL"])


if __name__ == "__main__":
    sys.exit(main())
