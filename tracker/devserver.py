"""`make run`: the development server plus a Celery worker with embedded beat.

Without REDIS_URL the worker uses kombu's filesystem transport under var/, so the
scheduled jobs (source checks, digests) run with no other service. Stopping the
server (Ctrl-C) stops the worker too.
"""

import argparse
import os
import signal
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def site_url(host: str, port: str) -> str:
    """Links in e-mails and feeds point at the address served here, unless SITE_URL says otherwise."""
    if os.environ.get("SITE_URL"):
        return os.environ["SITE_URL"]
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host  # noqa: S104 - a wildcard bind is reached on loopback
    return f"http://[{shown}]:{port}" if ":" in shown else f"http://{shown}:{port}"


def child_env(host: str, port: str) -> dict[str, str]:
    """The server's and the worker's environment: development mode, and links to this address."""
    return {**os.environ, "DEBUG": os.environ.get("DEBUG", "1"), "SITE_URL": site_url(host, port)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", default="8000")
    args = parser.parse_args()

    # Turn SIGTERM into a normal exit so the worker below is stopped with the server.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    env = child_env(args.host, args.port)
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "tracker", "worker", "--beat", "--concurrency", "1",
         "--loglevel", "INFO", "--pool", "solo"],
        cwd=BASE_DIR, env=env,
    )
    try:
        return subprocess.call(
            [sys.executable, "manage.py", "runserver", f"{args.host}:{args.port}"], cwd=BASE_DIR, env=env
        )
    except KeyboardInterrupt:
        return 0
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()


if __name__ == "__main__":
    sys.exit(main())
