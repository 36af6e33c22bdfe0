"""One-at-a-time sensitivity: low/high swings of each uncertain input, as a tornado."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from tradecalc.engine import budget
from tradecalc.engine.draws import level_shock_sd
from tradecalc.engine.evaluate import Layout, Params, compile_scenario, evaluate_measure
from tradecalc.engine.verdict import check_finite, deadline_index
from tradecalc.model.deal_risk import Z90
from tradecalc.scenario.models import Scenario

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
    """The inputs to swing: from the `uncertainty:` block, else every lever input +-30 %."""
    s, u = scenario, scenario.uncertainty
    out: list[Swing] = []

    def column(field: str, index, value, scale: bool = False) -> dict[str, np.ndarray]:
        """``field`` with column(s) ``index`` set to (or, with ``scale``, multiplied by) value."""
        array = getattr(point, field).copy()
        array[:, index] = array[:, index] * value if scale else value
        return {field: array}

    def theta_changes(sector: int, m: float) -> dict[str, np.ndarray]:
        """theta of one sector times ``m``: the exponent theta + 1 (or a given one) moves too."""
        out = column("flow_theta", layout.flow_sector_index == sector, m, scale=True)
        for prefix in ("line", "change"):
            epsilon = getattr(point, f"{prefix}_epsilon").copy()
            here = getattr(layout, f"{prefix}_sector_index") == sector
            given = getattr(layout, f"{prefix}_tariff_exponent_given")
            epsilon[:, here] = np.where(
                given[here], epsilon[:, here] * m, (epsilon[:, here] - 1.0) * m + 1.0
            )
            out[f"{prefix}_epsilon"] = epsilon
        return out

    def group_weight(members: np.ndarray, succeeded: float) -> dict[str, np.ndarray]:
        """Every deal of a group fails (0) or succeeds (1) together."""
        return column("deal_weight", members, succeeded)

    def add(name: str, low, high, changes) -> None:
        """``changes(v)`` gives the Params fields for input value ``v``."""
        out.append(Swing(name, low, high, point, changes))

    spread = u.elasticity_spread if u is not None else None
    if spread != 0.0 and (s.pta is not None or s.tta is not None):
        lo, hi = (
            (np.exp(-Z90 * spread), np.exp(Z90 * spread))
            if u is not None
            else (1 - RELATIVE, 1 + RELATIVE)
        )
        for k, sector in enumerate(layout.sectors):
            theta = s.elasticities.theta(sector)
            add(
                f"theta: {sector}",
                float(theta * lo),
                float(theta * hi),
                lambda v, k=k, t=theta: theta_changes(k, v / t),
            )

    if s.pta is not None and s.pta.lines:
        value = s.pta.utilization_value
        band = u.utilization if u is not None else None
        if u is None:
            add(
                "pta.utilization",
                value * (1 - RELATIVE),
                min(1.0, value * (1 + RELATIVE)),
                lambda v: {"utilization": np.array([v])},
            )
        elif band is not None:
            add("pta.utilization", band.low, band.high, lambda v: {"utilization": np.array([v])})

    for f, flow in enumerate(s.baseline.flows):
        g = flow.growth
        if u is not None:
            lo, hi = max(g - Z90 * u.growth_sd, -0.99), g + Z90 * u.growth_sd
        else:
            lo, hi = sorted((g * (1 - RELATIVE), g * (1 + RELATIVE)))
        if lo != hi:
            add(
                f"growth: {flow.direction}/{flow.sector}",
                lo,
                hi,
                lambda v, f=f: column("flow_growth", f, v),
            )

    if u is not None:
        shock_sd, _ = level_shock_sd(s)
        spread = float(np.hypot(shock_sd, u.flow_shock_sd))
        if spread > 0:  # the random walk's P10/P90 level in each year: exp(-+z sd sqrt(t))
            t = np.sqrt(layout.years - layout.base_year)
            at = np.sqrt(s.by_year - s.base_year)
            add(
                "annual shocks: level factor",
                float(np.exp(-Z90 * spread * at)),
                float(np.exp(Z90 * spread * at)),
                lambda v: {"flow_level": (v ** (t / at))[np.newaxis, np.newaxis, :]},
            )

    if s.tta is not None:
        if u is not None and set(u.tta_methods) == {"semi_elasticity", "ave"}:
            add(
                "tta.method",
                "semi_elasticity",
                "ave",
                lambda v: {"tta_use_ave": np.array([v == "ave"])},
            )
        elif u is None:
            before = s.tta.transit_days_before
            saved = before - s.tta.transit_days_after
            add(
                "tta.transit_days_after",
                before - saved * (1 - RELATIVE),
                max(0.0, before - saved * (1 + RELATIVE)),
                lambda v: {"days_after": np.array([v])},
            )

    for k, deal in enumerate(s.deals):
        p = deal.probability
        if u is None:
            add(
                f"deal: {deal.name}",
                p * (1 - RELATIVE),
                min(1.0, p * (1 + RELATIVE)),
                lambda v, k=k: column("deal_weight", k, v),
            )
        elif u.deals == "bernoulli":  # the deal (with its group) fails or succeeds
            group = layout.deal_group == layout.deal_group[k]
            if deal.group is None:
                add(f"deal: {deal.name}", 0.0, 1.0, lambda v, k=k: column("deal_weight", k, v))
            elif int(np.argmax(group)) == k:  # the group's first deal stands for the group
                add(f"deal group: {deal.group}", 0.0, 1.0, lambda v, g=group: group_weight(g, v))
            scale = s.deal_value_scale
            if deal.value_range_usd_m is not None:
                lo, hi = (scale * v for v in deal.value_range_usd_m)
            elif u.deal_value_spread > 0:
                value = scale * deal.value_usd_m
                lo, hi = (
                    value * np.exp(-Z90 * u.deal_value_spread),
                    value * np.exp(Z90 * u.deal_value_spread),
                )
            else:
                continue
            if lo != hi:  # P10/P90 of the value, the deal happening as its odds say
                add(
                    f"deal value: {deal.name}",
                    float(lo),
                    float(hi),
                    lambda v, k=k: column("deal_value", k, v),
                )
    return out


def sensitivity(scenario: Scenario, where: str = "") -> dict[str, Any]:
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
    }
