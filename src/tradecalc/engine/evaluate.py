"""Runs the model for a scenario: compile it to arrays, evaluate, wrap the result.

The role of pvlib's ModelChain. :func:`compile_scenario` turns a validated
:class:`~tradecalc.scenario.Scenario` into a fixed :class:`Layout` (what the flows, lines and
deals are) and numeric :class:`Params` whose every array has a leading *draw* axis. A plain
projection has one draw; Monte Carlo, sweeps and goal seeks pass many through the same
:func:`evaluate`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from tradecalc.core.errors import Problem, ScenarioError
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
    smart_diversion_first_order,
    staged_tariff,
    staging,
    tariff_change_multiplier,
    tariff_exponent,
    tariff_ratio,
)
from tradecalc.model.transit import DEFAULT_AVE_PER_DAY, DEFAULT_BETA_PER_DAY
from tradecalc.scenario.models import Scenario


@dataclass(frozen=True)
class Layout:
    """The structure of a scenario that draws do not change: labels, indices, masks."""

    years: np.ndarray  # (Y,)
    base_year: int
    flow_direction: tuple[str, ...]  # (F,)
    flow_sector: tuple[str, ...]
    flow_category: tuple[str, ...]
    flow_counts: np.ndarray  # (F,) bool: the target counts this flow's category
    line_flow: np.ndarray  # (L,) int: index of each PTA line's flow
    pta_profile: str  # response profile of the PTA: yotov2016, linear or immediate
    change_name: tuple[str, ...]  # (C,) tariff changes
    change_flow: np.ndarray  # (C,) int: index of each tariff change's flow
    change_profile: tuple[str, ...]  # (C,) response profile of each change
    tta_applies: np.ndarray  # (F,) bool: the TTA filters select this flow
    deal_name: tuple[str, ...]  # (K,)
    deal_direction: tuple[str, ...]
    deal_sector: tuple[str, ...]
    deal_category: tuple[str, ...]
    deal_counts: np.ndarray  # (K,) bool
    deal_group: np.ndarray  # (K,) int: deals with one index succeed or fail together
    pta_smart: bool  # PTA lines by WITS-SMART instead of the CES direct effect
    sectors: tuple[str, ...]  # (S,) sectors of flows, PTA lines, changes: draws of theta
    flow_sector_index: np.ndarray  # (F,) int into `sectors`
    line_sector_index: np.ndarray  # (L,) int into `sectors`
    change_sector_index: np.ndarray  # (C,) int into `sectors`
    line_tariff_exponent_given: np.ndarray  # (L,) bool: from tariff_elasticities, not theta
    change_tariff_exponent_given: np.ndarray  # (C,) bool


@dataclass(frozen=True)
class Params:
    """Numeric inputs; every array has a leading draw axis of length D (1 for a projection)."""

    flow_value: np.ndarray  # (D, F) US$ m in base year
    flow_growth: np.ndarray  # (D, F)
    flow_theta: np.ndarray  # (D, F) trade elasticity of each flow's sector (for `ave`)
    flow_level: np.ndarray  # (D, F, Y) or (1, 1, 1): annual level shocks on the baseline
    line_coverage: np.ndarray  # (D, L)
    line_mfn: np.ndarray  # (D, L)
    line_preferential: np.ndarray  # (D, L)
    line_epsilon: np.ndarray  # (D, L) tariff exponent (theta + 1 unless given)
    line_eta: np.ndarray  # (D, L) import-demand elasticity (smart; NaN for ces)
    line_sigma: np.ndarray  # (D, L) substitution elasticity (smart)
    line_share: np.ndarray  # (D, L) partner's import share (smart; NaN for ces)
    pta_start: np.ndarray  # (D,)
    pta_phase_in: np.ndarray  # (D,)
    pta_response_years: np.ndarray  # (D,) for the linear profile
    utilization: np.ndarray  # (D,)
    change_coverage: np.ndarray  # (D, C)
    change_before: np.ndarray  # (D, C) tariff before
    change_after: np.ndarray  # (D, C) tariff after
    change_year: np.ndarray  # (D, C)
    change_phase_in: np.ndarray  # (D, C)
    change_response_years: np.ndarray  # (D, C) for the linear profile
    change_epsilon: np.ndarray  # (D, C)
    tta_start: np.ndarray  # (D,)
    tta_phase_in: np.ndarray  # (D,)
    days_before: np.ndarray  # (D,)
    days_after: np.ndarray  # (D,)
    route_share: np.ndarray  # (D,)
    tta_use_ave: np.ndarray  # (D,) bool: `ave` instead of `semi_elasticity`
    tta_beta: np.ndarray  # (D,) per day, for semi_elasticity
    tta_ave_per_day: np.ndarray  # (D,) per day, for ave
    deal_value: np.ndarray  # (D, K) US$ m at full scale, deal_value_scale applied
    deal_weight: np.ndarray  # (D, K) probability, or 0/1 success in Monte Carlo
    deal_start: np.ndarray  # (D, K)
    deal_ramp_years: np.ndarray  # (D, K)
    deal_end: np.ndarray  # (D, K); inf when open-ended
    deal_logistic: np.ndarray  # (D, K) bool
    deal_delay_mean: np.ndarray  # (D, K) expected start delay (0 once a delay is drawn)
    deal_survival: np.ndarray  # (D, K) annual survival (1 once a lifetime is drawn)

    def replace(self, **changes) -> Params:
        return dataclasses.replace(self, **changes)

    @classmethod
    def stack(cls, many: list[Params]) -> Params:
        """Join parameter sets along the draw axis (e.g. the points of a sweep)."""
        joined = {}
        for f in dataclasses.fields(cls):
            arrays = [getattr(p, f.name) for p in many]
            if f.name == "flow_level":  # shared (1, 1, 1) unless some draw has shocks
                shape = np.broadcast_shapes(*(a.shape[1:] for a in arrays))
                arrays = [np.broadcast_to(a, (a.shape[0], *shape)) for a in arrays]
            joined[f.name] = np.concatenate(arrays)
        return cls(**joined)


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


def _or_nan(value: float | None) -> float:
    return np.nan if value is None else value


def _row(values, dtype=float) -> np.ndarray:
    return np.asarray([values], dtype=dtype).reshape(1, -1)


def _first(*values):
    """The first value that is not None."""
    return next(v for v in values if v is not None)


def compile_scenario(scenario: Scenario) -> tuple[Layout, Params]:
    """Turn a validated scenario into a :class:`Layout` and one-draw :class:`Params`."""
    s = scenario
    never = float(s.horizon + 1)  # a start year after the horizon: the lever never acts
    params = Params(
        **_flow_params(s),
        **_pta_params(s, never),
        **_change_params(s),
        **_tta_params(s, never),
        **_deal_params(s),
    )
    return _layout(s), params


def _exponent(scenario: Scenario, sector: str) -> float:
    """The tariff exponent of a sector: given in tariff_elasticities, else theta + 1."""
    given = scenario.tariff_elasticities
    if given is not None and sector in given.by_sector:
        return given.by_sector[sector]
    return tariff_exponent(scenario.elasticities.theta(sector))


def _layout(s: Scenario) -> Layout:
    """What the flows, PTA lines, tariff changes and deals are, and which the target counts."""
    flows, deals, changes = s.baseline.flows, s.deals, s.tariff_changes
    flow_keys = [(f.direction, f.sector) for f in flows]
    counts = set(s.target.counts)
    pta_lines = s.pta.lines if s.pta is not None else []
    given = s.tariff_elasticities.by_sector if s.tariff_elasticities is not None else {}
    groups = [d.group if d.group is not None else f"\0{d.name}" for d in deals]
    sectors = tuple(
        dict.fromkeys(
            [f.sector for f in flows]
            + [ln.sector for ln in pta_lines]
            + [c.sector for c in changes]
        )
    )
    return Layout(
        years=np.arange(s.base_year, s.horizon + 1),
        base_year=s.base_year,
        flow_direction=tuple(f.direction for f in flows),
        flow_sector=tuple(f.sector for f in flows),
        flow_category=tuple(f.category for f in flows),
        flow_counts=np.array([f.category in counts for f in flows], dtype=bool),
        line_flow=np.array(
            [flow_keys.index((ln.direction, ln.sector)) for ln in pta_lines], dtype=int
        ),
        pta_profile=s.pta.response_profile if s.pta is not None else "immediate",
        change_name=tuple(c.name for c in changes),
        change_flow=np.array(
            [flow_keys.index((c.direction, c.sector)) for c in changes], dtype=int
        ),
        change_profile=tuple(c.response for c in changes),
        tta_applies=np.array(_tta_applies(s), dtype=bool),
        deal_name=tuple(d.name for d in deals),
        deal_direction=tuple(d.direction for d in deals),
        deal_sector=tuple(d.sector for d in deals),
        deal_category=tuple(d.category for d in deals),
        deal_counts=np.array([d.category in counts for d in deals], dtype=bool),
        deal_group=np.array([groups.index(g) for g in groups], dtype=int),
        pta_smart=s.pta is not None and s.pta.method == "smart",
        sectors=sectors,
        flow_sector_index=np.array([sectors.index(f.sector) for f in flows], dtype=int),
        line_sector_index=np.array([sectors.index(ln.sector) for ln in pta_lines], dtype=int),
        change_sector_index=np.array([sectors.index(c.sector) for c in changes], dtype=int),
        line_tariff_exponent_given=np.array([ln.sector in given for ln in pta_lines], dtype=bool),
        change_tariff_exponent_given=np.array([c.sector in given for c in changes], dtype=bool),
    )


def _tta_applies(s: Scenario) -> list[bool]:
    """Whether the TTA's filters (directions, sectors) select each flow."""
    tta = s.tta
    if tta is None:
        return [False] * len(s.baseline.flows)
    return [
        (tta.directions is None or f.direction in tta.directions)
        and (tta.sectors is None or f.sector in tta.sectors)
        for f in s.baseline.flows
    ]


