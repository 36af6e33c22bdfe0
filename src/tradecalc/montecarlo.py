"""Monte Carlo over a scenario's `uncertainty:` block (methods.md section 8).

Random numbers are drawn once as standard *shocks* and then mapped onto parameters, so the
same shocks can be reused for another parameter value (common random numbers, for a
smooth goal seek). Draws run through :func:`~tradecalc.engine.evaluate` in fixed-size
chunks on the draw axis: memory stays bounded whatever the number of draws.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from tradecalc import budget
from tradecalc.engine import Layout, Params, compile_scenario, evaluate_measure, levers
from tradecalc.model import (
    ave_multiplier,
    baseline_value,
    deal_ramp,
    level_shock_factor,
    poisson_delay,
    pta_multiplier,
    reached_year_index,
    response_share,
    semi_elasticity_multiplier,
    shock_sd_from_history,
    smart_creation,
    smart_diversion_first_order,
    staged_tariff,
    staging,
    tariff_change_multiplier,
    two_piece_lognormal,
)
from tradecalc.model.deal_risk import Z90
from tradecalc.quantiles import RankWindows
from tradecalc.scenario import Scenario, Uncertainty, yearly_log_changes
from tradecalc.verdict import check_finite, deadline_index
from tradecalc.yamlread import fail

CHUNK = 8_000
"""Draws per engine call: fastest here of 1,000 to 32,000 tried (8,000 since the kernel reuses
its buffers: 12 % faster than 2,000 on base.yaml). The shocks fill each stream in draw order,
so the numbers do not depend on it; a chunk's arrays stay a few MB: memory stays flat."""
PERCENTILES = (10, 50, 90)
FEED = 16_384
"""Draws fed to the percentile windows at once (fewer, larger steps: less overhead)."""
CACHE_BYTES = 64 * 2**20
"""Shocks a goal seek keeps between its trials at most (10,000 draws of base.yaml: 6 MB)."""
MAX_VALUES = 30_000_000
"""Draws x years at most: a cap on the work of one run (2.3 million draws over 13 years), and
on the matrix :func:`measure_draws` keeps (240 MB); :func:`simulate` keeps far less."""


STREAMS = (
    "theta",
    "utilization",
    "growth",
    "method",
    "success",
    "level",
    "flow_level",
    "value",
    "delay",
    "survival",
)
"""One independent random stream per kind of shock (children of the seed's SeedSequence), so
drawing one kind or not (e.g. no level shocks when ``shock_sd`` is 0) leaves the others as
they were: common random numbers across the trials of a goal seek."""


def streams(seed: int) -> dict[str, np.random.Generator]:
    """The random generators of a run, one per kind of shock (:data:`STREAMS`)."""
    children = np.random.SeedSequence(seed).spawn(len(STREAMS))
    return {
        kind: np.random.default_rng(child) for kind, child in zip(STREAMS, children, strict=True)
    }


@dataclass(frozen=True)
class Risk:
    """What the draws need beyond the point values: the resolved spreads of a scenario.

    ``shock_sd`` is the number used (calibrated from the record for ``from_history``, with
    the years it came from in ``shock_sd_years``); ``value_low``/``value_high`` are each
    deal's P10/P90 (``deal_value_scale`` applied; equal to the value for a deal without
    value risk).
    """

    shock_sd: float
    shock_sd_years: tuple[int, int] | None
    flow_shock_sd: float
    deal_draws: bool  # deals: bernoulli (success, value, delay, survival drawn)
    value_low: np.ndarray  # (K,)
    value_high: np.ndarray  # (K,)
    value_risk: bool
    delay_risk: bool
    survival_risk: bool
    max_delay: int  # delays beyond this start after the horizon: all the same


def level_shock_sd(scenario: Scenario) -> tuple[float, tuple[int, int] | None]:
    """``uncertainty.shock_sd`` as a number, and the ``[first, last]`` years it came from.

    ``from_history``: the sample standard deviation (n - 1) of the year-on-year log changes
    of the baseline reporter's calendar-year totals (methods.md 8), by
    :func:`~tradecalc.model.shock_sd_from_history` when the years run without a gap, else
    of the changes between consecutive years pooled. A number: that number, no years.
    """
    u = scenario.uncertainty
    if u is None or u.shock_sd != "from_history":
        return (0.0 if u is None else float(u.shock_sd)), None
    record = [(y, v) for y, v in scenario.calendar_record() if v > 0]
    changes = yearly_log_changes(record)
    used = sorted({y for y, _ in changes} | {y - 1 for y, _ in changes})
    if used == list(range(used[0], used[-1] + 1)):
        values = dict(record)
        sd = shock_sd_from_history([values[y] for y in used])
    else:
        sd = float(np.std([c for _, c in changes], ddof=1))
    return sd, (used[0], used[-1])


def risk_inputs(scenario: Scenario, layout: Layout, point: Params) -> Risk:
    """The :class:`Risk` of a scenario, resolved once per run."""
    u = scenario.uncertainty or Uncertainty()
    sd, years = level_shock_sd(scenario)
    value = point.deal_value[0]
    scale = scenario.deal_value_scale
    spread = np.exp(Z90 * u.deal_value_spread)
    low, high = value / spread, value * spread
    ranged = np.zeros(len(value), dtype=bool)
    for k, deal in enumerate(scenario.deals):
        if deal.value_range_usd_m is not None:
            low[k], high[k] = (scale * v for v in deal.value_range_usd_m)
            ranged[k] = True
    draws = u.deals == "bernoulli"
    return Risk(
        shock_sd=sd,
        shock_sd_years=years,
        flow_shock_sd=u.flow_shock_sd,
        deal_draws=draws,
        value_low=low,
        value_high=high,
        value_risk=draws and bool(ranged.any() or u.deal_value_spread > 0),
        delay_risk=draws and bool(np.any(point.deal_delay_mean > 0)),
        survival_risk=draws and bool(np.any(point.deal_survival < 1)),
        max_delay=len(layout.years),
    )


