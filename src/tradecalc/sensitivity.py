"""One-at-a-time sensitivity: low/high swings of each uncertain input, as a tornado."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from tradecalc.engine import Layout, Params, compile_scenario, evaluate_measure
from tradecalc.scenario import Scenario

Z90 = 1.2815515655446004
"""The 90th percentile of the standard normal: low/high swings are P10/P90 of a spread."""
RELATIVE = 0.3
"""Without an `uncertainty:` block, each input swings by this share of its value (+-30 %)."""


@dataclass(frozen=True)
class Swing:
    """One input moved to its low and its high value, all else at the point values."""

    input: str
    low: Any
    high: Any
    low_params: Params
    high_params: Params


def swings(scenario: Scenario, layout: Layout, point: Params) -> list[Swing]:
    """The inputs to swing: from the `uncertainty:` block, else every lever input +-30 %."""
    s, u = scenario, scenario.uncertainty
    out: list[Swing] = []

    def add(name: str, low, high, low_changes: dict, high_changes: dict) -> None:
        out.append(
            Swing(name, low, high, point.replace(**low_changes), point.replace(**high_changes))
        )

    def scaled(array: np.ndarray, index, factor: float) -> np.ndarray:
        copy = array.copy()
        copy[:, index] *= factor
        return copy

    theta_factors = (
        (np.exp(-Z90 * u.elasticity_spread), np.exp(Z90 * u.elasticity_spread))
        if u is not None
        else (1 - RELATIVE, 1 + RELATIVE)
    )
    if theta_factors[0] != 1.0 and (s.pta is not None or s.tta is not None):
        for k, sector in enumerate(layout.sectors):
            flows, lines = layout.flow_sector_index == k, layout.line_sector_index == k
            theta = s.elasticities.theta(sector)
            lo, hi = theta_factors
            add(
                f"theta: {sector}",
                float(theta * lo),
                float(theta * hi),
                {
                    "flow_theta": scaled(point.flow_theta, flows, lo),
                    "line_theta": scaled(point.line_theta, lines, lo),
                },
                {
                    "flow_theta": scaled(point.flow_theta, flows, hi),
                    "line_theta": scaled(point.line_theta, lines, hi),
                },
            )

    if s.pta is not None and s.pta.lines:
        if u is not None and u.utilization is not None:
            lo, hi = u.utilization.low, u.utilization.high
        elif u is None:
            value = s.pta.utilization_value
            lo, hi = value * (1 - RELATIVE), min(1.0, value * (1 + RELATIVE))
        else:
            lo = hi = None
        if lo is not None:
            add(
                "pta.utilization",
                lo,
                hi,
                {"utilization": np.array([lo])},
                {"utilization": np.array([hi])},
            )

    for f, flow in enumerate(s.baseline.flows):
        g = flow.growth
        if u is not None:
            delta = Z90 * u.growth_sd
            lo, hi = max(g - delta, -0.99), g + delta
        else:
            lo, hi = sorted((g * (1 - RELATIVE), g * (1 + RELATIVE)))
        if lo != hi:
            low_g, high_g = point.flow_growth.copy(), point.flow_growth.copy()
            low_g[:, f], high_g[:, f] = lo, hi
            add(
                f"growth: {flow.direction}/{flow.sector}",
                lo,
                hi,
                {"flow_growth": low_g},
                {"flow_growth": high_g},
            )

    if s.tta is not None:
        methods = set(u.tta_methods) if u is not None else set()
        if methods == {"semi_elasticity", "ave"}:
            add(
                "tta.method",
                "semi_elasticity",
                "ave",
                {"tta_use_ave": np.array([False])},
                {"tta_use_ave": np.array([True])},
            )
        elif u is None:
            saved = s.tta.transit_days_before - s.tta.transit_days_after
            before = s.tta.transit_days_before
            lo, hi = before - saved * (1 - RELATIVE), max(0.0, before - saved * (1 + RELATIVE))
            add(
                "tta.transit_days_after",
                lo,
                hi,
                {"days_after": np.array([lo])},
                {"days_after": np.array([hi])},
            )

    for k, deal in enumerate(s.deals):
        p = deal.probability
        if u is not None and u.deals == "bernoulli":
            lo, hi = 0.0, 1.0
        elif u is None:
            lo, hi = p * (1 - RELATIVE), min(1.0, p * (1 + RELATIVE))
        else:
            continue
        low_w, high_w = point.deal_weight.copy(), point.deal_weight.copy()
        low_w[:, k], high_w[:, k] = lo, hi
        add(
            f"deal: {deal.name}",
            lo,
            hi,
            {"deal_weight": low_w},
            {"deal_weight": high_w},
        )
    return out


def sensitivity(scenario: Scenario) -> dict[str, Any]:
    """Tornado of the measure at the deadline, widest swing first.

    Every low and high case runs in one engine call on the draw axis.
    """
    layout, point = compile_scenario(scenario)
    cases = swings(scenario, layout, point)
    j = scenario.by_year - scenario.base_year
    every = [point] + [p for c in cases for p in (c.low_params, c.high_params)]
    measure = evaluate_measure(layout, Params.stack(every))[:, j]
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
