"""The levers of the Monte Carlo kernel: the PTA, the tariff changes and the TTA of a chunk
of draws, each on its distinct years, the draws on the innermost axis.

To the last bit the multipliers of :func:`~tradecalc.engine.evaluate.levers` on
:func:`~tradecalc.engine.draws.apply_shocks`: a lever depends on the year only through its
staging and response share, so it is computed on the years where those differ (its
*distinct columns*) and the kernel applies each column to the run of years that shares it
(:func:`runs`); a column whose multiplier is exactly 1 (a year before the lever acts) is
left out.
"""

from __future__ import annotations

import numpy as np

from tradecalc.engine.compile import Layout, Params
from tradecalc.engine.draws import Shocks
from tradecalc.model import (
    ave_multiplier,
    pta_multiplier,
    response_share,
    semi_elasticity_multiplier,
    smart_creation,
    smart_diversion,
    staged_tariff,
    staging,
    tariff_change_multiplier,
)
from tradecalc.scenario.sections import Uncertainty

FAST_EXPONENTS = (-1.0, 0.0, 0.5, 1.0, 2.0)
"""Exponents for which numpy's ``power`` takes a shortcut (``1 / x``, ``1``, ``sqrt``, ``x``,
``x * x``, not always the same last bit) when the exponent does not move along its innermost
loop."""