def _flow_params(s: Scenario) -> dict[str, np.ndarray]:
    """Value, growth and trade elasticity of each flow in the base year; no level shocks."""
    flows, theta = s.baseline.flows, s.elasticities.theta
    return {
        "flow_value": _row([f.value_usd_m for f in flows]),
        "flow_growth": _row([f.growth for f in flows]),
        "flow_theta": _row([theta(f.sector) for f in flows]),
        "flow_level": np.ones((1, 1, 1)),
    }


def _pta_params(s: Scenario, never: float) -> dict[str, np.ndarray]:
    """The PTA's lines and its timing; without a PTA it starts after the horizon."""
    pta = s.pta
    lines = pta.lines if pta is not None else []
    return {
        "line_coverage": _row([ln.coverage for ln in lines]),
        "line_mfn": _row([ln.mfn_tariff for ln in lines]),
        "line_preferential": _row([ln.preferential_tariff for ln in lines]),
        "line_epsilon": _row([_exponent(s, ln.sector) for ln in lines]),
        "line_eta": _row([_or_nan(ln.import_demand_elasticity) for ln in lines]),
        "line_sigma": _row([ln.substitution_elasticity for ln in lines]),
        "line_share": _row([_or_nan(ln.partner_import_share) for ln in lines]),
        "pta_start": _row(pta.start_year if pta else never).ravel(),
        "pta_phase_in": _row(pta.phase_in_years if pta else 1).ravel(),
        "pta_response_years": _row((pta.response_years or 1) if pta else 1).ravel(),
        "utilization": _row(pta.utilization_value if pta else 0.0).ravel(),
    }


