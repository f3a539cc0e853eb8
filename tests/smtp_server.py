"""A real SMTP server on 127.0.0.1 for tests and the benchmark (aiosmtpd in a thread).

In tests: `with smtp_server() as server:` then read `server.handler.messages` (parsed
email.message.EmailMessage objects). It can refuse recipients (550) or answer DATA with
a temporary failure (451) for the first N messages, to test retries.

As a script (`python -m tests.smtp_server --port N`): a counting sink that prints how many
messages it accepted when it receives SIGTERM (the benchmark runs it in its own process).
"""

import argparse
import contextlib
import email
import email.policy
import logging
import signal
import socket
import sys
import threading
from collections.abc import Iterator

from aiosmtpd.controller import Controller

# aiosmtpd logs every connection at INFO: too loud for test output and the benchmark.
logging.getLogger("mail.log").setLevel(logging.WARNING)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RecordingHandler:
    def __init__(self, *, fail_first: int = 0, fail_reply: str = "451 4.3.0 Try again later", refuse: frozenset[str] = frozenset(),
                 keep: bool = True):
        self.fail_first, self.fail_reply, self.refuse, self.keep = fail_first, fail_reply, refuse, keep
        self.messages: list[email.message.EmailMessage] = []
        self.data_attempts = 0
        self.accepted = 0
        self._lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 (aiosmtpd's hook name)
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        with self._lock:
            self.data_attempts += 1
            if self.data_attempts <= self.fail_first:
                return self.fail_reply
            self.accepted += 1
            if self.keep:
                self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted for delivery"

    def recipients(self) -> list[str]:
        return sorted(str(message["To"]) for message in self.messages)


@contextlib.contextmanager
def smtp_server(**handler_options) -> Iterator[Controller]:
    controller = Controller(RecordingHandler(**handler_options), hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller
    finally:
        controller.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    handler = RecordingHandler(keep=False)
    controller = Controller(handler, hostname="127.0.0.1", port=args.port, data_size_limit=0)
    controller.start()
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    print("ready", flush=True)
    done.wait()
    controller.stop()
    print(handler.accepted, flush=True)
    sys.exit(0)


if __name__ == "__main__":
    main()
