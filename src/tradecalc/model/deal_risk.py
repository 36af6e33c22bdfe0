"""Deal risk for the Monte Carlo: value, start delay, survival from pre-drawn draws (methods.md 5).

Each function turns standard draws (uniforms on [0, 1) or standard normals) into the deal's
quantity, so the caller owns the random generator and the same draws give the same numbers.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

Z90 = 1.2815515655446004
"""90th percentile of the standard normal (methods.md rounds it to 1.2816)."""


def two_piece_lognormal(
    median_usd_m: ArrayLike, low_usd_m: ArrayLike, high_usd_m: ArrayLike, standard_normal: ArrayLike
):
    r"""A deal's annual value drawn from a two-piece lognormal with P10 and P90 at a range's ends.

    .. math::
        V_{draw} = V e^{\sigma_{low} z} \ (z < 0), \quad V e^{\sigma_{high} z} \ (z \ge 0),
        \qquad \sigma_{low} = \frac{\ln(V / low)}{z_{0.9}}, \quad
        \sigma_{high} = \frac{\ln(high / V)}{z_{0.9}}

    with :math:`z_{0.9} = 1.28155`. The median is ``V`` and the 10 % and 90 % quantiles are
    ``low`` and ``high`` exactly: a two-piece normal in logs (John 1982, *Communications in
    Statistics - Theory and Methods* 11(8); Wallis 2014, *Statistical Science* 29(1)).

    Parameters
    ----------
    median_usd_m : array_like
        Central value ``V`` [US$ million, > 0].
    low_usd_m, high_usd_m : array_like
        P10 and P90 [US$ million, ``0 < low <= V <= high``].
    standard_normal : array_like
        Pre-drawn standard normal ``z``, one per draw and deal.

    Returns
    -------
    numpy.ndarray
        Drawn value [US$ million].

    Examples
    --------
    >>> two_piece_lognormal(100.0, 50.0, 300.0, [-Z90, 0.0, Z90]).round(6).tolist()
    [50.0, 100.0, 300.0]
    """
    median = np.asarray(median_usd_m, dtype=float)
    z = np.asarray(standard_normal, dtype=float)
    sigma_low = np.log(median / np.asarray(low_usd_m, dtype=float)) / Z90
    sigma_high = np.log(np.asarray(high_usd_m, dtype=float) / median) / Z90
    return median * np.exp(z * np.where(z < 0.0, sigma_low, sigma_high))


def poisson_delay(uniform: ArrayLike, delay_mean: ArrayLike, max_delay: int | None = None):
    r"""Start delay in whole years, Poisson with mean ``delay_mean``, by the inverse CDF.

    .. math:: d = \min\{n \ge 0 : F_\lambda(n) \ge u\}, \qquad
              F_\lambda(n) = \sum_{j \le n} \frac{\lambda^j e^{-\lambda}}{j!}

    Announced projects slip (methods.md section 5); the inverse-CDF method turns one uniform
    per draw and deal into one delay (Devroye 1986, *Non-Uniform Random Variate Generation*,
    Springer, ch. X.3), so the same uniforms give the same delays.

    Parameters
    ----------
    uniform : array_like
        Pre-drawn uniforms on [0, 1).
    delay_mean : array_like
        Mean delay :math:`\lambda` [years, >= 0].
    max_delay : int, optional
        Largest delay returned; set it to the horizon (a deal starting after the last year is
        the same whatever its delay). Without it the search stops where the Poisson
        probabilities underflow.

    Returns
    -------
    numpy.ndarray of int
        Delay [whole years].

    Examples
    --------
    >>> # Poisson(1): F(0) = e**-1 = 0.3679, F(1) = 2 e**-1 = 0.7358
    >>> poisson_delay([0.0, 0.36, 0.37, 0.73, 0.74], 1.0).tolist()
    [0, 0, 1, 1, 2]
    """
    u, lam = np.broadcast_arrays(
        np.asarray(uniform, dtype=float), np.asarray(delay_mean, dtype=float)
    )
    pmf = np.exp(-lam)
    cdf = pmf.copy()
    delay = np.zeros(u.shape, dtype=int)
    n = 0
    while True:
        more = u > cdf
        if not more.any() or (max_delay is not None and n >= max_delay):
            break
        delay += more
        n += 1
        pmf = pmf * lam / n
        if not np.any(pmf[more] > 0.0):  # probabilities underflowed: no larger delay is drawn
            break
        cdf = cdf + pmf
    return delay


def deal_alive(years_since_start: ArrayLike, annual_survival: ArrayLike, uniform: ArrayLike):
    r"""Whether a deal is still alive ``k`` years after its start, from one uniform per deal.

    .. math:: alive(k) = \left[\, u < q^{\max(k, 0)} \,\right]

    The deal ends for good in the first year a Bernoulli(``q``) fails: its lifetime is
    geometric, and one uniform ``u`` per draw and deal gives it (instead of one per year):
    ``alive`` is non-increasing in ``k``, :math:`P(alive(k)) = q^k` and
    :math:`P(alive(k) \mid alive(k-1)) = q`, the law of the year-by-year process. About 60 % of
    new export spells end within a year: Esteve-Pérez (2021), *The World Economy* 44(9).
    Before the start (``k < 0``) it returns True; the ramp is zero there.

    Parameters
    ----------
    years_since_start : array_like
        ``k = y - s`` [years], ``s`` the delayed start.
    annual_survival : array_like
        ``q`` in [0, 1].
    uniform : array_like
        Pre-drawn uniform on [0, 1), one per draw and deal (broadcast over years).

    Returns
    -------
    numpy.ndarray of bool
        Alive in year ``s + k``.

    Examples
    --------
    >>> deal_alive([0, 1, 2, 3], 0.5, 0.3).tolist()  # is 0.3 < 1, 0.5, 0.25, 0.125?
    [True, True, False, False]
    """
    k = np.maximum(np.asarray(years_since_start, dtype=float), 0.0)
    return np.asarray(uniform, dtype=float) < np.asarray(annual_survival, dtype=float) ** k