@dataclass(frozen=True)
class Shocks:
    """Standard random numbers for a chunk of draws, independent of parameter values.

    Optional kinds are None when the scenario does not use them.
    """

    theta: np.ndarray  # (D, S) standard normal, one per sector
    utilization: np.ndarray  # (D,) uniform [0, 1)
    growth: np.ndarray  # (D, F) standard normal, one per flow
    method: np.ndarray  # (D,) uniform [0, 1)
    deals: np.ndarray  # (D, K) uniform [0, 1): success; a group uses its first deal's column
    level: np.ndarray | None = None  # (D, Y - 1) standard normal: common annual shocks
    flow_level: np.ndarray | None = None  # (D, F, Y - 1) standard normal: per-flow shocks
    value: np.ndarray | None = None  # (D, K) standard normal: deal values
    delay: np.ndarray | None = None  # (D, K) uniform: start delays
    survival: np.ndarray | None = None  # (D, K) uniform: lifetimes

    @classmethod
    def draw(
        cls,
        rng: dict[str, np.random.Generator],
        draws: int,
        layout: Layout,
        risk: Risk | None = None,
        growth: bool = True,
        theta: bool = True,
    ) -> Shocks:
        """One chunk of shocks from the generators of :func:`streams`.

        ``growth=False`` or ``theta=False`` leaves out the normals that a zero ``growth_sd``
        or ``elasticity_spread`` multiplies (their streams are separate: the rest is the same).
        """
        flows, deals, steps = len(layout.flow_sector), len(layout.deal_name), len(layout.years) - 1
        r = risk
        return cls(
            theta=(
                rng["theta"].standard_normal((draws, len(layout.sectors)))
                if theta
                else np.zeros((draws, len(layout.sectors)))
            ),
            utilization=rng["utilization"].random(draws),
            growth=(
                rng["growth"].standard_normal((draws, flows))
                if growth
                else np.zeros((draws, flows))
            ),
            method=rng["method"].random(draws),
            deals=rng["success"].random((draws, deals)),
            level=(rng["level"].standard_normal((draws, steps)) if r and r.shock_sd > 0 else None),
            flow_level=(
                rng["flow_level"].standard_normal((draws, flows, steps))
                if r and r.flow_shock_sd > 0
                else None
            ),
            value=rng["value"].standard_normal((draws, deals)) if r and r.value_risk else None,
            delay=rng["delay"].random((draws, deals)) if r and r.delay_risk else None,
            survival=rng["survival"].random((draws, deals)) if r and r.survival_risk else None,
        )


def apply_shocks(
    layout: Layout, point: Params, shocks: Shocks, spread: Uncertainty, risk: Risk | None = None
) -> Params:
    """Parameters of each draw: the point values moved by the shocks and the spreads.

    - theta: lognormal multiplier ``exp(sigma * z)`` per sector (median at the point value);
      the tariff exponent ``theta + 1`` moves with it (an exponent given directly is
      multiplied);
    - utilisation: uniform between ``utilization.low`` and ``.high``;
    - growth: point growth plus ``growth_sd * z`` per flow (kept above -0.99);
    - annual level shocks: a median-preserving random walk in the log level of the baseline,
      one shock a year common to all flows (``shock_sd``) times one per flow
      (``flow_shock_sd``), :func:`~tradecalc.model.level_shock_factor`;
    - transit conversion: one of ``tta_methods`` with equal odds;
    - deals (``bernoulli``): success with the deal's probability, one uniform per group (weight
      0 or 1); value from a two-piece lognormal (P10/P90 at the range's ends, or a lognormal
      with ``deal_value_spread``); a Poisson start delay in whole years; a geometric lifetime
      from the annual survival, as an end year. ``expected`` keeps every deal on its expected
      path (probability as a weight, expected delay and survival, central value).
    """
    multiplier = np.exp(spread.elasticity_spread * shocks.theta)  # (D, S)
    flow_theta = point.flow_theta * multiplier[:, layout.flow_sector_index]
    changes: dict[str, Any] = {
        "flow_theta": flow_theta,
        "flow_growth": np.maximum(point.flow_growth + spread.growth_sd * shocks.growth, -0.99),
    }
    for prefix in ("line", "change"):  # the exponent theta + 1, or a given exponent, moves too
        epsilon = getattr(point, f"{prefix}_epsilon")
        if epsilon.shape[1]:
            m = multiplier[:, getattr(layout, f"{prefix}_sector_index")]
            given = getattr(layout, f"{prefix}_tariff_exponent_given")
            changes[f"{prefix}_epsilon"] = np.where(given, epsilon * m, (epsilon - 1.0) * m + 1.0)
    if spread.utilization is not None:
        low, high = spread.utilization.low, spread.utilization.high
        changes["utilization"] = low + (high - low) * shocks.utilization
    if spread.tta_methods:
        methods = np.array([m == "ave" for m in spread.tta_methods])
        choice = np.minimum((shocks.method * len(methods)).astype(int), len(methods) - 1)
        changes["tta_use_ave"] = methods[choice]
    level = None
    if shocks.level is not None and risk is not None:
        level = level_shock_factor(shocks.level, risk.shock_sd)[:, np.newaxis, :]
    if shocks.flow_level is not None and risk is not None:
        per_flow = level_shock_factor(shocks.flow_level, risk.flow_shock_sd)
        level = per_flow if level is None else level * per_flow
    if level is not None:
        changes["flow_level"] = level
    if spread.deals == "bernoulli":
        changes.update(_deal_draws(layout, point, shocks, risk))
    return point.replace(**changes)


