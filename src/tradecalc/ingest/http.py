"""One GET for every network path (Comtrade, the panel's IMF fetch): a deadline and a byte cap.

:func:`get` is the only way tradecalc reads from the network. Its promises, whatever the
server does:

- **a wall-clock deadline** (:data:`DEADLINE_S`, 27 s) over connecting, the headers and the
  body together, retries and their waits included, so that a failing command ends within
  30 s, Python's start included. urllib3's time-outs bound each read, not the
  call, so a server that drips one byte every half second would hold a plain call forever: a
  watchdog thread shuts the call's socket down when the deadline passes. The environment
  variable ``TRADECALC_HTTP_DEADLINE`` (seconds) may shorten it, never lengthen it (tests);
- **a cap on the bytes read** (``max_bytes``, default :data:`MAX_BYTES`): a declared
  ``Content-Length`` above it is refused before the body is read, the body is read in chunks
  and refused as soon as it passes the cap, and a gzip or deflate body is inflated in chunks
  against the same cap, so a small answer that inflates to gigabytes costs at most the cap;
- **retries** of 429 and 5xx with urllib3's ``Retry`` (twice at most), honouring
  ``Retry-After`` only while the wait leaves an attempt's time before the deadline (a longer
  wait fails at once, saying how long); never a redirect;
- **one line on failure**: :class:`NetworkError` (exit 1) with one
  :class:`~tradecalc.core.errors.Problem` naming the service, nothing raw from the server.

The caller writes nothing until :func:`get` has returned a complete answer. A non-200 status
is not an error here: the :class:`Answer` carries the status and the (capped) body, so each
service can read its own error bodies.

Usage (the panel's IMF fetch calls it the same way)::

    pool = http.pool_manager({"Accept": "application/json"})
    answer = http.get(pool, url, label="imf", service="the IMF")
    if answer.status != 200: ...
    doc = json.loads(answer.body)
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
import zlib
from dataclasses import dataclass

from tradecalc.core.errors import Problem, TradecalcError
from tradecalc.core.sanitize import clean

DEADLINE_S = 27.0
"""Every call ends within this many seconds, answered or failed (the command within 30 s)."""
CONNECT_S, ATTEMPT_S = 4.0, 8.0
"""Time-outs of one attempt's connecting and of each of its reads (urllib3's)."""
MAX_BYTES = 200_000_000
"""Largest answer read, declared and actual, after decoding: a keyed Comtrade answer of
250,000 rows is about 150 MB of JSON (the same cap as a saved answer file)."""
CHUNK = 1 << 16
"""Bytes read (and inflated) at a time."""
DEADLINE_ENV = "TRADECALC_HTTP_DEADLINE"
"""Environment variable that may shorten :data:`DEADLINE_S` (seconds)."""


class NetworkError(TradecalcError):
    """A service could not be used: no network, too slow, too large, refused. Exit 1."""

    exit_code = 1

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class Answer:
    """A complete answer: its status, headers (lower-case names) and decoded body."""

    status: int
    headers: dict[str, str]
    body: bytes


def deadline_s() -> float:
    """:data:`DEADLINE_S`, or the shorter time ``TRADECALC_HTTP_DEADLINE`` gives."""
    text = os.environ.get(DEADLINE_ENV, "").strip()
    try:
        asked = float(text) if text.isascii() and text else DEADLINE_S
    except ValueError:
        asked = DEADLINE_S
    return min(DEADLINE_S, asked) if asked > 0 else DEADLINE_S


def pool_manager(headers: dict[str, str]):
    """A urllib3 pool whose connections the deadline's watchdog can shut down."""
    import urllib3
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

    class WatchedHTTP(HTTPConnectionPool):
        def _get_conn(self, timeout=None):
            return _note(super()._get_conn(timeout))

    class WatchedHTTPS(HTTPSConnectionPool):
        def _get_conn(self, timeout=None):
            return _note(super()._get_conn(timeout))

    pool = urllib3.PoolManager(headers={"Accept-Encoding": "gzip, deflate", **headers})
    pool.pool_classes_by_scheme = {"http": WatchedHTTP, "https": WatchedHTTPS}
    return pool


_current = threading.local()


