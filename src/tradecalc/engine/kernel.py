"""The Monte Carlo kernel: the measure of a chunk of draws, computed only where the draws
change something; to the last bit the numbers of the engine on
:func:`~tradecalc.engine.draws.apply_shocks`.

The levers are in :mod:`tradecalc.engine.kernel_levers`, the counted deals in
:mod:`tradecalc.engine.kernel_deals`; the kernel moves theta, puts the level shocks on the
baseline and sums the flows and the deals.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from tradecalc.engine.compile import Layout, Params
from tradecalc.engine.draws import Risk, Shocks, common_shock_sd
from tradecalc.engine.evaluate import levers
from tradecalc.engine.kernel_deals import CountedDeals
from tradecalc.engine.kernel_levers import ChangeLevers, PtaLever, TtaLever
from tradecalc.model import baseline_value
from tradecalc.scenario.sections import Uncertainty


def _apply(x: np.ndarray, columns: np.ndarray, runs: list[tuple[int, int, int]]) -> None:
    """``x`` (Y, D) times a lever's distinct columns (columns, D or 1) on its runs of years."""
    for first, stop, column in runs:
        x[first:stop] *= columns[column]


def _level_years(standard_normals: np.ndarray, sd, out: np.ndarray, rho: float = 1.0) -> np.ndarray:
    """:func:`~tradecalc.model.uncertainty.level_deviation_factor` of (D, ..., Y - 1) shocks,
    year-major (..., Y, D) in ``out``: the same operations (product, running sum or AR(1)
    recursion, ``exp``) on rows of draws. ``sd`` is a number or one per draw, (D,)."""
    normals = np.moveaxis(standard_normals, 0, -1)  # (..., Y - 1, D)
    out[..., 0, :] = 0.0
    np.multiply(np.asarray(sd, dtype=float), normals, out=out[..., 1:, :])
    for y in range(2, out.shape[-2]):
        if rho == 1.0:
            out[..., y, :] += out[..., y - 1, :]
        else:
            out[..., y, :] = rho * out[..., y - 1, :] + out[..., y, :]
    return np.exp(out, out=out)


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
            self.pta = PtaLever(layout, point, spread)
            self.changes = ChangeLevers(layout, point)
            self.tta = TtaLever(layout, point, spread)
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

    def _init_deals(self) -> None:
        """Deals: fixed unless drawn (bernoulli): then :class:`CountedDeals`."""
        layout, spread = self.layout, self.spread
        self.count_flows = np.flatnonzero(layout.flow_counts)
        self.fixed_deals: np.ndarray | None = None
        self.deals: CountedDeals | None = None
        if spread.deals != "bernoulli" or not layout.deal_counts.any():
            deals = levers(layout, self.point)[4]
            self.fixed_deals = np.einsum("dky,k->dy", deals, layout.deal_counts.astype(float))
        else:
            self.deals = CountedDeals(layout, self.point, self.risk, self._buffer)

    def _init_theta(self) -> None:
        """Without a theta spread the exponents, and the tariff ratio, are the same every
        draw: computed once."""
        self.fixed_theta = self.spread.elasticity_spread == 0
        if self.fixed_theta:
            self.theta = self._moved(np.ones((len(self.layout.sectors), 1)))
            self.pta.fix_theta(self.theta)

    def _init_plan(self) -> None:
        """For each counted flow, the runs of years each of its levers multiplies."""
        pta_slot = {int(f): i for i, f in enumerate(self.pta.flows)}
        tta_slot = {int(f): i for i, f in enumerate(self.tta.flows)}
        pta_runs, tta_runs = self.pta.runs(), self.tta.runs()
        self.plan = [
            (
                f,
                (pta_slot[f], pta_runs) if f in pta_slot else None,
                self.changes.runs(f),
                (tta_slot[f], tta_runs) if f in tta_slot else None,
            )
            for f in self.count_flows.tolist()
        ]

    def measure(self, shocks: Shocks) -> np.ndarray:
        """The measure (D, Y) of the draws of ``shocks``."""
        return np.ascontiguousarray(self.measure_by_year(shocks).T)

    def measure_by_year(self, shocks: Shocks) -> np.ndarray:
        """The measure of the draws of ``shocks`` year-major, (Y, D): the kernel's own
        buffer, overwritten by its next call."""
        with np.errstate(over="ignore", invalid="ignore"):  # see verdict.check_finite
            return self._measure(shocks)

    def _buffer(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        """An array the kernel reuses from chunk to chunk (a new one costs page faults)."""
        out = self.buffers.get(name)
        if out is None or out.shape != shape:
            out = self.buffers[name] = np.empty(shape)
        return out

    def parts_by_year(self, shocks: Shocks) -> tuple[np.ndarray, np.ndarray]:
        """The measure of the draws split as ``scale * level + offset``, year-major (Y, D).

        ``scale``: the counted flows without the common level shocks (the part they
        multiply: baseline times the levers, per-flow shocks included); ``offset``: the
        counted deals, (Y, D) or (Y, 1). Both are the kernel's buffers, overwritten by its
        next call. What the exact odds (:mod:`tradecalc.engine.odds`) integrate over.
        """
        without = dataclasses.replace(shocks, level=None)
        with np.errstate(over="ignore", invalid="ignore"):
            return self._parts(without)

    def _measure(self, shocks: Shocks) -> np.ndarray:
        """Levers on their distinct years, then the counted flows and deals by year."""
        flows, deals = self._parts(shocks)
        return np.add(flows, deals, out=flows)

    def _parts(self, shocks: Shocks) -> tuple[np.ndarray, np.ndarray]:
        """The counted flows and the counted deals by year, (Y, D) each (deals: or (Y, 1))."""
        draws = len(shocks.utilization)
        if self.fixed_theta:
            moved = self.theta
        else:
            normals = self._buffer("theta", shocks.theta.shape[::-1])
            np.multiply(self.spread.elasticity_spread, shocks.theta.T, out=normals)
            moved = self._moved(np.exp(normals, out=normals))
        multipliers = (
            self.pta.multiplier(shocks, moved),
            self.changes.multiplier(moved),
            self.tta.multiplier(shocks, moved),
        )
        flows = self._flows(shocks, multipliers, draws)  # (Y, D)
        if self.deals is not None:
            deals = self.deals.total(shocks, draws)
        else:
            assert self.fixed_deals is not None  # _init_deals sets one of the two
            deals = self.fixed_deals.T
        return flows, deals

    def _moved(self, multiplier: np.ndarray) -> dict[str, np.ndarray]:
        """flow_theta of the flows on the TTA route (T, D) and the tariff exponents (L, D),
        (C, D) moved by theta's multiplier (S, D), as apply_shocks."""
        layout, point = self.layout, self.point
        take = np.take  # the same elements as multiplier[index], faster
        flow_theta = point.flow_theta[0, self.tta.flows, np.newaxis]
        index = layout.flow_sector_index[self.tta.flows]
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
            sd, rho = common_shock_sd(shocks, risk)
            level = _level_years(shocks.level, sd, out[0], rho)[np.newaxis]
        if shocks.flow_level is not None:
            draws, flows = shocks.flow_level.shape[:2]
            out = self._buffer("flow_level", (flows, years, draws))
            per_flow = _level_years(shocks.flow_level, risk.flow_shock_sd, out)
            level = per_flow if level is None else np.multiply(level, per_flow, out=per_flow)
        return level

    def _flows(self, shocks: Shocks, multipliers: tuple, draws: int) -> np.ndarray:
        """The counted flows summed in order, year-major (Y, D): each flow's
        ((base * level) * m_pta) * m_tc) * m_tta, its levers applied to runs of years."""
        base, level = self._baseline(shocks), self._level(shocks)
        m_pta, m_tc, tta = multipliers
        total = self._buffer("flows", (len(self.years), draws))
        x = self._buffer("scratch", total.shape)
        for n, (f, pta, change, on_route) in enumerate(self.plan):
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
            np.add(0.0 if n == 0 else total, x, out=total)  # the sum starts from 0: 0 + x
        if not self.plan:
            total[...] = 0.0
        return total
