"""The inputs of a command: the scenario files named on the command line (``-``: standard
input, read once), loaded with their --set, their plausibility warnings on stderr."""

import contextlib
import sys

from tradecalc.cli.errors import report_problems
from tradecalc.core.errors import Problem, ScenarioError


def stdin_text(paths: list[str]) -> str | None:
    if paths.count("-") > 1:
        raise ScenarioError([Problem("-", None, "", "standard input can be read only once")])
    if "-" not in paths:
        return None
    from tradecalc.scenario.yamlread import decode, read_limited

    return decode(read_limited(sys.stdin.buffer, "<stdin>"), "<stdin>")


def load(scenario: str, overrides: list[str] | None):
    """The scenario named on the command line (``-``: standard input), with its --set."""
    return _load_tree(scenario, overrides)[0]


def _load_tree(scenario: str, overrides: list[str] | None, text: str | None = None):
    """:func:`load` with the merged tree; plausibility warnings go to stderr."""
    from tradecalc.scenario.pipeline import load_with_tree, warning_problems

    if text is None and scenario == "-":
        text = stdin_text([scenario])
    loaded, tree = load_with_tree(scenario, text, overrides or ())
    report_problems(warning_problems(loaded, tree))
    return loaded, tree


def warn_file(tree, overrides) -> None:
    """The plausibility warnings of a file that a sweep or goal seek will vary (stderr)."""
    from tradecalc.scenario.pipeline import validate_with_overrides, warning_problems

    # a file that does not validate as it stands: the command reports it at the values it tries
    with contextlib.suppress(ScenarioError):
        report_problems(warning_problems(*validate_with_overrides(tree, overrides)))


def projection_of(
    scenario: str,
    overrides: list[str] | None,
    text: str | None = None,
    *,
    odds: bool = False,
    band: bool = False,
):
    """Load and project a scenario named on the command line, recording its --set; with its
    odds (and the chart's band) when the command shows them."""
    from tradecalc.analysis.projecting import run_loaded
    from tradecalc.scenario.pipeline import overridden_items

    loaded, tree = _load_tree(scenario, overrides, text)
    changed = frozenset(overridden_items(loaded, tree))
    return run_loaded(loaded, scenario, overrides or (), changed, odds=odds, band=band)


def projections_of(scenarios: list[str], overrides: list[str] | None, **asked: bool):
    """:func:`projection_of` of each scenario, with the problems of every file reported at once."""
    text = stdin_text(scenarios)
    problems, projections = [], []
    for path in scenarios:
        try:
            projections.append(
                projection_of(path, overrides, text if path == "-" else None, **asked)
            )
        except ScenarioError as error:
            problems += error.problems
    if problems:
        raise ScenarioError(problems)
    return projections
