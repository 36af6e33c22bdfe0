"""Exceptions raised by tradecalc, each with the exit code the CLI maps it to."""

from __future__ import annotations

from dataclasses import dataclass


class TradecalcError(Exception):
    """Base class for every error tradecalc raises on purpose."""

    exit_code = 1


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

    exit_code = 2

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def install_hint(package: str, extra: str) -> str:
    """How to install an optional package, naming this project's own way in.

    The public index holds an unrelated project called ``tradecalc``: never point at it.

    >>> install_hint("XlsxWriter", "xlsx")
    "pip install XlsxWriter (or pip install -e '.[xlsx]' from a checkout)"
    """
    return f"pip install {package} (or pip install -e '.[{extra}]' from a checkout)"
