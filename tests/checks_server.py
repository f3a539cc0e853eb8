"""A real HTTP server on loopback for the source-check tests and the benchmark.

One asyncio loop in a background thread serves any number of ports (each port is a
separate origin). Routes map a path to an async handler returning a Response; the
same routes are served on every port. Every request is logged.

A request's arrival is the kernel's receive time of its head (SO_TIMESTAMPNS), not the moment
this loop got round to reading it: the loop shares a busy test process (and, under xdist, two
cores with other workers), and a read delayed by a stall would shorten the gap the politeness
tests measure between two requests, blaming the limiter for this thread's lateness.
"""

import asyncio
import socket
import struct
import textwrap
import threading
import time
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from http import HTTPStatus


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    port: int
    at: float = field(default_factory=time.monotonic)  # when the request head had arrived


@dataclass
class Response:
    status: int = 200
    body: bytes | str = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    chunked: bool = False  # no Content-Length: the body ends when the connection closes

    def encoded(self) -> bytes:
        return self.body.encode() if isinstance(self.body, str) else self.body


Handler = Callable[[Request], Awaitable[Response]]

SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)  # Linux's value; Python's socket module does not name it


def _clock_offset() -> float:
    """The wall clock minus the monotonic clock, from the closest of a few paired readings: one constant
    for the whole run, so two arrivals' gap is exactly the kernel's."""
    readings = []
    for _ in range(5):
        before, monotonic, after = time.time(), time.monotonic(), time.time()
        readings.append((after - before, (before + after) / 2 - monotonic))
    return min(readings)[1]


def _arrived(ancillary: list[tuple[int, int, bytes]], offset: float) -> float:
    """The kernel's receive time from recvmsg's ancillary data, on the monotonic clock (now, without one)."""
    for level, kind, data in ancillary:
        if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS and len(data) >= 16:
            seconds, nanoseconds = struct.unpack("qq", data[:16])
            return seconds + nanoseconds / 1e9 - offset
    return time.monotonic()

class LocalOrigins:
    def __init__(self, ports: int = 3) -> None:
        self.count = ports
        self.ports: list[int] = []
        self.routes: dict[str, Handler] = {}
        self.log: list[Request] = []
        self.open: dict[int, int] = {}  # requests being answered, per port
        self.max_open: dict[int, int] = {}
        self.loop = asyncio.new_event_loop()
        self._listeners: list[socket.socket] = []
        self._offset = _clock_offset()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def start(self) -> "LocalOrigins":
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self.loop).result(10)
        return self

    async def _start(self) -> None:
        for _ in range(self.count):
            listener = socket.socket()
            # On the listener, so a connection carries it from its first byte, even one accepted late (a busy loop).
            listener.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
            listener.bind(("127.0.0.1", 0))
            listener.listen(1024)
            listener.setblocking(False)
            self._listeners.append(listener)
            self.ports.append(listener.getsockname()[1])
            self.loop.create_task(self._accept(listener))

    async def _accept(self, listener: socket.socket) -> None:
        port = listener.getsockname()[1]
        while True:
            connection, _ = await self.loop.sock_accept(listener)
            connection.setblocking(False)
            self.loop.create_task(self._serve(connection, port))

    def stop(self) -> None:
        async def close():
            for task in asyncio.all_tasks():
                if task is not asyncio.current_task():
                    task.cancel()
            for listener in self._listeners:
                listener.close()
        asyncio.run_coroutine_threadsafe(close(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)

    def url(self, path: str, origin: int = 0) -> str:
        return f"http://127.0.0.1:{self.ports[origin]}{path}"

    def route(self, path: str, handler: Handler | Response) -> None:
        if isinstance(handler, Response):
            response = handler

            async def fixed(request: Request) -> Response:
                return response

            handler = fixed
        self.routes[path] = handler

    def hits(self, path: str) -> int:
        return sum(1 for r in self.log if r.path == path)

    def min_gap(self, origin: int, prefix: str = "/") -> float:
        """The shortest time between two requests arriving at this origin (inf with fewer than two)."""
        times = sorted(r.at for r in self.log if r.port == self.ports[origin] and r.path.startswith(prefix))
        return min((b - a for a, b in zip(times, times[1:], strict=False)), default=float("inf"))

    async def _readable(self, connection: socket.socket) -> None:
        ready = self.loop.create_future()
        self.loop.add_reader(connection.fileno(), lambda: ready.done() or ready.set_result(None))
        try:
            await ready
        finally:
            self.loop.remove_reader(connection.fileno())

    async def _head(self, connection: socket.socket) -> tuple[bytes, float]:
        """The request head, and when its first bytes reached this machine."""
        head, arrived = b"", None
        while b"\r\n\r\n" not in head:
            await self._readable(connection)
            try:
                chunk, ancillary, _, _ = connection.recvmsg(65536, socket.CMSG_SPACE(16))
            except (BlockingIOError, InterruptedError):
                continue
            if not chunk:
                raise ConnectionResetError("the client closed before its request head ended")
            arrived = _arrived(ancillary, self._offset) if arrived is None else arrived
            head += chunk
        return head.split(b"\r\n\r\n", 1)[0], arrived

    async def _serve(self, connection: socket.socket, port: int) -> None:
        try:
            head, arrived = await self._head(connection)
            lines = head.decode("latin-1").split("\r\n")
            method, path, _ = lines[0].split(" ", 2)
            headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
            request = Request(method, path, headers, port, arrived)
            self.log.append(request)
            self.open[request.port] = self.open.get(request.port, 0) + 1
            self.max_open[request.port] = max(self.max_open.get(request.port, 0), self.open[request.port])
            try:
                handler = self.routes.get(path.split("?")[0])
                response = await handler(request) if handler else Response(404, "no such page")
                if response.delay:
                    await asyncio.sleep(response.delay)
                await self._write(connection, response)
            finally:
                self.open[request.port] -= 1
        except OSError:  # the client went away (reset, broken pipe)
            pass
        finally:
            connection.close()

    async def _write(self, connection: socket.socket, response: Response) -> None:
        body = response.encoded()
        reason = HTTPStatus(response.status).phrase if response.status in set(HTTPStatus) else "Status"
        headers = {"content-type": "text/html; charset=utf-8", "connection": "close", **response.headers}
        if not response.chunked:
            headers["content-length"] = str(len(body))
        head = f"HTTP/1.1 {response.status} {reason}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
        await self.loop.sock_sendall(connection, head.encode("latin-1"))
        for start in range(0, len(body), 65536):
            await self.loop.sock_sendall(connection, body[start:start + 65536])


def html(body: str, title: str = "A page") -> str:
    return (f"<html><head><title>{title}</title><script>var x = 1;</script></head><body><nav>Menu Home About</nav>"
            f"<main>{body}</main><footer>Footer text</footer></body></html>")


def minimal_pdf(text: str) -> bytes:
    """A one-page PDF showing `text` in Helvetica (enough for pypdf's text extraction)."""
    lines = textwrap.wrap(text, 80)
    ops = "BT /F1 10 Tf 40 800 Td 12 TL " + " ".join(f"({line.replace('(', '[').replace(')', ']')}) Tj T*" for line in lines) + " ET"
    content = zlib.compress(ops.encode("latin-1"))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
