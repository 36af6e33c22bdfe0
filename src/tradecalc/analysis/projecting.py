"""Running a projection: a scenario (a path, a mapping or a Scenario) in, its Projection out,
with the odds and the chart's band when the caller asks for them (the library's `project`)."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping, Sequence
from typing import Any, cast

import numpy as np

from tradecalc.analysis.baserate import scenario_base_rate
from tradecalc.analysis.gravity_brief import briefing_line
from tradecalc.analysis.odds import odds_band, odds_document
from tradecalc.analysis.outside_view import scenario_outside_view
from tradecalc.analysis.projection import Projection
from tradecalc.engine import verdict
from tradecalc.engine.evaluate import Components, Layout, compile_scenario, evaluate
from tradecalc.model import smart_effects, staged_tariff, staging
from tradecalc.scenario.models import Scenario
from tradecalc.scenario.pipeline import load_with_tree, overridden_items, validate_tree
from tradecalc.scenario.yamlread import Doc


def project(
    scenario: Scenario | Mapping[str, Any] | str | os.PathLike,
    path: str | None = None,
    overrides: Sequence[str] = (),
    text: str | None = None,
    *,
    odds: bool = True,
    band: bool = False,
) -> Projection:
    """Project a scenario (a :class:`Scenario`, a path to a YAML file, or a mapping holding
    what such a file holds) year by year.

    ``overrides`` are ``KEY=VALUE`` assignments applied to a file, like ``--set``; the
    projection records them. ``text`` is the YAML when ``scenario`` is ``"-"`` (stdin).
    ``odds``: also run the odds line's Monte Carlo (a scenario with an `uncertainty:` block);
    ``band``: and the P10-P90 band its chart draws (the same draws and seed).
    An invalid file or mapping raises :class:`~tradecalc.core.errors.ScenarioError` with
    every problem (a mapping's as ``<mapping>: path: message``).

    Use in a notebook::

        p = project("scenarios/base.yaml", overrides=["pta.utilization=0.9"])
        p.frame.groupby("year").value_usd_m.sum()   # == p.total
    """
    overridden: frozenset[str] = frozenset()
    if isinstance(scenario, Mapping) and not overrides:
        scenario = validate_tree(Doc(scenario, here=("<mapping>", None)), "<mapping>")
    elif isinstance(scenario, Mapping):
        raise TypeError("overrides apply to a file; change the mapping instead")
    if not isinstance(scenario, Scenario):
        path = str(scenario) if path is None else path
        scenario, tree = load_with_tree(scenario, text, overrides)
        overridden = frozenset(overridden_items(scenario, tree))
    elif overrides:
        raise TypeError("overrides apply to a file; use Scenario.replace() on a loaded scenario")
    return run_loaded(scenario, path or "", overrides, overridden, odds=odds, band=band)


def run_loaded(
    scenario: Scenario,
    path: str = "",
    overrides: Sequence[str] = (),
    overridden: frozenset[str] = frozenset(),
    *,
    odds: bool = False,
    band: bool = False,
) -> Projection:
    """The projection of a scenario already loaded with ``overrides`` (recorded, not applied).

    ``odds``: run the odds line's Monte Carlo now (a scenario with an `uncertainty:` block);
    ``band``: also the P10-P90 band a chart draws, of the same draws and seed.
    """
    layout, params = compile_scenario(scenario)
    components = evaluate(layout, params)
    verdict.check_finite(components.total(), path or scenario.name)
    projection = Projection(
        scenario,
        path,
        layout,
        components,
        tuple(overrides),
        frozenset(overridden),
        smart=smart_side_outputs(scenario, components, layout.years),
    )
    projection = dataclasses.replace(
        projection, outside_view=scenario_outside_view(scenario.codes, projection.required_cagr)
    )
    if not odds:
        return projection
    found = projection_odds(scenario, components, layout, projection.measure_at_by_year)
    shown = odds_band(scenario, found) if band and found is not None else None
    outside = {**projection.outside_view, "base_rate": scenario_base_rate(scenario)}
    return dataclasses.replace(
        projection,
        odds=found,
        band=shown,
        outside_view=outside,
        normal_level=briefing_line(scenario),
    )


def projection_odds(
    scenario: Scenario, components: Components, layout: Layout, central_at_by_year: float
) -> dict[str, Any] | None:
    """The odds line of a projection, from its central path's counted flows and deals."""
    central = (
        components.flows()[0, layout.flow_counts].sum(axis=0),
        components.deals[0, layout.deal_counts].sum(axis=0),
    )
    found = odds_document(scenario, central=central)
    if found is not None:
        found["central_path_at_by_year_usd_m"] = central_at_by_year
    return found


def smart_side_outputs(
    scenario: Scenario, components: Components, years: np.ndarray
) -> list[dict[str, Any]] | None:
    """WITS-SMART's side outputs by year, for ``pta.method: smart`` (else None).

    Per year, summed over the PTA lines: trade creation and diversion, the importer's
    tariff revenue change ``t1 M1 - t0 M0 - t0 TD`` and the consumer-surplus gain
    ``0.5 (t0 - t1) TC`` [US$ m] (Laird & Yeats 1986), on the covered, utilised trade of
    the year's baseline at the year's staged tariff, with trade fully responded.
    """
    pta = scenario.pta
    if pta is None or pta.method != "smart":
        return None
    phase = staging(years, pta.start_year, pta.phase_in_years)
    keys = [(f.direction, f.sector) for f in scenario.baseline.flows]
    totals = np.zeros((4, len(years)))
    for line in pta.lines:
        flow = keys.index((line.direction, line.sector))
        imports = components.baseline[0, flow] * line.coverage * pta.utilization_value
        tariff = staged_tariff(line.mfn_tariff, line.preferential_tariff, phase)
        effects = smart_effects(
            imports,
            tariff,
            line.mfn_tariff,
            cast(float, line.partner_import_share),  # required with smart (scenario rules)
            cast(float, line.import_demand_elasticity),
            line.substitution_elasticity,
        )
        totals += np.asarray(effects)
    names = ("trade_creation", "trade_diversion", "tariff_revenue_change", "consumer_surplus")
    return [
        {"year": int(year), **{f"{n}_usd_m": float(totals[i, j]) for i, n in enumerate(names)}}
        for j, year in enumerate(years)
    ]
