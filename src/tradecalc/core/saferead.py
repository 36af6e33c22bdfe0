"""Reading a file that may be hostile: a regular file only, opened without blocking, capped,
read in chunks that are checked as they come.

A FIFO, a device (``/dev/zero``), a socket or a directory is refused before a byte is read
(``O_NONBLOCK``: opening a FIFO does not wait for a writer); a file larger than the cap is
refused by its size and again while reading (it may grow); with ``text=True`` each chunk must
be UTF-8 without a NUL byte, so a refused file costs about one chunk of memory
(:data:`CHUNK`), not the cap: a 199 MB file of NUL bytes stops at its first megabyte.
"""

from __future__ import annotations

import codecs
import os
import stat

CHUNK = 1 << 20
"""Bytes read and checked at a time."""

_KINDS = (
    (stat.S_ISDIR, "is a directory"),
    (stat.S_ISFIFO, "not a regular file (a FIFO)"),
    (stat.S_ISCHR, "not a regular file (a device)"),
    (stat.S_ISBLK, "not a regular file (a device)"),
    (stat.S_ISSOCK, "not a regular file (a socket)"),
)


class Refused(Exception):
    """Why a file was not read: one message, and the line it concerns (or None)."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message, self.line = message, line


def read_capped(path: str | os.PathLike, cap: int, *, text: bool = False) -> bytearray:
    """The bytes of the regular file ``path``, at most ``cap``; :class:`Refused` otherwise.

    ``text``: the file must be UTF-8 (a BOM allowed) without NUL bytes, checked chunk by chunk.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NOCTTY | os.O_NONBLOCK)
    except FileNotFoundError:
        raise Refused("cannot read file: no such file") from None
    except ValueError:
        raise Refused("cannot read file: the path contains a NUL character") from None
    except OSError as error:
        raise Refused(f"cannot read file: {error.strerror or error}") from None
    info = os.fstat(fd)
    problem = _kind_problem(info.st_mode)
    if problem is None and info.st_size > cap:
        problem = f"larger than {cap:,} bytes"
    if problem is not None:  # before fdopen, which refuses a directory
        os.close(fd)
        raise Refused(problem)
    with os.fdopen(fd, "rb", buffering=0) as handle:
        try:
            return _chunks(handle, cap, _TextCheck() if text else None)
        except OSError as error:
            raise Refused(f"cannot read file: {error.strerror or error}") from None


def _kind_problem(mode: int) -> str | None:
    for test, kind in _KINDS:
        if test(mode):
            return f"cannot read file: {kind}"
    return None if stat.S_ISREG(mode) else "cannot read file: not a regular file"


def _chunks(handle, cap: int, check: _TextCheck | None) -> bytearray:
    """Read chunk by chunk, each checked before it is kept; the buffer is returned as it is
    (no copy), so the bytes read cost their size once."""
    data = bytearray()
    while True:
        chunk = handle.read(CHUNK)
        if not chunk:
            break
        if len(data) + len(chunk) > cap:
            raise Refused(f"larger than {cap:,} bytes")
        if check is not None:
            check.feed(chunk)
        data += chunk
    if check is not None:
        check.feed(b"", final=True)
    return data


class _TextCheck:
    """UTF-8 without NUL, chunk by chunk; counts lines to say where a problem is."""

    def __init__(self):
        self.decoder = codecs.getincrementaldecoder("utf-8")("strict")
        self.lines = 1

    def feed(self, chunk: bytes, final: bool = False) -> None:
        nul = chunk.find(b"\0")
        if nul >= 0:
            line = self.lines + chunk.count(b"\n", 0, nul)
            raise Refused("a NUL byte: not a text file (JSON or CSV)", line)
        try:
            self.decoder.decode(chunk, final)
        except UnicodeDecodeError as error:
            # error.object is the decoder's pending bytes (no newline) and this chunk
            line = self.lines + error.object.count(b"\n", 0, error.start)
            byte = error.object[error.start] if error.start < len(error.object) else None
            what = f"byte 0x{byte:02x}" if byte is not None else "cut inside a character"
            raise Refused(f"not UTF-8 text ({what})", line) from None
        self.lines += chunk.count(b"\n")
