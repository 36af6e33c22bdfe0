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

TABLE_BYTES = 2**20
"""A counted deal's ramps by (start delay, years alive) at most: beyond (horizons over about
50 years) the end year is applied to each chunk instead."""
FAST_EXPONENTS = (-1.0, 0.0, 0.5, 1.0, 2.0)
"""Exponents for which numpy's ``power`` takes a shortcut (``1 / x``, ``1``, ``sqrt``, ``x``,
``x * x``, not always the same last bit) when the exponent does not move along its innermost
loop."""


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


def _runs(index: np.ndarray, slot: np.ndarray) -> list[tuple[int, int, int]]:
    """Runs of years with one distinct column: ``(first, stop, slot[column])`` each, for
    the columns whose ``slot`` is not -1 (a multiplier of exactly 1 is not applied)."""
    runs = []
    first = 0
    for y in range(1, len(index) + 1):
        if y == len(index) or index[y] != index[first]:
            if slot[index[first]] >= 0:
                runs.append((first, y, int(slot[index[first]])))
            first = y
    return runs


def _slots(on: np.ndarray) -> np.ndarray:
    """Each column's row among the columns ``on`` (-1 for the others)."""
    return np.where(on, np.cumsum(on) - 1, -1)


def _apply(x: np.ndarray, columns: np.ndarray, runs: list[tuple[int, int, int]]) -> None:
    """``x`` (Y, D) times a lever's distinct columns (columns, D or 1) on its runs of years."""
    for first, stop, column in runs:
        x[first:stop] *= columns[column]


def _level_years(standard_normals: np.ndarray, sd: float, out: np.ndarray) -> np.ndarray:
    """:func:`~tradecalc.model.level_shock_factor` of (D, ..., Y - 1) shocks, year-major
    (..., Y, D) in ``out``: the same operations (product, running sum, ``exp``) on rows of
    draws."""
    normals = np.moveaxis(standard_normals, 0, -1)  # (..., Y - 1, D)
    out[..., 0, :] = 0.0
    np.multiply(float(sd), normals, out=out[..., 1:, :])
    for y in range(2, out.shape[-2]):
        out[..., y, :] += out[..., y - 1, :]
    return np.exp(out, out=out)


def _powered(on: np.ndarray) -> np.ndarray:
    """The columns a kernel raises to a power: ``on``, or all when fewer than 2 would be.

    numpy's ``power`` takes shortcuts (:data:`FAST_EXPONENTS`) when the exponent does not
    move along its innermost loop; the reference raises arrays of two years or more, whose
    innermost loop is the year. A single column would drop that axis and change the loop
    (and the last bit), so then every column is raised as before.
    """
    return on if np.count_nonzero(on) >= 2 else np.ones_like(on)


def _fast_exponent(exponent: np.ndarray) -> bool:
    """Whether an element of ``exponent`` is one of :data:`FAST_EXPONENTS`."""
    if exponent.max(initial=-np.inf) < min(FAST_EXPONENTS):
        return False
    return any(bool(np.any(exponent == fast)) for fast in FAST_EXPONENTS)


