"""The Monte Carlo kernel: the measure of a chunk of draws, computed only where the draws
change something; to the last bit the numbers of the engine on
:func:`~tradecalc.engine.draws.apply_shocks`.
"""

from __future__ import annotations

import numpy as np

from tradecalc.engine.draws import Risk, Shocks
from tradecalc.engine.evaluate import Layout, Params, levers
from tradecalc.model import (
    ave_multiplier,
    baseline_value,
    deal_ramp,
    level_shock_factor,
    poisson_delay,
    pta_multiplier,
    response_share,
    semi_elasticity_multiplier,
    smart_creation,
    smart_diversion_first_order,
    staged_tariff,
    staging,
    tariff_change_multiplier,
    two_piece_lognormal,
)
from tradecalc.scenario.models import Uncertainty


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
