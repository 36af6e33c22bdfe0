r"""The shock prior of a size class: empirical Bayes across the pairs whose annual log changes
start in the class's band (methods.md 8.2).

Each pair ``i`` of the class has ``n_i`` annual log changes measured around the class's mean
annual log change (a given centre, divisor ``n_i``): :math:`s_i^2 = SS_i / n_i`. The pairs' true
variances are a scaled inverse-:math:`\chi^2(\nu_0, s_0^2)` population, the same conjugate law
the odds update with a pair's own record (Gelman et al. 2013, *Bayesian Data Analysis*, 3rd ed.,
section 5.7 for the hierarchy, 2.6 for the law), so :math:`s_i^2 / s_0^2` is F(:math:`n_i,
\nu_0`) distributed. :math:`(\nu_0, s_0^2)` are estimated by Smyth's (2004) method of moments on
the log variances (Statistical Applications in Genetics and Molecular Biology 3(1), article 3,
section 6: the estimator of limma's ``fitFDist``). Pure numpy.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

METHOD = (
    "empirical Bayes across the class's pairs: a scaled inverse chi-square population of the "
    "pairs' variances, its weight by Smyth's (2004) moments of the log variances (capped at "
    "the class's changes), its mean the pooled variance of the class's changes"
)


def digamma(x: ArrayLike) -> np.ndarray:
    r"""The digamma function :math:`\psi(x)` for ``x > 0``: the recurrence
    :math:`\psi(x) = \psi(x + 1) - 1/x` up to ``x >= 10``, then the asymptotic series
    (Abramowitz & Stegun 1964, 6.3.5 and 6.3.18); error under 1e-12 there.

    >>> round(float(digamma(1.0)), 12)  # minus Euler's constant
    -0.577215664902
    """
    z = np.asarray(x, dtype=float).copy()
    out = np.zeros_like(z)
    while np.any(small := z < 10.0):
        out[small] -= 1.0 / z[small]
        z[small] += 1.0
    r = 1.0 / (z * z)
    series = r * (1 / 12 - r * (1 / 120 - r * (1 / 252 - r * (1 / 240 - r / 132))))
    return out + np.log(z) - 0.5 / z - series


def trigamma(x: ArrayLike) -> np.ndarray:
    r"""The trigamma function :math:`\psi'(x)` for ``x > 0`` (recurrence
    :math:`\psi'(x) = \psi'(x + 1) + 1/x^2`, then A&S 6.4.12).

    >>> round(float(trigamma(1.0)), 10)  # pi^2 / 6
    1.6449340668
    """
    z = np.asarray(x, dtype=float).copy()
    out = np.zeros_like(z)
    while np.any(small := z < 10.0):
        out[small] += 1.0 / (z[small] * z[small])
        z[small] += 1.0
    r = 1.0 / (z * z)
    series = r / z * (1 / 6 - r * (1 / 30 - r * (1 / 42 - r / 30)))
    return out + 1.0 / z + 0.5 * r + series


def inverse_trigamma(y: float) -> float:
    """The ``x > 0`` with ``trigamma(x) == y`` (trigamma falls monotonely: bisection in log x).

    >>> round(inverse_trigamma(float(trigamma(2.5))), 9)
    2.5
    """
    low, high = -30.0, 30.0
    for _ in range(200):
        mid = 0.5 * (low + high)
        if float(trigamma(np.exp(mid))) > y:
            low = mid
        else:
            high = mid
    return float(np.exp(0.5 * (low + high)))


def pair_sums(changes: ArrayLike, pairs: ArrayLike) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per pair (``pairs`` holds integer codes 0..P-1): count, sum and sum of squares of its
    changes: the sufficient statistics of :func:`prior_from_sums`."""
    d = np.asarray(changes, dtype=float)
    p = np.asarray(pairs, dtype=np.int64)
    size = int(p.max()) + 1 if p.size else 0
    n = np.bincount(p, minlength=size).astype(float)
    return n, np.bincount(p, d, minlength=size), np.bincount(p, d * d, minlength=size)


def size_class_prior(
    changes: ArrayLike, pairs: ArrayLike, centre: float | None = None
) -> tuple[float, float, dict[str, Any]]:
    """``(prior_sd, prior_df, diagnostics)`` of a size class's annual log changes.

    ``changes`` (N,) the log changes whose start year's value lies in the band, ``pairs`` (N,)
    the pair of each (integer codes); ``centre`` the class's mean annual log change (their
    mean when not given). See :func:`prior_from_sums`.
    """
    d = np.asarray(changes, dtype=float)
    if centre is None:
        centre = float(d.mean()) if d.size else 0.0
    return prior_from_sums(*pair_sums(d, pairs), centre)