def _lifetime_end(start, end, survival, uniform):
    """The last year of a deal that lives a geometric lifetime from ``start``, as
    :func:`~tradecalc.engine.draws._deal_draws` draws it (``uniform`` -> whole years)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        lived = np.ceil(np.log(uniform) / np.log(survival))
    lifetime = np.where(survival >= 1.0, np.inf, np.fmax(1.0, lived))
    return np.minimum(end, start + lifetime - 1.0)


class Kernel:
    """The measure of a chunk of draws from its shocks, with what the draws do not change
    computed once (methods.md sections 1-5 and 8).

    The same numbers, to the last bit, as ``evaluate_measure(layout, apply_shocks(...))``:
    every element goes through the same floating-point operations in the same order. What
    changes is how much is computed: a lever that has no draw axis (growth without
    ``growth_sd``, the tariff path, response shares, the deals' ramp shapes) is computed
    once; a lever that depends on the year only through its staging and response share is
    computed on the distinct years and applied to each run of years that share them; a
    multiplier of exactly 1 (no PTA line, tariff change or TTA route; a year before a lever
    acts) is not applied; a deal that failed in a draw adds exactly 0. Arrays keep the draws
    on their innermost axis, (..., D): numpy's loops are slow on the short rows of the
    years, lines or deals. Where numpy's ``power`` could take a shortcut (an exponent that
    does not move along the reference's innermost loop), the kernel raises arrays laid out
    as the reference does. The measure of a chunk is (D, Y), draws-major.
    """

    def __init__(self, layout: Layout, point: Params, spread: Uncertainty, risk: Risk):
        self.layout, self.point, self.spread, self.risk = layout, point, spread, risk
        self.years = layout.years.astype(float)
        self.buffers: dict[str, np.ndarray] = {}
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            self._init_baseline()
            self._init_pta()
            self._init_changes()
            self._init_tta()
            self._init_deals()
            self._init_theta()
        self._init_plan()

    def _init_baseline(self) -> None:
        """Growth: max(point + sd * z, -0.99); without a spread the same every draw."""
        p, spread, col = self.point, self.spread, np.newaxis
        self.t = self.years - self.layout.base_year
        self.base = None
        if spread.growth_sd == 0:
            growth = np.maximum(p.flow_growth, -0.99)
            base = baseline_value(p.flow_value[..., col], growth[..., col], self.t)
            self.base = np.ascontiguousarray(base[0, :, :, col])  # (F, Y, 1)

    def _init_pta(self) -> None:
        """PTA: the tariff path and the response share have no draw axis."""
        layout, p, years, col = self.layout, self.point, self.years, np.newaxis
        flows_with_lines = list(dict.fromkeys(layout.line_flow.tolist()))
        self.pta_flows = np.array(flows_with_lines, dtype=int)
        self.line_slot = np.array([flows_with_lines.index(f) for f in layout.line_flow])
        self.line_per_flow = np.array_equal(self.line_slot, np.arange(len(self.line_slot)))
        start = p.pta_start[:, col, col]
        phase = staging(years, start, p.pta_phase_in[:, col, col])
        weight = response_share(
            years - start, layout.pta_profile, p.pta_response_years[:, col, col]
        )
        cols, self.pta_index = _distinct_columns(phase, weight)
        weight = weight[0, 0, cols]
        tariff = staged_tariff(p.line_mfn[..., col], p.line_preferential[..., col], phase)
        self.tariff = tariff[..., cols]
        # PTA response weights of exactly 0 give a multiplier of exactly 1 (x ** 0 is 1)
        self.weight_on = _powered(weight != 0.0)
        self.weight = np.ascontiguousarray(weight[self.weight_on])[:, np.newaxis]
        self.weights: dict[int, np.ndarray] = {}
        self.pta_gather = np.flatnonzero(self.weight_on)  # the full ratio's columns raised
        self.smart_ratio = self.fixed_ratio = None
        if layout.pta_smart:
            self.smart_ratio = np.ascontiguousarray(self._smart_ratio()[0, :, :, col])
        else:
            self._init_tariff_ratio()

    def _init_tariff_ratio(self) -> None:
        """The tariff ratio's base (1 + t1) / (1 + t0) on the years where the tariff differs
        (as tariff_ratio computes it); a base of exactly 1 gives exactly 1 to any power."""
        p, col = self.point, np.newaxis
        tcols, self.tariff_index = _distinct_columns(self.tariff)
        self.pta_gather = self.tariff_index[self.pta_gather]
        mfn = 1.0 + p.line_mfn[..., col]
        base = (1.0 + self.tariff[..., tcols]) / mfn  # (1, L, U)
        self.ratio_columns = base.shape[-1]
        self.ratio_by_year = np.ascontiguousarray(base[0][..., col])  # (L, U, 1)
        self.ratio_year_on = ~np.all(base[0] == 1.0, axis=0)
        # the reference's loop: two columns at least (see _powered), then the distinct ones
        ref = tcols if len(tcols) >= 2 else np.arange(self.tariff.shape[-1])
        self.ratio_pick = np.searchsorted(ref, tcols)
        base = (1.0 + self.tariff[..., ref]) / mfn
        self.ratio_on = _powered(~np.all(base == 1.0, axis=(0, 1)))
        self.ratio_base = np.ascontiguousarray(base[..., self.ratio_on])
        self.ratio_shape = base.shape

    def _smart_ratio(self) -> np.ndarray:
        """The WITS-SMART trade ratio of each line on the distinct years (no draw axis)."""
        p, col = self.point, np.newaxis
        mfn, tariff = p.line_mfn[..., col], self.tariff
        ratio = 1.0 + smart_creation(tariff, mfn, p.line_eta[..., col])
        share, sigma = p.line_share[..., col], p.line_sigma[..., col]
        return ratio + smart_diversion_first_order(tariff, mfn, share, sigma)

    def _init_changes(self) -> None:
        """Tariff changes: each on its distinct years; the years before it acts (response
        share 0) have a multiplier of exactly 1 (x ** 0 is 1)."""
        layout, p, years, col = self.layout, self.point, self.years, np.newaxis
        self.changes = []
        for c in range(len(layout.change_flow)):
            start = p.change_year[:, c, col]
            phase = staging(years, start, p.change_phase_in[:, c, col])
            share = response_share(
                years - start, layout.change_profile[c], p.change_response_years[:, c, col]
            )
            cols, index = _distinct_columns(phase, share)
            acts = np.any(share[..., cols] != 0.0, axis=0)
            self.changes.append((years[cols], index, acts))

    def _init_tta(self) -> None:
        """TTA: the flows on the route; the semi-elasticity conversion has no draw axis."""
        layout, p, years, col = self.layout, self.point, self.years, np.newaxis
        route = p.route_share[:, col, col] * layout.tta_applies[:, col]
        self.tta_flows = np.flatnonzero(np.any(route != 0.0, axis=(0, 2)))
        self.route = route[:, self.tta_flows]
        self.days = (p.days_before[:, col, col], p.days_after[:, col, col])
        self.semi = semi_elasticity_multiplier(*self.days, self.route, p.tta_beta[:, col, col])
        phase = staging(years, p.tta_start[:, col, col], p.tta_phase_in[:, col, col])
        cols, self.tta_index = _distinct_columns(phase)
        self.tta_phase = phase[0, 0, cols]
        # a phase of 0 gives 1 + (m - 1) * 0, exactly 1 when m is finite
        self.tta_on = self.tta_phase != 0.0

    def _init_deals(self) -> None:
        """Deals: fixed unless drawn (bernoulli); ramps tabulated by start delay and end."""
        layout, spread = self.layout, self.spread
        self.count_flows = np.flatnonzero(layout.flow_counts)
        self.count_deals = np.flatnonzero(layout.deal_counts)
        self.fixed_deals = None
        if spread.deals != "bernoulli" or not len(self.count_deals):
            deals = levers(layout, self.point)[4]
            self.fixed_deals = np.einsum("dky,k->dy", deals, layout.deal_counts.astype(float))
            return
        self.success_columns = layout.deal_group[self.count_deals]
        self.ramps = self._ramp_tables()
        self.delay_cdf = self._delay_tables()

    def _init_theta(self) -> None:
        """Without a theta spread the exponents, and the tariff ratio, are the same every
        draw: computed once."""
        self.fixed_theta = self.spread.elasticity_spread == 0
        if self.fixed_theta:
            sectors = len(self.layout.sectors)
            self.theta = self._moved(np.ones((sectors, 1)))
            if self.smart_ratio is None and len(self.pta_flows):
                self.fixed_ratio = self._tariff_ratio(self.theta)

    def _init_plan(self) -> None:
        """For each counted flow, the runs of years each of its levers multiplies."""
        layout = self.layout
        pta_slot = {int(f): i for i, f in enumerate(self.pta_flows)}
        tta_slot = {int(f): i for i, f in enumerate(self.tta_flows)}
        pta_runs = _runs(self.pta_index, _slots(self.weight_on))
        tta_runs = (
            _runs(self.tta_index, _slots(self.tta_on)),
            _runs(self.tta_index, _slots(np.ones_like(self.tta_on))),
        )
        groups: dict[int, list[int]] = {}
        for c, flow in enumerate(layout.change_flow.tolist()):
            groups.setdefault(flow, []).append(c)
        self.change_plan = {f: self._change_runs(cs) for f, cs in groups.items()}
        self.plan = [
            (
                f,
                (pta_slot[f], pta_runs) if f in pta_slot else None,
                self.change_plan[f][2] if f in self.change_plan else None,
                (tta_slot[f], tta_runs) if f in tta_slot else None,
            )
            for f in self.count_flows.tolist()
        ]

    def _change_runs(self, changes: list[int]) -> tuple[list, list[np.ndarray], list]:
        """The tariff changes of one flow on the years where any of them differs: for each
        change, its distinct column in each of those; the runs of years where one acts."""
        indices = [self.changes[c][1] for c in changes]
        first, index = _distinct_columns(*(i[np.newaxis] for i in indices))
        columns = [i[first] for i in indices]
        acts = np.any([self.changes[c][2][i] for c, i in zip(changes, columns, strict=True)], 0)
        return changes, columns, _runs(index, np.where(acts, np.arange(len(acts)), -1))

    def measure(self, shocks: Shocks) -> np.ndarray:
        """The measure (D, Y) of the draws of ``shocks``."""
        return np.ascontiguousarray(self.measure_by_year(shocks).T)

    def measure_by_year(self, shocks: Shocks) -> np.ndarray:
        """The measure of the draws of ``shocks`` year-major, (Y, D): the kernel's own
        buffer, overwritten by its next call."""
        with np.errstate(over="ignore", invalid="ignore"):  # see check_finite
            return self._measure(shocks)

    def _buffer(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        """An array the kernel reuses from chunk to chunk (a new one costs page faults)."""
        out = self.buffers.get(name)
        if out is None or out.shape != shape:
            out = self.buffers[name] = np.empty(shape)
        return out

    def _measure(self, shocks: Shocks) -> np.ndarray:
        """Levers on their distinct years, then the counted flows and deals by year."""
        draws = len(shocks.utilization)
        if self.fixed_theta:
            moved = self.theta
        else:
            normals = self._buffer("theta", shocks.theta.shape[::-1])
            np.multiply(self.spread.elasticity_spread, shocks.theta.T, out=normals)
            moved = self._moved(np.exp(normals, out=normals))
        multipliers = (self._pta(shocks, moved), self._changes(moved), self._tta(shocks, moved))
        flows = self._flows(shocks, multipliers, draws)  # (Y, D)
        deals = self.fixed_deals.T if self.fixed_deals is not None else self._deals(shocks, draws)
        return np.add(flows, deals, out=flows)

    def _moved(self, multiplier: np.ndarray) -> dict[str, np.ndarray]:
        """flow_theta of the flows on the TTA route (T, D) and the tariff exponents (L, D),
        (C, D) moved by theta's multiplier (S, D), as apply_shocks."""
        layout, point = self.layout, self.point
        take = np.take  # the same elements as multiplier[index], faster
        flow_theta = point.flow_theta[0, self.tta_flows, np.newaxis]
        index = layout.flow_sector_index[self.tta_flows]
        out = {"flow_theta": flow_theta * take(multiplier, index, axis=0)}
        for prefix in ("line", "change"):
            epsilon = getattr(point, f"{prefix}_epsilon")[0, :, np.newaxis]
            m = take(multiplier, getattr(layout, f"{prefix}_sector_index"), axis=0)
            given = getattr(layout, f"{prefix}_tariff_exponent_given")[:, np.newaxis]
            moved = (epsilon - 1.0) * m + 1.0
            out[f"{prefix}_epsilon"] = np.where(given, epsilon * m, moved) if given.any() else moved
        return out

    def _baseline(self, shocks: Shocks) -> np.ndarray:
        """The baseline of each flow, year-major: (F, Y, 1), or (F, Y, D) with drawn growth."""
        if self.base is not None:
            return self.base
        p, col = self.point, np.newaxis
        growth = np.maximum(p.flow_growth + self.spread.growth_sd * shocks.growth, -0.99)
        return baseline_value(p.flow_value[..., col], growth[..., col], self.t).transpose(1, 2, 0)

    def _level(self, shocks: Shocks) -> np.ndarray | None:
        """The level shocks' factor, year-major: (1, Y, D) common, (F, Y, D) per flow."""
        risk, level, years = self.risk, None, len(self.years)
        if shocks.level is not None:
            out = self._buffer("level", (1, years, len(shocks.level)))
            level = _level_years(shocks.level, risk.shock_sd, out[0])[np.newaxis]
        if shocks.flow_level is not None:
            draws, flows = shocks.flow_level.shape[:2]
            out = self._buffer("flow_level", (flows, years, draws))
            per_flow = _level_years(shocks.flow_level, risk.flow_shock_sd, out)
            level = per_flow if level is None else np.multiply(level, per_flow, out=per_flow)
        return level

    def _tariff_ratio(self, moved: dict) -> np.ndarray:
        """:func:`~tradecalc.model.tariff_ratio` of each line on its distinct tariffs,
        (L, U, D or 1); a base of exactly 1 stays 1."""
        exponent = -moved["line_epsilon"]  # (L, D)
        if exponent.shape[1] > 1 and not _fast_exponent(exponent):
            on = self.ratio_year_on
            if np.all(on):
                return self.ratio_by_year ** exponent[:, np.newaxis]
            ratio = np.ones((len(exponent), self.ratio_columns, exponent.shape[1]))
            ratio[:, on] = self.ratio_by_year[:, on] ** exponent[:, np.newaxis]
            return ratio
        # the reference's loop: the tariff innermost, the exponent fixed along it
        exponent = exponent.T[..., np.newaxis]
        if np.all(self.ratio_on):
            ratio = self.ratio_base**exponent
        else:
            ratio = np.ones(np.broadcast_shapes(exponent.shape, self.ratio_shape))
            ratio[..., self.ratio_on] = self.ratio_base**exponent
        return ratio.transpose(1, 2, 0)[:, self.ratio_pick]

    def _pta(self, shocks: Shocks, moved: dict) -> np.ndarray | None:
        """The PTA multiplier of each flow with lines on its distinct years, draws
        innermost: (P, columns raised, D or 1)."""
        if not len(self.pta_flows):
            return None
        p, spread = self.point, self.spread
        if spread.utilization is not None:
            low, high = spread.utilization.low, spread.utilization.high
            utilization = low + (high - low) * shocks.utilization
        else:
            utilization = p.utilization
        if self.smart_ratio is not None:
            ratio = self.smart_ratio
        elif self.fixed_ratio is not None:
            ratio = self.fixed_ratio
        else:
            ratio = self._tariff_ratio(moved)
        coverage = p.line_coverage[0, :, np.newaxis, np.newaxis]
        gain = coverage * utilization * (ratio - 1.0)  # (L, U, D)
        if self.line_per_flow:
            full = np.add(1.0, gain, out=gain)  # one line a flow: 1 + gain, as below
        else:
            full = np.ones((len(self.pta_flows), *gain.shape[1:]))
            for line, slot in enumerate(self.line_slot):
                full[slot] += gain[line]
        return self._pta_multiplier(full)

    def _pta_multiplier(self, full: np.ndarray) -> np.ndarray:
        """:func:`~tradecalc.model.pta_multiplier` on the columns raised (``x ** 0``, exactly
        1, not computed), each taken from the full ratio's distinct columns."""
        if np.any(full <= 0.0):
            pta_multiplier(full, 1.0)  # raises its error: covered shares above 1
        return np.take(full, self.pta_gather, axis=1) ** self._weights(full.shape[-1])

    def _weights(self, draws: int) -> np.ndarray:
        """The response weights (columns raised, D) to raise the full ratio to: a copy for
        each draw, so that they move along numpy's innermost loop as in the reference (one
        column: the weight fixed along it, as there)."""
        if len(self.weight) == 1:
            return self.weight
        if draws not in self.weights:
            self.weights = {draws: np.repeat(self.weight, draws, axis=1)}
        return self.weights[draws]

    def _changes(self, moved: dict) -> dict[int, np.ndarray]:
        """The tariff changes' multiplier of each flow with changes, on the years where one
        of them differs, draws innermost: (columns, D or 1); multiplied per flow first, in
        order (computed draws-major, as in the reference)."""
        layout, p, col = self.layout, self.point, np.newaxis
        m_tc = []
        for c, (cols, _, _) in enumerate(self.changes):
            m_tc.append(
                tariff_change_multiplier(
                    cols,
                    p.change_year[:, c, col],
                    p.change_before[:, c, col],
                    p.change_after[:, c, col],
                    p.change_coverage[:, c, col],
                    moved["change_epsilon"][c, :, col],
                    p.change_phase_in[:, c, col],
                    layout.change_profile[c],
                    p.change_response_years[:, c, col],
                )
            )
        out = {}
        for flow, (changes, columns, _) in self.change_plan.items():
            m = m_tc[changes[0]][:, columns[0]]
            for c, index in zip(changes[1:], columns[1:], strict=True):
                m = m * m_tc[c][:, index]
            out[flow] = np.ascontiguousarray(m.T)
        return out

    def _tta(self, shocks: Shocks, moved: dict) -> tuple[np.ndarray, bool] | None:
        """The TTA multiplier ``1 + (m - 1) * phase`` of each flow on the route on its
        distinct years, draws innermost (T, columns, D or 1), and whether the columns of
        phase 0 were left out (m finite: they are exactly 1)."""
        if not len(self.tta_flows):
            return None
        p, spread, col = self.point, self.spread, np.newaxis
        if spread.tta_methods:
            methods = np.array([m == "ave" for m in spread.tta_methods])
            choice = np.minimum((shocks.method * len(methods)).astype(int), len(methods) - 1)
            use_ave = methods[choice]
        else:
            use_ave = p.tta_use_ave
        theta = moved["flow_theta"]  # (T, D or 1)
        if len(use_ave) == len(shocks.method):
            m_full = self._tta_drawn(use_ave, theta)
        else:
            per_day = p.tta_ave_per_day[:, col, col]
            ave = ave_multiplier(
                *self.days, np.ascontiguousarray(theta.T)[..., col], self.route, per_day
            )
            m_full = np.where(use_ave[:, col, col], ave, self.semi)[..., 0].T
        step = np.subtract(m_full, 1.0)  # (T, D)
        skip = bool(np.isfinite(step).all())
        phase = self.tta_phase[self.tta_on] if skip else self.tta_phase
        out = np.empty((step.shape[0], len(phase), step.shape[1]))
        for c, share in enumerate(phase):
            np.multiply(step, share, out=out[:, c])
            out[:, c] += 1.0
        return out, skip

    def _tta_drawn(self, use_ave: np.ndarray, theta: np.ndarray) -> np.ndarray:
        """The TTA conversion (T, D) when each draw picks it: the AVE
        (:func:`~tradecalc.model.ave_multiplier`, a power per draw, laid out as in the
        reference) only for the draws that pick it, the semi-elasticity's for the others."""
        m_full = np.empty((len(self.tta_flows), len(use_ave)))
        m_full[...] = self.semi[0]
        pick = np.flatnonzero(use_ave)
        if pick.size:
            per_day = self.point.tta_ave_per_day[:, np.newaxis, np.newaxis]
            theta = np.ascontiguousarray((theta[:, pick] if theta.shape[1] > 1 else theta).T)
            ave = ave_multiplier(*self.days, theta[..., np.newaxis], self.route, per_day)
            m_full[:, pick] = ave[..., 0].T
        return m_full

    def _flows(self, shocks: Shocks, multipliers: tuple, draws: int) -> np.ndarray:
        """The counted flows summed in order, year-major (Y, D): each flow's
        ((base * level) * m_pta) * m_tc) * m_tta, its levers applied to runs of years."""
        base, level = self._baseline(shocks), self._level(shocks)
        m_pta, m_tc, tta = multipliers
        total = self._buffer("flows", (len(self.years), draws))
        total[...] = 0.0
        x = self._buffer("scratch", total.shape)
        for f, pta, change, on_route in self.plan:
            if level is None:
                x[...] = base[f]
            else:
                np.multiply(base[f], level[0 if len(level) == 1 else f], out=x)
            if pta is not None:
                _apply(x, m_pta[pta[0]], pta[1])
            if change is not None:
                _apply(x, m_tc[f], change)
            if on_route is not None:
                m_tta, skip = tta
                _apply(x, m_tta[on_route[0]], on_route[1][0 if skip else 1])
            total += x
        return total

    def _ramp_tables(self) -> list[np.ndarray] | None:
        """Per counted deal: its ramp by year for each whole start delay and number of years
        alive, year-major (Y, (max_delay + 1) x (Y + 1)), or by start delay only, (Y,
        max_delay + 1), when that table would pass :data:`TABLE_BYTES`.

        Column ``d`` (``d * (Y + 1) + n``) is ``deal_ramp`` with the start ``d`` years late
        (years and delays are whole), 0 from the ``n``-th year on (``years <= end``): the
        same numbers for every draw with that delay and end. None when a start is not a
        whole year.
        """
        p, years = self.point, self.years
        if not np.all(p.deal_start == np.round(p.deal_start)):
            return None
        delays = np.arange(self.risk.max_delay + 1, dtype=float)[:, np.newaxis]
        alive = np.arange(len(years))[np.newaxis, :] < np.arange(len(years) + 1)[:, np.newaxis]
        self.by_end = alive.size * len(delays) * 8 <= TABLE_BYTES
        tables = []
        for k in self.count_deals:
            rows = deal_ramp(
                years,
                p.deal_start[0, k] + delays,
                p.deal_ramp_years[0, k],
                np.inf,
                p.deal_logistic[0, k],
            )
            if self.by_end:  # (delay, alive, Y): the ramp where the year is alive, else 0
                rows = np.where(alive, rows[:, np.newaxis], 0.0).reshape(-1, len(years))
            tables.append(np.ascontiguousarray(rows.T))
        return tables

    def _deals(self, shocks: Shocks, draws: int) -> np.ndarray:
        """Sum of the counted deals, year-major (Y, D), in the draws (bernoulli), as
        :func:`_deal_draws` and :func:`~tradecalc.model.deal_ramp` give them."""
        scaled = [self._deal_scale(shocks, i) for i in range(len(self.count_deals))]
        if self.ramps is None:  # a start is not a whole year
            return self._deals_by_ramp(shocks, np.stack(scaled, axis=1))
        delays = None
        if shocks.delay is not None and self.delay_cdf is None:  # every deal at once
            lam = self.point.deal_delay_mean[:, self.count_deals]
            delays = poisson_delay(shocks.delay[:, self.count_deals], lam, self.risk.max_delay)
        years = len(self.years)
        total = self._buffer("deals", (years, draws))
        total[...] = 0.0
        share = self._buffer("scratch", total.shape)
        row = np.zeros(draws, dtype=np.intp)
        for i, table in enumerate(self.ramps):
            # a draw whose deal adds 0 * ramp (failed, or no value) leaves its total as it is
            # (x + 0 is x; the ramps are finite): its row is any (0), its dates are not drawn
            live = np.flatnonzero(scaled[i] != 0.0)
            if not live.size:
                continue
            delay, end = self._deal_dates(shocks, i, live, delays)
            row[:] = 0
            last = self._years_to(end)
            row[live] = delay * (years + 1) + last if self.by_end else delay
            np.take(table, row, axis=1, out=share, mode="wrap")  # every row is in the table
            if not self.by_end:  # np.where(years <= end, share, 0.0), in place
                alive = np.full(draws, years)
                alive[live] = last
                np.copyto(share, 0.0, where=np.arange(years)[:, np.newaxis] >= alive)
            np.multiply(share, scaled[i], out=share)
            total += share
        return total

    def _deal_scale(self, shocks: Shocks, i: int) -> np.ndarray:
        """``weight * value`` of counted deal ``i`` in each draw (D,): success by group,
        value drawn, as :func:`~tradecalc.engine.draws._deal_draws`."""
        p, risk, k = self.point, self.risk, self.count_deals[i]
        success = shocks.deals[:, self.success_columns[i]] < p.deal_weight[:, k]
        weight = success.astype(float)
        value = p.deal_value[:, k]
        if shocks.value is not None:
            with np.errstate(divide="ignore", invalid="ignore"):
                drawn = two_piece_lognormal(
                    value, risk.value_low[k], risk.value_high[k], shocks.value[:, k]
                )
            value = np.where(value > 0.0, drawn, 0.0)
        return weight * value

    def _deal_dates(self, shocks: Shocks, i: int, live: np.ndarray, delays) -> tuple:
        """Start delay (whole years) and last year of counted deal ``i`` in the draws ``live``."""
        p, k = self.point, self.count_deals[i]
        delay = np.zeros(len(live), dtype=int)
        if delays is not None:
            delay = delays[live, i]
        elif shocks.delay is not None:
            delay = np.searchsorted(self.delay_cdf[i], shocks.delay[:, k][live], side="left")
        end = p.deal_end[:, k]
        if shocks.survival is not None:
            start = p.deal_start[:, k] + delay
            end = _lifetime_end(start, end, p.deal_survival[:, k], shocks.survival[:, k][live])
        return delay, end

    def _years_to(self, end: np.ndarray) -> np.ndarray:
        """How many years are ``<= end`` (whole years from the base year; NaN: none)."""
        first = self.years[0] - 1.0
        alive = np.fmin(np.fmax(np.floor(end) - first, 0.0), float(len(self.years)))
        return alive.astype(np.intp)

    def _deals_by_ramp(self, shocks: Shocks, scaled: np.ndarray) -> np.ndarray:
        """The counted deals' sum (Y, D) by :func:`~tradecalc.model.deal_ramp` of every draw."""
        p, ks, col = self.point, self.count_deals, np.newaxis
        start = p.deal_start[:, ks]
        if shocks.delay is not None:
            start = start + self._delay(shocks.delay[:, ks])
        end = p.deal_end[:, ks]
        if shocks.survival is not None:
            end = _lifetime_end(start, end, p.deal_survival[:, ks], shocks.survival[:, ks])
        ramp = deal_ramp(
            self.years,
            start[..., col],
            p.deal_ramp_years[:, ks, col],
            end[..., col],
            p.deal_logistic[:, ks, col],
        )
        deals = scaled[..., col] * ramp
        return np.einsum("dky,k->dy", deals, np.ones(len(ks))).T

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
