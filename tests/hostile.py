"""Helpers for hostile-input tests: a scripted HTTP server on 127.0.0.1, started and stopped by
the test, and a `tradecalc` run in a subprocess that reports its own peak memory.

The server answers every request with the same script (a function that writes to the client
socket); it checks :attr:`Server.stopped` between writes, so stopping it ends a slow drip at
once. Sockets: a test that uses it is marked ``enable_socket`` (tests/conftest.py) and the
:func:`loopback` fixture then allows 127.0.0.1 only.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import socket
import subprocess
import sys
import threading
import time
import zlib
from pathlib import Path

import pytest
import pytest_socket

ROW = {
    # made-up values in the real shape of a Comtrade row (no Comtrade value ships)
    "typeCode": "C",
    "freqCode": "A",
    "refYear": 2023,
    "period": "2023",
    "reporterCode": 31,
    "reporterISO": "AZE",
    "flowCode": "M",
    "partnerCode": 586,
    "partnerISO": "PAK",
    "partner2Code": 0,
    "cmdCode": "TOTAL",
    "customsCode": "C00",
    "motCode": 0,
    "primaryValue": 1000000.0,
    "isReported": True,
    "isAggregate": False,
}


def envelope(rows: list[dict]) -> bytes:
    return json.dumps({"elapsedTime": "0", "count": len(rows), "data": rows, "error": ""}).encode()


def head(status: int = 200, **headers: str) -> bytes:
    lines = [f"HTTP/1.1 {status} X", "Content-Type: application/json", "Connection: close"]
    lines += [f"{k.replace('_', '-')}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


class Server:
    """A one-script HTTP server on 127.0.0.1 in daemon threads; a context manager."""

    def __init__(self, script):
        self.script = script
        self.stopped = threading.Event()
        self.requests: list[bytes] = []
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.listener.settimeout(0.1)
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.threads = [threading.Thread(target=self._accept, daemon=True)]

    def __enter__(self) -> Server:
        self.threads[0].start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopped.set()
        for thread in list(self.threads):
            thread.join(timeout=5)
        self.listener.close()

    def _accept(self) -> None:
        while not self.stopped.is_set():
            try:
                client, _ = self.listener.accept()
            except OSError:
                continue
            thread = threading.Thread(target=self._serve, args=(client,), daemon=True)
            self.threads.append(thread)
            thread.start()

    def _serve(self, client: socket.socket) -> None:
        with client:
            client.settimeout(2)
            request = b""
            with contextlib.suppress(OSError):
                while b"\r\n\r\n" not in request and len(request) < 65536:
                    data = client.recv(4096)
                    if not data:
                        break
                    request += data
            self.requests.append(request)
            with contextlib.suppress(OSError):
                self.script(self, client)

    def drip(self, client: socket.socket, data: bytes, every: float) -> None:
        """Send ``data`` one byte at a time, ``every`` seconds apart, until stopped."""
        for i in range(len(data)):
            if self.stopped.wait(every):
                return
            client.sendall(data[i : i + 1])

    def pour(self, client: socket.socket, block: bytes, total: int) -> None:
        """Send ``block`` again and again, ``total`` bytes in all, until stopped or refused."""
        sent = 0
        while sent < total and not self.stopped.is_set():
            client.sendall(block)
            sent += len(block)


@pytest.fixture
def loopback():
    """Sockets to 127.0.0.1 only (the test is marked ``enable_socket``); the guard back after."""
    pytest_socket.socket_allow_hosts(["127.0.0.1"], allow_unix_socket=True)
    yield
    pytest_socket.disable_socket(allow_unix_socket=True)


def zeros_gzip(inflated: int, block: int = 1 << 20) -> bytes:
    """One gzip member inflating to ``inflated`` zero bytes (a "zip bomb"), made in a second:
    one block compressed once, repeated after a full flush (which makes blocks independent)."""
    engine = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    start = engine.compress(b"\0" * block) + engine.flush(zlib.Z_FULL_FLUSH)
    again = engine.compress(b"\0" * block) + engine.flush(zlib.Z_FULL_FLUSH)
    count = inflated // block
    crc = 0
    zeros = b"\0" * block
    for _ in range(count):
        crc = zlib.crc32(zeros, crc)
    end = engine.flush(zlib.Z_FINISH)[:-8]  # the trailer of these bytes is replaced below
    trailer = crc.to_bytes(4, "little") + (count * block % 2**32).to_bytes(4, "little")
    data = start + again * (count - 1) + end + trailer
    if inflated <= 64 * block:  # small enough to check against gzip's own reader
        assert gzip.decompress(data) == b"\0" * (count * block)
    return data


MEASURE = """\
import resource, sys
{prelude}
from tradecalc.cli.commands import main
sys.argv = ["tradecalc", *sys.argv[1:]]
try:
    main()
finally:
    try:  # this program's own peak: VmHWM of its memory since exec
        with open("/proc/self/status") as status:
            peak = next(int(l.split()[1]) for l in status if l.startswith("VmHWM:"))
    except (OSError, StopIteration):
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with open({out!r}, "w") as f:
        f.write(str(peak))
"""
"""The peak is read from ``/proc/self/status`` (``VmHWM``), not ``getrusage``: Linux keeps
``ru_maxrss`` across ``fork`` and ``exec``, so the child would report the test process's own
size (hundreds of MiB under xdist) instead of its own."""


def run_measured(
    args: list[str], tmp_path: Path, env: dict | None = None, prelude: str = "", timeout=60.0
):
    """``tradecalc ARGS`` in a subprocess: (result, seconds, peak resident memory in bytes).

    ``prelude`` is Python run first (e.g. pointing ``comtrade.BASE`` at a local server);
    ``timeout`` only guards against a hang (the test fails instead of waiting forever).
    """
    out = tmp_path / "peak-rss.txt"
    start = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-c", MEASURE.format(out=str(out), prelude=prelude), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "COLUMNS": "100", **(env or {})},
        cwd=tmp_path,
    )
    seconds = time.monotonic() - start
    peak = int(out.read_text()) * 1024 if out.exists() else None  # Linux: KiB
    return result, seconds, peak
