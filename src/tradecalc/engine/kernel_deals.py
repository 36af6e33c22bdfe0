"""The counted deals of a chunk of Monte Carlo draws (deals: bernoulli), for the kernel.

To the last bit what :func:`~tradecalc.engine.draws.apply_shocks` and
:func:`~tradecalc.model.deal_ramp` give, for the deals the target counts only: a deal that
failed in a draw (or has no value) adds exactly 0 and is not computed, and a deal's ramp in a
draw is one gather from a table by whole start delay and years alive.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from tradecalc.engine.compile import Layout, Params
from tradecalc.engine.draws import Risk, Shocks
from tradecalc.model import deal_ramp, poisson_delay, two_piece_lognormal

TABLE_BYTES = 2**20
"""A counted deal's ramps by (start delay, years alive) at most: beyond (horizons over about
50 years) the end year is applied to each chunk instead."""


def _lifetime_end(start, end, survival, uniform):
    """The last year of a deal that lives a geometric lifetime from ``start``, as
    :func:`~tradecalc.engine.draws._deal_draws` draws it (``uniform`` -> whole years)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        lived = np.ceil(np.log(uniform) / np.log(survival))
    lifetime = np.where(survival >= 1.0, np.inf, np.fmax(1.0, lived))
    return np.minimum(end, start + lifetime - 1.0)


class CountedDeals:
    """The sum of the counted deals in each draw, year-major (Y, D).

    Success by group, value, start delay and lifetime are drawn as
    :func:`~tradecalc.engine.draws._deal_draws` draws them; the delay and lifetime only for
    the draws where the deal succeeds. ``buffer(name, shape)`` lends the kernel's arrays.
    """

    def __init__(self, layout: Layout, point: Params, risk: Risk, buffer: Callable):
        self.point, self.risk, self.buffer = point, risk, buffer
        self.years = layout.years.astype(float)
        self.count_deals = np.flatnonzero(layout.deal_counts)
        self.success_columns = layout.deal_group[self.count_deals]
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            self.ramps = self._ramp_tables()
            self.delay_cdf = self._delay_tables()

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

    def total(self, shocks: Shocks, draws: int) -> np.ndarray:
        """Sum of the counted deals in the draws, year-major (Y, D): the kernel's buffer."""
        scaled = [self._deal_scale(shocks, i) for i in range(len(self.count_deals))]
        if self.ramps is None:  # a start is not a whole year
            return self._deals_by_ramp(shocks, np.stack(scaled, axis=1))
        delays = None
        if shocks.delay is not None and self.delay_cdf is None:  # every deal at once
            lam = self.point.deal_delay_mean[:, self.count_deals]
            delays = poisson_delay(shocks.delay[:, self.count_deals], lam, self.risk.max_delay)
        years = len(self.years)
        total = self.buffer("deals", (years, draws))
        first = True  # the sum starts from 0: 0 + x, not x (-0 is 0)
        share = self.buffer("scratch", total.shape)
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
            np.add(0.0 if first else total, share, out=total)
            first = False
        if first:
            total[...] = 0.0
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
        elif shocks.delay is not None and self.delay_cdf is not None:  # delays: no tables
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
