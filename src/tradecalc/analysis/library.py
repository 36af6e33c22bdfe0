"""The library's face: one call per command, a scenario (a path or a :class:`Scenario`) in, the
command's result out, the same value the command renders (``tradecalc.simulate(...)``, ...).

Each call imports what it runs when it runs, so ``import tradecalc`` stays cheap. Nothing here
prints: the plausibility warnings the commands write to stderr are the CLI's; bad input raises
:class:`~tradecalc.core.errors.ScenarioError` with every problem, as the commands report it.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Union

from tradecalc.core.errors import Problem, ScenarioError, UsageError

if TYPE_CHECKING:
    from tradecalc.analysis.comparison import Comparison
    from tradecalc.analysis.documents import (
        Backtest,
        Headroom,
        Sensitivity,
        SimulationResult,
        Sweep,
    )
    from tradecalc.analysis.goalseek import Solution
    from tradecalc.analysis.gravity_result import GravityFit, NormalLevel
    from tradecalc.analysis.panels import PanelList, PanelSeries
    from tradecalc.scenario.models import Scenario
    from tradecalc.scenario.yamlread import Doc

ScenarioSource = Union[str, os.PathLike, "Scenario"]
"""A scenario file's path (``str`` or path-like) or a loaded :class:`Scenario`."""


def loaded(scenario: ScenarioSource, overrides: Sequence[str] = ()) -> tuple[Scenario, str]:
    """The scenario (a file read with ``overrides``, like ``--set``) and the name errors use."""
    from tradecalc.scenario.models import Scenario
    from tradecalc.scenario.pipeline import load_scenario

    if isinstance(scenario, Scenario):
        if overrides:
            raise TypeError("overrides apply to a file; use Scenario.replace() on a scenario")
        return scenario, scenario.name
    return load_scenario(scenario, None, overrides), str(scenario)


def simulate(
    scenario: ScenarioSource, draws: int = 10_000, seed: int = 0, overrides: Sequence[str] = ()
) -> SimulationResult:
    """`tradecalc simulate`: percentiles of the measure and the odds of the target by year
    over ``draws`` Monte Carlo draws of ``seed`` (the same seed, the same numbers). The README's
    notebook session runs it."""
    from tradecalc.analysis.simulation import simulate_scenario

    found, where = loaded(scenario, overrides)
    return simulate_scenario(found, draws, seed, where=where)


def compare(
    scenarios: Sequence[ScenarioSource], overrides: Sequence[str] = (), *, odds: bool = True
) -> Comparison:
    """`tradecalc compare`: the projections of several scenarios side by side, each on its own
    target and deadline (``odds``: with each one's odds line, as the table shows them)."""
    from tradecalc.analysis.comparison import Comparison
    from tradecalc.analysis.projecting import project

    if isinstance(scenarios, (str, os.PathLike)):
        raise TypeError("compare takes a list of scenarios")
    problems: list[Problem] = []
    projections = []
    for scenario in scenarios:
        try:
            projections.append(project(scenario, overrides=overrides, odds=odds))
        except ScenarioError as error:
            problems += error.problems
    if problems:
        raise ScenarioError(problems)
    return Comparison(projections)


def backtest(
    scenario: ScenarioSource,
    from_year: int | None = None,
    draws: int = 10_000,
    seed: int = 0,
    overrides: Sequence[str] = (),
) -> Backtest:
    """`tradecalc backtest`: the record against a projection from ``from_year`` (default:
    the first observed year), year by year, with the error and the P10-P90 coverage."""
    from tradecalc.analysis.backtest import backtest_document
    from tradecalc.analysis.documents import Backtest

    found, where = loaded(scenario, overrides)
    return Backtest(backtest_document(found, from_year, draws, seed, where=where))


def sensitivity(scenario: ScenarioSource, overrides: Sequence[str] = ()) -> Sensitivity:
    """`tradecalc sensitivity`: each input moved to its low and high value, the widest swing of
    the measure at the deadline first (a tornado)."""
    from tradecalc.analysis.documents import Sensitivity
    from tradecalc.analysis.sensitivity import sensitivity_document

    found, where = loaded(scenario, overrides)
    return Sensitivity(sensitivity_document(found, where=where))


