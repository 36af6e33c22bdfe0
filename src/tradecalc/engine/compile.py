"""Compile a validated scenario to arrays: what the flows, lines and deals are (a fixed
:class:`Layout`) and the numbers (:class:`Params`, every array with a leading *draw* axis).

A plain projection has one draw; Monte Carlo, sweeps and goal seeks stack or move many
through the same :func:`~tradecalc.engine.evaluate.evaluate`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from tradecalc.model import tariff_exponent
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
    method = tta.method if tta is not None else None
    beta = per_day if per_day is not None and method == "semi_elasticity" else None
    ave = per_day if per_day is not None and method == "ave" else None
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
