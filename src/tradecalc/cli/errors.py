"""The error regime of the command line: usage errors as one line (``OPTION: message``), bad
input as one line per problem, each error to its exit status (:class:`ExitStatus`)."""

import contextlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import typer
from typer.core import TyperGroup

try:  # typer 0.2x carries its own copy of click
    from typer._click import exceptions as click_errors
except ImportError:  # pragma: no cover - older typer on click
    from click import exceptions as click_errors  # type: ignore[no-redef]

from tradecalc.core.errors import ExitStatus, Problem, ScenarioError


class Group(TyperGroup):
    """The command group, with usage errors as one line (``OPTION: message``), exit 2."""

    def main(  # type: ignore[override]  # positional, as click's own main is called
        self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra
    ):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            code = super().main(args, prog_name, complete_var, False, **extra)
        except getattr(click_errors, "NoArgsIsHelpError", ()) as error:
            error.show()  # `tradecalc` alone: the help
            sys.exit(error.exit_code)
        except click_errors.ClickException as error:
            _stderr_line(_usage_line(error))
            sys.exit(error.exit_code)
        except typer.Abort:
            sys.exit(ExitStatus.INTERRUPTED)
        except BrokenPipeError:
            quiet_stdout()
            sys.exit(ExitStatus.PIPE_CLOSED)
        sys.exit(code if isinstance(code, int) else 0)


def _usage_line(error) -> str:
    """``--draws: ...``, ``SCENARIO: ...`` or ``tradecalc project: ...``: one line."""
    from tradecalc.core.sanitize import clean

    param = getattr(error, "param", None)
    if param is not None:
        name = param.opts[0] if getattr(param, "opts", None) else param.human_readable_name
        where = name if name.startswith("-") else name.upper()
    elif getattr(error, "option_name", None):
        where = error.option_name
    else:
        context = getattr(error, "ctx", None)
        where = context.command_path if context is not None else "tradecalc"
    bad = isinstance(error, click_errors.BadParameter)
    message = error.message if bad else error.format_message()
    message = " ".join(message.split()).removeprefix("Value error, ").removeprefix("value error, ")
    if isinstance(error, click_errors.MissingParameter):
        message = "missing"
    elif isinstance(error, click_errors.NoSuchOption):
        import difflib

        names = [o.lstrip("-") for o in getattr(error, "possibilities", None) or ()]
        close = difflib.get_close_matches(where.lstrip("-"), names, n=1, cutoff=0.6)
        message = "no such option" + (f" (did you mean '--{close[0]}'?)" if close else "")
    return f"{clean(where)}: {clean(message[:1].lower() + message[1:], 400)}"


def _stderr_line(text: str) -> None:
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def stderr_console():
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True, emoji=False, markup=False)


def report_problems(problems: list[Problem]) -> None:
    """One plain line per problem (Problem escapes control characters and cuts long values)."""
    for problem in problems:
        _stderr_line(str(problem))


@contextlib.contextmanager
def handled(targets: Sequence[tuple[str, Path | None]] = (), inputs: Sequence[str] = ()):
    """Check the output files, then run: bad input is exit 2 with one line per problem, a
    failed write exit 1, Ctrl-C exit 130, a closed pipe on stdout a quiet exit 141.
    """
    from tradecalc.core.safeio import WriteError

    try:
        if targets:
            from tradecalc.core.safeio import check_targets

            check_targets(list(targets), list(inputs))
        yield
    except (ScenarioError, WriteError) as error:
        report_problems(error.problems)
        raise typer.Exit(error.exit_code) from None
    except KeyboardInterrupt:
        raise typer.Exit(ExitStatus.INTERRUPTED) from None
    except BrokenPipeError:
        quiet_stdout()
        raise typer.Exit(ExitStatus.PIPE_CLOSED) from None


def quiet_stdout() -> None:
    """Point stdout at /dev/null, so that flushing it at exit does not fail again."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