def sweep(scenario: ScenarioSource, grid: Sequence[str], overrides: Sequence[str] = ()) -> Sweep:
    """`tradecalc sweep`: one row per point of the grid (``KEY=START:STOP:N`` each, as
    ``--grid``; several make the cartesian product): reached year, measure and gap."""
    from tradecalc.analysis.documents import Sweep
    from tradecalc.analysis.sweep import GridAxis, run_sweep

    axes = [GridAxis.parse(spec) for spec in grid]
    tree, where, parsed = _tree(scenario, overrides)
    rows = run_sweep(tree, axes, parsed, where=where)
    return Sweep(tuple(rows), tuple(axis.key for axis in axes), where)


def solve(
    scenario: ScenarioSource,
    param: str,
    low: float | None = None,
    high: float | None = None,
    *,
    metric: str = "measure",
    at: float = 0.5,
    draws: int = 10_000,
    seed: int = 0,
    overrides: Sequence[str] = (),
) -> Solution:
    """`tradecalc solve`: the value of ``param`` (a dotted path) at which the measure (or, with
    ``metric="probability"``, the odds reach ``at``) just reaches the target by the deadline."""
    import dataclasses

    from tradecalc.analysis.goalseek import solve_tree

    tree, where, parsed = _tree(scenario, overrides)
    found = solve_tree(
        tree, param, low, high, overrides=parsed, metric=metric, at=at, draws=draws, seed=seed
    )
    return dataclasses.replace(found, scenario=where)


def _tree(scenario: ScenarioSource, overrides: Sequence[str]):
    """The tree a sweep or a search varies, the name errors use, and the parsed overrides."""
    from tradecalc.scenario.models import Scenario
    from tradecalc.scenario.overrides import Override
    from tradecalc.scenario.pipeline import read_merged_tree

    parsed = [Override.parse(o) for o in overrides]
    if isinstance(scenario, Scenario):
        if overrides:
            raise TypeError("overrides apply to a file; use Scenario.replace() on a scenario")
        return _as_tree(scenario.model_dump(exclude_unset=True), "<scenario>"), scenario.name, []
    return read_merged_tree(scenario), str(scenario), parsed


def _as_tree(value, file: str) -> Doc:
    """A loaded scenario's fields as the tree a file gives (no lines to cite)."""
    from tradecalc.scenario.yamlread import Doc, DocList

    if isinstance(value, dict):
        return Doc({k: _as_tree(v, file) for k, v in value.items()}, here=(file, None))
    if isinstance(value, (list, tuple)):
        return DocList([_as_tree(v, file) for v in value], here=(file, None))  # type: ignore[return-value]
    return value


def headroom(source: ScenarioSource, top: int = 10, detail: str | None = None) -> Headroom:
    """`tradecalc headroom`: the products that could fill the gap, per direction, ranked, from a
    data file of `tradecalc fetch --detail ...` (no target: no gap) or a scenario."""
    from tradecalc.analysis import headroom as analysis
    from tradecalc.scenario import datafile_reader
    from tradecalc.scenario.models import Scenario
    from tradecalc.scenario.pipeline import load_scenario

    if detail not in (None, "hs2", "hs4"):
        raise UsageError("detail", f"expected hs2 or hs4, got {detail!r}")
    if isinstance(source, Scenario):
        scenario, where = source, source.name
    else:
        tree = datafile_reader.read_file_tree(source)
        where = str(source)
        if datafile_reader.is_scenario(tree):
            scenario = load_scenario(source)
        else:
            data, tree = datafile_reader.read_data_file(source, tree=tree)
            codes = tuple(e.code for e in data.economies)
            problems = datafile_reader.product_problems(data.products, tree, codes)
            if problems or data.products is None:
                raise ScenarioError(problems)
            if detail == "hs4" and data.products.detail == "hs2":
                raise UsageError("detail", "the file holds hs2 chapters: headings need hs4 rows")
            products = analysis.at_detail(data.products, detail)
            doc = analysis.headroom_document(products, (codes[0], codes[1]), None, top)
            return _headroom(doc, top)
    doc = analysis.scenario_headroom(scenario, top, detail)
    if doc is None:
        message = "no products: extend a data file of `tradecalc fetch --detail hs2` or hs4"
        raise ScenarioError([Problem(where, None, "products", message)])
    return _headroom(doc, top)


def _headroom(doc: dict, top: int) -> Headroom:
    """The result, or every skipped direction as a problem when none is left."""
    from tradecalc.analysis.documents import Headroom

    if not doc["rows"]:
        raise ScenarioError([Problem("<headroom>", None, "products", s) for s in doc["skipped"]])
    return Headroom(doc, top=top)


