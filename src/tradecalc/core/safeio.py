"""Where `--output` and `--plot` may write, and writing there all or nothing.

:func:`check_targets` runs before any work: it refuses a directory, device, FIFO or socket,
a missing folder, the input scenario, one file named twice, an existing read-only file, a
file with other hard links and (unless run as root) another user's file, each with one line.
:func:`write_atomically` then writes through a temporary file in the same folder and a
rename, so the old file stays whole until the new one is complete; :func:`write_new` names the
complete file with ``link()`` instead, so that of writers racing for one new name only one
wins. On Linux the temporary file has no name until it is finished (``O_TMPFILE``), so even a
killed process leaves none; where that is not available, a named one is removed on any failure
or signal that unwinds (SIGINT, SIGTERM), though not after SIGKILL.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from collections.abc import Sequence
from pathlib import Path

from tradecalc.core.errors import Problem, ScenarioError, TradecalcError


class WriteError(TradecalcError):
    """Writing a result failed (disk full, I/O error): the old file is untouched. Exit 1."""

    exit_code = 1

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


_KINDS = (
    (stat.S_ISDIR, "is a directory"),
    (stat.S_ISCHR, "is a device"),
    (stat.S_ISBLK, "is a device"),
    (stat.S_ISFIFO, "is a FIFO (named pipe)"),
    (stat.S_ISSOCK, "is a socket"),
)


def _identity(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return st.st_dev, st.st_ino


def _problem(option: str, path: str, stats: os.stat_result | None) -> str | None:
    """Why ``path`` cannot be written, or None."""
    if stats is not None:
        for test, kind in _KINDS:
            if test(stats.st_mode):
                return f"{kind}: --output and --plot write regular files only"
        if not stat.S_ISREG(stats.st_mode):
            return "is not a regular file"
        if not stats.st_mode & 0o222 or not os.access(path, os.W_OK):
            return "is read-only: not replaced"
        if stats.st_nlink > 1:
            return f"has {stats.st_nlink} hard links: replacing it would break them"
        if os.geteuid() != 0 and stats.st_uid != os.geteuid():
            return "belongs to another user: replacing it would change its owner"
    folder = Path(os.path.realpath(path)).parent
    if not folder.is_dir():
        return f"no such folder: {folder}"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"cannot create files in {folder}: permission denied"
    return None


def check_targets(targets: list[tuple[str, Path | None]], inputs: Sequence[str] = ()) -> None:
    """Refuse output files that cannot or must not be written, before any work is done.

    ``targets`` are ``(option, path)`` pairs (path None: not given); ``inputs`` the scenario
    files read (``-`` is skipped).
    """
    problems: list[Problem] = []
    read = {_identity(p): p for p in inputs if p != "-"}
    read.pop(None, None)
    taken: dict = {}
    for option, path in targets:
        if path is None:
            continue
        text = str(path)
        label = f"{option} {text}"
        if not text or "\0" in text:
            problems.append(Problem(label, None, "", "not a usable file name"))
            continue
        try:
            stats = os.stat(text)
        except FileNotFoundError:
            stats = None
        except OSError as error:
            problems.append(Problem(label, None, "", f"cannot use: {error.strerror}"))
            continue
        reason = _problem(option, text, stats)
        key = (stats.st_dev, stats.st_ino) if stats else os.path.realpath(text)
        if reason is None and key in read:
            reason = f"is the input scenario {read[key]}: not overwritten"
        if reason is None and key in taken:
            reason = f"is also the file of {taken[key]}: give two different files"
        taken.setdefault(key, option)
        if reason:
            problems.append(Problem(label, None, "", reason))
    if problems:
        raise ScenarioError(problems)


def _link_name(folder: Path, name: str) -> Path:
    return folder / f".{name}.{secrets.token_hex(4)}.tmp"


def write_atomically(path: Path, content: str | bytes, option: str = "--output") -> None:
    """Write ``content`` to ``path`` all or nothing; keep the file's mode and owner.

    A symbolic link is written through to its target. A new file gets the usual mode
    (0666 less the umask). Any OS failure is a :class:`WriteError` naming ``option``, with
    the old file intact and no temporary file left.
    """
    data = content.encode("utf-8") if isinstance(content, str) else content
    target = Path(os.path.realpath(path))
    try:
        old = os.stat(target)
    except FileNotFoundError:
        old = None
    except OSError as error:
        raise _write_error(option, path, error) from None
    mode = _new_mode() if old is None else stat.S_IMODE(old.st_mode)
    try:
        if not _write_unnamed(target, data, mode, old):
            _write_named(target, data, mode, old)
    except OSError as error:
        raise _write_error(option, path, error) from None


def write_new(
    path: Path,
    content: str | bytes,
    option: str = "--output",
    refusal: str = "exists already: not replaced",
) -> None:
    """Create ``path`` holding ``content``, all or nothing, only where no file has that name.

    The complete file is given its name by ``link()``, which fails if the name exists: of
    several writers racing for one new name exactly one wins, and each other gets a
    :class:`ScenarioError` (``refusal``) with the winner's file untouched. Other failures are a
    :class:`WriteError`, with no file and no temporary file left.
    """
    data = content.encode("utf-8") if isinstance(content, str) else content
    target = Path(os.path.realpath(path))
    try:
        if not _write_unnamed(target, data, _new_mode(), None, exclusive=True):
            _write_named(target, data, _new_mode(), None, exclusive=True)
    except FileExistsError:
        raise ScenarioError([Problem(f"{option} {path}", None, "", refusal)]) from None
    except OSError as error:
        raise _write_error(option, path, error) from None


def _new_mode() -> int:
    """The usual mode of a new file: 0666 less the umask."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


