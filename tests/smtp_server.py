"""A real SMTP server on 127.0.0.1 for tests and the benchmark (aiosmtpd in a thread).

In tests: `with smtp_server() as server:` then read `server.handler.messages` (parsed
email.message.EmailMessage objects). It can refuse recipients (550) or answer DATA with
a temporary failure (451) for the first N messages, to test retries.

As a script (`python -m tests.smtp_server --port N`): a counting sink that prints how many
messages it accepted when it receives SIGTERM (the benchmark runs it in its own process).
With `--fast`, the sink is `counting_server` instead of aiosmtpd: aiosmtpd reads a message
line by line in Python (~3 ms of CPU for a 60 KB digest, a third of a two-core machine at
10,000 digests), where a production relay reads it in C; the benchmark measures the sender.
"""

import argparse
import asyncio
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
                 keep: bool = True, delay: float = 0.0):
        self.fail_first, self.fail_reply, self.refuse, self.keep, self.delay = fail_first, fail_reply, refuse, keep, delay
        self.messages: list[email.message.EmailMessage] = []
        self.data_attempts = 0
        self.accepted = 0
        self._lock = threading.Lock()
        self.hold_after: int | None = None  # from this many accepted on, each DATA waits (unanswered) until release()
        self.waiting = 0  # senders waiting for the answer to their DATA
        self.hung_up = 0  # held senders whose connection the server saw close (aiosmtpd then cancels their DATA)
        self._released = threading.Event()
        # Called with the session once a message is taken and before the 250 goes out: a test kills the sender
        # there, inside the window no SMTP client can close (the server holds the message, the sender never hears).
        self.on_accepted = None

    def release(self) -> None:
        self._released.set()

    async def _wait_if_held(self, server) -> bool:
        """Hold the reply to DATA while the test kills senders; False if the sender hung up meanwhile (nothing delivered)."""
        if self.hold_after is None or self.accepted < self.hold_after:
            return True
        self.waiting += 1
        try:
            while not self._released.is_set():
                await asyncio.sleep(0.01)
        except asyncio.CancelledError:
            self.hung_up += 1
            raise
        finally:
            self.waiting -= 1
        return server.transport is not None and not server.transport.is_closing()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 (aiosmtpd's hook name)
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if self.delay:
            await asyncio.sleep(self.delay)
        if not await self._wait_if_held(server):
            return "451 4.4.2 Connection lost before the reply"
        with self._lock:
            self.data_attempts += 1
            if self.data_attempts <= self.fail_first:
                return self.fail_reply
            self.accepted += 1
            if self.keep:
                self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        if self.on_accepted is not None:
            self.on_accepted(session)
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


# --- The fast counting sink: the SMTP a client like smtplib speaks, a message read in one go ---

_REPLIES = {
    b"HELO": b"250 sink\r\n",
    b"EHLO": b"250-sink\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n",
    b"MAIL": b"250 OK\r\n",
    b"RCPT": b"250 OK\r\n",
    b"RSET": b"250 OK\r\n",
    b"NOOP": b"250 OK\r\n",
}


async def _message(reader: asyncio.StreamReader) -> bytes:
    """The DATA up to the line holding a single dot (searched for in C, not line by line)."""
    chunks = [await reader.readuntil(b".\r\n")]
    while chunks != [b".\r\n"] and not b"".join(chunks[-2:]).endswith(b"\r\n.\r\n"):
        chunks.append(await reader.readuntil(b".\r\n"))
    return b"".join(chunks)


async def _session(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, counter: list[int]) -> None:
    writer.write(b"220 sink ESMTP\r\n")
    try:
        while line := await reader.readline():
            verb = line[:4].upper()
            if verb == b"DATA":
                writer.write(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                await _message(reader)
                counter[0] += 1
                writer.write(b"250 Message accepted for delivery\r\n")
            elif verb == b"QUIT":
                writer.write(b"221 Bye\r\n")
                break
            else:
                writer.write(_REPLIES.get(verb, b"500 Command not recognized\r\n"))
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


async def counting_server(*, port: int, counter: list[int]) -> asyncio.Server:
    """Accepts every message and counts it in counter[0]."""
    return await asyncio.start_server(lambda r, w: _session(r, w, counter), "127.0.0.1", port, limit=2**26)


def _serve_fast(port: int) -> int:
    async def serve() -> int:
        counter, stop = [0], asyncio.Event()
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
        async with await counting_server(port=port, counter=counter):
            print("ready", flush=True)
            await stop.wait()
        return counter[0]

    return asyncio.run(serve())


def _serve_aiosmtpd(port: int) -> int:
    handler = RecordingHandler(keep=False)
    controller = Controller(handler, hostname="127.0.0.1", port=port, data_size_limit=0)
    controller.start()
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    print("ready", flush=True)
    done.wait()
    controller.stop()
    return handler.accepted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--fast", action="store_true", help="the counting sink above instead of aiosmtpd")
    args = parser.parse_args()
    print((_serve_fast if args.fast else _serve_aiosmtpd)(args.port), flush=True)
    sys.exit(0)


if __name__ == "__main__":
    main()