def distinct_columns(*rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Year columns that differ in any of ``rows`` (each (..., Y)): (first of each, index of each).

    A lever that depends on the year only through these rows takes the same value in two
    columns with equal keys, so it is computed on the distinct columns and gathered back.
    """
    keys = np.concatenate([np.broadcast_to(r, r.shape).reshape(-1, r.shape[-1]) for r in rows])
    seen: dict[bytes, int] = {}
    first: list[int] = []
    index: list[int] = []
    for y in range(keys.shape[1]):
        key = keys[:, y].tobytes()
        if key not in seen:
            seen[key] = len(first)
            first.append(y)
        index.append(seen[key])
    return np.array(first, dtype=int), np.array(index, dtype=int)


def runs(index: np.ndarray, slot: np.ndarray) -> list[tuple[int, int, int]]:
    """Runs of years with one distinct column: ``(first, stop, slot[column])`` each, for
    the columns whose ``slot`` is not -1 (a multiplier of exactly 1 is not applied)."""
    found = []
    first = 0
    for y in range(1, len(index) + 1):
        if y == len(index) or index[y] != index[first]:
            if slot[index[first]] >= 0:
                found.append((first, y, int(slot[index[first]])))
            first = y
    return found


def slots(on: np.ndarray) -> np.ndarray:
    """Each column's row among the columns ``on`` (-1 for the others)."""
    return np.where(on, np.cumsum(on) - 1, -1)


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


class PtaLever:
    """The PTA multiplier of each flow with lines, (P, columns raised, D or 1).

    The tariff path and the response share have no draw axis; the tariff ratio is raised
    on the distinct tariffs, draws innermost, unless an exponent could take numpy's
    shortcuts (then as the reference lays it out); the response weights move along the
    innermost loop as in the reference.
    """

    def __init__(self, layout: Layout, point: Params, spread: Uncertainty):
        self.point, self.spread = point, spread
        years, p, col = layout.years.astype(float), point, np.newaxis
        flows_with_lines = list(dict.fromkeys(layout.line_flow.tolist()))
        self.flows = np.array(flows_with_lines, dtype=int)
        self.line_slot = np.array([flows_with_lines.index(f) for f in layout.line_flow])
        self.line_per_flow = np.array_equal(self.line_slot, np.arange(len(self.line_slot)))
        start = p.pta_start[:, col, col]
        phase = staging(years, start, p.pta_phase_in[:, col, col])
        weight = response_share(
            years - start, layout.pta_profile, p.pta_response_years[:, col, col]
        )
        cols, self.index = distinct_columns(phase, weight)
        weight = weight[0, 0, cols]
        tariff = staged_tariff(p.line_mfn[..., col], p.line_preferential[..., col], phase)
        self.tariff = tariff[..., cols]
        # PTA response weights of exactly 0 give a multiplier of exactly 1 (x ** 0 is 1)
        self.on = _powered(weight != 0.0)
        self.weight = np.ascontiguousarray(weight[self.on])[:, np.newaxis]
        self.weights: dict[int, np.ndarray] = {}
        self.gather = np.flatnonzero(self.on)  # the full ratio's columns raised
        self.smart_ratio: np.ndarray | None = None
        self.fixed_ratio: np.ndarray | None = None
        if layout.pta_smart:
            self.smart_ratio = np.ascontiguousarray(self._smart_ratio()[0, :, :, col])
        else:
            self._init_tariff_ratio()

    def _init_tariff_ratio(self) -> None:
        """The tariff ratio's base (1 + t1) / (1 + t0) on the years where the tariff differs
        (as tariff_ratio computes it); a base of exactly 1 gives exactly 1 to any power."""
        p, col = self.point, np.newaxis
        tcols, self.tariff_index = distinct_columns(self.tariff)
        self.gather = self.tariff_index[self.gather]
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
        return ratio + smart_diversion(tariff, mfn, share, sigma)

    def fix_theta(self, moved: dict) -> None:
        """Without a theta spread the tariff ratio is the same every draw: computed once."""
        if self.smart_ratio is None and len(self.flows):
            self.fixed_ratio = self._tariff_ratio(moved)

    def runs(self) -> list[tuple[int, int, int]]:
        """The runs of years of the columns raised (the same for every flow with lines)."""
        return runs(self.index, slots(self.on))

    def multiplier(self, shocks: Shocks, moved: dict) -> np.ndarray | None:
        """The PTA multiplier of each flow with lines on its columns raised, draws
        innermost: (P, columns raised, D or 1); None without lines."""
        if not len(self.flows):
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
            full = np.ones((len(self.flows), *gain.shape[1:]))
            for line, slot in enumerate(self.line_slot):
                full[slot] += gain[line]
        return self._raised(full)

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

    def _raised(self, full: np.ndarray) -> np.ndarray:
        """:func:`~tradecalc.model.pta_multiplier` on the columns raised (``x ** 0``, exactly
        1, not computed), each taken from the full ratio's distinct columns."""
        if np.any(full <= 0.0):
            pta_multiplier(full, 1.0)  # raises its error: covered shares above 1
        return np.take(full, self.gather, axis=1) ** self._weights(full.shape[-1])

    def _weights(self, draws: int) -> np.ndarray:
        """The response weights (columns raised, D) to raise the full ratio to: a copy for
        each draw, so that they move along numpy's innermost loop as in the reference (one
        column: the weight fixed along it, as there)."""
        if len(self.weight) == 1:
            return self.weight
        if draws not in self.weights:
            self.weights = {draws: np.repeat(self.weight, draws, axis=1)}
        return self.weights[draws]


class ChangeLevers:
    """The tariff changes' multiplier of each flow with changes, on the years where one of
    them differs, draws innermost: (columns, D or 1); multiplied per flow first, in order.

    Each change is computed on its distinct years, its tariff path and response share once;
    the years before it acts (response share 0, the tariff as before) have a multiplier of
    exactly 1 (x ** 0 is 1) and are not computed. The exponent's power is raised draws
    innermost unless an exponent could take numpy's shortcuts (then as the reference lays it
    out); the response shares move along the innermost loop as in the reference.
    """

    def __init__(self, layout: Layout, point: Params):
        self.layout, self.point = layout, point
        years, p, col = layout.years.astype(float), point, np.newaxis
        self.changes, self.terms = [], []
        self.weights: dict[tuple[int, int], np.ndarray] = {}
        for c in range(len(layout.change_flow)):
            start = p.change_year[:, c, col]
            phase = staging(years, start, p.change_phase_in[:, c, col])
            share = response_share(
                years - start, layout.change_profile[c], p.change_response_years[:, c, col]
            )
            cols, index = distinct_columns(phase, share)
            acts = np.any(share[..., cols] != 0.0, axis=0)
            self.changes.append((years[cols], index, acts))
            self.terms.append(self._terms(c, years[cols], acts))
        groups: dict[int, list[int]] = {}
        for c, flow in enumerate(layout.change_flow.tolist()):
            groups.setdefault(flow, []).append(c)
        self.plan = {f: self._flow_plan(cs) for f, cs in groups.items()}

    def _terms(self, c: int, cols: np.ndarray, acts: np.ndarray) -> tuple[np.ndarray, ...]:
        """What :func:`~tradecalc.model.tariff_change_multiplier` computes without the draws,
        on the columns where change ``c`` acts: the ratio's base (1 + t(y)) / (1 + t_b)
        (columns, 1), the coverage and the response share (columns, 1)."""
        p, col = self.point, np.newaxis
        year, before = p.change_year[:, c, col], p.change_before[:, c, col]
        phase = staging(cols, year, p.change_phase_in[:, c, col])
        tariff = staged_tariff(before, p.change_after[:, c, col], phase)
        base = ((1.0 + tariff) / (1.0 + before))[0, acts, col]
        profile, response_years = self.layout.change_profile[c], p.change_response_years[:, c, col]
        share = response_share(cols - year, profile, response_years)[0, acts, col]
        return base, p.change_coverage[:, c], share

    def _flow_plan(self, changes: list[int]) -> tuple[list, list[np.ndarray], list]:
        """The tariff changes of one flow on the years where any of them differs: for each
        change, its distinct column in each of those; the runs of years where one acts."""
        indices = [self.changes[c][1] for c in changes]
        first, index = distinct_columns(*(i[np.newaxis] for i in indices))
        columns = [i[first] for i in indices]
        acts = np.any([self.changes[c][2][i] for c, i in zip(changes, columns, strict=True)], 0)
        return changes, columns, runs(index, np.where(acts, np.arange(len(acts)), -1))

    def runs(self, flow: int) -> list[tuple[int, int, int]] | None:
        """The runs of years where a change of ``flow`` acts; None without one."""
        return self.plan[flow][2] if flow in self.plan else None

    def multiplier(self, moved: dict) -> dict[int, np.ndarray]:
        """The multiplier of each flow with changes, (columns, D or 1)."""
        m_tc = [self._change(c, moved["change_epsilon"][c]) for c in range(len(self.changes))]
        out = {}
        for flow, (changes, columns, _) in self.plan.items():
            m = m_tc[changes[0]][columns[0]]
            for c, index in zip(changes[1:], columns[1:], strict=True):
                m = m * m_tc[c][index]
            out[flow] = m
        return out

    def _change(self, c: int, epsilon: np.ndarray) -> np.ndarray:
        """Change ``c``'s multiplier on its distinct years (columns, D or 1)."""
        cols, _, acts = self.changes[c]
        exponent = -epsilon  # (D,)
        if len(exponent) == 1 or _fast_exponent(exponent):
            return self._change_by_reference(c, epsilon).T
        base, coverage, share = self.terms[c]
        ratio = base**exponent  # tariff_ratio
        full = 1.0 + coverage * (ratio - 1.0)
        if np.any(full <= 0.0):
            pta_multiplier(full, 1.0)  # raises its error
        out = np.ones((len(cols), len(exponent)))
        out[acts] = full ** self._weights(c, share, len(cols), len(exponent))
        return out

    def _weights(self, c: int, share: np.ndarray, columns: int, draws: int) -> np.ndarray:
        """Change ``c``'s response shares to raise its full ratio to: a copy for each draw
        (as the reference's move along its innermost loop), or fixed along the draws when
        the change has one distinct year (as there, along its one year)."""
        if columns == 1:
            return share
        if (c, draws) not in self.weights:
            self.weights[(c, draws)] = np.repeat(share, draws, axis=1)
        return self.weights[(c, draws)]

    def _change_by_reference(self, c: int, epsilon: np.ndarray) -> np.ndarray:
        """Change ``c``'s multiplier by the model, draws-major as in the reference (D or 1,
        columns)."""
        layout, p, col = self.layout, self.point, np.newaxis
        return tariff_change_multiplier(
            self.changes[c][0],
            p.change_year[:, c, col],
            p.change_before[:, c, col],
            p.change_after[:, c, col],
            p.change_coverage[:, c, col],
            epsilon[:, col],
            p.change_phase_in[:, c, col],
            layout.change_profile[c],
            p.change_response_years[:, c, col],
        )


class TtaLever:
    """The TTA multiplier ``1 + (m - 1) * phase`` of each flow on the route, on its distinct
    years, draws innermost: (T, columns, D or 1).

    The semi-elasticity conversion has no draw axis; the AVE (a power per draw) is computed
    only for the draws that pick it. A phase of 0 gives ``1 + (m - 1) * 0``, exactly 1 when
    ``m`` is finite: those columns are then left out.
    """

    def __init__(self, layout: Layout, point: Params, spread: Uncertainty):
        self.point, self.spread = point, spread
        years, p, col = layout.years.astype(float), point, np.newaxis
        route = p.route_share[:, col, col] * layout.tta_applies[:, col]
        self.flows = np.flatnonzero(np.any(route != 0.0, axis=(0, 2)))
        self.route = route[:, self.flows]
        self.days = (p.days_before[:, col, col], p.days_after[:, col, col])
        self.semi = semi_elasticity_multiplier(*self.days, self.route, p.tta_beta[:, col, col])
        phase = staging(years, p.tta_start[:, col, col], p.tta_phase_in[:, col, col])
        cols, self.index = distinct_columns(phase)
        self.phase = phase[0, 0, cols]
        self.on = self.phase != 0.0

    def runs(self) -> tuple[list, list]:
        """The runs of years of the columns of a phase above 0, and of every column."""
        return runs(self.index, slots(self.on)), runs(self.index, slots(np.ones_like(self.on)))

    def multiplier(self, shocks: Shocks, moved: dict) -> tuple[np.ndarray, bool] | None:
        """The multiplier (T, columns, D or 1) and whether the columns of phase 0 were left
        out; None without a flow on the route."""
        if not len(self.flows):
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
            m_full = self._drawn(use_ave, theta)
        else:
            per_day = p.tta_ave_per_day[:, col, col]
            ave = ave_multiplier(*self.days, theta[np.newaxis], self.route, per_day)
            m_full = np.where(use_ave[:, col, col], ave, self.semi)[0]
        step = np.subtract(m_full, 1.0)  # (T, D)
        skip = bool(np.isfinite(step).all())
        phase = self.phase[self.on] if skip else self.phase
        out = np.empty((step.shape[0], len(phase), step.shape[1]))
        for c, share in enumerate(phase):
            np.multiply(step, share, out=out[:, c])
            out[:, c] += 1.0
        return out, skip

    def _drawn(self, use_ave: np.ndarray, theta: np.ndarray) -> np.ndarray:
        """The TTA conversion (T, D) when each draw picks it: the AVE
        (:func:`~tradecalc.model.ave_multiplier`, a power per draw) only for the draws that
        pick it, the semi-elasticity's for the others."""
        m_full = np.empty((len(self.flows), len(use_ave)))
        m_full[...] = self.semi[0]
        pick = np.flatnonzero(use_ave)
        if pick.size:
            per_day = self.point.tta_ave_per_day[:, np.newaxis, np.newaxis]
            theta = theta[:, pick] if theta.shape[1] > 1 else theta
            ave = ave_multiplier(*self.days, theta[np.newaxis], self.route, per_day)
            m_full[:, pick] = ave[0]
        return m_full
