"""The fetcher: httpx, async, one redirect hop at a time, capped and guarded.

Each hop's URL is checked by security.url_refusal, waits for the host's politeness
slot, and connects through GuardedBackend, which resolves the name itself, refuses
internal addresses and connects to the very address it checked (no DNS rebinding).
"""

import asyncio
import contextlib
import email.utils
import ssl
import time
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx
from django.conf import settings

from .politeness import Politeness, Postponed, host_slot
from .security import Refused, address_refusal, addresses_check, networks_parse, url_refusal

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
PERMANENT_REDIRECTS = frozenset({301, 308})
MAX_RETRY_AFTER = 6 * 3600.0  # a longer Retry-After is taken as this


@dataclass(frozen=True)
class FetchConfig:
    allowed: tuple = ()
    connect_timeout: float = 10.0
    total_timeout: float = 30.0
    max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 10
    concurrency: int = 100
    user_agent: str = "CommitmentsTracker-LinkCheck/1.0"


def fetch_config_from_settings() -> FetchConfig:
    return FetchConfig(
        allowed=networks_parse(settings.TRACKER_CHECK_ALLOWED_NETWORKS),
        connect_timeout=settings.TRACKER_CHECK_CONNECT_TIMEOUT,
        total_timeout=settings.TRACKER_CHECK_TOTAL_TIMEOUT,
        max_bytes=settings.TRACKER_CHECK_MAX_BYTES,
        max_redirects=settings.TRACKER_CHECK_MAX_REDIRECTS,
        concurrency=settings.TRACKER_CHECK_CONCURRENCY,
        user_agent=settings.TRACKER_CHECK_USER_AGENT,
    )


@dataclass
class Fetched:
    """What one fetch saw, redirects included. `error_kind` is set when no final response came."""

    url: str
    final_url: str = ""
    status: int | None = None
    hops: list[tuple[int, str]] = field(default_factory=list)  # (status, Location) of each redirect
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    elapsed_ms: int = 0
    error_kind: str = ""  # refused, timeout, dns_error, tls_error, connection_error, too_large, bad_encoding, redirect_loop, too_many_redirects
    error: str = ""
    retry_after: float | None = None
    conditional: bool = False  # sent with If-None-Match / If-Modified-Since
    postponed: float | None = None  # not fetched: the origin asked for this many seconds' pause
    # The last exchange as sent and received, for an archived copy (commitments.archive writes it as WARC).
    request_headers: list[tuple[str, str]] = field(default_factory=list)
    response_headers: list[tuple[str, str]] = field(default_factory=list)
    reason: str = ""
    http_version: str = ""

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


class RefusedConnect(httpcore.ConnectError):
    pass


class DnsFailure(httpcore.ConnectError):
    pass


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """Resolves, checks and connects to the checked address; checks the peer again after connecting."""

    def __init__(self, allowed: Iterable) -> None:
        self.allowed = tuple(allowed)
        self.inner = httpcore.AnyIOBackend()

    async def _resolve(self, host: str, port: int) -> list[str]:
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=0, proto=6)
        except (OSError, UnicodeError) as error:
            raise DnsFailure(f"DNS lookup of {host} failed: {error}") from error
        return list(dict.fromkeys(info[4][0] for info in infos))

    async def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        addresses = await self._resolve(host, port)
        try:
            addresses_check(host, addresses, allowed=self.allowed)
        except Refused as error:
            raise RefusedConnect(str(error)) from error
        last_error: Exception | None = None
        for address in addresses:
            try:
                stream = await self.inner.connect_tcp(address, port, timeout, local_address, socket_options)
            except httpcore.ConnectError as error:
                last_error = error
                continue
            peer = stream.get_extra_info("socket").getpeername()[0]
            reason = address_refusal(peer, allowed=self.allowed)
            if reason:
                await stream.aclose()
                raise RefusedConnect(f"connected to {reason}")
            return stream
        raise last_error or httpcore.ConnectError(f"no address for {host}")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


