"""Runs the model for a scenario: the levers of every draw, each component, the measure.

The role of pvlib's ModelChain. :func:`~tradecalc.engine.compile.compile_scenario` turns a
validated scenario into a :class:`Layout` and :class:`Params` (both importable from here
too); :func:`evaluate` gives every component of every draw and :func:`evaluate_measure` just
what the target counts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tradecalc.engine.compile import Layout, Params, compile_scenario
from tradecalc.model import (
    ave_multiplier,
    baseline_value,
    deal_ramp,
    expected_deal_path,
    pta_multiplier,
    response_share,
    semi_elasticity_multiplier,
    shapley_split_levers,
    smart_creation,
    smart_diversion,
    staged_tariff,
    staging,
    tariff_change_multiplier,
    tariff_ratio,
)

__all__ = [
    "Components",
    "Layout",
    "Params",
    "compile_scenario",
    "evaluate",
    "evaluate_measure",
    "levers",
]


@dataclass(frozen=True)
class Components:
    """Model output by year; leading draw axis D, then flows F or deals K, then years Y."""

    baseline: np.ndarray  # (D, F, Y)
    pta: np.ndarray  # (D, F, Y)
    tariff_changes: np.ndarray  # (D, F, Y)
    tta: np.ndarray  # (D, F, Y)
    deals: np.ndarray  # (D, K, Y)

    def flows(self) -> np.ndarray:
        """Baseline and every lever on the flows: (D, F, Y)."""
        return self.baseline + self.pta + self.tariff_changes + self.tta

    def total(self) -> np.ndarray:
        """All components, all categories: (D, Y)."""
        return self.flows().sum(axis=1) + self.deals.sum(axis=1)

    def measure(self, layout: Layout) -> np.ndarray:
        """What the target counts: (D, Y)."""
        flows = self.flows()[:, layout.flow_counts].sum(axis=1)
        return flows + self.deals[:, layout.deal_counts].sum(axis=1)


def levers(layout: Layout, params: Params):
    """Run methods.md sections 1-3 and 5 for every draw at once.

    Returns ``(base, m_pta, m_tc, m_tta, deals)``: the baseline (D, F, Y), the PTA,
    tariff-change and TTA multipliers per flow (D or 1, F, Y) and each deal's expected
    ``weight * value * E[ramp(y) * alive(y)]`` (D or 1, K, Y). A parameter with a draw axis of
    length 1 is shared by every draw.
    """
    years = layout.years.astype(float)  # (Y,)
    return (
        _baseline(layout, params, years),
        _pta_multiplier(layout, params, years),
        _change_multiplier(layout, params, years),
        _tta_multiplier(layout, params, years),
        _deal_paths(params, years),
    )


def _baseline(layout: Layout, p: Params, years: np.ndarray) -> np.ndarray:
    """1. Baseline: (D, F, Y), with any annual level shocks of a Monte Carlo draw."""
    col = np.newaxis
    base = baseline_value(p.flow_value[..., col], p.flow_growth[..., col], years - layout.base_year)
    return base * p.flow_level


def _pta_multiplier(layout: Layout, p: Params, years: np.ndarray) -> np.ndarray:
    """2. PTA: per line (D, L, Y), summed onto flows, then the response profile in log space."""
    col, n_flows = np.newaxis, len(layout.flow_sector)
    tariff_phase = staging(years, p.pta_start[:, col, col], p.pta_phase_in[:, col, col])
    tariff = staged_tariff(p.line_mfn[..., col], p.line_preferential[..., col], tariff_phase)
    mfn = p.line_mfn[..., col]
    if layout.pta_smart:
        share = p.line_share[..., col]
        ratio = 1.0 + smart_creation(tariff, mfn, p.line_eta[..., col])
        ratio = ratio + smart_diversion(tariff, mfn, share, p.line_sigma[..., col])
    else:
        ratio = tariff_ratio(tariff, mfn, p.line_epsilon[..., col])
    line_gain = p.line_coverage[..., col] * p.utilization[:, col, col] * (ratio - 1.0)
    full = np.ones((line_gain.shape[0], n_flows, len(years)))
    for line, flow in enumerate(layout.line_flow):  # a handful of lines: a loop beats einsum
        full[:, flow] += line_gain[:, line]
    weight = response_share(
        years - p.pta_start[:, col, col], layout.pta_profile, p.pta_response_years[:, col, col]
    )
    return pta_multiplier(full, weight) if len(layout.line_flow) else np.ones((1, n_flows, 1))


def _change_multiplier(layout: Layout, p: Params, years: np.ndarray) -> np.ndarray:
    """2b. Other tariff changes: a multiplier per change, multiplied onto its flow."""
    col, n_flows = np.newaxis, len(layout.flow_sector)
    m_tc = np.ones((1, n_flows, 1))
    for c, flow in enumerate(layout.change_flow):
        m = tariff_change_multiplier(
            years,
            p.change_year[:, c, col],
            p.change_before[:, c, col],
            p.change_after[:, c, col],
            p.change_coverage[:, c, col],
            p.change_epsilon[:, c, col],
            p.change_phase_in[:, c, col],
            layout.change_profile[c],
            p.change_response_years[:, c, col],
        )
        m_tc = np.broadcast_to(m_tc, (max(m_tc.shape[0], m.shape[0]), n_flows, len(years))).copy()
        m_tc[:, flow] *= m
    return m_tc


def _tta_multiplier(layout: Layout, p: Params, years: np.ndarray) -> np.ndarray:
    """3. TTA: (D, F, Y); the draw picks the conversion."""
    col = np.newaxis
    days = (p.days_before[:, col, col], p.days_after[:, col, col])
    route = p.route_share[:, col, col] * layout.tta_applies[:, col]
    semi = semi_elasticity_multiplier(*days, route, p.tta_beta[:, col, col])
    ave = ave_multiplier(*days, p.flow_theta[..., col], route, p.tta_ave_per_day[:, col, col])
    m_full = np.where(p.tta_use_ave[:, col, col], ave, semi)
    tta_phase = staging(years, p.tta_start[:, col, col], p.tta_phase_in[:, col, col])
    return 1.0 + (m_full - 1.0) * tta_phase


def _deal_paths(p: Params, years: np.ndarray) -> np.ndarray:
    """5. Deals: (D, K, Y), the expected path over start delay and survival."""
    col = np.newaxis
    ramp_args = (
        years,
        p.deal_start[..., col],
        p.deal_ramp_years[..., col],
        p.deal_end[..., col],
        p.deal_logistic[..., col],
    )
    if np.any(p.deal_delay_mean) or np.any(p.deal_survival < 1.0):
        ramp = expected_deal_path(
            *ramp_args, p.deal_delay_mean[..., col], p.deal_survival[..., col]
        )
    else:
        ramp = deal_ramp(*ramp_args)
    return (p.deal_weight * p.deal_value)[..., col] * ramp


def evaluate(layout: Layout, params: Params) -> Components:
    """Every component of every draw: the levers on the flows split by Shapley, and the deals.

    ``X_f(y) = base_f(y) * m_pta_f(y) * m_tc_f(y) * m_tta_f(y)`` (methods.md section 4),
    split exactly over the three levers by :func:`shapley_split_levers`, plus each deal.
    """
    with np.errstate(over="ignore", invalid="ignore"):  # see verdict.check_finite
        base, m_pta, m_tc, m_tta, deals = levers(layout, params)
        pta, tc, tta = shapley_split_levers(base, m_pta, m_tc, m_tta)
    parts = (base, pta, tc, tta, deals)
    draws = max(a.shape[0] for a in parts)
    return Components(*(np.broadcast_to(a, (draws, *a.shape[1:])) for a in parts))


def evaluate_measure(layout: Layout, params: Params) -> np.ndarray:
    """Just the measure (D, Y), for Monte Carlo: the product of the levers needs no split.

    Equals ``evaluate(layout, params).measure(layout)`` because the Shapley parts add up to
    the product exactly.
    """
    with np.errstate(over="ignore", invalid="ignore"):  # see verdict.check_finite
        base, m_pta, m_tc, m_tta, deals = levers(layout, params)
        product = base * m_pta
        product *= m_tc
        product *= m_tta
    flows = np.einsum("dfy,f->dy", product, layout.flow_counts.astype(float))
    return flows + np.einsum("dky,k->dy", deals, layout.deal_counts.astype(float))