def _change_params(s: Scenario) -> dict[str, np.ndarray]:
    """The applied-tariff changes outside the PTA."""
    changes = s.tariff_changes
    return {
        "change_coverage": _row([c.coverage for c in changes]),
        "change_before": _row([c.tariff_before for c in changes]),
        "change_after": _row([c.tariff_after for c in changes]),
        "change_year": _row([c.year for c in changes]),
        "change_phase_in": _row([c.phase_in_years for c in changes]),
        "change_response_years": _row([c.response_years or 1 for c in changes]),
        "change_epsilon": _row([_exponent(s, c.sector) for c in changes]),
    }


def _tta_params(s: Scenario, never: float) -> dict[str, np.ndarray]:
    """The TTA's route, days and conversion; without a TTA it starts after the horizon."""
    tta = s.tta
    per_day = tta.per_day if tta is not None else None
    beta = per_day if per_day is not None and tta.method == "semi_elasticity" else None
    ave = per_day if per_day is not None and tta.method == "ave" else None
    return {
        "tta_start": _row(tta.start_year if tta else never).ravel(),
        "tta_phase_in": _row(tta.phase_in_years if tta else 1).ravel(),
        "days_before": _row(tta.transit_days_before if tta else 0.0).ravel(),
        "days_after": _row(tta.transit_days_after if tta else 0.0).ravel(),
        "route_share": _row(tta.route_share if tta else 0.0).ravel(),
        "tta_use_ave": _row(tta is not None and tta.method == "ave", dtype=bool).ravel(),
        "tta_beta": _row(DEFAULT_BETA_PER_DAY if beta is None else beta).ravel(),
        "tta_ave_per_day": _row(DEFAULT_AVE_PER_DAY if ave is None else ave).ravel(),
    }


