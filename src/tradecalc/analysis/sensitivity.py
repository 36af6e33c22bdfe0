"""One-at-a-time sensitivity: low/high swings of each uncertain input, as a tornado."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np

from tradecalc.engine import budget
from tradecalc.engine.draws import level_shock_sd
from tradecalc.engine.evaluate import Layout, Params, compile_scenario, evaluate_measure
from tradecalc.engine.verdict import check_finite, deadline_index
from tradecalc.model.deal_risk import Z90
from tradecalc.scenario.models import Scenario
from tradecalc.scenario.sections import Deal

# Z90, the 90th percentile of the standard normal: low/high swings are P10/P90 of a spread.
RELATIVE = 0.3
"""Without an `uncertainty:` block, each input swings by this share of its value (+-30 %)."""


@dataclass(frozen=True)
class Swing:
    """One input moved to its low and its high value, all else at the point values.

    The parameters are built when asked for, so thousands of swings cost no memory.
    """

    input: str
    low: Any
    high: Any
    point: Params
    changes: Callable[[Any], dict[str, np.ndarray]]

    @property
    def low_params(self) -> Params:
        return self.point.replace(**self.changes(self.low))

    @property
    def high_params(self) -> Params:
        return self.point.replace(**self.changes(self.high))


def swings(scenario: Scenario, layout: Layout, point: Params) -> list[Swing]:
    """The inputs to swing: from the `uncertainty:` block, else every lever input +-30 %.

    One kind of input after another, in the order the tornado lists ties in.
    """
    kinds = (
        _elasticity_swings,
        _utilization_swings,
        _growth_swings,
        _shock_swings,
        _tta_swings,
        _deal_swings,
    )
    return [swing for kind in kinds for swing in kind(scenario, layout, point)]


def _column(point: Params, field: str, index, value, scale: bool = False) -> dict[str, np.ndarray]:
    """``field`` with column(s) ``index`` set to (or, with ``scale``, multiplied by) value."""
    array = getattr(point, field).copy()
    array[:, index] = array[:, index] * value if scale else value
    return {field: array}


def _theta_scaled(
    layout: Layout, point: Params, k: int, theta: float, value: float
) -> dict[str, np.ndarray]:
    """:func:`_theta_changes` for sector ``k``'s theta set to ``value`` (from ``theta``)."""
    return _theta_changes(layout, point, k, value / theta)


def _theta_changes(layout: Layout, point: Params, sector: int, m: float) -> dict[str, np.ndarray]:
    """theta of one sector times ``m``: the exponent theta + 1 (or a given one) moves too."""
    out = _column(point, "flow_theta", layout.flow_sector_index == sector, m, scale=True)
    for prefix in ("line", "change"):
        epsilon = getattr(point, f"{prefix}_epsilon").copy()
        here = getattr(layout, f"{prefix}_sector_index") == sector
        given = getattr(layout, f"{prefix}_tariff_exponent_given")
        epsilon[:, here] = np.where(
            given[here], epsilon[:, here] * m, (epsilon[:, here] - 1.0) * m + 1.0
        )
        out[f"{prefix}_epsilon"] = epsilon
    return out


def _elasticity_swings(s: Scenario, layout: Layout, point: Params) -> list[Swing]:
    """Each sector's theta, when a PTA or TTA makes it matter: P10/P90 of the lognormal
    ``elasticity_spread``, else +-30 %."""
    u = s.uncertainty
    spread = u.elasticity_spread if u is not None else None
    if spread == 0.0 or (s.pta is None and s.tta is None):
        return []
    if u is not None:
        lo, hi = np.exp(-Z90 * u.elasticity_spread), np.exp(Z90 * u.elasticity_spread)
    else:
        lo, hi = 1 - RELATIVE, 1 + RELATIVE
    out = []
    for k, sector in enumerate(layout.sectors):
        theta = s.elasticities.theta(sector)
        out.append(
            Swing(
                f"theta: {sector}",
                float(theta * lo),
                float(theta * hi),
                point,
                functools.partial(_theta_scaled, layout, point, k, theta),
            )
        )
    return out


