"""The error vocabulary of tradecalc: the problems it reports, the errors that carry them, and
the exit status each error maps to."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import NoReturn


class ExitStatus(IntEnum):
    """The exit statuses of the command line (as httpie's ``status.py``)."""

    SUCCESS = 0
    ERROR = 1
    """A runtime failure: a file could not be written, a remote service failed, --check missed."""
    USAGE = 2
    """Bad arguments or an invalid input file."""
    INTERRUPTED = 130
    """Ctrl-C (128 + SIGINT)."""
    PIPE_CLOSED = 141
    """The reader of stdout left early (``| head``): 128 + SIGPIPE, as git."""


class TradecalcError(Exception):
    """Base class for every error tradecalc raises on purpose."""

    exit_code: int = ExitStatus.ERROR


@dataclass(frozen=True)
class Problem:
    """One problem in a scenario: where it is (file, line, dotted path) and what is wrong."""

    file: str
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        """One safe line: control characters and bidi controls escaped, long values cut."""
        from tradecalc.core.sanitize import clean

        file, path, message = clean(self.file), clean(self.path), clean(self.message, 400)
        where = f"{file}:{self.line}" if self.line is not None else file
        return f"{where}: {path}: {message}" if path else f"{where}: {message}"


class ScenarioError(TradecalcError):
    """Bad input: a scenario cannot be read or is invalid, or an argument is; every problem."""

    exit_code = ExitStatus.USAGE

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class UsageError(ScenarioError):
    """A command-line option is wrong: one line, ``OPTION: message``, exit 2.

    >>> str(UsageError("--from", "not with --rolling"))
    '--from: not with --rolling'
    """

    def __init__(self, option: str, message: str):
        self.option = option
        super().__init__([Problem(option, None, "", message)])


def fail(file: str, line: int | None, path: str, message: str) -> NoReturn:
    """Raise a :class:`ScenarioError` with one problem at ``FILE:LINE: path``."""
    raise ScenarioError([Problem(file, line, path, message)])


def usage_error(option: str, message: str) -> NoReturn:
    """Raise a :class:`UsageError`: ``OPTION: message``, exit 2."""
    raise UsageError(option, message)


def install_hint(package: str, extra: str) -> str:
    """How to install an optional package, naming this project's own way in.

    The public index holds an unrelated project called ``tradecalc``: never point at it.

    >>> install_hint("XlsxWriter", "xlsx")
    "pip install XlsxWriter (or pip install -e '.[xlsx]' from a checkout)"
    """
    return f"pip install {package} (or pip install -e '.[{extra}]' from a checkout)"