class GuardedTransport(httpx.AsyncHTTPTransport):
    def __init__(self, *, allowed: Iterable, limits: httpx.Limits) -> None:
        super().__init__(verify=True, limits=limits, trust_env=False)
        # httpx (pinned 0.28) gives no public way to pass a network backend: replace its pool.
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl.create_default_context(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=GuardedBackend(allowed),
        )


def client_create(config: FetchConfig) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=config.concurrency, max_keepalive_connections=config.concurrency)
    return httpx.AsyncClient(
        transport=GuardedTransport(allowed=config.allowed, limits=limits),
        timeout=httpx.Timeout(config.total_timeout, connect=config.connect_timeout),
        headers={"User-Agent": config.user_agent, "Accept": "text/html,application/xhtml+xml,application/pdf;q=0.9,*/*;q=0.8"},
        follow_redirects=False,
        trust_env=False,
    )


def origin_key(url: str) -> str:
    """The politeness key: host and port, so two services on one machine are two origins."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return f"{(parts.hostname or '').lower()}:{port}"


def retry_after_parse(value: str | None, *, now: float) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():  # "¹".isdigit() is true too
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now)


def _error_kind(error: Exception) -> str:
    cause = error.__cause__
    if isinstance(cause, RefusedConnect):
        return "refused"
    if isinstance(cause, DnsFailure):
        return "dns_error"
    if isinstance(error, httpx.TimeoutException):
        return "timeout"
    if isinstance(error, httpx.ConnectError) and ("SSL" in str(error) or "certificate" in str(error).lower()):
        return "tls_error"
    return "connection_error"


async def _body_read(response: httpx.Response, max_bytes: int) -> bytes | None:
    """The body, or None when it is over the cap (stops reading at the cap)."""
    declared = response.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > max_bytes:
        return None
    chunks, size = [], 0
    async for chunk in response.aiter_raw():
        size += len(chunk)
        if size > max_bytes:
            return None
        chunks.append(chunk)
    body = b"".join(chunks)
    encoding = response.headers.get("content-encoding", "").lower()
    if encoding in ("gzip", "deflate", "br"):
        body = _decompress_capped(body, encoding, max_bytes)
    return body


class UndecodableBody(ValueError):
    """The body is not what its Content-Encoding says (e.g. gzip labelled deflate)."""


def _decompress_capped(body: bytes, encoding: str, max_bytes: int) -> bytes | None:
    """The decoded body, None when it decodes to more than `max_bytes`; UndecodableBody when it does not decode.

    "deflate" is read as zlib-wrapped or raw deflate, as browsers and httpx read it; anything else
    under that label (gzip data included) is refused rather than guessed.
    """
    if encoding == "br":
        return body  # we do not ask for brotli; keep the raw bytes
    window_bits = [16 + zlib.MAX_WBITS] if encoding == "gzip" else [zlib.MAX_WBITS, -zlib.MAX_WBITS]
    for bits in window_bits:
        decoder = zlib.decompressobj(bits)
        try:
            out = decoder.decompress(body, max_bytes + 1)
        except zlib.error as error:
            failure = error
            continue
        return None if len(out) > max_bytes else out
    raise UndecodableBody(f"the body is not {encoding} data as its Content-Encoding says ({failure})")


def _send_hooks(turn):
    """An httpcore trace hook: the politeness gate just before the request is written, the stamp just after."""
    async def trace(event: str, info: dict) -> None:
        if event == "http11.send_request_headers.started":
            await turn.before_send()
        elif event == "http11.send_request_headers.complete":
            await turn.after_send()
    return trace


async def _hop(client: httpx.AsyncClient, url: str, headers: dict, result: Fetched, max_bytes: int, *, turn=None) -> str | None:
    """One request. Returns the next URL for a redirect, None when done."""
    extensions = {"trace": _send_hooks(turn)} if turn else {}
    async with client.stream("GET", url, headers=headers, extensions=extensions) as response:
        result.status = response.status_code
        result.final_url = url
        result.headers = {k.lower(): v for k, v in response.headers.items()}
        result.response_headers, result.request_headers = response.headers.multi_items(), response.request.headers.multi_items()
        result.reason, result.http_version = response.reason_phrase, response.http_version
        location = response.headers.get("location")
        if response.status_code in REDIRECT_STATUSES and location:
            next_url = urljoin(url, location.strip())
            result.hops.append((response.status_code, next_url))
            return next_url
        try:
            body = await _body_read(response, max_bytes)
        except UndecodableBody as undecodable:
            result.error_kind, result.error = "bad_encoding", str(undecodable)
            return None
        if body is None:
            result.error_kind, result.error = "too_large", f"the body is larger than {max_bytes} bytes"
        else:
            result.body = body
    return None


async def _hop_timed(client, url, *, politeness, config, validators, result, gate, max_wait) -> str | None:
    """One hop inside the host's politeness slot; only network time counts against the total timeout.

    The origin's send gate is passed on the open connection just before the request is
    written, and the gap counted again from the moment it was written, so two requests never
    reach the origin closer than the gap, however late either left.
    """
    host = origin_key(url)
    async with host_slot(politeness, host, max_wait=max_wait) as turn, (gate or contextlib.nullcontext()):
        started = time.monotonic()
        try:
            async with asyncio.timeout(max(0.001, config.total_timeout - result.elapsed_ms / 1000)):
                return await _hop(client, url, validators, result, config.max_bytes, turn=turn)
        finally:
            result.elapsed_ms += int((time.monotonic() - started) * 1000)


async def _follow(client, url, *, politeness, config, validators, result, gate, max_wait) -> None:
    seen = {url}
    for _ in range(config.max_redirects + 1):
        reason = url_refusal(url, allowed=config.allowed)
        if reason:
            result.error_kind, result.error, result.final_url = "refused", reason, url
            return
        next_url = await _hop_timed(
            client, url, politeness=politeness, config=config, validators=validators, result=result, gate=gate, max_wait=max_wait,
        )
        if result.status in (429, 503):
            result.retry_after = retry_after_parse(result.headers.get("retry-after"), now=time.time())
            if result.retry_after:
                # Every worker keeps away from this origin; a run postpones (gives back) the
                # URLs it holds for it rather than wait, and the scheduler pushes this URL's
                # next check past the Retry-After.
                await politeness.defer(origin_key(url), min(result.retry_after, MAX_RETRY_AFTER))
        if next_url is None:
            return
        if next_url in seen:
            result.error_kind, result.error = "redirect_loop", f"redirect loop back to {next_url}"
            return
        seen.add(next_url)
        url = next_url
    result.error_kind, result.error = "too_many_redirects", f"more than {config.max_redirects} redirects"


async def fetch(
    client: httpx.AsyncClient, url: str, *, politeness: Politeness, config: FetchConfig, validators: dict | None = None,
    gate: asyncio.Semaphore | None = None, max_wait: float | None = None,
) -> Fetched:
    """Fetch `url` following redirects one hop at a time. Never raises for network trouble.

    Waiting for a host's politeness slot does not count against the timeouts, and `gate`
    (the batch's global concurrency cap) is held only while a request is on the wire. When
    the origin's turn is more than `max_wait` seconds away (a Retry-After), nothing is fetched
    and `postponed` says how long to stay away.
    """
    result = Fetched(url=url, conditional=bool(validators))
    try:
        await _follow(
            client, url, politeness=politeness, config=config, validators=validators or {}, result=result, gate=gate, max_wait=max_wait,
        )
    except Postponed as postponed:
        result.postponed = postponed.seconds
    except TimeoutError:
        result.error_kind, result.error = "timeout", f"no complete answer within {config.total_timeout:g} s"
    except httpx.HTTPError as error:
        result.error_kind, result.error = _error_kind(error), str(error) or type(error).__name__
    except (ssl.SSLError, OSError) as error:
        result.error_kind, result.error = "connection_error", str(error)
    except (httpx.InvalidURL, UnicodeError, ValueError) as error:  # e.g. a host httpx cannot IDNA-encode
        result.error_kind, result.error = "refused", f"not a valid URL: {error}"
    if result.error_kind and result.error_kind != "too_large":
        result.body = b""
    return result