def _utilization_swings(s: Scenario, layout: Layout, point: Params) -> list[Swing]:
    """The PTA's utilisation: the `uncertainty:` band if it has one, else +-30 % (at most 1)."""
    if s.pta is None or not s.pta.lines:
        return []
    u = s.uncertainty

    def changes(v):
        return {"utilization": np.array([v])}

    if u is None:
        value = s.pta.utilization_value
        low, high = value * (1 - RELATIVE), min(1.0, value * (1 + RELATIVE))
        return [Swing("pta.utilization", low, high, point, changes)]
    if u.utilization is not None:
        return [Swing("pta.utilization", u.utilization.low, u.utilization.high, point, changes)]
    return []


def _growth_swings(s: Scenario, layout: Layout, point: Params) -> list[Swing]:
    """Each flow's growth: P10/P90 of ``growth_sd`` (at least -0.99), else +-30 %."""
    u = s.uncertainty
    out = []
    for f, flow in enumerate(s.baseline.flows):
        g = flow.growth
        if u is not None:
            lo, hi = max(g - Z90 * u.growth_sd, -0.99), g + Z90 * u.growth_sd
        else:
            lo, hi = sorted((g * (1 - RELATIVE), g * (1 + RELATIVE)))
        if lo != hi:
            out.append(
                Swing(
                    f"growth: {flow.direction}/{flow.sector}",
                    lo,
                    hi,
                    point,
                    partial(_column, point, "flow_growth", f),
                )
            )
    return out


def _shock_swings(s: Scenario, layout: Layout, point: Params) -> list[Swing]:
    """The annual shocks, as the random walk's P10/P90 level at the deadline (only with an
    `uncertainty:` block); other years move as exp(-+z sd sqrt(t))."""
    u = s.uncertainty
    if u is None:
        return []
    shock_sd, _ = level_shock_sd(s)
    spread = float(np.hypot(shock_sd, u.flow_shock_sd))
    if not spread > 0:  # (a NaN spread swings nothing either)
        return []
    t = np.sqrt(layout.years - layout.base_year)
    at = np.sqrt(s.by_year - s.base_year)

    def changes(v):
        return {"flow_level": (v ** (t / at))[np.newaxis, np.newaxis, :]}

    low, high = float(np.exp(-Z90 * spread * at)), float(np.exp(Z90 * spread * at))
    return [Swing("annual shocks: level factor", low, high, point, changes)]


def _tta_swings(s: Scenario, layout: Layout, point: Params) -> list[Swing]:
    """The TTA: its conversion method when the `uncertainty:` block draws both, else (with no
    block) the days saved +-30 % (the days after at least 0)."""
    u = s.uncertainty
    if s.tta is None:
        return []
    if u is not None and set(u.tta_methods) == {"semi_elasticity", "ave"}:
        return [
            Swing(
                "tta.method",
                "semi_elasticity",
                "ave",
                point,
                lambda v: {"tta_use_ave": np.array([v == "ave"])},
            )
        ]
    if u is None:
        before = s.tta.transit_days_before
        saved = before - s.tta.transit_days_after
        return [
            Swing(
                "tta.transit_days_after",
                before - saved * (1 - RELATIVE),
                max(0.0, before - saved * (1 + RELATIVE)),
                point,
                lambda v: {"days_after": np.array([v])},
            )
        ]
    return []


def _deal_swings(s: Scenario, layout: Layout, point: Params) -> list[Swing]:
    """Each deal: its probability +-30 % without an `uncertainty:` block; with Bernoulli deals,
    failure or success (a group's together), then the P10/P90 of its value."""
    u = s.uncertainty
    out = []
    for k, deal in enumerate(s.deals):
        if u is None:
            p = deal.probability
            out.append(
                Swing(
                    f"deal: {deal.name}",
                    p * (1 - RELATIVE),
                    min(1.0, p * (1 + RELATIVE)),
                    point,
                    partial(_column, point, "deal_weight", k),
                )
            )
        elif u.deals == "bernoulli":
            out.extend(_deal_outcome_swing(layout, point, k, deal))
            out.extend(_deal_value_swing(s, point, k, deal))
    return out