def prior_from_sums(
    n: ArrayLike, total: ArrayLike, squares: ArrayLike, centre: float
) -> tuple[float, float, dict[str, Any]]:
    r"""The class prior from each pair's count, sum and sum of squares of changes.

    The weight :math:`\nu_0` by Smyth's (2004, eq. 10-11) moments of the log variances, with
    :math:`SS_i = \sum (\Delta - c)^2`, :math:`s_i^2 = SS_i / n_i` and
    :math:`e_i = \ln s_i^2 - \psi(n_i/2) + \ln(n_i/2)` (unbiased for :math:`\ln \sigma_i^2`):

    .. math:: \psi'(\nu_0 / 2) = \frac{1}{G}\sum_i \Big[\frac{G}{G-1}(e_i - \bar e)^2
              - \psi'(n_i / 2)\Big]

    The scale from the pooled variance :math:`\bar s^2 = \sum SS_i / \sum n_i` (every change
    of the class counts once, whichever pair it belongs to), matched to the population's mean
    variance: :math:`s_0^2 = \bar s^2 (\nu_0 - 2) / \nu_0`; for :math:`\nu_0 \le 2` (no
    finite mean) Smyth's own :math:`s_0^2 = \exp(\bar e + \psi(\nu_0/2) - \ln(\nu_0/2))`.

    Where the moment is not positive (the pairs' variances spread no more than their
    sampling noise: no evidence that they differ), :math:`\nu_0` is infinite: the pairs share
    one variance, :math:`s_0^2 = \bar s^2`. Either way the weight is capped at the class's
    degrees of freedom :math:`\sum n_i` (the changes themselves: a prior never carries more
    than the data it came from); ``diagnostics["capped"]`` says when, ``["scale"]`` which
    scale was used. Pairs with :math:`SS_i = 0` enter the pooled variance but not the log
    moments. ``(nan, 0, ...)`` for a class without changes.

    Examples
    --------
    >>> sd, df, why = prior_from_sums([2, 2], [0.2, -0.2], [0.1, 0.1], 0.0)  # s2 = 0.05 each
    >>> round(sd, 6), df, why["capped"]  # no spread at all: pooled, weight = 4 changes
    (0.223607, 4.0, True)
    """
    n = np.asarray(n, dtype=float)
    keep = n > 0
    n, s1, s2 = n[keep], np.asarray(total, float)[keep], np.asarray(squares, float)[keep]
    ss = np.maximum(s2 - 2.0 * centre * s1 + n * centre * centre, 0.0)
    changes, pairs = float(n.sum()), int(n.size)
    info: dict[str, Any] = {"centre": centre, "changes": int(changes), "pairs": pairs}
    if changes == 0:
        return float("nan"), 0.0, {**info, "capped": False, "df_estimate": None}
    pooled = float(ss.sum()) / changes
    info["pooled_sd"] = float(np.sqrt(pooled))
    moment, e_bar = _log_moment(ss, n)
    df_estimate = 2.0 * inverse_trigamma(moment) if moment is not None and moment > 0 else None
    info.update(df_estimate=df_estimate, excess_log_variance=moment)
    if df_estimate is None or df_estimate >= changes:
        return float(np.sqrt(pooled)), changes, {**info, "capped": True, "scale": "pooled"}
    if df_estimate > 2.0:
        scale, how = pooled * (df_estimate - 2.0) / df_estimate, "mean-matched"
    else:
        half = df_estimate / 2.0
        scale, how = float(np.exp(e_bar + digamma(half) - np.log(half))), "log-moment"
    return float(np.sqrt(scale)), df_estimate, {**info, "capped": False, "scale": how}


def _log_moment(ss: np.ndarray, n: np.ndarray) -> tuple[float | None, float]:
    """Smyth's moment: the log variances' spread beyond their sampling noise, and their mean
    (bias-corrected); ``(None, nan)`` with fewer than two pairs of non-zero variance."""
    ok = ss > 0.0
    if ok.sum() < 2:
        return None, float("nan")
    half = n[ok] / 2.0
    e = np.log(ss[ok] / n[ok]) - digamma(half) + np.log(half)
    g = float(ok.sum())
    e_bar = float(e.mean())
    moment = float(np.mean(g / (g - 1.0) * (e - e_bar) ** 2 - trigamma(half)))
    return moment, e_bar