def _deal_draws(layout: Layout, point: Params, shocks: Shocks, risk: Risk | None) -> dict:
    """Success (by group), value, delayed start and lifetime of each deal in each draw."""
    success = shocks.deals[:, layout.deal_group] < point.deal_weight
    out: dict[str, np.ndarray] = {"deal_weight": success.astype(float)}
    if risk is None:
        return out
    if shocks.value is not None:
        value = point.deal_value
        with np.errstate(divide="ignore", invalid="ignore"):
            drawn = two_piece_lognormal(value, risk.value_low, risk.value_high, shocks.value)
        out["deal_value"] = np.where(value > 0.0, drawn, 0.0)
    start = point.deal_start
    if shocks.delay is not None:
        start = start + poisson_delay(shocks.delay, point.deal_delay_mean, risk.max_delay)
        out["deal_start"] = start
        out["deal_delay_mean"] = np.zeros_like(start)
    if shocks.survival is not None:
        q = point.deal_survival
        with np.errstate(divide="ignore", invalid="ignore"):
            years = np.ceil(np.log(shocks.survival) / np.log(q))
        lifetime = np.where(q >= 1.0, np.inf, np.fmax(1.0, years))  # alive for k < lifetime
        out["deal_end"] = np.minimum(point.deal_end, start + lifetime - 1.0)
        out["deal_survival"] = np.ones_like(q)
    return out