def _note(conn):
    """Let the current call's watchdog find ``conn``'s socket, now or once it connects. (The
    socket, not the connection: http.client drops ``conn.sock`` once the headers say
    ``Connection: close``, while the body is still read from it.)"""
    watch = getattr(_current, "watch", None)
    if watch is not None and getattr(conn, "sock", None) is not None:
        watch.sockets.append(conn.sock)  # a connection kept alive from an earlier call
    if getattr(conn, "_tradecalc_noted", False):
        return conn
    connect = conn.connect

    def connect_and_note():
        connect()
        now = getattr(_current, "watch", None)
        if now is not None and getattr(conn, "sock", None) is not None:
            now.sockets.append(conn.sock)

    conn.connect = connect_and_note
    conn._tradecalc_noted = True
    return conn


class _Watch:
    """Shuts down the call's sockets once the deadline has passed (and keeps doing so for a
    connection made later, until the call ends)."""

    def __init__(self, seconds: float):
        self.end = time.monotonic() + seconds
        self.sockets: list = []
        self.expired = False
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name="tradecalc-deadline", daemon=True)

    def __enter__(self):
        _current.watch = self
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._done.set()
        _current.watch = None
        self._thread.join()

    def left(self) -> float:
        return self.end - time.monotonic()

    def _run(self) -> None:
        if self._done.wait(max(0.0, self.left())):
            return
        self.expired = True
        while True:
            for sock in list(self.sockets):
                if isinstance(sock, socket.socket):
                    with contextlib.suppress(OSError):  # wakes a read blocked in another thread
                        socket.socket.shutdown(sock, socket.SHUT_RDWR)
            if self._done.wait(0.05):
                return


def get(
    pool,
    url: str,
    *,
    label: str,
    service: str,
    max_bytes: int | None = None,
    seconds: float | None = None,
) -> Answer:
    """GET ``url`` within the deadline and the byte cap; :class:`NetworkError` otherwise.

    ``label`` starts the message line (``comtrade: ...``), ``service`` names the server in it
    (``UN Comtrade``); ``seconds`` replaces :func:`deadline_s` (never above it).
    """
    import urllib3

    limit = min(seconds, deadline_s()) if seconds is not None else deadline_s()
    cap = MAX_BYTES if max_bytes is None else max_bytes
    with _Watch(limit) as watch:
        try:
            response = pool.urlopen(
                "GET",
                url,
                redirect=False,
                retries=_retry(watch, limit, label, service),
                timeout=urllib3.Timeout(connect=min(CONNECT_S, limit), read=min(ATTEMPT_S, limit)),
                preload_content=False,
                decode_content=False,
            )
            try:
                body = _body(response, cap, label, service, watch)
            finally:
                response.release_conn()
        except NetworkError:
            raise
        except Exception as error:
            if watch.expired:
                _too_slow(label, service, limit)
            if isinstance(error, urllib3.exceptions.MaxRetryError):
                error = error.reason or error
            if isinstance(error, urllib3.exceptions.HTTPError | OSError):
                fail_remote(label, f"cannot reach {origin(url)}: {_reason(error)}")
            raise
        if watch.expired:
            _too_slow(label, service, limit)
    headers = {k.lower(): v for k, v in response.headers.items()}
    return Answer(response.status, headers, body)


def origin(url: str) -> str:
    """``https://host[:port]`` of a URL: what a message names (never a query).

    >>> origin("https://comtradeapi.un.org/public/v1/preview/C/A/HS?period=2023")
    'https://comtradeapi.un.org'
    """
    return clean("/".join(url.split("?")[0].split("/")[:3]), 100)


def fail_remote(label: str, message: str):
    """Raise :class:`NetworkError` with one line ``label: message``: a remote failure, exit 1
    (:func:`tradecalc.core.errors.fail` is a bad input, exit 2)."""
    raise NetworkError([Problem(label, None, "", message)])


def _too_slow(label: str, service: str, limit: float):
    fail_remote(
        label,
        f"no complete answer from {service} within {limit:g} s (connecting, headers and body "
        "together): the server is too slow or stalled; try again later",
    )


def _too_large(label: str, service: str, size: str, cap: int):
    fail_remote(
        label,
        f"{service}'s answer {size}, more than the {cap:,} bytes tradecalc reads: ask for "
        "less (fewer years, a coarser detail)",
    )


