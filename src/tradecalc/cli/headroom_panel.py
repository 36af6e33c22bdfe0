"""`tradecalc headroom --panel ID`: the products of a pair ranked from a panel with products
(an imported BACI release) instead of a data file's rows; every output names the panel and
its attribution (the document's ``basis`` and ``panel``)."""

from __future__ import annotations

from typing import Any

from tradecalc.cli.errors import report_problems
from tradecalc.core.errors import UsageError


def panel_document(
    spec: str,
    file: str | None,
    economies: tuple[str, str] | None,
    detail: str,
    top: int,
    overrides: list[str],
) -> dict[str, Any]:
    """The headroom document of a pair from a panel: against a scenario's gap when FILE is a
    scenario, else with no target (``--economies``)."""
    from tradecalc.analysis import headroom as analysis
    from tradecalc.cli.panel import economy_pair, panel_for
    from tradecalc.panel.products import basis, pair_products

    if (file is None) == (economies is None):
        raise UsageError("--economies", "with --panel give --economies A B, or a scenario FILE")
    scenario = _scenario(file, overrides) if file is not None else None
    if scenario is not None:
        first, second = scenario.codes
        pair = (first, second)
    elif overrides:
        raise UsageError("--set", "only for a scenario FILE")
    else:
        pair = economy_pair(economies) if economies is not None else ("", "")
    info = panel_for(spec, pair)
    products, year = pair_products(info, pair, detail)
    if scenario is not None:
        doc = analysis.scenario_headroom(scenario.model_copy(update={"products": products}), top)
    else:
        doc = analysis.headroom_document(products, pair, None, top)
    doc["basis"] = basis(info, year, detail)
    doc["panel"] = info.to_dict()
    if not doc["rows"]:
        from tradecalc.core.errors import Problem, ScenarioError

        raise ScenarioError([Problem("--panel", None, "", s) for s in doc["skipped"]])
    return doc


def _scenario(file: str, overrides: list[str]):
    from tradecalc.scenario import datafile_reader as datafile
    from tradecalc.scenario.pipeline import load_with_tree, warning_problems

    tree = datafile.read_file_tree(file)
    if not datafile.is_scenario(tree):
        raise UsageError("FILE", "with --panel FILE is a scenario (its pair and gap)")
    scenario, tree = load_with_tree(file, None, overrides)
    report_problems(warning_problems(scenario, tree))
    return scenario