def panels() -> PanelList:
    """`tradecalc panel list`: the shipped panel and those imported into the store."""
    from tradecalc.analysis.panels import PanelList
    from tradecalc.panel.catalog import list_panels

    return PanelList(tuple(list_panels()))


def panel_series(panel: str, economies: tuple[str, str], product: str | None = None) -> PanelSeries:
    """`tradecalc panel show`: a pair's trade in a panel (an id or a CSV/Parquet file), each
    direction by year, summed over products (or one HS ``product``)."""
    from tradecalc.analysis.panels import PanelSeries
    from tradecalc.panel.catalog import resolve
    from tradecalc.panel.query import pair_rows

    info = resolve(panel, option="panel")
    a, b = (code.strip().upper() for code in economies)
    found = pair_rows(info, a, b, product=product)
    return PanelSeries(info, (a, b), tuple(found), product)


def gravity_fit(
    panel: str | None = None,
    years: str | Sequence[int] | None = None,
    *,
    terms: Sequence[str] = ("log_dist", "cntg", "lang", "clny"),
    fixed_effects: Sequence[str] = ("exporter-year", "importer-year"),
    estimator: str = "ppml",
    with_domestic: bool = False,
    se: str = "pair",
) -> GravityFit:
    """`tradecalc gravity fit`: a structural gravity equation estimated on a panel (default:
    AGTPA) in ``years`` (``"1986:2006:4"``, ``"1986,1990"`` or a list; default: every year)."""
    from tradecalc.analysis import gravity
    from tradecalc.analysis.gravity_panel import open_panel

    spec = _gravity_spec(years, terms, fixed_effects, estimator, with_domestic, se)
    info, frame = open_panel(panel, None, spec.years)
    return gravity.fit(frame, spec, info)


def gravity_normal(
    economies: tuple[str, str] | None = None,
    year: int | None = None,
    *,
    scenario: ScenarioSource | None = None,
    panel: str | None = None,
    years: str | Sequence[int] | None = None,
    **fit: Any,
) -> NormalLevel:
    """`tradecalc gravity normal`: what the gravity fit expects a pair to trade in ``year``,
    each way and in sum, beside what they did; the pair of ``economies`` or of a ``scenario``
    (then also its record and target as multiples of the normal level). ``fit``: the options
    of :func:`gravity_fit`."""
    import dataclasses

    from tradecalc.analysis import gravity, gravity_normal
    from tradecalc.analysis.gravity_panel import open_panel

    if (economies is None) == (scenario is None):
        raise TypeError("give economies or a scenario (one of them)")
    found = loaded(scenario)[0] if scenario is not None else None
    a, b = found.codes if found is not None else (c.strip().upper() for c in economies or ())
    spec = _gravity_spec(years, **fit)
    info, frame = open_panel(panel, (a, b), spec.years)
    result = gravity_normal.normal_level(gravity.fit(frame, spec, info), a, b, year)
    if found is None:
        return result
    record = gravity_normal.scenario_record(found)
    record_year, record_usd_m = record if record is not None else (None, None)
    line = gravity_normal.normal_level_line(
        result, record_usd_m, found.target.value_usd_m, record_year
    )
    return dataclasses.replace(result, briefing=line)


def _gravity_spec(
    years: str | Sequence[int] | None,
    terms: Sequence[str] = ("log_dist", "cntg", "lang", "clny"),
    fixed_effects: Sequence[str] = ("exporter-year", "importer-year"),
    estimator: str = "ppml",
    with_domestic: bool = False,
    se: str = "pair",
):
    """What to fit, checked as the command checks its options."""
    from tradecalc.analysis import gravity

    if estimator not in gravity.ESTIMATORS:
        raise UsageError("estimator", f"expected {' or '.join(gravity.ESTIMATORS)}")
    if se not in gravity.SE_KINDS:
        raise UsageError("se", f"expected {' or '.join(gravity.SE_KINDS)}")
    if isinstance(years, str):
        years = gravity.parse_years(years)
    return gravity.GravitySpec(
        terms=tuple(terms),
        fixed_effects=gravity.check_fixed_effects(tuple(fixed_effects)),
        estimator=estimator,
        years=None if years is None else tuple(sorted(set(years))),
        with_domestic=with_domestic,
        se=se,
    )