def _deal_outcome_swing(layout: Layout, point: Params, k: int, deal: Deal) -> list[Swing]:
    """The deal fails (0) or succeeds (1); a group's first deal stands for the whole group,
    whose deals fail or succeed together."""
    if deal.group is None:
        changes = partial(_column, point, "deal_weight", k)
        return [Swing(f"deal: {deal.name}", 0.0, 1.0, point, changes)]
    group = layout.deal_group == layout.deal_group[k]
    if int(np.argmax(group)) != k:
        return []
    changes = partial(_column, point, "deal_weight", group)
    return [Swing(f"deal group: {deal.group}", 0.0, 1.0, point, changes)]


def _deal_value_swing(s: Scenario, point: Params, k: int, deal: Deal) -> list[Swing]:
    """P10/P90 of the deal's value (its range, else the lognormal ``deal_value_spread``), the
    deal happening as its odds say."""
    spread = s.uncertainty.deal_value_spread if s.uncertainty is not None else 0.0
    scale = s.deal_value_scale
    if deal.value_range_usd_m is not None:
        lo, hi = (scale * v for v in deal.value_range_usd_m)
    elif spread > 0:
        value = scale * deal.value_usd_m
        lo, hi = value * np.exp(-Z90 * spread), value * np.exp(Z90 * spread)
    else:
        return []
    if lo == hi:
        return []
    changes = partial(_column, point, "deal_value", k)
    return [Swing(f"deal value: {deal.name}", float(lo), float(hi), point, changes)]


def sensitivity_document(scenario: Scenario, where: str = "") -> dict[str, Any]:
    """Tornado of the measure at the deadline, widest swing first.

    The low and high cases run through the engine together on the draw axis, in chunks
    that fit the memory budget. ``where`` names the scenario's file in errors.
    """
    layout, point = compile_scenario(scenario)
    cases = swings(scenario, layout, point)
    runs = 1 + 2 * len(cases)
    budget.check_work("sensitivity", runs, layout, "the deals, the flows or the horizon", cost=4)
    j = deadline_index(scenario)

    def params(i: int) -> Params:
        if i == 0:
            return point
        case = cases[(i - 1) // 2]
        return case.low_params if i % 2 else case.high_params

    measure = np.empty(runs)
    chunk = budget.chunk_size(layout, 2_000)
    for start in range(0, runs, chunk):
        stop = min(runs, start + chunk)
        values = evaluate_measure(layout, Params.stack([params(i) for i in range(start, stop)]))
        check_finite(values, where or scenario.name)
        measure[start:stop] = values[:, j]
    base, lows, highs = measure[0], measure[1::2], measure[2::2]
    rows = [
        {
            "input": c.input,
            "low": c.low,
            "high": c.high,
            "measure_low_usd_m": float(lo),
            "measure_high_usd_m": float(hi),
            "swing_usd_m": float(abs(hi - lo)),
        }
        for c, lo, hi in zip(cases, lows, highs, strict=True)
    ]
    rows.sort(key=lambda r: -r["swing_usd_m"])
    return {
        "scenario": {"name": scenario.name},
        "by_year": scenario.by_year,
        "target_value_usd_m": scenario.target.value_usd_m,
        "measure_at_by_year_usd_m": float(base),
        "spreads": "uncertainty block" if scenario.uncertainty is not None else "+-30 %",
        "inputs": rows,
        "note": None if rows else empty_note(scenario),
    }


def empty_note(scenario: Scenario) -> str:
    """Why the tornado has no row."""
    if scenario.uncertainty is None:
        return (
            "no input to swing: without an uncertainty: block each input moves -30 %/+30 % of "
            "its value, and none here moves the measure (no PTA, TTA or deal; every flow's "
            "growth 0); add an uncertainty: block (docs/scenario-format.md) for spreads"
        )
    return "no input to swing: no input of this scenario has a spread that moves the measure"