def _distinct_columns(*rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Year columns that differ in any of ``rows`` (each (..., Y)): (first of each, index of each).

    A lever that depends on the year only through these rows takes the same value in two
    columns with equal keys, so it is computed on the distinct columns and gathered back.
    """
    keys = np.concatenate([np.broadcast_to(r, r.shape).reshape(-1, r.shape[-1]) for r in rows])
    seen: dict[bytes, int] = {}
    first, index = [], []
    for y in range(keys.shape[1]):
        key = keys[:, y].tobytes()
        if key not in seen:
            seen[key] = len(first)
            first.append(y)
        index.append(seen[key])
    return np.array(first, dtype=int), np.array(index, dtype=int)


def _level_factor(standard_normals: np.ndarray, sd: float) -> np.ndarray:
    """:func:`~tradecalc.model.level_shock_factor` of (D, Y - 1) shocks, (D, Y): the same
    operations (product, running sum, ``exp`` of a contiguous array) in one buffer."""
    draws, steps = standard_normals.shape
    out = np.empty((draws, steps + 1))
    out[:, 0] = 0.0
    np.multiply(float(sd), standard_normals, out=out[:, 1:])
    np.cumsum(out[:, 1:], axis=-1, out=out[:, 1:])
    return np.exp(out, out=out)


def _powered(on: np.ndarray) -> np.ndarray:
    """The columns a kernel raises to a power: ``on``, or all when fewer than 2 would be.

    numpy's ``power`` takes shortcuts (``sqrt`` for 0.5, ``1 / x`` for -1, ...) when the
    exponent does not move along its innermost loop; the reference raises arrays of two
    years or more, whose innermost loop is the year. A single column would drop that axis
    and change the loop (and the last bit), so then every column is raised as before.
    """
    return on if np.count_nonzero(on) >= 2 else np.ones_like(on)


class Kernel:
    """The measure of a chunk of draws from its shocks, with what the draws do not change
    computed once (methods.md sections 1-5 and 8).

    The same numbers, to the last bit, as ``evaluate_measure(layout, apply_shocks(...))``:
    every element goes through the same floating-point operations in the same order. What
    changes is how much is computed: a lever that has no draw axis (growth without
    ``growth_sd``, the tariff path, response shares, the deals' ramp shapes) is computed
    once; a lever that depends on the year only through its staging and response share is
    computed on the distinct years and gathered; a flow without a PTA line, tariff change or
    TTA route skips that lever (its multiplier is exactly 1); a deal that failed in a draw
    adds exactly 0 and is skipped. The measure of a chunk is (D, Y), draws-major.
    """

    def __init__(self, layout: Layout, point: Params, spread: Uncertainty, risk: Risk):
        self.layout, self.point, self.spread, self.risk = layout, point, spread, risk
        p, col = point, np.newaxis
        years = layout.years.astype(float)
        self.years = years
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            # growth: max(point + sd * z, -0.99); without a spread it is the same every draw
            self.t = years - layout.base_year
            if spread.growth_sd == 0:
                growth = np.maximum(p.flow_growth, -0.99)
                self.base = baseline_value(p.flow_value[..., col], growth[..., col], self.t)
            else:
                self.base = None
            self.fixed_theta = spread.elasticity_spread == 0
            if self.fixed_theta:
                self.theta = self._moved(np.ones((1, len(layout.sectors))))
            # PTA: the tariff path and the response share have no draw axis
            flows_with_lines = list(dict.fromkeys(layout.line_flow.tolist()))
            self.pta_flows = np.array(flows_with_lines, dtype=int)
            self.line_slot = np.array([flows_with_lines.index(f) for f in layout.line_flow])
            phase = staging(years, p.pta_start[:, col, col], p.pta_phase_in[:, col, col])
            weight = response_share(
                years - p.pta_start[:, col, col],
                layout.pta_profile,
                p.pta_response_years[:, col, col],
            )
            cols, self.pta_index = _distinct_columns(phase, weight)
            self.pta_weight = weight[..., cols]
            self.tariff = staged_tariff(p.line_mfn[..., col], p.line_preferential[..., col], phase)[
                ..., cols
            ]
            # the tariff ratio's base (1 + t1) / (1 + t0) on the years where the tariff differs
            # (as tariff_ratio computes it); a base of exactly 1 gives exactly 1 to any power
            tcols, self.tariff_index = _distinct_columns(self.tariff)
            if len(tcols) < 2:  # one column would change numpy's loop: see _powered
                tcols = self.tariff_index = np.arange(self.tariff.shape[-1])
            base = (1.0 + self.tariff[..., tcols]) / (1.0 + p.line_mfn[..., col])
            self.ratio_on = _powered(~np.all(base == 1.0, axis=(0, 1)))
            self.ratio_base = np.ascontiguousarray(base[..., self.ratio_on])
            self.ratio_shape = base.shape
            # PTA response weights of exactly 0 give a multiplier of exactly 1 (x ** 0 is 1)
            self.weight_on = _powered(~np.all(self.pta_weight == 0.0, axis=(0, 1)))
            self.weight = np.ascontiguousarray(self.pta_weight[..., self.weight_on])
            self.smart_ratio = None
            if layout.pta_smart:
                mfn, tariff = p.line_mfn[..., col], self.tariff
                ratio = 1.0 + smart_creation(tariff, mfn, p.line_eta[..., col])
                share, sigma = p.line_share[..., col], p.line_sigma[..., col]
                self.smart_ratio = ratio + smart_diversion_first_order(tariff, mfn, share, sigma)
            # tariff changes: each on its distinct years
            self.changes = []
            for c in range(len(layout.change_flow)):
                phase = staging(years, p.change_year[:, c, col], p.change_phase_in[:, c, col])
                share = response_share(
                    years - p.change_year[:, c, col],
                    layout.change_profile[c],
                    p.change_response_years[:, c, col],
                )
                cols, index = _distinct_columns(phase, share)
                self.changes.append((years[cols], index))
            # TTA: the flows on the route; the semi-elasticity conversion has no draw axis
            route = p.route_share[:, col, col] * layout.tta_applies[:, col]
            self.tta_flows = np.flatnonzero(np.any(route != 0.0, axis=(0, 2)))
            self.route = route[:, self.tta_flows]
            self.days = (p.days_before[:, col, col], p.days_after[:, col, col])
            self.semi = semi_elasticity_multiplier(*self.days, self.route, p.tta_beta[:, col, col])
            phase = staging(years, p.tta_start[:, col, col], p.tta_phase_in[:, col, col])
            cols, self.tta_index = _distinct_columns(phase)
            self.tta_phase = phase[..., cols]
            self.pta_slot = {int(f): i for i, f in enumerate(self.pta_flows)}
            self.tta_slot = {int(f): i for i, f in enumerate(self.tta_flows)}
            # deals: fixed unless drawn (bernoulli); ramp shapes tabulated by years since start
            self.count_flows = np.flatnonzero(layout.flow_counts)
            self.count_deals = np.flatnonzero(layout.deal_counts)
            self.fixed_deals = None
            if spread.deals != "bernoulli" or not len(self.count_deals):
                deals = levers(layout, point)[4]
                self.fixed_deals = np.einsum("dky,k->dy", deals, layout.deal_counts.astype(float))
            else:
                self.ramps = self._ramp_tables()
                self.delay_cdf = self._delay_tables()

    def _moved(self, multiplier: np.ndarray) -> dict[str, np.ndarray]:
        """flow_theta and the tariff exponents moved by theta's multiplier, as apply_shocks."""
        layout, point = self.layout, self.point
        take = np.take  # the same elements as multiplier[:, index], faster
        out = {"flow_theta": point.flow_theta * take(multiplier, layout.flow_sector_index, axis=1)}
        for prefix in ("line", "change"):
            epsilon = getattr(point, f"{prefix}_epsilon")
            m = take(multiplier, getattr(layout, f"{prefix}_sector_index"), axis=1)
            given = getattr(layout, f"{prefix}_tariff_exponent_given")
            out[f"{prefix}_epsilon"] = np.where(given, epsilon * m, (epsilon - 1.0) * m + 1.0)
        return out

    def _tta_drawn(self, use_ave: np.ndarray, theta: np.ndarray, draws: int) -> np.ndarray:
        """The TTA multiplier (D, T, U) when each draw picks its conversion: the AVE
        (:func:`~tradecalc.model.ave_multiplier`, a power per draw) only for the draws that
        pick it, the semi-elasticity's for the others; then ``1 + (m - 1) * phase`` one
        distinct year at a time, on long rows (numpy's loops are slow on rows of 2)."""
        flows, years = len(self.tta_flows), self.tta_phase.shape[-1]
        m_full = np.empty((draws, flows))
        m_full[...] = self.semi[0, :, 0]
        pick = np.flatnonzero(use_ave)
        if pick.size:
            per_day = self.point.tta_ave_per_day[:, np.newaxis, np.newaxis]
            ave = ave_multiplier(
                *self.days, theta[pick] if len(theta) > 1 else theta, self.route, per_day
            )
            m_full[pick] = ave[..., 0]
        step = (m_full - 1.0).reshape(-1)
        m_tta = np.empty((draws, flows, years))
        flat = m_tta.reshape(-1, years)
        for c in range(years):
            np.multiply(step, self.tta_phase[0, 0, c], out=flat[:, c])
            flat[:, c] += 1.0
        return m_tta

    def _pta_multiplier(self, full: np.ndarray) -> np.ndarray:
        """:func:`~tradecalc.model.pta_multiplier` with ``x ** 0`` (exactly 1) not computed."""
        on = self.weight_on
        if np.all(on) or np.any(full <= 0.0):  # the latter: pta_multiplier's error
            return pta_multiplier(full, self.pta_weight)
        out = np.ones(full.shape)
        out[..., on] = np.ascontiguousarray(full[..., on]) ** self.weight
        return out

    def _ramp_tables(self) -> list[np.ndarray] | None:
        """Per counted deal: its ramp by year for each whole start delay, (max_delay + 1, Y).

        Row ``d`` is ``deal_ramp`` with the start ``d`` years late (years and delays are
        whole), the same numbers for every draw with that delay; the end year is applied
        after. None when a start is not a whole year.
        """
        p, years = self.point, self.years
        if not np.all(p.deal_start == np.round(p.deal_start)):
            return None
        delays = np.arange(self.risk.max_delay + 1, dtype=float)[:, np.newaxis]
        return [
            deal_ramp(
                years,
                p.deal_start[0, k] + delays,
                p.deal_ramp_years[0, k],
                np.inf,
                p.deal_logistic[0, k],
            )
            for k in self.count_deals
        ]

    def measure(self, shocks: Shocks) -> np.ndarray:
        """The measure (D, Y) of the draws of ``shocks``."""
        with np.errstate(over="ignore", invalid="ignore"):  # see check_finite
            return self._measure(shocks)

    def _measure(self, shocks: Shocks) -> np.ndarray:
        layout, p, spread, risk, col = self.layout, self.point, self.spread, self.risk, np.newaxis
        draws = len(shocks.utilization)
        if self.fixed_theta:
            moved = self.theta
        else:
            moved = self._moved(np.exp(spread.elasticity_spread * shocks.theta))
        # 1. baseline with the level shocks
        if self.base is None:
            growth = np.maximum(p.flow_growth + spread.growth_sd * shocks.growth, -0.99)
            base = baseline_value(p.flow_value[..., col], growth[..., col], self.t)
        else:
            base = self.base
        level = None
        if shocks.level is not None:
            level = _level_factor(shocks.level, risk.shock_sd)[:, np.newaxis, :]
        if shocks.flow_level is not None:
            per_flow = level_shock_factor(shocks.flow_level, risk.flow_shock_sd)
            level = per_flow if level is None else level * per_flow
        # 2. PTA on the flows with lines, on the distinct years: (D or 1, P, U)
        m_pta = None
        if len(self.pta_flows):
            if spread.utilization is not None:
                low, high = spread.utilization.low, spread.utilization.high
                utilization = low + (high - low) * shocks.utilization
            else:
                utilization = p.utilization
            if self.smart_ratio is not None:
                ratio = self.smart_ratio
            else:  # tariff_ratio on the distinct tariffs (a base of 1 stays 1), gathered below
                exponent = -moved["line_epsilon"][..., col]
                if np.all(self.ratio_on):
                    ratio = self.ratio_base**exponent
                else:
                    ratio = np.ones(np.broadcast_shapes(exponent.shape, self.ratio_shape))
                    ratio[..., self.ratio_on] = self.ratio_base**exponent
            gain = p.line_coverage[..., col] * utilization[:, col, col] * (ratio - 1.0)
            full = np.ones((gain.shape[0], len(self.pta_flows), gain.shape[2]))
            for line, slot in enumerate(self.line_slot):
                full[:, slot] += gain[:, line]
            if self.smart_ratio is None:
                full = np.take(full, self.tariff_index, axis=2)
            m_pta = self._pta_multiplier(full)
        # 2b. tariff changes: their multipliers multiplied per flow first, as in levers()
        m_tc: dict[int, np.ndarray] = {}
        for c, (cols, index) in enumerate(self.changes):
            flow = int(layout.change_flow[c])
            m = tariff_change_multiplier(
                cols,
                p.change_year[:, c, col],
                p.change_before[:, c, col],
                p.change_after[:, c, col],
                p.change_coverage[:, c, col],
                moved["change_epsilon"][:, c, col],
                p.change_phase_in[:, c, col],
                layout.change_profile[c],
                p.change_response_years[:, c, col],
            )[:, index]
            m_tc[flow] = m if flow not in m_tc else m_tc[flow] * m
        # 3. TTA on the flows on the route, on the distinct years: (D or 1, T, U)
        m_tta = None
        if len(self.tta_flows):
            if spread.tta_methods:
                methods = np.array([m == "ave" for m in spread.tta_methods])
                choice = np.minimum((shocks.method * len(methods)).astype(int), len(methods) - 1)
                use_ave = methods[choice]
            else:
                use_ave = p.tta_use_ave
            theta = moved["flow_theta"][:, self.tta_flows, col]
            if (
                len(use_ave) == draws
                and self.semi.shape[0] == 1
                and self.tta_phase.shape[:2]
                == (
                    1,
                    1,
                )
            ):
                m_tta = self._tta_drawn(use_ave, theta, draws)
            else:
                per_day = p.tta_ave_per_day[:, col, col]
                ave = ave_multiplier(*self.days, theta, self.route, per_day)
                m_full = np.where(use_ave[:, col, col], ave, self.semi)
                m_tta = 1.0 + (m_full - 1.0) * self.tta_phase
        # 4. the counted flows: ((base * level) * m_pta) * m_tc) * m_tta, summed in order, in
        # one buffer (np.take gathers the distinct years: far faster than fancy indexing)
        flows = np.zeros((draws, len(self.years)))
        x = np.empty((draws, len(self.years)))
        for f in self.count_flows:
            if level is None:
                x[...] = base[:, f]
            else:
                np.multiply(base[:, f], level[:, 0 if level.shape[1] == 1 else f], out=x)
            if f in self.pta_slot:
                x *= np.take(m_pta[:, self.pta_slot[f]], self.pta_index, axis=1)
            if f in m_tc:
                x *= m_tc[f]
            if f in self.tta_slot:
                x *= np.take(m_tta[:, self.tta_slot[f]], self.tta_index, axis=1)
            flows += x
        if self.fixed_deals is not None:
            return flows + self.fixed_deals
        return flows + self._deals(shocks, draws)

    def _deals(self, shocks: Shocks, draws: int) -> np.ndarray:
        """Sum of the counted deals (D, Y) in the draws (bernoulli), as :func:`_deal_draws`
        and :func:`~tradecalc.model.deal_ramp` give them, for the counted deals only."""
        p, years, risk, ks = self.point, self.years, self.risk, self.count_deals
        success = shocks.deals[:, self.layout.deal_group[ks]] < p.deal_weight[:, ks]
        weight = success.astype(float)
        value = p.deal_value[:, ks]
        if shocks.value is not None:
            with np.errstate(divide="ignore", invalid="ignore"):
                drawn = two_piece_lognormal(
                    value, risk.value_low[ks], risk.value_high[ks], shocks.value[:, ks]
                )
            value = np.where(value > 0.0, drawn, 0.0)
        start = p.deal_start[:, ks]
        if shocks.delay is not None:
            start = start + self._delay(shocks.delay[:, ks])
        end = p.deal_end[:, ks]
        if shocks.survival is not None:
            q = p.deal_survival[:, ks]
            with np.errstate(divide="ignore", invalid="ignore"):
                lived = np.ceil(np.log(shocks.survival[:, ks]) / np.log(q))
            lifetime = np.where(q >= 1.0, np.inf, np.fmax(1.0, lived))
            end = np.minimum(end, start + lifetime - 1.0)
        scaled = weight * value
        if self.ramps is None or not np.all(start == np.round(start)):  # not whole years
            ramp = deal_ramp(
                years,
                start[..., np.newaxis],
                p.deal_ramp_years[:, ks, np.newaxis],
                end[..., np.newaxis],
                p.deal_logistic[:, ks, np.newaxis],
            )
            deals = scaled[..., np.newaxis] * ramp
            return np.einsum("dky,k->dy", deals, np.ones(len(ks)))
        delay = (start - p.deal_start[:, ks]).astype(int)  # row of each deal's table
        ended = np.isfinite(end)
        total = np.zeros((draws, len(years)))
        for i, rows in enumerate(self.ramps):
            # a draw whose deal adds 0 * ramp (failed, or no value) leaves its total as it is
            # (x + 0 is x; the ramps are finite): only the others are computed
            live = np.flatnonzero(scaled[:, i] != 0.0)
            if not live.size:
                continue
            row = (
                delay[live, i] if len(delay) == draws else np.broadcast_to(delay[0, i], live.shape)
            )
            share = np.take(rows, row, axis=0)
            if ended[:, i].any():  # np.where(years <= end, share, 0.0), in place
                last = end[live, i] if len(end) == draws else end[0, i]
                np.copyto(share, 0.0, where=~(years <= np.reshape(last, (-1, 1))))
            np.multiply(scaled[live, i, np.newaxis], share, out=share)
            total[live] += share
        return total

    def _delay(self, uniform: np.ndarray) -> np.ndarray:
        """:func:`~tradecalc.model.poisson_delay` of the counted deals, by their CDF tables."""
        if self.delay_cdf is None:
            lam = self.point.deal_delay_mean[:, self.count_deals]
            return poisson_delay(uniform, lam, self.risk.max_delay)
        out = np.empty(uniform.shape, dtype=int)
        for i, cdf in enumerate(self.delay_cdf):
            out[:, i] = np.searchsorted(cdf, uniform[:, i], side="left")
        return out

    def _delay_tables(self) -> list[np.ndarray] | None:
        """Per counted deal: the Poisson CDF at 0 .. max_delay - 1 as poisson_delay sums it.

        ``poisson_delay`` counts the steps ``n < max_delay`` with ``u > F(n)``; while no
        probability underflows to 0 that is the number of table entries below ``u``. None
        (use poisson_delay itself) if one does.
        """
        lam = self.point.deal_delay_mean[:, self.count_deals]
        pmf = np.exp(-lam)
        cdf = pmf.copy()
        rows = [cdf]
        for n in range(1, self.risk.max_delay + 1):
            pmf = pmf * lam / n
            if np.any((lam > 0) & ~(pmf > 0.0)):
                return None
            cdf = cdf + pmf
            rows.append(cdf)
        table = np.concatenate(rows[: self.risk.max_delay])
        return [table[:, i].copy() for i in range(table.shape[1])]


@dataclass(frozen=True)
class Simulation:
    """Summary of a Monte Carlo run of the measure (what the target counts)."""

    scenario: Scenario
    draws: int
    seed: int
    years: np.ndarray  # (Y,)
    mean: np.ndarray  # (Y,)
    percentiles: dict[int, np.ndarray]  # {10: (Y,), 50: ..., 90: ...}
    first_reached: np.ndarray  # (Y + 1,) share of draws first reaching in each year; last: never
    shock_sd: float = 0.0  # annual level-shock sd used (calibrated for from_history)
    shock_sd_years: tuple[int, int] | None = None  # [first, last] year it came from

    @property
    def probability_by_year(self) -> np.ndarray:
        """Share of draws that have reached the target by each year (cumulative)."""
        return np.cumsum(self.first_reached[:-1])

    @property
    def probability_at_deadline(self) -> float:
        return float(self.probability_by_year[deadline_index(self.scenario)])

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of `tradecalc simulate` (scenario-format.md)."""
        s = self.scenario
        by_year = self.probability_by_year
        distribution = {
            str(int(year)): float(share)
            for year, share in zip(self.years, self.first_reached[:-1], strict=True)
            if share > 0
        }
        distribution["never"] = float(self.first_reached[-1])
        return {
            "scenario": {"name": s.name},
            "draws": self.draws,
            "seed": self.seed,
            "target": {
                "value_usd_m": s.target.value_usd_m,
                "by_year": s.by_year,
                "probability_by_year": self.probability_at_deadline,
            },
            "years": [
                {
                    "year": int(year),
                    "mean_usd_m": float(self.mean[j]),
                    "p10_usd_m": float(self.percentiles[10][j]),
                    "p50_usd_m": float(self.percentiles[50][j]),
                    "p90_usd_m": float(self.percentiles[90][j]),
                    "probability_reached": float(by_year[j]),
                }
                for j, year in enumerate(self.years)
            ],
            "reached_year_distribution": distribution,
            "shock_sd": self.shock_sd,
            "shock_sd_years": None if self.shock_sd_years is None else list(self.shock_sd_years),
        }


def _setup(scenario: Scenario, draws: int) -> tuple[Layout, Params, Kernel, int]:
    """Compile, check the budget and build the kernel of a run."""
    layout, point = compile_scenario(scenario)
    years = len(layout.years)
    if draws * years > MAX_VALUES:
        most = MAX_VALUES // years
        fail("--draws", None, "", f"at most {most:,} draws for {years} years, got {draws:,}")
    budget.check_work("--draws", draws, layout, "--draws, the deals or the horizon")
    chunk = budget.chunk_size(layout, CHUNK)  # CHUNK unless the scenario is very large
    spread = scenario.uncertainty or Uncertainty()
    kernel = Kernel(layout, point, spread, risk_inputs(scenario, layout, point))
    return layout, point, kernel, chunk


def _chunks(kernel: Kernel, draws: int, seed: int, chunk: int, where: str, cache=None):
    """The measure (size, Y) of each chunk of draws, in order, checked finite.

    ``cache`` (a dict, optional) keeps the chunks' shocks for the next run with the same
    draws, seed and kinds of shock (a goal seek's trials), up to :data:`CACHE_BYTES`.
    """
    spread = kernel.spread
    growth, theta = spread.growth_sd != 0, spread.elasticity_spread != 0
    risk, layout = kernel.risk, kernel.layout
    key = (
        draws,
        seed,
        chunk,
        len(layout.sectors),
        len(layout.flow_sector),
        len(layout.deal_name),
        len(layout.years),
        growth,
        theta,
        risk.shock_sd > 0,
        risk.flow_shock_sd > 0,
        risk.value_risk,
        risk.delay_risk,
        risk.survival_risk,
    )
    kept = cache.get(key) if cache is not None else None
    rng = streams(seed) if kept is None else None
    fresh = [] if cache is not None and kept is None else None
    kept_bytes = 0
    for n, start in enumerate(range(0, draws, chunk)):
        size = min(chunk, draws - start)
        if kept is not None:
            shocks = kept[n]
        else:
            shocks = Shocks.draw(rng, size, layout, risk, growth=growth, theta=theta)
            if fresh is not None:
                fresh.append(shocks)
                kept_bytes += sum(a.nbytes for a in vars(shocks).values() if a is not None)
                if kept_bytes > CACHE_BYTES:  # too many to keep: draw them again next time
                    fresh = None
        measure = run_chunk(kernel, shocks)
        check_finite(measure, where)
        yield start + size, measure
    if cache is not None and kept is None:
        cache.clear()
        if fresh is not None:
            cache[key] = fresh


def run_chunk(kernel: Kernel, shocks: Shocks) -> np.ndarray:
    """One engine call: the measure (D, Y) of a chunk of draws."""
    return kernel.measure(shocks)


def measure_draws(
    scenario: Scenario,
    draws: int,
    seed: int,
    progress: Callable[[int, int], None] | None = None,
    where: str = "",
    cache: dict | None = None,
) -> tuple[Layout, np.ndarray]:
    """The measure of every draw by year, (draws, Y), computed chunk by chunk.

    Keeps every draw (draws x years x 8 bytes): for the back-test, goal seeks and checks;
    :func:`simulate` keeps only what its summary needs. ``where`` names the scenario (its
    file) in errors; ``cache`` reuses the shocks of the previous call (see :func:`_chunks`).
    """
    layout, _, kernel, chunk = _setup(scenario, draws)
    out = np.empty((draws, len(layout.years)))
    for done, measure in _chunks(kernel, draws, seed, chunk, where or scenario.name, cache):
        out[done - len(measure) : done] = measure
        if progress is not None:
            progress(done, draws)
    return layout, out


def simulate(
    scenario: Scenario,
    draws: int = 10_000,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
    where: str = "",
) -> Simulation:
    """Monte Carlo of a scenario: percentiles of the measure and the odds of the target.

    Memory does not grow with ``draws``: each chunk's measure is summed (mean), counted
    (first year reached) and fed to :class:`~tradecalc.quantiles.RankWindows`, which keeps
    only the values near each wanted rank and gives the same percentiles as a sort of every
    draw. ``progress(done, total)`` is called after each chunk; ``where`` names the
    scenario's file in errors.
    """
    layout, _, kernel, chunk = _setup(scenario, draws)
    years = len(layout.years)
    target = scenario.target.value_usd_m
    counts = np.zeros(years + 1, dtype=np.int64)
    total = None
    windows = RankWindows(draws, years, PERCENTILES)
    pending: list[np.ndarray] = []  # chunks not yet fed to the windows: fed 16,384 at a time
    for done, measure in _chunks(kernel, draws, seed, chunk, where or scenario.name):
        index = reached_year_index(measure, target)
        counts += np.bincount(np.where(index < 0, years, index), minlength=years + 1)
        pending.append(measure.copy())
        if done == draws or sum(len(m) for m in pending) >= FEED:
            windows.add(np.concatenate(pending))
            pending.clear()
        # the running sum draw after draw, as numpy sums the rows of the whole matrix
        if total is not None:
            measure[0] += total
        total = measure.sum(axis=0)
        if progress is not None:
            progress(done, draws)
    quantiles = windows.result()
    if quantiles is None:  # a wanted rank drifted out of its window (odds below 1e-11)
        _, measure = measure_draws(scenario, draws, seed, where=where)
        quantiles = percentiles(measure, PERCENTILES, overwrite=True)
    shock_sd, shock_sd_years = level_shock_sd(scenario)
    return Simulation(
        scenario=scenario,
        draws=draws,
        seed=seed,
        years=layout.years,
        mean=total / draws,
        percentiles=dict(zip(PERCENTILES, quantiles, strict=True)),
        first_reached=counts / draws,
        shock_sd=shock_sd,
        shock_sd_years=shock_sd_years,
    )


def percentiles(values: np.ndarray, qs, overwrite: bool = False) -> np.ndarray:
    """Percentiles ``qs`` of ``values`` along the first axis, (len(qs), ...).

    The linear interpolation of ``numpy.percentile``'s default method (Hyndman & Fan 1996,
    definition 7), by a partial sort; ``numpy.percentile`` would also import ``numpy.ma``,
    which costs more than the whole odds line of `project`. ``overwrite=True`` partitions
    ``values`` in place (no copy of a large array; its order along the axis is lost).
    """
    n = values.shape[0]
    position = np.asarray(qs, dtype=float) / 100.0 * (n - 1)
    low = np.floor(position).astype(int)
    high = np.minimum(low + 1, n - 1)
    kth = sorted({*low.tolist(), *high.tolist()})  # not np.unique: it imports numpy.ma too
    if overwrite:
        values.partition(kth, axis=0)
        part = values
    else:
        part = np.partition(values, kth, axis=0)
    weight = (position - low).reshape(-1, *([1] * (values.ndim - 1)))
    return part[low] + weight * (part[high] - part[low])


def exact_deal_probability(scenario: Scenario, year: int | None = None) -> float:
    """P(measure >= target in ``year``) when only deal success is uncertain, by enumeration.

    Each group of deals shares one uniform ``u`` and a deal succeeds when ``u < p``: a
    group's outcomes are the intervals between its deals' sorted probabilities (for a group
    of one deal: success with ``p``, failure with ``1 - p``). Sums the probabilities of the
    outcome patterns across groups whose measure reaches the target (up to about 2**20
    patterns). The check of methods.md section 8 for the Monte Carlo.
    """
    layout, point = compile_scenario(scenario)
    j = (scenario.by_year if year is None else year) - scenario.base_year
    p = point.deal_weight[0]
    options = []  # per group: (probability, success mask over all deals) of each outcome
    for group in dict.fromkeys(layout.deal_group.tolist()):
        members = layout.deal_group == group
        cuts = np.unique(np.concatenate([[0.0, 1.0], p[members]]))
        options.append(
            [
                (hi - lo, members & (p > lo))  # u in [lo, hi): the deals with p > lo succeed
                for lo, hi in itertools.pairwise(cuts)
                if hi > lo
            ]
        )
    combos = list(itertools.product(*options))
    weight = np.array([np.prod([w for w, _ in combo]) for combo in combos])
    patterns = np.array(
        [np.any([mask for _, mask in combo], axis=0) if combo else p * 0 for combo in combos],
        dtype=float,
    ).reshape(-1, len(p))
    measure = evaluate_measure(layout, point.replace(deal_weight=patterns))[:, j]
    return float(weight[measure >= scenario.target.value_usd_m].sum())
