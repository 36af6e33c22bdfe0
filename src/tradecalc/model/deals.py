"""Sector deals: ramps from announcement to full scale (methods.md section 5)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


def _active(years, start_year, end_year):
    years = np.asarray(years, dtype=float)
    return (years >= np.asarray(start_year, dtype=float)) & (
        years <= np.asarray(end_year, dtype=float)
    )


def deal_ramp(
    years: ArrayLike,
    start_year: ArrayLike,
    ramp_years: ArrayLike,
    end_year: ArrayLike = np.inf,
    logistic: ArrayLike = False,
):
    r"""Share of a deal's full annual value in year ``y``, linear or logistic (methods.md v2).

    .. math::
        linear(y) = \min\left(1, \frac{y - s + 1}{R}\right), \qquad
        logistic(y) = \frac{1}{1 + e^{-k (y - y_{mid})}}, \quad
        y_{mid} = s + \frac{R}{2} - 1, \quad k = \frac{2 \ln 9}{R}

    for :math:`s \le y \le end` and 0 outside. The logistic S-curve (Griliches 1957, "Hybrid
    corn", *Econometrica* 25(4)) shares the linear ramp's midpoint and rises from 10 % to 90 %
    over ``R`` years, so ``ramp_years`` means the same for both shapes (version 1 put the
    midpoint at ``s + R/2``).

    Parameters
    ----------
    years : array_like
        Calendar years.
    start_year : array_like
        Start ``s`` (after any delay).
    ramp_years : array_like
        ``R`` [years, > 0].
    end_year : array_like
        Last year with value; ``inf`` for none.
    logistic : array_like of bool
        True for the S-curve, False for the straight line (broadcast, e.g. per deal).

    Returns
    -------
    numpy.ndarray
        Share of full value in [0, 1].

    Examples
    --------
    >>> deal_ramp([2025, 2026, 2027, 2028, 2029], 2026, 3, logistic=True).round(3).tolist()
    [0.0, 0.325, 0.675, 0.9, 0.975]
    >>> deal_ramp([2026, 2027, 2028], 2026, 3).round(2).tolist()
    [0.33, 0.67, 1.0]
    """
    years = np.asarray(years, dtype=float)
    start = np.asarray(start_year, dtype=float)
    ramp_years = np.asarray(ramp_years, dtype=float)
    elapsed = years - start
    line = np.minimum(1.0, (elapsed + 1.0) / ramp_years)
    steepness = 2.0 * np.log(9.0) / ramp_years
    curve = 1.0 / (1.0 + np.exp(-steepness * (elapsed - ramp_years / 2.0 + 1.0)))
    share = np.where(np.asarray(logistic, dtype=bool), curve, line)
    return np.where(_active(years, start, end_year), share, 0.0)


def expected_deal_path(
    years: ArrayLike,
    start_year: ArrayLike,
    ramp_years: ArrayLike,
    end_year: ArrayLike = np.inf,
    logistic: ArrayLike = False,
    delay_mean: ArrayLike = 0.0,
    survival: ArrayLike = 1.0,
    tail: float = 1e-12,
):
    r"""Expected share of a deal's full value in year ``y`` over its start delay and survival.

    .. math::
        E[ramp \cdot alive](y) = \sum_{d \ge 0} \frac{\lambda^d e^{-\lambda}}{d!}
            \, ramp(y;\ s_0 + d) \, q^{\,y - s_0 - d}

    with the start delay ``d ~ Poisson(lambda)`` in whole years, ``ramp`` from
    :func:`deal_ramp` (the end year does not move with the delay) and the annual survival
    ``q``: the deal is alive ``k`` years after its start with probability :math:`q^k`
    (methods.md section 5; about 60 % of new export spells end within a year, Esteve-Pérez 2021,
    *The World Economy* 44(9)). Multiply by ``p * V`` for the deal's expected value.

    The sum stops once the Poisson tail left is below ``tail`` or the delayed start passes the
    last year (later starts add nothing), so the error is at most ``tail``.

    Parameters
    ----------
    years : array_like
        Calendar years, e.g. shape ``(Y,)``.
    start_year, ramp_years, end_year, logistic : array_like
        As in :func:`deal_ramp`, e.g. shape ``(D, K, 1)`` for draws and deals.
    delay_mean : array_like
        Mean start delay :math:`\lambda` [years, >= 0].
    survival : array_like
        Annual survival probability ``q`` (0, 1].
    tail : float
        Poisson tail probability below which the sum stops.

    Returns
    -------
    numpy.ndarray
        Expected share of full value, broadcast over the inputs.

    Examples
    --------
    >>> expected_deal_path([2026, 2027, 2028], 2026, 1, survival=0.5).tolist()  # 0.5**k
    [1.0, 0.5, 0.25]
    >>> p0 = np.exp(-1.0)  # Poisson(1): P(0) = P(1) = e**-1
    >>> bool(np.isclose(expected_deal_path(2027, 2026, 1, delay_mean=1.0), 2 * p0))
    True
    """
    years = np.asarray(years, dtype=float)
    start = np.asarray(start_year, dtype=float)

    def term(delay):
        return _alive_ramp(years, start + delay, ramp_years, end_year, logistic, survival)

    horizon = float(np.max(years) - np.min(start))
    return _poisson_expectation(term, np.asarray(delay_mean, dtype=float), horizon, tail)


def _alive_ramp(years, start, ramp_years, end_year, logistic, survival):
    r"""The ramp from ``start`` times the chance the deal is still alive,
    :math:`ramp(y;\ s) \, q^{\max(y - s,\ 0)}`."""
    alive = np.asarray(survival, dtype=float) ** np.maximum(years - start, 0.0)
    return deal_ramp(years, start, ramp_years, end_year, logistic) * alive


def _poisson_expectation(term, lam, horizon, tail):
    r"""The expectation of ``term(d)`` over whole delays :math:`d \sim Poisson(\lambda)`.

    The sum runs over :math:`d = 0, 1, \ldots` and stops once the Poisson tail left is below
    ``tail`` or ``d`` reaches ``horizon`` (for :func:`expected_deal_path`, later starts add
    nothing).

    >>> round(float(_poisson_expectation(lambda d: d, 2.0, 100, 1e-12)), 9)  # E[d] = lambda
    2.0
    """
    pmf = np.exp(-lam)
    cdf = pmf
    total = pmf * term(0.0)
    delay = 0
    while delay < horizon and np.max(1.0 - cdf) >= tail:
        delay += 1
        pmf = pmf * lam / delay
        cdf = cdf + pmf
        total = total + pmf * term(float(delay))
    return total
