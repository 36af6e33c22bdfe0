"""The `tradecalc` command line: the app, its commands registered in one place, and the entry
point. Each command lives with its family (parse, call the library, emit the result, exit):
:mod:`~tradecalc.cli.project`, :mod:`~tradecalc.cli.explore`, :mod:`~tradecalc.cli.simulate`,
:mod:`~tradecalc.cli.files`, :mod:`~tradecalc.cli.fetch`, :mod:`~tradecalc.cli.headroom`.

Annotations are real objects here, not strings (no ``from __future__ import annotations``):
typer reads them at every start, and evaluating strings cost more than building them.
"""

import sys
from typing import Annotated

import typer
from typer.core import TyperOption

from tradecalc.cli import explore, files, gravity, project, simulate
from tradecalc.cli.baserate import baserate
from tradecalc.cli.errors import Group, quiet_stdout
from tradecalc.cli.fetch import fetch
from tradecalc.cli.headroom import headroom
from tradecalc.cli.helptext import fit_examples
from tradecalc.cli.output import fit_streams
from tradecalc.cli.panel import app as panel_app
from tradecalc.core.errors import ExitStatus

COMPLETION_HELP = {
    "install_completion": (
        "Install tab completion for your shell; it edits files in your home folder: bash "
        "adds a line to ~/.bashrc and writes ~/.bash_completions/tradecalc.sh; zsh edits "
        "~/.zshrc and writes ~/.zfunc/_tradecalc; fish writes "
        "~/.config/fish/completions/tradecalc.fish; PowerShell appends to $PROFILE."
    ),
    "show_completion": "Print the completion script instead, to install it by hand.",
}
"""Help of typer's completion options that says what they edit (typer's own says not)."""


class App(Group):
    """The `tradecalc` group: one-line usage errors (:class:`Group`), and completion options
    whose help says what they edit."""

    def get_params(self, ctx):
        params = super().get_params(ctx)
        for param in params:
            if isinstance(param, TyperOption) and param.name in COMPLETION_HELP:
                param.help = COMPLETION_HELP[param.name]
        return params


app = typer.Typer(
    name="tradecalc",
    cls=App,
    help=(
        "Project bilateral trade toward a target, lever by lever, with sources.\n\n"
        "Example:\n\n    tradecalc project scenarios/base.yaml\n\n"
        "Exit status: 0 ok; 1 --check and the target is missed, or a file could not be "
        "written; 2 bad arguments or an invalid scenario; 130 interrupted; 141 the reader of "
        "the output left early (| head)."
    ),
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _show_version(value: bool) -> None:
    if value:
        from tradecalc.core.about import version

        sys.stdout.write(f"tradecalc {version()}\n")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", "-V", callback=_show_version, is_eager=True, help="Print the version."
        ),
    ] = False,
) -> None:
    """The options before the command: --version, and shell completion."""


COMMANDS = (
    project.project,
    project.compare,
    explore.sweep,
    simulate.simulate,
    explore.solve,
    explore.sensitivity,
    project.report,
    project.explain,
    simulate.backtest,
    files.validate,
    files.init,
    files.schema,
    files.targets,
    fetch,
    headroom,
    baserate,
)
"""Every command, in the order `tradecalc --help` lists them."""
for command in COMMANDS:
    app.command()(command)
app.add_typer(panel_app)
app.add_typer(gravity.app)  # `gravity fit`, `gravity normal`: cli/gravity.py
fit_examples(app)  # examples that paste as written at 80 columns: cli/helptext.py


def main() -> None:
    """Entry point of the `tradecalc` console script."""
    import signal

    def terminated(signum, frame):  # like Ctrl-C: unwind, so no temporary file is left
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, terminated)
    fit_streams()
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(ExitStatus.INTERRUPTED)
    except BrokenPipeError:
        # `tradecalc ... | head`: the reader left; say nothing and leave as git does.
        quiet_stdout()
        sys.exit(ExitStatus.PIPE_CLOSED)