_NO_TMPFILE = {errno.EXDEV, errno.EOPNOTSUPP, errno.EINVAL, errno.EISDIR, errno.ENOENT, errno.EPERM}


def _fill(fd: int, data: bytes, mode: int, old: os.stat_result | None) -> None:
    """Write all of ``data``, set the mode, keep the old owner, and make it durable."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
    os.fchmod(fd, mode)
    if old is not None and (old.st_uid, old.st_gid) != (os.geteuid(), os.getegid()):
        with contextlib.suppress(OSError):  # root keeps the owner; others keep the group
            os.fchown(fd, old.st_uid if os.geteuid() == 0 else -1, old.st_gid)
    os.fsync(fd)  # a full disk shows here at the latest, before the old file is replaced


def _write_unnamed(target: Path, data: bytes, mode: int, old, exclusive: bool = False) -> bool:
    """Linux ``O_TMPFILE``: the file gets a name only once complete. False if unsupported.

    ``exclusive``: the name is the target's own, given by ``link()`` (FileExistsError if taken).
    """
    if not hasattr(os, "O_TMPFILE") or not os.path.isdir("/proc/self/fd"):
        return False
    try:
        fd = os.open(target.parent, os.O_TMPFILE | os.O_WRONLY | os.O_CLOEXEC, 0o600)
    except OSError as error:
        if error.errno in _NO_TMPFILE:
            return False
        raise
    temporary = None
    try:
        _fill(fd, data, mode, old)
        name = target if exclusive else _link_name(target.parent, target.name)
        try:
            os.link(f"/proc/self/fd/{fd}", name, follow_symlinks=True)
        except OSError as error:
            if error.errno in _NO_TMPFILE:  # e.g. a sandbox whose /proc cannot link
                return False
            raise
        if exclusive:
            return True
        temporary = name
        os.replace(temporary, target)
        temporary = None
        return True
    finally:
        os.close(fd)
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


def _write_named(target: Path, data: bytes, mode: int, old, exclusive: bool = False) -> None:
    """A named temporary file, removed on any failure or signal that unwinds.

    ``exclusive``: linked to the target's name (FileExistsError if taken), then unnamed.
    """
    temporary = _link_name(target.parent, target.name)
    fd = os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_CLOEXEC, 0o600)
    try:
        try:
            _fill(fd, data, mode, old)
        finally:
            os.close(fd)
        if exclusive:
            os.link(temporary, target)
            os.unlink(temporary)
        else:
            os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _write_error(option: str, path, error: OSError) -> WriteError:
    reason = error.strerror or str(error)
    return WriteError([Problem(f"{option} {path}", None, "", f"cannot write: {reason}")])