def _deal_params(s: Scenario) -> dict[str, np.ndarray]:
    """Each deal's value (deal_value_scale applied), odds, dates, ramp and risks."""
    deals, u = s.deals, s.uncertainty
    delay = u.deal_delay_years_mean if u is not None else None
    survival = u.deal_annual_survival if u is not None else None
    return {
        "deal_value": _row([d.value_usd_m * s.deal_value_scale for d in deals]),
        "deal_weight": _row([d.probability for d in deals]),
        "deal_start": _row([d.start_year for d in deals]),
        "deal_ramp_years": _row([d.ramp_years for d in deals]),
        "deal_end": _row([np.inf if d.end_year is None else d.end_year for d in deals]),
        "deal_logistic": _row([d.ramp == "logistic" for d in deals], dtype=bool),
        "deal_delay_mean": _row([_first(d.delay_years_mean, delay, 0.0) for d in deals]),
        "deal_survival": _row([_first(d.annual_survival, survival, 1.0) for d in deals]),
    }


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
        ratio = ratio + smart_diversion_first_order(tariff, mfn, share, p.line_sigma[..., col])
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


def check_finite(values: np.ndarray, where: str) -> None:
    """Refuse results that overflowed: only extreme inputs together get there."""
    if not np.isfinite(values).all():
        raise ScenarioError(
            [
                Problem(
                    where,
                    None,
                    "",
                    "results are too large to compute (not finite): "
                    "check extreme values, growth rates, tariffs or elasticities",
                )
            ]
        )


def evaluate(layout: Layout, params: Params) -> Components:
    """Every component of every draw: the levers on the flows split by Shapley, and the deals.

    ``X_f(y) = base_f(y) * m_pta_f(y) * m_tc_f(y) * m_tta_f(y)`` (methods.md section 4),
    split exactly over the three levers by :func:`shapley_split_levers`, plus each deal.
    """
    with np.errstate(over="ignore", invalid="ignore"):  # see check_finite
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
    with np.errstate(over="ignore", invalid="ignore"):  # see check_finite
        base, m_pta, m_tc, m_tta, deals = levers(layout, params)
        product = base * m_pta
        product *= m_tc
        product *= m_tta
    flows = np.einsum("dfy,f->dy", product, layout.flow_counts.astype(float))
    return flows + np.einsum("dky,k->dy", deals, layout.deal_counts.astype(float))