def _body(response, cap: int, label: str, service: str, watch: _Watch) -> bytes:
    """The body, read in chunks against ``cap`` (after inflating), within the deadline."""
    declared = (response.headers.get("Content-Length") or "").strip()
    if declared.isascii() and declared.isdigit() and int(declared) > cap:
        _too_large(label, service, f"declares {int(declared):,} bytes", cap)
    encoding = (response.headers.get("Content-Encoding") or "identity").strip().lower()
    inflate = _Inflater(encoding, label, service)
    out = bytearray()
    read = 0
    while True:
        chunk = response.read(CHUNK, decode_content=False)
        if watch.expired:
            return b""  # the caller reports the deadline
        if not chunk:
            break
        read += len(chunk)
        if read > cap:
            _too_large(label, service, "is larger", cap)
        out += inflate.feed(chunk, cap - len(out) + 1)
        if len(out) > cap:
            _too_large(label, service, f"inflates ({encoding}) to more", cap)
    out += inflate.end(cap - len(out) + 1)
    if len(out) > cap:
        _too_large(label, service, f"inflates ({encoding}) to more", cap)
    return bytes(out)


class _Inflater:
    """gzip (one member or several) or deflate, inflated at most ``room`` bytes at a time."""

    def __init__(self, encoding: str, label: str, service: str):
        if encoding not in ("identity", "gzip", "x-gzip", "deflate"):
            what = clean(encoding, 40)
            fail_remote(label, f"{service} answered in an encoding tradecalc does not read: {what}")
        self.encoding, self.label, self.service = encoding, label, service
        self.gzip = encoding in ("gzip", "x-gzip")
        self.engine = self._new() if encoding != "identity" else None
        self.pending = b""

    def _new(self):
        return zlib.decompressobj(16 + zlib.MAX_WBITS if self.gzip else zlib.MAX_WBITS)

    def feed(self, data: bytes, room: int) -> bytes:
        if self.engine is None:
            return data
        self.pending += data
        return self._drain(room)

    def _drain(self, room: int) -> bytes:
        out = bytearray()
        if self.engine is None:
            return b""
        try:
            while self.pending and len(out) < room:
                out += self.engine.decompress(self.pending, room - len(out))
                self.pending = self.engine.unconsumed_tail
                if self.engine.eof:
                    rest = self.engine.unused_data
                    self.pending = rest + self.pending
                    if not self.gzip or not rest.strip(b"\0"):
                        self.pending = b""
                        break
                    self.engine = self._new()  # the next gzip member
        except zlib.error:
            fail_remote(self.label, f"{self.service}'s {self.encoding} answer is damaged")
        return bytes(out)

    def end(self, room: int) -> bytes:
        if self.engine is None:
            return b""
        out = self._drain(room)
        if not self.engine.eof and len(out) < room:
            fail_remote(self.label, f"{self.service}'s {self.encoding} answer is cut short")
        return out


def _retry(watch: _Watch, limit: float, label: str, service: str):
    """urllib3's Retry for 429 and 5xx, honouring Retry-After while the deadline allows."""
    from urllib3.util.retry import Retry

    class BoundedRetry(Retry):
        """A wait that would leave less than an attempt's time fails at once; a body that is
        retried is not read (a 429 could declare gigabytes)."""

        def increment(
            self, method=None, url=None, response=None, error=None, _pool=None, _stacktrace=None
        ):
            retry = super().increment(method, url, response, error, _pool, _stacktrace)
            if response is not None:
                response.close()
            return retry

        def sleep_for_retry(self, response) -> bool:
            wait = self.get_retry_after(response)
            if wait is not None and wait > watch.left() - min(ATTEMPT_S, limit):
                fail_remote(
                    label,
                    f"HTTP {response.status} from {service}: it asks to wait {wait:.0f} s, longer "
                    f"than tradecalc waits (a call gives up within {limit:g} s); try again later",
                )
            return super().sleep_for_retry(response)

    return BoundedRetry(
        total=2,
        connect=1,
        read=0,
        status=2,
        backoff_factor=0.5,
        status_forcelist=(429, 500, 502, 503, 504),
        allowed_methods=frozenset({"GET"}),
        respect_retry_after_header=True,
        raise_on_status=False,
        raise_on_redirect=False,
    )


def _reason(error) -> str:
    text = str(error)
    for known in (
        "Name or service not known",
        "Temporary failure in name resolution",
        "Connection refused",
        "timed out",
        "Network is unreachable",
    ):
        if known in text:
            return f"{type(error).__name__} ({known})"
    return clean(f"{type(error).__name__}: {text}", 200)
